"""Chat session ids the server issues and signs.

A conversation's id is in effect its password: with it a socket could join
the conversation's room and receive its answers, and /chat/answers would show
a counsellor's answers. So the id is never chosen by the browser: Rasa's
socket channel issues `web-<32 hex>-<24 hex>`, the second part an HMAC of the
first with VARDVAGEN_SESSION_SECRET, and takes back only ids it can verify.
The bot service checks the same signature before it shows answers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from core.privacy import contains_personnummer

_FORM = re.compile(r"web-([0-9a-f]{32})-([0-9a-f]{24})")


def _mac(raw: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"session\x00{raw}".encode(), hashlib.sha256).hexdigest()[:24]


def sign(raw: str, secret: str) -> str:
    """The session id for 32 hex digits of randomness."""
    return f"web-{raw}-{_mac(raw, secret)}"


def new_session_id(secret: str) -> str:
    while True:
        # Every id check refuses an id with a personnummer's shape in it
        # (core/privacy.py); hex digits make one in about 1 id of 500.
        session_id = sign(secrets.token_hex(16), secret)
        if not contains_personnummer(session_id):
            return session_id


def is_signed(session_id: object, secret: str) -> bool:
    """True for an id this secret issued; never for anything without a secret."""
    if not secret or not isinstance(session_id, str):
        return False
    match = _FORM.fullmatch(session_id)
    return bool(match) and hmac.compare_digest(match.group(2), _mac(match.group(1), secret))
