"""Colour contrast by WCAG 2.1 (relative luminance), for the colours a
municipality sets in content/municipality.yml (the dashboard) and
content/web.yml (the chat)."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# WCAG 2.1 AA: 4.5:1 for normal text (1.4.3), 3:1 for a focus ring and other
# parts of the interface (1.4.11).
TEXT_CONTRAST = 4.5
UI_CONTRAST = 3.0
WHITE = "#ffffff"
# The text colour of the chat and the dashboard (not set by content).
INK = "#1a1a1a"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    if not HEX_COLOUR.fullmatch(colour):
        raise ValueError(f"{colour!r} is not a colour like #0b5394")
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def require_contrast(foreground: str, background: str, minimum: float, problem: str) -> None:
    """Raise ValueError("<problem> (contrast 2.1:1, at least 4.5:1)") when the
    two colours are too alike. Colours that are not #rrggbb are left to the
    check of their own format."""
    if not (HEX_COLOUR.fullmatch(foreground) and HEX_COLOUR.fullmatch(background)):
        return
    ratio = contrast(foreground, background)
    if ratio < minimum:
        raise ValueError(f"{problem} (contrast {ratio:.1f}:1, at least {minimum}:1)")
