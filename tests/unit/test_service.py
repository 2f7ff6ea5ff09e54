"""The bot web service over real HTTP (aiohttp test server)."""


import pytest

from actions.service_client import ServiceClient, ServiceUnavailable
from core.content import load_content
from bot.settings import Settings
from tests.ports import closed_port


@pytest.fixture
def settings(tmp_path):
    # Rasa is deliberately not running at this address.
    return Settings(
        rasa_url=f"http://127.0.0.1:{closed_port()}",
        rasa_timeout_seconds=2,
        database_url=f"sqlite:///{tmp_path / 'service.db'}",
    )


async def test_health(client):
    response = await client.get("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "municipality": "Exempelkommun"}


async def test_chat_page_is_served(client):
    response = await client.get("/chat")
    assert response.status == 200
    assert 'lang="sv"' in await response.text()
    script = await client.get("/static/chat.js")
    assert script.status == 200 and "textContent" in await script.text()


@pytest.mark.parametrize(
    "body, key",
    [
        ({"sender": "web-12345678", "message": "   "}, "input_empty"),
        ({"sender": "web-12345678", "message": ""}, "input_empty"),
        ({"sender": "web-12345678", "message": "a" * 1001}, "input_too_long"),
        ({"sender": "<script>", "message": "hej"}, "input_invalid"),
        ({"message": "hej"}, "input_invalid"),
        (["hej"], "input_invalid"),
    ],
)
async def test_bad_chat_input_gets_a_swedish_answer(client, body, key):
    response = await client.post("/chat/message", json=body)
    assert response.status == 400
    expected = load_content().phrases.phrases[key].format(max=1000)
    assert (await response.json())["error"] == expected


async def test_malformed_json_gets_a_swedish_answer(client):
    response = await client.post("/chat/message", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"] == load_content().phrases.phrases["input_invalid"]


async def test_rasa_down_gives_the_municipality_phone(client):
    response = await client.post("/chat/message", json={"sender": "web-12345678", "message": "hej"})
    assert response.status == 503
    content = load_content()
    assert content.municipality.phone in (await response.json())["error"]


async def test_action_client_reaches_the_service(client):
    service = ServiceClient(base_url=str(client.make_url("")))
    try:
        assert (await service.health())["status"] == "ok"
    finally:
        await service.close()


async def test_action_client_reports_a_service_that_is_down():
    service = ServiceClient(base_url=f"http://127.0.0.1:{closed_port()}")
    try:
        with pytest.raises(ServiceUnavailable):
            await service.health()
    finally:
        await service.close()
