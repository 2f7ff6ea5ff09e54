"""Shared pieces of the dashboard tests: two counsellors and an admin,
logging in, and booking through the API.

A dashboard test module makes `client` (tests/unit/conftest.py) with them:

    @pytest.fixture
    def staff():
        return STAFF
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from core.dates import format_short

PASSWORD = "rätt-häst-batteri-häftklammer"
# (username, counsellor id, is admin), each with PASSWORD.
STAFF = (("lina", "lina", False), ("omar", "omar", False), ("admin", None, True))


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


async def book(client, meeting_type="on_site", index=0, contact="0701234567", interpreter=None):
    slot = (await (await client.get("/api/slots", params={"meeting_type": meeting_type})).json())["slots"][index]
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": meeting_type,
            "first_name": "Amina", "contact": contact, "interpreter": interpreter}
    response = await client.post("/api/bookings", json=body)
    assert response.status == 201
    return {**slot, "reference": (await response.json())["reference"]}


def shown(slot) -> str:
    """How the dashboard shows a slot's time: "mån 7 dec kl. 09.00"."""
    return format_short(datetime.fromisoformat(slot["starts_at"]), ZoneInfo("Europe/Stockholm"))
