"""A person's own path (core/path.py over content/steps.yml), for every
combination of the walk-through's answers.

The rules a municipality edits are in content/steps.yml. These tests check,
for all 8 x 5 x 3 x 7 = 840 combinations of Swedish, education, experience
and age (the five age buttons and the ages 17 and 19 at the routes' edges),
that the path is never wrong in the dangerous direction: Swedish before
education and work, nothing replacing the education, a route for nurses and
doctors trained abroad, and routes of their own for under 18s and 18-19s.
The expectations are computed here from tracks.yml and levels.yml, not with
the functions under test.
"""

from __future__ import annotations

import itertools

import pytest

from core.content import load_content
from core.content.loader import rule_problems
from core.content.model import Condition
from core.path import Path, Person, personal_path

CONTENT = load_content()
LEVELS = CONTENT.levels
LANGUAGE = [level.id for level in LEVELS.language_levels]
EDUCATION = [level.id for level in LEVELS.education_levels]
EXPERIENCE = [level.id for level in LEVELS.experience_levels]
AGES = sorted({group.value for group in LEVELS.age_groups} | {17, 19})
STEPS = {step.number: step for step in CONTENT.steps.steps}
EDUCATION_STEPS = [s.number for s in CONTENT.steps.steps if s.kind == "education"]
WORK_STEPS = [s.number for s in CONTENT.steps.steps if s.kind == "work"]
LANGUAGE_STEPS = [s.number for s in CONTENT.steps.steps if s.kind == "language"]

PEOPLE = [Person(*answers) for answers in itertools.product(LANGUAGE, EDUCATION, EXPERIENCE, AGES)]


def entry_level(age: int) -> str:
    """The lowest Swedish of a track open to this age, read straight from tracks.yml."""
    open_levels = [
        t.prerequisites.min_language for t in CONTENT.tracks.tracks
        if (t.prerequisites.min_age or 0) <= age
    ]
    if not open_levels:
        return CONTENT.steps.language_gate.fallback_level
    return min(open_levels, key=LANGUAGE.index)


def path_of(person: Person) -> Path:
    return personal_path(CONTENT, person)


def step_numbers(path: Path):
    return [item.step.number for item in path.items if item.step is not None]


def all_text(path: Path) -> str:
    return " ".join(" ".join([item.title, item.text, item.why, *item.notes]) for item in path.items)


def idfn(person: Person) -> str:
    return f"{person.language}-{person.education}-{person.experience}-{person.age}"


def test_every_combination_is_enumerated():
    assert len(PEOPLE) == len(LANGUAGE) * len(EDUCATION) * len(EXPERIENCE) * len(AGES) >= 500


@pytest.mark.parametrize("person", PEOPLE, ids=idfn)
def test_the_path_is_never_wrong_in_the_dangerous_direction(person):
    path = path_of(person)
    items = path.items
    assert items, "a path always says what to do"
    assert all(item.title and item.why for item in items), "every thing to do says why"

    # 1. Swedish first: no education or work step before the Swedish a track needs.
    below = LANGUAGE.index(person.language) < LANGUAGE.index(entry_level(person.age))
    language_items = [i for i, item in enumerate(items) if item.kind == "language"]
    if below:
        assert len(language_items) == 1
        gate = language_items[0]
        needs_swedish = [i for i, item in enumerate(items) if item.step and item.step.kind in ("education", "work")]
        assert all(i > gate for i in needs_swedish)
        assert not (items[0].step and items[0].step.kind in ("education", "work"))
    else:
        assert language_items == []

    # 2. Experience and education never skip the language step: only Swedish does.
    for number in LANGUAGE_STEPS:
        if number not in step_numbers(path) and number in path.skipped:
            plain = Person(person.language, EDUCATION[0], EXPERIENCE[0], person.age)
            assert number in path_of(plain).skipped, f"step {number} skipped for other reasons than Swedish"

    # 3. Nothing replaces the education, nor the work steps, from 18 on.
    shown = step_numbers(path)
    if person.age >= 18:
        for number in EDUCATION_STEPS + WORK_STEPS:
            assert number in shown, f"step {number} missing"
    assert not set(EDUCATION_STEPS + WORK_STEPS) & set(path.skipped)

    text = all_text(path)
    has_care_education = EDUCATION.index(person.education) >= EDUCATION.index("vard_utbildning")

    # 4. A care education from abroad leads to validering; a licence to Socialstyrelsen.
    if has_care_education:
        assert "validering" in text
        step5 = next(item for item in items if item.step and item.step.number == EDUCATION_STEPS[0]) if person.age >= 18 else None
        if step5 is not None:
            assert any("validering" in note for note in step5.notes)
    if person.education == "vard_legitimation":
        socialstyrelsen = [i for i, item in enumerate(items) if "Socialstyrelsen" in item.title + item.text]
        assert socialstyrelsen and "legitimation" in text
        if below:
            assert socialstyrelsen[0] < language_items[0], "the application can start before the Swedish is done"
            meanwhile = [i for i, item in enumerate(items) if "vårdbiträde" in item.text and "undersköterska" in item.text]
            assert meanwhile and meanwhile[0] > language_items[0], "work meanwhile, once the Swedish allows"

    # 5. Under 18: school and the rules for young workers; never only "wait".
    if person.age < 18:
        for words in ("gymnasiet", "vård- och omsorgsprogrammet", "språkintroduktion", "natten"):
            assert words in text, words
        assert not set(shown) & set(EDUCATION_STEPS + WORK_STEPS), "Komvux and full jobs come later"
    elif person.age < 20:
        for words in ("gymnasiet", "Komvux", "jobbspår"):
            assert words in text, words

    # 6. A year of work makes the education shorter but never replaces it.
    if person.experience == "year" and person.age >= 18 and not has_care_education:
        step5 = next(item for item in items if item.step and item.step.number == EDUCATION_STEPS[0])
        assert any("kortare" in note and "ändå" in note for note in step5.notes)

    # 7. A care education (not a licence) leads to Socialstyrelsen's bevis for undersköterska.
    if has_care_education and person.education != "vard_legitimation" and person.age >= 18:
        assert "beviset för undersköterska" in text


def test_the_nurse_from_the_issue_gets_socialstyrelsen_and_validering_not_step_7():
    from actions.eligibility import next_steps_text

    said = next_steps_text(Person("sfi_a", "vard_legitimation", "year", 35))
    first = said.split("Senare kommer")[0]
    assert "Socialstyrelsen" in first and "legitimation" in first and "validering" in first
    assert "läs tills du klarar SFI C" in first
    assert "Steg 7" not in first and "steg 7" not in said.split("\n")[0]


def test_an_education_step_cannot_be_made_skippable_in_the_content():
    steps = CONTENT.steps.copy(deep=True)
    steps.steps[4].skip_if = [Condition(education="vard_utbildning")]
    steps.steps[3].skip_if = [Condition(experience="year")]
    steps.routes[0].hide_steps = [5]
    changed = CONTENT.copy(update={"steps": steps})
    problems = list(rule_problems(changed))
    assert any("steps[4].skip_if" in p and "never skipped" in p for p in problems)
    assert any("steps[3].skip_if[0]" in p and "only by a condition on language alone" in p for p in problems)
    assert any("routes[0].hide_steps" in p for p in problems)
    # And the path ignores such rules even before the check stops them.
    path = personal_path(changed, Person("sfi_a", "vard_utbildning", "year", 30))
    assert 5 in step_numbers(path) and 4 in step_numbers(path)


def test_the_shipped_rules_have_no_problems():
    assert list(rule_problems(CONTENT)) == []
