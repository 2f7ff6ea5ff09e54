"""Interest registrations per job track, with a CSV export.

Every counsellor sees them: a track is not one counsellor's. The CSV uses
semicolons and a byte-order mark, which Swedish spreadsheet programs expect,
and cells that a spreadsheet would run as a formula are made plain text.
"""

from __future__ import annotations

import csv
import io
from typing import List
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from bot.accounts import audit
from bot.dashboard.common import local_time, require_session
from bot.keys import CONTENT, INTERESTS
from bot.interests.store import Interest
from core.content.model import ANSWER_SCALES

_ANSWER_COLUMNS = [
    ("sfi_level", "Svenska"),
    ("education", "Utbildning"),
    ("experience", "Erfarenhet"),
    ("age", "Ålder"),
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _track(request: web.Request):
    track_id = request.match_info["track"]
    track = next((t for t in request.app[CONTENT].tracks.tracks if t.id == track_id), None)
    if track is None:
        raise web.HTTPNotFound(text="Det jobbspåret finns inte.")
    return track


def _answer_labels(content, interest: Interest) -> List[str]:
    labels = []
    for key, _title in _ANSWER_COLUMNS:
        value = interest.answers.get(key, "")
        if key in ANSWER_SCALES and value:
            value = next((lvl.label for lvl in content.levels.scale(key) if lvl.id == value), value)
        labels.append(value)
    return labels


def _row(content, interest: Interest, for_page: bool = True) -> List[str]:
    """The page shows the dashboard's date format; the CSV a sortable one for spreadsheets."""
    tz = ZoneInfo(content.booking.timezone)
    if for_page:
        registered = local_time(content, interest.created_at)
    else:
        registered = interest.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return [registered, interest.first_name, interest.contact, *_answer_labels(content, interest), interest.reference]


def _headers() -> List[str]:
    return ["Anmäld", "Förnamn", "Kontakt", *[title for _k, title in _ANSWER_COLUMNS], "Kod"]


async def overview(request: web.Request) -> web.Response:
    session = await require_session(request)
    counts = await request.app[INTERESTS].counts()
    tracks = [(t, counts.get(t.id, 0)) for t in request.app[CONTENT].tracks.tracks]
    return aiohttp_jinja2.render_template("interests/overview.html", request, {"session": session, "tracks": tracks})


async def track_page(request: web.Request) -> web.Response:
    session = await require_session(request)
    content = request.app[CONTENT]
    track = _track(request)
    interests = await request.app[INTERESTS].for_track(track.id)
    await audit.record(request, session, "view_interests", track.id)
    context = {
        "session": session,
        "track": track,
        "headers": _headers(),
        "rows": [_row(content, i) for i in interests],
    }
    return aiohttp_jinja2.render_template("interests/track.html", request, context)


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


async def track_csv(request: web.Request) -> web.Response:
    session = await require_session(request)
    content = request.app[CONTENT]
    track = _track(request)
    await audit.record(request, session, "export_interests", track.id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_headers())
    for interest in await request.app[INTERESTS].for_track(track.id):
        writer.writerow([_cell(value) for value in _row(content, interest, for_page=False)])
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="intresse-{track.id}.csv"',
            "Cache-Control": "no-store",
        },
    )


def routes() -> list:
    return [
        web.get("/dashboard/interests", overview),
        web.get(r"/dashboard/interests/{track:[a-z0-9_-]+}.csv", track_csv),
        web.get(r"/dashboard/interests/{track:[a-z0-9_-]+}", track_page),
    ]
