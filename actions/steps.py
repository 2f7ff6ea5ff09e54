"""KIVO's nine steps from jobseeker to permanent job, and the person's own next step."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.base import button, content, find_profession, latest_text, lines, phrase, refers_back
from actions.text_match import normalize
from actions.eligibility import SLOTS, offer_walk_through, person_from, send_next_steps
from actions.faq import answer_follow_up
from actions.tracks import explain_how_to_become
from core.content.model import Step


_STEP_NUMBER = re.compile(r"\b(\d)\b")
# "mitt nästa steg", "vad ska jag göra": about the person, not the path in general.
_ONESELF = {"mitt", "min", "mina", "jag", "mig", "ja"}


# "vad är första steget?", "hur börjar jag?": where to start, which depends on the job and the person.
_FIRST = {"forsta", "borja", "borjar", "starta", "startar"}


def asks_about_oneself(text: str) -> bool:
    return bool(_ONESELF & set(normalize(text).split()))


def asks_where_to_start(text: str) -> bool:
    return bool(_FIRST & set(normalize(text).split()))


def asked_step(text: str, count: int) -> Optional[Step]:
    """ "steg 5?" asks about one step."""
    match = _STEP_NUMBER.search(text)
    if match and 1 <= int(match.group(1)) <= count:
        return content().steps.steps[int(match.group(1)) - 1]
    return None


class ActionExplainSteps(Action):
    def name(self) -> Text:
        return "action_explain_steps"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        steps = content().steps
        step = asked_step(latest_text(tracker), len(steps.steps))
        if step:
            dispatcher.utter_message(
                text=lines(phrase("step_detail", number=step.number, title=step.title), step.text),
                buttons=[button(phrase("button_steps"), "ask_steps"), button(phrase("button_menu"), "help")],
            )
            return []
        # "hur blir jag skötare": what that job needs, not the whole path;
        # "hur blir man det?": the job the conversation is about.
        text = latest_text(tracker)
        # "hur gör jag?" right after a question with a case for it (a licence from abroad).
        if not find_profession(tracker, use_slot=False) and answer_follow_up(dispatcher, tracker):
            return []
        # "vad är första steget?" after "jag vill bli vårdbiträde": how to become one.
        profession = find_profession(tracker, use_slot=refers_back(text) or asks_where_to_start(text))
        if profession:
            return explain_how_to_become(dispatcher, profession)
        answered = any(tracker.get_slot(slot) for slot in SLOTS)
        oneself = asks_about_oneself(text) or asks_where_to_start(text)
        if not answered and oneself and not (tracker.active_loop or {}).get("name"):
            # "vad är mitt nästa steg": the four questions, not the list of nine.
            dispatcher.utter_message(text=phrase("walk_through_start"))
            return [FollowupAction("eligibility_form")]
        overview = "\n".join(f"{step.number}. {step.title}" for step in steps.steps)
        dispatcher.utter_message(text=lines(steps.intro, phrase("steps_list_title"), overview))
        if answered:
            send_next_steps(
                dispatcher,
                person_from(tracker),
                buttons=[button(phrase("button_book"), "book_appointment"), button(phrase("button_menu"), "help")],
            )
        else:
            offer_walk_through(dispatcher)
        return []
