"""Shared helpers for actions: content access, phrases, buttons, lookups.

Content is read once, on first use (not at import), and cached for the life
of the action server. Set VARDVAGEN_CONTENT_DIR to use another folder.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

from actions.text_match import best_match, normalize
from core.content import Content, load_content
from core.content.loader import DEFAULT_DIR
from core.content.model import Profession, Source, Track, Word

Button = Dict[str, str]


@lru_cache(maxsize=1)
def content() -> Content:
    return load_content(Path(os.environ.get("VARDVAGEN_CONTENT_DIR", DEFAULT_DIR)))


def phrase(key: str, **values: Any) -> str:
    return content().phrases.phrases[key].format(**values)


def button(title: str, intent: str, **entities: Any) -> Button:
    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, ensure_ascii=False)
    return {"title": title, "payload": payload}


def menu_buttons() -> List[Button]:
    return [button(item.label, item.intent) for item in content().menu.items]


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def lines(*parts: Optional[str]) -> str:
    return "\n".join(part for part in parts if part)


def latest_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    # Button payloads ("/intent{...}") carry no words to search.
    return "" if text.startswith("/") else text


def latest_entity(tracker: Tracker, name: str) -> Optional[str]:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value") not in (None, ""):
            return str(entity["value"])
    return None


def answer_from(tracker: Tracker, slot: str, value: Any) -> str:
    """What the person answered for a form slot: an entity (a button press)
    or the typed text. Both are accepted, so the mapping order does not matter."""
    found = latest_entity(tracker, slot)
    if found is not None:
        return found
    text = str(value or "")
    if text.startswith("/") and "{" in text:
        try:
            return str(json.loads(text[text.index("{"):]).get(slot, ""))
        except (ValueError, AttributeError):
            return ""
    return text


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _by_id_or_name(value: str, items: Iterable[Any]) -> Optional[Any]:
    items = list(items)
    for item in items:
        if item.id == value:
            return item
    return best_match(value, ((item, [item.id, item.name, *item.aliases]) for item in items))


def _find(tracker: Tracker, slot: str, items: Sequence[Any], text_names: Callable[[Any], List[str]], use_slot: bool) -> Optional[Any]:
    """The item named in the latest message (entity, then text), else
    (optionally) the one from earlier in the conversation."""
    value = latest_entity(tracker, slot)
    found = _by_id_or_name(value, items) if value else None
    if found is None:
        found = best_match(latest_text(tracker), ((item, text_names(item)) for item in items))
    if found is None and use_slot and tracker.get_slot(slot):
        found = _by_id_or_name(tracker.get_slot(slot), items)
    return found


def _profession_names(profession: Profession) -> List[str]:
    return [profession.name, *profession.aliases]


def find_profession(tracker: Tracker, use_slot: bool = True) -> Optional[Profession]:
    return _find(tracker, "profession", content().professions.professions, _profession_names, use_slot)


def profession_in_text(text: str) -> Optional[Profession]:
    professions = content().professions.professions
    return best_match(text, ((p, _profession_names(p)) for p in professions))


def find_track(tracker: Tracker, use_slot: bool = True) -> Optional[Track]:
    return _find(tracker, "track", content().tracks.tracks, lambda t: list(t.aliases), use_slot)


def find_word(text: str) -> Optional[Word]:
    words = content().glossary.words
    norm = normalize(text)
    for word in words:
        if norm and norm in {normalize(n) for n in [word.term, *word.aliases]}:
            return word
    return best_match(text, ((w, [w.term, *w.aliases]) for w in words))


def profession_by_id(profession_id: str) -> Optional[Profession]:
    return next((p for p in content().professions.professions if p.id == profession_id), None)


def tracks_for(profession: Profession) -> List[Track]:
    return [t for t in content().tracks.tracks if t.profession == profession.id]


def level_label(scale: str, level_id: Optional[str]) -> Optional[str]:
    for level in getattr(content().levels, scale):
        if level.id == level_id:
            return level.label
    return None


def today() -> date:
    """Today in the municipality's time zone."""
    return datetime.now(ZoneInfo(content().booking.timezone)).date()


def source_line(sources: Sequence[Source]) -> str:
    """ "Källa: Skolverket, 2025." Names and years, never a bare URL."""
    names = list(dict.fromkeys(source.citation() for source in sources))
    return phrase("source_line", sources="; ".join(names))


# Words that point back to what was just talked about: "hur blir man det?",
# "vad tjänar man då?". A short message with one of them is a follow-up.
_REFERRING = {"det", "dit", "den", "da", "dar", "sadan", "san", "sant", "dom", "de"}


def refers_back(text: str) -> bool:
    words = normalize(text).split()
    return 0 < len(words) <= 6 and any(word in _REFERRING for word in words)


def topic_track(tracker: Tracker) -> Optional[Track]:
    """The track the conversation is about: the track slot, unless the talk
    has moved on to another job since."""
    track = next((t for t in content().tracks.tracks if t.id == tracker.get_slot("track")), None)
    job = tracker.get_slot("profession")
    if track is None or (job and job != track.profession):
        return None
    return track
