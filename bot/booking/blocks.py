"""Blocking times: a counsellor closes their own calendar (a course, a
holiday); an admin may do it for anyone. Blocked times are never offered."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from bot.http import EARLIEST_YEAR, LATEST_YEAR
from bot.dashboard.common import checked_form, counsellor_names, local_time, require_session
from bot.keys import CONTENT, STORE
from bot.accounts.store import Session
from core.privacy import clean_message

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
    if not (EARLIEST_YEAR <= start.year <= LATEST_YEAR and EARLIEST_YEAR <= end.year <= LATEST_YEAR):
        # Year 1 or 9999 overflowed when converted to UTC (a 500).
        raise BlockInputError(f"Välj ett datum mellan år {EARLIEST_YEAR} och {LATEST_YEAR}.")
    if end <= start:
        raise BlockInputError("Sluttiden måste vara efter starttiden.")
    if end <= now:
        raise BlockInputError("Tiden har redan varit.")
    if end - start > LONGEST_BLOCK:
        raise BlockInputError("Du kan blockera högst 92 dagar i taget.")
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def choices(session: Session, content) -> List[Tuple[str, str]]:
    """(counsellor id, name) the form offers: everyone for an admin, else only oneself."""
    names = counsellor_names(content)
    ids = list(names) if session.user.is_admin else [session.user.counsellor_id]
    return [(i, names.get(i, i)) for i in ids if i]


async def page_data(request: web.Request, session: Session, message: str = "") -> dict:
    """What the blocks page shows: the blocked times, in words, and the form's choices."""
    content = request.app[CONTENT]
    names = counsellor_names(content)
    mine = None if session.user.is_admin else session.user.counsellor_id
    blocks = await request.app[STORE].blocks(mine, datetime.now(timezone.utc))
    rows = [
        {
            "id": b.id,
            "counsellor": names.get(b.counsellor_id, b.counsellor_id),
            "starts": local_time(content, b.starts_at),
            "ends": local_time(content, b.ends_at),
            "note": b.note,
        }
        for b in blocks
    ]
    choose = session.user.is_admin or bool(session.user.counsellor_id)
    return {"session": session, "message": message, "rows": rows, "choose": choose, "choices": choices(session, content)}


async def _render(request: web.Request, session: Session, message: str = "", status: int = 200) -> web.Response:
    context = await page_data(request, session, message)
    return aiohttp_jinja2.render_template("booking/blocks.html", request, context, status=status)


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
    # A note is free text: no personnummer or card number is kept (a phone number may be).
    note = clean_message(str(form.get("note") or "")[:200], contact_expected=True).text
    await store.add_block(counsellor_id, start, end, note)
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
