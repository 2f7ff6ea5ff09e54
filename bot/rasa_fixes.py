"""A fix to Rasa 3.6.21 that our channels install when Rasa sets them up.

Rasa checks every answer of the action server with
`jsonschema.validate(answer, schema)`. That call first checks the schema
itself (all of Rasa's event types) against the JSON Schema meta-schema, on
every call. py-spy on a loaded Rasa (bench/load.py) found half of Rasa's CPU
time per message there. `install` builds the validator once, checking the
schema once, and validates each answer with it: the same check and the same
error as Rasa's, without the repeated schema check.

Installed from bot/rasa_channels.py, so every way of running Rasa with our
channels (make run, the production profile, the Helm values) gets it.
"""

from __future__ import annotations

from typing import Any, Dict

_installed = False


def install() -> None:
    """Replace RemoteAction._validate_action_result (idempotent)."""
    global _installed
    if _installed:
        return
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        # As jsonschema.validate does after its schema check: raise the best-matching error.
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    validate_action_result.__doc__ = "Rasa's check of an action server answer, with the validator built once."
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    _installed = True
