"""Handing a question to a counsellor over the API, on SQLite and PostgreSQL:
tickets are made once per idempotency key, personnummer and control
characters never reach the database, and answers are read by code or in the
same chat conversation."""

import json

import pytest
from sqlalchemy import create_engine, text

from core.content import load_content
from bot.keys import ACCOUNTS, TICKETS
from bot.db.engine import sync_url
from tests.unit.test_privacy import PNR
from tests.unit.ticket_helpers import ask, session

CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases


def rows(url, query):
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        found = conn.execute(text(query)).all()
    engine.dispose()
    return found


async def test_a_question_is_handed_over_and_read_back_with_the_code_alone(client):
    made = await ask(client, "Hur mycket tjänar en undersköterska?", contact="070-123 45 67")
    assert made["status"] == "open" and made["email"] is False  # a phone number: nothing to e-mail
    assert len(made["reference"]) == 8 and not set("01OI") & set(made["reference"])
    response = await client.get(f"/api/tickets/{made['reference'].lower()}")
    assert response.status == 200
    assert await response.json() == {
        "reference": made["reference"], "status": "open", "question": "Hur mycket tjänar en undersköterska?",
        "answer": None, "answered_at": None, "answered_by": None,
    }


async def test_without_smtp_an_email_contact_gets_no_email_promise(client):
    made = await ask(client, contact="Amina@Example.se")
    assert made["email"] is False


@pytest.mark.parametrize("path", ["/api/tickets/ABCDEFGH", "/api/tickets/nope", "/api/tickets/ABCDEFGH2"])
async def test_unknown_or_malformed_code_is_404_in_swedish(client, path):
    response = await client.get(path)
    assert response.status == 404
    assert (await response.json())["message"] == PHRASES["api_ticket_not_found"]


async def test_a_retry_with_the_same_key_returns_the_first_ticket(client, database_url):
    headers = {"Idempotency-Key": "ticket-retry-1"}
    first = await client.post("/api/tickets", json={"question": "Får jag hjälp?"}, headers=headers)
    second = await client.post("/api/tickets", json={"question": "Får jag hjälp?"}, headers=headers)
    assert (first.status, second.status) == (201, 200)
    assert (await first.json())["reference"] == (await second.json())["reference"]
    assert rows(database_url, "SELECT count(*) FROM tickets") == [(1,)]


async def test_personnummer_and_control_characters_never_reach_the_database(client, database_url):
    dashed = f"{PNR[:6]}-{PNR[6:]}"
    made = await ask(
        client,
        f"Mitt nummer är {dashed}.\x00\x1b[31m Kan jag börja?",
        transcript=[
            {"from": "user", "text": f"jag heter Amina 19{PNR}"},
            {"from": "bot", "text": "Skriv inte ditt personnummer här.\u202e"},
            {"from": "user", "text": "   "},  # nothing left: dropped
        ],
    )
    stored = rows(database_url, "SELECT question, transcript FROM tickets")
    question, transcript = stored[0]
    assert PNR not in question and PNR[:6] not in question and "[borttaget]" in question
    assert "\x00" not in question and "\x1b" not in question and question.endswith("Kan jag börja?")
    turns = json.loads(transcript)
    assert turns == [
        {"from": "user", "text": "jag heter Amina [borttaget]"},
        {"from": "bot", "text": "Skriv inte ditt personnummer här."},
    ]
    shown = await (await client.get(f"/api/tickets/{made['reference']}")).json()
    assert PNR not in shown["question"]


async def test_summary_keeps_only_known_keys_and_values_and_transcript_is_cut(client, database_url):
    await ask(
        client,
        summary={"track": "vardbitrade_sfi", "sfi_level": "sfi_c", "age": "34", "profession": "underskoterska",
                 "education": "<script>", "experience": None, "name": "Amina", "track_x": 3},
        transcript=[{"from": "user", "text": f"fråga {i} " + "x" * 1500} for i in range(45)],
    )
    summary, transcript = rows(database_url, "SELECT summary, transcript FROM tickets")[0]
    kept = json.loads(summary)
    assert kept == {"track": "vardbitrade_sfi", "sfi_level": "sfi_c", "age": "34", "profession": "underskoterska"}
    turns = json.loads(transcript)
    assert len(turns) == 40 and turns[0]["text"].startswith("fråga 5 ")  # the last 40 turns
    assert {len(t["text"]) for t in turns} == {1000}


@pytest.mark.parametrize(
    "body, status, key",
    [
        ({"question": "Hej?", "contact": "12345"}, 400, "api_bad_contact"),
        ({"question": "Hej?", "contact": f"{PNR[:6]}-{PNR[6:]}"}, 400, "api_bad_contact"),
        ({"question": "Hej?", "contact": "amina@"}, 400, "api_bad_contact"),
        ({"question": ""}, 400, "api_bad_question"),
        ({"question": "\x00\x01"}, 400, "api_bad_question"),
        ({"question": "x" * 2001}, 400, "api_bad_question"),
        ({"question": 42}, 400, "api_bad_question"),
        ({"question": "Hej?", "conversation_id": "kort"}, 400, "api_bad_request"),
        ({"question": "Hej?", "conversation_id": "<script>alert(1)</script>"}, 400, "api_bad_request"),
        ({"question": "Hej?", "transcript": [{"from": "admin", "text": "x"}]}, 400, "api_bad_request"),
        ({"question": "Hej?", "transcript": "allt"}, 400, "api_bad_request"),
    ],
)
async def test_bad_input_is_refused_in_swedish(client, database_url, body, status, key):
    response = await client.post("/api/tickets", json=body)
    assert response.status == status
    assert (await response.json())["message"] == PHRASES[key]
    assert rows(database_url, "SELECT count(*) FROM tickets") == [(0,)]


async def test_a_question_without_contact_is_fine(client):
    made = await ask(client, contact=None, conversation_id="chat-abc-12345")
    assert made["status"] == "open" and made["email"] is False


async def test_chat_answers_are_only_that_conversations_answered_tickets(client):
    store = client.app[TICKETS]
    await client.app[ACCOUNTS].add_user("lina", "ett långt lösenord 42", "lina")
    mine = await ask(client, "Fråga ett", conversation_id=session("chat-mine-1234"))
    await ask(client, "Fråga två", conversation_id=session("chat-mine-1234"))  # not answered yet
    other = await ask(client, "Annan fråga", conversation_id=session("chat-other-123"))
    for reference, answer in [(mine["reference"], "Ja, det går."), (other["reference"], "Nej.")]:
        ticket = await store.by_reference(reference)
        assert await store.answer(ticket, "lina", answer)

    response = await client.get("/chat/answers", params={"conversation": session("chat-mine-1234")})
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    # Issue 21: the answer names who gave it, by first name and title.
    lina = next(c for c in CONTENT.booking.counsellors if c.id == "lina")
    signed = PHRASES["answer_from"].format(name=lina.name.split()[0], title=lina.title)
    assert signed == "Svar från Lina, studie- och yrkesvägledare"
    assert await response.json() == {
        "answers": [{"reference": mine["reference"], "question": "Fråga ett", "answer": "Ja, det går.",
                     "answered_by": signed}]
    }
    nobody = await client.get("/chat/answers", params={"conversation": session("chat-nobody-12")})
    assert await nobody.json() == {"answers": []}
    read = await (await client.get(f"/api/tickets/{mine['reference']}")).json()
    assert read["status"] == "answered" and read["answer"] == "Ja, det går." and read["answered_at"]
    assert read["answered_by"] == signed


async def test_an_answer_from_an_admin_or_a_removed_account_is_from_a_counsellor(client):
    await client.app[ACCOUNTS].add_user("chefen", "ett långt lösenord 42", None, is_admin=True)
    for taker in ("chefen", "borta"):
        made = await ask(client, f"Fråga till {taker}", conversation_id=session("chat-mine-1234"))
        ticket = await client.app[TICKETS].by_reference(made["reference"])
        assert await client.app[TICKETS].answer(ticket, taker, "Ja.")
        read = await (await client.get(f"/api/tickets/{made['reference']}")).json()
        assert read["answered_by"] == PHRASES["answer_from_anyone"]
    unanswered = await ask(client, "Fråga två", conversation_id=session("chat-mine-1234"))
    assert (await (await client.get(f"/api/tickets/{unanswered['reference']}")).json())["answered_by"] is None


@pytest.mark.parametrize("query", [{}, {"conversation": "kort"}, {"conversation": "a b c d e f g h"}])
async def test_chat_answers_needs_a_well_formed_conversation_id(client, query):
    response = await client.get("/chat/answers", params=query)
    assert response.status == 400
    assert (await response.json())["message"] == PHRASES["api_bad_request"]


@pytest.mark.parametrize("conversation", ["web-0123456789abcdef", "chat-mine-1234",
                                          session("chat-mine-1234")[:-1] + "0", session("x").upper()])
async def test_chat_answers_only_for_a_session_id_the_server_signed(client, conversation):
    made = await ask(client, "Fråga ett", conversation_id=session("chat-mine-1234"))
    ticket = await client.app[TICKETS].by_reference(made["reference"])
    assert await client.app[TICKETS].answer(ticket, "lina", "Ja.")
    response = await client.get("/chat/answers", params={"conversation": conversation})
    assert response.status in (400, 403) and "Ja." not in await response.text()
