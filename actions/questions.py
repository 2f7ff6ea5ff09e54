"""A question asked in the middle of the walk-through ends it and is answered.

Without this the form would take the question as an answer, refuse it and ask
again, and the person would be stuck.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import latest_intent
from actions.contact import ActionContactCounsellor
from actions.education import ActionExplainStudySupport
from actions.menu import ActionHelpMenu
from actions.profession import ActionExplainProfession, ActionTellSalary, ActionTellWorkingHours
from actions.steps import ActionExplainSteps

# Keep in step with the intents of the rule in data/rules/eligibility.yml.
ANSWERS: Dict[str, Type[Action]] = {
    "help": ActionHelpMenu,
    "ask_profession": ActionExplainProfession,
    "ask_salary": ActionTellSalary,
    "ask_working_hours": ActionTellWorkingHours,
    "ask_steps": ActionExplainSteps,
    "ask_study_support": ActionExplainStudySupport,
    "book_appointment": ActionContactCounsellor,
    "cancel_appointment": ActionContactCounsellor,
    "register_interest": ActionContactCounsellor,
    "human_handoff": ActionContactCounsellor,
    "delete_my_data": ActionContactCounsellor,
}


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        answer = ANSWERS.get(latest_intent(tracker) or "", ActionHelpMenu)
        return await answer().run(dispatcher, tracker, domain)
