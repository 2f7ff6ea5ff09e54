"""Links, codes, the calendar file and printing as structured parts of a bot
message (actions/parts.py), never in its text (issue 21, item 3)."""

import pytest

from actions.base import content
from actions.education import ActionExplainEducation
from actions.eligibility import ActionEligibilityResult
from actions.faq import ActionAnswerFaq
from actions.profession import ActionExplainProfession
from bot.chat.relay import clean_reply
from bot.chat.routes import chat_config
from bot.settings import Settings
from core.content.age import sources
from tests.unit.action_helpers import make_tracker, parts, run, texts

SOURCE_URLS = {str(source.url) for _, source in sources(content())}


def links(messages) -> list:
    return [part for part in parts(messages) if part["type"] == "link"]


def no_address_in(said: str) -> None:
    assert "http" not in said and "www." not in said, "a web address is a part, never text to read aloud"


@pytest.mark.parametrize("question", [q for q in content().questions.questions if q.show and q.sources],
                         ids=lambda q: q.intent)
async def test_an_answer_links_each_of_its_sources_once(question):
    messages, _ = await run(ActionAnswerFaq(), make_tracker("", question.intent))
    found = links(messages)
    assert [part["url"] for part in found] == list(dict.fromkeys(str(s.url) for s in question.sources))
    titles = [part["title"] for part in found]
    assert len(set(titles)) == len(titles), "two pages of one organisation are told apart"
    assert all(any(t.startswith(s.name) for s in question.sources) for t in titles)
    no_address_in(texts(messages))


async def test_a_case_of_a_question_links_its_own_sources():
    question = next(q for q in content().questions.questions if q.intent == "faq_money")
    case = next(c for c in question.cases if c.sources)
    messages, _ = await run(ActionAnswerFaq(), make_tracker(f"jag undrar {case.when[0]}", "faq_money"))
    assert {part["url"] for part in links(messages)} == {str(s.url) for s in case.sources}


async def test_sfi_and_a_jobs_notices_link_their_sources():
    messages, _ = await run(ActionExplainEducation(), make_tracker("sfi", "ask_education", slots={"education_topic": "sfi"},
                                                                   entities=[{"entity": "education_topic", "value": "sfi"}]))
    assert {part["url"] for part in links(messages)} == {str(s.url) for s in content().education.sfi.sources}
    job = next(p for p in content().professions.professions if any(n.show and n.sources for n in p.notices))
    messages, _ = await run(ActionExplainProfession(), make_tracker(job.name, "ask_profession",
                                                                    entities=[{"entity": "profession", "value": job.id}]))
    wanted = {str(s.url) for n in job.notices if n.show for s in n.sources}
    assert wanted and {part["url"] for part in links(messages)} == wanted
    no_address_in(texts(messages))


async def test_the_next_step_can_be_printed_and_links_its_sources():
    slots = {"sfi_level": "sfi_b", "education": "grundskola", "experience": "none", "age": "30"}
    messages, _ = await run(ActionEligibilityResult(), make_tracker(slots=slots))
    types = [part["type"] for part in parts(messages)]
    assert types.count("print") == 1 and types[-1] == "print"
    # The parts come right after the next step, the message they belong to.
    index = next(i for i, m in enumerate(messages) if (m.get("custom") or {}).get("data"))
    assert content().phrases.phrases["path_first"] in messages[index - 1]["text"]
    assert all(part["url"] in SOURCE_URLS for part in links(messages))


def test_two_pages_of_one_organisation_get_different_titles():
    from actions.parts import source_links
    from core.content.model import Source

    pages = [Source(name="Socialstyrelsen", url=f"https://legitimation.socialstyrelsen.se/{n}", year=2026,
                    checked="2026-12-07") for n in ("a", "b", "a")]
    pages.append(Source(name="CSN", url="https://www.csn.se/", year=2026, checked="2026-12-07"))
    assert [part["title"] for part in source_links(pages)] == ["Socialstyrelsen, sida 1", "Socialstyrelsen, sida 2", "CSN"]


def test_the_chat_is_told_which_links_it_may_show():
    settings = Settings(database_url="sqlite://", public_url="https://chatt.exempelkommun.se")
    rules = chat_config(settings, content())["links"]
    assert rules["service"] == "https://chatt.exempelkommun.se"
    assert rules["paths"] == ["/api/bookings/"]
    assert set(rules["sources"]) == SOURCE_URLS and len(SOURCE_URLS) > 20


def test_the_chat_relay_passes_parts_on_and_drops_what_it_does_not_know():
    reply = {"custom": {"data": {"parts": [
        {"type": "code", "code": "AB12CD34"},
        {"type": "calendar", "url": "https://chatt.exempelkommun.se/api/bookings/AB12CD34/calendar.ics?token=x"},
        {"type": "link", "title": "Skolverket", "url": "https://www.skolverket.se/"},
        {"type": "print"},
        {"type": "script", "src": "https://evil.example/x.js"},
        {"type": "link", "title": "Utan adress"},
        {"type": "code", "code": 12345678},
        "text",
    ]}}}
    assert clean_reply(reply) == {"parts": [
        {"type": "code", "code": "AB12CD34"},
        {"type": "calendar", "url": "https://chatt.exempelkommun.se/api/bookings/AB12CD34/calendar.ics?token=x"},
        {"type": "link", "title": "Skolverket", "url": "https://www.skolverket.se/"},
        {"type": "print"},
    ]}
