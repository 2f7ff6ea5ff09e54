"""Rasa NLU component: learner spelling for the featurizers.

Placed after the tokenizer and before the featurizers in config.yml. Each word
of the text is given to the featurizers in lower case with å/ä/ö folded
(bot/spelling.py). The message text and each token's offsets are left as the
person wrote them, so entity values and what the actions read stay unchanged.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.spelling import fold


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LearnerSpelling(GraphComponent):
    """Folds the text of each text token (and its lemma)."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LearnerSpelling":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT], None)
            if tokens:
                # New tokens, set through Message.set: Rasa caches a message's fingerprint
                # (and keys its training cache on it), so tokens edited in place would go unseen.
                message.set(TOKENS_NAMES[TEXT], [self._folded(token) for token in tokens])
        return messages

    @staticmethod
    def _folded(token: Token) -> Token:
        return Token(fold(token.text), token.start, token.end, dict(token.data), fold(token.lemma or token.text))
