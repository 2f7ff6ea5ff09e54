"""Who can start which job track, and parsing of the walk-through's typed answers.

Pure functions over the content, so they can be tested without Rasa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

from actions.text_match import normalize
from core.content.model import Level, Levels, Track
from core.path import Person, rank


@dataclass(frozen=True)
class Gap:
    kind: str  # "language", "age" or "education"
    required: str  # level id, or the age as text


def track_gaps(track: Track, person: Person, levels: Levels) -> List[Gap]:
    pre = track.prerequisites
    gaps = []
    if pre.min_language and rank(levels.language_levels, person.language) < rank(levels.language_levels, pre.min_language):
        gaps.append(Gap("language", pre.min_language))
    if pre.min_age and (person.age is None or person.age < pre.min_age):
        gaps.append(Gap("age", str(pre.min_age)))
    if pre.min_education and rank(levels.education_levels, person.education) < rank(levels.education_levels, pre.min_education):
        gaps.append(Gap("education", pre.min_education))
    return gaps


def has_care_experience(person: Person, levels: Levels) -> bool:
    return rank(levels.experience_levels, person.experience) > 0


# Parsing of typed answers. Button presses arrive as level ids.

_NUMBER = re.compile(r"\b(\d{1,3})\b")
_YEARS = re.compile(r"\b(\d{1,2})\s*(ar|years?)\b")
_MONTHS = re.compile(r"\b(\d{1,2})\s*(manad|manader|months?)\b")


def parse_level(text: str, levels: Sequence[Level]) -> Optional[str]:
    if not text:
        return None
    for level in levels:
        if text == level.id:
            return level.id
    # Exact matches only: a near miss like "sfi c" vs "sfi d" must not pass.
    norm = f" {normalize(text)} "
    best, best_len = None, 0
    for level in levels:
        for name in [level.label, *level.aliases]:
            phrase = normalize(name)
            if phrase and f" {phrase} " in norm and len(phrase) > best_len:
                best, best_len = level.id, len(phrase)
    return best


def parse_language(text: str, levels: Sequence[Level], in_progress_words: Sequence[str]) -> Optional[str]:
    """A level typed as "jag läser sfi c" means C is not passed yet: the level below."""
    found = parse_level(text, levels)
    if found is None or text == found:
        return found
    norm = f" {normalize(text)} "
    if any(f" {normalize(word)} " in norm for word in in_progress_words):
        index = [level.id for level in levels].index(found)
        return levels[max(0, index - 1)].id
    return found


def parse_education(text: str, levels: Sequence[Level]) -> Optional[str]:
    """Besides the level names, "12 år i skolan" counts years of school:
    0 none, 1-11 the second level, 12 or more the third."""
    found = parse_level(text, levels)
    if found:
        return found
    years = _YEARS.search(normalize(text))
    if not years or len(levels) < 3:
        return None
    count = int(years.group(1))
    return levels[0].id if count == 0 else levels[1].id if count < 12 else levels[2].id


def parse_experience(text: str, levels: Sequence[Level]) -> Optional[str]:
    found = parse_level(text, levels)
    if found:
        return found
    norm = normalize(text)
    ids = [level.id for level in levels]
    years = _YEARS.search(norm)
    if years:
        return ids[-1] if int(years.group(1)) >= 1 else ids[min(1, len(ids) - 1)]
    if _MONTHS.search(norm):
        return ids[min(1, len(ids) - 1)]
    return None


def parse_age(text: str) -> Optional[int]:
    match = _NUMBER.search(normalize(text or ""))
    if not match:
        return None
    age = int(match.group(1))
    return age if 13 <= age <= 110 else None
