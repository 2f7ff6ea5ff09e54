"""The service's access log names routes, never contacts, codes, tokens or conversation ids."""

import logging

from aiohttp.log import access_logger

from bot.access_log import UNMATCHED, RedactingAccessLogger
from bot.app import create_app
from bot.settings import Settings

PHONE = "+46701234567"
TOKEN = "s3cretCalendarToken123"
CONVERSATION = "web-8f1c2d3e4b5a69788796a5b4c3d2e1f0"
CODE = "KX7PQ3TA"


async def test_access_log_keeps_route_patterns_only(aiohttp_server, aiohttp_client, tmp_path, caplog):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}"))
    server = await aiohttp_server(app, access_log_class=RedactingAccessLogger, access_log=access_logger)
    client = await aiohttp_client(server)
    caplog.set_level(logging.INFO, logger=access_logger.name)
    await client.post(f"/api/bookings/{CODE}/lookup", json={"contact": PHONE})
    await client.delete(f"/api/bookings/{CODE}", json={"contact": PHONE})
    await client.get(f"/api/bookings/{CODE}/calendar.ics", params={"token": TOKEN})
    await client.get("/chat/answers", params={"conversation": CONVERSATION})
    await client.get(f"/no/such/{CONVERSATION}/{TOKEN}")
    lines = [r.getMessage() for r in caplog.records if r.name == access_logger.name]
    assert len(lines) == 5, lines
    text = "\n".join(lines)
    for secret in (PHONE, "%2B4670", "701234567", TOKEN, CONVERSATION, CODE):
        assert secret not in text
    assert "POST /api/bookings/{reference}/lookup 404" in text
    assert "DELETE /api/bookings/{reference}" in text
    assert "GET /api/bookings/{reference}/calendar.ics" in text
    assert "GET /chat/answers" in text
    assert f"GET {UNMATCHED} 404" in text
    assert "127.0.0.1" not in text, "no client address either"
