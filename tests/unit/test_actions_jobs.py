"""Actions about jobs, tracks, education and words, run against the real content."""

import json
from datetime import date, timedelta

import pytest

from actions.base import content
from actions.education import ActionExplainEducation, ActionExplainStudySupport
from actions.inform import ActionHandleInform
from actions.profession import ActionExplainProfession, ActionTellSalary, ActionTellWorkingHours
from actions.tracks import ActionTrackRequirements
from core.content.model import LocalPay
from core.dates import format_date
from tests.unit.action_helpers import entity, make_tracker, payloads, run, slot_events, texts


def profession(pid):
    return next(p for p in content().professions.professions if p.id == pid)


def track(tid):
    return next(t for t in content().tracks.tracks if t.id == tid)


async def test_explains_job_named_without_swedish_letters():
    messages, events = await run(ActionExplainProfession(), make_tracker("vad gor en underskoterska"))
    usk = profession("underskoterska")
    assert usk.summary in texts(messages)
    assert usk.tasks[0] in texts(messages)
    assert slot_events(events) == {"profession": "underskoterska", "pending_question": None, "subject": "about"}
    assert '/ask_salary{"profession": "underskoterska"}' in payloads(messages)


async def test_explains_job_from_misspelled_entity_value():
    tracker = make_tracker("vad gör vardbitrde", entities=[entity("profession", "vardbitrde")])
    messages, _ = await run(ActionExplainProfession(), tracker)
    assert profession("vardbitrade").summary in texts(messages)


async def test_offers_job_buttons_when_no_job_named():
    messages, events = await run(ActionExplainProfession(), make_tracker("vad kan man jobba med"))
    assert slot_events(events) == {"pending_question": "ask_profession"}
    wanted = {f'/ask_profession{{"profession": "{p.id}"}}' for p in content().professions.professions}
    assert set(payloads(messages)) == wanted


async def test_salary_uses_job_from_earlier_in_conversation():
    tracker = make_tracker("hur mycket tjanar man", slots={"profession": "skotare"})
    messages, _ = await run(ActionTellSalary(), tracker)
    pay = profession("skotare").pay
    assert pay.text in texts(messages)
    assert f"Källa: {pay.source.name}, {pay.source.year}." in texts(messages)
    assert "http" not in texts(messages), "a source is named, never a bare URL"


async def test_salary_without_any_job_asks_which():
    messages, _ = await run(ActionTellSalary(), make_tracker("lön?"))
    assert all(p.startswith("/ask_salary") for p in payloads(messages))
    assert len(payloads(messages)) == len(content().professions.professions)


async def test_working_hours_for_named_job():
    tracker = make_tracker("jobbar personlig assistent natt", entities=[entity("profession", "personlig_assistent")])
    messages, _ = await run(ActionTellWorkingHours(), tracker)
    assert profession("personlig_assistent").hours in texts(messages)


async def test_track_requirements_list_language_age_and_other():
    tracker = make_tracker("krav for vardbitrade med sfi", entities=[entity("track", "vardbitrade_sfi")])
    messages, events = await run(ActionTrackRequirements(), tracker)
    vb = track("vardbitrade_sfi")
    said = texts(messages)
    assert "SFI C" in said and f"{vb.prerequisites.min_age} år" in said
    for item in vb.prerequisites.other + vb.priority:
        assert item in said
    assert vb.contact.phone in said
    first = vb.starts[0]
    assert f"Nästa start är {format_date(first.date)}. Sök senast {format_date(first.apply_by)}." in said
    assert slot_events(events)["track"] == "vardbitrade_sfi"
    assert '/register_interest{"track": "vardbitrade_sfi"}' in payloads(messages)


async def test_requirements_of_a_job_show_how_to_and_its_tracks():
    messages, _ = await run(ActionTrackRequirements(), make_tracker("vad behovs for att bli usk"))
    usk = profession("underskoterska")
    said = texts(messages)
    assert usk.how_to[0] in said and usk.protected_title in said
    assert '/ask_requirements{"track": "underskoterska_kombination"}' in payloads(messages)


async def test_requirements_without_track_offer_track_buttons():
    messages, _ = await run(ActionTrackRequirements(), make_tracker("vilka krav finns"))
    assert len(payloads(messages)) == len(content().tracks.tracks)


async def test_education_route_from_button():
    tracker = make_tracker('/ask_education{"topic": "komvux"}', entities=[entity("topic", "komvux")])
    messages, _ = await run(ActionExplainEducation(), tracker)
    komvux = next(r for r in content().education.routes if r.id == "komvux")
    assert komvux.text in texts(messages)


async def test_sfi_question_explains_sfi():
    messages, _ = await run(ActionExplainEducation(), make_tracker("hur funkar sfi"))
    assert content().education.sfi.text in texts(messages)


async def test_education_overview_offers_every_route():
    messages, _ = await run(ActionExplainEducation(), make_tracker("vilka utbildningar finns"))
    topics = {json.loads(p[p.index("{"):])["topic"] for p in payloads(messages)}
    assert topics == {r.id for r in content().education.routes} | {"sfi"}


def study_support(topic_id):
    return next(s for s in content().education.study_support if s.id == topic_id)


async def test_study_support_by_name():
    messages, _ = await run(ActionExplainStudySupport(), make_tracker("kan jag fa pengar fran csn"))
    csn = study_support("csn")
    assert csn.text in texts(messages)
    assert "Källa: CSN, 2014; Uppsala kommun, 2026." in texts(messages)


async def test_a_hidden_study_support_is_neither_offered_nor_told():
    hidden = study_support("studiestartsstod")
    assert not hidden.show, "a proposed rule is off until the municipality checks it"
    messages, _ = await run(ActionExplainStudySupport(), make_tracker("kan jag fa studiestartsstod"))
    assert hidden.text not in texts(messages)
    assert not any("studiestartsstod" in p for p in payloads(messages))


async def test_a_shown_proposed_study_support_says_it_is_a_proposal(monkeypatch):
    topic = study_support("studiestartsstod")
    monkeypatch.setattr(topic, "show", True)
    tracker = make_tracker('/ask_study_support{"topic": "studiestartsstod"}', entities=[entity("topic", "studiestartsstod")])
    messages, _ = await run(ActionExplainStudySupport(), tracker)
    assert topic.text in texts(messages) and "föreslagit" in topic.text


async def test_inform_with_bare_job_explains_it():
    tracker = make_tracker("underskoterska", entities=[entity("profession", "underskoterska")])
    messages, _ = await run(ActionHandleInform(), tracker)
    assert profession("underskoterska").summary in texts(messages)


async def test_job_typed_after_the_job_question_answers_the_pay_question():
    # "lön?" -> "Vilket jobb?" -> the person types the job instead of pressing a button.
    _, events = await run(ActionTellSalary(), make_tracker("lon"))
    pending = slot_events(events)["pending_question"]
    tracker = make_tracker("vardbitrade", intent="inform", slots={"pending_question": pending})
    messages, events = await run(ActionHandleInform(), tracker)
    assert profession("vardbitrade").pay.text in texts(messages)
    assert slot_events(events) == {"profession": "vardbitrade", "pending_question": None, "subject": "pay"}


async def test_inform_that_says_nothing_known_shows_the_menu():
    messages, _ = await run(ActionHandleInform(), make_tracker("a", intent="inform"))
    assert texts(messages) == content().phrases.phrases["inform_unclear"]
    assert len(payloads(messages)) == len(content().menu.items)


async def test_inform_with_level_offers_walk_through():
    tracker = make_tracker("sfi c", entities=[entity("sfi_level", "sfi_c")])
    messages, _ = await run(ActionHandleInform(), tracker)
    assert "/check_eligibility" in payloads(messages)


@pytest.mark.parametrize("days_after_first_deadline", [1, 400])
async def test_a_past_start_is_never_offered(monkeypatch, days_after_first_deadline):
    vb = track("vardbitrade_sfi")
    later = vb.starts[0].apply_by + timedelta(days=days_after_first_deadline)
    monkeypatch.setattr("actions.tracks.today", lambda: later)
    tracker = make_tracker("krav for vardbitrade med sfi", entities=[entity("track", "vardbitrade_sfi")])
    said = texts((await run(ActionTrackRequirements(), tracker))[0])
    assert format_date(vb.starts[0].date) not in said
    still_open = [start for start in vb.starts if start.apply_by >= later]
    if still_open:
        assert f"Nästa start är {format_date(still_open[0].date)}" in said
    else:
        assert content().phrases.phrases["track_no_open_start"].split(".")[0] in said
        assert vb.contact.phone in said


def language_notice(pid):
    return profession(pid).notices[0]


@pytest.mark.parametrize("pid", ["underskoterska", "vardbitrade"])
async def test_proposed_language_rule_is_told_with_the_language_demand(pid):
    messages, _ = await run(ActionExplainProfession(), make_tracker("om jobbet", entities=[entity("profession", pid)]))
    said = texts(messages)
    notice = language_notice(pid)
    assert notice.status == "proposed" and notice.show
    assert f"{profession(pid).language}\n{notice.text}" in said, "told right after the job's language demand"
    assert content().phrases.phrases["notice_proposed"] in said
    assert "Källa: Regeringen, 2026; Riksdagen, 2026." in said
    assert "http" not in said


async def test_language_rule_switched_off_is_not_told(monkeypatch):
    notice = language_notice("vardbitrade")
    monkeypatch.setattr(notice, "show", False)
    messages, _ = await run(ActionExplainProfession(), make_tracker("om jobbet", entities=[entity("profession", "vardbitrade")]))
    said = texts(messages)
    assert profession("vardbitrade").language in said
    assert notice.text not in said and "Regeringen" not in said


async def test_language_rule_in_force_is_not_called_a_proposal(monkeypatch):
    notice = language_notice("underskoterska")
    monkeypatch.setattr(notice, "status", "in_force")
    messages, _ = await run(ActionExplainProfession(), make_tracker("om jobbet", entities=[entity("profession", "underskoterska")]))
    said = texts(messages)
    assert notice.text in said
    assert content().phrases.phrases["notice_proposed"] not in said


async def test_pay_without_a_checked_figure_says_whom_to_ask_and_adds_a_local_one(monkeypatch):
    pay = profession("vardbitrade").pay
    assert pay.min is None and "Fråga arbetsgivaren" in pay.text
    tracker = make_tracker("lon", entities=[entity("profession", "vardbitrade")])
    said = texts((await run(ActionTellSalary(), tracker))[0])
    assert pay.text in said and "kr i månaden" not in said
    monkeypatch.setattr(pay, "local", LocalPay(amount=24000, since=date(2026, 4, 1)))
    said = texts((await run(ActionTellSalary(), tracker))[0])
    assert "Hos oss är den lägsta lönen 24 000 kr i månaden före skatt. Det gäller från 1 april 2026." in said
