"""What the conversation is about, for short follow-ups.

The job (`profession`), the track (`track`) and the side of them last told
(`subject`: about, pay, hours, physical, become, track, starts, length) are
slots. "när börjar nästa?", "hur länge då?" and "är det tungt?" are answered
for them; "och vårdbiträde då?" asks the last question again for another job.
A new session starts without them (ActionSessionStart).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import button, content, find_profession, find_track, latest_entity, phrase, topic_track, tracks_for
from actions.faq import answer_follow_up
from actions.profession import (
    PENDING,
    SUBJECT,
    choose_profession,
    explain_profession,
    tell_physical,
    tell_salary,
    tell_working_hours,
)
from actions.tracks import (
    explain_how_to_become,
    explain_track,
    tell_starts,
    tell_track_length,
    tell_training_length,
)
from core.content.model import Profession, Track

Events = List[Dict[Text, Any]]

# Slots about what was talked of; they do not outlive a session.
TOPIC_SLOTS = ("profession", "track", SUBJECT, PENDING, "topic", "word", "requested_slot")


def the_track(tracker: Tracker) -> Optional[Track]:
    """A track named now, else the one the conversation is about, else the
    only track of the job named now or talked about."""
    track = find_track(tracker, use_slot=False) or topic_track(tracker)
    if track:
        return track
    profession = find_profession(tracker)
    tracks = tracks_for(profession) if profession else []
    return tracks[0] if len(tracks) == 1 else None


def ask_which_track(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> Events:
    """No track to answer for: the job's tracks, or all of them."""
    profession = find_profession(tracker)
    tracks = tracks_for(profession) if profession else content().tracks.tracks
    if profession and not tracks:
        dispatcher.utter_message(
            text=phrase("no_track_for_job", name=profession.name),
            buttons=[button(t.name, intent, track=t.id) for t in content().tracks.tracks],
        )
        return []
    dispatcher.utter_message(text=phrase("choose_track"), buttons=[button(t.name, intent, track=t.id) for t in tracks])
    return []


class ActionTellStartDates(Action):
    def name(self) -> Text:
        return "action_tell_start_dates"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        track = the_track(tracker)
        if track is None:
            return ask_which_track(dispatcher, tracker, "ask_start_dates")
        return tell_starts(dispatcher, track)


class ActionTellLength(Action):
    """A track's weeks; for a job without a track in the talk, its education."""

    def name(self) -> Text:
        return "action_tell_length"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        named_track = find_track(tracker, use_slot=False)
        if latest_entity(tracker, "sfi_level") and not named_track:
            # "hur länge tar det att klara SFI C?": nobody can say; no job's training length.
            dispatcher.utter_message(text=phrase("sfi_length_unknown"),
                                     buttons=[button(phrase("button_ask_counsellor"), "human_handoff"),
                                              button(phrase("button_menu"), "help")])
            return []
        # "hur lång tid tar det?" right after a question with a case for it (a licence from abroad).
        if not named_track and not find_profession(tracker, use_slot=False) and answer_follow_up(dispatcher, tracker):
            return []
        track = named_track or topic_track(tracker)
        if track:
            return tell_track_length(dispatcher, track)
        profession = find_profession(tracker)
        if profession:
            return tell_training_length(dispatcher, profession)
        return choose_profession(dispatcher, "ask_length")


# "och vårdbiträde då?": the last question, for the job now named.
FOR_JOB: Dict[str, Callable[[CollectingDispatcher, Profession], Events]] = {
    "about": explain_profession,
    "pay": tell_salary,
    "hours": tell_working_hours,
    "physical": tell_physical,
    "become": explain_how_to_become,
    "length": tell_training_length,
}
# The subject each question is about ("Vilket jobb?" remembers the question's intent).
SUBJECT_OF: Dict[str, str] = {
    "ask_profession": "about",
    "ask_salary": "pay",
    "ask_working_hours": "hours",
    "ask_physical": "physical",
    "ask_requirements": "become",
    "ask_length": "length",
}
FOR_TRACK: Dict[str, Callable[[CollectingDispatcher, Track], Events]] = {
    "track": explain_track,
    "starts": tell_starts,
    "length": tell_track_length,
}


class ActionAnswerSameForOther(Action):
    def name(self) -> Text:
        return "action_answer_same_for_other"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        subject = tracker.get_slot(SUBJECT) or "about"
        track = find_track(tracker, use_slot=False)
        if track:
            return FOR_TRACK.get(subject, explain_track)(dispatcher, track)
        profession = find_profession(tracker, use_slot=False)
        if profession is None:
            return choose_profession(dispatcher, "ask_profession")
        if subject in FOR_TRACK and subject not in FOR_JOB:
            # "när börjar det?" was asked of a track; now a job: its track, if it has one.
            tracks = tracks_for(profession)
            if len(tracks) == 1:
                return FOR_TRACK[subject](dispatcher, tracks[0])
            return explain_how_to_become(dispatcher, profession)
        return FOR_JOB.get(subject, explain_profession)(dispatcher, profession)


class ActionSessionStart(Action):
    """A new session keeps the person's own answers (the walk-through, a
    name) but not what the last one was about."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        kept = [
            SlotSet(name, value) for name, value in tracker.current_slot_values().items()
            if value is not None and name not in TOPIC_SLOTS and name != "session_started_metadata"
        ]
        return [SessionStarted(), *kept, ActionExecuted("action_listen")]
