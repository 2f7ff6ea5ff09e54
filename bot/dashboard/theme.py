"""The dashboard in the municipality's colours (content/municipality.yml).

Served as a style sheet of its own, /dashboard/theme.css, after
/static/dashboard.css: the page keeps no inline style (the CSP forbids it)
and the colours need no rebuild. The content loader has checked their
contrast (core/content/model.py Colours). The chat's /chat/theme.css is made
by theme_css too, from content/web.yml (bot/chat/page.py)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from bot.keys import CONTENT


def theme_css(colours: BaseModel, source: str = "content/municipality.yml") -> str:
    """Each colour as a CSS variable: brand_dark becomes --brand-dark."""
    variables = ";".join(f"--{name.replace('_', '-')}:{value}" for name, value in colours.dict().items())
    return f"/* From {source} (colours). */\n:root{{{variables}}}\n"


async def theme(request: web.Request) -> web.Response:
    css = theme_css(request.app[CONTENT].municipality.colours)
    return web.Response(text=css, content_type="text/css", headers={"Cache-Control": "no-cache"})


def routes() -> list:
    return [web.get("/dashboard/theme.css", theme)]
