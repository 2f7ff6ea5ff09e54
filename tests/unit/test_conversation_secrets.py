"""A conversation id is no password (issue 17, item 6): knowing it, or the key
a chat sent, gives nobody that person's booking, questions or erasure."""

import pytest

from bot.settings import Settings
from tests.unit.ticket_helpers import ACTIONS_TOKEN, as_action_server


@pytest.fixture
def settings(database_url):
    return Settings(database_url=database_url, actions_token=ACTIONS_TOKEN)


async def first_slot(client):
    return (await (await client.get("/api/slots", params={"meeting_type": "phone"})).json())["slots"][0]


async def test_an_idempotency_key_from_another_chat_returns_nothing_of_theirs(client):
    slot = await first_slot(client)
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "phone",
            "first_name": "Amina", "contact": "0701234567"}
    key = "web-victim:slot-1"
    made = await client.post("/api/bookings", json=body, headers={"Idempotency-Key": key, **as_action_server("web-victim")})
    assert made.status == 201
    mine = await made.json()

    retried = await client.post("/api/bookings", json=body, headers={"Idempotency-Key": key, **as_action_server("web-victim")})
    assert retried.status == 200 and (await retried.json())["reference"] == mine["reference"], "the chat's own retry"

    attacker = {**body, "contact": "0709999999"}
    stolen = await client.post("/api/bookings", json=attacker, headers={"Idempotency-Key": key})
    assert stolen.status == 409, "the time is taken; the victim's booking is not handed out"
    text = await stolen.text()
    assert mine["reference"] not in text and mine["calendar_url"].split("token=")[1] not in text
    other_chat = await client.post("/api/bookings", json=attacker,
                                   headers={"Idempotency-Key": key, **as_action_server("web-attacker")})
    assert other_chat.status == 409 and mine["reference"] not in await other_chat.text()


async def test_only_the_chat_holding_a_conversation_hands_a_question_over_from_it(client):
    anonymous = await client.post("/api/tickets", json={"question": "Hej?", "conversation_id": "web-victim-123"})
    assert anonymous.status == 403
    wrong_chat = await client.post("/api/tickets", json={"question": "Hej?", "conversation_id": "web-victim-123"},
                                   headers=as_action_server("web-attacker-1"))
    assert wrong_chat.status == 403
    own = await client.post("/api/tickets", json={"question": "Hej?", "conversation_id": "web-victim-123"},
                            headers=as_action_server("web-victim-123"))
    assert own.status == 201
