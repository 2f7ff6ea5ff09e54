"""Booking and cancelling in the chat, against the real bot web service."""

import json

import aiohttp
import pytest
from yarl import URL
from rasa_sdk.executor import CollectingDispatcher

import actions.service_client as service_client
from actions.booking import (
    ActionAskBookingConfirmed,
    ActionAskFirstName,
    ActionAskInterpreterLanguage,
    ActionAskInterpreterWanted,
    ActionAskMeetingType,
    ActionAskSlotChoice,
    ActionBookMeeting,
    ValidateBookingForm,
    first_name_from,
)
from actions.cancel import ActionCancelBooking, ValidateCancelForm
from core.content import load_content
from tests.unit.action_helpers import entity, make_tracker, parts, payloads, run, slot_events, texts

CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases


async def offered(slots=None):
    tracker = make_tracker("telefon", slots={"meeting_type": "phone", **(slots or {})})
    return await run(ActionAskSlotChoice(), tracker)


def chosen(messages, index=0):
    payload = payloads(messages)[index]
    return json.loads(payload[payload.index("{"):])


async def test_meeting_types_are_buttons_with_a_way_out():
    messages, _ = await run(ActionAskMeetingType(), make_tracker())
    assert payloads(messages) == [f'/inform{{"meeting_type": "{t.id}"}}' for t in CONTENT.booking.meeting_types] + ["/help"]


async def test_the_interpreter_question_says_what_a_tolk_is_and_has_yes_no_and_a_way_out():
    messages, _ = await run(ActionAskInterpreterWanted(), make_tracker())
    said = texts(messages)
    assert CONTENT.booking.interpreter in said and PHRASES["ask_interpreter_wanted"] in said
    assert payloads(messages) == ['/inform{"interpreter_wanted": "yes"}', '/inform{"interpreter_wanted": "no"}', "/help"]
    titles = [b["title"] for m in messages for b in m.get("buttons") or []]
    assert titles == [PHRASES["button_yes"], PHRASES["button_interpreter_no"], PHRASES["button_cancel"]]


async def test_the_languages_of_the_content_are_buttons_with_a_way_out():
    messages, _ = await run(ActionAskInterpreterLanguage(), make_tracker())
    assert texts(messages) == PHRASES["ask_interpreter_language"]
    languages = CONTENT.booking.interpreter_languages
    assert "arabiska" in languages and len(languages) >= 5
    assert payloads(messages) == [f'/inform{{"interpreter_language": "{name}"}}' for name in languages] + ["/help"]


async def wanted(value, text="/inform", intent="inform", entities=()):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent=intent, entities=entities, slots={"requested_slot": "interpreter_wanted"})
    result = await ValidateBookingForm().validate_interpreter_wanted(value, dispatcher, tracker, {})
    return result, texts(dispatcher.messages)


@pytest.mark.parametrize("answer, intent, expected", [
    ("ja", "affirm", {"interpreter_wanted": True, "interpreter_language": None}),
    ("Ja tack", "affirm", {"interpreter_wanted": True, "interpreter_language": None}),
    ("jag vill ha en tolk", "inform", {"interpreter_wanted": True, "interpreter_language": None}),
    ("nej", "deny", {"interpreter_wanted": False, "interpreter_language": None}),
    ("Nej, det behövs inte", "deny", {"interpreter_wanted": False, "interpreter_language": None}),
    ("det behovs inte", "out_of_scope", {"interpreter_wanted": False, "interpreter_language": None}),
    ("nej, jag pratar arabiska", "deny", {"interpreter_wanted": False, "interpreter_language": None}),
    # One answer to both questions.
    ("ja, arabiska", "affirm", {"interpreter_wanted": True, "interpreter_language": "arabiska"}),
    ("somaliska", "explain_word", {"interpreter_wanted": True, "interpreter_language": "somaliska"}),
])
async def test_a_typed_yes_or_no_is_understood(answer, intent, expected):
    result, said = await wanted(answer, text=answer, intent=intent)
    assert result == expected and said == ""


async def test_the_yes_and_no_buttons():
    yes, _ = await wanted("/inform", entities=[entity("interpreter_wanted", "yes")])
    no, _ = await wanted("/inform", entities=[entity("interpreter_wanted", "no")])
    assert yes == {"interpreter_wanted": True, "interpreter_language": None}
    assert no == {"interpreter_wanted": False, "interpreter_language": None}


@pytest.mark.parametrize("answer", ["kanske", "vad kostar det", "12345", "hej"])
async def test_an_unrelated_answer_does_not_fill_the_interpreter_question(answer):
    result, said = await wanted(answer, text=answer, intent="out_of_scope")
    assert result == {"interpreter_wanted": None, "interpreter_language": None}
    assert said == PHRASES["answer_not_understood"]


async def test_an_answer_given_before_the_form_started_is_kept():
    # A change of time or a time taken meanwhile starts the form with the answer known.
    for value in (True, False):
        result, said = await wanted(value, text="/book_appointment", intent="book_appointment")
        assert result == {"interpreter_wanted": value} and said == ""


async def test_the_language_is_asked_only_when_an_interpreter_is_wanted():
    form, slots = ValidateBookingForm(), ["meeting_type", "interpreter_wanted", "interpreter_language", "slot_choice"]
    for value in (None, False, "ja"):
        required = await form.required_slots(slots, CollectingDispatcher(), make_tracker(slots={"interpreter_wanted": value}), {})
        assert required == ["meeting_type", "interpreter_wanted", "slot_choice"]
    required = await form.required_slots(slots, CollectingDispatcher(), make_tracker(slots={"interpreter_wanted": True}), {})
    assert required == slots


async def language(value, text=None, entities=()):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(value if text is None else text, entities=entities)
    result = await ValidateBookingForm().validate_interpreter_language(value, dispatcher, tracker, {})
    return result["interpreter_language"], texts(dispatcher.messages)


@pytest.mark.parametrize("answer, expected", [
    ("arabiska", "arabiska"), ("Arabiska", "arabiska"), ("arabsika", "arabiska"), ("tolk på dari", "dari"),
    # Not a button: any language may be typed.
    ("kurdiska", "kurdiska"), ("Jag pratar Kurdiska sorani", "kurdiska sorani"), ("pashto.", "pashto"),
    ("bosniska-kroatiska", "bosniska-kroatiska"),
])
async def test_a_language_is_a_button_or_typed(answer, expected):
    assert await language(answer) == (expected, "")


async def test_a_language_button():
    assert await language("/inform", entities=[entity("interpreter_language", "tigrinja")]) == ("tigrinja", "")


@pytest.mark.parametrize("answer", [
    "jag vet inte", "vad kostar det?", "123", "kurd1ska", "a" * 41, "det är ett språk som talas i norra delen av landet",
    "avbryt", "nej", "<b>", "x",
])
async def test_a_typed_language_that_is_no_language_is_asked_again(answer):
    assert await language(answer) == (None, PHRASES["interpreter_language_invalid"])


def asked_language(text, intent):
    return make_tracker(text, intent=intent, slots={"requested_slot": "interpreter_language", "interpreter_wanted": True})


async def test_a_typed_language_is_taken_whatever_nlu_made_of_it_but_not_a_question():
    form = ValidateBookingForm()
    extract = form.extract_interpreter_language
    assert await extract(CollectingDispatcher(), asked_language("kurdiska", "explain_word"), {}) == {
        "interpreter_language": "kurdiska"}
    assert await extract(CollectingDispatcher(), asked_language("arabiska", "ask_salary"), {}) == {
        "interpreter_language": "arabiska"}
    # A question that ends the form stays a question (data/rules/booking.yml).
    assert await extract(CollectingDispatcher(), asked_language("lön", "ask_salary"), {}) == {}
    assert await extract(CollectingDispatcher(), asked_language("meny", "help"), {}) == {}
    assert await extract(CollectingDispatcher(), asked_language("/help", "help"), {}) == {}
    # Only when the language was asked for.
    other = make_tracker("kurdiska", intent="explain_word", slots={"requested_slot": "first_name"})
    assert await extract(CollectingDispatcher(), other, {}) == {}
    typed_at_once = make_tracker("arabiska", intent="explain_word", slots={"requested_slot": "interpreter_wanted"})
    assert await form.extract_interpreter_wanted(CollectingDispatcher(), typed_at_once, {}) == {
        "interpreter_wanted": "arabiska"}


async def test_five_free_times_then_more_and_cancel(service):
    messages, events = await offered()
    buttons = [b for m in messages for b in m.get("buttons") or []]
    assert len(buttons) == 7
    assert buttons[5]["title"] == PHRASES["button_more_times"] and buttons[6]["payload"] == "/help"
    assert buttons[0]["title"].split()[0] in {"måndag", "tisdag", "onsdag", "torsdag", "fredag"}
    last = chosen(messages, 4)["slot_choice"].split("|")[1]
    assert slot_events(events) == {"slots_last_shown": last}
    # "Fler tider" shows the times after the last one shown.
    result = await ValidateBookingForm().validate_slot_choice(
        "/inform", CollectingDispatcher(), make_tracker(entities=[entity("slot_choice", "more")], slots={"slots_last_shown": last}), {}
    )
    assert result == {"slot_choice": None, "slots_after": last, "slots_from_day": None}
    more, _ = await offered({"slots_after": last})
    assert chosen(more)["slot_choice"].split("|")[1] > last


async def test_a_typed_day_shows_times_from_that_day(service):
    result = await ValidateBookingForm().validate_slot_choice(
        "nästa onsdag", CollectingDispatcher(), make_tracker("nästa onsdag"), {}
    )
    assert result["slot_choice"] is None and result["slots_from_day"]
    messages, _ = await offered({"slots_from_day": result["slots_from_day"]})
    assert chosen(messages)["slot_choice"].split("|")[1][:10] >= result["slots_from_day"]


@pytest.mark.parametrize("text", ["1 januari 2020", "2020-01-01", "1/1 2020"])
async def test_a_day_that_has_been_is_refused_with_a_reason(text):
    dispatcher = CollectingDispatcher()
    result = await ValidateBookingForm().validate_slot_choice(text, dispatcher, make_tracker(text), {})
    assert result == {"slot_choice": None}
    assert texts(dispatcher.messages) == PHRASES["day_in_the_past"]


async def test_an_answer_that_is_no_day_is_not_understood():
    dispatcher = CollectingDispatcher()
    result = await ValidateBookingForm().validate_slot_choice("kanske", dispatcher, make_tracker("kanske"), {})
    assert result == {"slot_choice": None}
    assert texts(dispatcher.messages) == PHRASES["answer_not_understood"]


@pytest.mark.parametrize(
    "text, name", [("Amina", "Amina"), ("jag heter amina", "Amina"), ("amina yusuf", "Amina"), ("<b>x</b>", None), ("070123", None)]
)
def test_first_name(text, name):
    assert first_name_from(text) == name


async def test_contact_is_validated_and_personnummer_refused():
    form = ValidateBookingForm()
    ok = await form.validate_contact("070-123 45 67", CollectingDispatcher(), make_tracker(), {})
    assert ok == {"contact": "+46701234567", "known_contact": "+46701234567"}, "remembered to offer it again"
    dispatcher = CollectingDispatcher()
    assert await form.validate_contact("19850101-1234", dispatcher, make_tracker(), {}) == {"contact": None}
    assert texts(dispatcher.messages) == PHRASES["contact_invalid"]


async def test_summary_shows_privacy_and_asks_yes_or_no():
    slots = {"meeting_type": "video", "slot_label": "tisdag 1 december kl. 13.00", "first_name": "Amina", "contact": "+46701234567"}
    messages, _ = await run(ActionAskBookingConfirmed(), make_tracker(slots=slots))
    said = texts(messages)
    assert "30 dagar" in said and "tisdag 1 december kl. 13.00" in said and "Video" in said
    assert payloads(messages) == ["/affirm", "/deny"]
    assert PHRASES["summary_no_interpreter"] in said and "språket" in said  # what is stored, the language too


async def test_summary_says_whether_an_interpreter_was_asked_for():
    slots = {"meeting_type": "video", "slot_label": "tisdag 1 december kl. 13.00", "first_name": "Amina", "contact": "+46701234567"}
    wanted, _ = await run(ActionAskBookingConfirmed(), make_tracker(
        slots={**slots, "interpreter_wanted": True, "interpreter_language": "arabiska"}))
    assert PHRASES["summary_interpreter"].format(language="arabiska") in texts(wanted)
    assert PHRASES["summary_no_interpreter"] not in texts(wanted)
    # A language left from an earlier answer counts only with a yes.
    not_wanted, _ = await run(ActionAskBookingConfirmed(), make_tracker(
        slots={**slots, "interpreter_wanted": False, "interpreter_language": "arabiska"}))
    assert PHRASES["summary_no_interpreter"] in texts(not_wanted) and "arabiska" not in texts(not_wanted)


async def booked(slots, sender="test-user"):
    tracker = make_tracker(slots={"booking_confirmed": True, **slots})
    tracker.sender_id = sender
    return await run(ActionBookMeeting(), tracker)


async def test_booking_gives_code_calendar_and_what_to_bring_and_is_not_repeated(service):
    messages, _ = await offered()
    choice = chosen(messages)["slot_choice"]
    slots = {"meeting_type": "phone", "slot_choice": choice, "first_name": "Amina", "contact": "+46701234567"}
    done, events = await booked(slots)
    said = texts(done)
    assert chosen(messages)["slot_label"] in said
    reference = said.split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    # The calendar file is a button, its secret token in no text; the code is shown large to copy.
    assert "calendar.ics" not in said and "token" not in said and "http" not in said
    sent = parts(done)
    assert [part["type"] for part in sent] == ["code", "calendar", "print"]
    assert sent[0]["code"] == reference
    calendar_url = URL(sent[1]["url"])
    assert calendar_url.path == f"/api/bookings/{reference}/calendar.ics" and calendar_url.query["token"]
    async with aiohttp.ClientSession() as session:
        async with session.get(service.make_url(calendar_url.path_qs)) as response:
            assert response.status == 200 and "BEGIN:VCALENDAR" in await response.text()
    for item in CONTENT.booking.what_to_bring:
        assert item in said
    kept = {"booking_reference": reference, "booking_contact": "+46701234567", "cancel_label": chosen(messages)["slot_label"]}
    assert all(value is None for name, value in slot_events(events).items() if name not in kept), "the form is reset"
    assert {name: slot_events(events)[name] for name in kept} == kept, "the booking is known in this chat"
    # The same request again (a retry) gets the same booking, not a second one.
    again, _ = await booked(slots)
    assert reference in texts(again)
    found = await service_client.get_client().find_booking(reference, "+46701234567")
    assert found and found["label"] == chosen(messages)["slot_label"]


async def test_the_interpreter_is_sent_stored_and_told_in_the_confirmation(service):
    from bot.keys import STORE

    messages, _ = await offered()
    slots = {"meeting_type": "phone", "slot_choice": chosen(messages)["slot_choice"], "first_name": "Amina",
             "contact": "+46701234567", "interpreter_wanted": True, "interpreter_language": "arabiska"}
    done, events = await booked(slots)
    said = texts(done)
    assert PHRASES["booking_interpreter"].format(language="arabiska") in said
    reference = said.split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    found = await service_client.get_client().find_booking(reference, "+46701234567")
    assert found["interpreter"] == "arabiska"
    stored = await service.app[STORE].find(reference, "+46701234567")
    assert stored.interpreter == "arabiska"
    assert slot_events(events)["interpreter_wanted"] is None and slot_events(events)["interpreter_language"] is None


async def test_no_interpreter_is_stored_as_none_and_told(service):
    messages, _ = await offered()
    slots = {"meeting_type": "phone", "slot_choice": chosen(messages)["slot_choice"], "first_name": "Amina",
             "contact": "+46701234567", "interpreter_wanted": False, "interpreter_language": "arabiska"}
    done, _ = await booked(slots)
    said = texts(done)
    assert PHRASES["booking_no_interpreter"] in said and "arabiska" not in said
    reference = said.split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    assert (await service_client.get_client().find_booking(reference, "+46701234567"))["interpreter"] is None


async def test_the_booking_request_carries_the_interpreter(monkeypatch):
    sent = {}

    class Recorder:
        async def book(self, request, conversation, *what):
            sent.update(request)
            return 500, {}

    monkeypatch.setattr("actions.booking.get_client", lambda: Recorder())
    slots = {"meeting_type": "phone", "slot_choice": "lina|2030-01-07T08:00:00+00:00", "first_name": "Amina",
             "contact": "+46701234567", "interpreter_wanted": True, "interpreter_language": "kurdiska"}
    await booked(slots)
    assert sent["interpreter"] == "kurdiska"
    await booked({**slots, "interpreter_wanted": False})
    assert sent["interpreter"] is None


async def test_a_time_taken_meanwhile_asks_for_a_new_time(service):
    messages, _ = await offered()
    choice = chosen(messages)["slot_choice"]
    base = {"meeting_type": "phone", "slot_choice": choice, "first_name": "Amina", "contact": "+46701234567"}
    await booked(base, sender="first-person")
    second, events = await booked({**base, "first_name": "Yusuf", "contact": "yusuf@example.org"}, sender="second")
    assert PHRASES["booking_taken"] in texts(second)
    assert [e["name"] for e in events if e["event"] == "followup"] == ["booking_form"]
    assert slot_events(events)["slot_choice"] is None and "first_name" not in slot_events(events)


async def test_service_down_is_said_in_swedish_with_the_phone(service_down):
    messages, events = await offered()
    assert texts(messages) == PHRASES["booking_service_down"].format(phone=CONTENT.municipality.phone)
    slots = {"meeting_type": "phone", "slot_choice": "lina|2030-01-07T08:00:00+00:00", "first_name": "A", "contact": "+46701234567"}
    messages, _ = await booked(slots)
    assert CONTENT.municipality.phone in texts(messages)


async def test_not_confirmed_books_nothing(service):
    tracker = make_tracker(slots={"booking_confirmed": False, "slot_choice": "x"})
    messages, _ = await run(ActionBookMeeting(), tracker)
    assert texts(messages) == PHRASES["booking_not_made"]


async def test_cancel_with_code_and_contact_frees_the_time(service):
    messages, _ = await offered()
    choice = chosen(messages)["slot_choice"]
    done, _ = await booked({"meeting_type": "phone", "slot_choice": choice, "first_name": "Amina", "contact": "+46701234567"})
    reference = texts(done).split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    form = ValidateCancelForm()
    bad = CollectingDispatcher()
    assert await form.validate_booking_reference("123", bad, make_tracker(), {}) == {"booking_reference": None}
    assert texts(bad.messages) == PHRASES["reference_invalid"]
    code = await form.validate_booking_reference(reference.lower(), CollectingDispatcher(), make_tracker(), {})
    assert code == {"booking_reference": reference}
    wrong = CollectingDispatcher()
    result = await form.validate_booking_contact("0709999999", wrong, make_tracker(slots=code), {})
    assert result == {"booking_reference": None, "booking_contact": None}
    result = await form.validate_booking_contact("070 123 45 67", CollectingDispatcher(), make_tracker(slots=code), {})
    assert result["booking_contact"] == "+46701234567" and result["cancel_label"] == chosen(messages)["slot_label"]
    assert result["interpreter_wanted"] is False and result["interpreter_language"] is None
    slots = {**code, **result, "cancel_confirmed": True}
    cancelled, events = await run(ActionCancelBooking(), make_tracker(slots=slots))
    assert all(slot_events(events)[name] is None for name in ("first_name", "interpreter_wanted", "interpreter_language"))
    assert PHRASES["cancel_done"].format(label=result["cancel_label"]) in texts(cancelled)
    assert "/book_appointment" in payloads(cancelled)
    again, _ = await offered()
    assert chosen(again)["slot_choice"] == choice


# The form that was active, then ended by a question (action_deactivate_loop).
ENDED_CANCEL_FORM = [{"event": "active_loop", "name": "cancel_form"}, {"event": "active_loop", "name": None}]


async def test_change_of_time_books_the_new_time_and_frees_the_old(service):
    from actions.questions import ActionAnswerQuestion

    messages, _ = await offered()
    old_choice, new_choice = chosen(messages, 0), chosen(messages, 1)
    done, _ = await booked({"meeting_type": "phone", "slot_choice": old_choice["slot_choice"], "first_name": "Amina",
                            "contact": "+46701234567", "interpreter_wanted": True, "interpreter_language": "arabiska"})
    reference = texts(done).split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    found = await ValidateCancelForm().validate_booking_contact(
        "0701234567", CollectingDispatcher(), make_tracker(slots={"booking_reference": reference}), {})
    assert found["first_name"] == "Amina"
    assert found["interpreter_wanted"] is True and found["interpreter_language"] == "arabiska"
    # "Byt till en annan tid" is a button on the cancel question.
    ask = CollectingDispatcher()
    from actions.cancel import ActionAskCancelConfirmed
    await ActionAskCancelConfirmed().run(ask, make_tracker(slots=found), {})
    assert payloads(ask.messages) == ["/affirm", "/book_appointment", "/deny"]

    cancel_slots = {"booking_reference": reference, **found}
    answer, events = await run(ActionAnswerQuestion(), make_tracker(
        "/book_appointment", intent="book_appointment", slots=cancel_slots, events=ENDED_CANCEL_FORM))
    assert texts(answer) == PHRASES["change_start"]
    assert events[-1] == {"event": "followup", "name": "booking_form", "timestamp": None}
    change = slot_events(events)
    assert change["change_reference"] == reference and change["change_label"] == old_choice["slot_label"]
    assert change["first_name"] == "Amina" and change["contact"] == "+46701234567"  # not asked again
    assert change["interpreter_wanted"] is True and change["interpreter_language"] == "arabiska"
    assert change["booking_reference"] is None and change["cancel_label"] is None

    new_slots = {**{k: v for k, v in change.items() if v is not None}, "meeting_type": "phone",
                 "slot_choice": new_choice["slot_choice"], "slot_label": new_choice["slot_label"]}
    summary, _ = await run(ActionAskBookingConfirmed(), make_tracker(slots=new_slots))
    assert PHRASES["change_summary"].format(label=old_choice["slot_label"]) in texts(summary)
    assert PHRASES["summary_interpreter"].format(language="arabiska") in texts(summary)
    changed, events = await booked(new_slots)
    assert PHRASES["change_done"].format(label=new_choice["slot_label"]) in texts(changed)
    assert PHRASES["booking_interpreter"].format(language="arabiska") in texts(changed)
    assert slot_events(events)["change_reference"] is None
    assert await service_client.get_client().find_booking(reference, "+46701234567") is None
    again, _ = await offered()
    free = [b["payload"] for m in again for b in m.get("buttons") or []]
    assert any(old_choice["slot_choice"] in p for p in free)  # the old time is free again
    assert not any(new_choice["slot_choice"] in p for p in free)


async def test_a_question_that_ends_cancelling_forgets_the_booking_found(service):
    from actions.questions import ActionAnswerQuestion

    slots = {"booking_reference": "KX7PQ3TA", "booking_contact": "+46701234567", "cancel_label": "x", "first_name": "Amina"}
    _, events = await run(ActionAnswerQuestion(), make_tracker(
        "vad tjänar man", intent="ask_salary", slots=slots, events=ENDED_CANCEL_FORM))
    cleared = slot_events(events)
    assert all(cleared[name] is None for name in slots) and "change_reference" not in cleared


async def test_interest_sends_the_walk_through_answers_and_is_stored(service):
    from actions.interest import ActionAskInterestConfirmed, ActionRegisterInterest, ValidateInterestForm
    from bot.keys import INTERESTS

    result = await ValidateInterestForm().validate_track(
        "personlig assistent spåret", CollectingDispatcher(), make_tracker("personlig assistent spåret"), {}
    )
    assert result == {"track": "personlig_assistent_sparet"}
    slots = {
        "track": "vardbitrade_sfi", "first_name": "Amina", "contact": "+46701234567",
        "sfi_level": "sfi_c", "education": "grundskola", "experience": "none", "age": "19",
    }
    summary, _ = await run(ActionAskInterestConfirmed(), make_tracker(slots=slots))
    assert "180 dagar" in texts(summary) and "Vårdbiträde med SFI" in texts(summary)
    messages, events = await run(ActionRegisterInterest(), make_tracker(slots={**slots, "interest_confirmed": True}))
    assert PHRASES["interest_done"].format(track="Vårdbiträde med SFI") in texts(messages)
    stored = await service.app[INTERESTS].for_track("vardbitrade_sfi")
    assert len(stored) == 1
    assert stored[0].answers == {"sfi_level": "sfi_c", "education": "grundskola", "experience": "none", "age": "19"}
    assert slot_events(events) == {"first_name": None, "contact": None, "interest_confirmed": None, "reuse_declined": None}


async def test_interest_when_the_service_is_down(service_down):
    from actions.interest import ActionRegisterInterest

    slots = {"track": "vardbitrade_sfi", "first_name": "Amina", "contact": "+46701234567", "interest_confirmed": True}
    messages, _ = await run(ActionRegisterInterest(), make_tracker(slots=slots))
    assert texts(messages) == PHRASES["interest_service_down"].format(phone=CONTENT.municipality.phone)


async def test_erasure_in_the_chat(service):
    from actions.erasure import ActionEraseMyData, ValidateEraseForm

    messages, _ = await offered()
    done, _ = await booked({"meeting_type": "phone", "slot_choice": chosen(messages)["slot_choice"],
                            "first_name": "Amina", "contact": "+46701234567"})
    reference = texts(done).split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    form = ValidateEraseForm()
    no_code = make_tracker(entities=[entity("erase_reference", "none")])
    assert await form.validate_erase_reference("/inform", CollectingDispatcher(), no_code, {}) == {"erase_reference": "none"}
    slots = ["erase_reference", "erase_contact", "erase_confirmed"]
    assert await form.required_slots(slots, CollectingDispatcher(), make_tracker(slots={"erase_reference": "none"}), {}) == [
        "erase_reference", "erase_confirmed"]
    wrong = {"erase_reference": reference, "erase_contact": "+46709999999", "erase_confirmed": True}
    messages, _ = await run(ActionEraseMyData(), make_tracker(slots=wrong))
    assert texts(messages) == PHRASES["erase_not_found"].format(phone=CONTENT.municipality.phone)
    right = {**wrong, "erase_contact": "+46701234567"}
    messages, events = await run(ActionEraseMyData(), make_tracker(slots=right))
    assert PHRASES["erase_done"].format(bookings=1, interests=0, tickets=0) in texts(messages)
    assert [e["event"] for e in events] == ["reset_slots"]
    assert await service_client.get_client().find_booking(reference, "+46701234567") is None


async def test_erasure_in_the_chat_with_a_code_made_from_someone_elses_number_keeps_their_booking(service):
    """The attack of issue 17 through the chat: a question handed over with the
    victim's phone number gives a code; erasing with it removes only that question."""
    from actions.erasure import ActionEraseMyData
    from actions.handoff import ActionCreateTicket

    messages, _ = await offered()
    done, _ = await booked({"meeting_type": "phone", "slot_choice": chosen(messages)["slot_choice"],
                            "first_name": "Amina", "contact": "+46701234567"})
    victims = texts(done).split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    attacker = make_tracker(slots={"handoff_question": "Hej?", "handoff_contact": "+46701234567"})
    attacker.sender_id = "web-attacker-0001"
    made, _ = await run(ActionCreateTicket(), attacker)
    planted = texts(made).split("Din kod är ")[1][:8]
    erase = {"erase_reference": planted, "erase_contact": "+46701234567", "erase_confirmed": True}
    tracker = make_tracker(slots=erase)
    tracker.sender_id = "web-attacker-0001"
    messages, _ = await run(ActionEraseMyData(), tracker)
    assert PHRASES["erase_done"].format(bookings=0, interests=0, tickets=1) in texts(messages)
    assert PHRASES["erase_other_records"].format(phone=CONTENT.municipality.phone) in texts(messages)
    assert await service_client.get_client().find_booking(victims, "+46701234567") is not None

async def test_guessing_codes_is_slowed_down_and_told_so(service):
    form = ValidateCancelForm()
    tracker = make_tracker(slots={"booking_reference": "ABCDEFGH"})
    answers = []
    for _ in range(12):
        dispatcher = CollectingDispatcher()
        await form.validate_booking_contact("0709999999", dispatcher, tracker, {})
        answers.append(texts(dispatcher.messages))
    assert answers[0] == PHRASES["booking_not_found"].format(phone=CONTENT.municipality.phone)
    assert answers[-1] == PHRASES["too_many_tries"]


KNOWN = {"known_name": "Amina", "known_contact": "+46701234567"}


async def test_a_name_and_contact_given_before_are_offered_again():
    messages, _ = await run(ActionAskFirstName(), make_tracker(slots=KNOWN))
    said = texts(messages)
    assert "Amina" in said and "070-…67" in said and "+46701234567" not in said, "the contact is shown masked"
    assert payloads(messages)[:2] == ["/affirm", "/deny"]
    messages, _ = await run(ActionAskFirstName(), make_tracker())
    assert texts(messages) == PHRASES["ask_first_name"], "nothing known: the plain question"


async def test_yes_takes_the_known_name_and_contact_and_no_asks_again():
    form = ValidateBookingForm()
    yes = make_tracker("ja", intent="affirm", slots={**KNOWN, "requested_slot": "first_name"})
    assert await form.validate_first_name("ja", CollectingDispatcher(), yes, {}) == {
        "first_name": "Amina", "contact": "+46701234567"}
    no = make_tracker("nej", intent="deny", slots={**KNOWN, "requested_slot": "first_name"})
    assert await form.validate_first_name("nej", CollectingDispatcher(), no, {}) == {
        "first_name": None, "reuse_declined": True}
    declined = make_tracker(slots={**KNOWN, "reuse_declined": True})
    messages, _ = await run(ActionAskFirstName(), declined)
    assert texts(messages) == PHRASES["ask_first_name"]
    typed = make_tracker("Yusuf", slots={"requested_slot": "first_name"})
    assert await form.validate_first_name("Yusuf", CollectingDispatcher(), typed, {}) == {
        "first_name": "Yusuf", "known_name": "Yusuf"}
