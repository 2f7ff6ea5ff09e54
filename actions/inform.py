"""Short answers outside a form: a bare job, track or level."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import find_profession, find_track, latest_entity, menu_buttons, phrase
from actions.eligibility import SLOTS, offer_walk_through
from actions.profession import PENDING, SUBJECT, explain_profession, tell_salary, tell_working_hours
from actions.topic import FOR_JOB
from actions.tracks import explain_how_to_become, explain_track
from core.content.model import Profession

# A job name typed after "Vilket jobb?" answers the question that was asked.
ANSWER_FOR: Dict[str, Callable[[CollectingDispatcher, Profession], List[Dict[Text, Any]]]] = {
    "ask_profession": explain_profession,
    "ask_salary": tell_salary,
    "ask_working_hours": tell_working_hours,
    "ask_requirements": explain_how_to_become,
}


class ActionHandleInform(Action):
    def name(self) -> Text:
        return "action_handle_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        track = find_track(tracker, use_slot=False)
        if track:
            return explain_track(dispatcher, track)
        profession = find_profession(tracker, use_slot=False)
        if profession:
            pending = tracker.get_slot(PENDING)
            if pending:
                return ANSWER_FOR.get(pending, explain_profession)(dispatcher, profession)
            # "personlig assistent?" right after the pay of another job: the same question.
            return FOR_JOB.get(tracker.get_slot(SUBJECT) or "about", explain_profession)(dispatcher, profession)
        # Facts about the person (level, age, experience) were kept in slots;
        # offer the walk-through, which will not ask for them again.
        if any(latest_entity(tracker, name) for name in SLOTS):
            offer_walk_through(dispatcher)
            return []
        dispatcher.utter_message(text=phrase("inform_unclear"), buttons=menu_buttons())
        return []
