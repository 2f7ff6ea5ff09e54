"""The real processes, started as `make run` starts them, over HTTP."""

import asyncio
import json
import re
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Awaitable, List

import aiohttp
import pytest

from bench.stack import rasa_workers
from core.content import load_content
from core.conversation import conversation_key
from tests.model.conftest import BIN, QUIET_ENV, ROOT
from tests.privacy_search import personnummer_forms, table_count, where_found, with_check_digit
from scripts.run_stack import DEFAULT_RASA_WORKERS
from tests.ids import sender_id

CONTENT = load_content()


def sender() -> str:
    return sender_id("e2e")


async def say_to_rasa(stack, who: str, text: str) -> List[dict]:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": who, "message": text}, timeout=aiohttp.ClientTimeout(total=30)
        ) as response:
            assert response.status == 200
            return await response.json()


def said(replies: List[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def profession(pid):
    return next(p for p in CONTENT.professions.professions if p.id == pid)


async def test_learner_question_about_a_job_gets_the_job(stack):
    replies = await say_to_rasa(stack, sender(), "vad gor en underskoterska")
    assert profession("underskoterska").summary in said(replies)
    assert any(r.get("buttons") for r in replies)


async def test_chat_page_relay_reaches_rasa(stack):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{stack.web_url}/health") as response:
            assert response.status == 200
        async with session.post(
            f"{stack.web_url}/chat/message", json={"sender": sender(), "message": "hur mycket tjanar en skotare"}
        ) as response:
            assert response.status == 200
            body = await response.json()
    assert profession("skotare").pay.text in said(body["messages"])


async def test_eligibility_walk_through_ends_with_a_personal_next_step(stack):
    who = sender()
    replies = await say_to_rasa(stack, who, "kan jag borja jobba i varden")
    assert CONTENT.phrases.phrases["ask_language"] in said(replies)
    # An unrelated "ja" must not fill the answer (rasa-sdk#437).
    replies = await say_to_rasa(stack, who, "ja")
    assert CONTENT.phrases.phrases["answer_not_understood"] in said(replies)
    replies = await say_to_rasa(stack, who, '/inform{"sfi_level": "sfi_c"}')
    assert CONTENT.phrases.phrases["ask_education"] in said(replies)
    replies = await say_to_rasa(stack, who, "jag har gatt grundskolan")
    assert CONTENT.phrases.phrases["ask_experience"] in said(replies)
    replies = await say_to_rasa(stack, who, "nej")
    assert CONTENT.phrases.phrases["ask_age"] in said(replies)
    replies = await say_to_rasa(stack, who, "19")
    result = said(replies)
    assert "Vårdbiträde med SFI: Du kan söka." in result
    assert "Du behöver först" in result
    assert "Det här ska du göra, i den här ordningen:" in result and "Steg 1: Lär dig om yrket" in result
    assert "Komvux" in result, "an 18-19-year-old hears when Komvux opens"
    buttons = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert "/book_appointment" in buttons and "/register_interest" in buttons


async def test_a_nurse_from_abroad_with_sfi_a_gets_socialstyrelsen_and_swedish_first(stack):
    """The walk-through from issue 18, typed as a person would."""
    who = sender()
    await say_to_rasa(stack, who, "kan jag börja jobba i vården")
    await say_to_rasa(stack, who, "sfi a")
    replies = await say_to_rasa(stack, who, "jag är sjuksköterska från Syrien")
    assert CONTENT.phrases.phrases["ask_experience"] in said(replies)
    await say_to_rasa(stack, who, "3 år")
    result = said(await say_to_rasa(stack, who, "35"))
    first = result.split("Senare kommer det här:")[0]
    assert "Socialstyrelsen" in first and "legitimation" in first and "validering" in first
    assert "läs tills du klarar SFI C" in first
    assert "Steg 7" not in first and "steg 7" not in result, "never a job step before the Swedish"
    assert "Källa: Socialstyrelsen" in result and "http" not in result


async def test_unknown_question_gets_an_honest_answer_and_the_menu(stack):
    replies = await say_to_rasa(stack, sender(), "vem vann fotbollen igår")
    buttons = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert set(buttons) >= {f"/{item.intent}" for item in CONTENT.menu.items}


@pytest.mark.parametrize("text,language", [
    ("أريد أن أعمل ممرضة، هل يوجد مترجم؟", "ar"),
    ("Waxaan rabaa shaqo, ma garanayo af Iswiidhish", "so"),
    ("Привіт, я шукаю роботу", "uk"),
    ("Hello, I do not speak Swedish. Can you help me?", "en"),
])
async def test_a_message_in_another_language_gets_its_line_and_the_swedish_buttons(stack, text, language):
    replies = await say_to_rasa(stack, sender(), text)
    line = next(lang for lang in CONTENT.languages.languages if lang.id == language)
    # REST: the line as custom JSON with its language and direction, then the Swedish menu.
    assert replies[0]["custom"] == {"data": {"text": line.line, "lang": language, "dir": line.direction}}
    assert replies[1]["text"] == CONTENT.menu.text
    buttons = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert buttons == [f"/{item.intent}" for item in CONTENT.menu.items]
    # The chat page's relay passes the line on with its language and direction.
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{stack.web_url}/chat/message", json={"sender": sender(), "message": text}) as response:
            relayed = (await response.json())["messages"]
    assert relayed[0] == {"text": line.line, "lang": language, "dir": line.direction}


def language_line(reply: dict) -> bool:
    """A line in another language: custom data with its language (actions/languages.py)."""
    return "lang" in ((reply.get("custom") or {}).get("data") or {})


async def test_swedish_without_swedish_letters_is_not_taken_for_another_language(stack):
    replies = await say_to_rasa(stack, sender(), "hur mycket tjanar en underskoterska")
    assert not any(language_line(r) for r in replies)
    assert profession("underskoterska").pay.text in said(replies)
    english = await say_to_rasa(stack, sender(), "what is the salary")  # understood English keeps its answer
    assert not any(language_line(r) for r in english)


async def test_conversation_is_kept_in_the_sqlite_tracker_store(stack):
    who = sender()
    await say_to_rasa(stack, who, "hej")
    with sqlite3.connect(stack.var_dir / "tracker.db") as db:
        rows = db.execute("SELECT type_name FROM events WHERE sender_id = ?", (who,)).fetchall()
    assert ("user",) in rows and ("bot",) in rows


async def staggered(number: int, message: Awaitable[List[dict]]) -> List[dict]:
    """Send a message 20 ms after the one before, each on a connection of its own. Sent
    all at once, one worker would accept every connection; a worker that is busy with
    the message before accepts none, so the next one goes to the other worker."""
    await asyncio.sleep(0.02 * number)
    return await message


def cpu_ticks(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(stat[11]) + int(stat[12])  # utime + stime


async def test_rasa_runs_two_worker_processes_and_both_handle_messages(stack):
    workers = rasa_workers(stack.process.pid)
    assert len(workers) == DEFAULT_RASA_WORKERS == 2, workers
    # The first worker answers before the second has loaded the model; loading is not handling.
    deadline = time.monotonic() + 120
    while stack.output.read_text(encoding="utf-8").count("Rasa server is up and running") < len(workers):
        assert time.monotonic() < deadline, "a Rasa worker did not load the model"
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)
    idle = {pid: cpu_ticks(pid) for pid in workers}
    await asyncio.sleep(2)
    idle = {pid: cpu_ticks(pid) - idle[pid] for pid in workers}
    before = {pid: cpu_ticks(pid) for pid in workers}
    await asyncio.gather(*(staggered(n, say_to_rasa(stack, sender(), "vad gör en undersköterska")) for n in range(40)))
    used = {pid: cpu_ticks(pid) - before[pid] for pid in workers}
    # 40 messages take seconds of CPU; an idle worker uses next to none.
    assert all(ticks > 10 * (idle[pid] + 1) for pid, ticks in used.items()), (used, idle)


async def test_rest_answers_close_the_connection_so_the_next_message_finds_a_free_worker(stack):
    async with aiohttp.ClientSession() as session:
        for _ in range(2):
            async with session.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                                    json={"sender": sender(), "message": "hej"}) as response:
                assert response.status == 200 and await response.json()
                assert response.headers["Connection"] == "close"


async def test_messages_of_one_conversation_sent_at_once_are_handled_one_after_the_other(stack):
    """Two workers must not change one conversation at the same time (rasa_addons/sqlite_lock_store.py):
    each message's turn is stored whole before the next one starts."""
    who = sender()
    await say_to_rasa(stack, who, "hej")
    answers = await asyncio.gather(*(staggered(n, say_to_rasa(stack, who, "vad gör en undersköterska")) for n in range(8)))
    assert all(said(replies) for replies in answers)
    await asyncio.sleep(1)  # Rasa saves the turn after answering
    with sqlite3.connect(stack.var_dir / "tracker.db") as db:
        rows = db.execute("SELECT type_name, action_name, timestamp FROM events WHERE sender_id = ? ORDER BY id",
                          (who,)).fetchall()
    turns = [kind for kind, action, _ in rows if kind == "user" or (kind == "action" and action == "action_listen")]
    # Every user message is followed by its whole turn, which ends by listening again.
    assert turns[turns.index("user"):] == ["user", "action"] * 9, turns
    # And no turn began before the one stored ahead of it had ended: two workers that
    # handled one conversation at once would each store a turn that never saw the other.
    times = [timestamp for _, _, timestamp in rows]
    assert times == sorted(times), rows


def buttons_of(replies: List[dict]) -> List[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def parts_of(replies: List[dict]) -> List[dict]:
    """The parts after a message (actions/parts.py) as Rasa's REST channel returns them."""
    return [part for r in replies for part in ((r.get("custom") or {}).get("data") or {}).get("parts") or []]


async def book_in_chat(stack, who: str, interpreter: str = ""):
    """Book a phone meeting through the chat, with an interpreter in that
    language or none; returns the chosen time's button and the code."""
    phrases = CONTENT.phrases.phrases
    replies = await say_to_rasa(stack, who, "jag vill boka en tid med syv")
    assert CONTENT.phrases.phrases["ask_meeting_type"] in said(replies)
    phone = next(b for b in buttons_of(replies) if "phone" in b["payload"])
    replies = await say_to_rasa(stack, who, phone["payload"])
    assert phrases["ask_interpreter_wanted"] in said(replies), said(replies)
    if interpreter:
        replies = await say_to_rasa(stack, who, "ja")  # typed, not the button
        assert phrases["ask_interpreter_language"] in said(replies), said(replies)
        language = next(b for b in buttons_of(replies) if b["title"] == interpreter)
        replies = await say_to_rasa(stack, who, language["payload"])
    else:
        no = next(b for b in buttons_of(replies) if b["title"] == phrases["button_interpreter_no"])
        replies = await say_to_rasa(stack, who, no["payload"])
    times = buttons_of(replies)
    assert CONTENT.phrases.phrases["ask_slot_choice"] in said(replies) and len(times) == 7
    chosen = times[0]
    replies = await say_to_rasa(stack, who, chosen["payload"])
    assert CONTENT.phrases.phrases["ask_first_name"] in said(replies)
    replies = await say_to_rasa(stack, who, "Amina")
    assert CONTENT.phrases.phrases["ask_contact"] in said(replies)
    replies = await say_to_rasa(stack, who, "070-123 45 67")
    assert chosen["title"] in said(replies) and "Amina" in said(replies)
    told = phrases["summary_interpreter"].format(language=interpreter) if interpreter else phrases["summary_no_interpreter"]
    assert told in said(replies)
    replies = await say_to_rasa(stack, who, "ja")
    done = said(replies)
    assert f"Klart! Du har en tid {chosen['title']}." in done
    told = phrases["booking_interpreter"].format(language=interpreter) if interpreter else phrases["booking_no_interpreter"]
    assert told in done
    return chosen, done.split("Din kod är ")[1][:8]


COUNSELLOR_PASSWORD = "rätt-häst-batteri-häftklammer"


async def test_an_interpreter_asked_for_in_the_chat_is_stored_and_shown_to_the_counsellor(stack):
    who = sender()
    _, reference = await book_in_chat(stack, who, interpreter="arabiska")
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        counsellor_id, interpreter, chat = db.execute(
            "SELECT counsellor_id, interpreter, conversation_key FROM bookings WHERE reference = ?",
            (reference,)).fetchone()
    assert interpreter == "arabiska"
    # The booking knows its chat (by a hash), so its page shows the questions from the same chat.
    assert chat == conversation_key(who)

    # The counsellor of the booking gets an account with the CLI, as in operations.md.
    env = {**QUIET_ENV, "VARDVAGEN_DATABASE_URL": f"sqlite:///{stack.var_dir / 'service.db'}"}
    made = subprocess.run([str(BIN / "python"), "-m", "bot.accounts.cli", "add", counsellor_id, "--counsellor",
                           counsellor_id], input=COUNSELLOR_PASSWORD + "\n", capture_output=True, text=True,
                          cwd=ROOT, env=env)
    assert made.returncode == 0, made.stderr

    def csrf_of(html: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    web = stack.web_url
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        form = await (await session.get(f"{web}/dashboard/login")).text()
        login = await session.post(f"{web}/dashboard/login", allow_redirects=False, data={
            "username": counsellor_id, "password": COUNSELLOR_PASSWORD, "csrf_token": csrf_of(form)})
        assert login.status == 302
        bookings = await (await session.get(f"{web}/dashboard/bookings")).text()
        row = next(line for line in bookings.splitlines() if reference in line)
        assert "<td>Tolk: arabiska</td>" in row
        page = await (await session.get(f"{web}/dashboard/calendar")).text()
        link = await (await session.post(f"{web}/dashboard/calendar", data={"csrf_token": csrf_of(page)})).text()
        url = re.search(r'value="(http[^"]+\.ics)"', link).group(1)
        feed = await (await session.get(web + url[url.index("/calendar/"):])).text()
    event = next(e for e in feed.replace("\r\n ", "").split("BEGIN:VEVENT") if reference in e)
    assert f"DESCRIPTION:Kod {reference}. Tolk: arabiska" in event
    assert "\\, tolk: arabiska)" in event  # in the title too: SUMMARY:Vägledning: Amina (Telefon\, tolk: arabiska)
    # Cancelled again: the other tests count the bookings of this stack.
    async with aiohttp.ClientSession() as session:
        async with session.delete(f"{web}/api/bookings/{reference}", json={"contact": "+46701234567"}) as response:
            assert response.status == 204


async def test_booking_and_cancelling_in_the_chat(stack):
    who = sender()
    chosen, reference = await book_in_chat(stack, who)
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        rows = db.execute("SELECT first_name, contact FROM bookings WHERE reference = ?", (reference,)).fetchall()
    assert rows == [("Amina", "+46701234567")]

    # Another chat (the person comes back later): the code and the contact are asked for.
    later = sender()
    replies = await say_to_rasa(stack, later, "jag vill avboka min tid")
    assert CONTENT.phrases.phrases["ask_booking_reference"] in said(replies)
    await say_to_rasa(stack, later, reference.lower())
    replies = await say_to_rasa(stack, later, "0701234567")
    assert chosen["title"] in said(replies)
    replies = await say_to_rasa(stack, later, "ja")
    assert CONTENT.phrases.phrases["cancel_done"].format(label=chosen["title"]) in said(replies)
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        assert db.execute("SELECT count(*) FROM bookings").fetchone() == (0,)


async def test_cancelling_in_the_chat_where_it_was_booked_needs_no_code(stack):
    who = sender()
    chosen, reference = await book_in_chat(stack, who)
    replies = await say_to_rasa(stack, who, "jag vill avboka")
    assert CONTENT.phrases.phrases["ask_booking_reference"] not in said(replies)
    assert chosen["title"] in said(replies)
    replies = await say_to_rasa(stack, who, "ja")
    assert CONTENT.phrases.phrases["cancel_done"].format(label=chosen["title"]) in said(replies)
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        assert db.execute("SELECT count(*) FROM bookings WHERE reference = ?", (reference,)).fetchone() == (0,)


async def test_changing_a_time_in_the_chat(stack):
    who = sender()
    old, reference = await book_in_chat(stack, who)
    phrases = CONTENT.phrases.phrases
    who = sender()  # another chat: the code and the contact are asked for
    replies = await say_to_rasa(stack, who, "jag vill byta tid")
    assert phrases["ask_booking_reference"] in said(replies)
    await say_to_rasa(stack, who, reference)
    replies = await say_to_rasa(stack, who, "070 123 45 67")
    change = next(b for b in buttons_of(replies) if b["title"] == phrases["button_change_time"])
    replies = await say_to_rasa(stack, who, change["payload"])
    assert phrases["change_start"] in said(replies) and phrases["ask_meeting_type"] in said(replies)
    phone = next(b for b in buttons_of(replies) if "phone" in b["payload"])
    replies = await say_to_rasa(stack, who, phone["payload"])
    new = next(b for b in buttons_of(replies) if "slot_choice" in b["payload"] and b["title"] != old["title"])
    replies = await say_to_rasa(stack, who, new["payload"])
    # Name and contact are known from the booking: straight to the summary.
    assert phrases["change_summary"].format(label=old["title"]) in said(replies) and "Amina" in said(replies)
    replies = await say_to_rasa(stack, who, "ja")
    assert phrases["change_done"].format(label=new["title"]) in said(replies)
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        rows = db.execute("SELECT reference FROM bookings WHERE contact = '+46701234567'").fetchall()
    assert len(rows) == 1 and rows[0][0] != reference


async def test_a_question_goes_to_a_counsellor_and_the_answer_comes_back_with_the_code(stack):
    phrases = CONTENT.phrases.phrases
    who = sender()
    replies = await say_to_rasa(stack, who, "kan jag prata med en manniska")
    assert phrases["ask_handoff_question"] in said(replies)
    # The question is kept as written even when it sounds like something the bot knows.
    replies = await say_to_rasa(stack, who, "hur mycket tjanar man pa natten i hemtjansten")
    assert phrases["ask_handoff_contact"] in said(replies)
    no_contact = next(b for b in buttons_of(replies) if b["title"] == phrases["button_no_contact"])
    replies = await say_to_rasa(stack, who, no_contact["payload"])
    assert phrases["handoff_done"] in said(replies)
    reference = said(replies).split("Din kod är ")[1][:8]
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        row = db.execute("SELECT question, contact, conversation_id, status FROM tickets WHERE reference = ?",
                         (reference,)).fetchone()
    assert row == ("hur mycket tjanar man pa natten i hemtjansten", None, who, "open")

    later = sender()  # another day, another conversation: only the code
    replies = await say_to_rasa(stack, later, f"har ni svarat? min kod är {reference.lower()}")
    assert phrases["ticket_not_answered"] in said(replies)
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        db.execute("UPDATE tickets SET status = 'answered', answer = 'Det beror på avtalet. Fråga oss på mötet.' "
                   "WHERE reference = ?", (reference,))
    replies = await say_to_rasa(stack, later, "har jag fatt svar")
    assert phrases["ask_ticket_reference"] in said(replies)
    replies = await say_to_rasa(stack, later, reference)
    assert "Det beror på avtalet. Fråga oss på mötet." in said(replies)


async def test_a_follow_up_link_opens_the_chat_with_its_track(stack):
    from datetime import datetime, timedelta

    track = CONTENT.tracks.tracks[0]
    now = datetime.utcnow()
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        db.execute("INSERT INTO followups (code, track_id, topic, label, created_by, created_at, expires_at) "
                   "VALUES ('e2e-link-0123456', ?, 'start_dates', 'SFI 3B', 'lina', ?, ?)",
                   (track.id, now, now + timedelta(days=30)))
    who = sender()
    replies = await say_to_rasa(stack, who, '/start_followup{"followup_code": "e2e-link-0123456"}')
    assert CONTENT.phrases.phrases["followup_track"].format(track=track.name) in said(replies)
    replies = await say_to_rasa(stack, who, "vad kravs")
    assert track.summary in said(replies)


async def test_personnummer_is_removed_before_anything_is_stored(stack):
    pnr = with_check_digit("900315123")
    who = sender()
    replies = await say_to_rasa(stack, who, f"hej mitt personnummer är {pnr[:6]}-{pnr[6:]}")
    assert CONTENT.phrases.phrases["personnummer_removed"] in said(replies)
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{stack.web_url}/chat/message", json={"sender": sender(), "message": f"kan jag boka, jag har 19{pnr}"}
        ) as response:
            body = await response.json()
    assert CONTENT.phrases.phrases["personnummer_removed"] in said(body["messages"])
    # Every table, then every byte of every file the stack wrote (databases
    # with their WAL files, and the log), for the number written any way: 10 or
    # 12 digits, with -, + or a space, or none. Its halves alone are not
    # searched for: four digits turn up by chance in timestamps and ids.
    assert where_found(personnummer_forms(pnr), roots=[stack.var_dir]) == []
    assert table_count(roots=[stack.var_dir]) >= 3 and stack.output.exists()


async def test_erasure_removes_the_conversation_from_the_tracker_store(stack):
    who = sender()
    await say_to_rasa(stack, who, "hur mycket tjanar en skotare")
    replies = await say_to_rasa(stack, who, "ta bort mina uppgifter")
    no_code = next(b for b in buttons_of(replies) if "erase_reference" in b["payload"])
    replies = await say_to_rasa(stack, who, no_code["payload"])
    assert CONTENT.phrases.phrases["ask_erase_confirmed"] in said(replies)
    replies = await say_to_rasa(stack, who, "ja")
    assert CONTENT.phrases.phrases["erase_conversation_done"] in said(replies)
    for _ in range(40):
        with sqlite3.connect(stack.var_dir / "tracker.db") as db:
            left = db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (who,)).fetchone()[0]
        if left == 0:
            break
        await asyncio.sleep(0.5)
    assert left == 0


async def test_no_log_the_stack_writes_holds_a_contact_token_code_or_conversation_id(stack):
    """Booking, the calendar file, a question to a counsellor with an e-mail,
    a follow-up link and cancelling, then every log file is searched."""
    phrases = CONTENT.phrases.phrases
    who = sender()
    phone, email = "070-555 12 34", "amina.loggtest@example.se"
    replies = await say_to_rasa(stack, who, "jag vill boka en tid med syv")
    phone_meeting = next(b for b in buttons_of(replies) if "phone" in b["payload"])
    replies = await say_to_rasa(stack, who, phone_meeting["payload"])
    replies = await say_to_rasa(stack, who, '/inform{"interpreter_wanted": "no"}')
    replies = await say_to_rasa(stack, who, buttons_of(replies)[1]["payload"])
    await say_to_rasa(stack, who, "Amina")
    await say_to_rasa(stack, who, phone)
    booked = await say_to_rasa(stack, who, "ja")
    done = said(booked)
    reference = done.split("Din kod är ")[1][:8]
    # The calendar file is a part of the message (a button in the chat), never text.
    calendar_url = next(part["url"] for part in parts_of(booked) if part["type"] == "calendar")
    assert "token=" in calendar_url and "token" not in done
    token = calendar_url.rsplit("token=", 1)[1]
    async with aiohttp.ClientSession() as session:
        async with session.get(calendar_url) as response:
            assert response.status == 200 and "BEGIN:VCALENDAR" in await response.text()
        async with session.get(f"{stack.web_url}/chat/answers", params={"conversation": who}) as response:
            assert response.status in (200, 400, 403, 404)

    replies = await say_to_rasa(stack, who, "kan jag prata med en manniska")
    replies = await say_to_rasa(stack, who, "hur lang ar utbildningen")
    replies = await say_to_rasa(stack, who, email)
    assert phrases["handoff_done"] in said(replies)
    await say_to_rasa(stack, who, '/start_followup{"followup_code": "e2e-link-0123456"}')

    await say_to_rasa(stack, who, "jag vill avboka min tid")
    await say_to_rasa(stack, who, reference)
    await say_to_rasa(stack, who, phone)
    replies = await say_to_rasa(stack, who, "ja")
    assert "avbokad" in said(replies).lower() or phrases["cancel_done"].split("{")[0] in said(replies)
    await asyncio.sleep(1)  # let every process write its lines

    secrets_written = {
        "phone": re.compile(r"(\+46|0)70[- ]?555[- ]?12[- ]?34|46705551234|%2B46705551234"),
        "e-mail": re.compile(re.escape(email) + "|" + re.escape(email.replace("@", "%40"))),
        "calendar token": re.compile(re.escape(token)),
        "conversation id": re.compile(re.escape(who)),
        "reference code": re.compile(re.escape(reference), re.IGNORECASE),
    }
    # The patterns find what they look for, as a request line would have written it.
    line = f"DELETE /api/bookings/{reference}?contact=%2B46705551234 GET /x?token={token}&conversation={who} {email}"
    assert all(pattern.search(line) for pattern in secrets_written.values())
    logs = [stack.output, *(path for path in stack.var_dir.rglob("*.log") if path.is_file())]
    assert "/api/bookings/{reference}" in stack.output.read_text(encoding="utf-8"), "the access log was written"
    for path in logs:
        text = path.read_bytes().decode("utf-8", "replace")
        for name, pattern in secrets_written.items():
            found = pattern.search(text)
            assert not found, f"{path.name} holds the {name}: ...{text[max(0, found.start() - 120):found.end() + 40]}..."


class RawSocket:
    """socket.io over one WebSocket (Engine.IO 4), as the web chat speaks it."""

    def __init__(self, ws) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, session, stack) -> "RawSocket":
        url = stack.rasa_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        ws = await session.ws_connect(url, headers={"Origin": stack.web_url})
        socket = cls(ws)
        assert (await socket.packet(5)).startswith("0")  # Engine.IO open
        await ws.send_str("40")
        assert (await socket.packet(5)).startswith("40")  # namespace connected
        return socket

    async def packet(self, seconds: float) -> str:
        while True:
            message = await asyncio.wait_for(self.ws.receive_str(), seconds)
            if message == "2":  # the server's ping
                await self.ws.send_str("3")
                continue
            return message

    async def emit(self, event: str, data) -> None:
        await self.ws.send_str("42" + json.dumps([event, data]))

    async def drain(self, name: str, quiet: float = 3) -> None:
        """Read `name` events until none comes for `quiet` seconds."""
        try:
            while True:
                await self.event(name, seconds=quiet)
        except asyncio.TimeoutError:
            pass

    async def event(self, name: str, seconds: float = 20):
        deadline = time.monotonic() + seconds
        while True:
            message = await self.packet(max(0.1, deadline - time.monotonic()))
            if message.startswith("42"):
                found, data = json.loads(message[2:])[:2]
                if found == name:
                    return data


async def test_a_socket_gets_a_signed_session_id_and_speaks_only_in_it(stack):
    async with aiohttp.ClientSession() as session:
        victim = await RawSocket.open(session, stack)
        thief = await RawSocket.open(session, stack)
        await victim.emit("session_request", {"session_id": None})
        session_id = await victim.event("session_confirm")
        assert re.fullmatch(r"web-[0-9a-f]{32}-[0-9a-f]{24}", session_id), session_id
        await victim.emit("user_uttered", {"message": "hej", "session_id": session_id})
        assert (await victim.event("bot_uttered")).get("text")
        await victim.drain("bot_uttered")  # the greeting's other messages

        # Another page names an id it made up or forged: it gets an id of its own.
        forged = session_id[:-1] + ("0" if session_id[-1] != "0" else "1")
        for named in (forged, "web-victim-12345678", None):
            await thief.emit("session_request", {"session_id": named})
            given = await thief.event("session_confirm")
            assert given not in (session_id, named)
        # Speaking in the victim's session from another socket is dropped; nobody hears an answer.
        await thief.emit("user_uttered", {"message": "vad heter du", "session_id": session_id})
        for listener in (thief, victim):
            with pytest.raises(asyncio.TimeoutError):
                await listener.event("bot_uttered", seconds=3)

        # The victim's own browser after a reload takes its signed id back and goes on.
        reloaded = await RawSocket.open(session, stack)
        await reloaded.emit("session_request", {"session_id": session_id})
        assert await reloaded.event("session_confirm") == session_id
        await reloaded.emit("user_uttered", {"message": "vad gor en underskoterska", "session_id": session_id,
                                             "metadata": {"secret": "kept-out-3"}})
        assert (await reloaded.event("bot_uttered")).get("text")
        await reloaded.drain("bot_uttered")
        # A socket that reconnected sends what was typed meanwhile before it asks for its session:
        # an id the server signed is taken.
        reconnected = await RawSocket.open(session, stack)
        await reconnected.emit("user_uttered", {"message": "hur mycket tjanar en skotare", "session_id": session_id})
        assert (await reconnected.event("bot_uttered")).get("text")
        for opened in (victim, thief, reloaded, reconnected):
            await opened.ws.close()
        await asyncio.sleep(1)
        with sqlite3.connect(stack.var_dir / "tracker.db") as db:
            stored = "\n".join(str(row) for row in db.execute("SELECT * FROM events WHERE sender_id = ?", (session_id,)))
        assert "underskoterska" in stored and "kept-out-3" not in stored, "the page's metadata is not stored"

        async with session.get(f"{stack.web_url}/chat/answers", params={"conversation": session_id}) as response:
            assert response.status == 200
        async with session.get(f"{stack.web_url}/chat/answers", params={"conversation": forged}) as response:
            assert response.status == 403

def port_open(url: str) -> bool:
    host, port = url.rsplit("/", 1)[-1].split(":")
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, int(port))) == 0


def test_ctrl_c_stops_every_process(stack):
    # Last in this module: the stack fixture is module-scoped.
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=30) == 0
    for url in (stack.web_url, stack.rasa_url, stack.actions_url):
        assert not port_open(url), f"{url} still answers after Ctrl-C"
    assert "Stopping Vårdvägen" in stack.output.read_text(encoding="utf-8")
