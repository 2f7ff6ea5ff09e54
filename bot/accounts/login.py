"""Logging in and out of the counsellor dashboard."""

from __future__ import annotations

import secrets

import aiohttp_jinja2
from aiohttp import web

from bot.dashboard.common import COOKIE_PATH, SESSION_COOKIE, checked_form, refused, same, set_cookie
from bot.keys import ACCOUNTS
from core.ratelimit import retry_after_header
from bot.security import LIMITS, client_address
from bot.accounts.store import SESSION_LENGTH

LOGIN_CSRF_COOKIE = "vv_login_csrf"
TOO_MANY_LOGINS = "Du har försökt logga in för många gånger. Vänta en stund och försök igen."


async def login_form(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    token = secrets.token_urlsafe(32)
    context = {"csrf_token": token, "message": message, "session": None}
    response = aiohttp_jinja2.render_template("accounts/login.html", request, context, status=status)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


async def show_login(request: web.Request) -> web.Response:
    return await login_form(request)


async def do_login(request: web.Request) -> web.Response:
    form = await request.post()
    if not same(form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return refused(request)
    username = str(form.get("username", ""))
    limits = request.app[LIMITS]
    # Failed logins are limited per user name and per client; while a limit
    # holds, even the right password is refused, or guessing would go on.
    keys = ((limits.login_user, username.strip().lower()), (limits.login_client, client_address(request)))
    wait = max(bucket.retry_after(key) for bucket, key in keys) if limits.enabled else 0
    if wait > 0:
        response = await login_form(request, TOO_MANY_LOGINS, status=429)
        response.headers["Retry-After"] = retry_after_header(wait)
        return response
    user = await request.app[ACCOUNTS].check_password(username, str(form.get("password", "")))
    if user is None:
        for bucket, key in keys:
            bucket.take(key)
        return await login_form(request, "Fel användarnamn eller lösenord.", status=401)
    token = await request.app[ACCOUNTS].start_session(user)
    response = web.HTTPFound("/dashboard")
    set_cookie(request, response, SESSION_COOKIE, token, int(SESSION_LENGTH.total_seconds()))
    response.del_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
    raise response


async def logout(request: web.Request) -> web.Response:
    await checked_form(request)
    await request.app[ACCOUNTS].end_session(request.cookies[SESSION_COOKIE])
    response = web.HTTPFound("/dashboard/login")
    response.del_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    raise response


def routes() -> list:
    return [
        web.get("/dashboard/login", show_login),
        web.post("/dashboard/login", do_login),
        web.post("/dashboard/logout", logout),
    ]
