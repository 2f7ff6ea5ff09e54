"""'Ta bort mina uppgifter' over the API, on SQLite and PostgreSQL: the
person's bookings, interests and conversation go, nobody else's."""

import asyncio

import pytest
from sqlalchemy import create_engine, text

from bot.app import create_app
from core.content import load_content
from bot.settings import Settings
from bot.db.engine import sync_url

PHRASES = load_content().phrases.phrases


@pytest.fixture
async def client(aiohttp_client, database_url):
    # The tracker table lives in the same database here; in production it is Rasa's own.
    settings = Settings(database_url=database_url, tracker_url=database_url, erasure_delay_seconds=0.2)
    return await aiohttp_client(create_app(settings))


def sql(url, query, **params):
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        result = conn.execute(text(query), params)
        rows = result.all() if result.returns_rows else None
    engine.dispose()
    return rows


async def book(client, contact, index):
    slot = (await (await client.get("/api/slots", params={"meeting_type": "phone", "limit": 5})).json())["slots"][index]
    body = {**{k: slot[k] for k in ("counsellor_id", "starts_at")}, "meeting_type": "phone", "first_name": "A", "contact": contact}
    response = await client.post("/api/bookings", json=body)
    assert response.status == 201, await response.text()
    return await response.json()


async def test_erasure_deletes_only_that_persons_data(client, database_url):
    mine = await book(client, "0701234567", 0)
    await book(client, "0701234567", 1)
    other = await book(client, "0709876543", 2)
    interest = {"track_id": "vardbitrade_sfi", "first_name": "A", "contact": "0701234567"}
    assert (await client.post("/api/interests", json=interest)).status == 201
    sql(database_url, "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255),"
        " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
    sql(database_url, "INSERT INTO events (id, sender_id, type_name) VALUES (1, 'chat-me', 'user'), (2, 'chat-other', 'user')")

    wrong = await client.post("/api/erasure", json={"reference": mine["reference"], "contact": "0700000000"})
    assert wrong.status == 404 and (await wrong.json())["message"] == PHRASES["api_not_found"]

    response = await client.post(
        "/api/erasure", json={"reference": mine["reference"], "contact": "070-123 45 67", "conversation_id": "chat-me"}
    )
    assert response.status == 200
    assert await response.json() == {"bookings": 2, "interests": 1, "tickets": 0, "conversation": True}
    assert sql(database_url, "SELECT reference FROM bookings") == [(other["reference"],)]
    assert sql(database_url, "SELECT count(*) FROM interests") == [(0,)]
    for _ in range(50):
        if sql(database_url, "SELECT sender_id FROM events") == [("chat-other",)]:
            break
        await asyncio.sleep(0.1)
    assert sql(database_url, "SELECT sender_id FROM events") == [("chat-other",)]


async def test_conversation_only_without_a_code(client, database_url):
    response = await client.post("/api/erasure", json={"conversation_id": "chat-x"})
    assert await response.json() == {"bookings": 0, "interests": 0, "tickets": 0, "conversation": True}


async def test_a_ticket_code_proves_it_and_the_contacts_tickets_go_too(client, database_url):
    mine = (await (await client.post("/api/tickets", json={"question": "Fråga ett?", "contact": "amina@example.se"})).json())
    await client.post("/api/tickets", json={"question": "Fråga två?", "contact": "Amina@Example.se"})
    other = await (await client.post("/api/tickets", json={"question": "Annan?", "contact": "bo@example.se"})).json()
    anonymous = await (await client.post("/api/tickets", json={"question": "Utan kontakt?"})).json()
    await book(client, "amina@example.se", 0)

    wrong = await client.post("/api/erasure", json={"reference": mine["reference"], "contact": "bo@example.se"})
    assert wrong.status == 404
    no_contact = await client.post("/api/erasure", json={"reference": anonymous["reference"], "contact": ""})
    assert no_contact.status == 404

    response = await client.post("/api/erasure", json={"reference": mine["reference"], "contact": "AMINA@example.se"})
    assert response.status == 200
    assert await response.json() == {"bookings": 1, "interests": 0, "tickets": 2, "conversation": False}
    left = sorted(r[0] for r in sql(database_url, "SELECT reference FROM tickets"))
    assert left == sorted([other["reference"], anonymous["reference"]])
