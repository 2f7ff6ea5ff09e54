"""What every dashboard page shares: the page frame, the session cookie,
login checks and CSRF checks.

Sessions live in the database (only a hash of the cookie token); the cookie
is HttpOnly and SameSite=Strict (and Secure when settings say so). Every
form carries a CSRF token: the session's, or before login a random token
that must match a cookie (double submit).
"""

from __future__ import annotations

import hmac
from html import escape
from typing import Optional

from aiohttp import web

from bot.keys import ACCOUNTS, SETTINGS
from bot.accounts.store import Session

SESSION_COOKIE = "vv_session"
COOKIE_PATH = "/dashboard"

_NAV = [
    ("/dashboard", "Bokningar"),
    ("/dashboard/inbox", "Frågor från chatten"),
    ("/dashboard/interests", "Intresseanmälningar"),
    ("/dashboard/blocks", "Blockera tider"),
    ("/dashboard/calendar", "Kalender"),
    ("/dashboard/person", "En persons uppgifter"),
    ("/dashboard/followup", "Uppföljningslänk"),
]

def page(title: str, body: str, status: int = 200, session: Optional[Session] = None) -> web.Response:
    nav = ""
    if session is not None:
        links = "".join(f'<li><a href="{href}">{escape(label)}</a></li>' for href, label in _NAV)
        nav = f"""<nav aria-label="Meny"><ul>{links}</ul></nav>
<form method="post" action="/dashboard/logout"><input type="hidden" name="csrf_token" value="{escape(session.csrf_token)}">
<p>Inloggad som {escape(session.user.username)}. <button type="submit">Logga ut</button></p></form>"""
    html = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – Vårdvägen</title><link rel="stylesheet" href="/static/dashboard.css">
</head><body><header>{nav}</header><main><h1>{escape(title)}</h1>{body}</main></body></html>"""
    return web.Response(text=html, content_type="text/html", status=status)


def refused(status: int = 403) -> web.Response:
    return page("Något gick fel", "<p>Formuläret är för gammalt. Ladda om sidan och försök igen.</p>", status=status)


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
        raise web.HTTPForbidden(text=refused().text, content_type="text/html")
    return session, form


def csrf_field(session: Session) -> str:
    return f'<input type="hidden" name="csrf_token" value="{escape(session.csrf_token)}">'


def counsellor_names(content) -> dict:
    return {c.id: c.name for c in content.booking.counsellors}
