"""POST /api/interests: a person registers interest in a job track."""

from __future__ import annotations

from aiohttp import web

from bot.http import ApiError, content_of, idempotency_key, json_object, person_fields, walkthrough_answers
from bot.keys import INTERESTS
from bot.security import spend_creation


async def register_interest(request: web.Request) -> web.Response:
    content = content_of(request)
    body = await json_object(request)
    track = next((t for t in content.tracks.tracks if t.id == body.get("track_id")), None)
    if track is None:
        raise ApiError(400, "api_bad_track", content)
    first_name, contact = person_fields(body, content)
    answers = walkthrough_answers(content, body.get("answers"))
    key = idempotency_key(request)
    # Only what would be stored counts: a typo is answered, not held against the person.
    spend_creation(request, "interest")
    interest = await request.app[INTERESTS].add(track.id, first_name, contact, answers, key)
    return web.json_response(
        {"reference": interest.reference, "track_id": track.id, "track_name": track.name, "contact": track.contact.dict()},
        status=201,
    )




def routes() -> list:
    return [web.post("/api/interests", register_interest)]
