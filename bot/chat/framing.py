"""May a page show the chat in a frame? The answer of GET /chat/embed-check.

The widget (bot/static/embed.js) asks before it frames /chat, so a site that
is not listed gets a clear message instead of a grey, broken frame. The
answer comes from the list HeaderPolicy puts into /chat's frame-ancestors
(VARDVAGEN_ALLOWED_ORIGINS and VARDVAGEN_EMBED_ORIGINS) and the service's own
address, matched the way browsers match a host-source (CSP Level 3): the host
exactly (no wildcards: the settings allow none), an http:// entry also lets
the https:// page of the same host in, and an entry without a port means the
scheme's default port.

Nothing here is secret: the list is in /chat's Content-Security-Policy for
anyone to read. The answer only repeats the origin it was asked about, in its
normalised form, and names the setting.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, NamedTuple, Optional

SETTING = "VARDVAGEN_EMBED_ORIGINS"
# An origin is short; a longer value is not one.
MAX_ORIGIN_LENGTH = 300
DEFAULT_PORTS = {"http": 80, "https": 443}
_ORIGIN = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9](?:[a-z0-9.\-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::(?P<port>\d{1,5}))?",
    re.IGNORECASE,
)


class Origin(NamedTuple):
    scheme: str
    host: str
    port: Optional[int]  # None: none written (a page's origin: the scheme's default)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}" + ("" if self.port is None else f":{self.port}")


def parse_origin(text: str) -> Optional[Origin]:
    """scheme://host[:port] with nothing else (no path, user or query), or None."""
    if not text or len(text) > MAX_ORIGIN_LENGTH:
        return None
    match = _ORIGIN.fullmatch(text)
    if not match:
        return None
    port = int(match["port"]) if match["port"] else None
    if port is not None and not 0 < port < 65536:
        return None
    return Origin(match["scheme"].lower(), match["host"].lower(), port)


def page_origin(text: str) -> Optional[Origin]:
    """A page's origin as a browser serialises it: a default port is not written."""
    origin = parse_origin(text)
    if origin and origin.port == DEFAULT_PORTS[origin.scheme]:
        return origin._replace(port=None)
    return origin


def source_matches(source: Origin, page: Origin) -> bool:
    """CSP Level 3 host-source matching, for the sources our settings allow (no wildcards)."""
    if not (source.scheme == page.scheme or (source.scheme == "http" and page.scheme == "https")):
        return False
    if source.host != page.host:
        return False
    if source.port == page.port:
        return True
    if page.port is None and source.port == DEFAULT_PORTS[page.scheme]:
        return True
    # Chromium also upgrades an explicit :80 to https' default port. Saying "may"
    # where a browser says no costs less: the widget still notices the refusal.
    return source.scheme == "http" and source.port == 80 and page.scheme == "https" and page.port is None


def may_frame(page: Origin, sources: Iterable[str]) -> bool:
    return any(source_matches(parsed, page) for parsed in map(parse_origin, sources) if parsed)


def answer(asked: str, sources: Iterable[str]) -> Optional[Dict[str, Any]]:
    """The check's JSON for the origin asked about, or None when it is no origin.

    "null" is the origin of a page opened from a file or in a sandboxed frame:
    no list can let it frame the chat."""
    if asked == "null":
        return {"allowed": False, "origin": "null", "setting": SETTING}
    page = page_origin(asked)
    if page is None:
        return None
    return {"allowed": may_frame(page, sources), "origin": str(page), "setting": SETTING}
