"""Export one person's data when they ask for it (a counsellor does it for them)."""

from __future__ import annotations

import json
import logging

import aiohttp_jinja2
from aiohttp import web

from core.contact import normalize_contact
from bot.accounts import audit
from bot.dashboard.common import checked_form, require_session
from bot.personal_data.export import collect
from bot.accounts.store import Session

log = logging.getLogger(__name__)


def _render(request: web.Request, session: Session, message: str = "", status: int = 200) -> web.Response:
    context = {"session": session, "message": message}
    return aiohttp_jinja2.render_template("personal_data/person.html", request, context, status=status)


async def show(request: web.Request) -> web.Response:
    return _render(request, await require_session(request))


async def export(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    contact = normalize_contact(str(form.get("contact") or ""))
    if not contact:
        return _render(request, session, "Skriv ett telefonnummer eller en e-post.", status=400)
    data = await collect(request.app, contact)
    await audit.record(request, session, "export_person", audit.masked_contact(contact))
    # Who exported how much, never whose data: the log must not hold the contact.
    log.info(
        "Person data exported by %s: %d bookings, %d interests, %d tickets",
        session.user.username, len(data["bookings"]), len(data["interests"]), len(data["tickets"]),
    )
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="uppgifter.json"', "Cache-Control": "no-store"},
    )


def routes() -> list:
    return [web.get("/dashboard/person", show), web.post("/dashboard/person", export)]
