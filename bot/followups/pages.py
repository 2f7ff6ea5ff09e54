"""Follow-up links: a counsellor sends a learner back to the chat, to a job
track and a topic, as a link or a printed QR code.

The link is <base>/chat?f=<code> (and &tablet=1 for a shared classroom
tablet); the chat reads what it opens from GET /api/followups/<code>.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Optional
from zoneinfo import ZoneInfo

import segno
from aiohttp import web

from bot.dashboard.common import checked_form, csrf_field, page, require_session
from bot.keys import CONTENT, FOLLOWUPS
from bot.accounts.store import Session
from bot.followups.store import Followup

MAX_LABEL = 80
LEARNER_TEXT = {
    False: "Skanna koden med mobilen. Då kommer du till chatten.",
    True: "Skanna koden med surfplattan. Då kommer du till chatten.",
}

def chat_link(request: web.Request, code: str, tablet: bool) -> str:
    query = {"f": code, **({"tablet": "1"} if tablet else {})}
    return str(request.url.with_path("/chat").with_query(query))


def _date(request: web.Request, followup: Followup) -> str:
    return followup.expires_at.astimezone(ZoneInfo(request.app[CONTENT].booking.timezone)).strftime("%Y-%m-%d")


def _names(content) -> tuple:
    tracks = {t.id: t.name for t in content.tracks.tracks}
    topics = {t.id: t.label for t in content.followup.topics}
    return tracks, topics


def _form(content, session: Session) -> str:
    tracks = '<option value="">Inget spår</option>' + "".join(
        f'<option value="{escape(t.id)}">{escape(t.name)}</option>' for t in content.tracks.tracks
    )
    topics = '<option value="">Inget ämne</option>' + "".join(
        f'<option value="{escape(t.id)}">{escape(t.label)}</option>' for t in content.followup.topics
    )
    return f"""<h2>Gör en ny länk</h2><form method="post" action="/dashboard/followup">{csrf_field(session)}
<label for="track_id">Jobbspår</label><select id="track_id" name="track_id">{tracks}</select>
<label for="topic">Vad chatten börjar med</label><select id="topic" name="topic">{topics}</select>
<label for="label">Vem länken är till (valfritt, till exempel SFI klass 3B)</label>
<input id="label" name="label" maxlength="{MAX_LABEL}">
<p><input id="tablet" name="tablet" type="checkbox" value="1"> <label for="tablet" class="inline">För en surfplatta som klassen delar</label></p>
<p><button type="submit">Gör länken</button></p></form>"""


def _print_links(followup: Followup) -> str:
    base = f"/dashboard/followup/{escape(followup.code)}/print"
    return f'<a href="{base}">Skriv ut</a> · <a href="{base}?tablet=1">Skriv ut för surfplatta</a>'


async def _render(
    request: web.Request, session: Session, made: Optional[Followup] = None, tablet: bool = False,
    message: str = "", status: int = 200,
) -> web.Response:
    content = request.app[CONTENT]
    tracks, topics = _names(content)
    notice = f'<p role="alert">{escape(message)}</p>' if message else ""
    new = ""
    if made is not None:
        url = chat_link(request, made.code, tablet)
        print_url = f"/dashboard/followup/{escape(made.code)}/print" + ("?tablet=1" if tablet else "")
        new = (
            f'<p role="status">Länken är klar. Den fungerar till {escape(_date(request, made))}.</p>'
            f'<p><label for="link">Länk</label><input id="link" readonly size="70" value="{escape(url)}"></p>'
            f'<p><a href="{print_url}">Skriv ut med QR-kod</a></p>'
        )
    mine = await request.app[FOLLOWUPS].made_by(session.user.username)
    rows = "".join(
        f"<tr><td>{escape(f.label or '')}</td><td>{escape(tracks.get(f.track_id or '', ''))}</td>"
        f"<td>{escape(topics.get(f.topic or '', ''))}</td><td>{escape(_date(request, f))}</td>"
        f'<td><input aria-label="Länk" readonly size="40" value="{escape(chat_link(request, f.code, False))}"></td>'
        f"<td>{_print_links(f)}</td></tr>"
        for f in mine
    )
    table = (
        "<h2>Dina senaste länkar</h2><table><thead><tr><th>Till</th><th>Jobbspår</th><th>Ämne</th>"
        f"<th>Fungerar till</th><th>Länk</th><th></th></tr></thead><tbody>{rows}</tbody></table>" if mine else ""
    )
    intro = (
        "<p>Ge en person en länk tillbaka till chatten. Chatten kan börja med ett jobbspår och ett ämne. "
        f"Länken slutar fungera efter {content.followup.expires_days} dagar.</p>"
    )
    return page("Uppföljningslänk", notice + new + intro + _form(content, session) + table, status=status, session=session)


async def show(request: web.Request) -> web.Response:
    return await _render(request, await require_session(request))


async def create(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    content = request.app[CONTENT]
    tracks, topics = _names(content)
    track_id = str(form.get("track_id") or "") or None
    topic = str(form.get("topic") or "") or None
    label = " ".join(str(form.get("label") or "").split()) or None
    if (track_id and track_id not in tracks) or (topic and topic not in topics):
        return await _render(request, session, message="Välj ett jobbspår och ett ämne i listorna.", status=400)
    if label and len(label) > MAX_LABEL:
        return await _render(request, session, message=f"Skriv högst {MAX_LABEL} tecken om vem länken är till.", status=400)
    made = await request.app[FOLLOWUPS].create(
        session.user.username, track_id, topic, label, timedelta(days=content.followup.expires_days)
    )
    return await _render(request, session, made, tablet=form.get("tablet") == "1")


async def print_page(request: web.Request) -> web.Response:
    session = await require_session(request)
    followup = await request.app[FOLLOWUPS].valid(request.match_info["code"])
    if followup is None:
        body = "<p>Den länken finns inte, eller så har den slutat fungera. Gör en ny länk.</p>"
        return page("Länken finns inte", body, status=404, session=session)
    tablet = request.query.get("tablet") == "1"
    url = chat_link(request, followup.code, tablet)
    qr = segno.make(url, error="m", micro=False).svg_inline(scale=8, title="QR-kod till chatten")
    tracks, _topics = _names(request.app[CONTENT])
    about = [text for text in (followup.label, tracks.get(followup.track_id or "")) if text]
    html = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>QR-kod till chatten – Vårdvägen</title><link rel="stylesheet" href="/static/print.css"></head><body>
<p class="no-print"><a href="/dashboard/followup">Tillbaka</a>. Skriv ut sidan med Ctrl + P.</p>
<main><h1>Fortsätt i chatten</h1>
{"".join(f"<p>{escape(text)}</p>" for text in about)}
<div class="qr" role="img" aria-label="QR-kod till chatten">{qr}</div>
<p>{escape(LEARNER_TEXT[tablet])}</p>
<p class="link">{escape(url)}</p></main></body></html>"""
    return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})


def routes() -> list:
    return [
        web.get("/dashboard/followup", show),
        web.post("/dashboard/followup", create),
        web.get(r"/dashboard/followup/{code:[A-Za-z0-9_-]{10,32}}/print", print_page),
    ]
