"""A reference code typed on its own, and "vilken tid har jag?".

Ticket, booking and interest codes have one shape (core/codes.py), so a code
alone is looked up as a question first: that lookup needs only the code, as
when the person asks for the answer (check_answer). Else it may be a
booking's: the cancel form asks for the contact, the service checks the pair,
and only then is the booking shown (actions/cancel.py, booking_purpose).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import button, latest_entity, latest_intent, latest_text, phrase
from actions.booking import service_down
from actions.cancel import CHANGE, CODE, SHOW, change_shown_booking, known_booking, show_booking
from actions.handoff import tell_answer
from actions.service_client import ServiceUnavailable, get_client
from core.codes import find_code, looks_like_code, normalize_code


def code_of(tracker: Tracker) -> Optional[str]:
    """The code in the latest message (the `code` entity of data/nlu/codes.yml, or found in the text)."""
    found = latest_entity(tracker, "code")
    if found and looks_like_code(found):
        return normalize_code(found)
    return find_code(latest_text(tracker))


def find_booking(tracker: Tracker, code: Optional[str], purpose: str) -> List[Dict[Text, Any]]:
    """The cancel form, asking for what it lacks: the contact, and the code if
    none was typed. A booking shown before in this conversation keeps its code
    and contact (actions/cancel.py), and the form checks them again."""
    events = [SlotSet("booking_purpose", purpose)]
    if code and code != tracker.get_slot("booking_reference"):
        # Another code: its own contact is asked for.
        events += [SlotSet("booking_reference", code), SlotSet("booking_contact", None)]
    return events + [FollowupAction("cancel_form")]


class ActionFindByCode(Action):
    """give_code: a question's answer, or the booking after the contact check.
    ask_my_booking: the booking, with the code if the message holds one.
    A booking shown before in this conversation is shown (or changed, with the
    "Ändra tiden" button) from its kept code and contact, checked again."""

    def name(self) -> Text:
        return "action_find_by_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if latest_entity(tracker, "booking_purpose") == CHANGE:
            return await change_shown_booking(dispatcher, tracker)
        code = code_of(tracker)
        asks_booking = latest_intent(tracker) == "ask_my_booking"
        if known_booking(tracker) and (code == tracker.get_slot("booking_reference") or (code is None and asks_booking)):
            return await show_booking(dispatcher, tracker)
        if asks_booking:
            return find_booking(tracker, code, SHOW)
        if code is None:
            dispatcher.utter_message(text=phrase("ask_code_again"), buttons=[button(phrase("button_menu"), "help")])
            return []
        try:
            ticket = await get_client().get_ticket(code, conversation=tracker.sender_id)
        except ServiceUnavailable as error:
            service_down(dispatcher, "handoff_service_down", error)
            return []
        if ticket is not None:
            tell_answer(dispatcher, ticket)
            return []
        return find_booking(tracker, code, CODE)
