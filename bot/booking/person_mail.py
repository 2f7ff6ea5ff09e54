"""Telling a person by e-mail that a counsellor cancelled or moved their meeting.

Only when the booking's contact is an e-mail address and SMTP is set up; a
phone number means the counsellor calls (the page says so). Nothing here logs
an address, a name or a code.
"""

from __future__ import annotations

import logging
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from bot.booking.store import Booking
from bot.mail import FAILED, NO_MAILER, NOT_EMAIL, SENT, MailError, Mailer
from core.content import Content
from core.dates import format_slot

log = logging.getLogger(__name__)

CANCELLED, MOVED = "cancelled", "moved"


def wants_email(booking: Booking) -> bool:
    return "@" in booking.contact


def booking_mail(content: Content, booking: Booking, what: str) -> Tuple[str, str]:
    """Subject and plain-text body (content/phrases.yml); the time as the chat says it."""
    phrases = content.phrases.phrases
    values = {
        "reference": booking.reference,
        "name": booking.first_name,
        "label": format_slot(booking.starts_at, ZoneInfo(content.booking.timezone)),
        "phone": content.municipality.phone,
    }
    parts = [phrases[f"booking_{what}_mail_body"].format(**values), phrases["booking_mail_end"], content.municipality.name]
    return phrases[f"booking_{what}_mail_subject"].format(**values), "\n\n".join(parts) + "\n"


async def tell_person(mailer: Optional[Mailer], content: Content, booking: Booking, what: str) -> str:
    """SENT, NOT_EMAIL, NO_MAILER or FAILED; never raises for a mail problem."""
    if not wants_email(booking):
        return NOT_EMAIL
    if mailer is None:
        return NO_MAILER
    subject, body = booking_mail(content, booking, what)
    try:
        await mailer.send(booking.contact, subject, body)
    except MailError as error:
        log.warning("A booking e-mail could not be sent: %s", type(error).__name__)
        return FAILED
    return SENT
