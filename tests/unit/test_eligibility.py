"""The eligibility walk-through: rules, answer parsing, form validation, result."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.base import content
from actions.eligibility import ActionAskAge, ActionAskSfiLevel, ActionEligibilityResult, ValidateEligibilityForm
from actions.eligibility_rules import (
    parse_age,
    parse_education,
    parse_experience,
    parse_language,
    parse_level,
    track_gaps,
)
from core.path import Person, personal_path
from actions.steps import ActionExplainSteps
from tests.unit.action_helpers import entity, make_tracker, payloads, run, texts


def levels():
    return content().levels


def track(tid):
    return next(t for t in content().tracks.tracks if t.id == tid)


def test_beginner_needs_language_and_age_first():
    gaps = track_gaps(track("vardbitrade_sfi"), Person("sfi_a", "none", "none", 17), levels())
    assert [(g.kind, g.required) for g in gaps] == [("language", "sfi_c"), ("age", "18")]


def test_person_meeting_every_demand_has_no_gaps():
    person = Person("sfi_d", "gymnasium", "year", 30)
    assert all(track_gaps(t, person, levels()) == [] for t in content().tracks.tracks)


def test_higher_level_counts_as_enough():
    assert track_gaps(track("vardbitrade_sfi"), Person("sva_grund", "none", "none", 40), levels()) == []


def step_numbers(person):
    return [item.step.number for item in personal_path(content(), person).items if item.step]


def test_experience_and_education_skip_only_the_early_steps():
    assert step_numbers(Person("sfi_a", "none", "none", 30)) == list(range(1, 10))
    trained = personal_path(content(), Person("svenska", "vard_utbildning", "year", 30))
    assert trained.skipped == [1, 2, 3, 4]
    assert trained.items[0].title == "Visa vad du har läst.", "validering comes first"
    assert [item.step.number for item in trained.items if item.step] == [5, 6, 7, 8, 9]


@pytest.mark.parametrize(
    "text, expected",
    [("sfi c", "sfi_c"), ("jag har klarat SFI D", "sfi_d"), ("Kurs B", "sfi_b"), ("sva grund", "sva_grund"),
     ("sfi_a", "sfi_a"), ("ja", None), ("hej", None), ("", None)],
)
def test_parse_language(text, expected):
    assert parse_level(text, levels().language_levels) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("jag läser sfi c nu", "sfi_b"), ("jag har klarat sfi c", "sfi_c"), ("jag laser sfi a", "none"),
     ("jag kan inte svenska", "none"), ("sfi_c", "sfi_c")],
)
def test_parse_language_studying_now_counts_the_level_below(text, expected):
    assert parse_language(text, levels().language_levels, levels().in_progress_words) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("12 år skola i mitt land", "gymnasium"), ("6 ar", "grundskola"), ("gymnasiet", "gymnasium"), ("hej", None)],
)
def test_parse_education_counts_years_of_school(text, expected):
    assert parse_education(text, levels().education_levels) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("nej", "none"), ("ja 2 år i hemtjänst", "year"), ("3 manader praktik", "some"), ("ja", None)],
)
def test_parse_experience(text, expected):
    assert parse_experience(text, levels().experience_levels) == expected


@pytest.mark.parametrize("text, expected", [("24", 24), ("jag är 19 år", 19), ("hej", None), ("5", None), ("200", None)])
def test_parse_age(text, expected):
    assert parse_age(text) == expected


async def test_ask_language_offers_a_button_per_level():
    messages, _ = await run(ActionAskSfiLevel(), make_tracker())
    wanted = [f'/inform{{"sfi_level": "{lvl.id}"}}' for lvl in levels().language_levels]
    assert payloads(messages) == wanted + ["/help"], "a button per level, then a way out"


async def test_ask_age_buttons_come_from_content():
    messages, _ = await run(ActionAskAge(), make_tracker())
    assert len(payloads(messages)) == len(levels().age_groups) + 1
    assert payloads(messages)[-1] == "/help"


async def validate(slot, value, tracker):
    dispatcher = CollectingDispatcher()
    result = await getattr(ValidateEligibilityForm(), f"validate_{slot}")(value, dispatcher, tracker, {})
    return result, dispatcher.messages


async def test_unrelated_yes_does_not_fill_the_level():
    result, messages = await validate("sfi_level", "ja", make_tracker("ja", intent="affirm"))
    assert result == {"sfi_level": None}
    assert texts(messages)


async def test_button_payload_fills_the_level():
    tracker = make_tracker('/inform{"sfi_level": "sfi_c"}', intent="inform", entities=[entity("sfi_level", "sfi_c")])
    result, messages = await validate("sfi_level", '/inform{"sfi_level": "sfi_c"}', tracker)
    assert result == {"sfi_level": "sfi_c"} and messages == []


async def test_typed_answers_fill_the_slots():
    assert (await validate("education", "jag har gått gymnasiet", make_tracker("jag har gått gymnasiet")))[0] == {"education": "gymnasium"}
    assert (await validate("experience", "nej", make_tracker("nej")))[0] == {"experience": "none"}
    assert (await validate("age", "jag ar 23", make_tracker("jag ar 23")))[0] == {"age": "23"}


async def test_unreadable_age_is_asked_again():
    result, messages = await validate("age", "gammal", make_tracker("gammal"))
    assert result == {"age": None} and texts(messages)


async def test_result_says_who_can_apply_and_the_next_step():
    slots = {"sfi_level": "sfi_c", "education": "grundskola", "experience": "none", "age": "19"}
    messages, _ = await run(ActionEligibilityResult(), make_tracker(slots=slots))
    said = texts(messages)
    assert "Vårdbiträde med SFI: Du kan söka." in said
    usk = track("underskoterska_kombination")
    assert f"{usk.name}: Du behöver först" in said
    assert "SFI D" in said and "20 år" in said
    assert "Det här ska du göra, i den här ordningen:" in said
    assert "Först: Välj mellan gymnasiet och ett jobbspår." in said, "an 18-year-old's own route first"
    assert "Steg 1: Lär dig om yrket" in said
    assert "/book_appointment" in payloads(messages) and "/register_interest" in payloads(messages)


async def test_summary_repeats_the_age_as_the_person_gave_it():
    slots = {"sfi_level": "sfi_c", "education": "grundskola", "experience": "none"}
    messages, _ = await run(ActionEligibilityResult(), make_tracker(slots={**slots, "age": "16"}))
    assert "16–17 år." in texts(messages), "a pressed age button is shown as its group"
    messages, _ = await run(ActionEligibilityResult(), make_tracker(slots={**slots, "age": "23"}))
    assert "23 år." in texts(messages)


async def test_result_mentions_priority_for_care_experience():
    slots = {"sfi_level": "sfi_d", "education": "gymnasium", "experience": "year", "age": "35"}
    messages, _ = await run(ActionEligibilityResult(), make_tracker(slots=slots))
    said = texts(messages)
    assert said.count("Du kan söka.") == len(content().tracks.tracks)
    assert "gå före" in said
    assert "Det här ska du göra, i den här ordningen:" in said


async def test_steps_without_answers_offer_the_walk_through():
    messages, _ = await run(ActionExplainSteps(), make_tracker("hur blir man anstalld"))
    said = texts(messages)
    for step in content().steps.steps:
        assert step.title in said
    assert "/check_eligibility" in payloads(messages)


async def test_one_step_asked_by_number():
    messages, _ = await run(ActionExplainSteps(), make_tracker("steg 5?"))
    step = content().steps.steps[4]
    assert step.text in texts(messages) and "Steg 5:" in texts(messages)


async def test_steps_for_a_named_job_tell_how_to_become_it():
    messages, _ = await run(ActionExplainSteps(), make_tracker("hur blir jag skotare"))
    skotare = next(p for p in content().professions.professions if p.id == "skotare")
    assert skotare.how_to[0] in texts(messages)


async def test_the_first_step_after_a_job_was_named_is_how_to_become_that_job():
    vardbitrade = next(p for p in content().professions.professions if p.id == "vardbitrade")
    messages, events = await run(ActionExplainSteps(), make_tracker("vad ar forsta steget", slots={"profession": "vardbitrade"}))
    assert vardbitrade.how_to[0] in texts(messages)
    assert content().steps.steps[8].title not in texts(messages), "not the list of nine"
    # With no job talked about, where to start depends on the person: the walk-through.
    alone, events = await run(ActionExplainSteps(), make_tracker("vad ar forsta steget"))
    assert events[-1]["name"] == "eligibility_form"


async def test_steps_with_answers_give_the_personal_next_step():
    slots = {"sfi_level": "svenska", "education": "vard_utbildning", "experience": "year", "age": "40"}
    messages, _ = await run(ActionExplainSteps(), make_tracker("nasta steg", slots=slots))
    said = texts(messages)
    assert "Först: Visa vad du har läst." in said and "validering" in said
    assert "Sedan: Sök beviset för undersköterska." in said
    assert "Steg 5: Yrkesutbildning" in said, "a care education shortens the training, never replaces it"
