"""Booking a meeting with a counsellor: a form that asks how to meet, whether
an interpreter is wanted and in which language, which time, first name and
contact, shows what is stored and a summary, then books through the bot web
service."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from zoneinfo import ZoneInfo
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import answer_from, bullets, button, content, latest_intent, lines, phrase, today
from actions.eligibility import SLOTS as ANSWER_SLOTS
from actions.eligibility import AskInWords, cancel_button
from actions.parts import PRINT, calendar_part, code_part, send_parts
from actions.service_client import ServiceUnavailable, TooManyTries, get_client
from actions.text_match import best_match, normalize
from actions.typed_values import contact_in, requested_contact, typed_answer, typed_language
from core.dates import parse_day

FORM_SLOTS = ("meeting_type", "interpreter_wanted", "interpreter_language", "slot_choice", "first_name", "contact",
              "booking_confirmed", "reuse_declined")
# A name and contact the person gave earlier in this conversation.
KNOWN = ("known_name", "known_contact")
INTERPRETER_SLOTS = ("interpreter_wanted", "interpreter_language")
# Values of the interpreter_wanted buttons.
YES, NO = "yes", "no"
# Not asked; they steer which times are shown next.
PAGING_SLOTS = ("slots_after", "slots_from_day")
# Set when this booking replaces an earlier one (a change of time).
CHANGE_SLOTS = ("change_reference", "change_contact", "change_label")
MORE = "more"


def service_down(dispatcher: CollectingDispatcher, key: str = "booking_service_down",
                 error: Optional[Exception] = None) -> None:
    if isinstance(error, TooManyTries):
        # The service refused more code lookups for a while (it slows down guessing).
        dispatcher.utter_message(text=phrase("too_many_tries"))
        return
    dispatcher.utter_message(text=phrase(key, phone=content().municipality.phone))


def reset(*names: str) -> List[Dict[Text, Any]]:
    return [SlotSet(name, None) for name in names]


def encode_choice(slot: Dict[str, Any]) -> str:
    return f"{slot['counsellor_id']}|{slot['starts_at']}"


def decode_choice(value: str) -> Optional[Dict[str, str]]:
    counsellor_id, _, starts_at = (value or "").partition("|")
    try:
        datetime.fromisoformat(starts_at)
    except ValueError:
        return None
    return {"counsellor_id": counsellor_id, "starts_at": starts_at}


def meeting_type_label(type_id: Optional[str]) -> str:
    return next((t.label for t in content().booking.meeting_types if t.id == type_id), "")


class ActionAskMeetingType(Action):
    def name(self) -> Text:
        return "action_ask_meeting_type"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        booking = content().booking
        dispatcher.utter_message(
            text=phrase("ask_meeting_type"),
            buttons=[button(t.label, "inform", meeting_type=t.id) for t in booking.meeting_types] + [cancel_button()],
        )
        return []


class ActionAskInterpreterWanted(Action):
    """What an interpreter is (content/booking.yml), then yes or no."""

    def name(self) -> Text:
        return "action_ask_interpreter_wanted"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=lines(content().booking.interpreter, phrase("ask_interpreter_wanted")),
            buttons=[
                button(phrase("button_yes"), "inform", interpreter_wanted=YES),
                button(phrase("button_interpreter_no"), "inform", interpreter_wanted=NO),
                cancel_button(),
            ],
        )
        return []


class ActionAskInterpreterLanguage(Action):
    """One button per language in content/booking.yml; another may be typed."""

    def name(self) -> Text:
        return "action_ask_interpreter_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        languages = content().booking.interpreter_languages
        dispatcher.utter_message(
            text=phrase("ask_interpreter_language"),
            buttons=[button(name, "inform", interpreter_language=name) for name in languages] + [cancel_button()],
        )
        return []


# Typed answers to "Vill du ha en tolk?", compared after normalize().
_NO_WORDS = {"nej", "na", "nae", "no", "nope"}
_NO_PHRASES = ("behovs inte", "behover inte", "ingen tolk", "vill inte", "inte tolk", "nej tack")
_YES_WORDS = {"ja", "japp", "jepp", "jo", "garna", "yes", "absolut", "visst"}
_YES_PHRASES = ("vill ha", "behover en", "behover tolk")


def wants_interpreter(text: str, intent: Optional[str]) -> Optional[bool]:
    """True, False, or None when the answer says neither."""
    norm = normalize(text)
    words = norm.split()
    if not words:
        return None
    padded = f" {norm} "
    if words[0] in _NO_WORDS or any(f" {p} " in padded for p in _NO_PHRASES):
        return False
    if words[0] in _YES_WORDS or any(f" {p} " in padded for p in _YES_PHRASES):
        return True
    # A short "okej" or "inte nu" that NLU read as yes or no.
    if len(words) <= 4 and intent in ("affirm", "deny"):
        return intent == "affirm"
    return None


def listed_language(text: str) -> Optional[str]:
    """A language of the buttons, named in the text (also misspelled)."""
    languages = content().booking.interpreter_languages
    if text in languages:
        return text
    return best_match(text, ((name, [name]) for name in languages))


def interpreter_language(tracker: Tracker) -> Optional[str]:
    """The language asked for, or None when no interpreter is wanted."""
    return tracker.get_slot("interpreter_language") if tracker.get_slot("interpreter_wanted") is True else None


class ActionAskSlotChoice(Action):
    """Up to five free times as buttons, 'Fler tider', and typing a day."""

    def name(self) -> Text:
        return "action_ask_slot_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        from_day = tracker.get_slot("slots_from_day")
        try:
            slots = await get_client().free_slots(
                tracker.get_slot("meeting_type"), from_day=from_day, after=tracker.get_slot("slots_after")
            )
        except ServiceUnavailable as error:
            service_down(dispatcher, error=error)
            return [FollowupAction("action_deactivate_loop")] + reset(*FORM_SLOTS, *PAGING_SLOTS)
        if not slots:
            service_down(dispatcher, "no_free_slots")
            return [FollowupAction("action_deactivate_loop")] + reset(*FORM_SLOTS, *PAGING_SLOTS)
        intro = phrase("ask_slot_choice")
        if from_day and _local_day(slots[0]) != from_day:
            intro = lines(phrase("day_is_full"), intro)
        buttons = [button(s["label"], "inform", slot_choice=encode_choice(s), slot_label=s["label"]) for s in slots]
        buttons += [button(phrase("button_more_times"), "inform", slot_choice=MORE), cancel_button()]
        dispatcher.utter_message(text=intro, buttons=buttons)
        return [SlotSet("slots_last_shown", slots[-1]["starts_at"])]


def _local_day(slot: Dict[str, Any]) -> str:
    moment = datetime.fromisoformat(slot["starts_at"]).astimezone(ZoneInfo(content().booking.timezone))
    return moment.date().isoformat()


def masked(contact: str) -> str:
    """Enough of a contact to recognise it: "070-…67", "a…@example.se"."""
    if "@" in contact:
        user, _, domain = contact.partition("@")
        return f"{user[:1]}…@{domain}"
    digits = "".join(ch for ch in contact if ch.isdigit())
    if contact.startswith("+46"):
        digits = "0" + digits[2:]  # stored as +46..., typed as 07...
    return f"{digits[:3]}-…{digits[-2:]}" if len(digits) > 5 else "…"


def known_person(tracker: Tracker) -> Optional[Dict[str, str]]:
    """The name and contact to offer again, unless the person said no this time."""
    name, contact = (tracker.get_slot(slot) for slot in KNOWN)
    if name and contact and not tracker.get_slot("reuse_declined"):
        return {"name": name, "contact": contact}
    return None


class ActionAskFirstName(AskInWords):
    slot, question = "first_name", "ask_first_name"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        known = known_person(tracker)
        if known is None:
            return await super().run(dispatcher, tracker, domain)
        dispatcher.utter_message(
            text=phrase("reuse_person", name=known["name"], contact=masked(known["contact"])),
            buttons=[button(phrase("button_yes"), "affirm"), button(phrase("button_no"), "deny"), cancel_button()],
        )
        return []


class ActionAskContact(AskInWords):
    slot, question = "contact", "ask_contact"


class ActionAskBookingConfirmed(Action):
    """What is stored and why, a summary, then yes or no."""

    def name(self) -> Text:
        return "action_ask_booking_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        privacy = content().privacy
        days = privacy.retention_days.bookings_after_meeting
        dispatcher.utter_message(text=lines(*(item.format(days=days) for item in privacy.booking_notice)))
        choice = decode_choice(tracker.get_slot("slot_choice") or "") or {}
        dispatcher.utter_message(
            text=lines(
                phrase(
                    "booking_summary",
                    label=tracker.get_slot("slot_label") or choice.get("starts_at", ""),
                    kind=meeting_type_label(tracker.get_slot("meeting_type")),
                    name=tracker.get_slot("first_name"),
                    contact=tracker.get_slot("contact"),
                ),
                interpreter_summary(interpreter_language(tracker)),
                phrase("change_summary", label=tracker.get_slot("change_label")) if tracker.get_slot("change_reference") else "",
                phrase("ask_booking_confirmed"),
            ),
            buttons=[button(phrase("button_book_yes"), "affirm"), button(phrase("button_no"), "deny")],
        )
        return []


def interpreter_summary(language: Optional[str]) -> str:
    return phrase("summary_interpreter", language=language) if language else phrase("summary_no_interpreter")


class PersonFormValidation(FormValidationAction, ABC):
    """Shared by forms that ask for a first name and a contact. Abstract, so
    rasa-sdk does not register it as an action."""

    @abstractmethod
    def name(self) -> Text:
        ...

    async def validate_first_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        known = known_person(tracker)
        if known and latest_intent(tracker) == "affirm":
            return {"first_name": known["name"], "contact": known["contact"]}
        if known and latest_intent(tracker) == "deny":
            return {"first_name": None, "reuse_declined": True}
        name = first_name_from(str(value or ""))
        if name is None:
            dispatcher.utter_message(text=phrase("name_invalid"))
            return {"first_name": None}
        return {"first_name": name, "known_name": name}

    async def extract_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        # Taken whatever NLU made of it: a number is no question (actions/typed_values.py).
        contact = requested_contact(tracker, "contact")
        return {"contact": contact} if contact else {}

    async def validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = contact_in(str(value or ""))
        if contact is None:
            dispatcher.utter_message(text=phrase("contact_invalid"))
            return {"contact": None}
        return {"contact": contact, "known_contact": contact}


class ValidateBookingForm(PersonFormValidation):
    def name(self) -> Text:
        return "validate_booking_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # The language is asked only when an interpreter is wanted.
        if tracker.get_slot("interpreter_wanted") is True:
            return domain_slots
        return [slot for slot in domain_slots if slot != "interpreter_language"]

    async def extract_interpreter_wanted(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        # "arabiska" typed at once may be read as a word to explain: still an answer.
        text = typed_answer(tracker, "interpreter_wanted")
        if text and listed_language(text) and wants_interpreter(text, None) is not False:
            return {"interpreter_wanted": text}
        return {}

    async def validate_interpreter_wanted(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(value, bool):
            # Filled before the form started (a change of time, a time taken meanwhile).
            return {"interpreter_wanted": value}
        answer = answer_from(tracker, "interpreter_wanted", value)
        if answer in (YES, NO):
            return {"interpreter_wanted": answer == YES, "interpreter_language": None}
        wanted = wants_interpreter(answer, latest_intent(tracker))
        language = listed_language(answer) if wanted is not False else None
        if language:
            # "Ja, arabiska" or just "arabiska" answers both questions.
            return {"interpreter_wanted": True, "interpreter_language": language}
        if wanted is None:
            # An unrelated message must not fill the slot (rasa-sdk#437).
            dispatcher.utter_message(text=phrase("answer_not_understood"))
        return {"interpreter_wanted": wanted, "interpreter_language": None}

    async def extract_interpreter_language(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        # A language name means little to NLU: "kurdiska" may be read as a word to
        # explain, which from_text skips. Taken unless it is a question that ends
        # the form (imported here: actions.questions imports this module).
        from actions.questions import ANSWERS

        text = typed_answer(tracker, "interpreter_language")
        if not text:
            return {}
        language = listed_language(text)
        if language is None and latest_intent(tracker) not in ANSWERS:
            language = typed_language(text)
        return {"interpreter_language": language} if language else {}

    async def validate_interpreter_language(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "interpreter_language", value)
        language = listed_language(answer) or typed_language(answer)
        if language is None:
            dispatcher.utter_message(text=phrase("interpreter_language_invalid"))
        return {"interpreter_language": language}

    async def validate_meeting_type(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "meeting_type", value)
        types = content().booking.meeting_types
        found = next((t.id for t in types if t.id == answer), None) or best_match(
            answer, ((t.id, [t.label]) for t in types)
        )
        if found is None:
            dispatcher.utter_message(text=phrase("answer_not_understood"))
        return {"meeting_type": found}

    async def validate_slot_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = answer_from(tracker, "slot_choice", value)
        if answer == MORE:
            return {"slot_choice": None, "slots_after": tracker.get_slot("slots_last_shown"), "slots_from_day": None}
        if decode_choice(answer):
            return {"slot_choice": answer}
        now = today()
        day = parse_day(answer, now)
        if day is not None and day >= now:
            return {"slot_choice": None, "slots_from_day": day.isoformat(), "slots_after": None}
        dispatcher.utter_message(text=phrase("day_in_the_past" if day is not None else "answer_not_understood"))
        return {"slot_choice": None}



def first_name_from(text: str) -> Optional[str]:
    """'Amina' or 'jag heter amina' -> 'Amina'. Letters only, at most 50."""
    words = [w for w in text.replace(",", " ").split() if w]
    if not words or text.startswith("/"):
        return None
    # One or two words: the first is the first name; a sentence ends with it.
    word = words[0] if len(words) <= 2 else words[-1]
    word = word.strip(".!?")
    if not (1 <= len(word) <= 50) or not all(ch.isalpha() or ch in "-'" for ch in word):
        return None
    return word[:1].upper() + word[1:]


class ActionBookMeeting(Action):
    """Runs when the form is done: books, or says why not. Nothing is half-saved:
    the service either stores the whole booking or nothing."""

    def name(self) -> Text:
        return "action_book_meeting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        done = reset(*FORM_SLOTS, *PAGING_SLOTS, *CHANGE_SLOTS, "slot_label", "slots_last_shown")
        if not tracker.get_slot("booking_confirmed"):
            dispatcher.utter_message(text=phrase("booking_not_made"), buttons=[button(phrase("button_menu"), "help")])
            return done
        choice = decode_choice(tracker.get_slot("slot_choice") or "")
        request = {
            **(choice or {}),
            "meeting_type": tracker.get_slot("meeting_type"),
            "first_name": tracker.get_slot("first_name"),
            "contact": tracker.get_slot("contact"),
            # Cleaned and stored by the service (bot/booking/routes.py _interpreter).
            "interpreter": interpreter_language(tracker),
            # So the counsellor need not ask again (unknown values are left out by the service).
            "answers": {slot: str(tracker.get_slot(slot)) for slot in (*ANSWER_SLOTS, "track", "profession")
                        if tracker.get_slot(slot)},
        }
        changing = tracker.get_slot("change_reference")
        if changing:
            request["replaces"] = {"reference": changing, "contact": tracker.get_slot("change_contact")}
        try:
            # The same conversation asking for the same time is the same booking.
            status, answer = await get_client().book(request, tracker.sender_id, tracker.get_slot("slot_choice") or "")
        except ServiceUnavailable as error:
            service_down(dispatcher, error=error)
            return done
        if status == 409:
            dispatcher.utter_message(text=phrase("booking_taken"))
            # Keep how, name and contact; ask for a new time only.
            return reset("slot_choice", "slot_label", "booking_confirmed", *PAGING_SLOTS) + [FollowupAction("booking_form")]
        if status == 404 and changing:
            dispatcher.utter_message(text=phrase("booking_not_found", phone=content().municipality.phone))
            return done
        if status not in (200, 201):
            dispatcher.utter_message(text=answer.get("message") or phrase("booking_service_down", phone=content().municipality.phone))
            return done
        dispatcher.utter_message(
            text=lines(
                phrase("change_done" if changing else "booking_done", label=answer["label"]),
                answer["meeting_text"],
                phrase("booking_interpreter", language=answer["interpreter"]) if answer.get("interpreter")
                else phrase("booking_no_interpreter"),
                phrase("booking_reference", reference=answer["reference"]),
                phrase("booking_bring"),
                bullets(answer["what_to_bring"]),
            ),
            buttons=[button(phrase("button_menu"), "help")],
        )
        # The calendar file's link carries a secret token: a button, never text.
        send_parts(dispatcher, [code_part(answer["reference"]), calendar_part(answer["calendar_url"]), PRINT])
        # Kept as if the booking had been shown: "vilken tid har jag?" and "jag vill
        # avboka" in this conversation need no code; the service checks the pair again.
        return done + [SlotSet("booking_reference", answer["reference"]),
                       SlotSet("booking_contact", tracker.get_slot("contact")),
                       SlotSet("cancel_label", answer["label"])]
