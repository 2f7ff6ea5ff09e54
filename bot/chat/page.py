"""The chat page in the municipality's look (content/web.yml).

/chat (and /) is rendered from templates/chat/chat.html with the service's
name, the municipality's name, the logo and the favicon, so the heading is
there before any script runs. The colours come from /chat/theme.css, after
/static/chat.css: the Content-Security-Policy allows no inline style.

The theme, the logo and the favicon are read once at start (content changes
need a restart, as everywhere). Each is served with an ETag and a day of
caching; the page links them with ?v=<etag>, so a changed file is fetched
at once after the restart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp_jinja2
from aiohttp import web

from bot.dashboard.theme import theme_css
from bot.keys import CONTENT, SETTINGS
from core.content import Content
from core.content.images import read_image

ASSET_CACHE = "public, max-age=86400"
# The page names its theme and images by version: always ask whether it changed.
PAGE_CACHE = "no-cache"


@dataclass(frozen=True)
class Asset:
    """A file the page links to, with its ETag."""

    body: bytes
    content_type: str
    etag: str
    width: int = 0
    height: int = 0

    @classmethod
    def of(cls, body: bytes, content_type: str, width: int = 0, height: int = 0) -> "Asset":
        return cls(body, content_type, hashlib.sha256(body).hexdigest()[:16], width, height)

    @property
    def suffix(self) -> str:
        return "svg" if self.content_type == "image/svg+xml" else "png"


@dataclass(frozen=True)
class Look:
    name: str
    municipality: str
    logo_alt: str
    theme: Asset
    # "logo" and "favicon", when web.yml names them.
    images: Dict[str, Asset]

    @property
    def logo(self) -> Optional[Asset]:
        return self.images.get("logo")

    @property
    def favicon(self) -> Optional[Asset]:
        return self.images.get("favicon")

    def url(self, what: str) -> Optional[str]:
        """Where the page finds the theme, the logo or the favicon (None: not set)."""
        if what == "theme":
            return f"/chat/theme.css?v={self.theme.etag}"
        image = self.images.get(what)
        return f"/chat/{what}.{image.suffix}?v={image.etag}" if image else None


LOOK = web.AppKey("chat_look", Look)


def build_look(content: Content, content_dir: Path) -> Look:
    """The look from checked content (the loader has checked the images)."""
    web_content = content.web
    images = {}
    for field in ("logo", "favicon"):
        name = getattr(web_content, field)
        if name:
            image = read_image(Path(content_dir) / name, field)
            images[field] = Asset.of(image.body, image.content_type, image.width, image.height)
    css = theme_css(web_content.colours, "content/web.yml").encode()
    return Look(
        name=web_content.name,
        municipality=content.municipality.name,
        logo_alt=web_content.logo_alt or content.municipality.name,
        theme=Asset.of(css, "text/css"),
        images=images,
    )


def setup(app: web.Application) -> None:
    app[LOOK] = build_look(app[CONTENT], app[SETTINGS].content_dir)


async def chat_page(request: web.Request) -> web.Response:
    look = request.app[LOOK]
    response = aiohttp_jinja2.render_template("chat/chat.html", request, {"look": look})
    response.headers["Cache-Control"] = PAGE_CACHE
    return response


def _cached(request: web.Request, asset: Asset) -> web.Response:
    headers = {"Cache-Control": ASSET_CACHE, "ETag": f'"{asset.etag}"'}
    if any(tag.value == asset.etag for tag in request.if_none_match or ()):
        return web.Response(status=304, headers=headers)
    return web.Response(body=asset.body, content_type=asset.content_type, headers=headers)


async def theme(request: web.Request) -> web.Response:
    response = _cached(request, request.app[LOOK].theme)
    if response.status == 200:
        response.charset = "utf-8"
    return response


async def image(request: web.Request) -> web.Response:
    asset = request.app[LOOK].images.get(request.match_info["what"])
    if asset is None or asset.suffix != request.match_info["suffix"]:
        raise web.HTTPNotFound()
    return _cached(request, asset)


def routes() -> List[web.RouteDef]:
    return [
        web.get("/", chat_page),
        web.get("/chat", chat_page),
        web.get("/chat/theme.css", theme),
        web.get(r"/chat/{what:logo|favicon}.{suffix:svg|png}", image),
    ]
