"""OpenAPI 3 description of the JSON API (served at /api/openapi.json)."""

from typing import Any, Dict

from aiohttp import web

_ERROR = {
    "description": "A clear Swedish message in `message`; `error` names the problem.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_CODE = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string", "example": "KX7PQ3TA"}}
_CONTACT_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["contact"], "properties": {"contact": {"type": "string"}}}}}}
_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A retried request with the same key returns the first result; nothing is made twice.",
    "schema": {"type": "string", "maxLength": 100},
}

SPEC: Dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Vårdvägen bot web service", "version": "1.0.0"},
    "paths": {
        "/api/slots": {
            "get": {
                "summary": "Next free meeting times with a counsellor",
                "parameters": [
                    {"name": "meeting_type", "in": "query", "schema": {"type": "string", "enum": ["on_site", "phone", "video"]}},
                    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "after", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20}},
                ],
                "responses": {
                    "200": {"description": "Free times", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}}}}}},
                    "400": _ERROR,
                },
            }
        },
        "/api/bookings": {
            "post": {
                "summary": "Book a free time",
                "parameters": [_KEY],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewBooking"}}}},
                "responses": {
                    "201": {"description": "Booked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
                    "200": {"description": "Booked before with the same Idempotency-Key"},
                    "400": _ERROR,
                    "409": {"description": "The time was just taken; `slots` has the next free ones", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                },
            }
        },
        "/api/bookings/{reference}": {
            "delete": {"summary": "Cancel a booking; the time is free again",
                       "description": "The contact given with the booking is in the JSON body, never in the URL.",
                       "parameters": [_CODE], "requestBody": _CONTACT_BODY,
                       "responses": {"204": {"description": "Cancelled"}, "404": _ERROR}},
        },
        "/api/bookings/{reference}/lookup": {
            "post": {"summary": "A booking, for the code plus the contact given with it",
                     "description": "The contact is in the JSON body, never in the URL (URLs end up in logs).",
                     "parameters": [_CODE], "requestBody": _CONTACT_BODY,
                     "responses": {"200": {"description": "The booking"}, "404": _ERROR}},
        },
        "/api/bookings/{reference}/calendar.ics": {
            "get": {"summary": "The booking as an iCalendar file",
                    "parameters": [_CODE, {"name": "token", "in": "query", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "text/calendar"}, "404": _ERROR}},
        },
        "/api/interests": {
            "post": {
                "summary": "Register interest in a job track",
                "parameters": [_KEY],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewInterest"}}}},
                "responses": {"201": {"description": "Registered"}, "400": _ERROR},
            }
        },
        "/api/erasure": {
            "post": {
                "summary": "Delete what a person has proved is theirs",
                "description": "`reference` (of a booking, an interest or a ticket) with the `contact` given with it "
                "deletes that one record. `contact` with `proof` (a one-time code sent to that contact by "
                "POST /api/erasure/proof) deletes everything stored with that contact. `conversation_id` is "
                "accepted only from the action server holding that conversation (actions token and the "
                "conversation's hash in headers); the conversation is deleted from the tracker store a few "
                "seconds later.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "reference": {"type": "string"}, "contact": {"type": "string"}, "proof": {"type": "string"},
                    "conversation_id": {"type": "string"}}}}}},
                "responses": {"200": {"description": "What was deleted"}, "403": _ERROR, "404": _ERROR},
            }
        },
        "/api/erasure/proof": {
            "post": {
                "summary": "Send a one-time code to a phone number or e-mail address",
                "description": "The code (6 digits, 15 minutes, 5 tries, once) proves control of the contact for "
                "erasing everything stored with it. The answer is the same whether or not anything is stored. "
                "At most 3 codes per contact and 10 per client in 15 minutes.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "contact": {"type": "string"}}}}}},
                "responses": {"202": {"description": "Sent"}, "400": _ERROR, "429": _ERROR, "503": _ERROR},
            }
        },
        "/api/tickets": {
            "post": {
                "summary": "Hand a question the bot could not answer to a counsellor",
                "description": "Personnummer and control characters are removed from the question and the "
                "transcript. The answer is read with the code (GET /api/tickets/{reference}), in the same chat "
                "(GET /chat/answers?conversation=<sender id>), and e-mailed when the contact is an e-mail address.",
                "parameters": [_KEY],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewTicket"}}}},
                "responses": {
                    "201": {"description": "Handed over", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TicketCreated"}}}},
                    "200": {"description": "Handed over before with the same Idempotency-Key: the first ticket"},
                    "400": _ERROR,
                },
            }
        },
        "/api/tickets/{reference}": {
            "get": {"summary": "Status and answer of a handed-over question; the code alone is enough",
                    "parameters": [_CODE],
                    "responses": {"200": {"description": "The question", "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/Ticket"}}}}, "404": _ERROR}},
        },
        "/api/followups/{code}": {
            "get": {"summary": "What a counsellor's follow-up link opens: a job track and a topic",
                    "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "The link", "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/Followup"}}}},
                                  "404": {**_ERROR, "description": "Unknown or expired link"}}},
        },
        "/api/openapi.json": {"get": {"summary": "This description", "responses": {"200": {"description": "OpenAPI 3"}}}},
        "/chat/message": {
            "post": {
                "summary": "One chat message to the bot; the bot's replies",
                "description": "The web chat's fallback when its socket cannot connect. `sender` is the chat's "
                "conversation id (8-64 letters, digits, - or _). Longer messages than the service allows and empty "
                "ones get a Swedish 400; when the bot is down, a Swedish 503 with the municipality's phone number.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["sender", "message"], "properties": {
                        "sender": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"}, "message": {"type": "string"}}}}}},
                "responses": {
                    "200": {"description": "The bot's replies", "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/ChatReplies"}}}},
                    "400": {"description": "Empty, too long or malformed", "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/ChatReplies"}}}},
                    "415": {"description": "Not JSON"},
                    "429": _ERROR,
                    "503": {"description": "The bot is down; a Swedish message with the phone number"},
                },
            }
        },
        "/chat/answers": {
            "get": {
                "summary": "Counsellors' answers to questions handed over from this chat conversation",
                "parameters": [{"name": "conversation", "in": "query", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "Answered questions of the conversation", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {"answers": {"type": "array", "items": {
                            "type": "object", "properties": {"reference": {"type": "string"},
                                                             "question": {"type": "string"},
                                                             "answer": {"type": "string"},
                                                             "answered_by": {"type": "string", "description":
                                                                 "'Svar från Lina, studie- och yrkesvägledare'"}}}}}}}}},
                    "400": _ERROR,
                    "429": _ERROR,
                },
            }
        },
        "/chat/erase": {
            "post": {
                "summary": "'Radera samtalet': the chat erases its own conversation at once (Rasa's tracker store) "
                           "with the questions handed over from it; bookings and interest registrations stay",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["conversation"], "properties": {
                        "conversation": {"type": "string", "description": "the chat's signed session id"}}}}}},
                "responses": {
                    "200": {"description": "Erased: how many handed-over questions, and whether a tracker store was reached"},
                    "400": _ERROR,
                    "403": _ERROR,
                    "429": _ERROR,
                },
            }
        },
        "/chat/feedback": {
            "post": {
                "summary": "'Hjälpte svaret?' under the chat's latest answer: stored as day, web or tablet, "
                           "the topic (intent) and the thumb; no text, no conversation id",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["conversation", "helpful"], "properties": {
                        "conversation": {"type": "string", "description": "the chat's signed session id"},
                        "helpful": {"type": "boolean"}}}}}},
                "responses": {
                    "200": {"description": "Counted (a second thumb for the same answer is not)"},
                    "400": _ERROR,
                    "403": _ERROR,
                    "404": _ERROR,
                    "429": _ERROR,
                },
            }
        },
    },
    "components": {
        "schemas": {
            "ChatReplies": {"type": "object", "properties": {
                "error": {"type": "string"},
                "messages": {"type": "array", "items": {"type": "object", "properties": {
                    "text": {"type": "string"}, "buttons": {"type": "array", "items": {"type": "object", "properties": {
                        "title": {"type": "string"}, "payload": {"type": "string"}}}},
                    "parts": {"type": "array", "description": "Belongs to the message before: a source link, the "
                              "booking's calendar file, a code to copy, or 'print' (actions/parts.py)",
                              "items": {"type": "object", "properties": {
                                  "type": {"type": "string", "enum": ["link", "calendar", "code", "print"]},
                                  "title": {"type": "string"}, "url": {"type": "string"},
                                  "code": {"type": "string"}}}}}}}}},
            "Error": {"type": "object", "properties": {
                "error": {"type": "string"}, "message": {"type": "string"},
                "slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}}},
            "Slot": {"type": "object", "properties": {
                "counsellor_id": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"},
                "minutes": {"type": "integer"}, "label": {"type": "string", "example": "tisdag 3 december kl. 10.00"}}},
            "NewBooking": {"type": "object", "required": ["counsellor_id", "starts_at", "meeting_type", "first_name", "contact"], "properties": {
                "counsellor_id": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"},
                "meeting_type": {"type": "string"}, "first_name": {"type": "string", "maxLength": 50},
                "contact": {"type": "string", "description": "Swedish phone number or e-mail"},
                "interpreter": {"type": "string", "description": "Language, if an interpreter is wanted"},
                "answers": {"type": "object", "description": "What the walk-through learned, for the counsellor: "
                            "track, profession, sfi_level, education, experience, age (unknown values are left out)"},
                "replaces": {"type": "object", "description": "Change of time: this booking is deleted in the same transaction",
                             "required": ["reference", "contact"],
                             "properties": {"reference": {"type": "string"}, "contact": {"type": "string"}}}}},
            "Booking": {"type": "object", "properties": {
                "reference": {"type": "string"}, "first_name": {"type": "string"},
                "starts_at": {"type": "string", "format": "date-time"},
                "replaced": {"type": "string", "description": "Code of the booking this one replaced"},
                "label": {"type": "string"}, "meeting_type": {"type": "string"}, "calendar_url": {"type": "string"},
                "what_to_bring": {"type": "array", "items": {"type": "string"}}}},
            "NewInterest": {"type": "object", "required": ["track_id", "first_name", "contact"], "properties": {
                "track_id": {"type": "string"}, "first_name": {"type": "string"}, "contact": {"type": "string"},
                "answers": {"type": "object", "description": "sfi_level, education, experience, age"}}},
            "NewTicket": {"type": "object", "required": ["question"], "properties": {
                "question": {"type": "string", "minLength": 1, "maxLength": 2000},
                "contact": {"type": "string", "nullable": True, "description": "Swedish phone number or e-mail; optional"},
                "conversation_id": {"type": "string", "nullable": True, "pattern": "^[A-Za-z0-9_-]{8,64}$",
                                    "description": "The chat's sender id"},
                "summary": {"type": "object", "description": "What the bot knew; only known keys with known values "
                            "are kept: track, sfi_level, education, experience, age, profession"},
                "transcript": {"type": "array", "maxItems": 40, "items": {"type": "object", "properties": {
                    "from": {"type": "string", "enum": ["user", "bot"]},
                    "text": {"type": "string", "description": "Cut to 1000 characters"}}}}}},
            "TicketCreated": {"type": "object", "properties": {
                "reference": {"type": "string", "example": "KX7PQ3TA"},
                "status": {"type": "string", "enum": ["open", "taken", "answered", "closed"]},
                "email": {"type": "boolean", "description": "The answer will be e-mailed"}}},
            "Ticket": {"type": "object", "properties": {
                "reference": {"type": "string"}, "status": {"type": "string", "enum": ["open", "taken", "answered", "closed"]},
                "question": {"type": "string"}, "answer": {"type": "string", "nullable": True},
                "answered_at": {"type": "string", "format": "date-time", "nullable": True}}},
            "Followup": {"type": "object", "properties": {
                "code": {"type": "string"}, "track_id": {"type": "string", "nullable": True},
                "track_name": {"type": "string", "nullable": True},
                "topic": {"type": "string", "nullable": True,
                          "enum": ["prerequisites", "start_dates", "study_support", "steps", "salary", "interest", None]},
                "label": {"type": "string", "nullable": True}}},
        }
    },
}


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(SPEC)


def routes() -> list:
    return [web.get("/api/openapi.json", openapi)]
