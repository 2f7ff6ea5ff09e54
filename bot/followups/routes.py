"""GET /api/followups/{code}: what a counsellor's follow-up link opens in the
chat (a job track and a topic). The web chat and the bot's action read it."""

from __future__ import annotations

from aiohttp import web

from bot.http import ApiError, content_of
from bot.keys import FOLLOWUPS
from bot.security import lookup_limited


@lookup_limited
async def get_followup(request: web.Request) -> web.Response:
    content = content_of(request)
    followup = await request.app[FOLLOWUPS].valid(request.match_info["code"])
    if followup is None:
        raise ApiError(404, "api_followup_not_found", content)
    track = next((t for t in content.tracks.tracks if t.id == followup.track_id), None)
    # A topic or track removed from content since the link was made is left out.
    topics = {t.id for t in content.followup.topics}
    return web.json_response(
        {
            "code": followup.code,
            "track_id": track.id if track else None,
            "track_name": track.name if track else None,
            "topic": followup.topic if followup.topic in topics else None,
            "label": followup.label,
        },
        headers={"Cache-Control": "no-store"},
    )


def routes() -> list:
    return [web.get("/api/followups/{code}", get_followup)]
