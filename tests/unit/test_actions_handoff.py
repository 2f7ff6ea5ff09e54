"""Handing a question to a counsellor and reading the answer, and a
counsellor's follow-up link, in the chat, against the real bot web service."""

import json
import sqlite3
from datetime import datetime, timedelta

from rasa_sdk.executor import CollectingDispatcher

from actions.followup import ActionStartFollowup
from actions.handoff import (
    NO_CONTACT,
    ActionAskHandoffContact,
    ActionAskHandoffQuestion,
    ActionCreateTicket,
    ActionShowAnswer,
    ValidateAnswerForm,
    ValidateHandoffForm,
    code_in,
    fallbacks_in_a_row,
    transcript,
)
from actions.menu import ActionOutOfScope
from actions.tracks import ActionTrackRequirements
from core.content import load_content
from tests.unit.action_helpers import entity, make_tracker, payloads, run, slot_events, texts

CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases
TRACK = CONTENT.tracks.tracks[0]


def user(text, intent="ask_salary"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(text):
    return {"event": "bot", "text": text}


def database(service) -> sqlite3.Connection:
    from bot.keys import SETTINGS

    return sqlite3.connect(service.app[SETTINGS].database_url.split("///", 1)[1])


async def validate(form, slot, value, tracker=None):
    dispatcher = CollectingDispatcher()
    result = await getattr(form, f"validate_{slot}")(value, dispatcher, tracker or make_tracker(value), {})
    return result[slot], texts(dispatcher.messages)


async def test_the_question_is_any_text_but_not_empty_a_button_or_too_long():
    form = ValidateHandoffForm()
    assert await validate(form, "handoff_question", "  Får jag  jobba med   ryggskada? ") == ("Får jag jobba med ryggskada?", "")
    assert await validate(form, "handoff_question", "ok") == (None, PHRASES["handoff_question_invalid"])
    assert await validate(form, "handoff_question", "/inform") == (None, PHRASES["handoff_question_invalid"])
    too_long = await validate(form, "handoff_question", "ord " * 600)
    assert too_long == (None, PHRASES["handoff_question_too_long"].format(max=2000))


async def test_the_contact_is_optional_but_valid_when_given():
    form = ValidateHandoffForm()
    no = make_tracker("/inform", entities=[entity("handoff_contact", NO_CONTACT)])
    assert await validate(form, "handoff_contact", "/inform", no) == (NO_CONTACT, "")
    assert await validate(form, "handoff_contact", "Amina@Example.se") == ("amina@example.se", "")
    assert await validate(form, "handoff_contact", "hej") == (None, PHRASES["contact_invalid"])


async def test_questions_offer_a_way_out_and_tell_what_is_stored():
    messages, _ = await run(ActionAskHandoffQuestion(), make_tracker())
    assert payloads(messages) == ["/help"] and CONTENT.municipality.guidance.phone in texts(messages)
    messages, _ = await run(ActionAskHandoffContact(), make_tracker())
    assert f"{CONTENT.privacy.retention_days.tickets} dagar" in texts(messages)
    assert payloads(messages)[0] == '/inform{"handoff_contact": "none"}'


def test_transcript_keeps_typed_words_and_bot_answers_not_button_payloads():
    events = [user("hej", "greet"), bot("Hej! Jag heter Vårdvägen."), user("/help", "help"), user("vad tjänar man")]
    assert transcript(make_tracker(events=events)) == [
        {"from": "user", "text": "hej"}, {"from": "bot", "text": "Hej! Jag heter Vårdvägen."},
        {"from": "user", "text": "vad tjänar man"}]


def test_two_messages_in_a_row_not_understood_are_counted():
    events = [user("vad tjänar man"), bot("..."), user("asdf", "nlu_fallback"), user("vem vann", "out_of_scope")]
    assert fallbacks_in_a_row(make_tracker(events=events)) == 2
    assert fallbacks_in_a_row(make_tracker(events=events[:3])) == 1


async def test_out_of_scope_twice_offers_a_counsellor():
    once, _ = await run(ActionOutOfScope(), make_tracker(events=[user("vem vann", "out_of_scope")]))
    assert PHRASES["out_of_scope"] in texts(once)
    twice, _ = await run(ActionOutOfScope(), make_tracker(events=[user("x", "nlu_fallback"), user("y", "out_of_scope")]))
    assert PHRASES["offer_handoff"] in texts(twice) and payloads(twice)[0] == "/human_handoff"


async def test_a_ticket_is_stored_with_what_the_bot_knows_and_a_code_is_given(service):
    events = [user("hej", "greet"), bot("Hej!"), user("kan jag jobba natt", "ask_working_hours")]
    slots = {"handoff_question": "Kan jag jobba bara natt?", "handoff_contact": "amina@example.se",
             "track": TRACK.id, "sfi_level": "sfi_c", "age": "34"}
    tracker = make_tracker(slots=slots, events=events)
    messages, done = await run(ActionCreateTicket(), tracker)
    said = texts(messages)
    # This service has no SMTP server configured, so no e-mail is promised.
    assert PHRASES["handoff_done"] in said and PHRASES["handoff_email"] not in said
    reference = said.split(PHRASES["handoff_reference"].split("{")[0])[1][:8]
    assert slot_events(done) == {"handoff_question": None, "handoff_contact": None}
    with database(service) as db:
        row = db.execute("SELECT question, contact, summary, transcript, conversation_id, status FROM tickets "
                         "WHERE reference = ?", (reference,)).fetchone()
    question, contact, summary, turns, conversation, status = row
    assert (question, contact, conversation, status) == ("Kan jag jobba bara natt?", "amina@example.se", "test-user", "open")
    assert json.loads(summary) == {"track": TRACK.id, "sfi_level": "sfi_c", "age": "34"}
    assert json.loads(turns)[-1] == {"from": "user", "text": "kan jag jobba natt"}
    # The same request again (a retry) gives the same ticket, not a second one.
    await run(ActionCreateTicket(), tracker)
    with database(service) as db:
        assert db.execute("SELECT count(*) FROM tickets").fetchone() == (1,)


async def test_an_email_answer_is_promised_only_when_mail_can_be_sent(aiohttp_server, tmp_path, monkeypatch):
    import actions.service_client as service_client
    from actions.service_client import ServiceClient
    from bot.app import create_app
    from bot.settings import Settings

    from tests.unit.ticket_helpers import ACTIONS_TOKEN

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}", smtp_host="127.0.0.1",
                        actions_token=ACTIONS_TOKEN)
    server = await aiohttp_server(create_app(settings))
    client = ServiceClient(base_url=str(server.make_url("")), token=ACTIONS_TOKEN)
    monkeypatch.setattr(service_client, "_client", client)
    for contact, promised in (("amina@example.se", True), ("0701234567", False)):
        slots = {"handoff_question": f"Behöver jag körkort? {contact}", "handoff_contact": contact}
        messages, _ = await run(ActionCreateTicket(), make_tracker(slots=slots))
        assert (PHRASES["handoff_email"] in texts(messages)) is promised
    await client.close()


async def test_without_a_contact_nothing_is_mailed(service):
    slots = {"handoff_question": "Behöver jag körkort?", "handoff_contact": NO_CONTACT}
    messages, _ = await run(ActionCreateTicket(), make_tracker(slots=slots))
    assert PHRASES["handoff_done"] in texts(messages) and PHRASES["handoff_email"] not in texts(messages)
    with database(service) as db:
        assert db.execute("SELECT contact FROM tickets").fetchall() == [(None,)]


async def test_a_ticket_when_the_service_is_down(service_down):
    slots = {"handoff_question": "Behöver jag körkort?", "handoff_contact": NO_CONTACT}
    messages, _ = await run(ActionCreateTicket(), make_tracker(slots=slots))
    assert texts(messages) == PHRASES["handoff_service_down"].format(phone=CONTENT.municipality.phone)


def test_a_code_is_found_in_a_sentence_but_ordinary_words_are_not():
    assert code_in("min kod är kx7pq3ta tack") == "KX7PQ3TA"
    assert code_in("koden HGRTWAXE") == "HGRTWAXE"
    assert code_in("har ni svarat? min kod är fgbhqlnf") == "FGBHQLNF"  # no digit, lower case
    assert code_in("jag vill kontakta någon") is None


async def test_the_answer_is_shown_with_the_code(service):
    messages, _ = await run(ActionCreateTicket(), make_tracker(slots={"handoff_question": "Behöver jag körkort?",
                                                                      "handoff_contact": NO_CONTACT}))
    reference = texts(messages).split(PHRASES["handoff_reference"].split("{")[0])[1][:8]
    form = ValidateAnswerForm()
    asked = make_tracker(f"har ni svarat? min kod är {reference.lower()}", intent="check_answer")
    assert await form.extract_ticket_reference(CollectingDispatcher(), asked, {}) == {"ticket_reference": reference}
    waiting, _ = await run(ActionShowAnswer(), make_tracker(slots={"ticket_reference": reference}))
    assert texts(waiting) == PHRASES["ticket_not_answered"]
    with database(service) as db:
        db.execute("UPDATE tickets SET status = 'answered', answer = ? WHERE reference = ?",
                   ("Nej, du behöver inte körkort i hemtjänsten här.", reference))
    answered, done = await run(ActionShowAnswer(), make_tracker(slots={"ticket_reference": reference}))
    assert "Nej, du behöver inte körkort i hemtjänsten här." in texts(answered)
    assert PHRASES["ticket_question"].format(question="Behöver jag körkort?") in texts(answered)
    assert slot_events(done) == {"ticket_reference": None}
    unknown, _ = await run(ActionShowAnswer(), make_tracker(slots={"ticket_reference": "ABCDEFGH"}))
    assert texts(unknown) == PHRASES["ticket_not_found"] and "/cancel_appointment" in payloads(unknown)


async def followup_code(service, track_id, topic, days=30):
    from bot.keys import SETTINGS  # noqa: F401 - the table is the service's

    code = "testlink" + "x" * 8
    now = datetime.utcnow()
    with database(service) as db:
        db.execute("INSERT INTO followups (code, track_id, topic, label, created_by, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", (code, track_id, topic, "SFI 3B", "lina", now, now + timedelta(days=days)))
    return code


async def test_a_follow_up_link_greets_with_its_track_and_answers_the_topic(service):
    code = await followup_code(service, TRACK.id, "prerequisites")
    tracker = make_tracker(f'/start_followup{{"followup_code": "{code}"}}', intent="start_followup",
                           entities=[entity("followup_code", code)])
    messages, events = await run(ActionStartFollowup(), tracker)
    said = texts(messages)
    assert PHRASES["followup_greeting"] in said and PHRASES["followup_track"].format(track=TRACK.name) in said
    assert TRACK.summary in said  # the topic is answered at once
    slots = slot_events(events)
    assert slots["track"] == TRACK.id and slots["followup_topic"] == "prerequisites"
    # A follow-up question without naming the track is about the link's track.
    again, _ = await run(ActionTrackRequirements(), make_tracker("vad krävs", intent="ask_requirements", slots=slots))
    assert TRACK.summary in texts(again)
    # Without a link or a track talked about, the same question asks which track.
    plain, _ = await run(ActionTrackRequirements(), make_tracker("vad krävs", intent="ask_requirements"))
    assert TRACK.summary not in texts(plain) and PHRASES["choose_track"] in texts(plain)


async def test_an_expired_or_unknown_link_says_so(service):
    code = await followup_code(service, TRACK.id, "start_dates", days=-1)
    for link in (code, "doesnotexist12345"):
        tracker = make_tracker("/start_followup", intent="start_followup", entities=[entity("followup_code", link)])
        messages, events = await run(ActionStartFollowup(), tracker)
        assert PHRASES["followup_not_found"] in texts(messages) and events == []
