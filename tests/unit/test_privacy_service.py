"""The privacy rule in the bot service, on SQLite and PostgreSQL: questions,
their transcripts, the interpreter field and a counsellor's answer keep no
personnummer (valid or not) and no card number, and an export shows none
even from a row stored before the rule was this strict."""

import json

import pytest
from sqlalchemy import create_engine, text

from bot.db.engine import sync_url
from core.privacy import NUMBER_MASK, REPLACEMENT
from tests.privacy_search import CARD, ISSUE_NUMBERS as ISSUE, NEEDLES, TYPED, where_found
from tests.unit.dashboard_helpers import STAFF, csrf_of, login
from tests.unit.ticket_helpers import ask



@pytest.fixture
def staff():
    return STAFF


async def test_a_question_and_its_transcript_keep_none_of_the_numbers(client, database_url):
    made = await ask(client, TYPED, contact="070-123 45 67",
                     transcript=[{"from": "user", "text": TYPED}, {"from": "bot", "text": "Ring 08-123 456 78."}])
    assert where_found(NEEDLES, database_urls=[database_url]) == []
    shown = await (await client.get(f"/api/tickets/{made['reference']}")).json()
    assert shown["question"] == (f"Mitt personnummer är {REPLACEMENT} eller {REPLACEMENT} eller {REPLACEMENT}. "
                                 f"Kort: {NUMBER_MASK}.")
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        contact, transcript = conn.execute(text("SELECT contact, transcript FROM tickets")).one()
    engine.dispose()
    assert contact == "+46701234567", "the contact the person gave is kept"
    assert json.loads(transcript)[1]["text"] == "Ring 08-123 456 78.", "the bot's own phone number is kept"


async def test_an_interpreter_field_keeps_none_of_the_numbers(client, database_url):
    slot = (await (await client.get("/api/slots", params={"meeting_type": "on_site"})).json())["slots"][0]
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "on_site",
            "first_name": "Amina", "contact": "0701234567", "interpreter": f"arabiska {ISSUE[1]} {CARD}"}
    response = await client.post("/api/bookings", json=body)
    assert response.status == 201, await response.text()
    assert where_found(NEEDLES, database_urls=[database_url]) == []


async def test_a_counsellors_answer_keeps_a_phone_number_but_no_personnummer(client, database_url):
    made = await ask(client, "Kan jag jobba natt?")
    await login(client, "admin")
    page = await (await client.get(f"/dashboard/inbox/{made['reference']}")).text()
    response = await client.post(
        f"/dashboard/inbox/{made['reference']}/answer",
        data={"answer": f"Ja. Ring 070-123 45 67. Hon har {ISSUE[0]} och kortet {CARD}.", "csrf_token": csrf_of(page)},
    )
    assert response.status == 200
    assert where_found(NEEDLES, database_urls=[database_url]) == []
    shown = await (await client.get(f"/api/tickets/{made['reference']}")).json()
    assert shown["answer"] == f"Ja. Ring 070-123 45 67. Hon har {REPLACEMENT} och kortet {NUMBER_MASK}."


async def test_an_export_shows_no_personnummer_from_an_older_row(client, database_url):
    made = await ask(client, "Kan jag jobba natt?", contact="070-123 45 67")
    # A row written before the rule was this strict (a wrong check digit was kept then).
    engine = create_engine(sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE tickets SET question = :q, transcript = :t"),
                     {"q": f"Mitt personnummer är {ISSUE[0]}", "t": json.dumps([{"from": "user", "text": CARD}])})
    engine.dispose()
    await login(client, "lina")
    page = await (await client.get("/dashboard/person")).text()
    export = await client.post("/dashboard/person", data={"contact": "070-123 45 67", "csrf_token": csrf_of(page)})
    assert export.status == 200
    body = await export.text()
    assert made["reference"] in body
    assert [n for n in NEEDLES if n in body] == []
    assert REPLACEMENT in body and NUMBER_MASK in body


async def test_the_search_finds_a_number_in_a_table_and_in_a_file(client, database_url, tmp_path):
    # The other tests rely on where_found() == []: it must find what is there.
    engine = create_engine(sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (at, username, action, subject) VALUES (CURRENT_TIMESTAMP, 'x', 'y', :s)"),
                     {"s": f"z {ISSUE[1]}"})
    engine.dispose()
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "some.log").write_bytes(f"line {CARD.replace(' ', '')}\n".encode())
    found = where_found(NEEDLES, roots=[tmp_path / "logs"], database_urls=[database_url])
    assert any(where.endswith("audit_log") and needle == ISSUE[1] for where, needle in found), found
    assert any(where.endswith("some.log") and needle == "4111111111111111" for where, needle in found), found
