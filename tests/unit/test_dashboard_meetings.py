"""Preparing, holding and following up a meeting from the dashboard, over
real HTTP on SQLite and PostgreSQL, with e-mail through a real local SMTP
server: the start page, a booking's page (the walk-through's answers, the
interpreter, questions from the same chat), cancel, move, attendance and a
note, each with CSRF, the audit log, and a counsellor kept out of another
counsellor's meetings, notes and questions."""

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.booking.store import NewBooking
from bot.dashboard.start import today_window
from bot.keys import STORE
from bot.settings import Settings
from core.dates import format_short
from tests.unit.dashboard_helpers import STAFF, book, csrf_of, login, shown
from tests.unit.ticket_helpers import ACTIONS_TOKEN, SESSION_SECRET, as_action_server, ask, session

TZ = ZoneInfo("Europe/Stockholm")
ACTIONS = ["cancel", "move", "attendance", "note"]
CHAT = session("chat-amina-meeting")
ANSWERS = {"track": "vardbitrade_sfi", "sfi_level": "sfi_c", "education": "none", "age": "34", "colour": "blå"}


@pytest.fixture
def staff():
    return STAFF


@pytest.fixture
def settings(database_url, smtp_server):
    port, _inbox = smtp_server
    return Settings(database_url=database_url, actions_token=ACTIONS_TOKEN, session_secret=SESSION_SECRET,
                    smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                    smtp_from="vardvagen@exempelkommun.example")


def tomorrow() -> str:
    return (datetime.now(TZ).date() + timedelta(days=1)).isoformat()


async def chat_booking(client, contact="amina@example.se", interpreter="arabiska", index=0, from_day=None):
    """A booking as the chat makes it: from the action server, with the walk-through's answers."""
    query = {"meeting_type": "on_site", **({"from": from_day} if from_day else {})}
    slot = (await (await client.get("/api/slots", params=query)).json())["slots"][index]
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "on_site",
            "first_name": "Amina", "contact": contact, "interpreter": interpreter, "answers": ANSWERS}
    response = await client.post("/api/bookings", json=body, headers=as_action_server(CHAT))
    assert response.status == 201, await response.text()
    return {**slot, "reference": (await response.json())["reference"]}


async def today_booking(client, counsellor="lina", first_name="Bashir", minutes_in=0):
    """A meeting today that has started, at midnight (the API only books ahead)."""
    start, _end, _day = today_window(TZ, datetime.now(timezone.utc))
    new = NewBooking(counsellor_id=counsellor, starts_at=start + timedelta(minutes=minutes_in), minutes=45,
                     meeting_type="phone", first_name=first_name, contact="+46701234567")
    return await client.server.app[STORE].create(new)


async def page_of(client, reference):
    response = await client.get(f"/dashboard/bookings/{reference}")
    assert response.status == 200, response.status
    return await response.text()


async def post(client, reference, action, **data):
    html = await page_of(client, reference)
    return await client.post(f"/dashboard/bookings/{reference}/{action}", data={"csrf_token": csrf_of(html), **data})


async def stored(client, reference):
    return await client.server.app[STORE].by_reference(reference)


async def audit_text(client):
    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(await (await client.get("/dashboard")).text())})
    await login(client, "admin")
    return await (await client.get("/dashboard/audit")).text()


# ---- the start page ---------------------------------------------------------

async def test_the_start_page_counts_todays_meetings_new_questions_and_new_interests(client):
    today = await today_booking(client, "lina", "Bashir")
    await today_booking(client, "omar", "Chen")
    later = await chat_booking(client, from_day=tomorrow())  # not today, even when run just after midnight
    await ask(client, "Kan jag jobba natt?")
    await ask(client, "Hur lång är utbildningen?")
    for name in ("Dana", "Elif"):
        made = await client.post("/api/interests", json={"track_id": "vardbitrade_sfi", "first_name": name,
                                                         "contact": "0701234567", "answers": {}})
        assert made.status == 201
    assert (await login(client, "lina")).status == 302
    response = await client.get("/dashboard")
    page = await response.text()
    assert response.status == 200 and "<h1>Översikt</h1>" in page
    assert re.search(r'<span class="number">1</span> möte i dag', page)  # Lina's only, not Omar's
    assert f'/dashboard/bookings/{today.reference}">Bashir</a>' in page and "Chen" not in page
    assert later["reference"] not in page
    assert re.search(r'<span class="number">2</span> nya frågor', page) and "Kan jag jobba natt?" in page
    assert re.search(r'<span class="number">2</span> nya intresseanmälningar', page)
    assert "Vårdbiträde med SFI</a>: 2" in page
    assert "Exempelkommun" in page  # the municipality's name from content/
    assert 'href="/dashboard" aria-current="page"' in page


async def test_an_admin_sees_everyones_meetings_today(client):
    await today_booking(client, "lina", "Bashir")
    await today_booking(client, "omar", "Chen")
    await login(client, "admin")
    page = await (await client.get("/dashboard")).text()
    assert re.search(r'<span class="number">2</span> möten i dag', page) and "Bashir" in page and "Chen" in page


async def test_an_admins_count_of_taken_questions_is_their_own_as_its_link_lists(client):
    question = await ask(client, "Linas fråga")
    await login(client, "lina")
    html = await (await client.get(f"/dashboard/inbox/{question['reference']}")).text()
    await client.post(f"/dashboard/inbox/{question['reference']}/take", data={"csrf_token": csrf_of(html)})
    assert re.search(r'<span class="number">1</span> fråga du tagit', await (await client.get("/dashboard")).text())
    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(html)})
    await login(client, "admin")
    assert re.search(r'<span class="number">0</span> frågor du tagit', await (await client.get("/dashboard")).text())


async def test_the_theme_is_the_municipalitys_colours(client):
    response = await client.get("/dashboard/theme.css")
    assert response.status == 200 and response.content_type == "text/css"
    css = await response.text()
    colours = client.server.app[__import__("bot.keys", fromlist=["CONTENT"]).CONTENT].municipality.colours
    assert f"--brand:{colours.brand}" in css and f"--on-brand:{colours.on_brand}" in css and f"--focus:{colours.focus}" in css


# ---- a booking's page -------------------------------------------------------

async def test_the_booking_page_shows_answers_interpreter_and_questions_from_the_same_chat(client):
    made = await chat_booking(client)
    await ask(client, "Får jag lön under praktiken?", conversation_id=CHAT)
    await ask(client, "En fråga från en annan chatt", conversation_id=session("another-chat"))
    await login(client, "lina")
    page = await page_of(client, made["reference"])
    assert "<h1>Möte med Amina</h1>" in page
    assert shown(made) in page and "<dt>Tolk</dt><dd>arabiska</dd>" in page and "Tolk: Tolk" not in page and "Vill ha tolk på arabiska." in page
    assert "Jobbspår: Vårdbiträde med SFI" in page and "Ålder: 34 år" in page and "sfi_c" not in page
    assert "blå" not in page  # an unknown answer is never stored
    assert "Får jag lön under praktiken?" in page and "En fråga från en annan chatt" not in page
    assert "amina@example.se" in page and "Personen får ett mejl om avbokningen." in page
    # And back: the question's page links the meeting booked in the same chat.
    question = re.search(r'href="/dashboard/inbox/([A-Z0-9]{8})"', page).group(1)
    ticket_page = await (await client.get(f"/dashboard/inbox/{question}")).text()
    assert "Möte bokat i samma chatt" in ticket_page and f'href="/dashboard/bookings/{made["reference"]}"' in ticket_page
    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(ticket_page)})
    await login(client, "omar")  # the question is new, so Omar sees it, but not Lina's meeting
    omar_view = await (await client.get(f"/dashboard/inbox/{question}")).text()
    assert "Får jag lön under praktiken?" in omar_view and made["reference"] not in omar_view


async def test_a_question_another_counsellor_took_is_not_shown_on_the_meeting_page(client):
    made = await chat_booking(client)  # Lina's meeting
    question = await ask(client, "Omars fråga från samma chatt", conversation_id=CHAT)
    await login(client, "omar")
    html = await (await client.get(f"/dashboard/inbox/{question['reference']}")).text()
    assert (await client.post(f"/dashboard/inbox/{question['reference']}/take",
                              data={"csrf_token": csrf_of(html)})).status == 200
    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(html)})
    await login(client, "lina")
    page = await page_of(client, made["reference"])
    assert "Omars fråga från samma chatt" not in page and question["reference"] not in page


async def test_a_booking_without_the_chat_says_so(client):
    made = await book(client)  # straight through the API: no conversation, no answers
    await login(client, "lina")
    page = await page_of(client, made["reference"])
    assert "Personen gick inte igenom frågorna i chatten." in page
    assert "Personen lämnade inga frågor i samma chatt." in page and "Vill inte ha tolk." in page
    assert "Ring personen och berätta om avbokningen." in page


async def test_the_booking_list_links_each_booking(client):
    made = await book(client)
    await login(client, "lina")
    page = await (await client.get("/dashboard/bookings")).text()
    assert f'href="/dashboard/bookings/{made["reference"]}"' in page and shown(made) in page


# ---- who may see and change what --------------------------------------------

async def test_a_counsellor_cannot_see_or_change_another_counsellors_booking_or_note(client):
    made = await chat_booking(client)  # on site: Lina's
    started = await today_booking(client, "lina")
    await login(client, "lina")
    assert (await post(client, made["reference"], "note", note="Hemlig anteckning om Amina")).status == 200
    lina_page = await (await client.get("/dashboard")).text()
    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(lina_page)})

    await login(client, "omar")
    omar_page = await (await client.get("/dashboard")).text()
    token = csrf_of(omar_page)
    for reference in (made["reference"], started.reference):
        seen = await client.get(f"/dashboard/bookings/{reference}")
        text = await seen.text()
        assert seen.status == 403 and "Inte din bokning" in text and "Hemlig anteckning" not in text
    changes = {"cancel": {"confirm": "yes"}, "move": {"starts_at": made["starts_at"]},
               "attendance": {"attendance": "no_show"}, "note": {"note": "Omars text"}}
    for action, data in changes.items():
        reference = started.reference if action == "attendance" else made["reference"]
        denied = await client.post(f"/dashboard/bookings/{reference}/{action}", data={"csrf_token": token, **data})
        assert denied.status == 403, action
    kept = await stored(client, made["reference"])
    assert kept is not None and kept.note == "Hemlig anteckning om Amina" and kept.starts_at.isoformat() == \
        datetime.fromisoformat(made["starts_at"]).astimezone(timezone.utc).isoformat()
    assert (await stored(client, started.reference)).attendance is None
    assert "Hemlig anteckning" not in await (await client.get("/dashboard/bookings")).text()
    await client.post("/dashboard/logout", data={"csrf_token": token})

    await login(client, "admin")  # an admin sees all
    assert "Hemlig anteckning om Amina" in await page_of(client, made["reference"])


async def test_a_counsellor_sees_new_questions_and_their_own_but_not_anothers(client):
    lina_q = await ask(client, "Linas fråga")
    omar_q = await ask(client, "Omars fråga")
    new_q = await ask(client, "Ingens fråga än")
    await login(client, "lina")
    html = await (await client.get(f"/dashboard/inbox/{lina_q['reference']}")).text()
    await client.post(f"/dashboard/inbox/{lina_q['reference']}/take", data={"csrf_token": csrf_of(html)})
    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(html)})
    await login(client, "omar")
    html = await (await client.get(f"/dashboard/inbox/{omar_q['reference']}")).text()
    await client.post(f"/dashboard/inbox/{omar_q['reference']}/take", data={"csrf_token": csrf_of(html)})
    for show in ("", "all", "mine", "new"):
        page = await (await client.get("/dashboard/inbox", params={"show": show})).text()
        assert "Linas fråga" not in page, show
    mine = await (await client.get("/dashboard/inbox?show=mine")).text()
    assert "Omars fråga" in mine and "Ingens fråga än" not in mine
    new = await (await client.get("/dashboard/inbox?show=new")).text()
    assert new_q["reference"] in new and "Omars fråga" not in new


# ---- the actions --------------------------------------------------------------

@pytest.mark.parametrize("action", ACTIONS)
async def test_every_booking_action_requires_login_and_its_csrf_token(client, action):
    made = await book(client)
    path = f"/dashboard/bookings/{made['reference']}/{action}"
    data = {"confirm": "yes", "attendance": "attended", "note": "x", "starts_at": made["starts_at"]}
    assert (await client.post(path, data=data, allow_redirects=False)).status == 302
    await login(client, "lina")
    assert (await client.post(path, data={**data, "csrf_token": "forged"})).status == 403
    assert (await client.post(path, data=data)).status == 403
    kept = await stored(client, made["reference"])
    assert kept is not None and kept.note is None and kept.attendance is None


async def test_cancel_frees_the_time_tells_the_person_by_email_and_is_audited(client, smtp_server):
    _port, mailbox = smtp_server
    made = await chat_booking(client)
    await login(client, "lina")
    unconfirmed = await post(client, made["reference"], "cancel")
    assert unconfirmed.status == 400 and await stored(client, made["reference"]) is not None
    done = await post(client, made["reference"], "cancel", confirm="yes")
    text = await done.text()
    assert done.status == 200 and "Mötet är avbokat" in text and "Amina har fått ett mejl om det." in text
    assert await stored(client, made["reference"]) is None
    assert (await client.get(f"/dashboard/bookings/{made['reference']}")).status == 404
    slots = await (await client.get("/api/slots", params={"meeting_type": "on_site"})).json()
    assert made["starts_at"] in [s["starts_at"] for s in slots["slots"]]
    assert mailbox.recipients == [["amina@example.se"]]
    mail = mailbox.messages[0]
    assert made["reference"] in mail["Subject"] and "avbokad" in mail["Subject"]
    assert made["label"] in mail.get_content() and "Exempelkommun" in mail.get_content()
    log = await audit_text(client)
    assert "Avbokade ett möte" in log and made["reference"] in log


async def test_cancelling_a_meeting_booked_with_a_phone_number_says_to_call(client, smtp_server):
    _port, mailbox = smtp_server
    made = await book(client, contact="0701234567")
    await login(client, "lina")
    done = await post(client, made["reference"], "cancel", confirm="yes")
    assert "Ring Amina på +46701234567 och berätta." in await done.text(), "the number, for the booking is gone"
    assert mailbox.messages == []


async def test_a_cancellation_from_the_dashboard_is_counted_in_the_statistics(client, database_url):
    from sqlalchemy import create_engine, select

    from bot.db.schema import stat_counts
    from bot.db.engine import sync_url

    made = await book(client, contact="0701234567")
    await login(client, "lina")
    assert (await post(client, made["reference"], "cancel", confirm="yes")).status == 200
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        found = {r.metric: r.value for r in conn.execute(select(stat_counts))}
    engine.dispose()
    assert found["bookings"] == 1 and found["cancellations"] == 1


async def test_move_to_another_free_time_tells_the_person_and_frees_the_old_time(client, smtp_server):
    _port, mailbox = smtp_server
    made = await chat_booking(client)
    await login(client, "lina")
    page = await page_of(client, made["reference"])
    choices = re.findall(r'name="starts_at" value="([^"]+)"', page)
    assert choices and made["starts_at"] not in choices
    target = choices[1]
    moved = await post(client, made["reference"], "move", starts_at=target)
    text = await moved.text()
    assert moved.status == 200 and "Mötet är flyttat. Amina har fått ett mejl om det." in text
    new_time = datetime.fromisoformat(target)
    assert format_short(new_time, TZ) in text
    booking = await stored(client, made["reference"])
    assert booking.starts_at == new_time.astimezone(timezone.utc) and booking.answers["track"] == "vardbitrade_sfi"
    slots = [s["starts_at"] for s in (await (await client.get("/api/slots", params={"meeting_type": "on_site",
                                                                                     "limit": 20})).json())["slots"]]
    assert made["starts_at"] in slots and target not in slots
    assert "Ny tid" in mailbox.messages[0]["Subject"]
    log = await audit_text(client)
    assert "Flyttade ett möte" in log


async def test_move_offers_free_times_from_a_later_day_the_counsellor_chooses(client):
    made = await chat_booking(client)
    await login(client, "lina")
    first = re.findall(r'name="starts_at" value="([^"]+)"', await page_of(client, made["reference"]))
    later = (datetime.fromisoformat(first[-1]).astimezone(TZ) + timedelta(days=7)).date()
    page = await (await client.get(f"/dashboard/bookings/{made['reference']}", params={"from": later.isoformat()})).text()
    choices = [datetime.fromisoformat(c).astimezone(TZ).date() for c in re.findall(r'name="starts_at" value="([^"]+)"', page)]
    assert choices and all(day >= later for day in choices), "only times from the chosen day"
    assert f'value="{later.isoformat()}"' in page, "the chosen day stays in the field"
    past = await (await client.get(f"/dashboard/bookings/{made['reference']}", params={"from": "2001-01-01"})).text()
    assert re.findall(r'name="starts_at" value="([^"]+)"', past) == first, "a past day is today"


async def test_move_to_a_taken_or_impossible_time_is_refused(client):
    made = await chat_booking(client)
    other = await chat_booking(client, contact="bashir@example.se", index=1)
    await login(client, "lina")
    taken = await post(client, made["reference"], "move", starts_at=other["starts_at"])
    assert taken.status == 409 and "Den tiden är inte ledig." in await taken.text()
    night = datetime.fromisoformat(made["starts_at"]).replace(hour=3, minute=0).isoformat()
    assert (await post(client, made["reference"], "move", starts_at=night)).status == 409
    assert (await post(client, made["reference"], "move", starts_at="i morgon")).status == 400
    kept = await stored(client, made["reference"])
    assert kept.starts_at == datetime.fromisoformat(made["starts_at"]).astimezone(timezone.utc)


async def test_attendance_is_marked_only_once_the_meeting_has_started(client):
    ahead = await book(client)
    started = await today_booking(client, "lina")
    await login(client, "lina")
    early = await post(client, ahead["reference"], "attendance", attendance="attended")
    assert early.status == 400 and "Mötet har inte börjat än." in await early.text()
    assert (await post(client, started.reference, "attendance", attendance="maybe")).status == 400
    done = await post(client, started.reference, "attendance", attendance="no_show")
    assert done.status == 200 and "<dt>Närvaro</dt><dd>Kom inte</dd>" in await done.text()
    assert (await stored(client, started.reference)).attendance == "no_show"
    assert "<td>Kom inte</td>" in await (await client.get("/dashboard")).text()
    again = await post(client, started.reference, "attendance", attendance="attended")
    assert "<dt>Närvaro</dt><dd>Kom</dd>" in await again.text()
    log = await audit_text(client)
    assert "Skrev om personen kom till mötet" in log and started.reference in log


async def test_a_note_is_kept_without_a_personnummer_shown_escaped_and_can_be_removed(client):
    made = await book(client)
    await login(client, "lina")
    saved = await post(client, made["reference"], "note",
                       note="Vill jobba natt. Pnr 19850101-1234. <b>Ring</b> 070-123 45 67.")
    text = await saved.text()
    assert saved.status == 200 and "Anteckningen är sparad." in text
    note = (await stored(client, made["reference"])).note
    assert "19850101-1234" not in note and "070-123 45 67" in note and "Vill jobba natt." in note
    assert "&lt;b&gt;Ring&lt;/b&gt;" in text and "<b>Ring</b>" not in text
    assert "Senast ändrad av lina" in text
    too_long = await post(client, made["reference"], "note", note="x" * 2001)
    assert too_long.status == 400 and (await stored(client, made["reference"])).note == note
    removed = await post(client, made["reference"], "note", note="  ")
    assert "Anteckningen är borttagen." in await removed.text()
    assert (await stored(client, made["reference"])).note is None
    log = await audit_text(client)
    assert "Ändrade anteckningen till ett möte" in log and made["reference"] in log


async def test_the_persons_own_export_holds_the_note_and_attendance(client):
    started = await today_booking(client, "lina")
    await login(client, "lina")
    await post(client, started.reference, "note", note="Kom i tid.")
    await post(client, started.reference, "attendance", attendance="attended")
    page = await (await client.get("/dashboard/person")).text()
    export = await client.post("/dashboard/person", data={"contact": "0701234567", "csrf_token": csrf_of(page)})
    body = await export.text()
    assert "Kom i tid." in body and "attended" in body


# ---- the inbox: search, filter, sort ----------------------------------------------

async def test_the_inbox_searches_filters_and_sorts(client):
    first = await ask(client, "Får jag lön under praktiken?")
    second = await ask(client, "Hur lång är UTBILDNINGEN?")
    third = await ask(client, "Kan jag jobba natt?")
    await login(client, "lina")
    html = await (await client.get(f"/dashboard/inbox/{third['reference']}")).text()
    await client.post(f"/dashboard/inbox/{third['reference']}/answer",
                      data={"csrf_token": csrf_of(html), "answer": "Ja."})

    def order(page):
        return re.findall(r'/dashboard/inbox/([A-Z0-9]{8})"', page)

    found = await (await client.get("/dashboard/inbox", params={"q": "utbildningen"})).text()
    assert order(found) == [second["reference"]] and "1 fråga." in found
    by_code = await (await client.get("/dashboard/inbox", params={"q": first["reference"].lower()})).text()
    assert order(by_code) == [first["reference"]]
    percent = await (await client.get("/dashboard/inbox", params={"q": "%"})).text()
    assert order(percent) == []  # a LIKE wildcard is searched for as a character
    newest = order(await (await client.get("/dashboard/inbox?show=new")).text())
    assert newest == [second["reference"], first["reference"]]
    oldest = order(await (await client.get("/dashboard/inbox?show=new&sort=oldest")).text())
    assert oldest == [first["reference"], second["reference"]]
    answered = order(await (await client.get("/dashboard/inbox?show=answered")).text())
    assert answered == [third["reference"]]
    assert order(await (await client.get("/dashboard/inbox?show=mine")).text()) == []  # answered: not waiting
    html = await (await client.get(f"/dashboard/inbox/{first['reference']}")).text()
    await client.post(f"/dashboard/inbox/{first['reference']}/take", data={"csrf_token": csrf_of(html)})
    assert order(await (await client.get("/dashboard/inbox?show=mine")).text()) == [first["reference"]]
    assert order(await (await client.get("/dashboard/inbox?show=closed")).text()) == []
    odd = await client.get("/dashboard/inbox", params={"show": "<x>", "sort": "?", "page": "x"})
    assert odd.status == 200 and len(order(await odd.text())) == 3


# ---- where a booking's chat comes from ------------------------------------------

async def test_only_the_action_server_links_a_booking_to_its_chat(client):
    from actions.service_client import CONVERSATION_HEADER
    from core.conversation import conversation_key

    await ask(client, "Får jag lön under praktiken?", conversation_id=CHAT)
    slot = (await (await client.get("/api/slots", params={"meeting_type": "on_site"})).json())["slots"][0]
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "on_site",
            "first_name": "Mallory", "contact": "0701234567"}
    # Naming a conversation without the actions token links nothing: a hash is no proof.
    forged = await client.post("/api/bookings", json=body, headers={CONVERSATION_HEADER: conversation_key(CHAT)})
    reference = (await forged.json())["reference"]
    assert (await stored(client, reference)).conversation_key is None
    await login(client, "lina")
    assert "Får jag lön under praktiken?" not in await page_of(client, reference)


def test_migration_0009_gives_old_questions_their_conversations_hash(database_url):
    from alembic import command
    from sqlalchemy import create_engine, text

    from bot.db.engine import alembic_config, sync_url, upgrade
    from core.conversation import conversation_key

    command.upgrade(alembic_config(database_url), "0008")
    engine = create_engine(sync_url(database_url))
    with engine.begin() as conn:
        for reference, conversation in (("QUES2345", CHAT), ("QUES6789", None)):
            conn.execute(text(
                "INSERT INTO tickets (reference, question, summary, transcript, conversation_id, status, created_at)"
                " VALUES (:ref, 'Fråga', '{}', '[]', :conversation, 'open', '2026-12-01 10:00:00')"),
                {"ref": reference, "conversation": conversation})
    upgrade(database_url)
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT reference, conversation_key FROM tickets")).all())
        columns = conn.execute(text("SELECT answers, conversation_key, attendance, note FROM bookings")).keys()
    engine.dispose()
    assert keys == {"QUES2345": conversation_key(CHAT), "QUES6789": None}
    assert list(columns) == ["answers", "conversation_key", "attendance", "note"]


async def test_a_time_changed_in_the_chat_keeps_the_counsellors_note(client):
    made = await chat_booking(client)
    await login(client, "lina")
    await post(client, made["reference"], "note", note="Har betyg från Syrien.")
    later = (await (await client.get("/api/slots", params={"meeting_type": "on_site"})).json())["slots"][2]
    body = {"counsellor_id": later["counsellor_id"], "starts_at": later["starts_at"], "meeting_type": "on_site",
            "first_name": "Amina", "contact": "amina@example.se",
            "replaces": {"reference": made["reference"], "contact": "amina@example.se"}}
    changed = await client.post("/api/bookings", json=body)
    assert changed.status == 201, await changed.text()
    new = await stored(client, (await changed.json())["reference"])
    assert await stored(client, made["reference"]) is None
    assert new.note == "Har betyg från Syrien." and new.note_by == "lina"
    assert new.answers["track"] == "vardbitrade_sfi"  # the chat sent none this time: the old ones stay
