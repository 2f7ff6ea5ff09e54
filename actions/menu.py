"""The help menu, out-of-scope answers and the two-stage fallback in Swedish."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.base import button, content, menu_buttons, phrase
from actions.faq import answer_follow_up
from actions.handoff import fallbacks_in_a_row, offer_handoff


class ActionHelpMenu(Action):
    def name(self) -> Text:
        return "action_help_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=content().menu.text, buttons=menu_buttons())
        return []


class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if fallbacks_in_a_row(tracker) >= 2:
            # Two messages in a row the bot could not answer: offer a person.
            offer_handoff(dispatcher)
            return []
        # "hur lång tid tar det?" right after a question: that question's case, if it has one.
        if answer_follow_up(dispatcher, tracker):
            return []
        # Unsure means a person, not a guess: a counsellor first, then the menu.
        dispatcher.utter_message(text=phrase("out_of_scope"), buttons=counsellor_first())
        return []


def ask_a_counsellor() -> Dict[str, str]:
    return button(phrase("button_ask_counsellor"), "human_handoff")


def counsellor_first() -> List[Dict[str, str]]:
    """The menu with asking a counsellor first (and once)."""
    counsellor = ask_a_counsellor()
    return [counsellor, *(b for b in menu_buttons() if b["payload"] != counsellor["payload"])]


def _label(intent: Optional[str]) -> Optional[str]:
    return next((item.label for item in content().menu.items if item.intent == intent), None)


class ActionDefaultAskAffirmation(Action):
    """First stage of the fallback: "Did you mean ...?" with yes/no buttons."""

    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        # The top entry is nlu_fallback itself; the next is the best guess.
        guesses = [r.get("name") for r in ranking if r.get("name") not in ("nlu_fallback", "out_of_scope")]
        label = _label(guesses[0]) if guesses else None
        if label is None:
            dispatcher.utter_message(text=phrase("ask_rephrase"), buttons=counsellor_first())
            return []
        dispatcher.utter_message(
            text=phrase("did_you_mean", label=label.rstrip("?")),
            buttons=[button(phrase("button_yes"), guesses[0]), button(phrase("button_no"), "out_of_scope"),
                     ask_a_counsellor()],
        )
        return []


class ActionDefaultAskRephrase(Action):
    """Second stage of the fallback: ask the person to write it another way."""

    def name(self) -> Text:
        return "action_default_ask_rephrase"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=phrase("ask_rephrase"), buttons=counsellor_first())
        return []


class ActionDefaultFallback(Action):
    """Last stage: say honestly that the bot did not understand, show the menu."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # The fallback ran twice: the bot asked, and still did not understand.
        dispatcher.utter_message(text=phrase("give_up"))
        offer_handoff(dispatcher)
        return [UserUtteranceReverted()]
