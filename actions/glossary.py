"""Explain a word from the glossary; jobs are explained in full.

A small form asks "which word?" when the person did not name one.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import (
    button,
    find_profession,
    find_word,
    latest_entity,
    latest_text,
    phrase,
    profession_in_text,
)
from actions.profession import explain_profession
from core.content.model import Word
from core.readability import words

# Shorter words are usually "vad", "är", "ett": not the word asked about.
LONG_WORD = 5


def word_asked(tracker: Tracker) -> Optional[str]:
    return tracker.get_slot("word") or latest_entity(tracker, "word")


def lookup(tracker: Tracker) -> Optional[Word]:
    asked = word_asked(tracker)
    found = find_word(asked) if asked else None
    return found or find_word(latest_text(tracker))


class ValidateWordForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_word_form"

    async def extract_word(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = latest_text(tracker).strip()
        if not text:
            return {}
        if tracker.get_slot("requested_slot") == "word":
            # The answer to "which word?" is the word itself.
            return {"word": text}
        if not tracker.get_slot("word"):
            # "vad betyder apl" where the model found no entity.
            found = find_word(text)
            if found:
                return {"word": found.term}
            profession = find_profession(tracker, use_slot=False)
            if profession:
                return {"word": profession.name}
            # An unknown word: the longest word is most likely the one asked
            # about ("vad betyder bemanning"), so the answer comes at once.
            longest = max(words(text), key=len, default="")
            if len(longest) >= LONG_WORD:
                return {"word": longest}
        return {}


class ActionAskWord(Action):
    def name(self) -> Text:
        return "action_ask_word"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=phrase("word_which"))
        return []


class ActionExplainWord(Action):
    def name(self) -> Text:
        return "action_explain_word"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # The word is cleared so that the next question starts afresh.
        events: List[Dict[Text, Any]] = [SlotSet("word", None)]
        word = lookup(tracker)
        if word:
            dispatcher.utter_message(
                text=phrase("word_explained", term=word.term[:1].upper() + word.term[1:], text=word.text),
                buttons=[button(phrase("button_other_word"), "explain_word"), button(phrase("button_menu"), "help")],
            )
            return events
        asked = word_asked(tracker) or latest_text(tracker)
        profession = find_profession(tracker, use_slot=False)
        if profession is None and asked:
            profession = profession_in_text(asked)
        if profession:
            return events + explain_profession(dispatcher, profession)
        dispatcher.utter_message(
            text=phrase("word_not_found"),
            buttons=[button(phrase("button_book"), "book_appointment"), button(phrase("button_menu"), "help")],
        )
        return events
