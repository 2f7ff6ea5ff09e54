"""Follow-up links: a counsellor sends a learner back to the chat, to a job
track and a topic, as a link or a printed QR code.

The link is <base>/chat?f=<code> (and &tablet=1 for a shared classroom
tablet); the chat reads what it opens from GET /api/followups/<code>.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Optional
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import segno
from aiohttp import web
from markupsafe import Markup

from bot.http import public_link
from bot.dashboard.common import checked_form, local_day, message_page, require_session
from bot.keys import CONTENT, FOLLOWUPS
from bot.accounts.store import Session
from bot.followups.store import Followup
from core.privacy import clean_message

MAX_LABEL = 80
LEARNER_TEXT = {
    False: "Skanna koden med mobilen. Då kommer du till chatten.",
    True: "Skanna koden med surfplattan. Då kommer du till chatten.",
}

def chat_link(request: web.Request, code: str, tablet: bool) -> str:
    query = {"f": code, **({"tablet": "1"} if tablet else {})}
    return public_link(request, "/chat", **query)


def _date(request: web.Request, followup: Followup) -> str:
    content = request.app[CONTENT]
    return local_day(content, followup.expires_at.astimezone(ZoneInfo(content.booking.timezone)).date())


def _names(content) -> tuple:
    tracks = {t.id: t.name for t in content.tracks.tracks}
    topics = {t.id: t.label for t in content.followup.topics}
    return tracks, topics


async def page_data(
    request: web.Request, session: Session, made: Optional[Followup] = None, tablet: bool = False, message: str = ""
) -> dict:
    """The link just made (if any), the form's choices and the counsellor's recent links."""
    content = request.app[CONTENT]
    tracks, topics = _names(content)
    new = None
    if made is not None:
        new = {
            "expires": _date(request, made),
            "url": chat_link(request, made.code, tablet),
            "print_url": f"/dashboard/followup/{made.code}/print" + ("?tablet=1" if tablet else ""),
        }
    mine = await request.app[FOLLOWUPS].made_by(session.user.username)
    rows = [
        {
            "code": f.code,
            "label": f.label or "",
            "track": tracks.get(f.track_id or "", ""),
            "topic": topics.get(f.topic or "", ""),
            "expires": _date(request, f),
            "url": chat_link(request, f.code, False),
        }
        for f in mine
    ]
    return {
        "session": session,
        "message": message,
        "made": new,
        "expires_days": content.followup.expires_days,
        "tracks": list(tracks.items()),
        "topics": list(topics.items()),
        "max_label": MAX_LABEL,
        "rows": rows,
    }


async def _render(
    request: web.Request, session: Session, made: Optional[Followup] = None, tablet: bool = False,
    message: str = "", status: int = 200,
) -> web.Response:
    context = await page_data(request, session, made, tablet, message)
    return aiohttp_jinja2.render_template("followups/links.html", request, context, status=status)


async def show(request: web.Request) -> web.Response:
    return await _render(request, await require_session(request))


async def create(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    content = request.app[CONTENT]
    tracks, topics = _names(content)
    track_id = str(form.get("track_id") or "") or None
    topic = str(form.get("topic") or "") or None
    label = clean_message(" ".join(str(form.get("label") or "").split())).text or None
    if (track_id and track_id not in tracks) or (topic and topic not in topics):
        return await _render(request, session, message="Välj ett jobbspår och ett ämne i listorna.", status=400)
    if label and len(label) > MAX_LABEL:
        return await _render(request, session, message=f"Skriv högst {MAX_LABEL} tecken om vem länken är till.", status=400)
    made = await request.app[FOLLOWUPS].create(
        session.user.username, track_id, topic, label, timedelta(days=content.followup.expires_days)
    )
    return await _render(request, session, made, tablet=form.get("tablet") == "1")


def print_data(request: web.Request, followup: Followup, tablet: bool) -> dict:
    url = chat_link(request, followup.code, tablet)
    tracks, _topics = _names(request.app[CONTENT])
    # segno writes the SVG from the link alone (the title is ours): markup, not anyone's text.
    qr = Markup(segno.make(url, error="m", micro=False).svg_inline(scale=8, title="QR-kod till chatten"))
    return {
        "about": [text for text in (followup.label, tracks.get(followup.track_id or "")) if text],
        "qr": qr,
        "learner_text": LEARNER_TEXT[tablet],
        "url": url,
    }


async def print_page(request: web.Request) -> web.Response:
    session = await require_session(request)
    followup = await request.app[FOLLOWUPS].valid(request.match_info["code"])
    if followup is None:
        text = "Den länken finns inte, eller så har den slutat fungera. Gör en ny länk."
        return message_page(request, "Länken finns inte", text, status=404, session=session)
    context = print_data(request, followup, request.query.get("tablet") == "1")
    response = aiohttp_jinja2.render_template("followups/print.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list:
    return [
        web.get("/dashboard/followup", show),
        web.post("/dashboard/followup", create),
        web.get(r"/dashboard/followup/{code:[A-Za-z0-9_-]{10,32}}/print", print_page),
    ]
