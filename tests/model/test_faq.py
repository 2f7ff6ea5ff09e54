"""Questions with content (content/questions.yml) through the real stack:
NLU, rules, the action server."""

from core.content import load_content
from tests.model.test_e2e import said, say_to_rasa, sender

CONTENT = load_content()


def answer(intent: str) -> str:
    return next(q.answer for q in CONTENT.questions.questions if q.intent == intent)


def payloads(replies) -> list:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


async def test_pregnancy_gets_a_counsellor_offer_not_the_walk_through(stack):
    replies = await say_to_rasa(stack, sender(), "jag ar gravid kan jag borja pa usk sparet")
    assert answer("faq_pregnancy_health") in said(replies)
    assert CONTENT.phrases.phrases["ask_language"] not in said(replies)
    assert "/human_handoff" in payloads(replies)


async def test_no_residence_permit_gets_a_counsellor_offer(stack):
    replies = await say_to_rasa(stack, sender(), "jag har inte uppehållstillstånd kan jag jobba")
    assert answer("faq_permits") in said(replies)
    assert "/human_handoff" in payloads(replies)


async def test_driving_licence_in_home_care(stack):
    replies = await say_to_rasa(stack, sender(), "maste man ha korkort i hemtjansten")
    assert answer("faq_driving_licence") in said(replies)


async def test_headscarf_at_work(stack):
    replies = await say_to_rasa(stack, sender(), "far man ha sloja pa jobbet")
    assert answer("faq_clothing_religion") in said(replies)


async def test_a_question_inside_the_booking_form_is_answered_and_booking_goes_on(stack):
    who = sender()
    replies = await say_to_rasa(stack, who, "jag vill boka tid")
    asked = said(replies)
    replies = await say_to_rasa(stack, who, "far man ha sloja pa jobbet")
    assert answer("faq_clothing_religion") in said(replies)
    # The booking's question comes again after the answer.
    last_question = asked.strip().splitlines()[-1]
    assert last_question in said(replies)
