"""Topic memory: short follow-ups are answered for the job or track the
conversation is about; a new session forgets it (actions/topic.py)."""

from rasa_sdk.executor import CollectingDispatcher

from actions.base import content
from actions.profession import ActionExplainProfession, ActionTellPhysical, ActionTellSalary
from actions.questions import ActionAnswerQuestion
from actions.steps import ActionExplainSteps
from actions.topic import ActionAnswerSameForOther, ActionSessionStart, ActionTellLength, ActionTellStartDates
from actions.tracks import ActionTrackRequirements
from core.dates import format_date
from tests.unit.action_helpers import entity, make_tracker, payloads, run, slot_events, texts

PHRASES = content().phrases.phrases


def profession(pid):
    return next(p for p in content().professions.professions if p.id == pid)


def track(tid):
    return next(t for t in content().tracks.tracks if t.id == tid)


async def test_is_it_heavy_is_about_the_job_just_named():
    messages, events = await run(ActionTellPhysical(), make_tracker("är det tungt?", slots={"profession": "underskoterska"}))
    assert profession("underskoterska").physical in texts(messages)
    assert "/human_handoff" in payloads(messages), "pain or a pregnancy: a counsellor"
    assert slot_events(events)["subject"] == "physical"


async def test_without_a_job_the_bot_asks_which():
    messages, _ = await run(ActionTellPhysical(), make_tracker("är det tungt?"))
    assert texts(messages) == PHRASES["choose_profession"]


async def test_how_do_you_become_one_is_about_the_job_just_named():
    tracker = make_tracker("hur blir man det?", intent="ask_steps", slots={"profession": "skotare"})
    messages, _ = await run(ActionExplainSteps(), tracker)
    assert profession("skotare").how_to[0] in texts(messages)
    assert content().steps.intro not in texts(messages), "not the nine general steps"


async def test_the_way_to_work_without_a_reference_is_still_the_nine_steps():
    tracker = make_tracker("hur blir man anstalld i varden", intent="ask_steps", slots={"profession": "skotare"})
    messages, _ = await run(ActionExplainSteps(), tracker)
    assert content().steps.intro in texts(messages)


async def test_when_is_the_next_start_after_a_track():
    vb = track("vardbitrade_sfi")
    messages, events = await run(ActionTellStartDates(), make_tracker("när börjar nästa?", slots={
        "track": vb.id, "profession": vb.profession}))
    assert f"Nästa start är {format_date(vb.starts[0].date)}" in texts(messages)
    assert slot_events(events)["subject"] == "starts"


async def test_next_start_for_a_job_uses_its_only_track_or_says_there_is_none():
    usk = track("underskoterska_kombination")
    messages, _ = await run(ActionTellStartDates(), make_tracker("nar borjar nasta", slots={"profession": "underskoterska"}))
    assert f"Nästa start är {format_date(usk.starts[0].date)}" in texts(messages)
    messages, _ = await run(ActionTellStartDates(), make_tracker("nar borjar nasta", slots={"profession": "skotare"}))
    assert PHRASES["no_track_for_job"].format(name="skötare") in texts(messages)


async def test_a_track_of_another_job_is_not_the_topic_any_more():
    # A track, then "vad gör en skötare": "när börjar nästa?" is not about the old track.
    tracker = make_tracker("när börjar nästa?", slots={"track": "vardbitrade_sfi", "profession": "skotare"})
    messages, _ = await run(ActionTellStartDates(), tracker)
    assert "Vårdbiträde med SFI" not in texts(messages).split("\n")[0]


async def test_how_long_then_for_a_track_and_for_a_job():
    vb = track("vardbitrade_sfi")
    messages, _ = await run(ActionTellLength(), make_tracker("hur länge då?", slots={"track": vb.id, "profession": vb.profession}))
    assert f"{vb.length_weeks} veckor" in texts(messages)
    messages, _ = await run(ActionTellLength(), make_tracker("hur lang ar utbildningen till usk",
                                                             entities=[entity("profession", "underskoterska")]))
    assert profession("underskoterska").training_length in texts(messages)


async def test_and_then_for_another_job_asks_the_last_question_again():
    tracker = make_tracker("och vårdbiträde då?", intent="ask_same_for_other",
                           entities=[entity("profession", "vardbitrade")],
                           slots={"profession": "underskoterska", "subject": "pay"})
    messages, events = await run(ActionAnswerSameForOther(), tracker)
    assert profession("vardbitrade").pay.text in texts(messages)
    assert slot_events(events)["profession"] == "vardbitrade"
    tracker = make_tracker("och assistentspåret då?", intent="ask_same_for_other",
                           entities=[entity("track", "personlig_assistent_sparet")],
                           slots={"track": "vardbitrade_sfi", "subject": "starts"})
    messages, _ = await run(ActionAnswerSameForOther(), tracker)
    pa = track("personlig_assistent_sparet")
    assert f"Nästa start är {format_date(pa.starts[0].date)}" in texts(messages)


async def test_what_does_one_earn_then_uses_the_track_s_job():
    tracker = make_tracker("vad tjanar man da", slots={"track": "vardbitrade_sfi", "profession": "vardbitrade"})
    messages, _ = await run(ActionTellSalary(), tracker)
    assert profession("vardbitrade").pay.text in texts(messages)


async def test_what_does_one_do_there_refers_back_but_a_bare_question_asks():
    messages, _ = await run(ActionExplainProfession(), make_tracker("vad gör man då?", slots={"profession": "skotare"}))
    assert profession("skotare").summary in texts(messages)
    messages, _ = await run(ActionExplainProfession(), make_tracker("vad gör man i vården", slots={"profession": "skotare"}))
    assert texts(messages) == PHRASES["choose_profession"]


async def test_what_is_needed_is_about_the_topic():
    vb = track("vardbitrade_sfi")
    messages, _ = await run(ActionTrackRequirements(), make_tracker("vad krävs?", slots={"track": vb.id, "profession": vb.profession}))
    assert vb.summary in texts(messages)
    messages, _ = await run(ActionTrackRequirements(), make_tracker("vad krävs?", slots={"profession": "skotare"}))
    assert profession("skotare").how_to[0] in texts(messages)


async def test_a_new_session_forgets_the_topic_but_keeps_the_person_s_answers():
    slots = {"profession": "skotare", "track": "vardbitrade_sfi", "subject": "pay", "sfi_level": "sfi_c", "age": "30"}
    _, events = await run(ActionSessionStart(), make_tracker(slots=slots))
    kept = slot_events(events)
    assert kept == {"sfi_level": "sfi_c", "age": "30"}
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"


async def test_a_question_inside_a_form_is_answered_without_filling_the_form():
    tracker = make_tracker("vad krävs för vårdbiträde med sfi", intent="ask_requirements",
                           entities=[entity("track", "vardbitrade_sfi")], active_loop="interest_form",
                           slots={"requested_slot": "track"})
    domain = {"forms": {"interest_form": {"required_slots": ["track", "first_name", "contact", "interest_confirmed"]}}}
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert track("vardbitrade_sfi").summary in texts(dispatcher.messages)
    assert "track" not in slot_events(events), "the answer does not choose the form's track"
    assert "first_name" not in slot_events(events), "nothing the form has is cleared"


async def test_stopping_a_form_says_what_did_not_happen():
    events = [{"event": "active_loop", "name": "booking_form"}, {"event": "active_loop", "name": None}]
    messages, _ = await run(ActionAnswerQuestion(), make_tracker("avbryt", intent="help", events=events))
    assert texts(messages).startswith(PHRASES["stopped_booking"])
    assert "/ask_profession" in payloads(messages), "then the menu"


async def test_a_job_the_bot_has_no_content_for_is_said_so():
    messages, _ = await run(ActionTellSalary(), make_tracker("hur mycket tjanar en tandskoterska"))
    assert PHRASES["unknown_job"].format(job="tandskoterska") in texts(messages)
    assert payloads(messages)[0] == "/human_handoff"
    messages, _ = await run(ActionTellSalary(), make_tracker("hur mycket tjanar man"))
    assert texts(messages) == PHRASES["choose_profession"], "no job named: the plain question"


async def test_my_next_step_without_answers_starts_the_walk_through():
    _, events = await run(ActionExplainSteps(), make_tracker("vad ar mitt nasta steg", intent="ask_steps"))
    assert {"event": "followup", "name": "eligibility_form"} in [
        {"event": e.get("event"), "name": e.get("name")} for e in events]
    messages, events = await run(ActionExplainSteps(), make_tracker("hur funkar stegen", intent="ask_steps"))
    assert content().steps.intro in texts(messages) and not events


async def test_what_is_needed_while_signing_up_is_the_job_s_track():
    vb = track("vardbitrade_sfi")
    tracker = make_tracker("vad kravs?", intent="ask_requirements", active_loop="interest_form",
                           slots={"profession": "vardbitrade", "requested_slot": "track"})
    messages, _ = await run(ActionTrackRequirements(), tracker)
    assert vb.summary in texts(messages) and f"{vb.prerequisites.min_age} år" in texts(messages)


async def test_telling_one_s_own_degree_when_asked_about_education_is_the_answer():
    tracker = make_tracker("jag är sjuksköterska från Syrien", intent="faq_degree_abroad", active_loop="eligibility_form",
                           slots={"requested_slot": "education", "sfi_level": "sfi_a"})
    messages, events = await run(ActionAnswerQuestion(), tracker)
    assert slot_events(events) == {"education": "vard_legitimation"} and messages == []
    other = make_tracker("jag är sjuksköterska från Syrien", intent="faq_degree_abroad")
    messages, _ = await run(ActionAnswerQuestion(), other)
    assert "Socialstyrelsen" in texts(messages), "outside the walk-through it is the question's answer"


async def test_telling_one_s_years_of_work_when_asked_about_experience_is_the_answer():
    # A played Syrian nurse typed this at "Har du jobbat i vården förut?" and was asked again.
    tracker = make_tracker("ja jag har jobbat 8 ar som sjukskoterska", intent="faq_degree_abroad",
                           active_loop="eligibility_form", slots={"requested_slot": "experience"})
    messages, events = await run(ActionAnswerQuestion(), tracker)
    longest = content().levels.experience_levels[-1].id
    assert slot_events(events) == {"experience": longest} and messages == []


async def test_a_job_typed_after_which_job_answers_the_question_asked():
    from actions.inform import ActionHandleInform

    _, events = await run(ActionTellLength(), make_tracker("hur länge tar det?"))
    pending = slot_events(events)["pending_question"]
    tracker = make_tracker("underskoterska", intent="inform", slots={"pending_question": pending})
    messages, _ = await run(ActionHandleInform(), tracker)
    assert profession("underskoterska").training_length in texts(messages)
