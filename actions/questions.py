"""A question asked in the middle of a form.

A question about jobs, tracks, education or money is answered and the form
asks its question again (data/rules/*.yml: "... is answered, and ... goes
on"); one that changes the task (the menu, booking, cancelling, ...) ends the
form first. Without this the form would take the question as an answer.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import booking, cancel, erasure, handoff, interest
from actions.base import content, latest_intent, latest_text, phrase
from actions.eligibility_rules import parse_education, parse_experience
from actions.education import ActionExplainEducation, ActionExplainStudySupport
from actions.faq import FAQ_INTENTS, ActionAnswerFaq
from actions.languages import ActionOtherLanguage
from actions.menu import ActionHelpMenu
from actions.profession import ActionExplainProfession, ActionTellPhysical, ActionTellSalary, ActionTellWorkingHours
from actions.steps import ActionExplainSteps
from actions.topic import ActionAnswerSameForOther, ActionTellLength, ActionTellStartDates
from actions.tracks import ActionTrackRequirements

Answer = Callable[[CollectingDispatcher, Tracker, Dict[Text, Any]], Awaitable[List[Dict[Text, Any]]]]

FORM_FOR = {
    "book_appointment": "booking_form",
    "cancel_appointment": "cancel_form",
    "register_interest": "interest_form",
    "delete_my_data": "erase_form",
    "human_handoff": "handoff_form",
}


# What an ended form leaves half-done; cleared so the next time starts afresh.
# (The walk-through's answers stay: other forms reuse them.)
UNFINISHED = {
    "booking_form": (*booking.FORM_SLOTS, *booking.PAGING_SLOTS, *booking.CHANGE_SLOTS, "slot_label"),
    "cancel_form": (*cancel.FORM_SLOTS, "first_name", *booking.INTERPRETER_SLOTS),
    "erase_form": erasure.FORM_SLOTS,
    "interest_form": interest.FORM_SLOTS,
    "handoff_form": handoff.FORM_SLOTS,
    "answer_form": ("ticket_reference",),
}


def ended_form(tracker: Tracker) -> str:
    """The form that was active before this question ended it."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name"):
            return event["name"]
    return ""


async def start_form(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """Booking, cancelling or interest asked for inside another form: that form comes next."""
    intent = latest_intent(tracker) or ""
    events: List[Dict[Text, Any]] = []
    if intent == "book_appointment" and ended_form(tracker) == "cancel_form":
        events = cancel.change_of_time(tracker)
        if events:
            dispatcher.utter_message(text=phrase("change_start"))
    return events + [FollowupAction(FORM_FOR[intent])]


# What the person is told when they stop a form ("Avbryt", "meny").
STOPPED = {
    "booking_form": "stopped_booking",
    "cancel_form": "stopped_cancel",
    "interest_form": "stopped_interest",
    "erase_form": "stopped_erasure",
    "eligibility_form": "stopped_walk_through",
    "answer_form": "stopped_answer",
}


# Keep in step with the intents of the rules for questions inside forms
# (data/rules/*.yml) and with not_intent in domain.yml.
ANSWERS: Dict[str, Answer] = {
    "help": ActionHelpMenu().run,
    "ask_profession": ActionExplainProfession().run,
    "ask_salary": ActionTellSalary().run,
    "ask_working_hours": ActionTellWorkingHours().run,
    "ask_steps": ActionExplainSteps().run,
    "ask_study_support": ActionExplainStudySupport().run,
    "ask_requirements": ActionTrackRequirements().run,
    "ask_education": ActionExplainEducation().run,
    "ask_physical": ActionTellPhysical().run,
    "ask_start_dates": ActionTellStartDates().run,
    "ask_length": ActionTellLength().run,
    "ask_same_for_other": ActionAnswerSameForOther().run,
    **{intent: ActionAnswerFaq().run for intent in FAQ_INTENTS},
    "book_appointment": start_form,
    "cancel_appointment": start_form,
    "register_interest": start_form,
    "human_handoff": start_form,
    "delete_my_data": start_form,
    # A message in another language ends the form: the person gets one line they can read.
    "other_language": ActionOtherLanguage().run,
}


# What the walk-through asks, and how a person's own story answers it.
BACKGROUND = {
    "education": lambda text: parse_education(text, content().levels.education_levels),
    "experience": lambda text: parse_experience(text, content().levels.experience_levels),
}


def own_background(tracker: Tracker, intent: str) -> Optional[Tuple[str, str]]:
    """The walk-through asks about education or work and the person tells their
    own ("jag är sjuksköterska från Syrien", "jag har jobbat 8 år som
    sjuksköterska", which NLU reads as a question about a degree from abroad):
    the slot and the level it names, else None."""
    asked = tracker.get_slot("requested_slot")
    if intent != "faq_degree_abroad" or asked not in BACKGROUND:
        return None
    found = BACKGROUND[asked](latest_text(tracker))
    return (asked, found) if found else None


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker) or ""
        if intent == "help" and not (tracker.active_loop or {}).get("name"):
            # "Avbryt": say what did not happen before the menu.
            stopped = STOPPED.get(ended_form(tracker))
            if stopped:
                dispatcher.utter_message(text=phrase(stopped))
        going_on = (tracker.active_loop or {}).get("name")
        background = own_background(tracker, intent) if going_on == "eligibility_form" else None
        if background:
            return [SlotSet(*background)]
        answer = ANSWERS.get(intent, ActionHelpMenu().run)
        events = await answer(dispatcher, tracker, domain)
        if going_on:
            # The form goes on: the answer must not fill its questions (the
            # interest form's track, say) nor clear what it has.
            asked = set(((domain.get("forms") or {}).get(going_on) or {}).get("required_slots") or [])
            return [e for e in events if not (e.get("event") == "slot" and e.get("name") in asked)]
        # Cleared after answering: a change of time reads the cancel form's slots first.
        kept = {e.get("name") for e in events if e.get("event") == "slot"}
        cleared = [SlotSet(name, None) for name in UNFINISHED.get(ended_form(tracker), ()) if name not in kept]
        return cleared + events
