"""'Ta bort mina uppgifter' over the API, on SQLite and PostgreSQL.

A reference code erases only the record it belongs to; everything under a
contact needs a one-time code sent to that contact; a conversation is erased
only for the action server that holds it. The attack this stops: anyone who
knows a person's phone number makes a question with it, gets a code, and
erases that person's bookings.
"""

import asyncio
import json

import pytest
from sqlalchemy import create_engine, text

from actions.service_client import ACTIONS_TOKEN_HEADER, CONVERSATION_HEADER
from bot.app import create_app
from bot.db.engine import sync_url
from bot.keys import MAILER
from bot.settings import Settings
from core.content import load_content
from core.conversation import conversation_key
from tests.unit.ticket_helpers import SESSION_SECRET, session

PHRASES = load_content().phrases.phrases
VICTIM = "0701234567"
TOKEN = "test-actions-token"


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "sms-outbox.jsonl"


@pytest.fixture
async def client(aiohttp_client, database_url, outbox):
    # The tracker table lives in the same database here; in production it is Rasa's own.
    settings = Settings(database_url=database_url, tracker_url=database_url, erasure_delay_seconds=0.2,
                        sms_outbox=outbox, actions_token=TOKEN)
    return await aiohttp_client(create_app(settings))


def sql(url, query, **params):
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        result = conn.execute(text(query), params)
        rows = result.all() if result.returns_rows else None
    engine.dispose()
    return rows


async def book(client, contact, index, first_name="A"):
    slot = (await (await client.get("/api/slots", params={"meeting_type": "phone", "limit": 5})).json())["slots"][index]
    body = {**{k: slot[k] for k in ("counsellor_id", "starts_at")}, "meeting_type": "phone", "first_name": first_name,
            "contact": contact}
    response = await client.post("/api/bookings", json=body)
    assert response.status == 201, await response.text()
    return await response.json()


def sent_codes(outbox):
    return [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []


def as_chat(conversation, token=TOKEN):
    return {ACTIONS_TOKEN_HEADER: token, CONVERSATION_HEADER: conversation_key(conversation)}


async def test_a_code_from_a_record_made_with_someone_elses_number_erases_only_that_record(client, database_url):
    victims = [await book(client, VICTIM, 0), await book(client, VICTIM, 1)]
    interest = {"track_id": "vardbitrade_sfi", "first_name": "Amina", "contact": VICTIM}
    assert (await client.post("/api/interests", json=interest)).status == 201
    planted = await (await client.post("/api/tickets", json={"question": "Hej?", "contact": VICTIM})).json()

    response = await client.post("/api/erasure", json={"reference": planted["reference"], "contact": VICTIM})
    assert response.status == 200
    assert await response.json() == {"bookings": 0, "interests": 0, "tickets": 1, "conversation": False}
    left = sorted(r[0] for r in sql(database_url, "SELECT reference FROM bookings"))
    assert left == sorted(b["reference"] for b in victims)
    assert sql(database_url, "SELECT count(*) FROM interests") == [(1,)]


async def test_a_code_with_its_own_contact_erases_its_record_and_a_wrong_contact_nothing(client, database_url):
    mine = await book(client, VICTIM, 0)
    second = await book(client, VICTIM, 1)
    other = await book(client, "0709876543", 2)
    wrong = await client.post("/api/erasure", json={"reference": mine["reference"], "contact": "0700000000"})
    assert wrong.status == 404 and (await wrong.json())["message"] == PHRASES["api_not_found"]
    someone_elses = await client.post("/api/erasure", json={"reference": other["reference"], "contact": VICTIM})
    assert someone_elses.status == 404

    response = await client.post("/api/erasure", json={"reference": mine["reference"], "contact": "070-123 45 67"})
    assert await response.json() == {"bookings": 1, "interests": 0, "tickets": 0, "conversation": False}
    left = sorted(r[0] for r in sql(database_url, "SELECT reference FROM bookings"))
    assert left == sorted([second["reference"], other["reference"]])


async def test_everything_under_a_contact_needs_the_one_time_code_sent_there(client, database_url, outbox):
    await book(client, VICTIM, 0)
    await book(client, VICTIM, 1)
    other = await book(client, "0709876543", 2)
    assert (await client.post("/api/interests", json={"track_id": "vardbitrade_sfi", "first_name": "A",
                                                      "contact": VICTIM})).status == 201

    guessed = await client.post("/api/erasure", json={"contact": VICTIM, "proof": "123456"})
    assert guessed.status == 403 and (await guessed.json())["message"] == PHRASES["api_bad_proof"]

    asked = await client.post("/api/erasure/proof", json={"contact": "070-123 45 67"})
    assert asked.status == 202
    [message] = sent_codes(outbox)
    assert message["to"] == "+46701234567"
    code = next(word for word in message["text"].replace(".", " ").split() if word.isdigit() and len(word) == 6)
    assert sql(database_url, "SELECT count(*) FROM bookings") == [(3,)], "asking erases nothing"
    stored = sql(database_url, "SELECT contact_key, code_hash FROM contact_proofs")
    assert len(stored) == 1 and VICTIM[1:] not in str(stored) and code not in str(stored)

    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    assert (await client.post("/api/erasure", json={"contact": VICTIM, "proof": wrong})).status == 403
    other_contact = await client.post("/api/erasure", json={"contact": "0709876543", "proof": code})
    assert other_contact.status == 403, "a code proves only the contact it was sent to"
    response = await client.post("/api/erasure", json={"contact": VICTIM, "proof": code})
    assert response.status == 200
    assert await response.json() == {"bookings": 2, "interests": 1, "tickets": 0, "conversation": False}
    assert sql(database_url, "SELECT reference FROM bookings") == [(other["reference"],)]
    again = await client.post("/api/erasure", json={"contact": VICTIM, "proof": code})
    assert again.status == 403, "a code works once"


async def test_a_one_time_code_allows_five_tries(client, outbox):
    await client.post("/api/erasure/proof", json={"contact": VICTIM})
    code = "".join(ch for ch in sent_codes(outbox)[0]["text"].split("är ")[1][:6])
    for _ in range(5):
        assert (await client.post("/api/erasure", json={"contact": VICTIM, "proof": "000000"})).status == 403
    assert (await client.post("/api/erasure", json={"contact": VICTIM, "proof": code})).status == 403


async def test_one_time_codes_by_mail_and_limits(client, aiohttp_client, database_url, outbox):
    sent = []

    class Mailbox:
        async def send(self, to, subject, body):
            sent.append((to, subject, body))

    no_mail = await client.post("/api/erasure/proof", json={"contact": "amina@example.se"})
    assert no_mail.status == 503 and (await no_mail.json())["message"] == PHRASES["api_proof_unavailable"]
    app = create_app(Settings(database_url=database_url, sms_outbox=outbox))
    app[MAILER] = Mailbox()
    client = await aiohttp_client(app)
    assert (await client.post("/api/erasure/proof", json={"contact": "Amina@Example.se"})).status == 202
    assert sent[0][0] == "amina@example.se" and sent[0][1] == PHRASES["proof_subject"]
    for _ in range(3):
        assert (await client.post("/api/erasure/proof", json={"contact": VICTIM})).status == 202
    flooded = await client.post("/api/erasure/proof", json={"contact": VICTIM})
    assert flooded.status == 429, "a contact gets at most 3 codes in 15 minutes"
    assert len(sent_codes(outbox)) == 3
    bad = await client.post("/api/erasure/proof", json={"contact": "inte en kontakt"})
    assert bad.status == 400


async def test_a_conversation_is_erased_only_for_the_action_server_that_holds_it(client, database_url):
    sql(database_url, "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255),"
        " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
    sql(database_url, "INSERT INTO events (id, sender_id, type_name) VALUES (1, 'chat-mine-1', 'user'), (2, 'chat-other', 'user')")

    anonymous = await client.post("/api/erasure", json={"conversation_id": "chat-other"})
    assert anonymous.status == 403
    wrong_token = await client.post("/api/erasure", json={"conversation_id": "chat-other"},
                                    headers=as_chat("chat-other", token="guess"))
    assert wrong_token.status == 403
    another = await client.post("/api/erasure", json={"conversation_id": "chat-other"}, headers=as_chat("chat-mine-1"))
    assert another.status == 403, "the action server may erase only the conversation it speaks for"

    # A question handed over from the conversation, without a contact, is a copy of it: it goes too.
    made = await client.post("/api/tickets", json={"question": "Hej?", "conversation_id": "chat-mine-1",
                                                    "transcript": [{"from": "user", "text": "hej"}]},
                             headers=as_chat("chat-mine-1"))
    assert made.status == 201
    response = await client.post("/api/erasure", json={"conversation_id": "chat-mine-1"}, headers=as_chat("chat-mine-1"))
    assert await response.json() == {"bookings": 0, "interests": 0, "tickets": 1, "conversation": True}
    assert sql(database_url, "SELECT count(*) FROM tickets") == [(0,)]
    for _ in range(50):
        if sql(database_url, "SELECT sender_id FROM events") == [("chat-other",)]:
            break
        await asyncio.sleep(0.1)
    assert sql(database_url, "SELECT sender_id FROM events") == [("chat-other",)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_erased_rows_do_not_stay_in_the_sqlite_files(client, database_url):
    name = "Zenobiaqx"
    booking = await book(client, VICTIM, 0, first_name=name)
    response = await client.post("/api/erasure", json={"reference": booking["reference"], "contact": VICTIM})
    assert response.status == 200
    path = database_url.removeprefix("sqlite:///")
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as data:
                assert name.encode() not in data.read(), f"{suffix or 'database'} file still holds the name"
        except FileNotFoundError:
            pass


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_erasure_asked_for_just_before_the_service_stops_is_still_done(aiohttp_client, database_url, outbox):
    sql(database_url, "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255),"
        " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
    sql(database_url, "INSERT INTO events (id, sender_id, type_name) VALUES (1, 'chat-me', 'user')")
    settings = Settings(database_url=database_url, tracker_url=database_url, erasure_delay_seconds=0.5,
                        actions_token=TOKEN)
    client = await aiohttp_client(create_app(settings))
    response = await client.post("/api/erasure", json={"conversation_id": "chat-me"}, headers=as_chat("chat-me"))
    assert (await response.json())["conversation"] is True
    await client.close()  # the service stops before the delay has passed
    assert sql(database_url, "SELECT count(*) FROM events") == [(0,)]



async def test_guesses_at_the_same_moment_still_get_five_tries(client, outbox):
    await client.post("/api/erasure/proof", json={"contact": VICTIM})
    code = sent_codes(outbox)[0]["text"].split("är ")[1][:6]
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    answers = await asyncio.gather(*(client.post("/api/erasure", json={"contact": VICTIM, "proof": wrong})
                                     for _ in range(20)))
    assert {a.status for a in answers} == {403}
    assert (await client.post("/api/erasure", json={"contact": VICTIM, "proof": code})).status == 403
    twice = await asyncio.gather(*(client.post("/api/erasure/proof", json={"contact": "0709876543"}) for _ in range(2)))
    assert [a.status for a in twice] == [202, 202], "two requests for a code at once are no 500"


async def test_radera_samtalet_erases_the_chats_own_conversation_at_once(aiohttp_client, database_url):
    """Issue 21: the web chat's "Radera samtalet" sends the id Rasa's socket
    signed; only that id erases, and the conversation is gone when the answer comes."""
    mine, other = session("chat-mine-1"), session("chat-other")
    settings = Settings(database_url=database_url, tracker_url=database_url, erasure_delay_seconds=0.2,
                        actions_token=TOKEN, session_secret=SESSION_SECRET)
    client = await aiohttp_client(create_app(settings))
    sql(database_url, "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255),"
        " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
    sql(database_url, "INSERT INTO events (id, sender_id, type_name) VALUES (1, :mine, 'user'), (2, :other, 'user'),"
        " (3, :mine, 'bot')", mine=mine, other=other)
    booking = await book(client, VICTIM, 0)
    made = await client.post("/api/tickets", json={"question": "Hej?", "conversation_id": mine},
                             headers=as_chat(mine))
    assert made.status == 201

    for wrong in ("chat-mine-1", mine[:-1] + ("0" if mine[-1] != "0" else "1"), None, 42):
        refused = await client.post("/chat/erase", json={"conversation": wrong})
        assert refused.status == 403 and (await refused.json())["message"] == PHRASES["api_origin_refused"]
    assert sql(database_url, "SELECT count(*) FROM events") == [(3,)]

    response = await client.post("/chat/erase", json={"conversation": mine})
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    assert await response.json() == {"tickets": 1, "conversation": True}
    assert sql(database_url, "SELECT sender_id FROM events") == [(other,)], "gone before the answer"
    assert sql(database_url, "SELECT count(*) FROM tickets") == [(0,)]
    # A booking has its own code and stays: the chat says so before it asks.
    assert sql(database_url, "SELECT reference FROM bookings") == [(booking["reference"],)]
    # A turn that was running writes its events back: they are deleted again after the delay.
    sql(database_url, "INSERT INTO events (id, sender_id, type_name) VALUES (4, :mine, 'bot')", mine=mine)
    for _ in range(50):
        if sql(database_url, "SELECT sender_id FROM events") == [(other,)]:
            break
        await asyncio.sleep(0.1)
    assert sql(database_url, "SELECT sender_id FROM events") == [(other,)]
