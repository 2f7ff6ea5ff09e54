"""KIVO's nine steps from jobseeker to permanent job, and the person's own next step."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import button, content, lines, phrase
from actions.eligibility import SLOTS, next_steps_text, offer_walk_through, person_from


class ActionExplainSteps(Action):
    def name(self) -> Text:
        return "action_explain_steps"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        steps = content().steps
        overview = "\n".join(f"{step.number}. {step.title}" for step in steps.steps)
        dispatcher.utter_message(text=lines(steps.intro, phrase("steps_list_title"), overview))
        if any(tracker.get_slot(slot) for slot in SLOTS):
            dispatcher.utter_message(
                text=next_steps_text(person_from(tracker)),
                buttons=[button(phrase("button_book"), "book_appointment"), button(phrase("button_menu"), "help")],
            )
        else:
            offer_walk_through(dispatcher)
        return []
