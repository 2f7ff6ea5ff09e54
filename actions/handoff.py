"""Handing a question to a counsellor, and reading the answer later.

The person writes the question and may leave a contact; the bot web service
stores a ticket with what the bot already knows and the conversation so far
(personnummer already removed by the channel), and the person gets a code.
With the code they can read the answer here later.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import answer_from, button, content, latest_intent, lines, phrase
from actions.booking import reset, service_down
from actions.eligibility import AskInWords, cancel_button
from actions.parts import code_part, send_parts
from actions.service_client import ServiceUnavailable, get_client
from actions.typed_values import code_in, requested_code, typed_code
from core.contact import normalize_contact

NO_CONTACT = "none"
FORM_SLOTS = ("handoff_question", "handoff_contact")
# What the bot knows that helps a counsellor answer (sent as the summary).
SUMMARY_SLOTS = ("track", "profession", "sfi_level", "education", "experience", "age")
TRANSCRIPT_TURNS = 30
QUESTION_LENGTH = (3, 2000)
FALLBACK_INTENTS = {"nlu_fallback", "out_of_scope"}


def offer_handoff(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(
        text=phrase("offer_handoff"),
        buttons=[button(phrase("button_send_question"), "human_handoff"), button(phrase("button_menu"), "help")],
    )


def fallbacks_in_a_row(tracker: Tracker) -> int:
    """How many of the latest user messages in a row the bot did not understand."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent not in FALLBACK_INTENTS:
            break
        count += 1
    return count


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    """The conversation so far as the counsellor will read it (buttons pressed are skipped)."""
    turns = []
    for event in tracker.events:
        text = (event.get("text") or "").strip()
        if event.get("event") == "user" and text and not text.startswith("/"):
            turns.append({"from": "user", "text": text})
        elif event.get("event") == "bot" and text:
            turns.append({"from": "bot", "text": text})
    return turns[-TRANSCRIPT_TURNS:]


class ActionAskHandoffQuestion(Action):
    """Ask for the question; calling or mailing is always an option too."""

    def name(self) -> Text:
        return "action_ask_handoff_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        guidance = content().municipality.guidance
        dispatcher.utter_message(
            text=lines(phrase("ask_handoff_question"), phrase("contact_guidance", phone=guidance.phone, email=guidance.email)),
            buttons=[cancel_button()],
        )
        return []


class ActionAskHandoffContact(Action):
    """Optional contact, with what is stored and for how long."""

    def name(self) -> Text:
        return "action_ask_handoff_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        privacy = content().privacy
        days = privacy.retention_days.tickets
        dispatcher.utter_message(text=lines(*(item.format(days=days) for item in privacy.handoff_notice)))
        dispatcher.utter_message(
            text=phrase("ask_handoff_contact"),
            buttons=[button(phrase("button_no_contact"), "inform", handoff_contact=NO_CONTACT), cancel_button()],
        )
        return []


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_handoff_form"

    async def validate_handoff_question(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = " ".join(str(value or "").split())
        low, high = QUESTION_LENGTH
        if text.startswith("/") or len(text) < low:
            dispatcher.utter_message(text=phrase("handoff_question_invalid"))
            return {"handoff_question": None}
        if len(text) > high:
            dispatcher.utter_message(text=phrase("handoff_question_too_long", max=high))
            return {"handoff_question": None}
        return {"handoff_question": text}

    async def validate_handoff_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "handoff_contact", value)
        if answer == NO_CONTACT:
            return {"handoff_contact": NO_CONTACT}
        contact = normalize_contact(answer)
        if contact is None:
            dispatcher.utter_message(text=phrase("contact_invalid"))
        return {"handoff_contact": contact}


class ActionCreateTicket(Action):
    """Runs when the form is done: the service stores the whole ticket or nothing."""

    def name(self) -> Text:
        return "action_create_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        done = reset(*FORM_SLOTS)
        question = tracker.get_slot("handoff_question")
        if not question:
            return done
        contact = tracker.get_slot("handoff_contact")
        request = {
            "question": question,
            "contact": None if contact in (None, NO_CONTACT) else contact,
            "conversation_id": tracker.sender_id,
            "summary": {slot: str(tracker.get_slot(slot)) for slot in SUMMARY_SLOTS if tracker.get_slot(slot)},
            "transcript": transcript(tracker),
        }
        try:
            status, answer = await get_client().create_ticket(request, tracker.sender_id, question)
        except ServiceUnavailable as error:
            service_down(dispatcher, "handoff_service_down", error)
            return done
        if status not in (200, 201):
            dispatcher.utter_message(
                text=answer.get("message") or phrase("handoff_service_down", phone=content().municipality.phone)
            )
            return done
        dispatcher.utter_message(
            text=lines(
                phrase("handoff_done"),
                phrase("handoff_reference", reference=answer["reference"]),
                phrase("handoff_email") if answer.get("email") else "",
                phrase("handoff_how_to_read"),
            ),
            buttons=[button(phrase("button_menu"), "help")],
        )
        send_parts(dispatcher, [code_part(answer["reference"])])
        return done


class ActionAskTicketReference(AskInWords):
    slot, question = "ticket_reference", "ask_ticket_reference"


class ValidateAnswerForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_answer_form"

    async def extract_ticket_reference(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        # The code may come in the very message that asked for the answer.
        if tracker.get_slot("ticket_reference") is None and latest_intent(tracker) == "check_answer":
            code = code_in(tracker.latest_message.get("text") or "")
            if code:
                return {"ticket_reference": code}
        code = requested_code(tracker, "ticket_reference")
        return {"ticket_reference": code} if code else {}

    async def validate_ticket_reference(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "")
        code = typed_code(text)
        if code is None:
            dispatcher.utter_message(text=phrase("reference_invalid"))
        return {"ticket_reference": code}


class ActionShowAnswer(Action):
    def name(self) -> Text:
        return "action_show_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        done = reset("ticket_reference")
        code = tracker.get_slot("ticket_reference")
        if not code:
            return done
        try:
            ticket = await get_client().get_ticket(code, conversation=tracker.sender_id)
        except ServiceUnavailable as error:
            service_down(dispatcher, "handoff_service_down", error)
            return done
        if ticket is None:
            dispatcher.utter_message(
                text=phrase("ticket_not_found"),
                buttons=[button(phrase("button_cancel_booking"), "cancel_appointment"), button(phrase("button_menu"), "help")],
            )
        else:
            tell_answer(dispatcher, ticket)
        return done


def tell_answer(dispatcher: CollectingDispatcher, ticket: Dict[str, Any]) -> None:
    """A found question: its answer, or that nobody has answered yet."""
    menu = button(phrase("button_menu"), "help")
    if ticket.get("answer"):
        dispatcher.utter_message(text=lines(phrase("ticket_question", question=ticket["question"]),
                                            phrase("ticket_answer_intro",
                                                   answered_by=ticket.get("answered_by") or phrase("answer_from_anyone"))))
        dispatcher.utter_message(text=ticket["answer"], buttons=[button(phrase("button_ask_more"), "human_handoff"), menu])
    else:
        dispatcher.utter_message(text=phrase("ticket_not_answered"), buttons=[menu])
