"""Schema of the files in content/. See docs/content.md."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from typing import Dict, List, Optional

from pydantic import BaseModel, Extra, Field, HttpUrl, validator


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True
        min_anystr_length = 1


class Contact(Strict):
    name: str
    role: Optional[str] = None
    phone: str
    email: str


class Guidance(Strict):
    text: str
    phone: str
    email: str
    visit_address: str


class Municipality(Strict):
    name: str
    phone: str
    email: str
    website: HttpUrl
    opening_hours: str
    guidance: Guidance


class Level(Strict):
    id: str
    label: str
    aliases: List[str] = []
    reach: Optional[str] = None


class AgeGroup(Strict):
    label: str
    value: int = Field(ge=0, le=120)


# The walk-through's answers that are chosen from a level scale, each with the
# scale (a field of Levels) its values come from. Everything that stores,
# checks or shows an answer (actions, API, dashboard) looks the scale up here.
ANSWER_SCALES: Dict[str, str] = {
    "sfi_level": "language_levels",
    "education": "education_levels",
    "experience": "experience_levels",
}


class Levels(Strict):
    language_levels: List[Level] = Field(min_items=2)
    education_levels: List[Level] = Field(min_items=2)
    experience_levels: List[Level] = Field(min_items=2)
    age_groups: List[AgeGroup] = Field(min_items=2)
    # Words that mean "I am studying it now" ("jag läser sfi c"): the level below counts.
    in_progress_words: List[str] = []

    def scale(self, answer_key: str) -> List[Level]:
        """The levels an answer ('sfi_level', 'education', 'experience') is chosen from."""
        return getattr(self, ANSWER_SCALES[answer_key])

    @validator("language_levels", "education_levels", "experience_levels")
    def unique_ids(cls, levels: List[Level]) -> List[Level]:
        _check_unique([level.id for level in levels])
        return levels


class Pay(Strict):
    min: int = Field(gt=0)
    max: Optional[int] = Field(default=None, gt=0)  # None: no known upper end
    text: str
    source: HttpUrl
    date: date

    @validator("max")
    def max_not_below_min(cls, value: Optional[int], values: dict) -> Optional[int]:
        if value is not None and "min" in values and value < values["min"]:
            raise ValueError("max is lower than min")
        return value


class Profession(Strict):
    id: str
    name: str
    aliases: List[str] = []
    summary: str
    tasks: List[str] = Field(min_items=1)
    workplaces: List[str] = Field(min_items=1)
    hours: str
    pay: Pay
    physical: str
    language: str
    how_to: List[str] = Field(min_items=1)
    protected_title: Optional[str] = None
    sources: List[HttpUrl] = Field(min_items=1)


class Professions(Strict):
    professions: List[Profession] = Field(min_items=1)

    @validator("professions")
    def unique_ids(cls, items: List[Profession]) -> List[Profession]:
        _check_unique([p.id for p in items])
        return items


class SkipCondition(Strict):
    experience: Optional[str] = None
    education: Optional[str] = None
    language: Optional[str] = None


class Step(Strict):
    number: int = Field(ge=1)
    title: str
    text: str
    skip_if: List[SkipCondition] = []


class Steps(Strict):
    intro: str
    steps: List[Step] = Field(min_items=1)

    @validator("steps")
    def numbered_in_order(cls, steps: List[Step]) -> List[Step]:
        numbers = [s.number for s in steps]
        if numbers != list(range(1, len(steps) + 1)):
            raise ValueError(f"steps must be numbered 1..{len(steps)} in order, got {numbers}")
        return steps


class Prerequisites(Strict):
    min_language: Optional[str] = None
    min_age: Optional[int] = Field(default=None, ge=0, le=120)
    min_education: Optional[str] = None
    other: List[str] = []


class Track(Strict):
    id: str
    name: str
    aliases: List[str] = []
    profession: str
    summary: str
    length_weeks: int = Field(gt=0)
    places: int = Field(gt=0)
    start_dates: List[date] = Field(min_items=1)
    prerequisites: Prerequisites
    priority: List[str] = []
    content: List[str] = Field(min_items=1)
    contact: Contact


class Tracks(Strict):
    tracks: List[Track] = Field(min_items=1)

    @validator("tracks")
    def unique_ids(cls, items: List[Track]) -> List[Track]:
        _check_unique([t.id for t in items])
        return items


class Topic(Strict):
    id: str
    name: str
    text: str
    sources: List[HttpUrl] = []


class Sfi(Strict):
    text: str
    paths: List[str] = []
    sources: List[HttpUrl] = []


class Education(Strict):
    routes: List[Topic] = Field(min_items=1)
    sfi: Sfi
    study_support: List[Topic] = Field(min_items=1)


class Word(Strict):
    term: str
    aliases: List[str] = []
    text: str


class Glossary(Strict):
    words: List[Word] = Field(min_items=1)


class MenuItem(Strict):
    intent: str
    label: str


class Menu(Strict):
    text: str
    items: List[MenuItem] = Field(min_items=1)


class Phrases(Strict):
    """The bot's own sentences, with {placeholders} filled in by the actions."""

    phrases: Dict[str, str]


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class Place(Strict):
    id: str
    name: str
    address: str


class MeetingType(Strict):
    id: str
    label: str
    text: str


class Counsellor(Strict):
    id: str
    name: str
    email: str
    place: str
    meeting_types: List[str] = Field(min_items=1)
    meeting_minutes: int = Field(ge=10, le=240)
    hours: Dict[str, List[str]]

    @validator("hours")
    def valid_hours(cls, hours: Dict[str, List[str]]) -> Dict[str, List[str]]:
        for day, spans in hours.items():
            if day not in WEEKDAYS:
                raise ValueError(f"'{day}' is not a weekday (use {', '.join(WEEKDAYS)})")
            for span in spans:
                match = _HOURS.match(span)
                if not match or match.group(1, 2) >= match.group(3, 4):
                    raise ValueError(f"'{span}' is not a time span like 09:00-12:00")
        return hours


class Booking(Strict):
    timezone: str
    days_ahead: int = Field(ge=1, le=365)
    min_notice_hours: int = Field(ge=0, le=168)
    closed_eves: bool = True
    places: List[Place] = Field(min_items=1)
    meeting_types: List[MeetingType] = Field(min_items=1)
    interpreter: str
    what_to_bring: List[str] = []
    counsellors: List[Counsellor] = Field(min_items=1)

    @validator("timezone")
    def known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone '{value}'") from error
        return value


class Retention(Strict):
    bookings_after_meeting: int = Field(ge=1, le=3650)
    interests: int = Field(ge=1, le=3650)
    conversations: int = Field(ge=1, le=3650)
    # A question handed to a counsellor, counted from when it was asked.
    tickets: int = Field(default=90, ge=1, le=3650)


class Privacy(Strict):
    retention_days: Retention
    booking_notice: List[str] = Field(min_items=1)
    interest_notice: List[str] = Field(min_items=1)
    # Told before a question is handed to a counsellor; {days} is retention_days.tickets.
    handoff_notice: List[str] = Field(min_items=1)


# What a follow-up link can open in the chat; the code knows each of these.
FOLLOWUP_TOPICS = ("prerequisites", "start_dates", "study_support", "steps", "salary", "interest")


class FollowupTopic(Strict):
    id: str
    label: str  # for counsellors, in the dashboard

    @validator("id")
    def known_topic(cls, value: str) -> str:
        if value not in FOLLOWUP_TOPICS:
            raise ValueError(f"unknown topic '{value}' (known: {', '.join(FOLLOWUP_TOPICS)})")
        return value


class Followup(Strict):
    """Follow-up links from a counsellor to the chat (content/followup.yml)."""

    expires_days: int = Field(default=60, ge=1, le=365)
    topics: List[FollowupTopic] = Field(min_items=1)

    @validator("topics")
    def unique_ids(cls, topics: List[FollowupTopic]) -> List[FollowupTopic]:
        _check_unique([t.id for t in topics])
        return topics


class Web(Strict):
    """Settings of the web chat page and widget (content/web.yml)."""

    # A classroom tablet starts over after this long without use.
    tablet_idle_seconds: int = Field(ge=10, le=3600)
    # Speed of "Läs upp" for "Normal"; 1 is the voice's own speed.
    read_aloud_rate: float = Field(ge=0.5, le=2.0)
    # How often an open chat asks whether a counsellor has answered its question.
    answer_poll_seconds: int = Field(default=20, ge=5, le=600)
    # Icon before a button's text: by intent ("book_appointment") or whole payload.
    icons: Dict[str, str] = {}

    @validator("icons")
    def short_icons(cls, icons: Dict[str, str]) -> Dict[str, str]:
        for key, icon in icons.items():
            if len(icon) > 8:
                raise ValueError(f"icon for '{key}' is too long: use one emoji")
        return icons


class Content(BaseModel):
    """All content files, cross-checked."""

    municipality: Municipality
    levels: Levels
    professions: Professions
    steps: Steps
    tracks: Tracks
    education: Education
    glossary: Glossary
    menu: Menu
    phrases: Phrases
    booking: Booking
    privacy: Privacy
    web: Web
    followup: Followup


def _check_unique(ids: List[str]) -> None:
    seen = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"id '{item}' is used twice")
        seen.add(item)
