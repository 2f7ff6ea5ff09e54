"""Explain a care job, its pay and its working hours."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import bullets, button, content, find_profession, latest_text, lines, phrase, refers_back, source_line
from actions.parts import send_parts, source_links
from actions.text_match import normalize
from core.content.model import Notice, Profession
from core.dates import format_amount, format_date

# The question waiting for a job name ("Vilket jobb?"), as an intent name.
PENDING = "pending_question"
# What was last told about the job or track (actions/topic.py).
SUBJECT = "subject"


# Endings of job names: "tandsköterska", "barnskötare", "läkare" are jobs,
# and the bot has content only for those in professions.yml.
_JOB_ENDINGS = ("skoterska", "skotare", "lakare", "larare", "assistent", "bitrade", "pedagog", "terapeut")


def unknown_job_in(text: str) -> Optional[str]:
    """A job named in the text that is none of ours ("tandskoterska"), else None."""
    known = {normalize(name) for p in content().professions.professions for name in [p.name, *p.aliases]}
    for word in normalize(text).split():
        if word.endswith(_JOB_ENDINGS) and word not in known and not any(word in k.split() for k in known):
            return word
    return None


def choose_profession(dispatcher: CollectingDispatcher, intent: str, text: str = "") -> List[Dict[Text, Any]]:
    """Ask which job; remember the question so a typed job name answers it.
    A job the bot knows nothing about is said so, with a counsellor offered."""
    other = unknown_job_in(text)
    buttons = [button(p.name.capitalize(), intent, profession=p.id) for p in content().professions.professions]
    if other:
        dispatcher.utter_message(text=phrase("unknown_job", job=other),
                                 buttons=[button(phrase("button_ask_counsellor"), "human_handoff"), *buttons])
        return [SlotSet(PENDING, intent)]
    dispatcher.utter_message(text=phrase("choose_profession"), buttons=buttons)
    return [SlotSet(PENDING, intent)]


def answered(profession: Profession, subject: str = "about") -> List[Dict[Text, Any]]:
    """The job and the side of it the conversation is now about."""
    return [SlotSet("profession", profession.id), SlotSet(PENDING, None), SlotSet(SUBJECT, subject)]


def follow_up_buttons(profession: Profession, skip: str) -> List[Dict[str, str]]:
    options = [
        ("ask_profession", phrase("button_about_job")),
        ("ask_salary", phrase("button_pay")),
        ("ask_working_hours", phrase("button_hours")),
        ("ask_requirements", phrase("button_become", name=profession.name)),
    ]
    found = [button(title, intent, profession=profession.id) for intent, title in options if intent != skip]
    found.append(button(phrase("button_can_i_start"), "check_eligibility"))
    return found


def notice_text(notice: Notice) -> str:
    """A rule told with the job: a proposal says so, and every notice names its source."""
    return lines(
        notice.text,
        phrase("notice_proposed") if notice.status == "proposed" else None,
        source_line(notice.sources),
    )


def language_demand(profession: Profession) -> str:
    """The job's need for Swedish, and the rules about it the municipality shows."""
    return lines(profession.language, *(notice_text(n) for n in profession.notices if n.show))


def explain_profession(dispatcher: CollectingDispatcher, profession: Profession) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(
        text=lines(profession.summary, phrase("profession_tasks", name=profession.name), bullets(profession.tasks))
    )
    dispatcher.utter_message(
        text=lines(
            phrase("profession_workplaces", places=", ".join(profession.workplaces)),
            profession.physical,
            language_demand(profession),
            phrase("profession_more"),
        ),
        buttons=follow_up_buttons(profession, skip="ask_profession"),
    )
    send_parts(dispatcher, source_links(s for n in profession.notices if n.show for s in n.sources))
    return answered(profession)


def tell_salary(dispatcher: CollectingDispatcher, profession: Profession) -> List[Dict[Text, Any]]:
    pay = profession.pay
    local = (
        phrase("pay_local", amount=format_amount(pay.local.amount), date=format_date(pay.local.since))
        if pay.local
        else None
    )
    dispatcher.utter_message(
        text=lines(pay.text, source_line([pay.source]), local),
        buttons=follow_up_buttons(profession, skip="ask_salary"),
    )
    send_parts(dispatcher, source_links([pay.source]))
    return answered(profession, "pay")


def tell_working_hours(dispatcher: CollectingDispatcher, profession: Profession) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(
        text=lines(phrase("hours_title", name=profession.name), profession.hours),
        buttons=follow_up_buttons(profession, skip="ask_working_hours"),
    )
    return answered(profession, "hours")


def tell_physical(dispatcher: CollectingDispatcher, profession: Profession) -> List[Dict[Text, Any]]:
    """How heavy the job is; pain or a pregnancy is for a counsellor, not the bot."""
    dispatcher.utter_message(
        text=lines(phrase("physical_title", name=profession.name), profession.physical, phrase("physical_ask_counsellor")),
        buttons=[button(phrase("button_ask_counsellor"), "human_handoff"),
                 *follow_up_buttons(profession, skip="ask_physical")],
    )
    return answered(profession, "physical")


class ActionExplainProfession(Action):
    def name(self) -> Text:
        return "action_explain_profession"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # "vad gör man då?" is about the job just talked about; a bare "vad gör man?" asks which.
        profession = find_profession(tracker, use_slot=refers_back(latest_text(tracker)))
        if profession is None:
            return choose_profession(dispatcher, "ask_profession", latest_text(tracker))
        return explain_profession(dispatcher, profession)


class ActionTellSalary(Action):
    def name(self) -> Text:
        return "action_tell_salary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        profession = find_profession(tracker)
        if profession is None:
            return choose_profession(dispatcher, "ask_salary", latest_text(tracker))
        return tell_salary(dispatcher, profession)


class ActionTellWorkingHours(Action):
    def name(self) -> Text:
        return "action_tell_working_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        profession = find_profession(tracker)
        if profession is None:
            return choose_profession(dispatcher, "ask_working_hours", latest_text(tracker))
        return tell_working_hours(dispatcher, profession)


class ActionTellPhysical(Action):
    def name(self) -> Text:
        return "action_tell_physical"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        profession = find_profession(tracker)
        if profession is None:
            return choose_profession(dispatcher, "ask_physical", latest_text(tracker))
        return tell_physical(dispatcher, profession)
