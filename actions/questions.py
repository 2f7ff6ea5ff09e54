"""A question asked in the middle of the walk-through ends it and is answered.

Without this the form would take the question as an answer, refuse it and ask
again, and the person would be stuck.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.base import latest_intent
from actions.contact import ActionContactCounsellor
from actions.education import ActionExplainStudySupport
from actions.menu import ActionHelpMenu
from actions.profession import ActionExplainProfession, ActionTellSalary, ActionTellWorkingHours
from actions.steps import ActionExplainSteps

Answer = Callable[[CollectingDispatcher, Tracker, Dict[Text, Any]], Awaitable[List[Dict[Text, Any]]]]

FORM_FOR = {
    "book_appointment": "booking_form",
    "cancel_appointment": "cancel_form",
    "register_interest": "interest_form",
    "delete_my_data": "erase_form",
}


async def start_form(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """Booking, cancelling or interest asked for inside another form: that form comes next."""
    return [FollowupAction(FORM_FOR[latest_intent(tracker) or ""])]


# Keep in step with the intents of the rules for questions inside forms
# (data/rules/*.yml) and with not_intent in domain.yml.
ANSWERS: Dict[str, Answer] = {
    "help": ActionHelpMenu().run,
    "ask_profession": ActionExplainProfession().run,
    "ask_salary": ActionTellSalary().run,
    "ask_working_hours": ActionTellWorkingHours().run,
    "ask_steps": ActionExplainSteps().run,
    "ask_study_support": ActionExplainStudySupport().run,
    "book_appointment": start_form,
    "cancel_appointment": start_form,
    "register_interest": start_form,
    "human_handoff": ActionContactCounsellor().run,
    "delete_my_data": start_form,
}


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        answer = ANSWERS.get(latest_intent(tracker) or "", ActionHelpMenu().run)
        return await answer(dispatcher, tracker, domain)
