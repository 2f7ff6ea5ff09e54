"""Routes of the web chat: its settings and glossary as JSON, the embed script
and the widget's check whether a page may frame the chat.

The page itself is templates/chat/chat.html, served at /chat by page.py with
the municipality's look. It connects to Rasa's socketio channel at the
address in /chat/config.json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from aiohttp import web
from yarl import URL

from core.content import Content
from core.content.age import sources
from bot.chat import framing
from bot.keys import CONTENT, SETTINGS
from bot.security import POLICY
from bot.settings import Settings

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

# The embed script is fetched by other sites' pages; an hour of caching is fine.
EMBED_CACHE_SECONDS = 3600
# The embed check's answer: short, so a site added to the list works within a minute.
EMBED_CHECK_CACHE_SECONDS = 60

# The service's own pages a bot message may link to (the booking's calendar file).
OWN_LINK_PATHS = ("/api/bookings/",)


def link_rules(settings: Settings, content: Content) -> Dict[str, Any]:
    """Which links the chat shows (actions/parts.py): the service's own, on the
    paths above, and the source pages named in the content, exactly."""
    return {
        "service": str(URL(settings.public_base_url).origin()),
        "paths": list(OWN_LINK_PATHS),
        "sources": sorted({str(source.url) for _, source in sources(content)}),
    }


def chat_config(settings: Settings, content: Content) -> Dict[str, Any]:
    """What the chat page needs to know: where Rasa's socket is, and content/web.yml."""
    web_settings = content.web
    return {
        "socket_url": settings.public_socket_url,
        "socket_path": "/socket.io",
        "socket_transports": list(settings.socket_transports),
        "greeting": "/greet",
        "restart": "/restart",
        "tablet_idle_seconds": web_settings.tablet_idle_seconds,
        "tablet_warning_seconds": web_settings.tablet_warning_seconds,
        "read_aloud_rate": web_settings.read_aloud_rate,
        "answer_poll_seconds": web_settings.answer_poll_seconds,
        "icons": dict(web_settings.icons),
        # A form's questions have this button: what is typed there gets no "Hjälpte svaret?".
        "cancel_button": content.phrases.phrases["button_cancel"],
        "links": link_rules(settings, content),
    }


def glossary_words(content: Content) -> List[Dict[str, Any]]:
    """Each word with every form to find in a bot message, longest first."""
    words = []
    for word in content.glossary.words:
        forms = sorted({word.term, *word.aliases}, key=lambda form: (-len(form), form))
        words.append({"term": word.term, "forms": forms, "text": word.text})
    return words


async def config(request: web.Request) -> web.Response:
    return web.json_response(chat_config(request.app[SETTINGS], request.app[CONTENT]))


async def glossary(request: web.Request) -> web.Response:
    return web.json_response({"words": glossary_words(request.app[CONTENT])})


async def embed_script(request: web.Request) -> web.Response:
    body = (STATIC_DIR / "embed.js").read_bytes()
    return web.Response(
        body=body,
        content_type="text/javascript",
        charset="utf-8",
        headers={"Cache-Control": f"public, max-age={EMBED_CACHE_SECONDS}"},
    )


def framing_sources(request: web.Request) -> List[str]:
    """Who may frame /chat: the service itself ('self') and HeaderPolicy's frame-ancestors."""
    sources = list(request.app[POLICY].embedders)
    public_url = request.app[SETTINGS].public_url
    if public_url:
        sources.append(str(URL(public_url).origin()))
    return sources


async def embed_check(request: web.Request) -> web.Response:
    """May the page asking show the chat in a frame? Readable by every site, no cookies.

    The browser's Origin header names the page; without one (an address typed
    into a browser, curl) the query's `origin`. The answer is the same for
    everybody who asks about the same origin, so it may be cached briefly."""
    asked = request.headers.get("Origin") or request.query.get("origin", "")
    body = framing.answer(asked, framing_sources(request))
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": f"public, max-age={EMBED_CHECK_CACHE_SECONDS}",
        "Vary": "Origin",
    }
    if body is None:
        error = "no_origin" if not asked else "not_an_origin"
        body = {"allowed": False, "error": error, "setting": framing.SETTING}
        return web.json_response(body, status=400, headers={**headers, "Cache-Control": "no-store"})
    return web.json_response(body, headers=headers)


def routes() -> List[web.RouteDef]:
    return [
        web.get("/chat/config.json", config),
        web.get("/chat/glossary.json", glossary),
        web.get("/chat/embed.js", embed_script),
        web.get("/chat/embed-check", embed_check),
    ]
