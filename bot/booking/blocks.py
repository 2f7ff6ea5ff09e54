"""Blocking times: a counsellor closes their own calendar (a course, a
holiday); an admin may do it for anyone. Blocked times are never offered."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape
from typing import Optional
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.dashboard.common import checked_form, counsellor_names, csrf_field, page, require_session
from bot.keys import CONTENT, STORE
from bot.accounts.store import Session
from core.dates import format_slot

LONGEST_BLOCK = timedelta(days=92)


class BlockInputError(ValueError):
    pass


def may_change(session: Session, counsellor_id: str) -> bool:
    return session.user.is_admin or session.user.counsellor_id == counsellor_id


def parse_block(form, tz: ZoneInfo, now: datetime) -> tuple:
    """(start, end) in UTC from the form's local dates and times."""
    try:
        start = datetime.fromisoformat(f"{form.get('start_date')}T{form.get('start_time')}").replace(tzinfo=tz)
        end = datetime.fromisoformat(f"{form.get('end_date') or form.get('start_date')}T{form.get('end_time')}").replace(
            tzinfo=tz
        )
    except (TypeError, ValueError):
        raise BlockInputError("Skriv datum och tid, till exempel 2026-12-03 och 13:00.") from None
    if end <= start:
        raise BlockInputError("Sluttiden måste vara efter starttiden.")
    if end <= now:
        raise BlockInputError("Tiden har redan varit.")
    if end - start > LONGEST_BLOCK:
        raise BlockInputError("Du kan blockera högst 92 dagar i taget.")
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _choices(session: Session, content) -> str:
    names = counsellor_names(content)
    ids = list(names) if session.user.is_admin else [session.user.counsellor_id]
    options = "".join(f'<option value="{escape(i)}">{escape(names.get(i, i))}</option>' for i in ids if i)
    return f'<label for="counsellor_id">Vägledare</label><select id="counsellor_id" name="counsellor_id">{options}</select>'


async def _render(request: web.Request, session: Session, message: str = "", status: int = 200) -> web.Response:
    content = request.app[CONTENT]
    tz = ZoneInfo(content.booking.timezone)
    names = counsellor_names(content)
    mine = None if session.user.is_admin else session.user.counsellor_id
    blocks = await request.app[STORE].blocks(mine, datetime.now(timezone.utc))
    rows = "".join(
        f"<tr><td>{escape(names.get(b.counsellor_id, b.counsellor_id))}</td><td>{escape(format_slot(b.starts_at, tz))}</td>"
        f"<td>{escape(format_slot(b.ends_at, tz))}</td><td>{escape(b.note)}</td><td>"
        f'<form method="post" action="/dashboard/blocks/{b.id}/delete">{csrf_field(session)}'
        f'<button type="submit">Ta bort</button></form></td></tr>'
        for b in blocks
    )
    table = (
        "<table><thead><tr><th>Vägledare</th><th>Från</th><th>Till</th><th>Anteckning</th><th></th></tr></thead>"
        f"<tbody>{rows}</tbody></table>" if blocks else "<p>Inga blockerade tider.</p>"
    )
    notice = f'<p role="status">{escape(message)}</p>' if message else ""
    form = f"""<h2>Blockera en tid</h2><form method="post" action="/dashboard/blocks">{csrf_field(session)}
{_choices(session, content) if session.user.is_admin or session.user.counsellor_id else ""}
<label for="start_date">Från datum</label><input id="start_date" name="start_date" type="date" required>
<label for="start_time">Från klockan</label><input id="start_time" name="start_time" type="time" required>
<label for="end_date">Till datum (tomt = samma dag)</label><input id="end_date" name="end_date" type="date">
<label for="end_time">Till klockan</label><input id="end_time" name="end_time" type="time" required>
<label for="note">Anteckning (syns bara här)</label><input id="note" name="note" maxlength="200">
<p><button type="submit">Blockera</button></p></form>"""
    return page("Blockera tider", notice + table + form, status=status, session=session)


async def show(request: web.Request) -> web.Response:
    return await _render(request, await require_session(request))


async def add(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    content = request.app[CONTENT]
    counsellor_id = str(form.get("counsellor_id") or session.user.counsellor_id or "")
    if counsellor_id not in counsellor_names(content):
        return await _render(request, session, "Välj en vägledare.", status=400)
    if not may_change(session, counsellor_id):
        return await _render(request, session, "Du kan bara blockera dina egna tider.", status=403)
    try:
        start, end = parse_block(form, ZoneInfo(content.booking.timezone), datetime.now(timezone.utc))
    except BlockInputError as error:
        return await _render(request, session, str(error), status=400)
    store = request.app[STORE]
    await store.add_block(counsellor_id, start, end, str(form.get("note") or "")[:200])
    booked = await store.between(counsellor_id, start, end)
    message = "Tiden är blockerad."
    if booked:
        message += f" Obs! {len(booked)} bokade möten ligger på den tiden. De är kvar: kontakta personerna."
    return await _render(request, session, message)


async def remove(request: web.Request) -> web.Response:
    session, _form = await checked_form(request)
    block_id: Optional[int] = int(request.match_info["id"])
    block = await request.app[STORE].block(block_id)
    if block is None:
        return await _render(request, session, "Den blockeringen finns inte längre.", status=404)
    if not may_change(session, block.counsellor_id):
        return await _render(request, session, "Du kan bara ändra dina egna tider.", status=403)
    await request.app[STORE].delete_block(block.id)
    return await _render(request, session, "Blockeringen är borttagen.")


def routes() -> list:
    return [
        web.get("/dashboard/blocks", show),
        web.post("/dashboard/blocks", add),
        web.post(r"/dashboard/blocks/{id:\d+}/delete", remove),
    ]
