"""Rasa NLU component: a message in another language gets the intent
`other_language` and the entity `language` (its id in content/languages.yml).

It runs after the intent classifier. The language comes from core/languages.py
(script, letters and word lists from the content; no model). Then:

- another script (Arabic, Ethiopic, Cyrillic ...): always `other_language`;
- a Latin-script language (English, Somali ...): only when the classifier did
  not understand the message well (out_of_scope, or below `keep_intent_above`).
  The training data holds English questions on purpose ("what is the salary"),
  and the bot keeps answering those as before;
- no language found: `other_language` never stays, even if the classifier
  guessed it from the training examples, because the bot would not know which
  line to say. It leaves the ranking; the others keep their confidence, so an
  unsure guess still goes to the fallback.

The languages are read from the content folder when Rasa loads the model, so
a municipality adds a language without training again (a restart is enough).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from core.content import load_content
from core.content.loader import DEFAULT_DIR
from core.languages import LanguageDetector

OTHER_LANGUAGE = "other_language"
ENTITY = "language"


def content_languages() -> List[Any]:
    return load_content(Path(os.environ.get("VARDVAGEN_CONTENT_DIR", DEFAULT_DIR))).languages.languages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageDetectorComponent(GraphComponent):
    """Sets `other_language` and the entity `language` for a message in a content language."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # A Latin-script language replaces the classifier's intent only below this
            # confidence, or when the intent is one of `replace_intents`.
            "keep_intent_above": 0.5,
            "replace_intents": ["out_of_scope", OTHER_LANGUAGE],
        }

    def __init__(self, config: Dict[Text, Any], detector: Optional[LanguageDetector] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._detector = detector if detector is not None else LanguageDetector(content_languages())
        self._scripts = {lang.id: lang.script for lang in self._detector.languages}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageDetectorComponent":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            language = self._detector.detect(text)
            if language is not None and self._replaces(language, message.get(INTENT) or {}):
                self._set_language(message, language, text)
            elif (message.get(INTENT) or {}).get("name") == OTHER_LANGUAGE or any(
                    r.get("name") == OTHER_LANGUAGE for r in message.get(INTENT_RANKING_KEY) or []):
                self._drop_other_language(message)
        return messages

    def _replaces(self, language: str, intent: Dict[str, Any]) -> bool:
        if self._scripts.get(language) != "latin":
            return True
        return (intent.get("name") in self._config["replace_intents"]
                or float(intent.get("confidence") or 0.0) < self._config["keep_intent_above"])

    @staticmethod
    def _set_language(message: Message, language: str, text: str) -> None:
        intent = {"name": OTHER_LANGUAGE, "confidence": 1.0}
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != ENTITY]
        entities.append({"entity": ENTITY, "value": language, "start": 0, "end": len(text),
                         "confidence_entity": 1.0, "extractor": LanguageDetectorComponent.__name__})
        message.set(ENTITIES, entities, add_to_output=True)

    @staticmethod
    def _drop_other_language(message: Message) -> None:
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != OTHER_LANGUAGE]
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        message.set(INTENT, ranking[0] if ranking else {"name": None, "confidence": 0.0}, add_to_output=True)
