"""A booked time found with its reference code and the contact given: shown,
cancelled or changed.

One form, cancel_form, asks for the code and the contact; the service checks
the pair before anything of the booking is said. `booking_purpose` says what
happens when the pair is found: nothing set is a cancel (the form asks
"Vill du avboka?"); SHOW ("vilken tid har jag?") and CODE (a code typed on its
own, not a question's code: actions/codes.py) show the booking with buttons to
change (CHANGE, actions/codes.py) or cancel it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import button, content, lines, phrase
from actions.booking import INTERPRETER_SLOTS, reset, service_down
from actions.eligibility import AskInWords
from actions.service_client import ServiceUnavailable, get_client
from actions.typed_values import contact_in, requested_code, requested_contact, typed_code

FORM_SLOTS = ("booking_reference", "booking_contact", "cancel_confirmed", "cancel_label", "booking_purpose")
# Values of booking_purpose (None: cancel).
SHOW, CODE, CHANGE, NOT_FOUND = "show", "code", "change", "not_found"
# Kept after a booking is shown, so its buttons (Ändra tiden, Avboka) do not
# ask for the code and contact again; each checks the pair with the service again.
KEPT_AFTER_SHOWING = ("booking_reference", "booking_contact", "cancel_label")


def found_slots(booking: Dict[str, Any]) -> Dict[str, Any]:
    """What a change of time keeps from the found booking, so it is not asked again."""
    return {"cancel_label": booking["label"], "first_name": booking.get("first_name"),
            "interpreter_wanted": bool(booking.get("interpreter")), "interpreter_language": booking.get("interpreter")}


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

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        purpose = tracker.get_slot("booking_purpose")
        if purpose == NOT_FOUND:
            return []  # the form ends; action_cancel_booking says nothing more
        if purpose in (SHOW, CODE):
            return ["booking_reference", "booking_contact"]
        return domain_slots

    async def extract_booking_reference(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        code = requested_code(tracker, "booking_reference")
        return {"booking_reference": code} if code else {}

    async def extract_booking_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = requested_contact(tracker, "booking_contact")
        return {"booking_contact": contact} if contact else {}

    async def validate_booking_reference(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        # "min kod är qj7h bt8r" as well as the code alone.
        code = typed_code(str(value or ""))
        if code is None:
            dispatcher.utter_message(text=phrase("reference_invalid"))
            return {"booking_reference": None}
        return {"booking_reference": code}

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
        if booking is None and tracker.get_slot("booking_purpose") == CODE:
            # The code alone was no question's code either.
            dispatcher.utter_message(text=phrase("code_not_found", phone=content().municipality.phone),
                                     buttons=[button(phrase("button_menu"), "help")])
            return {"booking_reference": None, "booking_contact": None, "booking_purpose": NOT_FOUND}
        if booking is None:
            dispatcher.utter_message(text=phrase("booking_not_found", phone=content().municipality.phone))
            # Ask for both again: either may be wrong.
            return {"booking_reference": None, "booking_contact": None}
        # The first name and the interpreter are kept for a change of time
        # (actions/questions.py), so they are not asked again.
        return {"booking_contact": contact, **found_slots(booking)}


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        done = reset(*FORM_SLOTS, "first_name", *INTERPRETER_SLOTS)
        purpose = tracker.get_slot("booking_purpose")
        if purpose == NOT_FOUND:
            return done
        if purpose in (SHOW, CODE):
            return await show_booking(dispatcher, tracker)
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



def booking_text(booking: Dict[str, Any]) -> str:
    """What a person needs to know about their booked time."""
    place = booking.get("place") or {}
    return lines(
        phrase("booking_shown", label=booking["label"]),
        phrase("booking_shown_kind", kind=booking["meeting_type_label"]),
        booking["meeting_text"],
        phrase("booking_shown_place", place=f"{place['name']}, {place['address']}")
        if booking.get("meeting_type") == "on_site" and place.get("name") else "",
        phrase("booking_interpreter", language=booking["interpreter"]) if booking.get("interpreter")
        else phrase("booking_no_interpreter"),
    )


def known_booking(tracker: Tracker) -> bool:
    """A booking shown before in this conversation: its code and contact are kept."""
    return bool(tracker.get_slot("booking_reference") and tracker.get_slot("booking_contact"))


async def _look_up_kept(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The booking of the kept code and contact, checked with the service again
    (a lookup that finds its booking costs no try); None said to the person."""
    try:
        booking = await get_client().find_booking(tracker.get_slot("booking_reference"),
                                                  tracker.get_slot("booking_contact"), conversation=tracker.sender_id)
    except ServiceUnavailable as error:
        service_down(dispatcher, error=error)
        return None
    if booking is None:  # cancelled meanwhile
        dispatcher.utter_message(text=phrase("booking_not_found", phone=content().municipality.phone))
    return booking


async def show_booking(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The booking of the checked code and contact, with buttons to change or cancel it."""
    done = reset(*(name for name in FORM_SLOTS if name not in KEPT_AFTER_SHOWING), "first_name", *INTERPRETER_SLOTS)
    booking = await _look_up_kept(dispatcher, tracker)
    if booking is None:
        return done + reset(*KEPT_AFTER_SHOWING)
    dispatcher.utter_message(
        text=booking_text(booking),
        buttons=[
            # Both start from the kept code and contact: actions/codes.py for a change,
            # cancel_form (which then asks only "Vill du avboka?") for a cancel.
            button(phrase("button_change_booking"), "ask_my_booking", booking_purpose=CHANGE),
            button(phrase("button_cancel_booking_only"), "cancel_appointment"),
            button(phrase("button_menu"), "help"),
        ],
    )
    return done + [SlotSet("cancel_label", booking["label"])]


def change_slots(reference: str, contact: str, found: Dict[str, Any]) -> List[Dict[Text, Any]]:
    return [
        SlotSet("change_reference", reference),
        SlotSet("change_contact", contact),
        SlotSet("change_label", found["cancel_label"]),
        SlotSet("contact", contact),
        SlotSet("first_name", found["first_name"]),
        *(SlotSet(name, found[name]) for name in INTERPRETER_SLOTS),
    ]


def change_of_time(tracker: Tracker) -> List[Dict[Text, Any]]:
    """'Byt till en annan tid' on the cancel question (actions/questions.py):
    the booking form for a new time that replaces the found booking, with the
    person's name, contact and interpreter known."""
    if not (tracker.get_slot("cancel_label") and tracker.get_slot("booking_reference")):
        return []
    found = {name: tracker.get_slot(name) for name in ("cancel_label", "first_name", *INTERPRETER_SLOTS)}
    return change_slots(tracker.get_slot("booking_reference"), tracker.get_slot("booking_contact"), found)


async def change_shown_booking(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """'Ändra tiden' under a shown booking: the same change of time, from the kept code and contact."""
    done = reset(*FORM_SLOTS, "first_name", *INTERPRETER_SLOTS)
    booking = await _look_up_kept(dispatcher, tracker) if known_booking(tracker) else None
    if booking is None:
        return done
    dispatcher.utter_message(text=phrase("change_start"))
    return done + change_slots(tracker.get_slot("booking_reference"), tracker.get_slot("booking_contact"),
                               found_slots(booking)) + [FollowupAction("booking_form")]
