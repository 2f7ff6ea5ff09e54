"""Routes of the web chat: its settings and glossary as JSON, and the embed script.

The page itself is templates/chat/chat.html, served at /chat by page.py with
the municipality's look. It connects to Rasa's socketio channel at the
address in /chat/config.json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from aiohttp import web

from core.content import Content
from bot.keys import CONTENT, SETTINGS
from bot.settings import Settings

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

# The embed script is fetched by other sites' pages; an hour of caching is fine.
EMBED_CACHE_SECONDS = 3600


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
        "read_aloud_rate": web_settings.read_aloud_rate,
        "answer_poll_seconds": web_settings.answer_poll_seconds,
        "icons": dict(web_settings.icons),
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


def routes() -> List[web.RouteDef]:
    return [
        web.get("/chat/config.json", config),
        web.get("/chat/glossary.json", glossary),
        web.get("/chat/embed.js", embed_script),
    ]
