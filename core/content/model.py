"""Schema of the files in content/. See docs/content.md."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Extra, Field, HttpUrl, root_validator, validator

from core.colours import HEX_COLOUR, INK, TEXT_CONTRAST, UI_CONTRAST, WHITE, require_contrast


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


def _hex_colour(cls, value: str) -> str:
    if not HEX_COLOUR.fullmatch(value):
        raise ValueError("write a colour as # and six hex digits, for example #0b5394")
    return value.lower()


class Colours(Strict):
    """The municipality's colours in the counsellors' dashboard. Checked for
    WCAG 2.1 AA contrast, so no choice of colours makes a page unreadable."""

    # Header and buttons; also the colour of links and headings on white.
    brand: str = "#0b5394"
    # Text on the brand colour (the header, buttons).
    on_brand: str = "#ffffff"
    # The ring around what the keyboard is on.
    focus: str = "#b34700"

    _hex = validator("brand", "on_brand", "focus", allow_reuse=True)(_hex_colour)

    @validator("on_brand")
    def _readable_on_brand(cls, value: str, values: dict) -> str:
        brand = values.get("brand")
        if brand:
            require_contrast(value, brand, TEXT_CONTRAST, f"text in {value} on {brand} is too hard to read")
        return value

    @validator("focus")
    def _visible_focus(cls, value: str) -> str:
        require_contrast(value, WHITE, UI_CONTRAST, f"the focus ring {value} is too light on white")
        return value

    @validator("brand")
    def _readable_on_white(cls, value: str) -> str:
        require_contrast(value, WHITE, TEXT_CONTRAST, f"links and headings in {value} on white are too hard to read")
        return value


class ChatColours(Colours):
    """The web chat's colours (content/web.yml): the dashboard's three and two
    more, each pair the chat shows together checked for WCAG 2.1 AA.

    Where each is used (bot/static/chat.css): brand is the person's bubbles,
    the send button and the edges of buttons; on_brand the text on those;
    brand_dark the text of buttons, glossary words and the service's name on
    white and in the bot's bubbles; bot_bubble the bot's bubbles (ink text)."""

    brand_dark: str = "#073763"
    bot_bubble: str = "#e8eef4"

    _more_hex = validator("brand_dark", "bot_bubble", allow_reuse=True)(_hex_colour)

    @validator("brand_dark")
    def _dark_readable(cls, value: str, values: dict) -> str:
        require_contrast(value, WHITE, TEXT_CONTRAST, f"button text in {value} on white is too hard to read")
        on_brand = values.get("on_brand")
        if on_brand:
            require_contrast(on_brand, value, TEXT_CONTRAST,
                             f"text in {on_brand} on {value} (a pressed button) is too hard to read")
        return value

    @validator("bot_bubble")
    def _bubble_readable(cls, value: str, values: dict) -> str:
        require_contrast(INK, value, TEXT_CONTRAST, f"text in {INK} on the bubble {value} is too hard to read")
        if values.get("brand_dark"):
            require_contrast(values["brand_dark"], value, TEXT_CONTRAST,
                             f"words in {values['brand_dark']} on the bubble {value} are too hard to read")
        if values.get("focus"):
            require_contrast(values["focus"], value, UI_CONTRAST,
                             f"the focus ring {values['focus']} is too light on the bubble {value}")
        return value


class Municipality(Strict):
    name: str
    # A fact whose source was checked longer ago than this is reported by the
    # content check (python -m core.content).
    review_months: int = Field(default=12, ge=1, le=60)
    phone: str
    email: str
    website: HttpUrl
    opening_hours: str
    guidance: Guidance
    colours: Colours = Colours()


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


class Source(Strict):
    """Where a fact comes from and when someone last read it there.

    The bot names it as "Källa: Skolverket, 2025" (name and year), never as a
    bare URL; the URL is for the people who check the content.
    """

    name: str  # the organisation: "Skolverket", "Socialstyrelsen"
    url: HttpUrl
    year: int = Field(ge=1990, le=2100)  # the year of the page or the rule
    checked: date  # when the fact was last read at the source

    def citation(self) -> str:
        return f"{self.name}, {self.year}"


# How sure a fact is. A "proposed" rule is not decided: the content says so,
# and the municipality chooses with `show` whether the bot mentions it.
FACT_STATUSES = ("in_force", "decided", "proposed")


class LocalPay(Strict):
    """The municipality's own lowest monthly pay for a job, from a date."""

    amount: int = Field(gt=0)  # kronor a month, before tax
    since: date


class Pay(Strict):
    # None: no checked national figure, the text tells whom to ask instead.
    min: Optional[int] = Field(default=None, gt=0)
    max: Optional[int] = Field(default=None, gt=0)  # None: no known upper end
    text: str
    source: Source
    local: Optional[LocalPay] = None  # the bot adds it after the text

    @validator("max")
    def max_not_below_min(cls, value: Optional[int], values: dict) -> Optional[int]:
        if value is None:
            return value
        if values.get("min") is None:
            raise ValueError("max without min: give both figures or neither")
        if value < values["min"]:
            raise ValueError("max is lower than min")
        return value


class Notice(Strict):
    """A rule about a job that the bot tells with the job, e.g. a new
    language rule. A proposed rule is said to be a proposal; the
    municipality can switch a notice off with `show: false`."""

    text: str
    status: str = "in_force"
    show: bool = True
    sources: List[Source] = Field(min_items=1)

    @validator("status")
    def known_status(cls, value: str) -> str:
        if value not in FACT_STATUSES:
            raise ValueError(f"unknown status '{value}' (known: {', '.join(FACT_STATUSES)})")
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
    # How long the education to the job takes ("hur lång är utbildningen?").
    training_length: Optional[str] = None
    notices: List[Notice] = []  # told with the language demand
    sources: List[Source] = Field(min_items=1)


class Professions(Strict):
    professions: List[Profession] = Field(min_items=1)

    @validator("professions")
    def unique_ids(cls, items: List[Profession]) -> List[Profession]:
        _check_unique([p.id for p in items])
        return items


class Condition(Strict):
    """Answers the person must have given, ALL of them: each level "or higher"
    on its scale in levels.yml, ages inclusive."""

    experience: Optional[str] = None
    education: Optional[str] = None
    language: Optional[str] = None
    language_below: Optional[str] = None  # Swedish lower than this level
    education_below: Optional[str] = None  # education lower than this level
    min_age: Optional[int] = Field(default=None, ge=0, le=120)
    max_age: Optional[int] = Field(default=None, ge=0, le=120)


# What kind of step it is decides what may skip it (core/path.py):
# orientation: any answer; language: only a condition on Swedish;
# education and work: nothing. Education and work also wait for Swedish.
STEP_KINDS = ("orientation", "language", "education", "work")
NEEDS_SWEDISH = ("education", "work")


class Shortening(Strict):
    """A note that a step can be shorter for someone, e.g. through validering."""

    when: Condition
    text: str


class Step(Strict):
    number: int = Field(ge=1)
    title: str
    kind: str
    text: str
    why: str  # one sentence: why this step matters
    skip_if: List[Condition] = []  # any one of them
    shorter_if: List[Shortening] = []

    @validator("kind")
    def known_kind(cls, value: str) -> str:
        if value not in STEP_KINDS:
            raise ValueError(f"unknown kind '{value}' (known: {', '.join(STEP_KINDS)})")
        return value


class LanguageGate(Strict):
    """Swedish first: no education or work step before the person's Swedish
    reaches the entry level of a track open to their age."""

    # Used when no track is open to the person's age.
    fallback_level: str
    title: str  # {level}: the level to reach
    why: str  # {level}
    why_no_track: str  # when no track is open to the person's age


class RouteItem(Strict):
    title: str
    text: str
    why: str


class Route(Strict):
    """Things to do for some people, e.g. a nurse trained abroad or a 16-year-old."""

    id: str
    when: Condition
    # before_language: can be done at once; after_language: once Swedish is good enough.
    position: str = "before_language"
    items: List[RouteItem] = Field(min_items=1)
    hide_steps: List[int] = []  # steps that are not the way for these people
    sources: List[Source] = Field(min_items=1)

    @validator("position")
    def known_position(cls, value: str) -> str:
        if value not in ("before_language", "after_language"):
            raise ValueError("position must be before_language or after_language")
        return value


class Steps(Strict):
    intro: str
    sources: List[Source] = Field(min_items=1)
    language_gate: LanguageGate
    steps: List[Step] = Field(min_items=1)
    routes: List[Route] = []

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


class Start(Strict):
    date: date
    apply_by: date  # the last day to apply

    @validator("apply_by")
    def before_start(cls, value: date, values: dict) -> date:
        if "date" in values and value > values["date"]:
            raise ValueError("apply_by is after the start date")
        return value


class Track(Strict):
    id: str
    name: str
    aliases: List[str] = []
    profession: str
    summary: str
    length_weeks: int = Field(gt=0)
    places: int = Field(gt=0)
    starts: List[Start] = Field(min_items=1)
    prerequisites: Prerequisites
    priority: List[str] = []
    content: List[str] = Field(min_items=1)
    contact: Contact
    sources: List[Source] = Field(min_items=1)

    @validator("starts")
    def starts_in_order(cls, starts: List[Start]) -> List[Start]:
        if [s.date for s in starts] != sorted(s.date for s in starts):
            raise ValueError("list the starts in date order")
        return starts

    def open_starts(self, today: date) -> List[Start]:
        """Starts one can still apply for: never a past date."""
        return [start for start in self.starts if start.apply_by >= today]


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
    sources: List[Source] = Field(min_items=1)
    status: str = "in_force"
    show: bool = True  # the municipality can hide a topic, e.g. a proposed rule
    # Words that point to this topic in a question ("betala tillbaka" -> CSN).
    words: List[str] = []

    @validator("status")
    def known_status(cls, value: str) -> str:
        if value not in FACT_STATUSES:
            raise ValueError(f"unknown status '{value}' (known: {', '.join(FACT_STATUSES)})")
        return value


class Sfi(Strict):
    text: str
    paths: List[str] = []
    sources: List[Source] = Field(min_items=1)


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
    # Names of the other intents in the statistics ({intent: name}).
    topics: Dict[str, str] = {}

    def topic_name(self, intent: str, questions: "Questions") -> str:
        """What the statistics call an intent: its menu label, its question's title or its name here."""
        for item in self.items:
            if item.intent == intent:
                return item.label
        for question in questions.questions:
            if question.intent == intent:
                return question.title
        return self.topics.get(intent, intent)


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
    # What the chat says with an answer: "Svar från Lina, studie- och yrkesvägledare".
    # Without it: phrases.yml `counsellor_title`.
    title: Optional[str] = None
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
    # Buttons for an interpreter's language; people may also type another one.
    interpreter_languages: List[str] = Field(default=[], max_items=12)
    what_to_bring: List[str] = []
    counsellors: List[Counsellor] = Field(min_items=1)

    @validator("interpreter_languages", each_item=True)
    def language_name(cls, value: str) -> str:
        # Letters, spaces and hyphens only: the name is a button and is stored with the booking.
        if not (1 <= len(value) <= 40) or not all(ch.isalpha() or ch in " -" for ch in value):
            raise ValueError(f"'{value}' is not a language name (letters only, at most 40)")
        return value

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


# Facts from other content files that an answer in questions.yml can add (actions/faq.py).
QUESTION_ADDS = ("guidance", "language_demands", "start_dates")


class QuestionCase(Strict):
    """A narrower answer to a question, for messages with one of its words:
    "räcker inte till hyran" gets försörjningsstöd, not everything about money.
    Either its own answer with sources, or a topic of education.yml's study_support."""

    when: List[str] = Field(min_items=1)  # words or word beginnings, written as people write them
    also: List[str] = []  # if given, the message needs one of these words too ("17" and "jobba")
    answer: Optional[str] = None
    sources: List[Source] = []
    study_support: Optional[str] = None  # the id of a study_support topic (education.yml)

    @root_validator(skip_on_failure=True)
    def one_answer(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if bool(values.get("answer")) == bool(values.get("study_support")):
            raise ValueError("a case has either answer (with sources) or study_support")
        if values.get("answer") and not values.get("sources"):
            raise ValueError("a case with its own answer needs sources")
        return values


class Question(Strict):
    """A question people often ask, with a short answer (content/questions.yml)."""

    id: str
    intent: str  # the intent that asks it: faq_...
    title: str  # a short label for a button
    answer: str
    sources: List[Source] = Field(min_items=1)
    counsellor: bool = False  # offer to send the question to a counsellor after the answer
    adds: Optional[str] = None  # one of QUESTION_ADDS
    next: Optional[str] = None  # an intent of the help menu (menu.yml): a button with its label
    status: str = "in_force"
    show: bool = True  # false: the bot says it has no answer and offers a counsellor
    # Words the question is about. A typed message with none of them is not
    # answered with this text: the bot says it is not sure and offers a person.
    about: List[str] = []
    cases: List[QuestionCase] = []

    @validator("intent")
    def faq_intent(cls, value: str) -> str:
        if not re.match(r"^faq_[a-z_]+$", value):
            raise ValueError(f"'{value}' is not a question intent (faq_ and lower-case letters)")
        return value

    @validator("adds")
    def known_adds(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value not in QUESTION_ADDS:
            raise ValueError(f"unknown adds '{value}' (known: {', '.join(QUESTION_ADDS)})")
        return value

    @validator("status")
    def known_status(cls, value: str) -> str:
        if value not in FACT_STATUSES:
            raise ValueError(f"unknown status '{value}' (known: {', '.join(FACT_STATUSES)})")
        return value


class Questions(Strict):
    questions: List[Question] = Field(min_items=1)

    @validator("questions")
    def unique_ids_and_intents(cls, questions: List[Question]) -> List[Question]:
        _check_unique([q.id for q in questions])
        _check_unique([q.intent for q in questions])
        return questions


# A file directly in content/: letters, digits, '.', '-', '_', ending in .svg or .png.
IMAGE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.(svg|png)")


class Web(Strict):
    """Settings of the web chat page and widget (content/web.yml)."""

    # A classroom tablet starts over after this long without use.
    tablet_idle_seconds: int = Field(ge=10, le=3600)
    # Before that, "Är du kvar?" counts down this long (at most half the idle time).
    tablet_warning_seconds: int = Field(default=30, ge=5, le=300)
    # Speed of "Läs upp" for "Normal"; 1 is the voice's own speed.
    read_aloud_rate: float = Field(ge=0.5, le=2.0)
    # How often an open chat asks whether a counsellor has answered its question.
    answer_poll_seconds: int = Field(default=20, ge=5, le=600)
    # Icon before a button's text: by intent ("book_appointment") or whole payload.
    icons: Dict[str, str] = {}
    # The look (docs/content.md): the service's name in the heading and, with
    # the municipality's name, in the page's title.
    name: str = Field(default="Vårdvägen", max_length=40)
    # The municipality's logo at the top and the icon in the browser's tab:
    # SVG or PNG files in content/ itself (the Kubernetes ConfigMap holds no
    # folders). Their size and contents are checked by the loader (images.py).
    logo: Optional[str] = None
    # What the logo shows, for people who cannot see it; by default the
    # municipality's name.
    logo_alt: Optional[str] = Field(default=None, max_length=120)
    favicon: Optional[str] = None
    colours: ChatColours = ChatColours()

    @validator("logo", "favicon")
    def image_file_name(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not IMAGE_FILE_NAME.fullmatch(value):
            raise ValueError(f"'{value}' is not the name of an SVG or PNG file in the content folder "
                             "(for example logo.svg; no folders)")
        return value

    @validator("icons")
    def short_icons(cls, icons: Dict[str, str]) -> Dict[str, str]:
        for key, icon in icons.items():
            if len(icon) > 8:
                raise ValueError(f"icon for '{key}' is too long: use one emoji")
        return icons


# Scripts a language may be written in (core/languages.py knows their letters).
LANGUAGE_SCRIPTS = ("latin", "arabic", "cyrillic", "ethiopic", "greek", "hebrew", "armenian", "georgian", "thai")
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# A Latin-script language is found by its words only: fewer would rarely find it.
MIN_LATIN_WORDS = 10


class Language(Strict):
    """A language the bot recognises in a message and answers with one line."""

    id: str  # a language tag ("ar", "so", "fa-AF"); also the chat's lang attribute
    name: str  # in Swedish: "arabiska"
    script: str
    direction: str = "ltr"  # "rtl" for Arabic script and Hebrew
    line: str = Field(max_length=300)  # the one line in that language
    words: List[str] = []  # common words of the language, never Swedish ones
    letters: str = ""  # letters only this language uses within its script

    @validator("id")
    def language_tag(cls, value: str) -> str:
        if not _LANGUAGE_TAG.match(value) or value.split("-")[0] == "sv":
            raise ValueError(f"'{value}' is not a language tag like 'ar' or 'fa-AF' (and not Swedish)")
        return value

    @validator("script")
    def known_script(cls, value: str) -> str:
        if value not in LANGUAGE_SCRIPTS:
            raise ValueError(f"unknown script '{value}' (known: {', '.join(LANGUAGE_SCRIPTS)})")
        return value

    @validator("direction")
    def known_direction(cls, value: str) -> str:
        if value not in ("ltr", "rtl"):
            raise ValueError(f"'{value}' is not a direction (use ltr or rtl)")
        return value

    @validator("words")
    def enough_latin_words(cls, words: List[str], values: Dict[str, object]) -> List[str]:
        if values.get("script") == "latin" and len(words) < MIN_LATIN_WORDS:
            raise ValueError(f"a latin-script language needs at least {MIN_LATIN_WORDS} words")
        return words


class Languages(Strict):
    """Messages in other languages (content/languages.yml)."""

    languages: List[Language] = []

    @validator("languages")
    def unique_ids(cls, languages: List[Language]) -> List[Language]:
        _check_unique([lang.id for lang in languages])
        return languages


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
    questions: Questions
    languages: Languages


def _check_unique(ids: List[str]) -> None:
    seen = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"id '{item}' is used twice")
        seen.add(item)
