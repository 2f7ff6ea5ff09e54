"""Short reference codes a person can read out on the phone.

No 0/O or 1/I, which are easy to mix up. 8 characters from 32 give about
10^12 codes, so guessing one is not practical (lookups are rate-limited too).

Booking, interest and ticket codes share this shape, so a code alone does not
say what it is for: the chat tries the ticket lookup, then the booking's
(actions/codes.py). New codes hold a digit and a letter, so a code typed in
lower case is told from an ordinary eight-letter word ("tandvard"); codes
made before that may be letters only and are still found when typed in
capitals or after the word "kod".
"""

import re
import secrets
from typing import Optional

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8
DIGITS = frozenset("23456789")

_CHAR = "[A-HJ-NP-Za-hj-np-z2-9]"
# 8 characters, or 4 + 4 with a space or dash ("qj7h bt8r"); not part of a
# longer word, a number, an e-mail or a web address. Only 4 + 4: with a space
# anywhere, "har 3 barn" would be a code.
CODE_SHAPE = re.compile(rf"(?<![\w@./-])({_CHAR}{{8}}|{_CHAR}{{4}}[ -]{_CHAR}{{4}})(?![\w@-]|\.\w)")
# What the intent classifier sees instead of a code (rasa_addons/nlu): every
# code is the same word to it, so an unseen code is understood like a known one.
CODE_TOKEN = "qqkodqq"
# "kod", "koden är", "code:" just before a code of letters only.
_SAYS_CODE = re.compile(r"\b(?:kod|koden|code)\s*(?::|\b(?:är|ar|e|is)\b)?\s*$", re.IGNORECASE)


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if mixes_letters_and_digits(code):
            return code


def normalize_code(text: str) -> str:
    """What a person typed, as a code: upper case, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def looks_like_code(text: str) -> bool:
    code = normalize_code(text)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def mixes_letters_and_digits(code: str) -> bool:
    return any(ch in DIGITS for ch in code) and any(ch.isalpha() for ch in code)


def _code_of(match: "re.Match[str]") -> Optional[str]:
    written = match.group(1)
    code = normalize_code(written)
    if not looks_like_code(code):
        return None
    if mixes_letters_and_digits(code) or written.isupper() or _SAYS_CODE.search(match.string[: match.start()]):
        return code
    return None


def find_code(text: str) -> Optional[str]:
    """The code in what a person typed, normalised: alone or in a sentence, in
    any case, with or without a space in the middle ("min kod är qj7h bt8r"
    -> "QJ7HBT8R"). A code of letters only counts when written in capitals or
    right after the word "kod"; else it is an ordinary word. None when there is none."""
    for match in CODE_SHAPE.finditer(text or ""):
        code = _code_of(match)
        if code:
            return code
    return None


def mask_codes(text: str) -> str:
    """The text with each code replaced by CODE_TOKEN (for the intent classifier)."""
    if not text or not CODE_SHAPE.search(text):
        return text
    return CODE_SHAPE.sub(lambda match: CODE_TOKEN if _code_of(match) else match.group(0), text)
