"""GET /chat/embed-check: the widget asks whether its page may frame the chat
before it frames it (issue 21). The same sites as /chat's frame-ancestors,
matched as a browser matches them; readable by any site, no cookies, cached
briefly; anything that is not an origin is refused and never echoed."""

import re
from pathlib import Path

import pytest

from bot.chat.framing import Origin, answer, page_origin, parse_origin, source_matches
from bot.settings import Settings
from core.readability import lix
from tests.ports import closed_port

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://www.kommun.example"
EMBEDDER = "https://skola.kommun.example"
PUBLIC = "https://chatt.kommun.example"
OTHER = "https://evil.example"


@pytest.fixture
def settings(tmp_path):
    return Settings(
        rasa_url=f"http://127.0.0.1:{closed_port()}",
        database_url=f"sqlite:///{tmp_path / 'service.db'}",
        allowed_origins=(SITE,),
        embed_origins=(EMBEDDER, "http://intranet.kommun.example:8080", "https://bad.example; script-src *"),
        public_url=PUBLIC + "/vardvagen",
    )


async def check(client, origin=None, query=None, **kwargs):
    headers = {"Origin": origin} if origin is not None else {}
    params = {"origin": query} if query is not None else {}
    response = await client.get("/chat/embed-check", headers=headers, params=params, **kwargs)
    return response, await response.json()


# ---- the answer --------------------------------------------------------------


@pytest.mark.parametrize("origin", [EMBEDDER, SITE, PUBLIC, "http://intranet.kommun.example:8080"])
async def test_a_site_that_may_frame_the_chat_is_told_so(client, origin):
    response, body = await check(client, origin)
    assert response.status == 200
    assert body == {"allowed": True, "origin": origin, "setting": "VARDVAGEN_EMBED_ORIGINS"}


@pytest.mark.parametrize("origin", [OTHER, "http://www.kommun.example", "https://www.kommun.example:8443",
                                    "https://kommun.example", "https://www.kommun.example.evil.example",
                                    "https://intranet.kommun.example:8081"])
async def test_a_site_that_may_not_frame_the_chat_is_told_so(client, origin):
    response, body = await check(client, origin)
    assert response.status == 200
    assert body == {"allowed": False, "origin": origin, "setting": "VARDVAGEN_EMBED_ORIGINS"}


async def test_the_answer_agrees_with_the_chat_pages_frame_ancestors(client):
    csp = (await client.get("/chat")).headers["Content-Security-Policy"]
    ancestors = re.search(r"frame-ancestors ([^;]+)", csp).group(1).split()
    assert ancestors[0] == "'self'" and "https://bad.example" not in csp
    for origin in ancestors[1:]:
        assert (await check(client, origin))[1]["allowed"], origin
    assert not (await check(client, "https://bad.example"))[1]["allowed"], "an entry the CSP left out is no yes"


async def test_without_an_origin_header_the_query_names_the_page(client):
    """An address typed into a browser, or curl: the browser sends no Origin."""
    response, body = await check(client, query=EMBEDDER)
    assert response.status == 200 and body["allowed"] is True
    _, body = await check(client, query=OTHER)
    assert body["allowed"] is False and body["origin"] == OTHER


async def test_the_browsers_origin_header_wins_over_the_query(client):
    _, body = await check(client, origin=OTHER, query=EMBEDDER)
    assert body == {"allowed": False, "origin": OTHER, "setting": "VARDVAGEN_EMBED_ORIGINS"}


async def test_origins_are_compared_as_a_browser_writes_them(client):
    _, body = await check(client, query="HTTPS://Skola.Kommun.Example:443")
    assert body == {"allowed": True, "origin": EMBEDDER, "setting": "VARDVAGEN_EMBED_ORIGINS"}


async def test_a_page_without_an_origin_may_not_frame_the_chat(client):
    """A file:// page or a sandboxed frame sends Origin: null."""
    response, body = await check(client, "null")
    assert response.status == 200
    assert body == {"allowed": False, "origin": "null", "setting": "VARDVAGEN_EMBED_ORIGINS"}


@pytest.mark.parametrize("asked", [
    "https://skola.kommun.example/",
    "https://skola.kommun.example/chat",
    "https://skola.kommun.example?x=1",
    "https://user@skola.kommun.example",
    "//skola.kommun.example",
    "skola.kommun.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://skola.kommun.example",
    "https://skola.kommun.example:0",
    "https://skola.kommun.example:65536",
    "https://*.kommun.example",
    "https://skola.kommun.example https://evil.example",
    "https://skola.kommun.example\u2028",
    "https://" + "a" * 300 + ".example",
    "<script>alert(1)</script>",
])
async def test_anything_that_is_not_an_origin_is_refused_and_never_echoed(client, asked):
    response, body = await check(client, query=asked)
    assert response.status == 400
    assert body == {"allowed": False, "error": "not_an_origin", "setting": "VARDVAGEN_EMBED_ORIGINS"}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*", "the widget can read why"


async def test_a_malformed_origin_header_is_refused(client):
    response, body = await check(client, origin="https://skola.kommun.example/path")
    assert response.status == 400 and body["error"] == "not_an_origin"


async def test_no_origin_at_all_is_refused(client):
    response, body = await check(client)
    assert response.status == 400
    assert body == {"allowed": False, "error": "no_origin", "setting": "VARDVAGEN_EMBED_ORIGINS"}


# ---- headers -----------------------------------------------------------------


async def test_any_site_may_read_the_answer_without_credentials(client):
    response, _ = await check(client, OTHER, cookies={"vardvagen_session": "x"})
    headers = response.headers
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in headers
    assert "Set-Cookie" not in headers
    assert headers["Content-Type"].startswith("application/json")


async def test_the_answer_is_cached_briefly_per_origin(client):
    response, _ = await check(client, EMBEDDER)
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Origin" in response.headers.getall("Vary")


async def test_the_check_is_never_shown_in_a_frame(client):
    response, _ = await check(client, EMBEDDER)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_only_get_and_head(client):
    response = await client.post("/chat/embed-check", headers={"Origin": EMBEDDER})
    assert response.status == 405


# ---- the matching, as CSP Level 3 and Chromium do it -------------------------------


def test_parse_origin():
    assert parse_origin("https://a.example") == Origin("https", "a.example", None)
    assert parse_origin("http://127.0.0.1:8080") == Origin("http", "127.0.0.1", 8080)
    assert parse_origin("http://[::1]:8080") == Origin("http", "[::1]", 8080)
    assert page_origin("https://a.example:443") == Origin("https", "a.example", None)
    assert page_origin("http://a.example:443") == Origin("http", "a.example", 443)
    for bad in ("", "null", "https://", "https://a.example/", "https://-a.example", "https://a.example:", "a.example"):
        assert parse_origin(bad) is None, bad


@pytest.mark.parametrize("source, page, matches", [
    ("https://a.example", "https://a.example", True),
    ("http://a.example", "https://a.example", True),    # an http entry lets the https page in
    ("https://a.example", "http://a.example", False),   # never the other way
    ("https://a.example:443", "https://a.example", True),
    ("http://a.example:80", "https://a.example", True),  # Chromium's upgrade of the default port
    ("http://a.example:8080", "https://a.example:8080", True),
    ("https://a.example", "https://a.example:8443", False),
    ("https://a.example", "https://b.a.example", False),
    ("https://a.example", "https://a.example.b.example", False),
])
def test_source_matching(source, page, matches):
    assert source_matches(parse_origin(source), page_origin(page)) is matches


def test_the_answer_holds_only_the_normalised_origin():
    assert answer("https://A.example:443", ["https://a.example"]) == {
        "allowed": True, "origin": "https://a.example", "setting": "VARDVAGEN_EMBED_ORIGINS"}
    assert answer("https://a.example/x", ["https://a.example"]) is None


# ---- the widget's own texts --------------------------------------------------------


def embed_texts():
    script = (ROOT / "bot" / "static" / "embed.js").read_text(encoding="utf-8")
    block = re.search(r"var TEXT = \{(.*?)\};", script, flags=re.S).group(1)
    return dict(re.findall(r'(\w+): "([^"]+)"', block))


def test_the_widgets_message_is_easy_to_read():
    texts = embed_texts()
    assert texts["openNewTab"] == "Öppna chatten i en ny flik"
    message = " ".join(texts[key] for key in ("refused", "notYou", "newTab"))
    assert lix(message) <= 45, message
    for key in ("refused", "notYou", "newTab"):
        assert texts[key].count(".") == 1 and "," not in texts[key], "one idea per sentence"
