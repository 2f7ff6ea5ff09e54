"""Follow-up links over real HTTP on SQLite and PostgreSQL: made in the
dashboard (login, CSRF), printed with a QR code, read by the chat until they
expire."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from core.content import load_content
from core.content.model import Followup
from bot.keys import FOLLOWUPS
from tests.unit.dashboard_helpers import STAFF, csrf_of, login

PHRASES = load_content().phrases.phrases


@pytest.fixture
def staff():
    return STAFF


async def make_link(client, **fields):
    page = await (await client.get("/dashboard/followup")).text()
    response = await client.post("/dashboard/followup", data={"csrf_token": csrf_of(page), **fields})
    return response, await response.text()


def link_in(html: str) -> str:
    return re.search(r'id="link" readonly size="70" value="([^"]+)"', html).group(1).replace("&amp;", "&")


async def test_the_page_and_its_form_require_login_and_csrf(client):
    response = await client.get("/dashboard/followup", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/dashboard/login"
    assert (await client.post("/dashboard/followup", data={"csrf_token": "x"}, allow_redirects=False)).status == 302
    await login(client)
    assert (await client.post("/dashboard/followup", data={"csrf_token": "forged"})).status == 403
    assert (await client.post("/dashboard/followup", data={})).status == 403
    assert "Uppföljningslänk" in await (await client.get("/dashboard")).text()  # in the menu


async def test_a_link_opens_the_track_and_topic_in_the_chat(client):
    await login(client)
    response, html = await make_link(client, track_id="vardbitrade_sfi", topic="start_dates", label="SFI klass 3B")
    assert response.status == 200 and "Länken är klar." in html
    url = link_in(html)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/chat\?f=[A-Za-z0-9_-]{16}", url)
    code = url.rsplit("=", 1)[1]
    found = await client.get(f"/api/followups/{code}")
    assert found.status == 200
    assert await found.json() == {"code": code, "track_id": "vardbitrade_sfi", "track_name": "Vårdbiträde med SFI",
                                  "topic": "start_dates", "label": "SFI klass 3B"}
    assert "SFI klass 3B" in await (await client.get("/dashboard/followup")).text()  # the counsellor's list


async def test_a_tablet_link_and_a_link_without_track_or_topic(client):
    await login(client)
    _response, html = await make_link(client, track_id="", topic="", label="", tablet="1")
    url = link_in(html)
    assert url.endswith("&tablet=1")
    code = re.search(r"f=([A-Za-z0-9_-]+)", url).group(1)
    body = await (await client.get(f"/api/followups/{code}")).json()
    assert body == {"code": code, "track_id": None, "track_name": None, "topic": None, "label": None}


@pytest.mark.parametrize("fields", [{"track_id": "astronaut"}, {"topic": "weather"}, {"label": "x" * 81}])
async def test_bad_choices_make_no_link(client, fields):
    await login(client)
    response, html = await make_link(client, **fields)
    assert response.status == 400 and "Länken är klar." not in html


async def test_the_print_page_has_a_qr_code_as_svg(client):
    await login(client, "omar")
    _response, html = await make_link(client, track_id="vardbitrade_sfi", label="Amina")
    code = re.search(r"f=([A-Za-z0-9_-]+)", link_in(html)).group(1)
    printed = await client.get(f"/dashboard/followup/{code}/print")
    text = await printed.text()
    assert printed.status == 200 and "<svg" in text and "</svg>" in text
    assert "Skanna koden med mobilen. Då kommer du till chatten." in text
    assert '<link rel="stylesheet" href="/static/print.css">' in text and "style=" not in text
    assert "@media print" in await (await client.get("/static/print.css")).text()
    assert "Amina" in text and "Vårdbiträde med SFI" in text and f"/chat?f={code}" in text
    tablet = await (await client.get(f"/dashboard/followup/{code}/print?tablet=1")).text()
    assert "tablet=1" in tablet and "surfplattan" in tablet
    assert (await client.get("/dashboard/followup/AAAAAAAAAAAAAAAA/print")).status == 404


async def test_print_page_requires_login(client):
    response = await client.get("/dashboard/followup/AAAAAAAAAAAAAAAA/print", allow_redirects=False)
    assert response.status == 302


async def test_a_label_is_shown_as_text(client):
    await login(client)
    _response, html = await make_link(client, label="<script>alert(1)</script>")
    assert "<script>alert" not in html and "&lt;script&gt;" in html


async def test_an_expired_or_unknown_code_is_404_in_swedish(client):
    store = client.app[FOLLOWUPS]
    old = await store.create("lina", None, "salary", None, timedelta(days=60),
                             now=datetime.now(timezone.utc) - timedelta(days=61))
    fresh = await store.create("lina", None, "salary", None, timedelta(days=60))
    for code in (old.code, "AAAAAAAAAAAAAAAA", "x" * 40):
        response = await client.get(f"/api/followups/{code}")
        assert response.status == 404
        assert (await response.json())["message"] == PHRASES["api_followup_not_found"]
    assert (await client.get(f"/api/followups/{fresh.code}")).status == 200


def test_topic_ids_are_checked_and_expiry_defaults_to_60_days():
    assert Followup(topics=[{"id": "salary", "label": "Lön"}]).expires_days == 60
    with pytest.raises(ValidationError, match="unknown topic 'weather'"):
        Followup(topics=[{"id": "weather", "label": "Väder"}])
    with pytest.raises(ValidationError, match="used twice"):
        Followup(topics=[{"id": "salary", "label": "Lön"}, {"id": "salary", "label": "Lön igen"}])
    assert {t.id for t in load_content().followup.topics} == {
        "prerequisites", "start_dates", "study_support", "steps", "salary", "interest"}
