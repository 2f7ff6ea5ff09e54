"""rasa_addons/nlu/language_detector.py after the intent classifier: a message
in another language gets other_language and the entity language; English the
classifier understood keeps its intent; Swedish is never touched."""

from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

# Rasa's NLU modules import TensorFlow and JAX, which warn about their own
# deprecations on import: Rasa is imported inside the tests, under this filter.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::PendingDeprecationWarning")

TEXT, INTENT, INTENT_RANKING_KEY, ENTITIES = "text", "intent", "intent_ranking", "entities"


def component(config: Optional[dict] = None):
    from rasa_addons.nlu.language_detector import LanguageDetectorComponent

    return LanguageDetectorComponent(config or {})


def classified(text: str, ranking: List[Tuple[str, float]]):
    """A message as the intent classifier leaves it."""
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={TEXT: text})
    ranks = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set(INTENT, ranks[0] if ranks else {"name": None, "confidence": 0.0}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranks, add_to_output=True)
    return message


def language_entities(message) -> List[str]:
    return [e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == "language"]


@pytest.mark.parametrize("text,language", [
    ("أريد أن أعمل ممرضة", "ar"), ("من میخواهم کار کنم", "fa"), ("ስራ ክረክብ እደሊ", "ti"),
    ("я шукаю роботу", "uk"), ("я ищу работу", "ru"),
])
def test_another_script_always_gets_other_language_and_its_entity(text, language):
    # Even when the classifier was sure of a Swedish intent.
    [message] = component().process([classified(text, [("ask_salary", 0.97), ("greet", 0.03)])])
    assert message.get(INTENT) == {"name": "other_language", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY) == [{"name": "other_language", "confidence": 1.0}]
    assert language_entities(message) == [language]
    assert message.as_dict_nlu()  # serialisable as Rasa stores it


@pytest.mark.parametrize("text,language,ranking", [
    ("waxaan rabaa shaqo", "so", [("out_of_scope", 0.8), ("greet", 0.2)]),
    ("hello, I need a job please", "en", [("ask_steps", 0.35), ("out_of_scope", 0.3)]),
    ("i dont speak swedish", "en", [("other_language", 0.9), ("out_of_scope", 0.1)]),
])
def test_a_latin_language_replaces_an_intent_the_classifier_did_not_understand(text, language, ranking):
    [message] = component().process([classified(text, ranking)])
    assert message.get(INTENT)["name"] == "other_language"
    assert language_entities(message) == [language]


def test_english_the_classifier_understood_keeps_its_intent():
    ranking = [("ask_salary", 0.92), ("ask_working_hours", 0.05)]
    [message] = component().process([classified("what is the salary", ranking)])
    assert message.get(INTENT) == {"name": "ask_salary", "confidence": 0.92}
    assert language_entities(message) == []
    [lower] = component({"keep_intent_above": 0.95}).process([classified("what is the salary", ranking)])
    assert lower.get(INTENT)["name"] == "other_language"


@pytest.mark.parametrize("text", ["vad gor en underskoterska", "hej", "ok", "tack", "8ND6E9DG", "jag vill jobba som nurse"])
def test_swedish_is_never_touched(text):
    ranking = [("out_of_scope", 0.6), ("greet", 0.4)]
    [message] = component().process([classified(text, ranking)])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.6}
    assert message.get(ENTITIES) in (None, [])


def test_other_language_without_a_known_language_leaves_the_ranking():
    # The classifier guessed other_language, but no listed language is found:
    # the bot could not say which line, so the next guess stays, unsure as it was.
    [message] = component().process([classified("ne yapıyorsun", [("other_language", 0.7), ("out_of_scope", 0.2), ("greet", 0.1)])])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.2}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["out_of_scope", "greet"]


def test_an_empty_message_and_a_button_payload_are_left_alone():
    [empty, payload] = component().process([classified("", []), classified("/greet", [("greet", 1.0)])])
    assert empty.get(INTENT) == {"name": None, "confidence": 0.0}
    assert payload.get(INTENT) == {"name": "greet", "confidence": 1.0}


def test_languages_come_from_the_content_folder_in_the_environment(tmp_path, monkeypatch):
    import shutil

    import yaml

    from core.content.loader import DEFAULT_DIR

    shutil.copytree(DEFAULT_DIR, tmp_path / "content")
    path = tmp_path / "content" / "languages.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["languages"] = [lang for lang in data["languages"] if lang["id"] != "ar"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("VARDVAGEN_CONTENT_DIR", str(tmp_path / "content"))
    # Without Arabic in the content, Arabic script goes to Dari, the only Arabic-script language left.
    [message] = component().process([classified("مرحبا", [("out_of_scope", 0.9)])])
    assert language_entities(message) == ["fa"]


def test_rasa_builds_the_component_from_config_yml():
    import yaml
    from pathlib import Path

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "config.yml").read_text(encoding="utf-8"))
    names = [step["name"] for step in config["pipeline"]]
    classifier = names.index("rasa_addons.nlu.char_ngram_classifier.CharNgramIntentClassifier")
    assert names[classifier + 1] == "rasa_addons.nlu.language_detector.LanguageDetectorComponent"
    assert names.index("FallbackClassifier") > classifier + 1
