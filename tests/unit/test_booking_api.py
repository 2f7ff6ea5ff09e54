"""The booking API on SQLite and on PostgreSQL, over real HTTP."""

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, inspect, text
from yarl import URL

from core.content import load_content
from bot.db.engine import sync_url
from tests.unit.ticket_helpers import as_action_server

PHRASES = load_content().phrases.phrases


async def slots(client, **query):
    response = await client.get("/api/slots", params=query)
    assert response.status == 200
    return (await response.json())["slots"]


def booking_for(slot, **extra):
    return {
        "counsellor_id": slot["counsellor_id"],
        "starts_at": slot["starts_at"],
        "meeting_type": "phone",
        "first_name": "Amina",
        "contact": "070-123 45 67",
        **extra,
    }


async def test_free_times_have_swedish_labels(client):
    found = await slots(client, meeting_type="on_site", limit=3)
    assert len(found) == 3
    first = found[0]
    local = datetime.fromisoformat(first["starts_at"]).astimezone(ZoneInfo("Europe/Stockholm"))
    assert first["label"].endswith(f"kl. {local.hour:02d}.{local.minute:02d}")
    assert first["label"].split()[0] in {"måndag", "tisdag", "onsdag", "torsdag", "fredag"}
    assert {s["counsellor_id"] for s in found} == {"lina"}


async def test_unknown_meeting_type_gets_a_swedish_answer(client):
    response = await client.get("/api/slots", params={"meeting_type": "brev"})
    assert response.status == 400
    assert (await response.json())["message"] == PHRASES["api_bad_meeting_type"]


async def test_book_then_read_with_code_and_contact(client):
    slot = (await slots(client, meeting_type="phone"))[0]
    response = await client.post("/api/bookings", json=booking_for(slot))
    assert response.status == 201
    booking = await response.json()
    assert len(booking["reference"]) == 8 and not set("01OI") & set(booking["reference"])
    assert booking["label"] == slot["label"]
    # The same code with the contact written another way finds it; another contact does not.
    found = await client.post(f"/api/bookings/{booking['reference'].lower()}" + "/lookup", json={"contact": "+46701234567"})
    assert found.status == 200
    other = await client.post(f"/api/bookings/{booking['reference']}" + "/lookup", json={"contact": "0709999999"})
    assert other.status == 404
    assert (await other.json())["message"] == PHRASES["api_not_found"]
    ics = await client.get(URL(booking["calendar_url"]).path_qs)
    assert ics.status == 200 and ics.content_type == "text/calendar"
    body = await ics.text()
    start = datetime.fromisoformat(slot["starts_at"]).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in body and body.endswith("END:VCALENDAR\r\n")
    bad_token = await client.get(f"/api/bookings/{booking['reference']}/calendar.ics", params={"token": "x"})
    assert bad_token.status == 404


@pytest.mark.parametrize(
    "change, key",
    [
        ({"contact": "12345"}, "api_bad_contact"),
        ({"contact": "850101-1234"}, "api_bad_contact"),
        ({"contact": "amina@"}, "api_bad_contact"),
        ({"first_name": ""}, "api_bad_name"),
        ({"first_name": "<script>"}, "api_bad_name"),
        ({"meeting_type": "brev"}, "api_bad_meeting_type"),
        ({"starts_at": "2020-01-01T09:00:00+00:00"}, "api_bad_time"),
        ({"starts_at": "imorgon"}, "api_bad_time"),
        ({"counsellor_id": "nobody"}, "api_bad_time"),
    ],
)
async def test_bad_booking_input_is_refused_in_swedish(client, change, key):
    slot = (await slots(client, meeting_type="phone"))[0]
    response = await client.post("/api/bookings", json=booking_for(slot, **change))
    assert response.status == 400
    assert (await response.json())["message"] == PHRASES[key]


async def test_fifty_parallel_requests_give_exactly_one_booking(client, database_url):
    slot = (await slots(client, meeting_type="phone"))[0]
    # Fifty people in fifty chats (one client address would meet its creation limit first).
    responses = await asyncio.gather(
        *(client.post("/api/bookings", json=booking_for(slot, contact=f"07012345{i:02d}"),
                      headers=as_action_server(f"chat-{i}")) for i in range(50))
    )
    statuses = sorted(r.status for r in responses)
    assert statuses.count(201) == 1 and statuses.count(409) == 49
    taken = next(r for r in responses if r.status == 409)
    body = await taken.json()
    assert body["message"] == PHRASES["api_slot_taken"]
    assert body["slots"] and slot["starts_at"] not in {s["starts_at"] for s in body["slots"]}
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM bookings")).scalar() == 1
    engine.dispose()


async def test_back_to_back_times_of_one_counsellor_can_both_be_booked(client):
    first, second = (await slots(client, meeting_type="on_site", limit=2))[:2]
    assert first["counsellor_id"] == second["counsellor_id"] == "lina"
    assert (await client.post("/api/bookings", json=booking_for(first, meeting_type="on_site"))).status == 201
    again = await client.post("/api/bookings", json=booking_for(second, meeting_type="on_site", contact="0707654321"))
    assert again.status == 201


async def test_retried_request_never_books_twice(client, database_url):
    slot = (await slots(client, meeting_type="video"))[0]
    headers = {"Idempotency-Key": "chat-abc-123"}
    first, second = await asyncio.gather(
        client.post("/api/bookings", json=booking_for(slot, meeting_type="video"), headers=headers),
        client.post("/api/bookings", json=booking_for(slot, meeting_type="video"), headers=headers),
    )
    assert {first.status, second.status} <= {200, 201} and 201 in {first.status, second.status}
    assert (await first.json())["reference"] == (await second.json())["reference"]
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM bookings")).scalar() == 1
    engine.dispose()


async def test_cancel_frees_the_time(client):
    slot = (await slots(client, meeting_type="phone"))[0]
    booking = await (await client.post("/api/bookings", json=booking_for(slot))).json()
    assert slot["starts_at"] not in {s["starts_at"] for s in await slots(client, meeting_type="phone")}
    wrong = await client.delete(f"/api/bookings/{booking['reference']}", json={"contact": "0701111111"})
    assert wrong.status == 404
    done = await client.delete(f"/api/bookings/{booking['reference']}", json={"contact": "0701234567"})
    assert done.status == 204
    gone = await client.post(f"/api/bookings/{booking['reference']}" + "/lookup", json={"contact": "0701234567"})
    assert gone.status == 404
    again = await client.post("/api/bookings", json=booking_for(slot, first_name="Yusuf", contact="yusuf@example.org"))
    assert again.status == 201


async def test_change_books_the_new_time_and_frees_the_old_in_one_step(client):
    old_slot, new_slot = (await slots(client, meeting_type="phone"))[:2]
    old = await (await client.post("/api/bookings", json=booking_for(old_slot))).json()
    change = booking_for(new_slot, replaces={"reference": old["reference"].lower(), "contact": "070-123 45 67"})
    response = await client.post("/api/bookings", json=change)
    assert response.status == 201
    new = await response.json()
    assert new["replaced"] == old["reference"] and new["reference"] != old["reference"]
    assert (await client.post(f"/api/bookings/{old['reference']}" + "/lookup", json={"contact": "0701234567"})).status == 404
    free = {s["starts_at"] for s in await slots(client, meeting_type="phone")}
    assert old_slot["starts_at"] in free and new_slot["starts_at"] not in free


async def test_a_change_with_the_wrong_contact_books_nothing(client):
    old_slot, new_slot = (await slots(client, meeting_type="phone"))[:2]
    old = await (await client.post("/api/bookings", json=booking_for(old_slot))).json()
    for replaces in ({"reference": old["reference"], "contact": "0709999999"}, {"reference": "ABCDEFGH", "contact": "0701234567"}):
        response = await client.post("/api/bookings", json=booking_for(new_slot, replaces=replaces))
        assert response.status == 404 and "message" in await response.json()
    assert (await client.post("/api/bookings", json=booking_for(new_slot, replaces="ABC"))).status == 400
    assert (await client.post(f"/api/bookings/{old['reference']}" + "/lookup", json={"contact": "0701234567"})).status == 200
    assert new_slot["starts_at"] in {s["starts_at"] for s in await slots(client, meeting_type="phone")}


async def test_a_change_whose_old_booking_went_meanwhile_is_rolled_back(client):
    from bot.keys import STORE
    from bot.booking.store import BookingGone, NewBooking

    old_slot, new_slot = (await slots(client, meeting_type="phone"))[:2]
    old = await (await client.post("/api/bookings", json=booking_for(old_slot))).json()
    new = NewBooking(new_slot["counsellor_id"], datetime.fromisoformat(new_slot["starts_at"]), 30, "phone", "Amina",
                     "+46701234567")
    with pytest.raises(BookingGone):
        await client.app[STORE].create(new, replaces=(old["reference"], "+46709999999"))
    assert new_slot["starts_at"] in {s["starts_at"] for s in await slots(client, meeting_type="phone")}


async def test_blocked_time_cannot_be_booked(client):
    from bot.keys import STORE

    slot = (await slots(client, meeting_type="on_site"))[0]
    start = datetime.fromisoformat(slot["starts_at"])
    await client.app[STORE].add_block(slot["counsellor_id"], start, start.replace(hour=start.hour + 1), "kurs")
    assert slot["starts_at"] not in {s["starts_at"] for s in await slots(client, meeting_type="on_site")}
    response = await client.post("/api/bookings", json=booking_for(slot, meeting_type="on_site"))
    assert response.status == 409


async def test_schema_is_made_by_migrations(client, database_url):
    engine = create_engine(sync_url(database_url))
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert {"bookings", "blocks", "interests", "users", "sessions", "calendar_feeds", "tickets", "followups",
            "stat_counts", "stat_days", "failed_messages", "feedback", "alembic_version"} <= tables
    assert version == "0010"


def test_upgrade_keeps_existing_data(database_url):
    from alembic import command

    from bot.db.engine import alembic_config, upgrade

    command.upgrade(alembic_config(database_url), "0001")
    engine = create_engine(sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO bookings (reference, counsellor_id, starts_at, minutes, meeting_type, first_name,"
            " contact, calendar_token, created_at) VALUES ('ABCDEFGH', 'lina', '2030-01-07 08:00:00', 45,"
            " 'phone', 'Amina', '+46701234567', 't', '2030-01-01 00:00:00')"
        ))
    upgrade(database_url)
    upgrade(database_url)  # a second run changes nothing
    with engine.connect() as conn:
        assert conn.execute(text("SELECT first_name FROM bookings")).scalars().all() == ["Amina"]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0010"
    engine.dispose()


async def test_register_interest_keeps_only_known_answers(client, database_url):
    body = {
        "track_id": "vardbitrade_sfi",
        "first_name": "Amina",
        "contact": "amina@example.org",
        "answers": {"sfi_level": "sfi_c", "age": "24"},
    }
    response = await client.post("/api/interests", json=body, headers={"Idempotency-Key": "i-1"})
    assert response.status == 201
    created = await response.json()
    assert created["track_name"] == "Vårdbiträde med SFI" and len(created["reference"]) == 8
    again = await client.post("/api/interests", json=body, headers={"Idempotency-Key": "i-1"})
    assert (await again.json())["reference"] == created["reference"]
    bad = await client.post("/api/interests", json={**body, "answers": {"sfi_level": "<script>"}})
    assert bad.status == 400
    unknown = await client.post("/api/interests", json={**body, "track_id": "astronaut"})
    assert (await unknown.json())["message"] == PHRASES["api_bad_track"]
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT track_id, first_name, contact, answers FROM interests")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("vardbitrade_sfi", "Amina", "amina@example.org", '{"age": "24", "sfi_level": "sfi_c"}')
    ]


async def test_openapi_describes_every_json_route(client):
    from bot.security import JSON_PREFIXES  # /api/ and the chat's JSON routes

    spec = await (await client.get("/api/openapi.json")).json()
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    routes = {
        (r.resource.canonical, r.method.lower())
        for r in client.app.router.routes()
        if r.resource is not None and r.resource.canonical.startswith(JSON_PREFIXES) and r.method != "HEAD"
    }
    assert {"/chat/message", "/chat/answers"} <= {path for path, _ in routes}
    assert routes == described
