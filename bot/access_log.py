"""An access log without personal data.

aiohttp's own access log writes the request line: query strings carry
contacts and calendar tokens (`?contact=…`, `?token=…`) and paths carry
reference codes and follow-up tokens. Retention and erasure never reach a log
file, so nothing of that may be written. This logger writes the route's
pattern instead of the path (`/api/bookings/{reference}`), never the query,
and no client address: method, pattern, status, size and time.
"""

from __future__ import annotations

import logging

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

# A request that matched no route: its path may still hold a code or token.
UNMATCHED = "(no route)"


def route_pattern(request: BaseRequest) -> str:
    """The matched route's pattern, never the concrete path or its query."""
    match_info = getattr(request, "match_info", None)
    route = getattr(match_info, "route", None)
    resource = getattr(route, "resource", None)
    if resource is None:
        return UNMATCHED
    canonical = resource.canonical
    # A static resource's canonical is its prefix; the file name is harmless
    # but keep the log to the prefix, as for every other route.
    return canonical or UNMATCHED


class RedactingAccessLogger(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        if not self.logger.isEnabledFor(logging.INFO):
            return
        self.logger.info(
            "%s %s %s %s %.1fms",
            request.method,
            route_pattern(request),
            response.status,
            response.body_length,
            time * 1000,
        )
