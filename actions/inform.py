"""Short answers outside a form: a bare job, track or level."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import find_profession, find_track, latest_entity, menu_buttons, phrase
from actions.eligibility import SLOTS, offer_walk_through
from actions.profession import PENDING, SUBJECT, explain_profession
from actions.topic import FOR_JOB, SUBJECT_OF
from actions.tracks import explain_track


class ActionHandleInform(Action):
    def name(self) -> Text:
        return "action_handle_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        track = find_track(tracker, use_slot=False)
        if track:
            return explain_track(dispatcher, track)
        profession = find_profession(tracker, use_slot=False)
        if profession:
            # A job name typed after "Vilket jobb?" answers the question that was
            # asked; "personlig assistent?" right after another job's pay asks it again.
            pending = tracker.get_slot(PENDING)
            subject = SUBJECT_OF.get(pending) if pending else tracker.get_slot(SUBJECT)
            return FOR_JOB.get(subject or "about", explain_profession)(dispatcher, profession)
        # Facts about the person (level, age, experience) were kept in slots;
        # offer the walk-through, which will not ask for them again.
        if any(latest_entity(tracker, name) for name in SLOTS):
            offer_walk_through(dispatcher)
            return []
        dispatcher.utter_message(text=phrase("inform_unclear"), buttons=menu_buttons())
        return []
