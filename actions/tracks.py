"""What a job, or a local job track (jobbspår), demands."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    bullets,
    button,
    content,
    find_profession,
    find_track,
    level_label,
    lines,
    phrase,
    today,
    topic_track,
    tracks_for,
)
from actions.profession import PENDING, SUBJECT, answered, follow_up_buttons
from core.content.model import Profession, Track
from core.dates import format_date


def join_or(items: List[str]) -> str:
    """ "a, b eller c" """
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {phrase('word_or')} {items[-1]}"


def requirement_lines(track: Track) -> List[str]:
    pre = track.prerequisites
    found = []
    if pre.min_language:
        found.append(phrase("requirement_language", level=level_label("language_levels", pre.min_language)))
    if pre.min_age:
        found.append(phrase("requirement_age", age=pre.min_age))
    if pre.min_education:
        found.append(phrase("requirement_education", level=level_label("education_levels", pre.min_education)))
    return found + list(pre.other)


def starts_text(track: Track) -> str:
    """The next start one can apply for and the last day to apply; never a past date."""
    starts = track.open_starts(today())
    if not starts:
        return phrase("track_no_open_start", name=track.contact.name, phone=track.contact.phone)
    first, later = starts[0], starts[1:]
    return lines(
        phrase("track_next_start", date=format_date(first.date), apply_by=format_date(first.apply_by)),
        phrase("track_later_starts", dates=join_or([format_date(s.date) for s in later])) if later else None,
    )


def track_buttons() -> List[Dict[str, str]]:
    return [button(t.name, "ask_requirements", track=t.id) for t in content().tracks.tracks]


def explain_track(dispatcher: CollectingDispatcher, track: Track) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(
        text=lines(track.summary, phrase("track_requirements", track=track.name), bullets(requirement_lines(track)))
    )
    if track.priority:
        dispatcher.utter_message(text=lines(phrase("track_priority"), bullets(track.priority)))
    dispatcher.utter_message(
        text=lines(
            phrase("track_facts", weeks=track.length_weeks, places=track.places),
            starts_text(track),
            phrase("track_content"),
            bullets(track.content),
            phrase("track_contact", name=track.contact.name, phone=track.contact.phone, email=track.contact.email),
        ),
        buttons=[
            button(phrase("button_can_i_start"), "check_eligibility"),
            button(phrase("button_interest"), "register_interest", track=track.id),
            button(phrase("button_menu"), "help"),
        ],
    )
    return about_track(track, "track")


def about_track(track: Track, subject: str) -> List[Dict[Text, Any]]:
    """The track (and its job) the conversation is now about."""
    return [SlotSet("track", track.id), SlotSet("profession", track.profession), SlotSet(SUBJECT, subject),
            SlotSet(PENDING, None)]


def track_buttons_for(track: Track, skip: str) -> List[Dict[str, str]]:
    options = [
        ("ask_requirements", phrase("button_requirements")),
        ("ask_start_dates", phrase("button_starts")),
        ("ask_length", phrase("button_length")),
    ]
    found = [button(title, intent, track=track.id) for intent, title in options if intent != skip]
    return found + [button(phrase("button_interest"), "register_interest", track=track.id), button(phrase("button_menu"), "help")]


def tell_starts(dispatcher: CollectingDispatcher, track: Track) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(
        text=lines(phrase("starts_title", track=track.name), starts_text(track)),
        buttons=track_buttons_for(track, skip="ask_start_dates"),
    )
    return about_track(track, "starts")


def tell_track_length(dispatcher: CollectingDispatcher, track: Track) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(
        text=phrase("track_length", track=track.name, weeks=track.length_weeks),
        buttons=track_buttons_for(track, skip="ask_length"),
    )
    return about_track(track, "length")


def tell_training_length(dispatcher: CollectingDispatcher, profession: Profession) -> List[Dict[Text, Any]]:
    """How long the education to a job takes; without a figure in the content, the way there."""
    text = profession.training_length or lines(phrase("how_to_become", name=profession.name), bullets(profession.how_to))
    dispatcher.utter_message(text=text, buttons=follow_up_buttons(profession, skip="ask_length"))
    return answered(profession, "length")


def explain_how_to_become(dispatcher: CollectingDispatcher, profession: Profession) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(
        text=lines(
            phrase("how_to_become", name=profession.name),
            bullets(profession.how_to),
            profession.protected_title,
        )
    )
    tracks = tracks_for(profession)
    if tracks:
        dispatcher.utter_message(
            text=phrase("tracks_for_profession", name=profession.name),
            buttons=[button(t.name, "ask_requirements", track=t.id) for t in tracks],
        )
    else:
        dispatcher.utter_message(
            text=phrase("profession_more"), buttons=follow_up_buttons(profession, skip="ask_requirements")
        )
    return answered(profession, "become")


class ActionTrackRequirements(Action):
    def name(self) -> Text:
        return "action_track_requirements"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        track = find_track(tracker, use_slot=False)
        if track:
            return explain_track(dispatcher, track)
        profession = find_profession(tracker, use_slot=False)
        if profession:
            return explain_how_to_become(dispatcher, profession)
        # "vad krävs?", "hur blir man det?": the track or job the conversation is
        # about (also the track of a counsellor's follow-up link).
        track = topic_track(tracker)
        if track:
            return explain_track(dispatcher, track)
        profession = find_profession(tracker)
        tracks = tracks_for(profession) if profession else []
        if len(tracks) == 1 and (tracker.active_loop or {}).get("name") == "interest_form":
            # Signing up for a track: what that track demands, not the job in general.
            return explain_track(dispatcher, tracks[0])
        if profession:
            return explain_how_to_become(dispatcher, profession)
        dispatcher.utter_message(text=phrase("choose_track"), buttons=track_buttons())
        return []
