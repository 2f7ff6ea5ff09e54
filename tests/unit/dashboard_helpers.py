"""Shared pieces of the dashboard tests: a service with two counsellors and
an admin, logging in, and booking through the API."""

import re

import pytest

from bot.app import create_app
from bot.keys import ACCOUNTS
from bot.settings import Settings

PASSWORD = "rätt-häst-batteri-häftklammer"


@pytest.fixture
async def client(aiohttp_client, database_url):
    app = create_app(Settings(database_url=database_url))
    client = await aiohttp_client(app)
    await app[ACCOUNTS].add_user("lina", PASSWORD, "lina")
    await app[ACCOUNTS].add_user("omar", PASSWORD, "omar")
    await app[ACCOUNTS].add_user("admin", PASSWORD, None, is_admin=True)
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def login(client, username="lina", password=PASSWORD):
    form = await client.get("/dashboard/login")
    token = csrf_of(await form.text())
    return await client.post(
        "/dashboard/login",
        data={"username": username, "password": password, "csrf_token": token},
        allow_redirects=False,
    )


async def book(client, meeting_type="on_site", index=0, contact="0701234567"):
    slot = (await (await client.get("/api/slots", params={"meeting_type": meeting_type})).json())["slots"][index]
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": meeting_type,
            "first_name": "Amina", "contact": contact}
    response = await client.post("/api/bookings", json=body)
    assert response.status == 201
    return {**slot, "reference": (await response.json())["reference"]}
