"""Values a form asks for that the intent classifier cannot judge.

A reference code ("C5NAGJ9G") or a phone number means nothing to NLU, so it
may be read as any intent, a question too; the forms' `from_text` mappings
skip questions, and the value would be lost. When the form asked for such a
value and the message has its shape, it is taken whatever the intent.

People write a contact in a sentence too ("mitt nummer är 070-123 45 67"),
and a wrong one is still an answer to the question ("mitt nummer är 123" was
read as "delete my data" and ended the booking): a message with digits or an
@ is taken as a try, and the form's validation says what is wrong with it.

A language for an interpreter ("kurdiska") is one word NLU has never seen: it
may be read as a word to explain. Asked for a language, a word that looks like
one is taken; the booking form checks it.
"""

from __future__ import annotations

import re
from typing import Optional

from rasa_sdk import Tracker

from core.codes import find_code, looks_like_code, normalize_code
from core.contact import normalize_contact, normalize_email, normalize_phone
from core.text import normalize

EMAIL_IN_TEXT = re.compile(r"[^\s@<>\"',;:()]+@[^\s@<>\"',;:()]+")
# 070-123 45 67, +46 70 123 45 67, 0046701234567 inside a sentence.
PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+46|0046|0)[\d\s\-()/.]{5,16}\d(?!\d)")


def code_in(text: str) -> Optional[str]:
    """A reference code written inside a sentence ("min kod är kx7pq3ta", "qj7h bt8r").
    A digit, capitals or the word "kod" tell a code from an ordinary eight-letter word."""
    return find_code(text)


def typed_code(text: str) -> Optional[str]:
    """The code when the text is one, or holds one in a sentence."""
    code = normalize_code(text)
    return code if looks_like_code(code) else code_in(text)


def typed_answer(tracker: Tracker, slot: str) -> Optional[str]:
    """The text typed when the form asked for `slot` (not yet filled), else None."""
    if tracker.get_slot("requested_slot") != slot or tracker.get_slot(slot) is not None:
        return None
    text = (tracker.latest_message.get("text") or "").strip()
    return None if text.startswith("/") else text  # a button's payload is not typed text


def requested_code(tracker: Tracker, slot: str) -> Optional[str]:
    """The code typed when the form asked for `slot`, alone or in a sentence."""
    text = typed_answer(tracker, slot)
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
    text = typed_answer(tracker, slot)
    if not text:
        return None
    return contact_in(text) or (text if contact_attempt(text) else None)


# Words around a language name ("jag vill ha en tolk på arabiska"), left out.
_AROUND_LANGUAGE = {
    "jag", "vill", "ha", "en", "tolk", "tolken", "pa", "som", "talar", "pratar", "kan", "sprak", "spraket",
    "det", "ar", "mitt", "modersmal", "ja", "garna", "tack", "till", "tolkning", "och",
}
# Short answers that are no language, however they look.
_NOT_A_LANGUAGE = {
    "nej", "vet", "inte", "kanske", "hej", "ok", "okej", "avbryt", "meny", "hjalp", "sluta", "stopp", "tillbaka",
    "ingen", "inget", "annat", "annan", "vad", "varfor", "hur", "nar", "var", "vem", "bra", "fel", "tid", "boka",
    "no", "yes", "help", "stop", "menu", "cancel", "svar", "fraga",
}
LANGUAGE_MAX = 40


def typed_language(text: str) -> Optional[str]:
    """A language name typed as an answer: one or two words of letters (a
    hyphen allowed), at most 40 characters, in lower case. None for anything
    else: a question, digits, a sentence, "vet inte"."""
    text = (text or "").strip().rstrip(".!")
    if not text or len(text) > 80 or text.startswith("/") or "?" in text:
        return None
    kept = [word.strip(",") for word in text.split() if normalize(word) not in _AROUND_LANGUAGE]
    if not 1 <= len(kept) <= 2:
        return None
    for word in kept:
        letters = word.replace("-", "")
        if len(letters) < 3 or not letters.isalpha() or normalize(word) in _NOT_A_LANGUAGE:
            return None
    name = " ".join(kept).lower()
    return name if len(name) <= LANGUAGE_MAX else None
