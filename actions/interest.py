"""Registering interest in a job track: which track, first name, contact,
what is stored, confirm. Answers from the eligibility walk-through are sent
along, so the counsellor never has to ask them again."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import answer_from, button, content, find_track, lines, phrase
from actions.booking import PersonFormValidation, reset, service_down
from actions.eligibility import SLOTS as ANSWER_SLOTS
from actions.eligibility import cancel_button
from actions.parts import code_part, send_parts
from actions.service_client import ServiceUnavailable, get_client

FORM_SLOTS = ("first_name", "contact", "interest_confirmed", "reuse_declined")


def track_name(track_id: str) -> str:
    return next((t.name for t in content().tracks.tracks if t.id == track_id), track_id)


class ActionAskTrack(Action):
    def name(self) -> Text:
        return "action_ask_track"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=phrase("ask_interest_track"),
            buttons=[button(t.name, "inform", track=t.id) for t in content().tracks.tracks] + [cancel_button()],
        )
        return []


class ActionAskInterestConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_interest_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        privacy = content().privacy
        days = privacy.retention_days.interests
        dispatcher.utter_message(text=lines(*(item.format(days=days) for item in privacy.interest_notice)))
        dispatcher.utter_message(
            text=lines(
                phrase(
                    "interest_summary",
                    track=track_name(tracker.get_slot("track")),
                    name=tracker.get_slot("first_name"),
                    contact=tracker.get_slot("contact"),
                ),
                phrase("ask_interest_confirmed"),
            ),
            buttons=[button(phrase("button_interest_yes"), "affirm"), button(phrase("button_no"), "deny")],
        )
        return []


class ValidateInterestForm(PersonFormValidation):
    def name(self) -> Text:
        return "validate_interest_form"

    async def validate_track(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "track", value)
        ids = {t.id for t in content().tracks.tracks}
        found = answer if answer in ids else getattr(find_track(tracker, use_slot=False), "id", None)
        if found is None:
            dispatcher.utter_message(text=phrase("answer_not_understood"))
        return {"track": found}



class ActionRegisterInterest(Action):
    def name(self) -> Text:
        return "action_register_interest"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        done = reset(*FORM_SLOTS)
        if not tracker.get_slot("interest_confirmed"):
            dispatcher.utter_message(text=phrase("interest_not_made"), buttons=[button(phrase("button_menu"), "help")])
            return done
        answers = {slot: tracker.get_slot(slot) for slot in ANSWER_SLOTS if tracker.get_slot(slot)}
        request = {
            "track_id": tracker.get_slot("track"),
            "first_name": tracker.get_slot("first_name"),
            "contact": tracker.get_slot("contact"),
            "answers": answers,
        }
        try:
            status, answer = await get_client().register_interest(request, tracker.sender_id, tracker.get_slot("track") or "")
        except ServiceUnavailable as error:
            service_down(dispatcher, "interest_service_down", error)
            return done
        if status != 201:
            dispatcher.utter_message(text=answer.get("message") or phrase("interest_service_down", phone=content().municipality.phone))
            return done
        dispatcher.utter_message(
            text=lines(
                phrase("interest_done", track=answer["track_name"]),
                phrase("interest_contact", name=answer["contact"]["name"]),
                phrase("interest_reference", reference=answer["reference"]),
            ),
            buttons=[button(phrase("button_book"), "book_appointment"), button(phrase("button_menu"), "help")],
        )
        send_parts(dispatcher, [code_part(answer["reference"])])
        return done
