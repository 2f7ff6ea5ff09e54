"""A code or a phone number typed when a form asked for it is taken whatever
intent NLU gave the message (a random code may look like a question to it)."""

from rasa_sdk.executor import CollectingDispatcher

from actions.cancel import ValidateCancelForm
from actions.erasure import ValidateEraseForm
from actions.handoff import ValidateAnswerForm
from actions.booking import ValidateBookingForm
from actions.interest import ValidateInterestForm
from actions.typed_values import contact_in, requested_code, requested_contact, typed_language
from core.content import load_content
from tests.unit.action_helpers import make_tracker


CONTACT_INVALID = load_content().phrases.phrases["contact_invalid"]


def asked(slot: str, text: str, intent: str = "ask_profession", **slots):
    return make_tracker(text=text, intent=intent, slots={"requested_slot": slot, **slots})


def test_a_code_is_taken_when_asked_for_even_if_read_as_a_question():
    assert requested_code(asked("booking_reference", "c5nagj9g"), "booking_reference") == "C5NAGJ9G"
    assert requested_code(asked("booking_reference", " C5NAGJ9G "), "booking_reference") == "C5NAGJ9G"
    assert requested_code(asked("booking_reference", "min kod är c5nagj9g"), "booking_reference") == "C5NAGJ9G"


def test_nothing_is_taken_when_not_asked_for_or_not_a_code():
    assert requested_code(asked("booking_contact", "c5nagj9g"), "booking_reference") is None
    assert requested_code(asked("booking_reference", "vad gör en undersköterska"), "booking_reference") is None
    assert requested_code(asked("booking_reference", "/deny"), "booking_reference") is None
    assert requested_code(asked("booking_reference", "c5nagj9g", booking_reference="AAAAAAAA"), "booking_reference") is None


def test_a_phone_number_or_email_is_taken_when_asked_for():
    assert requested_contact(asked("booking_contact", "070 123 45 67"), "booking_contact") == "+46701234567"
    assert requested_contact(asked("erase_contact", "Amina@Example.se"), "erase_contact") == "amina@example.se"
    assert requested_contact(asked("booking_contact", "vad kostar det"), "booking_contact") is None
    assert requested_contact(asked("booking_reference", "0701234567"), "booking_contact") is None


def test_a_contact_in_a_sentence_is_found():
    assert contact_in("mitt nummer är 070-123 45 67") == "+46701234567"
    assert contact_in("ring mig på +46 70 123 45 67 tack") == "+46701234567"
    assert contact_in("min mejl: Amina@Example.se.") == "amina@example.se"
    assert contact_in("0701234567") == "+46701234567"
    assert contact_in("mitt nummer är 123") is None
    assert contact_in("amina@") is None
    assert contact_in("jag är född 850709-1234") is None


def test_a_wrong_contact_is_still_an_answer_to_the_question():
    # Read as "delete my data" by NLU once, which ended the booking.
    assert requested_contact(asked("contact", "mitt nummer är 123", "delete_my_data"), "contact") == "mitt nummer är 123"
    assert requested_contact(asked("contact", "amina@", "ask_steps"), "contact") == "amina@"
    assert requested_contact(asked("contact", "mitt nummer är 070-123 45 67", "delete_my_data"), "contact") == "+46701234567"
    # No digits and no @: a question, which the form leaves to the rules.
    assert requested_contact(asked("contact", "vad tjänar en undersköterska", "ask_salary"), "contact") is None


async def test_booking_and_interest_forms_keep_a_contact_that_nlu_read_as_a_question():
    for form in (ValidateBookingForm(), ValidateInterestForm()):
        dispatcher = CollectingDispatcher()
        extracted = await form.extract_contact(dispatcher, asked("contact", "mitt nummer är 070 123 45 67", "delete_my_data"), {})
        assert extracted == {"contact": "+46701234567"}
        wrong = await form.extract_contact(dispatcher, asked("contact", "mitt nummer är 123", "delete_my_data"), {})
        assert wrong == {"contact": "mitt nummer är 123"}
        assert await form.validate_contact(wrong["contact"], dispatcher, asked("contact", "mitt nummer är 123"), {}) == {"contact": None}
        assert [m["text"] for m in dispatcher.messages] == [CONTACT_INVALID]
        typed = await form.validate_contact("mitt nummer är 070-123 45 67", CollectingDispatcher(), asked("contact", ""), {})
        assert typed == {"contact": "+46701234567", "known_contact": "+46701234567"}


async def test_the_forms_extract_typed_values():
    dispatcher = CollectingDispatcher()
    cancel, erase, answer = ValidateCancelForm(), ValidateEraseForm(), ValidateAnswerForm()
    assert await cancel.extract_booking_reference(dispatcher, asked("booking_reference", "c5nagj9g"), {}) == {
        "booking_reference": "C5NAGJ9G"}
    assert await cancel.extract_booking_contact(dispatcher, asked("booking_contact", "0701234567"), {}) == {
        "booking_contact": "+46701234567"}
    assert await erase.extract_erase_reference(dispatcher, asked("erase_reference", "c5nagj9g"), {}) == {
        "erase_reference": "C5NAGJ9G"}
    assert await erase.extract_erase_contact(dispatcher, asked("erase_contact", "0701234567"), {}) == {
        "erase_contact": "+46701234567"}
    assert await answer.extract_ticket_reference(dispatcher, asked("ticket_reference", "8nd6e9dg", "affirm"), {}) == {
        "ticket_reference": "8ND6E9DG"}
    assert await cancel.extract_booking_reference(dispatcher, asked("booking_reference", "hur blir man skötare"), {}) == {}


def test_a_typed_language_is_one_or_two_words_of_letters():
    assert typed_language("Kurdiska") == "kurdiska"
    assert typed_language("jag vill ha en tolk på kurmanji") == "kurmanji"
    assert typed_language("kurdiska sorani") == "kurdiska sorani"
    assert typed_language("bosniska-kroatiska") == "bosniska-kroatiska"
    for text in ("", "/inform", "vad kostar det?", "123", "kurd1ska", "vet inte", "avbryt", "meny", "nej", "ab",
                 "a" * 41, "tre ord här", "<b>"):
        assert typed_language(text) is None, text
