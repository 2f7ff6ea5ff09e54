"""What Rasa's channels refuse before NLU (rasa_addons/channel_guard.py; no Rasa import)."""

import json
import multiprocessing
from pathlib import Path

import pytest
import yaml

from rasa_addons.channel_guard import (
    CONTACT_SLOTS, MAX_MESSAGE_LENGTH, SENDER_BURST, SENDER_WINDOW_SECONDS, MessageGuard, asks_for_contact,
    clean_incoming, rest_body_refusal,
)
from core.content import load_content
from rasa_addons.shared_ratelimit import SharedTokenBucket
from tests.unit.test_privacy import with_check_digit

PHRASES = load_content().phrases.phrases
PNR = with_check_digit("850709123")


class FakeClock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_too_fast_text_is_the_one_the_issue_asks_for():
    assert PHRASES["input_too_fast"] == "Du skriver för snabbt. Vänta en stund."


@pytest.mark.parametrize(
    "text, key",
    [("", "input_empty"), ("   \n\t", "input_empty"), (None, "input_invalid"), (42, "input_invalid"),
     (["hej"], "input_invalid"), ("x" * (MAX_MESSAGE_LENGTH + 1), "input_too_long")],
)
def test_messages_rasa_never_sees(text, key):
    refusal = MessageGuard().check("web-12345678", text)
    assert refusal is not None and refusal.phrase_key == key
    assert PHRASES[key].format(max=refusal.max)


@pytest.mark.parametrize("text", ["hej", "x" * MAX_MESSAGE_LENGTH, "مرحبا", "😀", "/greet"])
def test_ordinary_messages_go_on(text):
    assert MessageGuard().check("web-12345678", text) is None


def test_a_flood_from_one_sender_is_stopped_and_others_go_on():
    clock = FakeClock()
    guard = MessageGuard(clock=clock)
    assert [guard.check("flood", "hej") for _ in range(SENDER_BURST)] == [None] * SENDER_BURST
    assert guard.check("flood", "hej").phrase_key == "input_too_fast"
    assert guard.check("someone-else", "hej") is None
    clock.now += 1
    assert guard.check("flood", "hej") is None, "one message a second is always fine"


def test_the_limit_can_be_turned_off_for_load_tests(monkeypatch):
    monkeypatch.setenv("VARDVAGEN_RATE_LIMITS", "0")
    guard = MessageGuard.from_env()
    assert all(guard.check("flood", "hej") is None for _ in range(3 * SENDER_BURST))


@pytest.mark.parametrize(
    "raw",
    [b"", b"{not json", b"[1]", b"null", b"\xff", b"[" * 50_000 + b"]" * 50_000,
     json.dumps({"message": "hej"}).encode(), json.dumps({"sender": 5, "message": "hej"}).encode(),
     json.dumps({"sender": "", "message": "hej"}).encode(), json.dumps({"sender": "a\nb", "message": "hej"}).encode(),
     json.dumps({"sender": "x" * 129, "message": "hej"}).encode(),
     json.dumps({"sender": f"{PNR[:6]}-{PNR[6:]}", "message": "hej"}).encode(),
     json.dumps({"sender": "abc", "message": None}).encode(), json.dumps({"sender": "abc", "message": ["hej"]}).encode()],
)
def test_malformed_rest_bodies_are_refused(raw):
    refusal = rest_body_refusal(raw)
    assert refusal is not None and refusal.phrase_key == "input_invalid"


def test_a_good_rest_body_goes_on():
    assert rest_body_refusal(json.dumps({"sender": "e2e-1234", "message": "", "metadata": {"x": 1}}).encode()) is None


# ---- several Rasa worker processes count one sender together (rasa_addons/shared_ratelimit.py) ----


def _shared_guard(path, clock=None) -> MessageGuard:
    senders = SharedTokenBucket(path, SENDER_BURST, SENDER_WINDOW_SECONDS, **({"clock": clock} if clock else {}))
    return MessageGuard(senders=senders)


def _check_many(path, start, out, count: int) -> None:
    guard = _shared_guard(path)
    start.wait()
    out.put(sum(guard.check("flood", "hej") is None for _ in range(count)))


def test_a_flood_spread_over_worker_processes_is_limited_as_one(tmp_path):
    path = tmp_path / "rasa_shared.db"
    context = multiprocessing.get_context("fork")  # as Sanic starts Rasa's workers
    start, out = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_check_many, args=(path, start, out, SENDER_BURST)) for _ in range(2)]
    for worker in workers:
        worker.start()
    allowed = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    # Two processes that each counted for themselves would let 2 * SENDER_BURST through.
    assert SENDER_BURST <= sum(allowed) <= SENDER_BURST + 1, allowed


def test_the_shared_limit_refills_and_keeps_senders_apart(tmp_path):
    clock = FakeClock()
    first, second = _shared_guard(tmp_path / "s.db", clock), _shared_guard(tmp_path / "s.db", clock)
    for n in range(SENDER_BURST):
        assert (first if n % 2 else second).check("flood", "hej") is None
    assert first.check("flood", "hej").phrase_key == "input_too_fast"
    assert second.check("flood", "hej").phrase_key == "input_too_fast"
    assert second.check("someone-else", "hej") is None
    assert first.senders.retry_after("flood") == pytest.approx(1.0)
    clock.now += 1
    assert second.check("flood", "hej") is None, "one message a second is always fine"
    first.senders.reset("flood")
    assert [first.check("flood", "hej") for _ in range(SENDER_BURST)] == [None] * SENDER_BURST


def test_a_broken_shared_file_lets_messages_through(tmp_path, caplog):
    (tmp_path / "a-file").write_text("not a folder")
    guard = _shared_guard(tmp_path / "a-file" / "s.db")
    assert guard.check("web-12345678", "hej") is None
    assert "let through" in caplog.text
    assert guard.check("web-12345678", "").phrase_key == "input_empty", "the other checks still hold"


def test_rasa_workers_share_the_limit_when_make_run_names_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("VARDVAGEN_RASA_SHARED_DB", str(tmp_path / "rasa_shared.db"))
    assert isinstance(MessageGuard.from_env().senders, SharedTokenBucket)
    monkeypatch.delenv("VARDVAGEN_RASA_SHARED_DB")
    assert not isinstance(MessageGuard.from_env().senders, SharedTokenBucket)


def test_only_json_from_no_origin_or_an_allowed_site_reaches_rasa():
    from rasa_addons.channel_guard import request_refusal

    allowed = ["https://kommun.example"]
    assert request_refusal("application/json", None, allowed) is None, "the bot service's relay sends no Origin"
    assert request_refusal("application/json; charset=utf-8", "https://kommun.example/", allowed) is None
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        assert request_refusal(content_type, None, allowed).phrase_key == "api_bad_content_type"
    assert request_refusal("application/json", "https://evil.example", allowed).phrase_key == "api_origin_refused"
    assert request_refusal("application/json", "null", []).phrase_key == "api_origin_refused"


# ---- what is taken out of a message before NLU, and the notes about it -----------


class Asked:
    """A stand-in for the tracker read: counts how often it is asked."""

    def __init__(self, answer: bool) -> None:
        self.answer, self.calls = answer, 0

    async def __call__(self) -> bool:
        self.calls += 1
        return self.answer


@pytest.mark.parametrize(
    "text, asked, kept, notes",
    [
        ("hej, jag vill boka en tid", False, "hej, jag vill boka en tid", []),
        ("2026-12-07 kl 14:00, kod 123456", False, "2026-12-07 kl 14:00, kod 123456", []),
        ("19850101-1234", False, "[borttaget]", ["personnummer_removed"]),
        ("mitt personnummer är 851231-4562", False, "mitt personnummer är [borttaget]", ["personnummer_removed"]),
        ("mitt personnummer börjar med 85", False, "mitt personnummer börjar med 85", ["personnummer_warning"]),
        ("kortet 4111 1111 1111 1111", False, "kortet [dolt nummer]", ["long_number_hidden"]),
        ("0701234567", True, "0701234567", []),
        ("0701234567", False, "[dolt nummer]", ["long_number_hidden"]),
        ("pnr 8501011234 tel 070-123 45 67", True, "pnr [borttaget] tel 070-123 45 67", ["personnummer_removed"]),
    ],
)
async def test_clean_incoming_removes_masks_and_names_the_notes(text, asked, kept, notes):
    cleaned, said = await clean_incoming(text, Asked(asked))
    assert cleaned.text == kept and said == notes
    for key in said:
        assert PHRASES[key]


@pytest.mark.parametrize("text", ["hej", "19850101-1234", "4111 1111 1111 1111", "personnummer 85", "2026-12-07"])
async def test_the_tracker_is_read_only_for_a_phone_number(text):
    asked = Asked(True)
    await clean_incoming(text, asked)
    assert asked.calls == 0
    await clean_incoming(f"{text}, tel 070-123 45 67", asked)
    assert asked.calls == 1


def test_the_notes_are_short_and_do_not_claim_a_removal_that_did_not_happen():
    assert "tagit bort" in PHRASES["personnummer_removed"]
    assert "tagit bort" not in PHRASES["personnummer_warning"]
    assert "personnummer" in PHRASES["personnummer_warning"]
    # "kortnummer" read as "a short number" to a learner (a tester playing a 17-year-old, 2026-12-06).
    assert "bankkort" in PHRASES["long_number_hidden"] and "bankkonto" in PHRASES["long_number_hidden"]
    assert "kortnummer" not in PHRASES["long_number_hidden"]


def test_contact_slots_are_the_domains_contact_questions():
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
    asked = {slot for form in domain["forms"].values() for slot in form["required_slots"] if "contact" in slot}
    assert asked == set(CONTACT_SLOTS)
    assert asks_for_contact("booking_form", "contact") and asks_for_contact("handoff_form", "handoff_contact")
    assert not asks_for_contact(None, "contact") and not asks_for_contact("booking_form", "first_name")
