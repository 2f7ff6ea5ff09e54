"""A changed content/web.yml reaches the chat page in headless Chromium
(tests/browser.py): another name, a PNG logo and other colours, through
/chat/theme.css and under the real Content-Security-Policy. The web service
runs alone (`python -m bot`, no Rasa): the chat cannot connect, the page and
its look are all there is to see. Screenshot: chat-other-look-phone.png.

The shipped look with a real conversation is tested in
tests/model/test_web_look.py."""

from __future__ import annotations

import shutil
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, expect

from core.content.loader import DEFAULT_DIR
from tests.browser import PHONE, axe_violations, launched_chromium, screenshot
from tests.unit.image_helpers import png
from tests.unit.test_chat_look import edit_web
from tests.ports import free_port
from tests.web_service import running_service, service_env

GREEN = {"brand": "#2e6b30", "brand_dark": "#1d4420", "bot_bubble": "#e6f0e4", "focus": "#8a3b00"}

expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("look")
    content = folder / "content"
    shutil.copytree(DEFAULT_DIR, content)
    (content / "kommunen.png").write_bytes(png(150, 50))
    edit_web(content, name="Omsorgsvägen", logo="kommunen.png", logo_alt="Gröna kommunen", colours=GREEN)
    env = service_env(free_port(), database_url=f"sqlite:///{folder / 'service.db'}", content_dir=str(content),
                      rasa_url=f"http://127.0.0.1:{free_port()}")
    with running_service(env, folder / "service.log") as url:
        yield url


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
