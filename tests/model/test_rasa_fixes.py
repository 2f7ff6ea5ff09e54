"""bot/rasa_fixes.py: the action-answer check built once must accept and refuse
exactly what Rasa's own check does, and our channels must install it."""

from typing import Optional

import pytest
from jsonschema import ValidationError

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "track", "value": "usk"}, {"event": "active_loop", "name": None}],
     "responses": [{"text": "Hej", "buttons": [{"title": "Ja", "payload": "/affirm"}]}]},
]
# Importing Rasa imports TensorFlow and JAX, which warn about their own deprecations.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::PendingDeprecationWarning")

BAD = [
    {"events": [{"event": "slot", "value": 1}]},  # a slot event without a name
    {"events": [{"event": "no_such_event"}]},
    {"responses": "hej"},
    {"events": "not a list"},
]


def rasa_error(check, answer) -> Optional[str]:
    try:
        assert check(answer) is True
        return None
    except ValidationError as error:
        return error.message


def test_the_fixed_check_accepts_and_refuses_like_rasas_own():
    from rasa.core.actions.action import RemoteAction

    from bot import rasa_fixes

    action = RemoteAction("action_example", None)
    original = RemoteAction._validate_action_result
    expected = [rasa_error(lambda a: original(action, a), answer) for answer in GOOD + BAD]
    assert expected[: len(GOOD)] == [None] * len(GOOD)
    assert all(expected[len(GOOD):]), "every bad answer is refused by Rasa itself"

    rasa_fixes.install()
    rasa_fixes.install()  # a second call changes nothing
    assert RemoteAction._validate_action_result is not original
    assert [rasa_error(action._validate_action_result, answer) for answer in GOOD + BAD] == expected


def test_our_channels_install_the_fix():
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_channels import RedactingRestInput

    async def on_new_message(message):  # pragma: no cover - never called here
        return None

    RedactingRestInput().blueprint(on_new_message)
    assert RemoteAction._validate_action_result.__module__ == "bot.rasa_fixes"
    with pytest.raises(ValidationError):
        RemoteAction("action_example", None)._validate_action_result({"events": [{"event": "slot"}]})
