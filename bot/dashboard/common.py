"""What every dashboard page shares: the session cookie, login checks, CSRF
checks and the one-paragraph message page. The page frame itself is the
template dashboard/base.html (see bot/dashboard/rendering.py).

Sessions live in the database (only a hash of the cookie token); the cookie
is HttpOnly and SameSite=Strict (and Secure when settings say so). Every
form carries a CSRF token: the session's, or before login a random token
that must match a cookie (double submit).
"""

from __future__ import annotations

import hmac
from datetime import date, datetime
from typing import Optional
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from bot.keys import ACCOUNTS, SETTINGS
from bot.accounts.store import Session
from core.dates import format_short, format_short_day

SESSION_COOKIE = "vv_session"
COOKIE_PATH = "/dashboard"

MESSAGE_TEMPLATE = "dashboard/message.html"
REFUSED_TITLE = "Något gick fel"
REFUSED_TEXT = "Formuläret är för gammalt. Ladda om sidan och försök igen."


def _message_context(title: str, text: str, session: Optional[Session]) -> dict:
    return {"title": title, "text": text, "session": session}


def message_page(
    request: web.Request, title: str, text: str, status: int = 200, session: Optional[Session] = None
) -> web.Response:
    """A dashboard page with a title and one paragraph."""
    return aiohttp_jinja2.render_template(
        MESSAGE_TEMPLATE, request, _message_context(title, text, session), status=status
    )


def message_error(
    error: type, request: web.Request, title: str, text: str, session: Optional[Session] = None
) -> web.HTTPException:
    """The same page as an HTTP error to raise (error is e.g. web.HTTPNotFound)."""
    html = aiohttp_jinja2.render_string(MESSAGE_TEMPLATE, request, _message_context(title, text, session))
    return error(text=html, content_type="text/html")


def refused(request: web.Request, status: int = 403) -> web.Response:
    return message_page(request, REFUSED_TITLE, REFUSED_TEXT, status=status)


def same(a: Optional[str], b: Optional[str]) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="Strict",
        secure=request.app[SETTINGS].secure_cookies, path=COOKIE_PATH,
    )


async def current_session(request: web.Request) -> Optional[Session]:
    return await request.app[ACCOUNTS].session(request.cookies.get(SESSION_COOKIE))


async def require_session(request: web.Request) -> Session:
    """The logged-in counsellor, or a redirect to the login page."""
    session = await current_session(request)
    if session is None:
        raise web.HTTPFound("/dashboard/login")
    return session


async def checked_form(request: web.Request) -> tuple:
    """(session, form) for a POST whose CSRF token matches the session's.

    Raises a 403 page otherwise, and the login redirect without a session."""
    session = await require_session(request)
    form = await request.post()
    if not same(form.get("csrf_token"), session.csrf_token):
        raise message_error(web.HTTPForbidden, request, REFUSED_TITLE, REFUSED_TEXT)
    return session, form


def counsellor_names(content) -> dict:
    return {c.id: c.name for c in content.booking.counsellors}


def local_time(content, moment: datetime) -> str:
    """The dashboard's one way to show a time: "mån 7 dec kl. 09.00"."""
    return format_short(moment, ZoneInfo(content.booking.timezone))


def local_day(content, day: date) -> str:
    """A day without a time, in the same words: "mån 7 dec"."""
    return format_short_day(day, datetime.now(ZoneInfo(content.booking.timezone)).date())


def own_counsellor(session: Session) -> Optional[str]:
    """Whose bookings the account sees: its counsellor's, or (None) everyone's for an admin."""
    return None if session.user.is_admin else session.user.counsellor_id
