"""OpenAPI 3 description of the JSON API (served at /api/openapi.json)."""

from typing import Any, Dict

_ERROR = {
    "description": "A clear Swedish message in `message`; `error` names the problem.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_CODE = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string", "example": "KX7PQ3TA"}}
_CONTACT = {"name": "contact", "in": "query", "required": True, "schema": {"type": "string"}}
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
            "get": {"summary": "A booking, for the code plus the contact given", "parameters": [_CODE, _CONTACT],
                    "responses": {"200": {"description": "The booking"}, "404": _ERROR}},
            "delete": {"summary": "Cancel a booking; the time is free again", "parameters": [_CODE, _CONTACT],
                       "responses": {"204": {"description": "Cancelled"}, "404": _ERROR}},
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
                "summary": "Delete one person's bookings, interest registrations and conversation",
                "description": "`reference` plus `contact` prove the data is theirs; then everything stored with that "
                "contact is deleted. `conversation_id` (the chat's sender id) deletes the conversation from the "
                "tracker store a few seconds later.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "reference": {"type": "string"}, "contact": {"type": "string"}, "conversation_id": {"type": "string"}}}}}},
                "responses": {"200": {"description": "What was deleted"}, "404": _ERROR},
            }
        },
        "/api/openapi.json": {"get": {"summary": "This description", "responses": {"200": {"description": "OpenAPI 3"}}}},
    },
    "components": {
        "schemas": {
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
        }
    },
}
