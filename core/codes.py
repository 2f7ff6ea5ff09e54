"""Short reference codes a person can read out on the phone.

No 0/O or 1/I, which are easy to mix up. 8 characters from 32 give about
10^12 codes, so guessing one is not practical (lookups are rate-limited too).
"""

import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(text: str) -> str:
    """What a person typed, as a code: upper case, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def looks_like_code(text: str) -> bool:
    code = normalize_code(text)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)
