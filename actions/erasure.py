"""'Ta bort mina uppgifter': with a code and its contact, the record that code
belongs to; always this conversation. Everything else stored under the same
contact needs its own code, or a counsellor (bot/personal_data/erasure.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import answer_from, button, content, lines, phrase
from actions.booking import reset, service_down
from actions.eligibility import AskInWords, cancel_button
from actions.service_client import ServiceUnavailable, get_client
from actions.typed_values import contact_in, requested_code, requested_contact, typed_code

NO_CODE = "none"
FORM_SLOTS = ("erase_reference", "erase_contact", "erase_confirmed")


class ActionAskEraseReference(Action):
    def name(self) -> Text:
        return "action_ask_erase_reference"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=phrase("ask_erase_reference"),
            buttons=[button(phrase("button_no_code"), "inform", erase_reference=NO_CODE), cancel_button()],
        )
        return []


class ActionAskEraseContact(AskInWords):
    slot, question = "erase_contact", "ask_erase_contact"


class ActionAskEraseConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_erase_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=phrase("ask_erase_confirmed"),
            buttons=[button(phrase("button_erase_yes"), "affirm"), button(phrase("button_no"), "deny")],
        )
        return []


class ValidateEraseForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_erase_form"

    async def extract_erase_reference(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        code = requested_code(tracker, "erase_reference")
        return {"erase_reference": code} if code else {}

    async def extract_erase_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = requested_contact(tracker, "erase_contact")
        return {"erase_contact": contact} if contact else {}

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # Without a code there is nothing to look up by contact: only the conversation goes.
        if tracker.get_slot("erase_reference") == NO_CODE:
            return [slot for slot in domain_slots if slot != "erase_contact"]
        return domain_slots

    async def validate_erase_reference(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "erase_reference", value)
        if answer == NO_CODE:
            return {"erase_reference": NO_CODE}
        code = typed_code(answer or "")
        if code:
            return {"erase_reference": code}
        dispatcher.utter_message(text=phrase("reference_invalid"))
        return {"erase_reference": None}

    async def validate_erase_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = contact_in(str(value or ""))
        if contact is None:
            dispatcher.utter_message(text=phrase("contact_invalid"))
        return {"erase_contact": contact}


class ActionEraseMyData(Action):
    def name(self) -> Text:
        return "action_erase_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if not tracker.get_slot("erase_confirmed"):
            dispatcher.utter_message(text=phrase("erase_not_done"), buttons=[button(phrase("button_menu"), "help")])
            return reset(*FORM_SLOTS)
        reference: Optional[str] = tracker.get_slot("erase_reference")
        request: Dict[str, Any] = {"conversation_id": tracker.sender_id}
        if reference and reference != NO_CODE:
            request.update(reference=reference, contact=tracker.get_slot("erase_contact"))
        try:
            status, answer = await get_client().erase(request, conversation=tracker.sender_id)
        except ServiceUnavailable as error:
            service_down(dispatcher, "erase_service_down", error)
            return reset(*FORM_SLOTS)
        phone = content().municipality.phone
        if status == 404:
            dispatcher.utter_message(text=phrase("erase_not_found", phone=phone))
            return reset(*FORM_SLOTS)
        if status != 200:
            # 403: the service did not accept this action server (its token); nothing was erased.
            dispatcher.utter_message(text=phrase("erase_service_down", phone=phone))
            return reset(*FORM_SLOTS)
        dispatcher.utter_message(
            text=lines(
                phrase("erase_done", bookings=answer.get("bookings", 0), interests=answer.get("interests", 0),
                       tickets=answer.get("tickets", 0)),
                # A code erases only its own record: the rest under the same contact needs its own code.
                phrase("erase_other_records", phone=phone) if "reference" in request else None,
                phrase("erase_conversation_done") if answer.get("conversation") else None,
            )
        )
        # Nothing personal stays in this conversation's memory either.
        return [AllSlotsReset()]
