"""Dashboard pages beyond the booking list, over real HTTP on SQLite and
PostgreSQL: interests per track and their CSV, blocking times (only one's
own unless admin), the calendar feed behind a secret token, and exporting
one person's data."""

import csv
import io
import json
import logging
import re
from datetime import datetime, timedelta

import pytest

from bot.interests.pages import _cell
from tests.unit.dashboard_helpers import STAFF, book, csrf_of, login

PAGES = ["/dashboard/interests", "/dashboard/interests/undersköterska", "/dashboard/blocks",
         "/dashboard/calendar", "/dashboard/person"]
FORMS = ["/dashboard/blocks", "/dashboard/blocks/1/delete", "/dashboard/calendar", "/dashboard/person"]


@pytest.fixture
def staff():
    return STAFF


async def track_id(client) -> str:
    from bot.keys import CONTENT

    return client.server.app[CONTENT].tracks.tracks[0].id


async def register(client, track, first_name="Amina", contact="0701234567", answers=None):
    body = {"track_id": track, "first_name": first_name, "contact": contact, "answers": answers or {}}
    response = await client.post("/api/interests", json=body)
    assert response.status == 201, await response.text()
    return (await response.json())["reference"]


async def slots(client, meeting_type="on_site"):
    return (await (await client.get("/api/slots", params={"meeting_type": meeting_type, "limit": 20})).json())["slots"]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_requires_login(client, path):
    response = await client.get(path.replace("undersköterska", await track_id(client)), allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/dashboard/login"


async def test_csv_requires_login(client):
    response = await client.get(f"/dashboard/interests/{await track_id(client)}.csv", allow_redirects=False)
    assert response.status == 302


@pytest.mark.parametrize("path", FORMS)
async def test_every_form_requires_login_and_its_csrf_token(client, path):
    anonymous = await client.post(path, data={"csrf_token": "x"}, allow_redirects=False)
    assert anonymous.status == 302
    await login(client)
    forged = await client.post(path, data={"csrf_token": "forged", "contact": "0701234567"}, allow_redirects=False)
    assert forged.status == 403
    missing = await client.post(path, data={"contact": "0701234567"}, allow_redirects=False)
    assert missing.status == 403


async def test_interests_per_track_and_csv_export(client):
    track = await track_id(client)
    await register(client, track, "Amina", "0701234567", {"sfi_level": "sfi_d", "age": 34})
    await register(client, track, "Bashir", "bashir@example.se")
    await login(client, "omar")  # interests are not one counsellor's: everyone sees them
    overview = await (await client.get("/dashboard/interests")).text()
    assert re.search(rf'href="/dashboard/interests/{track}">[^<]+</a></td><td>2</td>', overview)
    page = await (await client.get(f"/dashboard/interests/{track}")).text()
    assert "Amina" in page and "bashir@example.se" in page
    response = await client.get(f"/dashboard/interests/{track}.csv")
    assert response.status == 200 and response.content_type == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    raw = await response.read()
    assert raw.startswith("\ufeff".encode())  # so Swedish Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Anmäld", "Förnamn", "Kontakt"]
    assert [r[1] for r in rows[1:]] == ["Amina", "Bashir"]
    amina = dict(zip(rows[0], rows[1]))
    assert amina["Ålder"] == "34" and amina["Svenska"] not in ("", "sfi_d")  # the level's label, not its id


def test_csv_cells_never_start_a_formula():
    assert _cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert _cell("+46701234567") == "'+46701234567" and _cell("Amina") == "Amina"


async def block_form(client, start: datetime, end: datetime, counsellor="lina"):
    page = await (await client.get("/dashboard/blocks")).text()
    return await client.post("/dashboard/blocks", data={
        "csrf_token": csrf_of(page), "counsellor_id": counsellor,
        "start_date": start.date().isoformat(), "start_time": start.strftime("%H:%M"),
        "end_date": end.date().isoformat(), "end_time": end.strftime("%H:%M"), "note": "Kurs",
    })


def local(slot) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(slot["starts_at"]).astimezone(ZoneInfo("Europe/Stockholm"))


async def test_a_blocked_time_is_not_offered_and_only_its_owner_or_an_admin_removes_it(client):
    first = (await slots(client))[0]
    start = local(first)
    await login(client, "lina")
    response = await block_form(client, start, start + timedelta(minutes=45))
    assert response.status == 200 and "Tiden är blockerad." in await response.text()
    assert first["starts_at"] not in [s["starts_at"] for s in await slots(client)]
    page = await (await client.get("/dashboard/blocks")).text()
    block_id = re.search(r'/dashboard/blocks/(\d+)/delete', page).group(1)

    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(page)})
    await login(client, "omar")
    omar_page = await (await client.get("/dashboard/blocks")).text()
    assert "Inga blockerade tider." in omar_page  # Lina's blocks are not his
    denied = await client.post(f"/dashboard/blocks/{block_id}/delete", data={"csrf_token": csrf_of(omar_page)})
    assert denied.status == 403
    assert first["starts_at"] not in [s["starts_at"] for s in await slots(client)]
    for_lina = await block_form(client, start + timedelta(days=7), start + timedelta(days=7, hours=1), "lina")
    assert for_lina.status == 403 and "Du kan bara blockera dina egna tider." in await for_lina.text()

    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(omar_page)})
    await login(client, "admin")
    admin_page = await (await client.get("/dashboard/blocks")).text()
    assert f"/dashboard/blocks/{block_id}/delete" in admin_page
    removed = await client.post(f"/dashboard/blocks/{block_id}/delete", data={"csrf_token": csrf_of(admin_page)})
    assert removed.status == 200 and "Blockeringen är borttagen." in await removed.text()
    assert first["starts_at"] in [s["starts_at"] for s in await slots(client)]


async def test_block_form_refuses_bad_times_and_warns_about_bookings(client):
    booked = await book(client)  # Lina's, on site
    start = local(booked)
    await login(client, "lina")
    backwards = await block_form(client, start, start - timedelta(hours=1))
    assert backwards.status == 400 and "Sluttiden måste vara efter starttiden." in await backwards.text()
    past = await block_form(client, datetime(2020, 1, 7, 9), datetime(2020, 1, 7, 10))
    assert past.status == 400 and "Tiden har redan varit." in await past.text()
    over = await block_form(client, start - timedelta(minutes=15), start + timedelta(hours=1))
    assert over.status == 200 and "1 bokade möten ligger på den tiden" in await over.text()


async def test_calendar_feed_behind_a_secret_token(client):
    booked = await book(client)  # Lina's
    await login(client, "lina")
    page = await (await client.get("/dashboard/calendar")).text()
    assert "Du har ingen länk ännu." in page
    made = await (await client.post("/dashboard/calendar", data={"csrf_token": csrf_of(page)})).text()
    url = re.search(r'value="(http[^"]+\.ics)"', made).group(1)
    path = url[url.index("/calendar/"):]
    feed = await client.get(path)
    assert feed.status == 200 and feed.content_type == "text/calendar"
    text = await feed.text()
    assert text.startswith("BEGIN:VCALENDAR") and booked["reference"] in text and "Amina" in text
    assert "0701234567" not in text and "+46701234567" not in text  # no contact details in a feed
    assert "Du har en länk." in await (await client.get("/dashboard/calendar")).text()

    again = await (await client.post("/dashboard/calendar", data={"csrf_token": csrf_of(made)})).text()
    new_path = re.search(r'value="http[^"]+(/calendar/[^"]+\.ics)"', again).group(1)
    assert (await client.get(path)).status == 404  # the old link stops working
    assert (await client.get(new_path)).status == 200
    assert (await client.get("/calendar/" + "A" * 43 + ".ics")).status == 404


def unfolded(ics: str) -> list:
    """The feed's content lines, folded lines joined again (RFC 5545 3.1)."""
    assert all(len(line.encode("utf-8")) <= 75 for line in ics.split("\r\n"))
    return ics.replace("\r\n ", "").split("\r\n")


async def feed_of(client, username="lina") -> list:
    await login(client, username)
    page = await (await client.get("/dashboard/calendar")).text()
    made = await (await client.post("/dashboard/calendar", data={"csrf_token": csrf_of(page)})).text()
    path = re.search(r'value="http[^"]+(/calendar/[^"]+\.ics)"', made).group(1)
    return unfolded(await (await client.get(path)).text())


async def test_calendar_feed_says_whether_an_interpreter_is_wanted(client):
    with_interpreter = await book(client, interpreter="arabiska")
    without = await book(client, index=1)
    lines = await feed_of(client)
    events = "\n".join(lines).split("BEGIN:VEVENT")[1:]
    wanted = next(e for e in events if with_interpreter["reference"] in e)
    assert "SUMMARY:Vägledning: Amina (På plats\\, tolk: arabiska)" in wanted
    assert f"DESCRIPTION:Kod {with_interpreter['reference']}. Tolk: arabiska" in wanted
    other = next(e for e in events if without["reference"] in e)
    assert "SUMMARY:Vägledning: Amina (På plats)" in other
    assert f"DESCRIPTION:Kod {without['reference']}. Ingen tolk" in other


async def test_a_typed_interpreter_language_is_escaped_and_folded_in_the_feed(client):
    # Typed in the chat or sent to the API: commas, semicolons and a backslash are text.
    booked = await book(client, interpreter="kurdiska, sorani; \\ eller arabiska med en lång förklaring")
    line = next(line for line in await feed_of(client) if line.startswith("DESCRIPTION:"))
    assert line == (f"DESCRIPTION:Kod {booked['reference']}. Tolk: kurdiska\\, sorani\\; \\\\ eller arabiska "
                    "med en lång förklaring")


async def test_a_counsellors_feed_has_only_their_meetings(client):
    lina_booking = await book(client)  # on site: Lina
    await login(client, "omar")
    page = await (await client.get("/dashboard/calendar")).text()
    made = await (await client.post("/dashboard/calendar", data={"csrf_token": csrf_of(page)})).text()
    path = re.search(r'value="http[^"]+(/calendar/[^"]+\.ics)"', made).group(1)
    text = await (await client.get(path)).text()
    assert lina_booking["reference"] not in text and "BEGIN:VEVENT" not in text


async def test_export_of_one_persons_data(client, caplog):
    booking = await book(client, contact="amina@example.se")
    interest = await register(client, await track_id(client), contact="Amina@Example.se")
    await book(client, index=1, contact="0709999999")  # someone else
    asked = await client.post("/api/tickets", json={
        "question": "Kan jag jobba natt?", "contact": "amina@example.se",
        "summary": {"sfi_level": "sfi_d"}, "transcript": [{"from": "user", "text": "hej"}]})
    ticket = (await asked.json())["reference"]
    await client.post("/api/tickets", json={"question": "Annan fråga?", "contact": "0709999999"})
    await login(client, "omar")
    page = await (await client.get("/dashboard/person")).text()
    bad = await client.post("/dashboard/person", data={"csrf_token": csrf_of(page), "contact": "inte en kontakt"})
    assert bad.status == 400 and "Skriv ett telefonnummer eller en e-post." in await bad.text()
    with caplog.at_level(logging.INFO):
        response = await client.post("/dashboard/person", data={"csrf_token": csrf_of(page), "contact": "amina@example.se"})
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(await response.text())
    assert [b["reference"] for b in data["bookings"]] == [booking["reference"]]
    assert [i["reference"] for i in data["interests"]] == [interest]
    assert [t["reference"] for t in data["tickets"]] == [ticket]
    assert data["tickets"][0]["question"] == "Kan jag jobba natt?" and data["tickets"][0]["status"] == "open"
    assert data["tickets"][0]["summary"] == {"sfi_level": "sfi_d"}
    assert data["tickets"][0]["transcript"] == [{"from": "user", "text": "hej"}]
    assert "amina@example.se" not in caplog.text and "Person data exported by omar" in caplog.text
    assert "1 tickets" in caplog.text
