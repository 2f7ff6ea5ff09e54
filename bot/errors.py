"""When the database is down, say so in Swedish instead of a bare 500.

A request that fails because the database cannot be reached gets 503 with
the municipality's phone number (JSON for the API and the chat, a page for
the dashboard). Nothing is half-saved: every write is one transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Awaitable, Callable

from aiohttp import web
from asyncpg.exceptions import InterfaceError as PgInterfaceError
from asyncpg.exceptions import PostgresConnectionError
from asyncpg.exceptions._base import InternalClientError
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.access_log import route_pattern
from bot.keys import CONTENT

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# What a lost database looks like from the drivers (asyncpg fails while
# connecting before SQLAlchemy wraps it) and the OS.
DRIVER_DOWN = (
    PostgresConnectionError, PgInterfaceError, InternalClientError, sqlite3.OperationalError,
    ConnectionError, TimeoutError,
)


def database_unreachable(error: BaseException) -> bool:
    """True for a lost or refused connection; False for a bug or a constraint."""
    if isinstance(error, IntegrityError):
        return False
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or isinstance(error.orig, DRIVER_DOWN) or "connect" in str(error.orig).lower()
    if isinstance(error, DRIVER_DOWN):
        return True
    # asyncpg's "not accepting connections" and "cannot connect now" while the server stops or starts.
    return type(error).__module__.startswith("asyncpg") and "connect" in str(error).lower()


@web.middleware
async def database_down(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as error:
        if not database_unreachable(error):
            raise
        log.error("Database unavailable during %s %s: %s", request.method, route_pattern(request), type(error).__name__)
        content = request.app[CONTENT]
        text = content.phrases.phrases["service_down"].format(phone=content.municipality.phone)
        headers = {"Retry-After": "30"}
        if request.path.startswith("/dashboard"):
            from bot.dashboard.common import message_page  # the dashboard's page frame

            response = message_page(request, "Tjänsten fungerar inte just nu", text, status=503)
            response.headers.update(headers)
            return response
        return web.json_response({"error": "service_unavailable", "message": text}, status=503, headers=headers)
