"""Counsellor dashboard (server-rendered): login, bookings, logout.

Sessions live in the database (only a hash of the cookie token); the cookie
is HttpOnly and SameSite=Strict (and Secure when settings say so). Every
form carries a CSRF token: the session's, or before login a random token
that must match a cookie (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timezone
from html import escape
from typing import Iterable, Optional
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.keys import ACCOUNTS, CONTENT, SETTINGS, STORE
from bot.store.accounts import SESSION_LENGTH, Session
from bot.swedish import format_slot

SESSION_COOKIE = "vv_session"
LOGIN_CSRF_COOKIE = "vv_login_csrf"


def page(title: str, body: str, status: int = 200) -> web.Response:
    html = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – Vårdvägen</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #767676;padding:.4rem;text-align:left}}
label{{display:block;margin-top:.6rem}}input,button{{font-size:1rem;padding:.4rem}}:focus-visible{{outline:3px solid #c45500}}</style>
</head><body><main><h1>{escape(title)}</h1>{body}</main></body></html>"""
    return web.Response(text=html, content_type="text/html", status=status)


def _same(a: Optional[str], b: Optional[str]) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="Strict",
        secure=request.app[SETTINGS].secure_cookies, path="/dashboard",
    )


async def current_session(request: web.Request) -> Optional[Session]:
    return await request.app[ACCOUNTS].session(request.cookies.get(SESSION_COOKIE))


async def login_form(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    token = secrets.token_urlsafe(32)
    notice = f'<p role="alert">{escape(message)}</p>' if message else ""
    response = page(
        "Logga in",
        f"""{notice}<form method="post" action="/dashboard/login">
<input type="hidden" name="csrf_token" value="{token}">
<label for="username">Användarnamn</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Lösenord</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">Logga in</button></p></form>""",
        status=status,
    )
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


async def show_login(request: web.Request) -> web.Response:
    return await login_form(request)


async def do_login(request: web.Request) -> web.Response:
    form = await request.post()
    if not _same(form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return page("Något gick fel", "<p>Formuläret är för gammalt. Ladda om sidan och försök igen.</p>", status=403)
    user = await request.app[ACCOUNTS].check_password(str(form.get("username", "")), str(form.get("password", "")))
    if user is None:
        return await login_form(request, "Fel användarnamn eller lösenord.", status=401)
    token = await request.app[ACCOUNTS].start_session(user)
    response = web.HTTPFound("/dashboard")
    _set_cookie(request, response, SESSION_COOKIE, token, int(SESSION_LENGTH.total_seconds()))
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/dashboard")
    raise response


def _rows(bookings: Iterable, content) -> str:
    tz = ZoneInfo(content.booking.timezone)
    names = {c.id: c.name for c in content.booking.counsellors}
    kinds = {t.id: t.label for t in content.booking.meeting_types}
    return "".join(
        f"<tr><td>{escape(format_slot(b.starts_at, tz))}</td><td>{escape(names.get(b.counsellor_id, b.counsellor_id))}</td>"
        f"<td>{escape(kinds.get(b.meeting_type, b.meeting_type))}</td><td>{escape(b.first_name)}</td>"
        f"<td>{escape(b.contact)}</td><td>{escape(b.interpreter or '')}</td><td>{escape(b.reference)}</td></tr>"
        for b in bookings
    )


async def overview(request: web.Request) -> web.Response:
    session = await current_session(request)
    if session is None:
        raise web.HTTPFound("/dashboard/login")
    content = request.app[CONTENT]
    mine = None if session.user.is_admin else session.user.counsellor_id
    bookings = await request.app[STORE].upcoming(mine, datetime.now(timezone.utc))
    table = (
        "<table><thead><tr><th>Tid</th><th>Vägledare</th><th>Sätt</th><th>Förnamn</th><th>Kontakt</th>"
        f"<th>Tolk</th><th>Kod</th></tr></thead><tbody>{_rows(bookings, content)}</tbody></table>"
        if bookings else "<p>Inga bokade tider.</p>"
    )
    return page(
        "Bokningar",
        f"""<p>Inloggad som {escape(session.user.username)}.</p>{table}
<form method="post" action="/dashboard/logout"><input type="hidden" name="csrf_token" value="{escape(session.csrf_token)}">
<p><button type="submit">Logga ut</button></p></form>""",
    )


async def logout(request: web.Request) -> web.Response:
    session = await current_session(request)
    form = await request.post()
    if session is None or not _same(form.get("csrf_token"), session.csrf_token):
        return page("Något gick fel", "<p>Formuläret är för gammalt. Ladda om sidan och försök igen.</p>", status=403)
    await request.app[ACCOUNTS].end_session(request.cookies[SESSION_COOKIE])
    response = web.HTTPFound("/dashboard/login")
    response.del_cookie(SESSION_COOKIE, path="/dashboard")
    raise response


def routes() -> list:
    return [
        web.get("/dashboard", overview),
        web.get("/dashboard/login", show_login),
        web.post("/dashboard/login", do_login),
        web.post("/dashboard/logout", logout),
    ]
