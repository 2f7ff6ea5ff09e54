"""Questions people often ask (content/questions.yml), one intent each.

The answer is the municipality's text with its sources; facts that live in
other content files (the counsellors' address, each job's Swedish) are added
from there, never copied. A hidden question, or one without content, gets no
guess: the bot says so and offers to send it to a counsellor.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import button, content, find_profession, latest_intent, latest_text, level_label, lines, phrase, source_line
from actions.handoff import offer_handoff
from actions.parts import send_parts, source_links
from actions.profession import SUBJECT
from actions.tracks import starts_text
from core.content.model import Profession, Question, QuestionCase, Topic
from core.text import mentions


# The intents trained for these questions (data/nlu/questions.yml). Each has
# an entry in content/questions.yml; a new one needs training data too.
FAQ_INTENTS = (
    "faq_money", "faq_apply_jobs", "faq_swedish_level", "faq_degree_abroad", "faq_young", "faq_parents",
    "faq_pregnancy_health", "faq_clothing_religion", "faq_driving_licence", "faq_disability",
    "faq_police_extract", "faq_after_interest", "faq_meet_counsellor", "faq_ob_pay", "faq_part_time", "faq_permits",
    "faq_cost",
)


def question_for(intent: Optional[str]) -> Optional[Question]:
    return next((q for q in content().questions.questions if q.intent == intent), None)


def language_demands(profession: Optional[Profession] = None) -> List[str]:
    """Each job's Swedish and each track's entry level; only the named job's, when one is named."""
    jobs = [profession] if profession else content().professions.professions
    found = [phrase("faq_job_language", name=p.name.capitalize(), text=p.language) for p in jobs]
    for track in content().tracks.tracks:
        if profession and track.profession != profession.id:
            continue
        if track.prerequisites.min_language:
            level = level_label("language_levels", track.prerequisites.min_language)
            found.append(phrase("faq_track_language", track=track.name, level=level))
    return found


def guidance(profession: Optional[Profession] = None) -> List[str]:
    municipality = content().municipality
    return [
        municipality.guidance.text,
        phrase("contact_visit", address=municipality.guidance.visit_address),
        phrase("contact_guidance", phone=municipality.guidance.phone, email=municipality.guidance.email),
        municipality.opening_hours,
        content().booking.interpreter,
    ]


def start_dates(profession: Optional[Profession] = None) -> List[str]:
    tracks = [t for t in content().tracks.tracks if profession is None or t.profession == profession.id]
    return [lines(track.name, starts_text(track)) for track in tracks or content().tracks.tracks]


ADDS = {"guidance": guidance, "language_demands": language_demands, "start_dates": start_dates}


def answer_text(question: Question, profession: Optional[Profession] = None) -> str:
    added = ADDS[question.adds](profession) if question.adds else []
    return "\n\n".join([question.answer, *added, source_line(question.sources)])


def study_topic(case: QuestionCase) -> Optional[Topic]:
    """The study-support topic a case answers with, if it has one."""
    if not case.study_support:
        return None
    return next(t for t in content().education.study_support if t.id == case.study_support)


def case_text(case: QuestionCase) -> str:
    topic = study_topic(case)
    if topic:
        return lines(topic.name, topic.text, source_line(topic.sources))
    return "\n\n".join([case.answer or "", source_line(case.sources)])


def answer_case(dispatcher: CollectingDispatcher, case: QuestionCase, question: Question) -> None:
    dispatcher.utter_message(text=case_text(case), buttons=answer_buttons(question))
    topic = study_topic(case)
    send_parts(dispatcher, source_links(topic.sources if topic else case.sources))


def matching_case(question: Optional[Question], text: str) -> Optional[QuestionCase]:
    """The first case of the question whose words are in the text."""
    if question is None or not question.show:
        return None
    return next((case for case in question.cases
                 if mentions(text, case.when) and (not case.also or mentions(text, case.also))), None)


def answer_buttons(question: Question) -> List[Dict[str, str]]:
    found = []
    if question.counsellor:
        found.append(button(phrase("button_ask_counsellor"), "human_handoff"))
    if question.next:
        label = next(item.label for item in content().menu.items if item.intent == question.next)
        found.append(button(label, question.next))
    return found + [button(phrase("button_menu"), "help")]


def not_sure(dispatcher: CollectingDispatcher, question: Question) -> None:
    """A typed question with none of the words this answer is about: no neighbouring answer."""
    dispatcher.utter_message(
        text=phrase("faq_not_sure", title=question.title),
        buttons=[button(phrase("button_ask_counsellor"), "human_handoff"), button(question.title, question.intent),
                 button(phrase("button_menu"), "help")],
    )


def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A message that matches a case of the question just talked about, answered
    by that case; False if there is none. For the intents that answer nothing
    (not understood, out of scope), so "kan jag jobba medan jag väntar?" after
    a degree from abroad still gets its answer."""
    text = latest_text(tracker)
    talked_of = question_for(tracker.get_slot(SUBJECT))
    case = matching_case(talked_of, text) if text else None
    if case is None or talked_of is None:
        return False
    answer_case(dispatcher, case, talked_of)
    return True


class ActionAnswerFollowUp(Action):
    """Not understood: a follow-up of the question talked about, else the two-stage fallback."""

    def name(self) -> Text:
        return "action_answer_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if answer_follow_up(dispatcher, tracker):
            return []
        return [FollowupAction("action_two_stage_fallback")]


class ActionAnswerFaq(Action):
    """The question's answer, or its case for the words in the message. A
    follow-up ("jag är flykting" after money, "måste jag kunna svenska först?"
    after a degree from abroad) gets the case of the question talked about."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = latest_text(tracker)
        typed = bool(text)  # a button's payload has no words to check
        if answer_follow_up(dispatcher, tracker):
            return []
        question = question_for(latest_intent(tracker))
        if question is None or not question.show:
            # Unsure means a person, not a neighbouring answer.
            offer_handoff(dispatcher)
            return []
        case = matching_case(question, text) if typed else None
        if case:
            answer_case(dispatcher, case, question)
        elif typed and question.about and not mentions(text, question.about):
            not_sure(dispatcher, question)
            return []
        else:
            # "vilken svenska behöver en vårdbiträde": the answer for that job only.
            named = find_profession(tracker, use_slot=False)
            dispatcher.utter_message(text=answer_text(question, named), buttons=answer_buttons(question))
            send_parts(dispatcher, source_links(question.sources))
        return [SlotSet(SUBJECT, question.intent)]
