"""What Rasa's channels refuse before a message reaches NLU, and the Swedish
reply instead. Pure Python (no Rasa import), used by rasa_addons/channels.py.

- a message that is not text, is empty or is longer than MAX_MESSAGE_LENGTH;
- a flood from one sender (a token bucket per sender id, shared by Rasa's
  worker processes when VARDVAGEN_RASA_SHARED_DB names their file);
- a REST request whose body is not a JSON object with a text sender and message.

And what is taken out of a message that may go on (`clean_incoming`, the rule
of core/privacy.py), with the notes the person gets about it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, List, Optional, Tuple

from core.privacy import Cleaned, clean_message, contact_matters, contains_personnummer
from core.ratelimit import Clock, TokenBucket
from rasa_addons.shared_ratelimit import SharedTokenBucket

# The chat's input field stops at 1000 characters, and so does the relay.
MAX_MESSAGE_LENGTH = 1000
MAX_SENDER_LENGTH = 128
# Per sender: a burst of 20 messages, then one a second. No person types
# faster; a script that floods gets a short reply, not NLU.
SENDER_BURST = 20
SENDER_WINDOW_SECONDS = 20.0


# The slots in which a form asks for a phone number or e-mail (domain.yml):
# booking and interest, cancelling, erasure, a question for a counsellor.
CONTACT_SLOTS = frozenset({"contact", "booking_contact", "erase_contact", "handoff_contact"})


@dataclass(frozen=True)
class Refusal:
    """Why a message is refused: the phrase key and its values."""

    phrase_key: str
    max: int = MAX_MESSAGE_LENGTH


class MessageGuard:
    def __init__(self, enabled: bool = True, clock: Clock = time.monotonic,
                 senders: Optional[TokenBucket] = None) -> None:
        self.enabled = enabled
        self.senders = senders or TokenBucket(SENDER_BURST, SENDER_WINDOW_SECONDS, clock)

    @classmethod
    def from_env(cls) -> "MessageGuard":
        """VARDVAGEN_RASA_SHARED_DB (set by `make run`): the file in which Rasa's
        worker processes count each sender's messages together."""
        shared = os.environ.get("VARDVAGEN_RASA_SHARED_DB")
        senders = SharedTokenBucket(shared, SENDER_BURST, SENDER_WINDOW_SECONDS) if shared else None
        return cls(enabled=os.environ.get("VARDVAGEN_RATE_LIMITS", "1") != "0", senders=senders)

    def check(self, sender: str, text: Any) -> Optional[Refusal]:
        """None if the message may go on to Rasa, else why not."""
        if self.enabled and self.senders.take(sender) > 0:
            return Refusal("input_too_fast")
        if not isinstance(text, str):
            return Refusal("input_invalid")
        if not text.strip():
            return Refusal("input_empty")
        if len(text) > MAX_MESSAGE_LENGTH:
            return Refusal("input_too_long")
        return None


def request_refusal(content_type: str, origin: Optional[str], allowed: List[str]) -> Optional[Refusal]:
    """None for a REST request that may come in: a JSON body, and no Origin or one
    of the allowed sites (the bot service's relay sends none)."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        return Refusal("api_bad_content_type")
    if origin is not None and origin.rstrip("/") not in allowed:
        return Refusal("api_origin_refused")
    return None


def rest_body_refusal(raw: bytes) -> Optional[Refusal]:
    """None for a REST body Rasa can take: a JSON object with a sender and a text message."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, RecursionError):
        return Refusal("input_invalid")
    if not isinstance(body, dict):
        return Refusal("input_invalid")
    sender = body.get("sender")
    if (
        not isinstance(sender, str)
        or not 1 <= len(sender) <= MAX_SENDER_LENGTH
        or not sender.isprintable()
        or contains_personnummer(sender)
    ):
        return Refusal("input_invalid")
    if not isinstance(body.get("message"), str):
        return Refusal("input_invalid")
    return None


def asks_for_contact(active_loop: Optional[str], requested_slot: Any) -> bool:
    """The conversation's form is waiting for a contact."""
    return bool(active_loop) and requested_slot in CONTACT_SLOTS


async def clean_incoming(text: str, contact_asked: Callable[[], Awaitable[bool]]) -> Tuple[Cleaned, List[str]]:
    """The message as Rasa may see it, and the phrase keys of the notes to send.

    `contact_asked` (a tracker read) is called only for a message whose
    cleaning depends on it: one with a phone number in a long run of digits."""
    contact = await contact_asked() if contact_matters(text) else False
    cleaned = clean_message(text, contact_expected=contact)
    notes = []
    if cleaned.personnummer:
        notes.append("personnummer_removed")
    elif cleaned.mentions_personnummer:
        notes.append("personnummer_warning")
    if cleaned.long_numbers:
        notes.append("long_number_hidden")
    return cleaned, notes
