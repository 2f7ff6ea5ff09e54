"""A changed content/web.yml reaches the chat page in headless Chromium
(tests/browser.py): another name, a PNG logo and other colours, through
/chat/theme.css and under the real Content-Security-Policy. The web service
runs alone (`python -m bot`, no Rasa): the chat cannot connect, the page and
its look are all there is to see. Screenshot: chat-other-look-phone.png.

The shipped look with a real conversation is tested in
tests/model/test_web_look.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from typing import Iterator, List

import pytest
import requests
from playwright.sync_api import Browser, expect

from core.content.loader import DEFAULT_DIR
from tests.browser import PHONE, ROOT, axe_violations, launched_chromium, screenshot
from tests.unit.image_helpers import png
from tests.unit.test_chat_look import edit_web
from tests.unit.ticket_helpers import free_port

GREEN = {"brand": "#2e6b30", "brand_dark": "#1d4420", "bot_bubble": "#e6f0e4", "focus": "#8a3b00"}

expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("look")
    content = folder / "content"
    shutil.copytree(DEFAULT_DIR, content)
    (content / "kommunen.png").write_bytes(png(150, 50))
    edit_web(content, name="Omsorgsvägen", logo="kommunen.png", logo_alt="Gröna kommunen", colours=GREEN)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VARDVAGEN_DATABASE_URL": f"sqlite:///{folder / 'service.db'}",
           "VARDVAGEN_HOST": "127.0.0.1", "VARDVAGEN_PORT": str(port), "VARDVAGEN_CONTENT_DIR": str(content),
           "VARDVAGEN_RASA_URL": f"http://127.0.0.1:{free_port()}"}
    log_path = folder / "service.log"
    log = log_path.open("w")
    process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("The service did not start:\n" + log_path.read_text())
        time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launched_chromium()


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def test_another_municipalitys_look_reaches_the_page(browser, service):
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    refused: List[str] = []
    context.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page = context.new_page()
        page.goto(f"{service}/chat")
        expect(page).to_have_title("Omsorgsvägen – chatt om jobb i vården – Exempelkommun")
        expect(page.get_by_role("heading", level=1)).to_have_text("Omsorgsvägen")
        logo = page.get_by_role("img", name="Gröna kommunen")
        expect(logo).to_be_visible()
        assert logo.evaluate("img => img.complete && img.naturalWidth") == 150
        header = page.locator("header.top")
        assert header.evaluate("e => getComputedStyle(e).borderBottomColor") == rgb(GREEN["brand"])
        assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == rgb(GREEN["brand_dark"])
        assert page.locator(".send").evaluate("e => getComputedStyle(e).backgroundColor") == rgb(GREEN["brand"])
        # The focus ring is the municipality's too.
        page.locator("#message").focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("getComputedStyle(document.activeElement).outlineColor") == rgb(GREEN["focus"])
        page.locator(".settings summary").click()
        screenshot(page, "chat-other-look-phone")
        assert axe_violations(page.main_frame) == []
        assert refused == []
    finally:
        context.close()
