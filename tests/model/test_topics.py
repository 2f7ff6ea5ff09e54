"""Topic memory and questions inside forms, through the real stack's REST
channel (issue 19, items 1 and 2)."""

import asyncio
from datetime import date

import aiohttp

from core.content import load_content
from core.dates import format_date
from tests.model.test_e2e import RawSocket, book_in_chat, buttons_of, said, say_to_rasa, sender

CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases


def profession(pid):
    return next(p for p in CONTENT.professions.professions if p.id == pid)


def track(tid):
    return next(t for t in CONTENT.tracks.tracks if t.id == tid)


async def conversation(stack, *messages):
    who = sender()
    replies = []
    for message in messages:
        replies = await say_to_rasa(stack, who, message)
    return who, said(replies), replies


async def test_is_it_heavy_after_a_job(stack):
    _, answer, replies = await conversation(stack, "vad gor en underskoterska", "är det tungt?")
    assert profession("underskoterska").physical in answer
    assert PHRASES["choose_profession"] not in answer
    assert "/human_handoff" in [b["payload"] for b in buttons_of(replies)]


async def test_how_does_one_become_that_after_a_job(stack):
    _, answer, _ = await conversation(stack, "vad gor en skotare", "hur blir man det?")
    assert profession("skotare").how_to[0] in answer
    assert CONTENT.steps.intro not in answer


async def test_when_does_the_next_start_after_a_track(stack):
    vb = track("vardbitrade_sfi")
    _, answer, _ = await conversation(stack, "vad kravs for vardbitrade med sfi", "när börjar nästa?")
    assert f"Nästa start är {format_date(vb.open_starts(date.today())[0].date)}" in answer
    assert CONTENT.steps.intro not in answer


async def test_and_another_job_then(stack):
    _, answer, _ = await conversation(stack, "vad tjanar en underskoterska", "och vårdbiträde då?")
    assert profession("vardbitrade").pay.text in answer


async def test_how_long_then_after_a_track(stack):
    pa = track("personlig_assistent_sparet")
    _, answer, _ = await conversation(stack, "vad kravs for assistentsparet", "hur lange da")
    assert f"{pa.length_weeks} veckor" in answer


async def test_a_question_inside_the_booking_is_answered_and_the_booking_goes_on(stack):
    who = sender()
    replies = await say_to_rasa(stack, who, "jag vill boka en tid")
    assert PHRASES["ask_meeting_type"] in said(replies)
    replies = await say_to_rasa(stack, who, "vad tjanar en underskoterska")
    answer = said(replies)
    assert profession("underskoterska").pay.text in answer, answer
    assert PHRASES["ask_meeting_type"] in answer, "the booking asks its question again"
    phone = next(b for b in buttons_of(replies) if "phone" in b["payload"])
    replies = await say_to_rasa(stack, who, phone["payload"])
    assert PHRASES["ask_interpreter_wanted"] in said(replies), "and goes on"


async def test_what_is_needed_inside_the_booking_is_not_taken_as_an_answer(stack):
    who = sender()
    replies = await say_to_rasa(stack, who, "jag vill boka en tid")
    phone = next(b for b in buttons_of(replies) if "phone" in b["payload"])
    replies = await say_to_rasa(stack, who, phone["payload"])
    no = next(b for b in buttons_of(replies) if b["title"] == PHRASES["button_interpreter_no"])
    replies = await say_to_rasa(stack, who, no["payload"])
    assert PHRASES["ask_slot_choice"] in said(replies)
    replies = await say_to_rasa(stack, who, "vad krävs?")
    answer = said(replies)
    assert PHRASES["ask_slot_choice"] in answer, "the same question again"
    assert PHRASES["answer_not_understood"] not in answer


async def test_a_name_and_contact_from_a_booking_are_offered_for_an_interest(stack):
    who = sender()
    await book_in_chat(stack, who)
    replies = await say_to_rasa(stack, who, "jag vill anmala intresse for vardbitrade med sfi")
    asked = said(replies)
    assert "Amina" in asked and "070-…67" in asked, asked
    replies = await say_to_rasa(stack, who, "ja")
    assert PHRASES["ask_first_name"] not in said(replies) and PHRASES["ask_contact"] not in said(replies)
    assert "Amina" in said(replies), "the summary shows the name taken over"


async def socket_say(socket: RawSocket, session_id: str, text: str) -> str:
    """What the bot says to one message over the web chat's socket (all its messages)."""
    await socket.emit("user_uttered", {"message": text, "session_id": session_id})
    texts = [(await socket.event("bot_uttered")).get("text") or ""]
    try:
        while True:
            texts.append((await socket.event("bot_uttered", seconds=3)).get("text") or "")
    except asyncio.TimeoutError:
        return "\n".join(texts)


async def socket_session(session, stack) -> tuple:
    socket = await RawSocket.open(session, stack)
    await socket.emit("session_request", {"session_id": None})
    session_id = await socket.event("session_confirm")
    await socket.drain("bot_uttered")  # the greeting
    return socket, session_id


async def test_topic_memory_and_a_question_inside_a_form_work_the_same_over_the_socket(stack):
    """Item 1: "Works the same over the REST and socket channels"."""
    usk = profession("underskoterska")
    async with aiohttp.ClientSession() as session:
        socket, session_id = await socket_session(session, stack)
        assert usk.name in (await socket_say(socket, session_id, "vad gor en underskoterska")).lower()
        assert usk.physical in await socket_say(socket, session_id, "är det tungt?")
        assert usk.pay.text in await socket_say(socket, session_id, "vad tjanar man da?")
        # A question inside the booking is answered, and the booking asks its question again.
        asked = await socket_say(socket, session_id, "jag vill boka en tid")
        answer = await socket_say(socket, session_id, "vad kravs?")
        assert usk.how_to[0] in answer
        assert asked.splitlines()[-1] in answer, "the booking asks its question again"
        assert PHRASES["stopped_booking"] in await socket_say(socket, session_id, "avbryt")
        await socket.ws.close()

        # A new chat starts without the old topic.
        fresh, fresh_id = await socket_session(session, stack)
        assert fresh_id != session_id
        again = await socket_say(fresh, fresh_id, "är det tungt?")
        assert usk.physical not in again and PHRASES["choose_profession"] in again
        await fresh.ws.close()
