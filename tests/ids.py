"""Ids for test conversations.

A sender id is refused when it holds a personnummer shape (core/privacy.py),
and ten hex digits in a row can make one. Test ids are letters only.
"""

import uuid

_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def sender_id(prefix: str, length: int = 16) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:length].translate(_LETTERS)}"
