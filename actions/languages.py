"""A message in another language: one line in that language, then the Swedish menu.

The NLU component (rasa_addons/nlu/language_detector.py) sets the entity
`language`; the line and its direction come from content/languages.yml. The
line goes out as custom JSON {"data": {"text", "lang", "dir"}}: Rasa's socket
channel emits `data` as the bot message itself and the REST channel returns it
under "custom", so the web chat can mark its language and direction.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import content, latest_entity, latest_text, menu_buttons
from actions.menu import ActionOutOfScope
from core.content.model import Language
from core.languages import LanguageDetector


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetector(content().languages.languages)


def language_of(tracker: Tracker) -> Optional[Language]:
    """The language the NLU found, else the one in the text (a story test has no NLU)."""
    found = latest_entity(tracker, "language") or detector().detect(latest_text(tracker))
    return next((lang for lang in content().languages.languages if lang.id == found), None)


def language_message(language: Language) -> Dict[str, Any]:
    return {"data": {"text": language.line, "lang": language.id, "dir": language.direction}}


class ActionOtherLanguage(Action):
    def name(self) -> Text:
        return "action_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        if language is None:
            # A language no longer in the content: the Swedish answer of before.
            return await ActionOutOfScope().run(dispatcher, tracker, domain)
        dispatcher.utter_message(json_message=language_message(language))
        dispatcher.utter_message(text=content().menu.text, buttons=menu_buttons())
        return []
