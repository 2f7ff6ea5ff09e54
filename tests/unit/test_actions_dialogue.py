"""Words, menu, fallback and contact actions; and that actions and domain agree."""

import re
import subprocess
import sys
from pathlib import Path

import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.base import content
from actions.glossary import ActionExplainWord, ValidateWordForm
from actions.menu import ActionDefaultAskAffirmation, ActionDefaultFallback, ActionHelpMenu, ActionOutOfScope
from actions.questions import ANSWERS, ActionAnswerQuestion
from tests.unit.action_helpers import entity, make_tracker, payloads, run, slot_events, texts

ROOT = Path(__file__).resolve().parents[2]


def word(term):
    return next(w for w in content().glossary.words if w.term == term)


async def test_explains_word_from_slot():
    messages, events = await run(ActionExplainWord(), make_tracker("vad betyder apl", slots={"word": "apl"}))
    assert word("APL").text in texts(messages)
    assert slot_events(events) == {"word": None}


async def test_explains_word_written_without_swedish_letters():
    tracker = make_tracker("vad ar hemtjanst", entities=[entity("word", "hemtjanst")])
    messages, _ = await run(ActionExplainWord(), tracker)
    assert word("hemtjänst").text in texts(messages)


async def test_word_answer_starts_with_a_capital_and_offers_another_word():
    messages, _ = await run(ActionExplainWord(), make_tracker("vad betyder validering", slots={"word": "validering"}))
    assert texts(messages).startswith("Validering: ")
    assert "/explain_word" in payloads(messages)


async def test_unknown_word_in_the_question_is_answered_at_once():
    tracker = make_tracker("vad betyder bemanning", intent="explain_word", active_loop="word_form")
    found = await ValidateWordForm().extract_word(CollectingDispatcher(), tracker, {})
    assert found == {"word": "bemanning"}


async def test_unknown_word_is_admitted_and_a_counsellor_offered():
    messages, _ = await run(ActionExplainWord(), make_tracker("flumdimensionering", slots={"word": "flumdimensionering"}))
    assert texts(messages) == content().phrases.phrases["word_not_found"]
    assert "/book_appointment" in payloads(messages)


async def test_job_asked_as_a_word_is_explained_as_a_job():
    messages, _ = await run(ActionExplainWord(), make_tracker("vad betyder skotare", slots={"word": "skotare"}))
    skotare = next(p for p in content().professions.professions if p.id == "skotare")
    assert skotare.summary in texts(messages)


async def test_word_form_takes_the_answer_to_which_word():
    tracker = make_tracker("LSS", slots={"requested_slot": "word"}, active_loop="word_form")
    found = await ValidateWordForm().extract_word(CollectingDispatcher(), tracker, {})
    assert found == {"word": "LSS"}


async def test_word_form_finds_the_word_when_the_model_missed_it():
    tracker = make_tracker("vad betyder validering", intent="explain_word", active_loop="word_form")
    found = await ValidateWordForm().extract_word(CollectingDispatcher(), tracker, {})
    assert found == {"word": word("validering").term}


async def test_help_menu_has_a_button_per_menu_item():
    messages, _ = await run(ActionHelpMenu(), make_tracker("vad kan du"))
    assert payloads(messages) == [f"/{item.intent}" for item in content().menu.items]


async def test_out_of_scope_is_honest_then_offers_the_menu():
    messages, _ = await run(ActionOutOfScope(), make_tracker("vad blir vädret"))
    assert texts(messages) == content().phrases.phrases["out_of_scope"]
    assert len(payloads(messages)) == len(content().menu.items)


async def test_fallback_asks_about_the_best_guess_in_swedish():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_salary", "confidence": 0.4}]
    messages, _ = await run(ActionDefaultAskAffirmation(), make_tracker("pengar?", ranking=ranking))
    assert texts(messages) == "Jag är inte säker på vad du menar. Menade du det här: Lön?", "unsure, and says so"
    assert payloads(messages) == ["/ask_salary", "/out_of_scope", "/human_handoff"], "unsure: a person is offered too"


async def test_last_fallback_reverts_and_offers_a_counsellor():
    messages, events = await run(ActionDefaultFallback(), make_tracker("xyz"))
    assert [e["event"] for e in events] == ["rewind"]
    assert payloads(messages) == ["/human_handoff", "/help"]
    assert content().phrases.phrases["offer_handoff"] in texts(messages)


async def test_question_during_the_walk_through_gets_its_own_answer():
    tracker = make_tracker("hur mycket tjanar en skotare", intent="ask_salary", entities=[entity("profession", "skotare")])
    messages, _ = await run(ActionAnswerQuestion(), tracker)
    skotare = next(p for p in content().professions.professions if p.id == "skotare")
    assert skotare.pay.text in texts(messages)


def test_questions_that_end_a_form_agree_everywhere():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    not_answers = set(domain["slots"]["sfi_level"]["mappings"][1]["not_intent"])
    # Per form: the questions that end it and those answered while it goes on
    # are together every question ANSWERS knows, and never both.
    ending, going_on = {}, {}
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            if rule["rule"].startswith(("a question during", "a question while")):
                form = rule["condition"][0]["active_loop"]
                intents = {step["intent"] for step in rule["steps"][0]["or"]}
                (going_on if "goes on" in rule["rule"] else ending)[form] = intents
                if "goes on" in rule["rule"]:
                    assert [step.get("action") for step in rule["steps"][1:3]] == ["action_answer_question", form]
    forms = {"eligibility_form", "booking_form", "cancel_form", "interest_form", "erase_form", "answer_form"}
    assert set(ending) == set(going_on) == forms
    for form in forms:
        assert not ending[form] & going_on[form], form
        assert ending[form] | going_on[form] == set(ANSWERS), form
        assert "help" in ending[form] and "ask_requirements" in going_on[form], form
    assert set(ANSWERS) <= not_answers


def action_classes():
    import importlib
    import inspect
    import pkgutil

    import actions
    from rasa_sdk import Action

    names = set()
    for module in pkgutil.iter_modules(actions.__path__):
        mod = importlib.import_module(f"actions.{module.name}")
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, Action) and obj.__module__ == mod.__name__:
                if not obj.__name__.startswith("_") and not inspect.isabstract(obj):
                    names.add(obj().name())
    return names


def test_every_domain_action_is_implemented_and_every_action_is_declared():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["actions"]) == action_classes()


def test_every_phrase_used_exists():
    used = set()
    for path in (ROOT / "actions").glob("*.py"):
        used |= set(re.findall(r'phrase\("([a-z_]+)"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'question = "[a-z_]+", "[a-z_]+", "([a-z_]+)"', path.read_text(encoding="utf-8")))
    known = set(content().phrases.phrases)
    assert used and used <= known, used - known


def test_action_code_does_not_import_rasa():
    # In a fresh interpreter: other unit tests (the tracker store's) import Rasa.
    probe = (
        "import sys\n"
        "from tests.unit.test_actions_dialogue import action_classes\n"
        "assert len(action_classes()) > 10\n"
        "print(sorted(m for m in sys.modules if m == 'rasa' or m.startswith('rasa.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout
