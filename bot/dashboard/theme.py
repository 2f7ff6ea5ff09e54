"""The dashboard in the municipality's colours (content/municipality.yml).

Served as a style sheet of its own, /dashboard/theme.css, after
/static/dashboard.css: the page keeps no inline style (the CSP forbids it)
and the colours need no rebuild. The content loader has checked their
contrast (core/content/model.py Colours)."""

from __future__ import annotations

from aiohttp import web

from bot.keys import CONTENT


def theme_css(colours) -> str:
    return (
        "/* From content/municipality.yml (colours). */\n"
        f":root{{--brand:{colours.brand};--on-brand:{colours.on_brand};--focus:{colours.focus}}}\n"
    )


async def theme(request: web.Request) -> web.Response:
    css = theme_css(request.app[CONTENT].municipality.colours)
    return web.Response(text=css, content_type="text/css", headers={"Cache-Control": "no-cache"})


def routes() -> list:
    return [web.get("/dashboard/theme.css", theme)]
