"""What the chat shows with a message, in Chromium against the real stack
(issue 21): the booking's code to copy and its calendar file as a button,
never a secret in the text; source links that open in a new tab, and only
links the service names; printing a booking or a next step; "Är du kvar?"
before a classroom tablet empties the chat; "Radera samtalet".
Screenshots of each state go to results/screenshots/."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import List

from playwright.sync_api import Page, expect

from tests.browser import PHONE, axe_violations, screenshot
from tests.model.test_web_chat import (
    CONTENT,
    PHRASES,
    RECORD_SPEECH,
    TABLET,
    bot_texts,
    choose,
    new_sender,
    open_chat,
    say,
    start_booking,
    tracker_events,
    tracker_senders,
    wait_for_bot_text,
    wait_for_greeting,
    wait_until,
)

# window.print() records which messages would be on paper instead of opening the dialog.
RECORD_PRINT = """
window.__printed = [];
window.print = () => window.__printed.push(
  Array.from(document.querySelectorAll('.msg.print-this .text')).map(e => e.innerText));
"""


def book_a_time(page: Page) -> str:
    """A phone meeting booked in the chat; the booking's code."""
    start_booking(page)
    page.locator(".choices .choice").first.click()
    wait_for_bot_text(page, PHRASES["ask_first_name"])
    say(page, "Amina")
    wait_for_bot_text(page, PHRASES["ask_contact"])
    # A name typed into the booking is an answer to the bot's question: no "Hjälpte svaret?" after it.
    expect(page.locator(".feedback")).to_have_count(0)
    say(page, "070-123 45 67")
    wait_for_bot_text(page, "Amina")
    choose(page, PHRASES["button_book_yes"])
    wait_for_bot_text(page, "Din kod är ")
    return re.search(r"Din kod är ([A-Z0-9]{8})", "\n".join(bot_texts(page))).group(1)


def test_a_booking_gives_a_code_to_copy_and_a_calendar_button_without_its_secret_in_any_text(context, stack):
    context.add_init_script(RECORD_SPEECH + RECORD_PRINT)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.web_url)
    page = open_chat(context, stack)
    reference = book_a_time(page)
    confirmation = page.locator(".msg.bot", has=page.locator(".code"))
    expect(confirmation).to_have_count(1)

    # The code, large, and "Kopiera koden" puts it on the clipboard.
    code = confirmation.locator(".code")
    expect(code).to_have_text(reference)
    assert float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
    confirmation.get_by_role("button", name="Kopiera koden").click()
    expect(confirmation.locator(".copy-result")).to_have_text("Koden är kopierad.")
    assert page.evaluate("navigator.clipboard.readText()") == reference

    # "Lägg till i kalendern" is a real link to the calendar file; its token is in no text.
    calendar = confirmation.get_by_role("link", name=re.compile("Lägg till i kalendern"))
    href = calendar.get_attribute("href")
    assert href.startswith(f"{stack.web_url}/api/bookings/{reference}/calendar.ics?token=")
    assert calendar.get_attribute("download") is not None and calendar.get_attribute("target") is None
    assert "hämtar en fil till din kalender" in calendar.inner_text()  # said to screen readers: not a new tab
    token = href.rsplit("token=", 1)[1]
    ics = page.request.get(href)
    assert ics.status == 200 and "BEGIN:VCALENDAR" in ics.text() and ics.headers["content-type"].startswith("text/calendar")
    assert token not in page.locator("body").inner_text()
    assert "http" not in " ".join(bot_texts(page))
    screenshot(page, "chat-booking-code-and-calendar")

    # "Läs upp" reads the confirmation without any address.
    confirmation.locator(".read").click()
    spoken = page.evaluate("window.__spoken")[-1]["text"]
    assert reference in spoken and "http" not in spoken and token not in spoken

    # Printing ("Spara som PDF" in the print dialog): the confirmation alone, without buttons.
    confirmation.get_by_role("button", name="Skriv ut eller spara som PDF").click()
    printed = page.evaluate("window.__printed")
    assert len(printed) == 1 and len(printed[0]) == 1 and reference in printed[0][0]
    page.emulate_media(media="print")
    expect(confirmation).to_be_visible()
    expect(confirmation.locator(".code")).to_be_visible()
    for hidden in (".copy", ".action.calendar", ".print", ".read", "#composer", ".tools"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".msg.user").first).to_be_hidden()
    screenshot(page, "chat-booking-print", full_page=True)
    page.pdf(path=str(stack.var_dir / "booking.pdf"))
    page.emulate_media(media="screen")

    # The transcript a counsellor reads (a question handed over from this chat) has no token either.
    say(page, "jag vill fråga en människa")
    wait_for_bot_text(page, PHRASES["ask_handoff_question"])
    say(page, "Kan jag ta med min son till mötet?")
    wait_for_bot_text(page, PHRASES["ask_handoff_contact"])
    choose(page, PHRASES["button_no_contact"])
    wait_for_bot_text(page, PHRASES["handoff_done"])
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        transcripts = [row[0] for row in db.execute("SELECT transcript FROM tickets")]
    mine = [t for t in transcripts if "Kan jag ta med min son" in t]
    assert len(mine) == 1 and reference in mine[0] and token not in mine[0] and "calendar.ics" not in mine[0]
    assert page.errors == []  # type: ignore[attr-defined]


def test_sources_are_links_that_open_in_a_new_tab(context, stack):
    page = open_chat(context, stack)
    say(page, "vad tjanar en underskoterska")
    job = next(p for p in CONTENT.professions.professions if p.id == "underskoterska")
    link = page.locator(".msg.bot .links a").last
    expect(link).to_have_attribute("href", str(job.pay.source.url))
    expect(link).to_have_attribute("target", "_blank")
    assert "noopener" in link.get_attribute("rel")
    expect(link).to_contain_text(job.pay.source.name)
    assert "öppnas i ny flik" in link.inner_text()  # said to screen readers, hidden on screen
    assert axe_violations(page.main_frame) == []
    screenshot(page, "chat-source-links")


def test_the_chat_shows_only_links_the_service_names(context, stack):
    """A link is never taken from text, and a part with an unknown address is dropped."""
    page = open_chat(context, stack)
    session = page.evaluate("JSON.parse(sessionStorage.getItem('vardvagen-chat')).session")
    source = str(CONTENT.professions.professions[0].pay.source.url)
    history = [{"who": "bot", "text": "Läs på https://evil.example/ och www.evil.example.", "parts": [
        {"type": "link", "title": "Ond sida", "url": "https://evil.example/"},
        {"type": "link", "title": "Skript", "url": "javascript:alert(1)"},
        {"type": "link", "title": "Lik källa", "url": source + "?x=1"},
        {"type": "calendar", "url": "https://evil.example/api/bookings/AB12CD34/calendar.ics"},
        {"type": "calendar", "url": f"{stack.web_url}/dashboard"},
        {"type": "code", "code": "<img src=x onerror=alert(1)>"},
        {"type": "link", "title": "Källan", "url": source},
    ]}]
    page.evaluate("([session, history]) => sessionStorage.setItem('vardvagen-chat', JSON.stringify("
                  "{session: session, history: history}))", [session, history])
    page.reload()
    message = page.locator(".msg.bot").first
    expect(message.locator("a")).to_have_count(1)
    expect(message.locator("a")).to_have_attribute("href", source)
    expect(message.locator(".code")).to_have_count(0)
    expect(message.locator(".action.calendar")).to_have_count(0)
    assert "evil.example" in message.locator(".text").inner_text(), "text stays text"


def test_a_next_step_can_be_printed(context, stack):
    context.add_init_script(RECORD_PRINT)
    page = open_chat(context, stack)
    choose(page, next(item.label for item in CONTENT.menu.items if item.intent == "check_eligibility"))
    for question in ("ask_language", "ask_education", "ask_experience"):
        expect(page.locator(".msg.bot .text").last).to_contain_text(PHRASES[question])
        page.locator(".msg.bot").last.locator(".choices .choice").first.click()
    wait_for_bot_text(page, PHRASES["ask_age"])
    say(page, "30")
    wait_for_bot_text(page, PHRASES["path_first"])
    step = page.locator(".msg.bot", has_text=PHRASES["path_first"])
    step.get_by_role("button", name="Skriv ut eller spara som PDF").click()
    printed = page.evaluate("window.__printed")
    assert len(printed) == 1 and len(printed[0]) == 1 and PHRASES["path_first"] in printed[0][0]
    page.emulate_media(media="print")
    expect(step).to_be_visible()
    expect(page.locator(".msg.bot").first).to_be_hidden()
    screenshot(page, "chat-next-step-print", full_page=True)


def test_a_tablet_asks_are_you_still_there_before_it_empties(context, stack):
    known = tracker_senders(stack)
    page = open_chat(context, stack, "?tablet=1&idle=10")
    page.set_viewport_size(TABLET)
    sender = new_sender(stack, known)
    say(page, "vad gor en underskoterska")
    expect(page.locator(".msg.user")).to_have_count(1)
    warning = page.get_by_role("alertdialog", name="Är du kvar?")
    expect(warning).to_be_visible(timeout=15_000)
    countdown = page.locator("#idle-countdown")
    expect(countdown).to_have_text(re.compile(r"Chatten töms om [1-5] sekunder\."))
    first = int(re.search(r"\d+", countdown.inner_text()).group(0))
    expect(countdown).not_to_have_text(f"Chatten töms om {first} sekunder.")
    stay = page.get_by_role("button", name="Ja, jag är kvar")
    expect(stay).to_be_focused()
    assert axe_violations(page.main_frame) == []
    screenshot(page, "chat-tablet-are-you-still-there")
    stay.click()
    expect(warning).to_be_hidden()
    expect(page.locator(".msg.user")).to_have_count(1)
    # It comes back; nobody answers; the chat starts over for the next person.
    expect(warning).to_be_visible(timeout=15_000)
    expect(page.locator(".msg.user")).to_have_count(0, timeout=15_000)
    expect(warning).to_be_hidden()
    wait_for_greeting(page)
    wait_until(lambda: "restart" in tracker_events(stack, sender), "the old conversation to end")


def test_radera_samtalet_asks_first_and_erases_the_conversation_on_the_server(context, stack):
    known = tracker_senders(stack)
    page = open_chat(context, stack)
    sender = new_sender(stack, known)
    say(page, "jag heter Zenobia och bor i Exempelstad")
    expect(page.locator(".msg.user")).to_have_count(1)
    wait_until(lambda: "user" in tracker_events(stack, sender), "the message in the tracker store")

    page.get_by_role("button", name="Radera samtalet").click()
    dialog = page.get_by_role("dialog", name="Vill du radera samtalet?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Nej")).to_be_focused()
    expect(dialog).to_contain_text("En tid du har bokat finns kvar.")
    assert axe_violations(page.main_frame) == []
    screenshot(page, "chat-erase-asks-first")
    dialog.get_by_role("button", name="Nej").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Radera samtalet")).to_be_focused()
    expect(page.locator(".msg.user")).to_have_count(1)
    assert tracker_events(stack, sender), "no means no"

    page.get_by_role("button", name="Radera samtalet").click()
    dialog.get_by_role("button", name="Ja, radera").click()
    expect(page.locator("#status")).to_have_text("Samtalet är raderat. Du kan börja ett nytt.")
    notice = page.locator(".log .notice")
    expect(notice).to_have_text("Samtalet är raderat. Du kan börja ett nytt.")
    expect(notice).to_be_in_viewport()
    expect(page.locator(".msg.user")).to_have_count(0)
    wait_for_greeting(page)
    assert tracker_events(stack, sender) == [], "erased on the server, at once"
    saved = json.loads(page.evaluate("sessionStorage.getItem('vardvagen-chat')"))
    assert saved["session"] != sender and "Zenobia" not in json.dumps(saved)
    screenshot(page, "chat-erased")
    new = new_sender(stack, known | {sender})
    say(page, "hej")
    wait_until(lambda: "user" in tracker_events(stack, new), "the new conversation goes on")
    assert tracker_events(stack, sender) == []
    assert page.errors == []  # type: ignore[attr-defined]


def test_message_parts_have_no_axe_violations_on_a_phone(browser, stack):
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.web_url)
    page = open_chat(context, stack)
    book_a_time(page)
    expect(page.locator(".code")).to_be_visible()
    violations: List[dict] = axe_violations(page.main_frame)
    assert violations == [], violations
    screenshot(page, "chat-booking-phone", full_page=True)
    context.close()
