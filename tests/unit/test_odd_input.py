"""Odd input the outside tester found gets a Swedish 400, never a 500."""

import pytest

from bot.app import create_app
from bot.settings import Settings
from core.content import load_content

PHRASES = load_content().phrases.phrases


@pytest.fixture
async def api(aiohttp_client, tmp_path):
    return await aiohttp_client(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}")))


@pytest.mark.parametrize("age", ["²", "١٢", "٣٠", "1e3", " 30", "-5", 30.5])
async def test_an_odd_age_is_a_400(api, age):
    body = {"track_id": "vardbitrade_sfi", "first_name": "Amina", "contact": "0701234567", "answers": {"age": age}}
    response = await api.post("/api/interests", json=body)
    assert response.status == 400 and (await response.json())["message"] == PHRASES["api_bad_request"]


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                                       "0001-01-01T00:00:00", "2026-13-01T10:00:00+01:00", "1999-12-31T10:00:00+01:00"])
async def test_a_booking_time_out_of_range_is_a_400(api, starts_at):
    body = {"counsellor_id": "lina", "starts_at": starts_at, "meeting_type": "phone", "first_name": "A",
            "contact": "0701234567"}
    response = await api.post("/api/bookings", json=body)
    assert response.status == 400 and (await response.json())["message"] == PHRASES["api_bad_time"]


@pytest.mark.parametrize("query", [{"after": "9999-12-31T23:59:59-14:00"}, {"after": "0001-01-01T00:00:00+14:00"},
                                   {"from": "9999-12-31"}, {"from": "0001-01-01"}, {"after": "2026-12-07T10:00:00"}])
async def test_free_times_out_of_range_are_a_400(api, query):
    response = await api.get("/api/slots", params=query)
    assert response.status == 400 and (await response.json())["message"] == PHRASES["api_bad_request"]


async def test_links_come_from_the_public_url_never_from_the_host_header(aiohttp_client, tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}", public_url="https://chat.kommun.example")
    api = await aiohttp_client(create_app(settings))
    slot = (await (await api.get("/api/slots", params={"meeting_type": "phone"})).json())["slots"][0]
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "phone",
            "first_name": "Amina", "contact": "0701234567"}
    booked = await (await api.post("/api/bookings", json=body, headers={"Host": "evil.example"})).json()
    assert booked["calendar_url"].startswith("https://chat.kommun.example/api/bookings/")
    assert "evil.example" not in str(booked)


def test_production_settings_without_a_public_url_or_secrets_are_refused(tmp_path):
    with pytest.raises(ValueError, match="VARDVAGEN_PUBLIC_URL"):
        create_app(Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", secure_cookies=True))
    with pytest.raises(ValueError, match="VARDVAGEN_ACTIONS_TOKEN"):
        create_app(Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", secure_cookies=True,
                            public_url="https://chat.kommun.example"))


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_block_in_year_one_or_9999_is_refused_in_swedish(day):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from bot.booking.blocks import BlockInputError, parse_block

    form = {"start_date": day, "start_time": "00:00", "end_time": "23:59"}
    with pytest.raises(BlockInputError, match="Välj ett datum"):
        parse_block(form, ZoneInfo("Pacific/Kiritimati"), datetime.now(timezone.utc))
