"""Cancelling a booked time with its reference code and the contact given."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import button, content, phrase
from actions.booking import INTERPRETER_SLOTS, reset, service_down
from actions.eligibility import AskInWords, cancel_button
from actions.service_client import ServiceUnavailable, get_client
from actions.typed_values import contact_in, requested_code, requested_contact
from core.codes import looks_like_code, normalize_code

FORM_SLOTS = ("booking_reference", "booking_contact", "cancel_confirmed", "cancel_label")


class ActionAskBookingReference(AskInWords):
    slot, question = "booking_reference", "ask_booking_reference"


class ActionAskBookingContact(AskInWords):
    slot, question = "booking_contact", "ask_booking_contact"


class ActionAskCancelConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_cancel_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=phrase("ask_cancel_confirmed", label=tracker.get_slot("cancel_label")),
            buttons=[
                button(phrase("button_cancel_yes"), "affirm"),
                # Asking to book here ends this form; actions/questions.py makes it a change of time.
                button(phrase("button_change_time"), "book_appointment"),
                button(phrase("button_no"), "deny"),
            ],
        )
        return []


class ValidateCancelForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_cancel_form"

    async def extract_booking_reference(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        code = requested_code(tracker, "booking_reference")
        return {"booking_reference": code} if code else {}

    async def extract_booking_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = requested_contact(tracker, "booking_contact")
        return {"booking_contact": contact} if contact else {}

    async def validate_booking_reference(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not looks_like_code(str(value or "")):
            dispatcher.utter_message(text=phrase("reference_invalid"))
            return {"booking_reference": None}
        return {"booking_reference": normalize_code(str(value))}

    async def validate_booking_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = contact_in(str(value or ""))
        if contact is None:
            dispatcher.utter_message(text=phrase("contact_invalid"))
            return {"booking_contact": None}
        try:
            booking = await get_client().find_booking(
                tracker.get_slot("booking_reference"), contact, conversation=tracker.sender_id
            )
        except ServiceUnavailable as error:
            service_down(dispatcher, error=error)
            return {"booking_contact": None}
        if booking is None:
            dispatcher.utter_message(text=phrase("booking_not_found", phone=content().municipality.phone))
            # Ask for both again: either may be wrong.
            return {"booking_reference": None, "booking_contact": None}
        # The first name and the interpreter are kept for a change of time
        # (actions/questions.py), so they are not asked again.
        return {"booking_contact": contact, "cancel_label": booking["label"], "first_name": booking.get("first_name"),
                "interpreter_wanted": bool(booking.get("interpreter")), "interpreter_language": booking.get("interpreter")}


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        done = reset(*FORM_SLOTS, "first_name", *INTERPRETER_SLOTS)
        label = tracker.get_slot("cancel_label")
        if not tracker.get_slot("cancel_confirmed"):
            dispatcher.utter_message(text=phrase("cancel_not_done"), buttons=[button(phrase("button_menu"), "help")])
            return done
        try:
            cancelled = await get_client().cancel_booking(
                tracker.get_slot("booking_reference"), tracker.get_slot("booking_contact"), conversation=tracker.sender_id
            )
        except ServiceUnavailable as error:
            service_down(dispatcher, error=error)
            return done
        if not cancelled:
            dispatcher.utter_message(text=phrase("booking_not_found", phone=content().municipality.phone))
            return done
        dispatcher.utter_message(
            text=phrase("cancel_done", label=label),
            buttons=[button(phrase("button_new_time"), "book_appointment"), button(phrase("button_menu"), "help")],
        )
        return done

