"""rasa_addons/nlu/char_ngram_classifier.py through Rasa's own model storage: it
learns intents, reads learner spelling like standard spelling, survives being
saved and loaded (without pickle), and gives no intent for an empty text."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import List, Tuple

import numpy as np
import pytest

# Rasa's NLU modules import TensorFlow and JAX, which warn about their own
# deprecations on import: Rasa is imported inside the tests, under this filter.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::PendingDeprecationWarning")

TEXT, INTENT, INTENT_RANKING_KEY = "text", "intent", "intent_ranking"  # rasa.shared.nlu.constants

EXAMPLES: List[Tuple[str, str]] = [
    ("vad gör en undersköterska", "ask_profession"),
    ("vad jobbar en undersköterska med", "ask_profession"),
    ("berätta om jobbet som vårdbiträde", "ask_profession"),
    ("vad gör man som skötare", "ask_profession"),
    ("hur mycket tjänar man", "ask_salary"),
    ("vad är lönen", "ask_salary"),
    ("hur hög är lönen för en undersköterska", "ask_salary"),
    ("vad får man i lön", "ask_salary"),
    ("jag vill boka en tid", "book_appointment"),
    ("kan jag få träffa en vägledare", "book_appointment"),
    ("boka möte", "book_appointment"),
    ("jag vill prata med en syv", "book_appointment"),
]


def messages(*texts: str) -> list:
    from rasa.shared.nlu.training_data.message import Message

    return [Message(data={TEXT: text}) for text in texts]


@pytest.fixture
def storage(tmp_path: Path):
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    folder = tmp_path / "storage"
    folder.mkdir()
    return LocalModelStorage(folder)


def context():
    from rasa.engine.graph import ExecutionContext, GraphSchema

    return ExecutionContext(GraphSchema({}), "test")


def classifier_class():
    from rasa_addons.nlu.char_ngram_classifier import CharNgramIntentClassifier

    return CharNgramIntentClassifier


def trained(storage) -> tuple:
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    resource = Resource("intent_classifier")
    ctx = context()
    classifier = classifier_class().create({}, storage, resource, ctx)
    data = TrainingData([Message(data={TEXT: text, INTENT: intent}) for text, intent in EXAMPLES])
    classifier.train(data)
    return classifier, resource, ctx


def test_it_learns_intents_and_ranks_them(storage):
    classifier, _, _ = trained(storage)
    [salary, booking] = classifier.process(messages("hur mycket är lönen", "jag vill boka ett möte"))
    assert salary.get(INTENT)["name"] == "ask_salary"
    assert booking.get(INTENT)["name"] == "book_appointment"
    ranking = salary.get(INTENT_RANKING_KEY)
    assert [r["name"] for r in ranking][0] == "ask_salary"
    assert {r["name"] for r in ranking} == {"ask_profession", "ask_salary", "book_appointment"}
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)


def test_learner_spelling_reads_like_standard_spelling(storage):
    classifier, _, _ = trained(storage)
    [typed, standard] = classifier.process(messages("VAD GOR EN UNDERSKOTERSKA", "vad gör en undersköterska"))
    assert typed.get(INTENT_RANKING_KEY) == standard.get(INTENT_RANKING_KEY)
    assert typed.get(TEXT) == "VAD GOR EN UNDERSKOTERSKA", "the text itself is kept as typed"


def test_a_saved_and_loaded_classifier_answers_the_same(storage, tmp_path):
    from rasa.engine.graph import GraphModelConfiguration, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.shared.core.domain import Domain
    from rasa.shared.data import TrainingType

    classifier, resource, ctx = trained(storage)
    texts = ("hur mycket tjanar man", "boka tid", "vad gor en skotare", "xyz")
    before = [m.get(INTENT_RANKING_KEY) for m in classifier.process(messages(*texts))]

    # Through a model archive and back, as `rasa train` and `rasa run` do.
    archive = tmp_path / "model.tar.gz"
    graph = GraphModelConfiguration(GraphSchema({}), GraphSchema({}), TrainingType.NLU, "test", "sv", None, None)
    storage.create_model_package(archive, graph, Domain.empty())
    (tmp_path / "unpacked").mkdir()
    unpacked, _ = LocalModelStorage.from_model_archive(tmp_path / "unpacked", archive)
    loaded = classifier_class().load({}, unpacked, resource, ctx)
    after = [m.get(INTENT_RANKING_KEY) for m in loaded.process(messages(*texts))]
    assert [[r["name"] for r in x] for x in after] == [[r["name"] for r in x] for x in before]
    for x, y in zip(after, before):
        assert np.allclose([r["confidence"] for r in x], [r["confidence"] for r in y])


def test_the_stored_model_holds_no_pickle(storage):
    _, resource, _ = trained(storage)
    with storage.read_from(resource) as folder:
        names = sorted(p.name for p in folder.iterdir())
        assert names == ["vocabulary.json", "weights.npz"]
        with zipfile.ZipFile(folder / "weights.npz") as archive:
            for name in archive.namelist():
                with archive.open(name) as member:
                    assert member.read(6) == b"\x93NUMPY", f"{name} is not a plain NumPy array"
        with np.load(folder / "weights.npz", allow_pickle=False) as weights:
            assert all(weights[k].dtype != object for k in weights.files)


def test_an_untrained_classifier_and_an_empty_text_give_no_intent(storage):
    from rasa.engine.storage.resource import Resource

    untrained = classifier_class().load({}, storage, Resource("never_trained"), context())
    [message] = untrained.process(messages("hej"))
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}

    classifier, _, _ = trained(storage)
    [empty, blank] = classifier.process(messages("", "   "))
    assert empty.get(INTENT) == {"name": None, "confidence": 0.0}
    assert blank.get(INTENT_RANKING_KEY) == []


def test_one_intent_is_not_enough_to_train(storage):
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    classifier = classifier_class().create({}, storage, Resource("one_intent"), context())
    with pytest.raises(ValueError, match="two intents"):
        classifier.train(TrainingData([Message(data={TEXT: "hej", INTENT: "greet"})]))


def project_examples() -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(Path(__file__).resolve().parents[2] / "data" / "nlu"), language="sv")
    return [(e.get(TEXT), e.get(INTENT)) for e in data.intent_examples]


ODD_TEXTS = ["", "   ", "zzzzqqq", "😀😀", "مرحبا كيف حالك", "Waan rabaa inaan shaqeeyo", "<script>alert(1)</script>",
             "boka " * 2000, "ÅÄÖ åäö", "19900101-1234"]


@pytest.mark.parametrize("intents", [None, 2], ids=["every-intent", "two-intents"])
def test_the_scorer_gives_scikit_learns_probabilities(intents):
    from rasa_addons.nlu.intent_scorer import IntentScorer

    examples = project_examples()
    names = sorted({intent for _, intent in examples})[:intents]
    # Every 4th example trains (a quick fit); every example and odd text is scored.
    chosen = [(text, intent) for text, intent in examples if intent in names]
    classifier = classifier_class()({}, None, None)
    vectorizer = classifier._new_vectorizer()
    model = classifier._new_model().fit(vectorizer.fit_transform([t for t, _ in chosen[::4]]),
                                        [i for _, i in chosen[::4]])
    scorer = IntentScorer(vectorizer, model)
    texts = [text for text, _ in examples] + ODD_TEXTS
    expected = model.predict_proba(vectorizer.transform(texts))
    got = np.array([scorer.probabilities(text) for text in texts])
    assert got.shape == expected.shape == (len(texts), len(names))
    assert np.allclose(got, expected, rtol=0, atol=1e-12)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_the_scorer_refuses_a_model_it_would_score_differently():
    from rasa_addons.nlu.intent_scorer import IntentScorer

    classifier = classifier_class()({}, None, None)
    vectorizer = classifier._new_vectorizer()
    features = vectorizer.fit_transform([t for t, _ in EXAMPLES])
    labels = [i for _, i in EXAMPLES]
    for options in ({"multi_class": "ovr"}, {"solver": "liblinear"}):
        with pytest.raises(ValueError, match="multi_class"):
            IntentScorer(vectorizer, classifier._new_model().set_params(**options).fit(features, labels))
    model = classifier._new_model().fit(features, labels)
    IntentScorer(vectorizer, model)
    for option, value in (("use_idf", False), ("binary", True), ("dtype", np.float32), ("norm", "max")):
        changed = classifier._new_vectorizer()
        changed.fit(t for t, _ in EXAMPLES)
        setattr(changed, option, value)
        with pytest.raises(ValueError, match="TF-IDF"):
            IntentScorer(changed, model)
