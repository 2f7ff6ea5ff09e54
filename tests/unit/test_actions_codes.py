"""A code typed on its own, and "vilken tid har jag?", against the real bot web service."""

import json
import sqlite3

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ActionAskSlotChoice, ActionBookMeeting
from actions.cancel import CHANGE, CODE, NOT_FOUND, SHOW, ActionCancelBooking, ValidateCancelForm
from actions.codes import ActionFindByCode
from actions.erasure import ValidateEraseForm
from actions.handoff import NO_CONTACT, ActionCreateTicket
from core.codes import CODE_TOKEN, LENGTH, find_code, mask_codes, mixes_letters_and_digits, new_code
from core.content import load_content
from tests.unit.action_helpers import entity, make_tracker, payloads, run, slot_events, texts

CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases
PHONE = "+46701234567"


@pytest.mark.parametrize("text, code", [
    ("QJ7HBT8R", "QJ7HBT8R"),
    ("qj7hbt8r", "QJ7HBT8R"),
    ("qj7h bt8r", "QJ7HBT8R"),
    ("QJ7H-BT8R", "QJ7HBT8R"),
    ("min kod är QJ7HBT8R.", "QJ7HBT8R"),
    ("vilken tid har jag? kod qj7h bt8r", "QJ7HBT8R"),
    ("KXPQTAMN", "KXPQTAMN"),  # an older code of letters only, in capitals
    ("min kod är kxpqtamn", "KXPQTAMN"),  # or right after "kod"
    # Not codes: ordinary words, numbers, addresses, a code with 0/O or 1/I.
    ("tandvard", None),
    ("jag skannade koden", None),
    ("jag har 3 barn", None),
    ("var kan du", None),
    ("ring 072-345 67 89", None),
    ("ab3cdefg@exempel.se", None),
    ("www.ab3cdefg.se", None),
    ("qj7hbt8rx", None),
    ("QJ7HBT0R", None),
    ("", None),
])
def test_a_code_is_found_alone_or_in_a_sentence_in_any_case_with_a_space(text, code):
    assert find_code(text) == code


def test_the_intent_classifier_sees_every_code_as_one_word():
    assert mask_codes("min kod är qj7h bt8r") == f"min kod är {CODE_TOKEN}"
    assert mask_codes("KX7PQ3TA") == mask_codes("2nwq7xle") == CODE_TOKEN
    assert mask_codes("jag skannade koden") == "jag skannade koden"


def test_new_codes_mix_letters_and_digits_so_they_are_no_word():
    codes = [new_code() for _ in range(500)]
    assert all(len(c) == LENGTH and mixes_letters_and_digits(c) and find_code(c.lower()) == c for c in codes)


async def booked(interpreter=None):
    offered, _ = await run(ActionAskSlotChoice(), make_tracker("telefon", slots={"meeting_type": "phone"}))
    payload = payloads(offered)[0]
    choice = json.loads(payload[payload.index("{"):])
    slots = {"booking_confirmed": True, "meeting_type": "phone", "slot_choice": choice["slot_choice"],
             "first_name": "Amina", "contact": PHONE, "interpreter_wanted": bool(interpreter),
             "interpreter_language": interpreter}
    done, _ = await run(ActionBookMeeting(), make_tracker(slots=slots))
    reference = texts(done).split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    return reference, choice["slot_label"]


async def ticket(service, answer=None, question="Behöver jag körkort?"):
    messages, _ = await run(ActionCreateTicket(), make_tracker(slots={"handoff_question": question,
                                                                      "handoff_contact": NO_CONTACT}))
    reference = texts(messages).split(PHRASES["handoff_reference"].split("{")[0])[1][:8]
    if answer:
        from bot.keys import SETTINGS

        with sqlite3.connect(service.app[SETTINGS].database_url.split("///", 1)[1]) as db:
            db.execute("UPDATE tickets SET status = 'answered', answer = ? WHERE reference = ?", (answer, reference))
    return reference


def typed(code):
    """How a person types a code they saved: lower case, a space in the middle."""
    return f"{code[:4].lower()} {code[4:].lower()}"


async def test_a_questions_code_alone_shows_the_answer_without_a_form(service):
    reference = await ticket(service, answer="Nej, du behöver inte körkort.")
    messages, events = await run(ActionFindByCode(), make_tracker(typed(reference), intent="give_code"))
    assert "Nej, du behöver inte körkort." in texts(messages)
    assert PHRASES["ticket_question"].format(question="Behöver jag körkort?") in texts(messages)
    assert events == []
    waiting = await ticket(service, question="Får jag jobba natt?")
    messages, events = await run(ActionFindByCode(), make_tracker(waiting, intent="give_code"))
    assert texts(messages) == PHRASES["ticket_not_answered"] and events == []


async def test_a_booking_code_alone_asks_the_contact_then_shows_the_booking_to_change_or_cancel(service):
    reference, label = await booked(interpreter="arabiska")
    messages, events = await run(ActionFindByCode(), make_tracker(f"min kod är {typed(reference)}", intent="give_code"))
    assert messages == [], "nothing of the booking before the contact check"
    assert slot_events(events) == {"booking_purpose": CODE, "booking_reference": reference, "booking_contact": None}
    assert events[-1] == {"event": "followup", "name": "cancel_form", "timestamp": None}

    form = ValidateCancelForm()
    slots = {"booking_reference": reference, "booking_purpose": CODE}
    required = await form.required_slots(["booking_reference", "booking_contact", "cancel_confirmed"],
                                         CollectingDispatcher(), make_tracker(slots=slots), {})
    assert required == ["booking_reference", "booking_contact"], "no cancel question"
    found = await form.validate_booking_contact("070-123 45 67", CollectingDispatcher(), make_tracker(slots=slots), {})
    assert found["booking_contact"] == PHONE and found["cancel_label"] == label

    shown, events = await run(ActionCancelBooking(), make_tracker(slots={**slots, **found}))
    said = texts(shown)
    assert PHRASES["booking_shown"].format(label=label) in said
    assert PHRASES["booking_shown_kind"].format(kind="Telefon") in said
    assert PHRASES["booking_interpreter"].format(language="arabiska") in said
    assert payloads(shown) == ['/ask_my_booking{"booking_purpose": "change"}', "/cancel_appointment", "/help"]
    kept = slot_events(events)
    assert "booking_reference" not in kept and "booking_contact" not in kept, "the buttons need not ask again"
    assert kept["booking_purpose"] is None and kept["first_name"] is None and kept["interpreter_language"] is None

    # "Ändra tiden": the booking form for a new time that replaces this one, nothing asked again.
    after = {"booking_reference": reference, "booking_contact": PHONE, "cancel_label": label}
    change, events = await run(ActionFindByCode(), make_tracker(
        '/ask_my_booking{"booking_purpose": "change"}', intent="ask_my_booking",
        entities=[entity("booking_purpose", CHANGE)], slots={**after, "booking_purpose": CHANGE}))
    assert texts(change) == PHRASES["change_start"]
    slots = slot_events(events)
    assert slots["change_reference"] == reference and slots["change_contact"] == PHONE and slots["change_label"] == label
    assert slots["first_name"] == "Amina" and slots["interpreter_language"] == "arabiska"
    assert slots["booking_reference"] is None and slots["booking_purpose"] is None
    assert events[-1] == {"event": "followup", "name": "booking_form", "timestamp": None}

    # "Avboka": the cancel form starts with the kept code and contact, so it asks only "Vill du avboka?".
    again = await form.validate_booking_contact(PHONE, CollectingDispatcher(), make_tracker(slots=after), {})
    assert again["booking_contact"] == PHONE
    required = await form.required_slots(["booking_reference", "booking_contact", "cancel_confirmed"],
                                         CollectingDispatcher(), make_tracker(slots=after), {})
    assert required == ["booking_reference", "booking_contact", "cancel_confirmed"]


async def test_what_time_do_i_have_asks_the_code_and_contact_then_shows_the_time(service):
    reference, label = await booked()
    _, events = await run(ActionFindByCode(), make_tracker("vilken tid har jag?", intent="ask_my_booking"))
    assert slot_events(events) == {"booking_purpose": SHOW}, "the form asks for the code"
    assert events[-1]["name"] == "cancel_form"
    slots = {"booking_reference": reference, "booking_purpose": SHOW}
    found = await ValidateCancelForm().validate_booking_contact(PHONE, CollectingDispatcher(), make_tracker(slots=slots), {})
    shown, _ = await run(ActionCancelBooking(), make_tracker(slots={**slots, **found}))
    assert PHRASES["booking_shown"].format(label=label) in texts(shown)
    assert PHRASES["booking_no_interpreter"] in texts(shown)
    # Asked again in the same conversation: shown from the kept code and contact, checked again.
    kept = {"booking_reference": reference, "booking_contact": PHONE, "cancel_label": label}
    again, events = await run(ActionFindByCode(), make_tracker("när är mitt möte", intent="ask_my_booking", slots=kept))
    assert PHRASES["booking_shown"].format(label=label) in texts(again)
    assert not any(e.get("event") == "followup" for e in events)


async def test_what_time_do_i_have_right_after_booking_in_the_same_chat_tells_the_time(service):
    offered, _ = await run(ActionAskSlotChoice(), make_tracker("telefon", slots={"meeting_type": "phone"}))
    payload = payloads(offered)[0]
    choice = json.loads(payload[payload.index("{"):])
    slots = {"booking_confirmed": True, "meeting_type": "phone", "slot_choice": choice["slot_choice"],
             "first_name": "Amina", "contact": PHONE}
    done, events = await run(ActionBookMeeting(), make_tracker(slots=slots))
    after = {**slots, **slot_events(events)}
    reference = texts(done).split(PHRASES["booking_reference"].split("{")[0])[1][:8]
    assert after["booking_reference"] == reference and after["booking_contact"] == PHONE
    shown, events = await run(ActionFindByCode(), make_tracker("vilken tid har jag?", intent="ask_my_booking", slots=after))
    assert PHRASES["booking_shown"].format(label=choice["slot_label"]) in texts(shown)
    assert not any(e.get("event") == "followup" for e in events), "no code asked for"


async def test_another_code_asks_its_own_contact(service):
    kept = {"booking_reference": "KX7PQ3TA", "booking_contact": PHONE, "cancel_label": "x"}
    _, events = await run(ActionFindByCode(), make_tracker("vilken tid har jag, kod QJ7HBT8R", intent="ask_my_booking",
                                                           slots=kept))
    assert slot_events(events) == {"booking_purpose": SHOW, "booking_reference": "QJ7HBT8R", "booking_contact": None}


async def test_an_unknown_code_is_said_clearly_with_a_way_on(service):
    _, events = await run(ActionFindByCode(), make_tracker("ABCD2345", intent="give_code"))
    slots = {**slot_events(events)}
    assert slots["booking_purpose"] == CODE
    dispatcher = CollectingDispatcher()
    result = await ValidateCancelForm().validate_booking_contact(PHONE, dispatcher, make_tracker(slots=slots), {})
    assert texts(dispatcher.messages) == PHRASES["code_not_found"].format(phone=CONTENT.municipality.phone)
    assert payloads(dispatcher.messages) == ["/help"]
    assert result == {"booking_reference": None, "booking_contact": None, "booking_purpose": NOT_FOUND}
    ended = make_tracker(slots=result)
    assert await ValidateCancelForm().required_slots(["booking_reference"], CollectingDispatcher(), ended, {}) == []
    messages, events = await run(ActionCancelBooking(), ended)
    assert messages == [] and all(value is None for value in slot_events(events).values())


async def test_a_code_word_without_a_code_asks_for_it(service):
    messages, events = await run(ActionFindByCode(), make_tracker("min kod", intent="give_code"))
    assert texts(messages) == PHRASES["ask_code_again"] and events == []


async def test_the_service_down_is_said(service_down):
    messages, events = await run(ActionFindByCode(), make_tracker("QJ7HBT8R", intent="give_code"))
    assert texts(messages) == PHRASES["handoff_service_down"].format(phone=CONTENT.municipality.phone)
    assert events == []


async def test_forms_that_ask_for_a_code_still_take_it_alone_or_in_a_sentence():
    asked = {"requested_slot": "booking_reference"}
    for text in ("qj7h bt8r", "min kod är QJ7HBT8R"):
        tracker = make_tracker(text, intent="give_code", slots=asked, active_loop="cancel_form")
        assert await ValidateCancelForm().extract_booking_reference(CollectingDispatcher(), tracker, {}) == {
            "booking_reference": "QJ7HBT8R"}
        tracker = make_tracker(text, intent="give_code", slots={"requested_slot": "erase_reference"},
                               active_loop="erase_form")
        assert await ValidateEraseForm().extract_erase_reference(CollectingDispatcher(), tracker, {}) == {
            "erase_reference": "QJ7HBT8R"}
