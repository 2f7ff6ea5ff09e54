"""Floods cannot bury real work: creations are limited per client, the inbox
shows the newest first a page at a time, and a counsellor removes spam."""

import pytest

from bot.settings import Settings
from core.content import load_content
from tests.unit.dashboard_helpers import STAFF, csrf_of, login

PHRASES = load_content().phrases.phrases


@pytest.fixture
def staff():
    return STAFF


@pytest.fixture
def settings(database_url):
    return Settings(database_url=database_url)


async def test_a_client_makes_at_most_ten_questions_in_ten_minutes(client):
    for number in range(10):
        response = await client.post("/api/tickets", json={"question": f"Fråga {number}?"})
        assert response.status == 201
    flooded = await client.post("/api/tickets", json={"question": "En till?"})
    assert flooded.status == 429 and (await flooded.json())["message"] == PHRASES["too_many_requests"]
    interests = [await client.post("/api/interests", json={"track_id": "vardbitrade_sfi", "first_name": "A",
                                                           "contact": "0701234567"}) for _ in range(11)]
    assert [r.status for r in interests] == [201] * 10 + [429], "each kind has its own limit"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_inbox_shows_the_newest_first_a_page_at_a_time(client, monkeypatch):
    from bot.tickets import store as ticket_store

    monkeypatch.setattr(ticket_store, "INBOX_PAGE", 3)
    monkeypatch.setattr("bot.tickets.inbox.INBOX_PAGE", 3)
    made = []
    for number in range(7):
        made.append((await (await client.post("/api/tickets", json={"question": f"Skräp nummer {number}"})).json())["reference"])
    assert (await login(client)).status == 302
    first = await (await client.get("/dashboard/inbox")).text()
    assert made[6] in first and made[4] in first and made[3] not in first, "newest first"
    assert "Sida 1 av 3" in first and 'href="/dashboard/inbox?page=2"' in first
    last = await (await client.get("/dashboard/inbox?page=3")).text()
    assert made[0] in last and made[6] not in last
    odd = await client.get("/dashboard/inbox?page=abc")
    assert odd.status == 200


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_counsellor_removes_a_question_as_spam(client):
    spam = (await (await client.post("/api/tickets", json={"question": "Köp billiga klockor"})).json())["reference"]
    real = (await (await client.post("/api/tickets", json={"question": "Kan jag jobba natt?"})).json())["reference"]
    await login(client)
    page = await (await client.get(f"/dashboard/inbox/{spam}")).text()
    assert f"/dashboard/inbox/{spam}/spam" in page
    no_csrf = await client.post(f"/dashboard/inbox/{spam}/spam", data={}, allow_redirects=False)
    assert no_csrf.status in (400, 403)
    removed = await client.post(f"/dashboard/inbox/{spam}/spam", data={"csrf_token": csrf_of(page)},
                                allow_redirects=False)
    assert removed.status == 303
    inbox = await (await client.get("/dashboard/inbox")).text()
    assert spam not in inbox and real in inbox
    assert (await client.get(f"/api/tickets/{spam}")).status == 404
