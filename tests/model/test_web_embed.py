"""The widget cannot fail silently (issue 21, item 1), in headless Chromium
against the real stack.

Three pages of "the municipality's site" embed the widget with the one tag:
one on a site the chat service lets frame the chat (VARDVAGEN_EMBED_ORIGINS),
two on a site it does not: one plain, one whose own CSP keeps the widget from
asking the service first (then the frame that never says it started decides).
A site that may not frame the chat gets a Swedish message with a link that
opens the chat in a new tab, no broken frame, and a console line naming the
setting. On a phone the open widget fills the screen, the page behind keeps
still, "Stäng chatten" stays on screen, and closing gives the focus back.
Screenshots go to results/screenshots/ (git-ignored)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterator, List

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import PHONE, WAIT_MS, axe_violations, screenshot
from tests.ports import free_port
from tests.model.test_web_chat import LONG_CHAT, in_view, say, wait_for_greeting, wait_until

DESKTOP = {"width": 1280, "height": 800}
ALLOWED_PORT = free_port()
REFUSED_PORT = free_port()
STACK_ENV = {"VARDVAGEN_EMBED_ORIGINS": f"http://127.0.0.1:{ALLOWED_PORT}"}
SETTING = "VARDVAGEN_EMBED_ORIGINS"
REFUSED = "Chatten kan inte visas på den här sidan."
NEW_TAB = "Öppna chatten i en ny flik"
# embed.js waits this long for a frame that never says it started (READY_MS), plus slack.
READY_WAIT_MS = 15_000

expect.set_options(timeout=WAIT_MS)


def site_page(chat_url: str) -> bytes:
    """A long page of the municipality's site with the widget's one tag."""
    paragraphs = "".join(f"<p>Stycke {n}: här finns jobb i hemtjänst och på äldreboenden.</p>" for n in range(80))
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Jobba i vården – Exempelkommun</title></head><body><main>"
        f"<h1>Jobba i vården</h1>{paragraphs}</main>"
        f'<script src="{chat_url}/chat/embed.js" defer></script></body></html>'
    ).encode()


def serve(port: int, body: bytes, strict_csp: str) -> ThreadingHTTPServer:
    """/jobb: the page; /strikt: the same page under a CSP without connect-src for the chat."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            known = self.path in ("/jobb", "/strikt")
            self.send_response(200 if known else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if self.path == "/strikt":
                self.send_header("Content-Security-Policy", strict_csp)
            self.end_headers()
            self.wfile.write(body if known else b"")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def sites(stack) -> Iterator[Dict[str, str]]:
    body = site_page(stack.web_url)
    # Script, style and frame from the chat service, but no connect-src: the widget cannot ask first.
    strict = f"default-src 'self'; script-src {stack.web_url}; style-src {stack.web_url}; frame-src {stack.web_url}"
    servers = [serve(ALLOWED_PORT, body, strict), serve(REFUSED_PORT, body, strict)]
    yield {
        "allowed": f"http://127.0.0.1:{ALLOWED_PORT}/jobb",
        "refused": f"http://127.0.0.1:{REFUSED_PORT}/jobb",
        "refused_unchecked": f"http://127.0.0.1:{REFUSED_PORT}/strikt",
    }
    for server in servers:
        server.shutdown()
        server.server_close()


def visit(context: BrowserContext, url: str) -> Page:
    """The site's page, with its console lines and script errors kept."""
    page = context.new_page()
    lines: List[str] = []
    page.on("console", lambda message: lines.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: lines.append(f"pageerror: {error}"))
    page.console_lines = lines  # type: ignore[attr-defined]
    page.goto(url)
    expect(page.locator("#vardvagen-launcher")).to_be_visible()
    return page


def widget_errors(page: Page) -> List[str]:
    return [line for line in page.console_lines if line.startswith("error: Vårdvägen chat:")]


def new_context(browser, size) -> BrowserContext:
    context = browser.new_context(viewport=size, locale="sv-SE")
    context.set_default_timeout(WAIT_MS)
    return context


def assert_refused_message(page: Page, stack) -> None:
    """The Swedish message, the link to a new tab, and no frame."""
    notice = page.locator("#vardvagen-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(REFUSED)
    expect(notice).to_contain_text("Det är inte ditt fel.")
    link = notice.get_by_role("link", name=NEW_TAB)
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", f"{stack.web_url}/chat")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener")
    expect(notice.get_by_role("button", name="Stäng chatten")).to_be_visible()


# ---- a site that may frame the chat -------------------------------------------------


def test_an_allowed_site_shows_the_chat(browser, stack, sites):
    context = new_context(browser, DESKTOP)
    try:
        with context.expect_event("requestfinished", lambda r: "/chat/embed-check" in r.url) as checked:
            page = visit(context, sites["allowed"])
        assert checked.value.response().json()["allowed"] is True
        page.locator("#vardvagen-launcher").click()
        chat = page.frame_locator("iframe.vardvagen-frame")
        wait_for_greeting(chat)
        expect(page.locator("iframe.vardvagen-frame")).to_be_visible()
        expect(page.locator("#vardvagen-notice")).to_be_hidden()
        # The frame said it started: the widget gives it the focus.
        expect(chat.locator("#message")).to_be_focused()
        assert widget_errors(page) == []
        screenshot(page, "embed-allowed")
        # On a computer the launcher stays beside the open panel; Escape there closes the chat too.
        page.locator("#vardvagen-launcher").focus()
        page.keyboard.press("Escape")
        expect(page.locator("#vardvagen-panel")).to_be_hidden()
        expect(page.locator("#vardvagen-launcher")).to_have_attribute("aria-expanded", "false")
    finally:
        context.close()


def test_on_a_phone_the_open_chat_fills_the_screen_and_closes_back_to_the_launcher(context, stack, sites):
    page = visit(context, sites["allowed"])
    launcher = page.locator("#vardvagen-launcher")
    launcher.click()
    chat = page.frame_locator("iframe.vardvagen-frame")
    wait_for_greeting(chat)
    assert page.locator("#vardvagen-panel").bounding_box() == {"x": 0, "y": 0, **PHONE}, "the panel covers the screen"
    # The launcher steps aside: it cannot cover the chat's input.
    expect(launcher).to_be_hidden()
    expect(chat.locator("#message")).to_be_visible()
    assert in_view(page, chat.locator("#message"))

    # A long conversation: "Stäng chatten" stays on screen, and the page behind keeps still.
    for text in LONG_CHAT[:3]:
        count = chat.locator(".msg.bot").count()
        say(chat, text)
        expect(chat.locator(".msg.bot")).not_to_have_count(count)
    chat.locator(".msg").last.scroll_into_view_if_needed()
    assert not in_view(page, chat.locator(".msg").first), "the chat is longer than the screen"
    assert in_view(page, chat.locator("#close")), "Stäng chatten is not scrolled away"
    page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.scrollY") == 0, "the page behind the open chat does not scroll"
    screenshot(page, "embed-phone-open")

    chat.locator("#close").click()
    expect(page.locator("#vardvagen-panel")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("getComputedStyle(document.documentElement).overflowY") != "hidden", "the page scrolls again"

    # Open again: the chat has the focus; Escape closes it and gives the focus back.
    launcher.click()
    expect(chat.locator("#message")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#vardvagen-panel")).to_be_hidden()
    expect(launcher).to_be_focused()


# ---- a site that may not ------------------------------------------------------------


def test_a_site_not_allowed_gets_a_message_and_a_link_to_a_new_tab(context, stack, sites):
    page = visit(context, sites["refused"])
    origin = f"http://127.0.0.1:{REFUSED_PORT}"
    # The web editor sees why in the console as soon as the page loads, before anyone clicks.
    errors = wait_until(lambda: page.wait_for_timeout(100) or widget_errors(page), "the console line")
    expect(page.locator("#vardvagen-panel")).to_be_hidden()
    assert len(errors) == 1 and SETTING in errors[0] and f"add {origin} to {SETTING}" in errors[0], page.console_lines

    launcher = page.locator("#vardvagen-launcher")
    launcher.click()
    assert_refused_message(page, stack)
    expect(page.locator("#vardvagen-notice")).to_be_focused()
    assert page.locator("iframe").count() == 0, "no broken frame"
    assert page.locator("#vardvagen-panel").bounding_box() == {"x": 0, "y": 0, **PHONE}, "full screen on a phone"
    screenshot(page, "embed-not-allowed")

    # The link opens the chat itself, in a new tab.
    with context.expect_page() as opened:
        page.get_by_role("link", name=NEW_TAB).click()
    wait_for_greeting(opened.value)
    assert opened.value.url == f"{stack.web_url}/chat"
    opened.value.close()

    page.locator("#vardvagen-notice").get_by_role("button", name="Stäng chatten").click()
    expect(page.locator("#vardvagen-panel")).to_be_hidden()
    expect(launcher).to_be_focused()
    launcher.click()
    expect(page.locator("#vardvagen-notice")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#vardvagen-panel")).to_be_hidden()
    expect(launcher).to_be_focused()
    assert len(widget_errors(page)) == 1, "said once"


@pytest.mark.parametrize("size_name, size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_message_has_no_axe_violations(browser, stack, sites, size_name, size):
    context = new_context(browser, size)
    try:
        page = visit(context, sites["refused"])
        page.locator("#vardvagen-launcher").click()
        assert_refused_message(page, stack)
        if size_name == "desktop":
            screenshot(page, "embed-not-allowed-desktop")
        assert axe_violations(page.main_frame) == []
    finally:
        context.close()


def test_a_frame_that_never_starts_gets_the_same_message(context, stack, sites):
    """The site's CSP keeps the widget from asking first; the browser refuses the
    frame (frame-ancestors), so the chat never says it started."""
    page = visit(context, sites["refused_unchecked"])
    page.locator("#vardvagen-launcher").click()
    expect(page.locator("#vardvagen-notice")).to_be_visible(timeout=READY_WAIT_MS)
    assert_refused_message(page, stack)
    expect(page.locator("iframe.vardvagen-frame")).to_be_hidden()
    errors = widget_errors(page)
    assert len(errors) == 1 and "did not start" in errors[0] and SETTING in errors[0], page.console_lines
    screenshot(page, "embed-frame-refused")
