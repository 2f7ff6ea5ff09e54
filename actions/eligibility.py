"""The eligibility walk-through: a form that asks four questions, then says
per job track "du kan söka" or what to do first, and the person's next steps.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import answer_from, bullets, button, content, level_label, lines, phrase, source_line
from actions.eligibility_rules import (
    Gap,
    has_care_experience,
    parse_age,
    parse_education,
    parse_experience,
    parse_language,
    track_gaps,
)
from actions.parts import PRINT, send_parts, source_links
from core.content.model import Source
from core.path import Person, PathItem, personal_path

SLOTS = ("sfi_level", "education", "experience", "age")


def person_from(tracker: Tracker) -> Person:
    age = tracker.get_slot("age")
    return Person(
        language=tracker.get_slot("sfi_level"),
        education=tracker.get_slot("education"),
        experience=tracker.get_slot("experience"),
        age=int(float(age)) if age not in (None, "") else None,
    )


def cancel_button() -> Dict[str, str]:
    # "help" ends the walk-through (data/rules/eligibility.yml) and shows the menu.
    return button(phrase("button_cancel"), "help")


class AskInWords(Action, ABC):
    """Ask for one slot that is typed (name, contact, code), with a way out.
    Abstract, so rasa-sdk registers only the subclasses that name a slot."""

    question = ""

    @property
    @abstractmethod
    def slot(self) -> str:
        ...

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=phrase(self.question), buttons=[cancel_button()])
        return []


class _AskLevel(Action, ABC):
    """Ask for one slot with one button per level in content/levels.yml."""

    question = ""

    @property
    @abstractmethod
    def slot(self) -> str:
        ...

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        levels = content().levels.scale(self.slot)
        dispatcher.utter_message(
            text=phrase(self.question),
            buttons=[button(level.label, "inform", **{self.slot: level.id}) for level in levels] + [cancel_button()],
        )
        return []


class ActionAskSfiLevel(_AskLevel):
    slot, question = "sfi_level", "ask_language"


class ActionAskEducation(_AskLevel):
    slot, question = "education", "ask_education"


class ActionAskExperience(_AskLevel):
    slot, question = "experience", "ask_experience"


class ActionAskAge(Action):
    def name(self) -> Text:
        return "action_ask_age"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=phrase("ask_age"),
            buttons=[button(g.label, "inform", age=str(g.value)) for g in content().levels.age_groups] + [cancel_button()],
        )
        return []


class ValidateEligibilityForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_eligibility_form"

    def _level(self, slot: str, parsed: Optional[str], dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        if parsed is None:
            # An unrelated "ja" or a question must not fill the slot (rasa-sdk#437).
            dispatcher.utter_message(text=phrase("answer_not_understood"))
        return {slot: parsed}

    async def validate_sfi_level(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "sfi_level", value)
        levels = content().levels
        return self._level("sfi_level", parse_language(answer, levels.language_levels, levels.in_progress_words), dispatcher)

    async def validate_education(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "education", value)
        return self._level("education", parse_education(answer, content().levels.education_levels), dispatcher)

    async def validate_experience(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "experience", value)
        return self._level("experience", parse_experience(answer, content().levels.experience_levels), dispatcher)

    async def validate_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        age = parse_age(answer_from(tracker, "age", value))
        if age is None:
            dispatcher.utter_message(text=phrase("age_not_understood"))
            return {"age": None}
        return {"age": str(age)}


def age_label(age: Optional[int]) -> str:
    """The age group's label when the age is a group's value (a button), else the age."""
    for group in content().levels.age_groups:
        if group.value == age:
            return group.label
    return phrase("age_years", age=age)


def gap_text(gap: Gap) -> str:
    if gap.kind == "language":
        return phrase("gap_language", level=level_label("language_levels", gap.required))
    if gap.kind == "education":
        return phrase("gap_education", level=level_label("education_levels", gap.required))
    return phrase("gap_age", age=gap.required)


# The first things to do are told in full; the rest as a list.
SHOWN_IN_FULL = 3


def item_title(item: PathItem) -> str:
    if item.step is not None:
        return phrase("path_step_title", number=item.step.number, title=item.title)
    return item.title


def next_steps(person: Person) -> Tuple[str, List[Source]]:
    """What the person must do first, in order, and why (core/path.py,
    content/steps.yml), and the sources of the steps told in full."""
    data = content()
    labels = {level.id: level.label for level in data.levels.language_levels}
    path = personal_path(data, person, labels)
    parts = []
    if path.skipped:
        titles = [step.title.lower() for step in data.steps.steps if step.number in path.skipped]
        parts.append(phrase("skipped_steps", titles=", ".join(titles)))
    parts.append(phrase("path_first"))
    for number, item in enumerate(path.items[:SHOWN_IN_FULL], start=1):
        parts.append(phrase(f"path_item_{number}", title=item_title(item)))
        if item.text and (number == 1 or item.kind == "route"):
            parts.append(item.text)
        parts.extend(item.notes)
        parts.append(phrase("path_why", why=item.why))
    rest = path.items[SHOWN_IN_FULL:]
    if rest:
        parts += [phrase("path_then"), bullets(item_title(item) for item in rest)]
    cited = [source for item in path.items[:SHOWN_IN_FULL] for source in item.sources]
    if cited:
        parts.append(source_line(cited))
    return lines(*parts), cited


def next_steps_text(person: Person) -> str:
    return next_steps(person)[0]


def send_next_steps(dispatcher: CollectingDispatcher, person: Person, **buttons: Any) -> None:
    """The person's next step, with its sources as links and a way to print or save it."""
    text, cited = next_steps(person)
    dispatcher.utter_message(text=text, **buttons)
    send_parts(dispatcher, [*source_links(cited), PRINT])


def offer_walk_through(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(
        text=phrase("steps_personal_offer"),
        buttons=[button(phrase("button_check_me"), "check_eligibility"), button(phrase("button_menu"), "help")],
    )


class ActionEligibilityResult(Action):
    def name(self) -> Text:
        return "action_eligibility_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        data = content()
        person = person_from(tracker)
        dispatcher.utter_message(
            text=phrase(
                "eligibility_summary",
                language=level_label("language_levels", person.language),
                education=level_label("education_levels", person.education),
                experience=level_label("experience_levels", person.experience),
                age=age_label(person.age),
            )
        )
        for track in data.tracks.tracks:
            gaps = track_gaps(track, person, data.levels)
            if gaps:
                text = lines(phrase("track_needs_first", track=track.name), bullets(gap_text(g) for g in gaps))
            else:
                # What the bot cannot check matters most to those who can apply.
                text = phrase("track_can_apply", track=track.name)
                if track.prerequisites.other:
                    text = lines(text, phrase("track_other_demands"), bullets(track.prerequisites.other))
            dispatcher.utter_message(text=text)
        if has_care_experience(person, data.levels):
            dispatcher.utter_message(text=phrase("experience_priority"))
        send_next_steps(dispatcher, person)
        dispatcher.utter_message(
            text=phrase("offer_after_eligibility"),
            buttons=[
                button(phrase("button_book"), "book_appointment"),
                button(phrase("button_interest"), "register_interest"),
                button(phrase("button_menu"), "help"),
            ],
        )
        return []
