"""What the chat's walk-through learned about a person, in words: shown with
a handed-over question and on a booking's page."""

from __future__ import annotations

from typing import List

_SUMMARY_SCALES = [
    ("sfi_level", "Svenska"),
    ("education", "Utbildning"),
    ("experience", "Erfarenhet"),
]


def summary_lines(content, summary: dict) -> List[str]:
    """What the bot knew, in words (labels from content, never bare ids)."""
    lines = []
    track = next((t for t in content.tracks.tracks if t.id == summary.get("track")), None)
    if track:
        lines.append(f"Jobbspår: {track.name}")
    profession = next((p for p in content.professions.professions if p.id == summary.get("profession")), None)
    if profession:
        lines.append(f"Yrke: {profession.name}")
    for key, title in _SUMMARY_SCALES:
        level = next((lvl for lvl in content.levels.scale(key) if lvl.id == summary.get(key)), None)
        if level:
            lines.append(f"{title}: {level.label}")
    if summary.get("age"):
        lines.append(f"Ålder: {summary['age']} år")
    return lines
