"""The web chat in headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright) against the real stack: buttons by mouse and keyboard, booking
through the embedded widget, the classroom tablet's reset, typed HTML shown as
text, Läs upp, glossary words, and axe-core at phone and tablet sizes.
Screenshots go to results/screenshots/ (git-ignored)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Set

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from core.content import load_content
from tests.browser import PHONE, ROOT, WAIT_MS, axe_violations, screenshot
from tests.ports import free_port

TABLET = {"width": 1024, "height": 768}

expect.set_options(timeout=WAIT_MS)


# The municipality's page that embeds the widget: the chat service lets only
# configured sites frame the chat (Content-Security-Policy frame-ancestors).
SITE_PORT = free_port()
STACK_ENV = {"VARDVAGEN_EMBED_ORIGINS": f"http://127.0.0.1:{SITE_PORT}"}
CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases


@pytest.fixture(scope="module")
def municipal_site(stack) -> Iterator[str]:
    """A page of the municipality's own site (another origin) with the one-tag widget.

    Served from loopback too: Chromium blocks a public page's requests to
    loopback addresses (Local Network Access).
    """
    page = (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Jobba i vården – Exempelkommun</title></head><body><main>"
        "<h1>Jobba i vården</h1><p>Här finns jobb i hemtjänst och på äldreboenden.</p></main>"
        f'<script src="{stack.web_url}/chat/embed.js" defer></script></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200 if self.path == "/jobb" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page if self.path == "/jobb" else b"")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", SITE_PORT), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jobb"
    server.shutdown()
    server.server_close()


def open_chat(context: BrowserContext, stack, query: str = "") -> Page:
    page = context.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(f"{stack.web_url}/chat{query}")
    wait_for_greeting(page)
    return page


def wait_for_greeting(chat) -> None:
    """The greeting and the help menu with its buttons are on screen."""
    expect(chat.locator(".msg.bot").first).to_contain_text("Hej! Jag heter Vårdvägen.")
    expect(chat.locator(".choices .choice").first).to_be_visible()


def bot_texts(chat) -> List[str]:
    return chat.locator(".msg.bot .text").all_inner_texts()


def wait_for_bot_text(chat, text: str) -> None:
    expect(chat.locator(".msg.bot .text", has_text=text).last).to_be_visible()


def say(chat, text: str) -> None:
    chat.locator("#message").fill(text)
    chat.locator("#message").press("Enter")


def choose(chat, title: str) -> None:
    chat.locator(".choices .choice", has_text=title).first.click()


def tracker_senders(stack) -> Set[str]:
    with sqlite3.connect(stack.var_dir / "tracker.db") as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events WHERE sender_id LIKE 'web-%'")}


def tracker_events(stack, sender: str) -> List[str]:
    with sqlite3.connect(stack.var_dir / "tracker.db") as db:
        return [row[0] for row in db.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,))]


def wait_until(check, what: str, seconds: float = 30.0):
    """Poll `check` until it returns something truthy (Rasa saves a turn after answering)."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(0.2)


def new_sender(stack, known: Set[str]) -> str:
    found = wait_until(lambda: tracker_senders(stack) - known, "a new conversation in the tracker store")
    assert len(found) == 1, found
    return found.pop()


def open_widget(context: BrowserContext, stack, site: str) -> tuple:
    """The municipality's page with the widget; the widget opened."""
    page = context.new_page()
    page.goto(site)
    launcher = page.locator("#vardvagen-launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    chat = page.frame_locator("iframe.vardvagen-frame")
    wait_for_greeting(chat)
    frame = next(f for f in page.frames if f.url.startswith(f"{stack.web_url}/chat"))
    return page, chat, frame


# ---- conversation --------------------------------------------------------


def test_choices_work_by_mouse_and_by_keyboard(context, stack):
    page = open_chat(context, stack)
    menu = {item.intent: item.label for item in CONTENT.menu.items}
    # Icons from content/web.yml, hidden from screen readers.
    icon = page.locator(".choice", has_text=menu["book_appointment"]).locator(".icon")
    expect(icon).to_have_text(CONTENT.web.icons["book_appointment"])
    expect(icon).to_have_attribute("aria-hidden", "true")

    choose(page, menu["ask_steps"])
    expect(page.locator(".msg.user .text")).to_have_text([menu["ask_steps"]])
    wait_for_bot_text(page, CONTENT.steps.intro[:40])
    # Older choices are gone once answered; the new ones are real buttons.
    choices = page.locator(".choices .choice")
    expect(choices.first).to_be_visible()
    assert choices.evaluate_all("list => list.every(b => b.tagName === 'BUTTON' && b.type === 'button')")

    # Keyboard only: Tab from the top of the page to a choice, then Enter.
    wanted = choices.last.locator("span:not(.icon)").inner_text()
    page.locator("body").focus()
    page.evaluate("document.activeElement.blur()")
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; return e && e.classList.contains('choice') ? e.lastChild.textContent : null; }"
        )
        if focused == wanted:
            break
    else:
        pytest.fail(f"Tab never reached the choice {wanted!r}")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused button shows a visible focus ring"
    page.keyboard.press("Enter")
    expect(page.locator(".msg.user .text").last).to_have_text(wanted)
    expect(page.locator(".msg.bot").last).not_to_have_text("")
    assert page.errors == []  # type: ignore[attr-defined]


def test_follow_ups_keep_the_topic_in_the_browser(context, stack):
    """Issue 19, item 1, as a person types it in the chat page."""
    usk = next(p for p in CONTENT.professions.professions if p.id == "underskoterska")
    page = open_chat(context, stack)
    say(page, "vad gor en underskoterska")
    wait_for_bot_text(page, usk.summary[:30])
    say(page, "vad tjanar man da?")
    wait_for_bot_text(page, usk.pay.text[:40])
    say(page, "e det tungt")
    wait_for_bot_text(page, usk.physical[:40])
    assert PHRASES["choose_profession"] not in "\n".join(bot_texts(page)), "the job was never asked for again"
    screenshot(page, "chat-follow-ups-phone")
    # A question inside the booking: answered, then the booking's question again; "avbryt" stops it.
    say(page, "jag vill boka tid")
    expect(page.locator(".choices .choice").first).to_be_visible()
    asked = bot_texts(page)[-1]
    say(page, "vad kravs?")
    wait_for_bot_text(page, usk.how_to[0][:40])
    expect(page.locator(".msg.bot .text").last).to_have_text(asked)
    say(page, "avbryt")
    wait_for_bot_text(page, PHRASES["stopped_booking"])
    assert page.errors == []  # type: ignore[attr-defined]


def test_normal_mode_keeps_the_conversation_over_a_reload(context, stack):
    page = open_chat(context, stack)
    say(page, "vad tjanar en skotare")
    wait_for_bot_text(page, next(p for p in CONTENT.professions.professions if p.id == "skotare").pay.text[:30])
    shown = bot_texts(page)
    page.reload()
    expect(page.locator(".msg.user .text")).to_have_text(["vad tjanar en skotare"])
    assert bot_texts(page) == shown
    assert page.evaluate("sessionStorage.length") == 1
    assert page.evaluate("localStorage.length") == 0


def in_view(page: Page, locator) -> bool:
    """Whether the element is wholly inside the window (issue 21: nothing hidden off screen)."""
    return locator.evaluate("e => { const r = e.getBoundingClientRect(); "
                            "return r.top >= 0 && r.bottom <= window.innerHeight; }")


LONG_CHAT = ["vad gor en underskoterska", "vad tjanar man da", "vilka jobbspar finns", "vad betyder apl",
             "hur blir man skotare", "vad gor en personlig assistent"]


def test_after_a_reload_the_chat_shows_the_latest_message(context, stack):
    """Issue 21, item 4: the person does not scroll eight screens to find their code."""
    page = open_chat(context, stack)
    for text in LONG_CHAT:
        count = page.locator(".msg.bot").count()
        say(page, text)
        expect(page.locator(".msg.bot")).not_to_have_count(count)
    wait_until(lambda: page.locator(".msg").count() > 12, "a long conversation")
    page.reload()
    expect(page.locator(".msg.user .text").last).to_have_text(LONG_CHAT[-1])
    wait_until(lambda: in_view(page, page.locator(".msg").last), "the latest message on screen")
    assert not in_view(page, page.locator(".msg").first), "a long chat: the start is above"
    screenshot(page, "chat-after-reload")


def test_a_tablet_keeps_new_user_on_screen_in_a_long_chat(context, stack):
    """Issue 21, item 2: "Ny användare" is never scrolled away."""
    page = open_chat(context, stack, "?tablet=1")
    page.set_viewport_size(TABLET)
    for text in LONG_CHAT:
        count = page.locator(".msg.bot").count()
        say(page, text)
        expect(page.locator(".msg.bot")).not_to_have_count(count)
    page.locator(".msg").last.scroll_into_view_if_needed()
    assert not in_view(page, page.locator(".msg").first)
    assert in_view(page, page.locator("#new-user")), "the header stays with the tablet's new-user button"
    screenshot(page, "chat-tablet-long")


def test_booking_through_the_embedded_widget(context, stack, municipal_site):
    page, chat, _ = open_widget(context, stack, municipal_site)
    say(chat, "jag vill boka en tid med syv")
    wait_for_bot_text(chat, PHRASES["ask_meeting_type"])
    phone = next(t.label for t in CONTENT.booking.meeting_types if t.id == "phone")
    choose(chat, phone)
    wait_for_bot_text(chat, PHRASES["ask_interpreter_wanted"])
    choose(chat, PHRASES["button_yes"])
    wait_for_bot_text(chat, PHRASES["ask_interpreter_language"])
    choose(chat, "arabiska")
    wait_for_bot_text(chat, PHRASES["ask_slot_choice"])
    first_time = chat.locator(".choices .choice").first
    label = first_time.locator("span:not(.icon)").inner_text()
    first_time.click()
    wait_for_bot_text(chat, PHRASES["ask_first_name"])
    say(chat, "Amina")
    wait_for_bot_text(chat, PHRASES["ask_contact"])
    say(chat, "070-123 45 67")
    wait_for_bot_text(chat, "Amina")
    choose(chat, PHRASES["button_book_yes"])
    wait_for_bot_text(chat, PHRASES["booking_done"].format(label=label))
    wait_for_bot_text(chat, "Din kod är ")
    wait_for_bot_text(chat, PHRASES["booking_interpreter"].format(language="arabiska"))
    done = "\n".join(bot_texts(chat))
    reference = re.search(r"Din kod är ([A-Z0-9]{8})", done).group(1)
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        rows = db.execute("SELECT first_name, contact, interpreter FROM bookings WHERE reference = ?",
                          (reference,)).fetchall()
    assert rows == [("Amina", "+46701234567", "arabiska")]

    # "vilken tid har jag?" in the same chat, and the code typed alone in a new one (issue 19, item 5).
    say(chat, "vilken tid har jag?")
    wait_for_bot_text(chat, PHRASES["booking_shown"].format(label=label))
    fresh = open_chat(context, stack)
    say(fresh, f"{reference[:4].lower()} {reference[4:].lower()}")
    wait_for_bot_text(fresh, PHRASES["ask_booking_contact"])
    say(fresh, "0701234567")
    wait_for_bot_text(fresh, PHRASES["booking_shown"].format(label=label))
    fresh.close()

    # "Stäng chatten" closes the panel and gives focus back to the launcher.
    chat.locator("#close").click()
    expect(page.locator("#vardvagen-panel")).to_be_hidden()
    expect(page.locator("#vardvagen-launcher")).to_be_focused()
    expect(page.locator("#vardvagen-launcher")).to_have_attribute("aria-expanded", "false")


# ---- classroom tablet ----------------------------------------------------


def assert_nothing_left(context: BrowserContext, page: Page, stack, old_sender: str, known: Set[str]) -> None:
    """The screen, the browser's storage and the server keep nothing of the last person."""
    expect(page.locator(".msg.user")).to_have_count(0)
    wait_for_greeting(page)
    expect(page.locator(".msg")).to_have_count(2)  # only the new greeting and menu
    assert page.locator("#message").input_value() == ""
    assert page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]") == [0, 0, ""]
    assert context.cookies() == []
    wait_until(lambda: "restart" in tracker_events(stack, old_sender), "the old conversation to be restarted")
    events = tracker_events(stack, old_sender)
    assert "user" not in events[events.index("restart"):], "nothing was said in the old conversation after it ended"
    new = new_sender(stack, known | {old_sender})
    assert new != old_sender
    assert "restart" not in tracker_events(stack, new)


def start_booking(page) -> None:
    """A phone meeting without an interpreter, up to the free times."""
    say(page, "jag vill boka en tid med syv")
    wait_for_bot_text(page, PHRASES["ask_meeting_type"])
    choose(page, next(t.label for t in CONTENT.booking.meeting_types if t.id == "phone"))
    wait_for_bot_text(page, PHRASES["ask_interpreter_wanted"])
    choose(page, PHRASES["button_interpreter_no"])
    wait_for_bot_text(page, PHRASES["ask_slot_choice"])


def start_tablet_conversation(context, stack, query: str):
    known = tracker_senders(stack)
    page = open_chat(context, stack, query)
    expect(page.locator("#new-user")).to_be_visible()
    old_sender = new_sender(stack, known)
    start_booking(page)
    return page, old_sender, tracker_senders(stack)


def test_tablet_new_user_button_leaves_nothing_behind(context, stack):
    page, old_sender, known = start_tablet_conversation(context, stack, "?tablet=1")
    assert page.evaluate("document.documentElement.classList.contains('tablet')")
    page.locator("#new-user").click()
    assert_nothing_left(context, page, stack, old_sender, known)
    # The next person starts a new conversation: no booking half-way.
    say(page, "hej")
    expect(page.locator(".msg.bot .text", has_text=PHRASES["ask_slot_choice"])).to_have_count(0)


def test_tablet_idle_timeout_leaves_nothing_behind(context, stack):
    page, old_sender, known = start_tablet_conversation(context, stack, "?tablet=1&idle=3")
    # Nobody touches the tablet: after 3 seconds the chat starts over by itself.
    assert_nothing_left(context, page, stack, old_sender, known)


# ---- safety --------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["<img src=x onerror=window.__pwned=1>", "<script>window.__pwned=1</script>", '<b onmouseover="window.__pwned=1">fet</b>'],
)
def test_typed_html_is_shown_as_text_and_never_runs(context, stack, typed):
    page = open_chat(context, stack)
    say(page, typed)
    expect(page.locator(".msg.user .text")).to_have_text([typed])
    # Wait for the bot's answer, so everything the message caused is on screen.
    expect(page.locator(".msg.bot")).not_to_have_count(2)
    page.locator(".msg.user .text").hover()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#log img, #log script, #log b").count() == 0


def test_chat_and_dashboard_work_under_the_content_security_policy(context, stack):
    refused: List[str] = []
    context.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page = open_chat(context, stack)
    assert "script-src 'self'" in page.evaluate("fetch('/chat').then(r => r.headers.get('content-security-policy'))")
    say(page, "vad gor en underskoterska")
    page.locator(".term").first.wait_for()
    login = context.new_page()
    login.goto(f"{stack.web_url}/dashboard/login")
    # The dashboard's style sheet is applied (it is a file, not inline).
    assert "system-ui" in login.evaluate("getComputedStyle(document.body).fontFamily")
    assert refused == [] and page.errors == []  # type: ignore[attr-defined]


OPEN_SOCKET = """(url) => new Promise(resolve => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket');
    ws.onopen = () => { ws.close(); resolve('open'); };
    ws.onerror = () => resolve('refused');
})"""


def test_socket_refuses_pages_of_other_sites(context, stack, municipal_site):
    # Browsers apply no CORS to WebSockets: the socket itself checks the Origin.
    # The same socket from the service's own page opens, so a refusal is the Origin's doing.
    own = context.new_page()
    own.goto(f"{stack.web_url}/chat")
    assert own.evaluate(OPEN_SOCKET, stack.rasa_url) == "open"
    other = context.new_page()
    other.goto(municipal_site)
    assert other.evaluate(OPEN_SOCKET, stack.rasa_url) == "refused"


# ---- learners: read aloud and glossary -------------------------------------

RECORD_SPEECH = """
window.__spoken = [];
window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang, rate: u.rate });
"""
NO_SPEECH = "delete Window.prototype.speechSynthesis; delete window.SpeechSynthesisUtterance;"


def test_read_aloud_speaks_swedish_at_the_chosen_speed(context, stack):
    context.add_init_script(RECORD_SPEECH)
    page = open_chat(context, stack)
    first = page.locator(".msg.bot").first
    first.locator(".read").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken == [{"text": first.locator(".text").inner_text(), "lang": "sv-SE",
                       "rate": pytest.approx(CONTENT.web.read_aloud_rate)}]
    page.locator(".settings summary").click()
    page.locator("#read-rate").select_option("slow")
    page.locator(".msg.bot").nth(1).locator(".read").click()
    assert page.evaluate("window.__spoken[1].rate") == pytest.approx(CONTENT.web.read_aloud_rate * 0.75)


def test_without_speech_synthesis_there_is_no_read_aloud(context, stack):
    context.add_init_script(NO_SPEECH)
    page = open_chat(context, stack)
    expect(page.locator(".read")).to_have_count(0)
    page.locator(".settings summary").click()
    expect(page.locator("#read-rate")).to_be_hidden()
    assert page.errors == []  # type: ignore[attr-defined]


def test_glossary_word_in_a_bot_message_shows_its_explanation(context, stack):
    page = open_chat(context, stack)
    say(page, "vad gor en underskoterska")
    word = next(w for w in CONTENT.glossary.words if w.term == "hemtjänst")
    term = page.locator(".msg.bot .term", has_text=word.term).first
    expect(term).to_have_attribute("aria-expanded", "false")
    term.click()
    expect(term).to_have_attribute("aria-expanded", "true")
    definition = page.locator("#" + term.get_attribute("aria-controls"))
    expect(definition).to_be_visible()
    expect(definition).to_have_text(f"{word.term}: {word.text}")
    term.press("Enter")
    expect(definition).to_be_hidden()


def test_text_size_setting_makes_the_text_bigger(context, stack):
    page = open_chat(context, stack)
    before = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.msg .text')).fontSize)")
    page.locator(".settings summary").click()
    page.locator("#text-size").select_option("larger")
    after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.msg .text')).fontSize)")
    assert after == pytest.approx(before * 1.5)


def test_arabic_is_shown_right_to_left_with_its_language(context, stack):
    page = open_chat(context, stack)
    arabic = next(lang for lang in CONTENT.languages.languages if lang.id == "ar")
    say(page, "أريد أن أعمل ممرضة")
    # The person's own message: the browser finds its direction (dir="auto").
    own = page.locator(".msg.user .text").last
    expect(own).to_have_attribute("dir", "auto")
    assert own.evaluate("e => getComputedStyle(e).direction") == "rtl"
    # The bot's line: Arabic, right to left, then the Swedish menu with its buttons.
    line = page.locator(".msg.bot .text", has_text=arabic.line)
    expect(line).to_be_visible()
    expect(line).to_have_attribute("lang", "ar")
    expect(line).to_have_attribute("dir", "rtl")
    assert line.evaluate("e => getComputedStyle(e).direction") == "rtl"
    wait_for_bot_text(page, CONTENT.menu.text)
    expect(page.locator(".msg.bot .text", has_text=CONTENT.menu.text).last).not_to_have_attribute("lang", "ar")
    expect(page.locator(".choices .choice", has_text=CONTENT.menu.items[0].label).last).to_be_visible()
    screenshot(page, "chat-arabic-phone")
    assert axe_violations(page.main_frame) == []
    # Kept over a reload, direction and all.
    page.reload()
    expect(page.locator(".msg.bot .text[dir=rtl][lang=ar]", has_text=arabic.line)).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


# ---- accessibility ---------------------------------------------------------


@pytest.mark.parametrize("size_name, size", [("phone", PHONE), ("tablet", TABLET)])
@pytest.mark.parametrize("query", ["", "?tablet=1"])
def test_full_page_has_no_axe_violations(browser, stack, size_name, size, query):
    context = browser.new_context(viewport=size, locale="sv-SE")
    context.set_default_timeout(WAIT_MS)
    try:
        page = open_chat(context, stack, query)
        say(page, "vad gor en underskoterska")
        page.locator(".term").first.wait_for()
        page.locator(".term").first.click()
        page.locator(".settings summary").click()
        mode = "tablet-mode" if query else "chat"
        screenshot(page, f"{mode}-{size_name}-settings")
        assert axe_violations(page.main_frame) == []
    finally:
        context.close()


@pytest.mark.parametrize("size_name, size", [("phone", PHONE), ("tablet", TABLET)])
def test_embedded_widget_has_no_axe_violations(browser, stack, municipal_site, size_name, size):
    context = browser.new_context(viewport=size, locale="sv-SE")
    context.set_default_timeout(WAIT_MS)
    try:
        page, _, frame = open_widget(context, stack, municipal_site)
        screenshot(page, f"widget-{size_name}")
        assert axe_violations(page.main_frame) == []
        assert axe_violations(frame) == []
    finally:
        context.close()


@pytest.mark.parametrize("query", ["", "?tablet=1"])
def test_narrow_screen_and_zoom_need_no_sideways_scrolling(browser, stack, query):
    # 320 CSS px wide is what a 640 px wide window shows at 200 % zoom.
    context = browser.new_context(viewport={"width": 320, "height": 480}, device_scale_factor=2, locale="sv-SE")
    context.set_default_timeout(WAIT_MS)
    try:
        page = open_chat(context, stack, query)
        page.locator(".settings summary").click()
        page.locator("#text-size").select_option("larger")
        say(page, "vad gor en underskoterska")
        page.locator(".term").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.locator("#message").focus()
        expect(page.locator("#message")).to_be_in_viewport()
    finally:
        context.close()


# ---- counsellor handoff, both ways ------------------------------------------

COUNSELLOR_PASSWORD = "rätt-häst-batteri-häftklammer"


@pytest.fixture(scope="module")
def counsellor(stack) -> str:
    """A counsellor account in the stack's own database, made with the CLI."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "VARDVAGEN_DATABASE_URL": f"sqlite:///{stack.var_dir / 'service.db'}"}
    result = subprocess.run([sys.executable, "-m", "bot.accounts.cli", "add", "lina", "--counsellor", "lina"],
                            input=COUNSELLOR_PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    return "lina"


def log_in(context: BrowserContext, stack, username: str) -> Page:
    page = context.new_page()
    page.goto(f"{stack.web_url}/dashboard/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(COUNSELLOR_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    return page


def test_a_question_goes_to_a_counsellor_and_the_answer_comes_back(browser, context, stack, counsellor):
    chat = open_chat(context, stack, "?poll=2")
    choose(chat, "Fråga en människa")
    wait_for_bot_text(chat, PHRASES["ask_handoff_question"])
    question = "Kan jag jobba som vårdbiträde om jag har ont i ryggen?"
    say(chat, question)
    wait_for_bot_text(chat, PHRASES["ask_handoff_contact"])
    choose(chat, PHRASES["button_no_contact"])
    wait_for_bot_text(chat, PHRASES["handoff_done"])
    code = re.search(r"Din kod är ([A-Z0-9]{8})", "\n".join(bot_texts(chat))).group(1)

    desk = browser.new_context(viewport=TABLET, locale="sv-SE")
    desk.set_default_timeout(WAIT_MS)
    inbox = log_in(desk, stack, counsellor)
    inbox.get_by_role("link", name="Frågor från chatten").click()
    inbox.get_by_role("link", name=code).click()
    expect(inbox.locator("main")).to_contain_text(question)
    inbox.get_by_role("button", name="Jag tar den").click()
    answer = "Det beror på vad du klarar. Vi pratar om det på ett möte. Boka en tid i chatten."
    inbox.get_by_label("Ditt svar").fill(answer)
    inbox.get_by_role("button", name="Skicka svaret").click()
    expect(inbox.locator("main")).to_contain_text("Besvarad")
    screenshot(inbox, "dashboard-ticket-answered")
    desk.close()

    # Still in the same browser session: the answer appears without asking, with
    # its own look and the counsellor's name, announced and scrolled into view (issue 21, item 5).
    signed = "Svar från Lina, studie- och yrkesvägledare"
    reply = chat.locator(".msg.counsellor")
    expect(reply.locator(".text")).to_have_text(answer)
    expect(reply.locator(".from")).to_have_text(signed)
    expect(reply.locator(".asked")).to_contain_text(question)
    expect(chat.locator("#announcer")).to_contain_text(f"{signed}: {answer}")
    wait_until(lambda: in_view(chat, reply.locator(".from")), "the answer's first line on screen")
    assert reply.evaluate("e => getComputedStyle(e.querySelector('.text')).backgroundColor") != \
        chat.locator(".msg.bot .text").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert axe_violations(chat.main_frame) == []
    screenshot(chat, "chat-counsellor-answer")
    assert chat.errors == []  # type: ignore[attr-defined]
    # Another day, a new conversation: the code brings the answer, with the name.
    later = open_chat(context, stack)
    say(later, f"har ni svarat? min kod är {code.lower()}")
    wait_for_bot_text(later, answer)
    wait_for_bot_text(later, f"{signed}:")


def test_a_follow_up_link_from_a_counsellor_opens_the_chat_with_its_track(browser, context, stack, counsellor):
    track = CONTENT.tracks.tracks[1]
    desk = browser.new_context(viewport=TABLET, locale="sv-SE")
    desk.set_default_timeout(WAIT_MS)
    page = log_in(desk, stack, counsellor)
    page.get_by_role("link", name="Uppföljningslänk").click()
    page.get_by_label("Jobbspår").select_option(track.id)
    page.get_by_label("Vad chatten börjar med").select_option("start_dates")
    page.get_by_role("button", name="Gör länken").click()
    link = page.locator("#link").input_value()
    assert "/chat?f=" in link
    desk.close()

    chat = context.new_page()
    chat.goto(link)
    wait_for_bot_text(chat, PHRASES["followup_track"].format(track=track.name))
    say(chat, "vad krävs")
    wait_for_bot_text(chat, track.summary)
