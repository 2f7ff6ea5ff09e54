"""A code typed on its own and "vilken tid har jag?", through the real stack (issue 19, item 5)."""

import sqlite3

from tests.model.test_e2e import CONTENT, book_in_chat, buttons_of, said, say_to_rasa, sender

PHRASES = CONTENT.phrases.phrases


def typed(code: str) -> str:
    """As a person types a code they saved: lower case, a space in the middle."""
    return f"{code[:4].lower()} {code[4:].lower()}"


async def test_a_booking_code_alone_in_a_new_conversation_shows_the_booking_after_the_contact(stack):
    chosen, reference = await book_in_chat(stack, sender(), interpreter="arabiska")
    who = sender()
    replies = await say_to_rasa(stack, who, typed(reference))
    assert PHRASES["ask_booking_contact"] in said(replies), said(replies)
    assert chosen["title"] not in said(replies), "nothing of the booking before the contact check"
    replies = await say_to_rasa(stack, who, "070-123 45 67")
    shown = said(replies)
    assert PHRASES["booking_shown"].format(label=chosen["title"]) in shown, shown
    assert PHRASES["booking_interpreter"].format(language="arabiska") in shown
    titles = [b["title"] for b in buttons_of(replies)]
    assert titles == [PHRASES["button_change_booking"], PHRASES["button_cancel_booking_only"], PHRASES["button_menu"]]
    # "Avboka" asks only whether to cancel: the code and contact are not asked again.
    cancel = next(b for b in buttons_of(replies) if b["title"] == PHRASES["button_cancel_booking_only"])
    replies = await say_to_rasa(stack, who, cancel["payload"])
    assert PHRASES["ask_cancel_confirmed"].format(label=chosen["title"]) in said(replies), said(replies)
    replies = await say_to_rasa(stack, who, "nej")
    assert PHRASES["cancel_not_done"] in said(replies)


async def test_change_the_time_from_a_shown_booking(stack):
    chosen, reference = await book_in_chat(stack, sender())
    who = sender()
    await say_to_rasa(stack, who, f"min kod är {reference}")
    replies = await say_to_rasa(stack, who, "0701234567")
    change = next(b for b in buttons_of(replies) if b["title"] == PHRASES["button_change_booking"])
    replies = await say_to_rasa(stack, who, change["payload"])
    assert PHRASES["change_start"] in said(replies), said(replies)
    assert PHRASES["ask_meeting_type"] in said(replies), "the booking form asks for the new time"


async def test_what_time_do_i_have_asks_the_code_and_contact_and_shows_the_time(stack):
    chosen, reference = await book_in_chat(stack, sender())
    who = sender()
    replies = await say_to_rasa(stack, who, "vilken tid har jag?")
    assert PHRASES["ask_booking_reference"] in said(replies), said(replies)
    replies = await say_to_rasa(stack, who, reference.lower())
    assert PHRASES["ask_booking_contact"] in said(replies), said(replies)
    replies = await say_to_rasa(stack, who, "070 123 45 67")
    assert PHRASES["booking_shown"].format(label=chosen["title"]) in said(replies), said(replies)
    # Misspelled, without å/ä/ö, in the same conversation: the time again, nothing asked.
    replies = await say_to_rasa(stack, who, "vilken dag ska ja komma")
    assert PHRASES["booking_shown"].format(label=chosen["title"]) in said(replies), said(replies)


async def test_a_question_code_alone_shows_the_answer(stack):
    who = sender()
    await say_to_rasa(stack, who, "jag vill fråga en människa")
    await say_to_rasa(stack, who, "Får jag jobba natt som vårdbiträde?")
    replies = await say_to_rasa(stack, who, '/inform{"handoff_contact": "none"}')
    reference = said(replies).split("Din kod är ")[1][:8]
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        db.execute("UPDATE tickets SET status = 'answered', answer = ? WHERE reference = ?",
                   ("Ja, det går bra efter introduktionen.", reference))
    replies = await say_to_rasa(stack, sender(), typed(reference))
    assert "Ja, det går bra efter introduktionen." in said(replies), said(replies)


async def test_an_unknown_code_is_said_clearly(stack):
    who = sender()
    replies = await say_to_rasa(stack, who, "QJ7HBT8R")
    assert PHRASES["ask_booking_contact"] in said(replies), said(replies)
    replies = await say_to_rasa(stack, who, "070-123 45 67")
    assert PHRASES["code_not_found"].format(phone=CONTENT.municipality.phone) in said(replies), said(replies)
    assert "/help" in [b["payload"] for b in buttons_of(replies)]
