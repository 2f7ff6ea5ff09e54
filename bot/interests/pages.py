"""Interest registrations per job track, with a CSV export.

Every counsellor sees them: a track is not one counsellor's. The CSV uses
semicolons and a byte-order mark, which Swedish spreadsheet programs expect,
and cells that a spreadsheet would run as a formula are made plain text.
"""

from __future__ import annotations

import csv
import io
from html import escape
from typing import List
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.dashboard.common import page, require_session
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


def _row(content, interest: Interest) -> List[str]:
    tz = ZoneInfo(content.booking.timezone)
    registered = interest.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return [registered, interest.first_name, interest.contact, *_answer_labels(content, interest), interest.reference]


def _headers() -> List[str]:
    return ["Anmäld", "Förnamn", "Kontakt", *[title for _k, title in _ANSWER_COLUMNS], "Kod"]


async def overview(request: web.Request) -> web.Response:
    session = await require_session(request)
    counts = await request.app[INTERESTS].counts()
    rows = "".join(
        f'<tr><td><a href="/dashboard/interests/{escape(t.id)}">{escape(t.name)}</a></td><td>{counts.get(t.id, 0)}</td></tr>'
        for t in request.app[CONTENT].tracks.tracks
    )
    body = f"<table><thead><tr><th>Jobbspår</th><th>Anmälda</th></tr></thead><tbody>{rows}</tbody></table>"
    return page("Intresseanmälningar", body, session=session)


async def track_page(request: web.Request) -> web.Response:
    session = await require_session(request)
    content = request.app[CONTENT]
    track = _track(request)
    interests = await request.app[INTERESTS].for_track(track.id)
    if interests:
        head = "".join(f"<th>{escape(h)}</th>" for h in _headers())
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in _row(content, i)) + "</tr>" for i in interests
        )
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    else:
        table = "<p>Inga anmälningar ännu.</p>"
    body = (
        f'<p><a href="/dashboard/interests/{escape(track.id)}.csv" download>Ladda ner som CSV</a></p>{table}'
        '<p><a href="/dashboard/interests">Alla jobbspår</a></p>'
    )
    return page(f"Intresse: {track.name}", body, session=session)


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


async def track_csv(request: web.Request) -> web.Response:
    await require_session(request)
    content = request.app[CONTENT]
    track = _track(request)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_headers())
    for interest in await request.app[INTERESTS].for_track(track.id):
        writer.writerow([_cell(value) for value in _row(content, interest)])
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
