"""Questions people often ask (content/questions.yml, actions/faq.py): content,
training data, rules and the answers."""

import re
from pathlib import Path

import pytest
import yaml

from actions.base import content, level_label
from actions.faq import FAQ_INTENTS, ActionAnswerFaq, ActionAnswerFollowUp
from actions.questions import ANSWERS, ActionAnswerQuestion
from core.content.model import Questions
from core.readability import lix, sentence_count
from tests.unit.action_helpers import make_tracker, payloads, run, texts

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = content().questions.questions
# Questions that must never be answered without a person to ask.
ALWAYS_COUNSELLOR = {"faq_pregnancy_health", "faq_permits", "faq_disability"}


def yaml_file(path: str):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def examples_of(intent: str) -> list:
    found = []
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if block.get("intent") == intent:
                found += [line for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    return found


def rule_intents(rule) -> set:
    first = rule["steps"][0]
    return {step["intent"] for step in first.get("or", [first]) if "intent" in step}


def question(intent: str):
    return next(q for q in QUESTIONS if q.intent == intent)


def test_every_question_intent_has_content_and_the_other_way_round():
    assert {q.intent for q in QUESTIONS} == set(FAQ_INTENTS)


def test_every_question_intent_is_in_the_domain_with_its_action():
    domain = yaml_file("domain.yml")
    assert set(FAQ_INTENTS) <= set(domain["intents"])
    assert "action_answer_faq" in domain["actions"]


def test_forms_do_not_take_a_question_as_an_answer():
    # The &questions anchor: every form slot mapped from text skips these intents.
    text = (ROOT / "domain.yml").read_text(encoding="utf-8")
    anchor = re.search(r"not_intent: &questions \[([^\]]*)\]", text).group(1)
    assert set(FAQ_INTENTS) <= {name.strip() for name in anchor.split(",")}


@pytest.mark.parametrize("intent", FAQ_INTENTS)
def test_every_question_intent_has_learner_examples(intent):
    # 30: the floor of tests/unit/test_training_data.py for every intent.
    assert len(examples_of(intent)) >= 30


def test_one_rule_answers_every_question():
    rules = yaml_file("data/rules/questions.yml")["rules"]
    assert len(rules) == 1
    assert rule_intents(rules[0]) == set(FAQ_INTENTS)
    assert rules[0]["steps"][-1] == {"action": "action_answer_faq"}


@pytest.mark.parametrize("path", ["data/rules/booking.yml", "data/rules/eligibility.yml", "data/rules/handoff.yml"])
def test_a_question_inside_a_form_is_answered_and_the_form_goes_on(path):
    going_on = [r for r in yaml_file(path)["rules"] if "goes on" in r["rule"] and "answered" in r["rule"]]
    assert going_on
    for rule in going_on:
        assert set(FAQ_INTENTS) <= rule_intents(rule), rule["rule"]
    assert all(ANSWERS[intent] for intent in FAQ_INTENTS)


def test_every_question_has_sources_and_a_short_easy_answer():
    for q in QUESTIONS:
        assert q.sources, q.id
        assert 2 <= sentence_count(q.answer) <= 8, q.id
        assert lix(q.answer) <= 45, q.id
        assert len(q.title) <= 40, q.id


def test_health_disability_and_permits_always_offer_a_counsellor():
    for intent in ALWAYS_COUNSELLOR:
        assert question(intent).counsellor, intent


def test_a_question_intent_must_be_a_faq_intent_and_used_once():
    one = {"id": "a", "intent": "faq_a", "title": "A", "answer": "Ett svar. Två svar.",
           "sources": [{"name": "X", "url": "https://x.example", "year": 2026, "checked": "2026-12-06"}]}
    with pytest.raises(ValueError):
        Questions(questions=[dict(one, intent="ask_salary")])
    with pytest.raises(ValueError):
        Questions(questions=[one, dict(one, id="b")])
    with pytest.raises(ValueError):
        Questions(questions=[dict(one, adds="weather")])


async def test_answer_with_source_and_a_counsellor_button_when_flagged():
    messages, events = await run(ActionAnswerFaq(), make_tracker("jag ar gravid kan jag borja", intent="faq_pregnancy_health"))
    q = question("faq_pregnancy_health")
    assert q.answer in texts(messages)
    assert "Källa: Prevent, 2026." in texts(messages)
    assert "https://" not in texts(messages)
    assert payloads(messages)[0] == "/human_handoff"
    assert payloads(messages)[-1] == "/help"
    assert events == [{"event": "slot", "timestamp": None, "name": "subject", "value": "faq_pregnancy_health"}], \
        "the question is remembered for a follow-up"


async def test_no_counsellor_button_when_not_flagged():
    messages, _ = await run(ActionAnswerFaq(), make_tracker("far man ha sloja", intent="faq_clothing_religion"))
    assert question("faq_clothing_religion").answer in texts(messages)
    assert payloads(messages) == ["/help"]


async def test_swedish_level_lists_each_job_and_track_from_their_own_files():
    messages, _ = await run(ActionAnswerFaq(), make_tracker("hur mycket svenska", intent="faq_swedish_level"))
    said = texts(messages)
    for profession in content().professions.professions:
        assert profession.language in said
    for track in content().tracks.tracks:
        assert level_label("language_levels", track.prerequisites.min_language) in said
    assert "/ask_requirements" in payloads(messages)


async def test_meeting_a_counsellor_tells_the_address_and_offers_a_booking():
    messages, _ = await run(ActionAnswerFaq(), make_tracker("var finns ni", intent="faq_meet_counsellor"))
    guidance = content().municipality.guidance
    said = texts(messages)
    assert guidance.visit_address in said and guidance.phone in said
    assert content().booking.interpreter in said
    assert "/book_appointment" in payloads(messages)


async def test_after_interest_tells_the_next_start_and_no_past_date():
    messages, _ = await run(ActionAnswerFaq(), make_tracker("vad hander nu", intent="faq_after_interest"))
    said = texts(messages)
    for track in content().tracks.tracks:
        assert track.name in said
    assert "/register_interest" in payloads(messages)


async def test_a_hidden_question_gets_a_counsellor_not_a_guess(monkeypatch):
    hidden = question("faq_ob_pay").copy(update={"show": False})
    monkeypatch.setattr("actions.faq.question_for", lambda intent: hidden)
    messages, _ = await run(ActionAnswerFaq(), make_tracker("ob", intent="faq_ob_pay"))
    assert hidden.answer not in texts(messages)
    assert content().phrases.phrases["offer_handoff"] in texts(messages)
    assert "/human_handoff" in payloads(messages)


async def test_a_question_inside_the_booking_form_is_answered_and_keeps_the_form():
    tracker = make_tracker("maste man ha korkort", intent="faq_driving_licence", active_loop="booking_form")
    messages, events = await run(ActionAnswerQuestion(), tracker)
    assert question("faq_driving_licence").answer in texts(messages)
    assert [e["name"] for e in events] == ["subject"], "nothing of the form's is touched"


def test_every_case_is_short_easy_and_sourced_or_points_to_study_support():
    support = {t.id for t in content().education.study_support}
    cases = [(q.id, case) for q in QUESTIONS for case in q.cases]
    assert len(cases) >= 4
    for qid, case in cases:
        if case.study_support:
            assert case.study_support in support, qid
        else:
            assert case.sources and 2 <= sentence_count(case.answer) <= 8 and lix(case.answer) <= 45, qid


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.about], ids=lambda q: q.id)
def test_the_words_a_question_is_about_cover_every_training_and_held_out_example(q):
    """A learner's real phrasing of the question must never be called unsure."""
    from core.text import mentions

    held_out = [line for block in yaml_file("tests/nlu/heldout.yml")["nlu"] if block.get("intent") == q.intent
                for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    examples = [re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]) for line in examples_of(q.intent) + held_out]
    assert len(examples) >= 10
    missed = [text for text in examples if not mentions(text, q.about)]
    assert missed == []


@pytest.mark.parametrize("text", ["far jag ta med min hund till jobbet", "far man gratis lunch pa jobbet"])
async def test_a_question_about_something_else_is_not_answered_with_a_neighbouring_answer(text):
    q = question("faq_clothing_religion")
    messages, events = await run(ActionAnswerFaq(), make_tracker(text, intent="faq_clothing_religion"))
    assert q.answer not in texts(messages)
    assert texts(messages) == content().phrases.phrases["faq_not_sure"].format(title=q.title)
    assert payloads(messages) == ["/human_handoff", "/faq_clothing_religion", "/help"]
    assert events == []
    # The button (a payload, not typed words) gets the answer.
    clicked, _ = await run(ActionAnswerFaq(), make_tracker("/faq_clothing_religion", intent="faq_clothing_religion"))
    assert q.answer in texts(clicked)


async def test_a_case_answers_the_narrower_question():
    messages, _ = await run(ActionAnswerFaq(), make_tracker("pengarna racker inte till hyran", intent="faq_money"))
    assert "försörjningsstöd" in texts(messages) and question("faq_money").answer not in texts(messages)
    csn, _ = await run(ActionAnswerFaq(), make_tracker("får jag csn på komvux", intent="faq_money"))
    topic = next(t for t in content().education.study_support if t.id == "csn")
    assert topic.text in texts(csn)
    general, _ = await run(ActionAnswerFaq(), make_tracker("far jag pengar nar jag gar jobbsparet", intent="faq_money"))
    assert question("faq_money").answer in texts(general)


async def test_a_follow_up_gets_the_case_of_the_question_talked_about():
    abroad = question("faq_degree_abroad")
    messages, events = await run(ActionAnswerFaq(), make_tracker("maste jag kunna svenska forst?", intent="faq_swedish_level",
                                                                 slots={"subject": "faq_degree_abroad"}))
    swedish = next(case for case in abroad.cases if "svenska" in case.when)
    assert texts(messages).startswith(swedish.answer)
    assert "C1" in texts(messages) and payloads(messages)[0] == "/human_handoff"
    assert events == [], "still about a degree from abroad"
    money, _ = await run(ActionAnswerFaq(), make_tracker("jag har uppehallstillstand som flykting", intent="faq_permits",
                                                         slots={"subject": "faq_money"}))
    assert "etableringsersättning" in texts(money)
    # Without that question before, the same words get their own question's answer.
    fresh, _ = await run(ActionAnswerFaq(), make_tracker("jag har uppehallstillstand som flykting", intent="faq_permits"))
    assert question("faq_permits").answer in texts(fresh)


async def test_a_cost_question_says_what_is_free_and_the_fee():
    messages, _ = await run(ActionAnswerFaq(), make_tracker("kostar det nat", intent="faq_cost"))
    assert "kostar inget" in texts(messages) and "320 kronor" in texts(messages)


async def test_under_18_and_work_gets_the_rules_for_minors_and_other_young_questions_the_general_answer():
    young = question("faq_young")
    work = young.cases[0]
    for text in ("hur manga timmar far jag jobba nar man ar 17", "jag ar 16, far jag sommarjobb?"):
        messages, _ = await run(ActionAnswerFaq(), make_tracker(text, intent="faq_young"))
        assert texts(messages).startswith(work.answer), text
    school, _ = await run(ActionAnswerFaq(), make_tracker("jag ar 16 kan jag lasa sfi", intent="faq_young"))
    assert young.answer in texts(school), "16 without work: the general answer"
    parent, _ = await run(ActionAnswerFollowUp(), make_tracker("maste min pappa skriva under?", intent="nlu_fallback",
                                                               slots={"subject": "faq_young"}))
    assert "samtycke" in texts(parent)


async def test_not_understood_is_a_follow_up_of_the_question_talked_about_or_the_two_stage_fallback():
    messages, events = await run(ActionAnswerFollowUp(), make_tracker("kan jag jobba som usk medan jag vantar",
                                                                      intent="nlu_fallback",
                                                                      slots={"subject": "faq_degree_abroad"}))
    assert "vårdbiträde" in texts(messages) and events == []
    nothing, events = await run(ActionAnswerFollowUp(), make_tracker("kan jag jobba som usk medan jag vantar",
                                                                     intent="nlu_fallback"))
    assert nothing == [] and events == [{"event": "followup", "timestamp": None, "name": "action_two_stage_fallback"}]
    from actions.menu import ActionOutOfScope

    steps, _ = await run(ActionOutOfScope(), make_tracker("hur far jag legitimation da", intent="out_of_scope",
                                                          slots={"subject": "faq_degree_abroad"}))
    assert "kunskapsprov" in texts(steps)


async def test_a_salary_question_taken_for_a_degree_from_abroad_is_not_answered_with_it():
    messages, _ = await run(ActionAnswerFaq(), make_tracker("vad tjanar en sjukskoterska i sverige?", intent="faq_degree_abroad"))
    assert question("faq_degree_abroad").answer not in texts(messages)
    assert payloads(messages)[0] == "/human_handoff"


async def test_how_long_for_an_sfi_course_is_not_a_jobs_training_length():
    from actions.topic import ActionTellLength

    messages, _ = await run(ActionTellLength(), make_tracker("hur lange tar det att klara sfi c", intent="ask_length",
                                                             entities=[{"entity": "sfi_level", "value": "sfi_c"}],
                                                             slots={"profession": "underskoterska"}))
    assert texts(messages) == content().phrases.phrases["sfi_length_unknown"]
    assert payloads(messages)[0] == "/human_handoff"
    # A track named with its SFI level is the track's length.
    vb = next(t for t in content().tracks.tracks if t.id == "vardbitrade_sfi")
    track, _ = await run(ActionTellLength(), make_tracker("hur lange ar sparet vardbitrade med sfi c", intent="ask_length",
                                                          entities=[{"entity": "sfi_level", "value": "sfi_c"},
                                                                    {"entity": "track", "value": "vardbitrade_sfi"}]))
    assert f"{vb.length_weeks} veckor" in texts(track)
