"""bot/nlu/learner_spelling.py inside Rasa: the featurizers see folded words,
the text and offsets stay as typed, and Rasa's fingerprint sees the change."""

import pytest

# Importing Rasa imports TensorFlow and JAX, which warn about their own deprecations.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::PendingDeprecationWarning")


def test_tokens_are_folded_and_the_text_is_kept():
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.learner_spelling import LearnerSpelling

    text = "Vad gör en Undersköterska"
    message = Message(data={TEXT: text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    before = message.fingerprint()

    LearnerSpelling.create({}, None, None, None).process([message])

    tokens = message.get(TOKENS_NAMES[TEXT])
    assert [t.text for t in tokens] == ["vad", "gor", "en", "underskoterska"]
    assert [t.lemma for t in tokens] == ["vad", "gor", "en", "underskoterska"]
    assert message.get(TEXT) == text
    assert [text[t.start:t.end] for t in tokens] == ["Vad", "gör", "en", "Undersköterska"]
    assert message.fingerprint() != before, "Rasa's training cache would not see the change"
