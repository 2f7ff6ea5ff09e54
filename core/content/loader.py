"""Read and validate the content folder, with errors that name file and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple, Type

import yaml
from pydantic import BaseModel, ValidationError

from core.content import model
from core.content.images import image_problems

# file stem -> schema of that file
FILES: Dict[str, Type[BaseModel]] = {
    "municipality": model.Municipality,
    "levels": model.Levels,
    "professions": model.Professions,
    "steps": model.Steps,
    "tracks": model.Tracks,
    "education": model.Education,
    "glossary": model.Glossary,
    "menu": model.Menu,
    "phrases": model.Phrases,
    "booking": model.Booking,
    "privacy": model.Privacy,
    "web": model.Web,
    "followup": model.Followup,
    "questions": model.Questions,
    "languages": model.Languages,
}

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "content"


class ContentError(Exception):
    """One or more content files are missing or wrong."""

    def __init__(self, problems: List[str]) -> None:
        self.problems = problems
        super().__init__("Content problems:\n" + "\n".join(f"  - {p}" for p in problems))


def load_content(directory: Path = DEFAULT_DIR) -> model.Content:
    directory = Path(directory)
    problems: List[str] = []
    parts: Dict[str, BaseModel] = {}
    for stem, schema in FILES.items():
        path = directory / f"{stem}.yml"
        try:
            raw = _read_yaml(path)
            parts[stem] = schema.parse_obj(raw)
        except ValidationError as error:
            for err in error.errors():
                field = _field_path(err["loc"])
                problems.append(f"{path.name}: {field}: {err['msg']}")
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    content = model.Content(**parts)
    problems.extend(_cross_references(content))
    problems.extend(image_problems(directory, content.web))
    if problems:
        raise ContentError(problems)
    return content


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise ContentError([f"{path.name}: file is missing (looked in {path.parent})"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentError([f"{path.name}: not valid YAML: {error}"]) from error
    if not isinstance(data, dict):
        raise ContentError([f"{path.name}: must be a YAML mapping at the top level"])
    return data


def _field_path(loc: Tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if part == "__root__":
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _cross_references(content: model.Content) -> Iterator[str]:
    levels = content.levels
    language = {lvl.id for lvl in levels.language_levels}
    education = {lvl.id for lvl in levels.education_levels}
    experience = {lvl.id for lvl in levels.experience_levels}
    professions = {p.id for p in content.professions.professions}

    for i, track in enumerate(content.tracks.tracks):
        where = f"tracks.yml: tracks[{i}]"
        if track.profession not in professions:
            yield f"{where}.profession: unknown profession '{track.profession}' (known: {sorted(professions)})"
        pre = track.prerequisites
        if pre.min_language and pre.min_language not in language:
            yield f"{where}.prerequisites.min_language: unknown level '{pre.min_language}' (see levels.yml)"
        if pre.min_education and pre.min_education not in education:
            yield f"{where}.prerequisites.min_education: unknown level '{pre.min_education}' (see levels.yml)"

    booking = content.booking
    places = {p.id for p in booking.places}
    types = {t.id for t in booking.meeting_types}
    for i, counsellor in enumerate(booking.counsellors):
        where = f"booking.yml: counsellors[{i}]"
        if counsellor.place not in places:
            yield f"{where}.place: unknown place '{counsellor.place}' (known: {sorted(places)})"
        for kind in counsellor.meeting_types:
            if kind not in types:
                yield f"{where}.meeting_types: unknown meeting type '{kind}' (known: {sorted(types)})"

    menu = {item.intent for item in content.menu.items}
    support = {topic.id for topic in content.education.study_support}
    for i, question in enumerate(content.questions.questions):
        if question.next and question.next not in menu:
            yield f"questions.yml: questions[{i}].next: '{question.next}' is not an intent of the menu (menu.yml)"
        for j, case in enumerate(question.cases):
            if case.study_support and case.study_support not in support:
                yield (f"questions.yml: questions[{i}].cases[{j}].study_support: unknown topic '{case.study_support}' "
                       f"(known: {sorted(support)})")

    yield from _condition_levels(content, language, education, experience)
    yield from rule_problems(content)


def _conditions(content: model.Content) -> Iterator[Tuple[str, model.Condition]]:
    for i, step in enumerate(content.steps.steps):
        for j, condition in enumerate(step.skip_if):
            yield f"steps[{i}].skip_if[{j}]", condition
        for j, shorter in enumerate(step.shorter_if):
            yield f"steps[{i}].shorter_if[{j}].when", shorter.when
    for i, route in enumerate(content.steps.routes):
        yield f"routes[{i}].when", route.when


def _condition_levels(content: model.Content, language: set, education: set, experience: set) -> Iterator[str]:
    scales = {"language": language, "language_below": language, "education": education,
              "education_below": education, "experience": experience}
    for where, condition in _conditions(content):
        for field, allowed in scales.items():
            value = getattr(condition, field)
            if value is not None and value not in allowed:
                yield f"steps.yml: {where}.{field}: unknown level '{value}' (see levels.yml)"


def rule_problems(content: model.Content) -> Iterator[str]:
    """Rules in steps.yml that the path would not follow, said so the editor can fix them."""
    language = {level.id for level in content.levels.language_levels}
    numbers = {step.number for step in content.steps.steps}
    if content.steps.language_gate.fallback_level not in language:
        yield "steps.yml: language_gate.fallback_level: unknown level (see levels.yml)"
    for i, step in enumerate(content.steps.steps):
        where = f"steps.yml: steps[{i}]"
        if step.kind in model.NEEDS_SWEDISH and step.skip_if:
            yield f"{where}.skip_if: a {step.kind} step is never skipped; use shorter_if"
        if step.kind == "language":
            for j, condition in enumerate(step.skip_if):
                others = [f for f in ("education", "experience", "min_age", "max_age") if getattr(condition, f) is not None]
                if condition.language is None or others:
                    yield f"{where}.skip_if[{j}]: a language step is skipped only by a condition on language alone"
    for i, route in enumerate(content.steps.routes):
        for number in route.hide_steps:
            if number not in numbers:
                yield f"steps.yml: routes[{i}].hide_steps: there is no step {number}"
        shown_to_adults = route.when.max_age is None or route.when.max_age >= 18
        hides_education = any(s.number in route.hide_steps for s in content.steps.steps if s.kind == "education")
        if shown_to_adults and hides_education:
            yield f"steps.yml: routes[{i}].hide_steps: only a route for under 18s may hide an education step"
