"""What Rasa's channels refuse before NLU (bot/channel_guard.py; no Rasa import)."""

import json

import pytest

from bot.channel_guard import MAX_MESSAGE_LENGTH, SENDER_BURST, MessageGuard, rest_body_refusal
from bot.content import load_content
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
