"""A person's own path to a job in care, from their four answers.

The rules are content (content/steps.yml); this module applies them and keeps
what must hold whatever the content says:
- Swedish first: no education or work step comes before the person's Swedish
  reaches the entry level of a track open to their age;
- a language step is skipped only by a condition on Swedish, and education and
  work steps are never skipped (experience and a care education make them
  shorter, see `shorter_if`).
The content check reports rules that try otherwise (core/content/loader.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from core.content.model import NEEDS_SWEDISH, Condition, Content, Level, Levels, Source, Step, Track


@dataclass(frozen=True)
class Person:
    language: Optional[str] = None  # language level id
    education: Optional[str] = None  # education level id
    experience: Optional[str] = None  # experience level id
    age: Optional[int] = None


@dataclass(frozen=True)
class PathItem:
    kind: str  # "step", "language" (the Swedish to reach) or "route"
    title: str
    text: str
    why: str
    step: Optional[Step] = None
    notes: Tuple[str, ...] = ()  # why a step can be shorter for this person
    sources: Tuple[Source, ...] = ()  # where a route's advice comes from


@dataclass(frozen=True)
class Path:
    items: List[PathItem]
    skipped: List[int]  # step numbers the person does not need
    gate_level: str  # the Swedish level the education and work steps wait for
    below_gate: bool


def rank(levels: Sequence[Level], level_id: Optional[str]) -> int:
    """Position on the scale; -1 when unknown."""
    for index, level in enumerate(levels):
        if level.id == level_id:
            return index
    return -1


def holds(condition: Condition, person: Person, levels: Levels) -> bool:
    """Every field of the condition holds for the person (unknown answers never do)."""
    at_least = {
        "language": (levels.language_levels, person.language),
        "education": (levels.education_levels, person.education),
        "experience": (levels.experience_levels, person.experience),
    }
    for field, (scale, has) in at_least.items():
        needed = getattr(condition, field)
        if needed is not None and not rank(scale, has) >= rank(scale, needed) >= 0:
            return False
    below = {
        "language_below": (levels.language_levels, person.language),
        "education_below": (levels.education_levels, person.education),
    }
    for field, (scale, has) in below.items():
        limit = getattr(condition, field)
        if limit is not None and (has is None or rank(scale, has) >= rank(scale, limit)):
            return False
    if condition.min_age is not None and (person.age is None or person.age < condition.min_age):
        return False
    if condition.max_age is not None and (person.age is None or person.age > condition.max_age):
        return False
    return True


def tracks_open_to(tracks: Sequence[Track], age: Optional[int]) -> List[Track]:
    """Tracks the person is old enough for (all of them when the age is unknown)."""
    return [t for t in tracks if not t.prerequisites.min_age or age is None or age >= t.prerequisites.min_age]


def gate_level(content: Content, person: Person) -> str:
    """The lowest Swedish that opens a track to this person."""
    scale = content.levels.language_levels
    entries = [t.prerequisites.min_language for t in tracks_open_to(content.tracks.tracks, person.age)]
    if not entries:
        return content.steps.language_gate.fallback_level
    if any(level is None for level in entries):
        return scale[0].id  # a track without a Swedish requirement
    return min(entries, key=lambda level: rank(scale, level))


def may_skip(step: Step, person: Person, levels: Levels) -> bool:
    if step.kind in NEEDS_SWEDISH:
        return False
    conditions = step.skip_if
    if step.kind == "language":
        # Only Swedish skips a language step: drop every other part of a condition.
        conditions = [Condition(language=c.language) for c in conditions if c.language is not None]
    return any(holds(condition, person, levels) for condition in conditions)


def personal_path(content: Content, person: Person, label: Optional[Dict[str, str]] = None) -> Path:
    """The things to do, in order. `label` maps a level id to what the person sees."""
    levels = content.levels
    steps_content = content.steps
    routes = [r for r in steps_content.routes if holds(r.when, person, levels)]
    hidden = {number for route in routes for number in route.hide_steps}
    skipped = [s.number for s in steps_content.steps if may_skip(s, person, levels)]
    todo = [s for s in steps_content.steps if s.number not in skipped and s.number not in hidden]

    gate = gate_level(content, person)
    below = rank(levels.language_levels, person.language) < rank(levels.language_levels, gate)
    names = label or {}

    def route_items(position: str) -> Iterator[PathItem]:
        for route in routes:
            if route.position == position:
                for item in route.items:
                    yield PathItem("route", item.title, item.text, item.why, sources=tuple(route.sources))

    def step_items(kinds: Sequence[str]) -> Iterator[PathItem]:
        for step in todo:
            if step.kind in kinds:
                notes = tuple(s.text for s in step.shorter_if if holds(s.when, person, levels))
                yield PathItem("step", step.title, step.text, step.why, step=step, notes=notes)

    # Swedish starts at once; orientation steps go on at the same time.
    items = list(route_items("before_language"))
    if below:
        level = names.get(gate, gate)
        language = steps_content.language_gate
        has_track = bool(tracks_open_to(content.tracks.tracks, person.age))
        why = language.why.format(level=level) if has_track else language.why_no_track
        items.append(PathItem("language", language.title.format(level=level), "", why))
    items += [*step_items(("orientation",)), *step_items(("language",)), *route_items("after_language"),
              *step_items(NEEDS_SWEDISH)]
    return Path(items=items, skipped=skipped, gate_level=gate, below_gate=below)
