"""Security rules of the bot web service: headers, CORS, rate limits,
unguessable codes, and bad input answered with a clear Swedish 4xx."""

import collections
import dataclasses
import json
import math
import re
import secrets
import sqlite3

import pytest

from bot.app import create_app
from core import codes
from core.content import load_content
from bot.keys import ACCOUNTS
from core.ratelimit import TokenBucket
from actions.service_client import ServiceClient, TooManyTries, conversation_key
from bot.security import (
    ACTIONS_TOKEN_HEADER,
    CHAT_LOOKUP_MISSES_PER_MINUTE,
    CONVERSATION_HEADER,
    LIMITS,
    Limits,
    content_security_policy,
    socket_sources,
)
from bot.settings import Settings
from tests.unit.ticket_helpers import SESSION_SECRET, session
from bot.followups import store as followups
from tests.unit.dashboard_helpers import PASSWORD, csrf_of
from tests.unit.test_privacy import with_check_digit
from tests.ports import closed_port

PHRASES = load_content().phrases.phrases
PNR = with_check_digit("850709123")
SITE = "https://www.kommun.example"
EMBEDDER = "https://skola.kommun.example"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def settings(tmp_path):
    return Settings(
        rasa_url=f"http://127.0.0.1:{closed_port()}",
        rasa_timeout_seconds=1,
        database_url=f"sqlite:///{tmp_path / 'service.db'}",
        allowed_origins=(SITE,),
        embed_origins=(EMBEDDER,),
        session_secret=SESSION_SECRET,
    )


@pytest.fixture
async def app_and_client(aiohttp_client, settings, clock):
    app = create_app(settings)
    app[LIMITS] = Limits.default(clock=clock)
    client = await aiohttp_client(app)
    return app, client


@pytest.fixture
def client(app_and_client):
    return app_and_client[1]


# ---- the token bucket -----------------------------------------------------------


def test_token_bucket_allows_a_burst_then_refills_over_time(clock):
    bucket = TokenBucket(3, 60, clock)
    assert [bucket.take("a") for _ in range(3)] == [0, 0, 0]
    assert bucket.take("a") == pytest.approx(20)  # one token comes back every 20 s
    assert bucket.take("b") == 0, "each key has its own bucket"
    clock.now += 19
    assert bucket.retry_after("a") == pytest.approx(1)
    clock.now += 1
    assert bucket.retry_after("a") == 0 and bucket.take("a") == 0 and bucket.take("a") > 0
    clock.now += 3600
    assert [bucket.take("a") for _ in range(4)][:3] == [0, 0, 0], "never more than the capacity"
    bucket.reset("a")
    assert bucket.take("a") == 0


def test_token_bucket_forgets_full_buckets_when_it_has_many_keys(clock):
    bucket = TokenBucket(2, 10, clock)
    bucket.MAX_KEYS = 100
    for n in range(100):
        bucket.take(f"old-{n}")
    clock.now += 60
    bucket.take("new")
    assert len(bucket._buckets) <= 2


def test_token_bucket_refuses_nonsense():
    with pytest.raises(ValueError):
        TokenBucket(0, 60)


# ---- headers --------------------------------------------------------------------


def test_csp_builder_is_strict():
    csp = content_security_policy(socket_sources("http://127.0.0.1:5005"), ["'self'", SITE])
    directives = dict(part.split(" ", 1) for part in csp.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["connect-src"] == "'self' http://127.0.0.1:5005 ws://127.0.0.1:5005"
    assert directives["frame-ancestors"] == f"'self' {SITE}"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in csp and "*" not in csp


def test_socket_sources_follow_the_scheme():
    assert socket_sources("https://chatt.kommun.example/rasa") == ["https://chatt.kommun.example", "wss://chatt.kommun.example"]
    assert socket_sources("not a url") == []


@pytest.mark.parametrize(
    "path", ["/chat", "/", "/health", "/static/chat.js", "/chat/config.json", "/api/slots", "/dashboard/login", "/nothing"]
)
async def test_every_answer_has_the_security_headers(client, path):
    response = await client.get(path, allow_redirects=False)
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"] and "microphone=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers, "only behind HTTPS"


async def test_the_chat_page_may_be_framed_by_configured_sites_only(client, settings):
    csp = (await client.get("/chat")).headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {SITE} {EMBEDDER}" in csp
    assert f"connect-src 'self' {settings.rasa_url} {settings.rasa_url.replace('http', 'ws')}" in csp
    other = await client.get("/dashboard/login")
    assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]
    assert other.headers["X-Frame-Options"] == "DENY"


async def test_without_embedding_sites_the_chat_is_framed_only_by_itself(aiohttp_client, tmp_path):
    client = await aiohttp_client(create_app(Settings(database_url=f"sqlite:///{tmp_path / 's.db'}")))
    response = await client.get("/chat")
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


async def test_origins_that_could_break_the_header_are_ignored(aiohttp_client, tmp_path):
    bad = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", embed_origins=("https://a.example; script-src *",))
    client = await aiohttp_client(create_app(bad))
    csp = (await client.get("/chat")).headers["Content-Security-Policy"]
    assert "script-src *" not in csp and "a.example" not in csp


async def test_dashboard_pages_are_isolated_and_never_cached(client):
    response = await client.get("/dashboard/login")
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    chat = await client.get("/chat")
    assert "Cross-Origin-Opener-Policy" not in chat.headers


async def test_dashboard_pages_have_no_inline_style_or_script(client):
    html = await (await client.get("/dashboard/login")).text()
    assert "<style" not in html and "style=" not in html and "<script" not in html
    assert '<link rel="stylesheet" href="/static/dashboard.css">' in html
    css = await client.get("/static/dashboard.css")
    assert css.status == 200 and css.content_type == "text/css" and "focus-visible" in await css.text()


@pytest.mark.parametrize("path", ["/static/chat.js", "/static/chat.css", "/static/embed.css"])
async def test_the_chats_own_files_are_checked_again_on_every_load(client, path):
    """After a deploy, a browser must not keep running yesterday's chat.js (issue 21: an old
    chat.js never tells the widget it started, and the widget would say the site is refused)."""
    first = await client.get(path)
    assert first.status == 200 and first.headers["Cache-Control"] == "no-cache"
    validator = {"If-None-Match": first.headers["ETag"]} if "ETag" in first.headers else \
        {"If-Modified-Since": first.headers["Last-Modified"]}
    again = await client.get(path, headers=validator)
    assert again.status == 304, "unchanged: nothing sent again"


async def test_answers_with_personal_data_are_not_cached(client):
    lookup = await client.post("/api/bookings/AAAAAAAA/lookup", json={"contact": "0701234567"})
    assert lookup.headers["Cache-Control"] == "no-store"
    for path in ("/api/tickets/AAAAAAAA", "/api/slots"):
        assert (await client.get(path)).headers["Cache-Control"] == "no-store", path
    embed = await client.get("/chat/embed.js")
    assert embed.headers["Cache-Control"].startswith("public"), "the widget's script may be cached"


async def test_hsts_behind_https(aiohttp_client, tmp_path):
    secure = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", secure_cookies=True,
                      public_url="https://chat.kommun.example", actions_token="t" * 32, session_secret="s" * 32)
    client = await aiohttp_client(create_app(secure))
    assert (await client.get("/health")).headers["Strict-Transport-Security"].startswith("max-age=")


# ---- CORS -----------------------------------------------------------------------


async def test_cors_only_for_configured_sites(client):
    foreign = await client.get("/api/slots", headers={"Origin": "https://evil.example"})
    assert foreign.status == 200
    assert "Access-Control-Allow-Origin" not in foreign.headers
    ours = await client.get("/api/slots", headers={"Origin": SITE})
    assert ours.headers["Access-Control-Allow-Origin"] == SITE
    assert "Access-Control-Allow-Credentials" not in ours.headers
    assert "Origin" in ours.headers.getall("Vary")
    embedder = await client.get("/api/slots", headers={"Origin": EMBEDDER})
    assert "Access-Control-Allow-Origin" not in embedder.headers, "embedding the frame gives no API access"


async def test_cors_preflight(client):
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = await client.options("/api/bookings", headers={"Origin": SITE, **ask})
    assert ok.status == 204
    assert ok.headers["Access-Control-Allow-Origin"] == SITE
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in ok.headers["Access-Control-Allow-Headers"]
    refused = await client.options("/api/bookings", headers={"Origin": "https://evil.example", **ask})
    assert refused.status == 403
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert (await refused.json())["message"] == PHRASES["api_origin_refused"]


async def test_same_origin_by_default(aiohttp_client, tmp_path):
    client = await aiohttp_client(create_app(Settings(database_url=f"sqlite:///{tmp_path / 's.db'}")))
    response = await client.get("/api/slots", headers={"Origin": SITE})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_origins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("VARDVAGEN_ALLOWED_ORIGINS", f"{SITE}/, http://127.0.0.1:8080")
    monkeypatch.setenv("VARDVAGEN_EMBED_ORIGINS", EMBEDDER)
    settings = Settings.from_env()
    assert settings.allowed_origins == (SITE, "http://127.0.0.1:8080")
    assert settings.embed_origins == (EMBEDDER,)


# ---- rate limits ----------------------------------------------------------------


async def assert_too_many(response):
    assert response.status == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert (await response.json())["message"] == PHRASES["too_many_requests"]


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/api/bookings/{code}/lookup", {"contact": "0701234567"}),
        ("DELETE", "/api/bookings/{code}", {"contact": "0701234567"}),
        ("GET", "/api/tickets/{code}", None),
        ("GET", "/api/followups/{code}", None),
        ("POST", "/api/erasure", {"reference": "{code}", "contact": "0701234567"}),
    ],
)
async def test_guessing_codes_is_rate_limited(client, clock, method, path, body):
    def attempt(code):
        payload = json.loads(json.dumps(body).replace("{code}", code)) if body else None
        return client.request(method, path.replace("{code}", code), json=payload)

    for _ in range(10):
        code = codes.new_code() if "followups" not in path else secrets.token_urlsafe(12)
        assert (await attempt(code)).status == 404
    await assert_too_many(await attempt(codes.new_code()))
    clock.now += 60
    assert (await attempt(codes.new_code())).status == 404, "allowed again after a minute"


async def test_lookups_that_find_something_do_not_count(client, clock):
    slot = (await (await client.get("/api/slots", params={"meeting_type": "phone"})).json())["slots"][0]
    booking = await (await client.post("/api/bookings", json={
        "counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "phone",
        "first_name": "Amina", "contact": "0701234567"})).json()
    for _ in range(30):
        found = await client.post(f"/api/bookings/{booking['reference']}/lookup", json={"contact": "0701234567"})
        assert found.status == 200


async def test_a_flood_from_one_chat_sender_gets_429(client, clock):
    body = {"sender": "web-flooding1", "message": "hej"}
    statuses = [(await client.post("/chat/message", json=body)).status for _ in range(20)]
    assert set(statuses) == {503}, "Rasa is not running here; the limit was not reached"
    response = await client.post("/chat/message", json=body)
    assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
    answer = await response.json()
    assert answer["messages"][0]["text"] == PHRASES["too_many_requests"]
    other = await client.post("/chat/message", json={"sender": "web-someone2", "message": "hej"})
    assert other.status == 503, "another sender is not limited"
    clock.now += 5
    assert (await client.post("/chat/message", json=body)).status == 503


async def test_the_chat_relay_is_limited_per_address_too(client):
    statuses = [
        (await client.post("/chat/message", json={"sender": f"web-many{n:05d}", "message": "hej"})).status
        for n in range(121)
    ]
    assert statuses[:120] == [503] * 120 and statuses[120] == 429


async def test_polling_for_answers_is_limited_per_conversation(client):
    for _ in range(10):
        assert (await client.get("/chat/answers", params={"conversation": session("web-poller01")})).status == 200
    await assert_too_many(await client.get("/chat/answers", params={"conversation": session("web-poller01")}))


async def test_failed_logins_are_limited_per_user_even_with_the_right_password(app_and_client, clock):
    app, client = app_and_client
    await app[ACCOUNTS].add_user("lina", PASSWORD, "lina")

    async def log_in(password, username="lina"):
        token = csrf_of(await (await client.get("/dashboard/login")).text())
        return await client.post("/dashboard/login", data={"username": username, "password": password, "csrf_token": token},
                                 allow_redirects=False)

    for _ in range(5):
        assert (await log_in("fel lösenord")).status == 401
    locked = await log_in(PASSWORD)
    assert locked.status == 429 and int(locked.headers["Retry-After"]) >= 1
    assert "för många gånger" in await locked.text()
    assert (await log_in("fel lösenord", "LINA ")).status == 429, "the same user written another way"
    clock.now += 15 * 60
    assert (await log_in(PASSWORD)).status == 302


async def test_failed_logins_are_limited_per_address(app_and_client):
    _app, client = app_and_client
    for n in range(20):
        token = csrf_of(await (await client.get("/dashboard/login")).text())
        response = await client.post("/dashboard/login", data={"username": f"user{n}", "password": "x", "csrf_token": token})
        assert response.status == 401
    token = csrf_of(await (await client.get("/dashboard/login")).text())
    response = await client.post("/dashboard/login", data={"username": "someone", "password": "x", "csrf_token": token})
    assert response.status == 429


async def test_limits_can_be_turned_off_for_load_tests(aiohttp_client, tmp_path, monkeypatch):
    monkeypatch.setenv("VARDVAGEN_RATE_LIMITS", "0")
    settings = Settings.from_env()
    settings = Settings(**{**settings.__dict__, "database_url": f"sqlite:///{tmp_path / 's.db'}"})
    client = await aiohttp_client(create_app(settings))
    for _ in range(15):
        assert (await client.get(f"/api/tickets/{codes.new_code()}")).status == 404


async def test_the_real_address_behind_a_trusted_proxy(aiohttp_client, tmp_path, clock):
    proxied = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", trusted_proxies=("127.0.0.1",))
    app = create_app(proxied)
    app[LIMITS] = Limits.default(clock=clock)
    client = await aiohttp_client(app)
    for _ in range(10):
        response = await client.get(f"/api/tickets/{codes.new_code()}", headers={"X-Forwarded-For": "203.0.113.7"})
        assert response.status == 404
    assert (await client.get(f"/api/tickets/{codes.new_code()}", headers={"X-Forwarded-For": "203.0.113.7"})).status == 429
    other = await client.get(f"/api/tickets/{codes.new_code()}", headers={"X-Forwarded-For": "203.0.113.8"})
    assert other.status == 404, "another client behind the same proxy is not limited"


ACTIONS_TOKEN = "actions-token-for-the-test"


@pytest.fixture
async def with_actions_token(aiohttp_client, settings, clock):
    app = create_app(dataclasses.replace(settings, actions_token=ACTIONS_TOKEN))
    app[LIMITS] = Limits.default(clock=clock)
    return await aiohttp_client(app)


def as_action_server(sender_id: str, token: str = ACTIONS_TOKEN) -> dict:
    return {ACTIONS_TOKEN_HEADER: token, CONVERSATION_HEADER: conversation_key(sender_id)}


async def test_one_guesser_in_the_chat_does_not_block_the_lookups_of_other_chats(with_actions_token, clock):
    client = with_actions_token
    for _ in range(10):
        response = await client.get(f"/api/tickets/{codes.new_code()}", headers=as_action_server("web-guesser"))
        assert response.status == 404
    await assert_too_many(await client.get(f"/api/tickets/{codes.new_code()}", headers=as_action_server("web-guesser")))
    other = await client.get(f"/api/tickets/{codes.new_code()}", headers=as_action_server("web-someone-else"))
    assert other.status == 404, "another conversation has its own allowance"
    plain = await client.get(f"/api/tickets/{codes.new_code()}")
    assert plain.status == 404, "the address's own allowance was not spent by the chat"
    clock.now += 60
    again = await client.get(f"/api/tickets/{codes.new_code()}", headers=as_action_server("web-guesser"))
    assert again.status == 404, "allowed again after a minute"


@pytest.mark.parametrize("token", ["", "wrong-token", ACTIONS_TOKEN + "x"])
async def test_a_conversation_header_without_the_actions_token_buys_no_allowance(with_actions_token, token):
    client = with_actions_token
    statuses = [
        (await client.get(f"/api/tickets/{codes.new_code()}", headers=as_action_server(f"web-fake{n}", token))).status
        for n in range(11)
    ]
    assert statuses == [404] * 10 + [429], "counted against the address, whatever conversation it names"


async def test_without_a_configured_token_nobody_is_the_action_server(client):
    statuses = [
        (await client.get(f"/api/tickets/{codes.new_code()}", headers=as_action_server(f"web-n{n}"))).status
        for n in range(11)
    ]
    assert statuses == [404] * 10 + [429]


async def test_all_chat_conversations_together_are_limited_too(with_actions_token):
    client = with_actions_token
    per_conversation = 10
    conversations = CHAT_LOOKUP_MISSES_PER_MINUTE // per_conversation
    for n in range(conversations):
        for _ in range(per_conversation):
            response = await client.get(f"/api/tickets/{codes.new_code()}", headers=as_action_server(f"web-rotating{n}"))
            assert response.status == 404
    await assert_too_many(await client.get(f"/api/tickets/{codes.new_code()}", headers=as_action_server("web-fresh")))


async def test_the_action_server_names_the_conversation_of_each_lookup(with_actions_token):
    """Through the actions' real client: a guesser's lookups are refused, another chat's still answer."""
    service = ServiceClient(base_url=str(with_actions_token.make_url("")), token=ACTIONS_TOKEN)
    try:
        for _ in range(10):
            assert await service.find_booking(codes.new_code(), "0701234567", conversation="web-guesser") is None
        with pytest.raises(TooManyTries):
            await service.get_ticket(codes.new_code(), conversation="web-guesser")
        assert await service.get_followup(secrets.token_urlsafe(12), conversation="web-other") is None
        assert await service.cancel_booking(codes.new_code(), "0701234567", conversation="web-other") is False
        status, _ = await service.erase({"reference": codes.new_code(), "contact": "0701234567"}, conversation="web-other")
        assert status == 404
    finally:
        await service.close()


def test_no_sender_id_leaves_the_action_server():
    key = conversation_key("web-3f2a9c1e")
    assert "3f2a9c1e" not in key and len(key) == 32 and key == conversation_key("web-3f2a9c1e")
    assert key != conversation_key("web-3f2a9c1f")


# ---- reference codes ------------------------------------------------------------


def test_reference_codes_are_unguessable():
    # 8 characters from 32: 40 random bits.
    assert len(codes.ALPHABET) == len(set(codes.ALPHABET)) == 32 and codes.LENGTH == 8
    assert math.log2(len(codes.ALPHABET) ** codes.LENGTH) == 40
    draws = [codes.new_code() for _ in range(100_000)]
    assert len(set(draws)) == len(draws), "no collisions in 100 000 codes"
    assert all(codes.mixes_letters_and_digits(code) for code in draws)
    # Uniform over the codes that mix letters and digits (a code of letters
    # only could be an ordinary word): the expected count of each character
    # under that distribution, counted exactly.
    size, length = len(codes.ALPHABET), codes.LENGTH
    digits = sum(ch in codes.DIGITS for ch in codes.ALPHABET)
    letters = size - digits
    allowed = size ** length - letters ** length - digits ** length
    with_digit = length * (size ** (length - 1) - digits ** (length - 1)) / allowed
    with_letter = length * (size ** (length - 1) - letters ** (length - 1)) / allowed
    counts = collections.Counter("".join(draws))
    expected = {ch: len(draws) * (with_digit if ch in codes.DIGITS else with_letter) for ch in codes.ALPHABET}
    # Chi-squared with 31 degrees of freedom: above 70 happens by chance less than once in 10 000.
    chi2 = sum((counts[ch] - expected[ch]) ** 2 / expected[ch] for ch in codes.ALPHABET)
    assert chi2 < 70, counts
    # About 39.8 bits: the letters-only and digits-only codes left out cost little.
    assert math.log2(allowed) > 39.7
    per_position = [collections.Counter(code[i] for code in draws) for i in range(codes.LENGTH)]
    assert all(len(c) == 32 for c in per_position)


def test_codes_come_from_the_secrets_module(monkeypatch):
    # The stub draws "AAAAAAAA" first, which is letters only and drawn again,
    # then "A2A2A2A2".
    picks = iter("AAAAAAAA" + "A2" * 4)
    calls = []
    monkeypatch.setattr(codes.secrets, "choice", lambda seq: calls.append(seq) or next(picks))
    assert codes.new_code() == "A2A2A2A2" and len(calls) == 16
    assert codes.secrets is secrets


def test_follow_up_codes_have_96_random_bits(monkeypatch):
    assert followups.CODE_BYTES * 8 >= 96
    seen = []
    monkeypatch.setattr(followups.secrets, "token_urlsafe", lambda n: seen.append(n) or "x" * 16)
    assert followups.secrets is secrets
    import inspect

    assert "secrets.token_urlsafe(CODE_BYTES)" in inspect.getsource(followups.FollowupStore.create)


# ---- bad input through the API: a clear Swedish 4xx, nothing stored -------------


def booking_rows(settings):
    with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as db:
        return db.execute("SELECT * FROM bookings").fetchall()


async def a_slot(client):
    return (await (await client.get("/api/slots", params={"meeting_type": "phone"})).json())["slots"][0]


@pytest.mark.parametrize(
    "change, status, key",
    [
        ({"meeting_type": ["phone"]}, 400, "api_bad_meeting_type"),
        ({"meeting_type": {"a": 1}}, 400, "api_bad_meeting_type"),
        ({"first_name": 123}, 400, "api_bad_name"),
        ({"first_name": ["Amina"]}, 400, "api_bad_name"),
        ({"first_name": None}, 400, "api_bad_name"),
        ({"first_name": "Robert'); DROP TABLE bookings;--"}, 400, "api_bad_name"),
        ({"first_name": "<script>alert(1)</script>"}, 400, "api_bad_name"),
        ({"first_name": PNR}, 400, "api_bad_name"),
        ({"contact": f"{PNR[:6]}-{PNR[6:]}"}, 400, "api_bad_contact"),
        ({"contact": 701234567}, 400, "api_bad_contact"),
        ({"contact": "amina@"}, 400, "api_bad_contact"),
        ({"starts_at": 12345}, 400, "api_bad_time"),
        ({"starts_at": "2020-01-07T09:00:00+01:00"}, 400, "api_bad_time"),
        ({"interpreter": ["arabiska"]}, 400, "api_bad_request"),
        ({"replaces": "ABCDEFGH"}, 400, "api_bad_request"),
    ],
)
async def test_bad_bookings_get_a_swedish_4xx_and_store_nothing(client, settings, change, status, key):
    slot = await a_slot(client)
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "phone",
            "first_name": "Amina", "contact": "0701234567", **change}
    response = await client.post("/api/bookings", json=body)
    assert response.status == status
    assert (await response.json())["message"] == PHRASES[key]
    assert booking_rows(settings) == []


@pytest.mark.parametrize(
    "data, content_type, status, key",
    [
        ("{not json", "application/json", 400, "api_bad_request"),
        ("[1, 2]", "application/json", 400, "api_bad_request"),
        ("null", "application/json", 400, "api_bad_request"),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400, "api_bad_request"),
        (b"\xff\xfe{}", "application/json", 400, "api_bad_request"),
        ('{"first_name": "Amina"}', "text/plain", 415, "api_bad_content_type"),
        ("first_name=Amina", "application/x-www-form-urlencoded", 415, "api_bad_content_type"),
        ('{"a": "' + "x" * 300_000 + '"}', "application/json", 413, "api_too_large"),
    ],
)
@pytest.mark.parametrize("path", ["/api/bookings", "/api/interests", "/api/tickets", "/api/erasure"])
async def test_malformed_bodies_get_a_swedish_4xx(client, settings, path, data, content_type, status, key):
    response = await client.post(path, data=data, headers={"Content-Type": content_type})
    assert response.status == status
    assert response.content_type == "application/json"
    assert (await response.json())["message"] == PHRASES[key]
    assert booking_rows(settings) == []


async def test_unknown_paths_and_methods_answer_in_swedish(client):
    missing = await client.get("/api/nothing")
    assert missing.status == 404 and (await missing.json())["message"] == PHRASES["api_no_such_path"]
    wrong = await client.put("/api/bookings")
    assert wrong.status == 405 and (await wrong.json())["message"] == PHRASES["api_bad_method"]
    assert "POST" in wrong.headers["Allow"]


async def test_an_interpreter_field_keeps_no_personnummer(client, settings):
    slot = await a_slot(client)
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "phone",
            "first_name": "Amina", "contact": "0701234567", "interpreter": f"arabiska {PNR}", "unknown": "kept out"}
    assert (await client.post("/api/bookings", json=body)).status == 201
    stored = json.dumps(booking_rows(settings), default=str)
    assert PNR not in stored and PNR[6:] not in stored and "arabiska" in stored and "kept out" not in stored


async def test_an_idempotency_key_with_a_personnummer_is_refused(client, settings):
    slot = await a_slot(client)
    body = {"counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "phone",
            "first_name": "Amina", "contact": "0701234567"}
    response = await client.post("/api/bookings", json=body, headers={"Idempotency-Key": f"{PNR[:6]}-{PNR[6:]}"})
    assert response.status == 400 and booking_rows(settings) == []


@pytest.mark.parametrize(
    "body",
    [
        {"question": "Hej?", "summary": {"track": ["a"], "sfi_level": {"x": 1}, "age": [1]}},
        {"question": "Hej?", "conversation_id": f"{PNR[:6]}-{PNR[6:]}"},
        {"question": ["Hej?"]},
        {"question": ""},
        {"question": "x" * 2001},
        {"question": "Hej?", "transcript": "text"},
    ],
)
async def test_bad_tickets_never_crash(client, body):
    response = await client.post("/api/tickets", json=body)
    assert response.status in (201, 400)
    answer = await response.json()
    if response.status == 400:
        assert answer["message"] in (PHRASES["api_bad_question"], PHRASES["api_bad_request"])
    else:
        assert re.fullmatch(r"[A-Z0-9]{8}", answer["reference"])


async def test_a_chat_sender_that_is_a_personnummer_is_refused(client):
    response = await client.post("/chat/message", json={"sender": f"{PNR[:6]}-{PNR[6:]}", "message": "hej"})
    assert response.status == 400
    wrong_type = await client.post("/chat/message", data="hej", headers={"Content-Type": "text/plain"})
    assert wrong_type.status == 415 and (await wrong_type.json())["error"] == PHRASES["input_invalid"]
