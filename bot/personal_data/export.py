"""Everything the service stores about one person, found by their contact.

Used for a person's request to see their data (GDPR art. 15); erasure
deletes by the same contact. Conversations are not included: Rasa keeps
them under a random id, not under a phone number or e-mail.

Free text goes through the privacy rule (core/privacy.py) once more on its
way out, so a row stored before the rule was as strict leaves without a
personnummer or card number too.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from aiohttp import web

from bot.keys import INTERESTS, STORE, TICKETS
from core.privacy import clean_message


def _text(value: Optional[str], *, contact_expected: bool = False) -> Optional[str]:
    return None if value is None else clean_message(value, contact_expected=contact_expected).text


def _transcript(turns: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [
        {**turn, "text": _text(turn.get("text"), contact_expected=turn.get("from") == "bot")}
        if isinstance(turn.get("text"), str) else turn
        for turn in turns
    ]


async def collect(app: web.Application, contact: str) -> Dict[str, Any]:
    bookings = await app[STORE].for_contact(contact)
    interests = await app[INTERESTS].for_contact(contact)
    tickets = await app[TICKETS].for_contact(contact)
    return {
        "contact": contact,
        "bookings": [
            {
                "reference": b.reference,
                "starts_at": b.starts_at.isoformat(),
                "minutes": b.minutes,
                "meeting_type": b.meeting_type,
                "counsellor_id": b.counsellor_id,
                "first_name": b.first_name,
                "contact": b.contact,
                "interpreter": _text(b.interpreter),
                "answers": b.answers,
                "attendance": b.attendance,
                # The counsellor's note is about the person: it is theirs to see.
                "note": _text(b.note, contact_expected=True),
            }
            for b in bookings
        ],
        "interests": [
            {
                "reference": i.reference,
                "track_id": i.track_id,
                "first_name": i.first_name,
                "contact": i.contact,
                "answers": i.answers,
                "registered_at": i.created_at.isoformat(),
            }
            for i in interests
        ],
        "tickets": [
            {
                "reference": t.reference,
                "question": _text(t.question),
                "contact": t.contact,
                "summary": t.summary,
                "transcript": _transcript(t.transcript),
                "status": t.status,
                "answer": _text(t.answer, contact_expected=True),
                "asked_at": t.created_at.isoformat(),
                "answered_at": t.answered_at.isoformat() if t.answered_at else None,
            }
            for t in tickets
        ],
    }
