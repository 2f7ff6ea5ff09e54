"""The bot web service: health, a simple chat page, and the chat relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from pathlib import Path
from typing import AsyncIterator

import aiohttp
from aiohttp import web

from bot.chat.relay import ChatInputError, RasaUnavailable, parse_chat_message, send_to_rasa
from bot import errors, openapi, security
from bot.booking import routes as booking_routes
from bot.chat import page as chat_page
from bot.chat import routes as chat_routes
from bot.dashboard import routes as dashboard_routes
from bot.dashboard import rendering as dashboard_rendering
from bot.followups import routes as followup_routes
from bot.interests import routes as interest_routes
from bot.personal_data import erasure, retention
from bot.statistics import feedback as statistics_feedback
from bot.statistics import pages as statistics_pages
from bot.statistics import rollup
from bot.tickets import notify
from bot.tickets import routes as ticket_routes
from core.content import load_content
from bot.keys import ACCOUNTS, CONTENT, FEEDS, FOLLOWUPS, HTTP, INTERESTS, MAILER, SETTINGS, SMS, STORE, TICKETS
from bot.mail import mailer_from
from bot.personal_data.proofs import ProofStore
from bot.accounts.audit import AUDIT, AuditLog
from bot.sms import sms_sender_from
from bot.settings import Settings
from bot.accounts.store import AccountStore
from bot.booking.store import BookingStore
from bot.booking.feeds_store import FeedStore
from bot.followups.store import FollowupStore
from bot.interests.store import InterestStore
from bot.tickets.store import TicketStore
from bot.db.engine import create_engine, upgrade

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"



def phrase(request: web.Request, key: str, **values: object) -> str:
    return request.app[CONTENT].phrases.phrases[key].format(**values)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "municipality": request.app[CONTENT].municipality.name})


async def chat_message(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    try:
        body = await request.json() if request.content_type == "application/json" else None
    except (ValueError, RecursionError):
        body = None
    try:
        message = parse_chat_message(body, settings.max_message_length)
    except ChatInputError as error:
        text = phrase(request, error.phrase_key, max=settings.max_message_length)
        status = 415 if request.content_type != "application/json" else 400
        return web.json_response({"error": text, "messages": [{"text": text}]}, status=status)
    limits = request.app[security.LIMITS]
    security.spend(
        request, (limits.chat_sender, message.sender), (limits.chat_client, security.client_address(request))
    )
    try:
        replies = await send_to_rasa(request.app[HTTP], settings.rasa_url, message, settings.rasa_timeout_seconds)
    except RasaUnavailable as error:
        log.warning("Rasa unavailable: %s", error)
        text = phrase(request, "service_down", phone=request.app[CONTENT].municipality.phone)
        return web.json_response({"error": text, "messages": [{"text": text}]}, status=503)
    return web.json_response({"messages": replies})


async def _http_session(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession()
    yield
    await app[HTTP].close()


async def _database(app: web.Application) -> AsyncIterator[None]:
    url = app[SETTINGS].database_url
    # Migrations are synchronous (Alembic); run them off the event loop.
    await asyncio.get_running_loop().run_in_executor(None, upgrade, url)
    engine = create_engine(url)
    app[STORE] = BookingStore(engine)
    app[INTERESTS] = InterestStore(engine)
    app[ACCOUNTS] = AccountStore(engine, [c.id for c in app[CONTENT].booking.counsellors])
    app[FEEDS] = FeedStore(engine)
    app[TICKETS] = TicketStore(engine)
    app[FOLLOWUPS] = FollowupStore(engine)
    app[AUDIT] = AuditLog(engine)
    app[erasure.PROOFS] = ProofStore(engine, app[SETTINGS].proof_secret or secrets.token_hex(32))
    yield
    await engine.dispose()


async def _retention(app: web.Application) -> AsyncIterator[None]:
    """Delete what is due now and then every interval, while the service runs."""
    settings = app[SETTINGS]
    tracker = app.get(erasure.TRACKER)

    async def run_once() -> None:
        try:
            # The finished days are counted before their conversations can be deleted.
            await rollup.run_due(app[STORE].engine, tracker, app[CONTENT].booking.timezone)
        except Exception as error:  # noqa: BLE001 - keep the service up; try again next round
            # Only the error's type: a database error's text may quote a message.
            log.error("Statistics roll-up failed: %s", type(error).__name__)
        try:
            await retention.purge(app[STORE].engine, tracker, app[CONTENT].privacy.retention_days)
        except Exception:  # noqa: BLE001 - keep the service up; try again next round
            log.exception("Retention run failed")

    async def loop() -> None:
        while True:
            await asyncio.sleep(settings.retention_interval_seconds)
            await run_once()

    await run_once()  # at start-up, before serving
    task = asyncio.create_task(loop())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def create_app(settings: Settings) -> web.Application:
    """Build the app. Content is loaded (and validated) here, not at import."""
    # A handed-over question carries up to 40 turns of 1000 characters (JSON-escaped);
    # 256 KiB holds that, and still stops anything much larger.
    settings.check()
    app = web.Application(client_max_size=256 * 1024, middlewares=[errors.database_down])
    app[SETTINGS] = settings
    app[CONTENT] = load_content(settings.content_dir)
    security.setup(app, settings)
    dashboard_rendering.setup(app)
    chat_page.setup(app)
    statistics_feedback.setup(app)
    mailer = mailer_from(settings)
    if mailer is not None:
        app[MAILER] = mailer
    sms = sms_sender_from(settings)
    if sms is not None:
        app[SMS] = sms
    app.cleanup_ctx.append(_http_session)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(erasure.tracker_engine)
    app.cleanup_ctx.append(_retention)
    app.cleanup_ctx.append(notify.pending_notices)
    app.add_routes(
        [
            web.get("/health", health),
            *chat_page.routes(),
            web.post("/chat/message", chat_message),
            web.static("/static", STATIC_DIR),
            *chat_routes.routes(),
            *booking_routes.routes(),
            *interest_routes.routes(),
            *openapi.routes(),
            *erasure.routes(),
            *ticket_routes.routes(),
            *followup_routes.routes(),
            *dashboard_routes(),
            *statistics_pages.routes(),
            *statistics_feedback.routes(),
        ]
    )
    return app
