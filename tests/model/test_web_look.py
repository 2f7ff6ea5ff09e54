"""The chat looks like the municipality's service (issue 21, item 6), in
headless Chromium against the real stack: the service's name, the
municipality's logo, favicon and colours from content/web.yml; a small "Läs
upp" under each bot message that still reads, and a setting that reads new
answers by themselves; axe-core finds nothing at phone, tablet and desktop
size. Screenshots of each state go to results/screenshots/ (git-ignored):
chat-phone.png, chat-tablet.png, chat-desktop.png, chat-reading-phone.png.

A changed web.yml reaching the page (other colours, another name, a PNG
logo) is tested without Rasa in tests/unit/test_chat_look_browser.py."""

from __future__ import annotations

from typing import List

import pytest
from playwright.sync_api import BrowserContext, expect

from core.content import load_content
from core.content.loader import DEFAULT_DIR
from tests.browser import PHONE, WAIT_MS, axe_violations, screenshot
from tests.model.test_web_chat import (NO_SPEECH, RECORD_SPEECH, TABLET, bot_texts, open_chat, say,
                                       wait_for_bot_text)

DESKTOP = {"width": 1280, "height": 800}
CONTENT = load_content()
WEB = CONTENT.web
# The old "Läs upp" was a 44 px high button with a border: the new one is smaller.
OLD_READ_HEIGHT = 44

expect.set_options(timeout=WAIT_MS)


def rgb(colour: str) -> str:
    """#0b5394 as getComputedStyle writes it: rgb(11, 83, 148)."""
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def style(locator, prop: str) -> str:
    return locator.evaluate("(e, p) => getComputedStyle(e)[p]", prop)


def refused_by_csp(context: BrowserContext) -> List[str]:
    refused: List[str] = []
    context.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


# ---- the municipality's service --------------------------------------------


def test_the_header_names_the_service_and_shows_the_municipalitys_logo(context, stack):
    refused = refused_by_csp(context)
    page = open_chat(context, stack)
    expect(page).to_have_title(f"{WEB.name} – chatt om jobb i vården – {CONTENT.municipality.name}")
    header = page.locator("header.top")
    expect(header.get_by_role("heading", level=1)).to_have_text(WEB.name)

    logo = header.get_by_role("img", name=WEB.logo_alt or CONTENT.municipality.name)
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") > 0, "the logo loads"
    box = logo.bounding_box()
    assert 24 <= box["height"] <= 64 and box["x"] < box["x"] + box["width"] <= PHONE["width"]
    assert logo.get_attribute("src").startswith("/chat/logo.svg?v=")

    icon = page.locator('link[rel="icon"]')
    expect(icon).to_have_count(1)
    served = context.request.get(stack.web_url + icon.get_attribute("href"))
    assert served.status == 200 and served.headers["content-type"] == "image/svg+xml"
    assert served.body() == (DEFAULT_DIR / WEB.favicon).read_bytes()

    # The colours of content/web.yml, from /chat/theme.css.
    colours = WEB.colours
    assert style(header, "borderBottomColor") == rgb(colours.brand)
    assert style(header.locator("h1"), "color") == rgb(colours.brand_dark)
    assert style(page.locator(".send"), "backgroundColor") == rgb(colours.brand)
    assert style(page.locator(".send"), "color") == rgb(colours.on_brand)
    assert style(page.locator(".msg.bot .text").first, "backgroundColor") == rgb(colours.bot_bubble)
    say(page, "vad betyder apl")
    expect(page.locator(".msg.user .text")).to_have_text(["vad betyder apl"])
    assert style(page.locator(".msg.user .text"), "backgroundColor") == rgb(colours.brand)
    assert refused == [] and page.errors == []  # type: ignore[attr-defined]


def test_the_widget_shows_the_same_name_and_logo(context, stack):
    page = open_chat(context, stack, "?embed=1")
    expect(page.locator("header.top h1")).to_have_text(WEB.name)
    expect(page.locator("header.top img.logo")).to_be_visible()
    expect(page.locator("#close")).to_be_visible()


# ---- a quieter "Läs upp" ----------------------------------------------------


def read_buttons(page):
    return page.get_by_role("button", name="Läs upp", exact=True)


def test_read_aloud_is_a_small_button_that_still_reads(context, stack):
    context.add_init_script(RECORD_SPEECH)
    page = open_chat(context, stack)
    bot_messages = page.locator(".msg.bot").count()
    expect(read_buttons(page)).to_have_count(bot_messages)  # one per bot message, named "Läs upp"
    first = page.locator(".msg.bot").first
    button = first.locator(".read")
    box, bubble = button.bounding_box(), first.locator(".text").bounding_box()
    assert 24 <= box["height"] < OLD_READ_HEIGHT, "small, but still a target of 24 px or more (WCAG 2.5.8)"
    assert box["width"] >= 24 and box["width"] < bubble["width"] / 2
    assert style(button, "borderTopWidth") == "0px", "no box around it: it does not compete with the answer"
    assert "data:image/svg+xml" in button.evaluate("b => getComputedStyle(b, '::before').maskImage"), "a speaker icon"

    button.click()
    assert page.evaluate("window.__spoken") == [
        {"text": first.locator(".text").inner_text(), "lang": "sv-SE", "rate": pytest.approx(WEB.read_aloud_rate)}]
    expect(button).to_have_text("Sluta läsa")
    expect(button).to_have_attribute("aria-pressed", "true")
    screenshot(page, "chat-reading-phone")
    button.click()
    expect(button).to_have_text("Läs upp")
    expect(button).to_have_attribute("aria-pressed", "false")


def test_a_classroom_tablet_keeps_a_big_read_aloud_button(context, stack):
    page = open_chat(context, stack, "?tablet=1")
    page.set_viewport_size(TABLET)
    box = page.locator(".msg.bot .read").first.bounding_box()
    assert box["height"] >= 44


def test_new_answers_can_be_read_aloud_by_themselves(context, stack):
    context.add_init_script(RECORD_SPEECH)
    page = open_chat(context, stack)
    assert page.evaluate("window.__spoken") == [], "off by default"
    page.locator(".settings summary").click()
    setting = page.get_by_label("Läs upp nya svar automatiskt")
    expect(setting).not_to_be_checked()
    setting.check()

    say(page, "vad betyder apl")
    apl = next(w for w in CONTENT.glossary.words if w.term == "APL")
    wait_for_bot_text(page, apl.text[:30])
    answer = next(text for text in bot_texts(page) if apl.text[:30] in text)
    spoken = page.evaluate("window.__spoken")
    assert answer in [s["text"] for s in spoken]
    assert all(s["lang"] == "sv-SE" for s in spoken)
    assert not any("Hej! Jag heter" in s["text"] for s in spoken), "only answers that came after the setting"

    # Kept over a reload; what is already on screen is not read again.
    page.reload()
    expect(page.locator(".msg.user .text")).to_have_text(["vad betyder apl"])
    page.locator(".settings summary").click()
    expect(page.get_by_label("Läs upp nya svar automatiskt")).to_be_checked()
    assert page.evaluate("window.__spoken") == []

    page.get_by_label("Läs upp nya svar automatiskt").uncheck()
    count = page.locator(".msg.bot").count()
    say(page, "vad tjanar en skotare")
    expect(page.locator(".msg.bot")).not_to_have_count(count)
    assert page.evaluate("window.__spoken") == []


def test_without_speech_synthesis_there_is_no_read_aloud_setting(context, stack):
    context.add_init_script(NO_SPEECH)
    page = open_chat(context, stack)
    page.locator(".settings summary").click()
    setting = page.locator("#auto-read")
    expect(setting).to_have_count(1)
    expect(setting).to_be_hidden()
    expect(page.get_by_text("Läs upp nya svar automatiskt")).to_be_hidden()
    expect(read_buttons(page)).to_have_count(0)


# ---- three sizes: axe-core and screenshots -----------------------------------


@pytest.mark.parametrize("size_name, size, query", [
    ("phone", PHONE, ""),
    ("tablet", TABLET, "?tablet=1"),
    ("desktop", DESKTOP, ""),
])
def test_the_chat_has_no_axe_violations_at_phone_tablet_and_desktop_size(browser, stack, size_name, size, query):
    context = browser.new_context(viewport=size, locale="sv-SE")
    context.set_default_timeout(WAIT_MS)
    refused = refused_by_csp(context)
    try:
        page = open_chat(context, stack, query)
        say(page, "vad betyder apl")
        page.locator(".msg.bot .term").first.wait_for()
        expect(page.locator(".msg.bot .read").last).to_be_visible()
        page.locator(".msg.bot").last.scroll_into_view_if_needed()
        screenshot(page, f"chat-{size_name}")
        assert axe_violations(page.main_frame) == []
        # The settings open, with the read-aloud setting, pass too.
        page.locator(".settings summary").click()
        expect(page.get_by_label("Läs upp nya svar automatiskt")).to_be_visible()
        assert axe_violations(page.main_frame) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        assert refused == [] and page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()
