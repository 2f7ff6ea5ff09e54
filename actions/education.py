"""Education routes (Komvux, kombinationsutbildning, SFI ...) and money while studying."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import bullets, button, content, find_track, latest_entity, latest_text, lines, phrase, source_line
from actions.parts import send_parts, source_links
from actions.text_match import best_match
from actions.tracks import explain_track
from core.content.model import Topic
from core.text import mentions

SFI_TOPIC = "sfi"


def _chosen(tracker: Tracker, topics: Sequence[Topic], extra_ids: Sequence[str] = ()) -> Optional[str]:
    value = latest_entity(tracker, "topic")
    ids = [t.id for t in topics] + list(extra_ids)
    if value in ids:
        return value
    names = [(t.id, [t.id, t.name]) for t in topics] + [(i, [i]) for i in extra_ids]
    text = latest_text(tracker)
    # "måste jag betala tillbaka?" points to CSN by the topic's words.
    return best_match(text, names) or next((t.id for t in topics if t.words and mentions(text, t.words)), None)


def shown(topics: Sequence[Topic]) -> List[Topic]:
    """The topics the municipality shows (a proposed rule can be switched off)."""
    return [t for t in topics if t.show]


def _topic_buttons(intent: str, topics: Sequence[Topic], extra: Sequence[tuple] = ()) -> List[Dict[str, str]]:
    found = [button(t.name, intent, topic=t.id) for t in topics]
    found += [button(title, intent, topic=topic_id) for topic_id, title in extra]
    return found


class ActionExplainEducation(Action):
    def name(self) -> Text:
        return "action_explain_education"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # "undersköterska som kombinationsutbildning" names a track, not the route.
        named = latest_entity(tracker, "track")
        track = find_track(tracker, use_slot=False) if named else None
        if track:
            return explain_track(dispatcher, track)
        education = content().education
        routes = shown(education.routes)
        chosen = _chosen(tracker, routes, extra_ids=[SFI_TOPIC])
        if chosen == SFI_TOPIC:
            dispatcher.utter_message(
                text=lines(education.sfi.text, bullets(education.sfi.paths), source_line(education.sfi.sources)),
                buttons=[button(phrase("button_steps"), "ask_steps"), button(phrase("button_menu"), "help")],
            )
            send_parts(dispatcher, source_links(education.sfi.sources))
        elif chosen:
            route = next(r for r in routes if r.id == chosen)
            others = [r for r in routes if r.id != chosen]
            dispatcher.utter_message(
                text=lines(route.name, route.text, source_line(route.sources)),
                buttons=_topic_buttons("ask_education", others)[:3] + [button(phrase("button_menu"), "help")],
            )
            send_parts(dispatcher, source_links(route.sources))
        else:
            dispatcher.utter_message(
                text=phrase("education_intro"),
                buttons=_topic_buttons("ask_education", routes, extra=[(SFI_TOPIC, "SFI")]),
            )
        return []


class ActionExplainStudySupport(Action):
    def name(self) -> Text:
        return "action_explain_study_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        support = shown(content().education.study_support)
        chosen = _chosen(tracker, support)
        if chosen:
            topic = next(t for t in support if t.id == chosen)
            others = [t for t in support if t.id != chosen]
            dispatcher.utter_message(
                text=lines(topic.name, topic.text, source_line(topic.sources)),
                buttons=_topic_buttons("ask_study_support", others) + [button(phrase("button_menu"), "help")],
            )
            send_parts(dispatcher, source_links(topic.sources))
        else:
            dispatcher.utter_message(
                text=phrase("study_support_intro"), buttons=_topic_buttons("ask_study_support", support)
            )
        return []
