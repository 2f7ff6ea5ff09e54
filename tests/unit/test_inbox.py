"""The counsellors' inbox over real HTTP on SQLite and PostgreSQL: login and
CSRF, take / answer / close and who may do it, escaping, and the answer
e-mail and the notice of a new question through a real local SMTP server
(aiosmtpd)."""

import asyncio
import logging
import re

import pytest

from bot.app import create_app
from bot.keys import ACCOUNTS, MAILER
from bot.settings import Settings
from tests.unit.dashboard_helpers import PASSWORD, STAFF, csrf_of, login
from tests.ports import free_port
from tests.unit.ticket_helpers import ask, session

FORMS = ["take", "answer", "close", "email"]


@pytest.fixture
def staff():
    return STAFF


def service_log(caplog) -> str:
    """What the service logged (the test's own SMTP server, mail.log, logs addresses)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")


async def logout(client, html):
    await client.post("/dashboard/logout", data={"csrf_token": csrf_of(html)})


async def ticket_page(client, reference):
    response = await client.get(f"/dashboard/inbox/{reference}")
    assert response.status == 200
    return await response.text()


async def act(client, reference, action, **data):
    html = await ticket_page(client, reference)
    return await client.post(f"/dashboard/inbox/{reference}/{action}", data={"csrf_token": csrf_of(html), **data})


async def mail_client(aiohttp_client, database_url, port):
    settings = Settings(database_url=database_url, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                        smtp_from="vardvagen@exempelkommun.example")
    app = create_app(settings)
    client = await aiohttp_client(app)
    await app[ACCOUNTS].add_user("lina", PASSWORD, "lina")
    return client


async def test_inbox_pages_require_login(client):
    made = await ask(client)
    for path in ("/dashboard/inbox", f"/dashboard/inbox/{made['reference']}"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"] == "/dashboard/login"


@pytest.mark.parametrize("action", FORMS)
async def test_every_inbox_form_requires_login_and_its_csrf_token(client, action):
    made = await ask(client)
    path = f"/dashboard/inbox/{made['reference']}/{action}"
    assert (await client.post(path, data={"csrf_token": "x"}, allow_redirects=False)).status == 302
    await login(client)
    assert (await client.post(path, data={"csrf_token": "forged", "answer": "Ja"})).status == 403
    assert (await client.post(path, data={"answer": "Ja"})).status == 403
    status = await (await client.get(f"/api/tickets/{made['reference']}")).json()
    assert status["status"] == "open" and status["answer"] is None


async def test_list_shows_open_and_taken_first_and_hides_closed(client):
    first = await ask(client, "Första frågan")
    second = await ask(client, "Andra frågan")
    third = await ask(client, "Tredje frågan")
    await login(client)
    await act(client, first["reference"], "answer", answer="Svar ett.")
    await act(client, second["reference"], "take")
    closed = await ask(client, "Stängd fråga")
    await act(client, closed["reference"], "close")
    page = await (await client.get("/dashboard/inbox")).text()
    order = [m for m in re.findall(r'/dashboard/inbox/([A-Z0-9]{8})"', page)]
    # Open and taken first, then answered; newest first in each, so old questions never hide a new one.
    assert order == [third["reference"], second["reference"], first["reference"]]
    assert "Tagen" in page and "Besvarad" in page and "Ny" in page and ">lina<" in page
    everything = await (await client.get("/dashboard/inbox?all=1")).text()
    assert closed["reference"] in everything and "Stängd" in everything


async def test_take_answer_close_and_the_answer_reaches_the_chat(client):
    made = await ask(client, "Kan jag jobba natt?", conversation_id=session("chat-lina-test1"),
                     summary={"track": "vardbitrade_sfi", "sfi_level": "sfi_c", "age": "34"},
                     transcript=[{"from": "user", "text": "hej"}, {"from": "bot", "text": "Hej! Vad vill du veta?"}])
    await login(client)
    page = await ticket_page(client, made["reference"])
    assert "Kan jag jobba natt?" in page and "Vårdbiträde med SFI" in page and "Ålder: 34 år" in page
    assert "sfi_c" not in page  # the level's label, not its id
    assert "<strong>Personen:</strong> hej" in page and "Jag tar den" in page
    taken = await act(client, made["reference"], "take")
    assert taken.status == 200 and "Du har tagit frågan." in await taken.text()
    again = await act(client, made["reference"], "take")
    assert again.status == 409
    empty = await act(client, made["reference"], "answer", answer="   ")
    assert empty.status == 400
    long = await act(client, made["reference"], "answer", answer="x" * 4001)
    assert long.status == 400
    answered = await act(client, made["reference"], "answer", answer="Ja. Många jobbar natt.")
    text = await answered.text()
    assert answered.status == 200 and "Svaret är sparat." in text and "Många jobbar natt." in text
    assert "Personen gav ingen kontakt." in text
    answers = await (await client.get("/chat/answers", params={"conversation": session("chat-lina-test1")})).json()
    assert answers["answers"][0]["answer"] == "Ja. Många jobbar natt."
    closed = await act(client, made["reference"], "close")
    assert closed.status == 200 and "Frågan är stängd." in await closed.text()
    assert "Jag tar den" not in await ticket_page(client, made["reference"])


async def test_only_the_taker_or_an_admin_may_see_answer_or_close_a_taken_ticket(client):
    made = await ask(client)
    reference = made["reference"]
    await login(client, "lina")
    html = await ticket_page(client, reference)
    await act(client, reference, "take")
    await logout(client, html)

    await login(client, "omar")
    hidden = await client.get(f"/dashboard/inbox/{reference}")
    assert hidden.status == 403 and "Inte din fråga" in await hidden.text()
    omar_page = await (await client.get("/dashboard/inbox?show=all")).text()
    assert reference not in omar_page  # another counsellor's question is not even listed
    for action in ("answer", "close", "take", "spam"):
        denied = await client.post(f"/dashboard/inbox/{reference}/{action}",
                                   data={"csrf_token": csrf_of(omar_page), "answer": "Mitt svar"})
        assert denied.status == 403 and "Inte din fråga" in await denied.text()
    assert (await (await client.get(f"/api/tickets/{reference}")).json())["status"] == "taken"
    await logout(client, omar_page)

    await login(client, "admin")
    done = await act(client, reference, "answer", answer="Svar från admin.")
    assert done.status == 200
    shown = await (await client.get(f"/api/tickets/{reference}")).json()
    assert shown["status"] == "answered" and shown["answer"] == "Svar från admin."
    assert ">lina<" in await (await client.get("/dashboard/inbox")).text()  # still Lina's


async def test_everything_from_the_chat_is_shown_as_text(client):
    made = await ask(client, "<script>alert('fråga')</script>",
                     transcript=[{"from": "user", "text": "<script>alert(1)</script>"},
                                 {"from": "bot", "text": "<img src=x onerror=alert(2)>"}])
    await login(client)
    page = await ticket_page(client, made["reference"])
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    listing = await (await client.get("/dashboard/inbox")).text()
    assert "<script>" not in listing and "&lt;script&gt;" in listing


async def test_unknown_ticket_page_is_404(client):
    await login(client)
    assert (await client.get("/dashboard/inbox/ABCDEFGH")).status == 404


async def test_without_smtp_nothing_is_sent_and_the_page_says_so(client):
    made = await ask(client, contact="amina@example.se")
    assert made["email"] is False
    await login(client)
    response = await act(client, made["reference"], "answer", answer="Ja, det går bra.")
    text = await response.text()
    assert response.status == 200 and "Det skickades inte med e-post, för e-post är inte inställd." in text
    assert "Skicka e-posten igen" not in text


async def test_the_answer_is_emailed_in_plain_swedish(aiohttp_client, database_url, smtp_server, caplog):
    port, inbox = smtp_server
    client = await mail_client(aiohttp_client, database_url, port)
    made = await ask(client, "Kan jag jobba natt?", contact="Amina@Example.se")
    assert made["email"] is True
    await login(client)
    with caplog.at_level(logging.INFO):
        response = await act(client, made["reference"], "answer", answer="Ja. Många undersköterskor jobbar natt.")
    text = await response.text()
    assert response.status == 200 and "Svaret är sparat och skickat med e-post." in text
    assert "Svaret skickades med e-post" in text
    assert len(inbox.messages) == 1 and inbox.recipients == [["amina@example.se"]]
    message = inbox.messages[0]
    assert message["To"] == "amina@example.se" and message["From"] == "vardvagen@exempelkommun.example"
    assert message["Subject"] == f"Svar på din fråga. Kod: {made['reference']}"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "Ja. Många undersköterskor jobbar natt." in body and "Kan jag jobba natt?" in body
    assert f"Din kod är {made['reference']}." in body and "chatten" in body
    assert "amina@example.se" not in service_log(caplog) and "Många undersköterskor" not in service_log(caplog)


async def test_a_mail_failure_keeps_the_answer_and_says_so(aiohttp_client, database_url, smtp_server, caplog):
    port, inbox = smtp_server
    client = await mail_client(aiohttp_client, database_url, free_port())  # nobody listens there
    made = await ask(client, contact="amina@example.se")
    await login(client)
    with caplog.at_level(logging.INFO):
        response = await act(client, made["reference"], "answer", answer="Svaret som inte får försvinna.")
    text = await response.text()
    assert response.status == 200 and "Men e-posten kunde inte skickas." in text
    assert "Skicka e-posten igen" in text
    stored = await (await client.get(f"/api/tickets/{made['reference']}")).json()
    assert stored["status"] == "answered" and stored["answer"] == "Svaret som inte får försvinna."
    assert "Answer e-mail for a ticket failed" in service_log(caplog)
    failure = [line for line in service_log(caplog).splitlines() if "Answer e-mail" in line]
    assert failure and made["reference"] not in failure[0], "a ticket's code is never logged"
    assert "amina@example.se" not in service_log(caplog) and "inte får försvinna" not in service_log(caplog)

    # The server is back (here: the test's server): sending again works.
    client.app[MAILER].port = port
    again = await act(client, made["reference"], "email")
    assert "Svaret är sparat och skickat med e-post." in await again.text()
    assert len(inbox.messages) == 1 and "Svaret som inte får försvinna." in inbox.messages[0].get_content()


async def notice_client(aiohttp_client, database_url, port, **settings):
    app = create_app(Settings(database_url=database_url, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                              smtp_from="vardvagen@exempelkommun.example", **settings))
    return app, await aiohttp_client(app)


async def wait_for_notices(app):
    from bot.tickets.notify import PENDING

    for _ in range(200):
        if not app[PENDING]:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the notice was not sent within 5 s")


async def test_counsellors_get_a_notice_of_a_new_question_without_personal_data(
        aiohttp_client, database_url, smtp_server, caplog):
    port, inbox = smtp_server
    app, client = await notice_client(aiohttp_client, database_url, port,
                                      notify_emails=("syv-team@exempelkommun.example", "coach@exempelkommun.example"),
                                      public_url="https://vardvagen.exempelkommun.example")
    with caplog.at_level(logging.INFO):
        made = await ask(client, "Kan jag jobba natt om jag har barn?", contact="amina@example.se")
        await wait_for_notices(app)
    assert inbox.recipients == [["syv-team@exempelkommun.example"], ["coach@exempelkommun.example"]]
    message = inbox.messages[0]
    assert message["Subject"] == f"Ny fråga i inkorgen. Kod: {made['reference']}"
    body = message.get_content()
    assert f"https://vardvagen.exempelkommun.example/dashboard/inbox/{made['reference']}" in body
    assert "jobba natt" not in body and "amina" not in body.lower()
    assert "amina@example.se" not in service_log(caplog)

    # The same question sent again (the same idempotency key) is no new question.
    again = await client.post("/api/tickets", json={"question": "Igen?"}, headers={"Idempotency-Key": "k-1"})
    repeat = await client.post("/api/tickets", json={"question": "Igen?"}, headers={"Idempotency-Key": "k-1"})
    assert (again.status, repeat.status) == (201, 200)
    await wait_for_notices(app)
    assert len(inbox.messages) == 4


async def test_a_broken_mail_server_neither_delays_nor_loses_a_question(aiohttp_client, database_url, caplog):
    app, client = await notice_client(aiohttp_client, database_url, free_port(),  # nobody listens there
                                      notify_emails=("syv-team@exempelkommun.example",))
    with caplog.at_level(logging.WARNING):
        made = await ask(client, "Vad tjänar en skötare?")
        await wait_for_notices(app)
    response = await client.get(f"/api/tickets/{made['reference']}")
    assert response.status == 200 and (await response.json())["question"] == "Vad tjänar en skötare?"
    assert "Notice of a new ticket could not be sent" in service_log(caplog)
    failure = [line for line in service_log(caplog).splitlines() if "could not be sent" in line]
    assert failure and made["reference"] not in failure[0] and "syv-team" not in failure[0]


async def test_without_notice_addresses_nothing_is_sent(aiohttp_client, database_url, smtp_server):
    port, inbox = smtp_server
    app, client = await notice_client(aiohttp_client, database_url, port)
    await ask(client, "Hur långt är jobbspåret?")
    await wait_for_notices(app)
    assert inbox.messages == []
