"""Values a form asks for that the intent classifier cannot judge.

A reference code ("C5NAGJ9G") or a phone number means nothing to NLU, so it
may be read as any intent, a question too; the forms' `from_text` mappings
skip questions, and the value would be lost. When the form asked for such a
value and the message has its shape, it is taken whatever the intent.

People write a contact in a sentence too ("mitt nummer är 070-123 45 67"),
and a wrong one is still an answer to the question ("mitt nummer är 123" was
read as "delete my data" and ended the booking): a message with digits or an
@ is taken as a try, and the form's validation says what is wrong with it.
"""

from __future__ import annotations

import re
from typing import Optional

from rasa_sdk import Tracker

from core.codes import looks_like_code, normalize_code
from core.contact import normalize_contact, normalize_email, normalize_phone

CODE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[A-Za-z2-9]{8}(?![A-Za-z0-9])")
EMAIL_IN_TEXT = re.compile(r"[^\s@<>\"',;:()]+@[^\s@<>\"',;:()]+")
# 070-123 45 67, +46 70 123 45 67, 0046701234567 inside a sentence.
PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+46|0046|0)[\d\s\-()/.]{5,16}\d(?!\d)")


def code_in(text: str) -> Optional[str]:
    """A reference code written inside a sentence ("min kod är kx7pq3ta")."""
    says_code = "kod" in (text or "").lower()
    for match in CODE_IN_TEXT.finditer(text or ""):
        word = match.group(0)
        code = normalize_code(word)
        # A digit, capitals or the word "kod" tell a code from an ordinary eight-letter word.
        if looks_like_code(code) and (any(ch.isdigit() for ch in word) or word.isupper() or says_code):
            return code
    return None


def typed_code(text: str) -> Optional[str]:
    """The code when the text is one, or holds one in a sentence."""
    code = normalize_code(text)
    return code if looks_like_code(code) else code_in(text)


def _asked_for(tracker: Tracker, slot: str) -> Optional[str]:
    if tracker.get_slot("requested_slot") != slot or tracker.get_slot(slot) is not None:
        return None
    text = (tracker.latest_message.get("text") or "").strip()
    return None if text.startswith("/") else text  # a button's payload is not typed text


def requested_code(tracker: Tracker, slot: str) -> Optional[str]:
    """The code typed when the form asked for `slot`, alone or in a sentence."""
    text = _asked_for(tracker, slot)
    return typed_code(text) if text else None


def contact_in(text: str) -> Optional[str]:
    """The phone number or e-mail address, normalised, alone or in a sentence."""
    whole = normalize_contact(text or "")
    if whole:
        return whole
    for match in EMAIL_IN_TEXT.finditer(text or ""):
        email = normalize_email(match.group(0).rstrip("."))
        if email:
            return email
    for match in PHONE_IN_TEXT.finditer(text or ""):
        phone = normalize_phone(match.group(0))
        if phone:
            return phone
    return None


def contact_attempt(text: str) -> bool:
    """Meant as a phone number or an e-mail address, right or wrong."""
    return "@" in text or sum(ch.isdigit() for ch in text) >= 3


def requested_contact(tracker: Tracker, slot: str) -> Optional[str]:
    """The contact typed when the form asked for `slot`, normalised; a try that
    is no contact as it was typed, for the form's validation to refuse."""
    text = _asked_for(tracker, slot)
    if not text:
        return None
    return contact_in(text) or (text if contact_attempt(text) else None)
