"""Counsellor contact for booking, interest, handoff and data questions.

Booking, interest registration and handoff tickets are stored by the bot web
service in a later version; until then the bot gives the guidance contact.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import button, content, lines, phrase


class ActionContactCounsellor(Action):
    def name(self) -> Text:
        return "action_contact_counsellor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        town = content().municipality
        dispatcher.utter_message(
            text=lines(
                town.guidance.text,
                phrase("contact_guidance", phone=town.guidance.phone, email=town.guidance.email),
                town.opening_hours,
                phrase("contact_visit", address=town.guidance.visit_address),
            ),
            buttons=[button(phrase("button_menu"), "help")],
        )
        return []
