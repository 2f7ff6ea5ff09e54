"""A counsellor's follow-up link opens the chat with context.

The web chat sends /start_followup{"followup_code": "..."}; the bot reads
the link's track and topic from the bot web service, greets with them and
answers the topic at once. The track stays in the conversation, so "vad
krävs?" afterwards is about that track.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import button, content, latest_entity, lines, menu_buttons, phrase
from actions.booking import service_down
from actions.education import ActionExplainStudySupport
from actions.profession import tell_salary
from actions.service_client import ServiceUnavailable, get_client
from actions.steps import ActionExplainSteps
from actions.tracks import explain_track, starts_text
from core.content.model import Track


def track_by_id(track_id: Optional[str]) -> Optional[Track]:
    return next((t for t in content().tracks.tracks if t.id == track_id), None)


def track_buttons(track: Track) -> List[Dict[str, str]]:
    return [
        button(phrase("button_track_requirements"), "ask_requirements", track=track.id),
        button(phrase("button_can_i_start"), "check_eligibility"),
        button(phrase("button_interest"), "register_interest", track=track.id),
        button(phrase("button_book"), "book_appointment"),
        button(phrase("button_menu"), "help"),
    ]


async def answer_topic(topic: Optional[str], track: Optional[Track], dispatcher: CollectingDispatcher,
                       tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    if track and topic in (None, "prerequisites"):
        return explain_track(dispatcher, track)
    if track and topic == "start_dates":
        dispatcher.utter_message(text=starts_text(track), buttons=track_buttons(track))
        return []
    if track and topic == "interest":
        dispatcher.utter_message(text=phrase("followup_interest", track=track.name), buttons=track_buttons(track))
        return []
    if topic == "salary" and track:
        profession = next((p for p in content().professions.professions if p.id == track.profession), None)
        if profession:
            return tell_salary(dispatcher, profession)
    if topic == "study_support":
        return await ActionExplainStudySupport().run(dispatcher, tracker, domain)
    if topic == "steps":
        return await ActionExplainSteps().run(dispatcher, tracker, domain)
    dispatcher.utter_message(text=phrase("followup_ask"), buttons=track_buttons(track) if track else menu_buttons())
    return []


class ActionStartFollowup(Action):
    def name(self) -> Text:
        return "action_start_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        code = latest_entity(tracker, "followup_code")
        if not code:
            dispatcher.utter_message(text=phrase("followup_without_link"), buttons=menu_buttons())
            return []
        try:
            link = await get_client().get_followup(code, conversation=tracker.sender_id)
        except ServiceUnavailable as error:
            service_down(dispatcher, "handoff_service_down", error)
            return []
        if link is None:
            dispatcher.utter_message(text=phrase("followup_not_found"), buttons=menu_buttons())
            return []
        track = track_by_id(link.get("track_id"))
        topic = link.get("topic")
        dispatcher.utter_message(
            text=lines(phrase("followup_greeting"), phrase("followup_track", track=track.name) if track else "")
        )
        events: List[Dict[Text, Any]] = [SlotSet("followup_topic", topic or "general")]
        if track:
            events += [SlotSet("track", track.id), SlotSet("profession", track.profession)]
        return events + await answer_topic(topic, track, dispatcher, tracker, domain)
