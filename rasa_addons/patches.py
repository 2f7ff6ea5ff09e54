"""Five fixes to Rasa 3.6.21 that our channels install when Rasa sets them up.

1. Rasa checks every answer of the action server with
`jsonschema.validate(answer, schema)`. That call first checks the schema
itself (all of Rasa's event types) against the JSON Schema meta-schema, on
every call. py-spy on a loaded Rasa (bench/load.py) found half of Rasa's CPU
time per message there. `install` builds the validator once, checking the
schema once, and validates each answer with it: the same check and the same
error as Rasa's, without the repeated schema check.

2. Rasa's `EndpointConfig.request` opens a new aiohttp session, and with it a
new connection, for every call to the action server. `install` sends the same
request, with the same headers, auth, timeout and errors, through one
kept-alive session per event loop; our channels close it when Rasa stops.

3. Rasa wraps every tracker store in a FailSafeTrackerStore: when the
database cannot be reached, reading a conversation gives a new, empty one
and saving it goes to Rasa's memory instead. The person then gets answers
that have forgotten the conversation, and what they write stays in the
process's memory, where retention and erasure never reach it. `install`
makes the wrapper pass errors on: the channel answers "Jag kan inte svara
just nu ... ring" (rasa_addons/channels.py), nothing is kept outside the
tracker store, and the conversation goes on where it was once the database
is back.

4. Rasa turns each stored event back into an object by looking its type
name up among all subclasses of Event, found anew by walking the class tree
for every event. py-spy put that walk at a tenth of a Rasa worker's CPU time
under load (every message reads the whole conversation). `install` keeps
what the walk found, per type name; the same class comes back, and a name it
has not seen is looked up Rasa's way.

5. RulePolicy finds the rules that match a conversation by checking every
rule against every turn of it, from the last turn back to the first, on
every prediction, parsing and reversing the rule's states again for each
check. A rule that is shorter than the turns already checked matches
whatever comes before, so after the longest remaining rule nothing can
change: `install` stops there (or when no rule is left), and parses each
rule once. The same rules match (Rasa's own check, done with the parsed
states); py-spy put the search at a tenth of a Rasa worker's CPU time.

Installed from rasa_addons/channels.py, so every way of running Rasa with our
channels (make run, the production profile, the Helm values) gets it.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from typing import Any, Dict, List, Optional, Set, Text

_installed = False
# Shorter than Sanic's default keep-alive (5 s), the action server's.
KEEPALIVE_SECONDS = 2.0
_sessions: Dict[asyncio.AbstractEventLoop, Any] = {}


def install() -> None:
    """Replace RemoteAction._validate_action_result and EndpointConfig.request (idempotent)."""
    global _installed
    if _installed:
        return
    _install_validator()
    _install_shared_session()
    _install_fail_closed_tracker_store()
    _install_event_type_cache()
    _install_rule_matching_that_stops()
    _installed = True


def shared_session() -> Any:
    """The aiohttp session of the running event loop (made on first use)."""
    import aiohttp

    loop = asyncio.get_running_loop()
    session = _sessions.get(loop)
    if session is None or session.closed:
        for old in [old for old in _sessions if old.is_closed()]:
            del _sessions[old]
        connector = aiohttp.TCPConnector(limit=100, keepalive_timeout=KEEPALIVE_SECONDS)
        session = _sessions[loop] = aiohttp.ClientSession(connector=connector)
    return session


async def close_shared_session() -> None:
    """Close the running loop's session (at server stop)."""
    session = _sessions.pop(asyncio.get_running_loop(), None)
    if session is not None:
        await session.close()


def _install_shared_session() -> None:
    import aiohttp
    from aiohttp import ContentTypeError
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
    from rasa.shared.exceptions import FileNotFoundException
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

    async def request(
        self: EndpointConfig,
        method: Text = "post",
        subpath: Optional[Text] = None,
        content_type: Optional[Text] = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Optional[Any]:
        # Rasa's EndpointConfig.request, with the session's settings given per request.
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if "headers" in kwargs:
            headers.update(kwargs.pop("headers"))
        if self.headers:
            headers.update(self.headers)
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        sslcontext = None
        if self.cafile:
            try:
                sslcontext = ssl.create_default_context(cafile=self.cafile)
            except FileNotFoundError as e:
                raise FileNotFoundException(
                    f"Failed to find certificate file, '{os.path.abspath(self.cafile)}' does not exist."
                ) from e
        # RemoteAction passes timeout=<seconds>; Rasa's session had the same total timeout.
        timeout = kwargs.pop("timeout", DEFAULT_REQUEST_TIMEOUT)
        if not isinstance(timeout, aiohttp.ClientTimeout):
            timeout = aiohttp.ClientTimeout(total=timeout)
        async with shared_session().request(
            method,
            concat_url(self.url, subpath),
            headers=headers,
            auth=auth,
            timeout=timeout,
            params=self.combine_parameters(kwargs),
            compress=compress,
            ssl=sslcontext,
            **kwargs,
        ) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json()
            except ContentTypeError:
                return None

    request.__doc__ = "Rasa's EndpointConfig.request through one kept-alive session per event loop."
    EndpointConfig.request = request  # type: ignore[assignment]


def _install_validator() -> None:
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


def _install_fail_closed_tracker_store() -> None:
    from rasa.core.tracker_store import DialogueStateTracker, FailSafeTrackerStore

    async def retrieve(self: FailSafeTrackerStore, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self: FailSafeTrackerStore, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
        await self._tracker_store.save(tracker)

    for method in (retrieve, retrieve_full_tracker, save):
        method.__doc__ = "The primary tracker store's, with its errors passed on (no in-memory fallback)."
        setattr(FailSafeTrackerStore, method.__name__, method)


def _install_event_type_cache() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    rasas_own = Event.resolve_by_type
    known: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default: Optional[Any] = None) -> Optional[Any]:
        found = known.get(type_name)
        if found is None:
            # As Rasa does: the first subclass in all_subclasses' order with that name.
            for subclass in all_subclasses(Event):
                known.setdefault(subclass.type_name, subclass)
            found = known.get(type_name)
        return found if found is not None else rasas_own(type_name, default)

    resolve_by_type.__doc__ = "Rasa's Event.resolve_by_type, with the class of each type name kept."
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]


def _install_rule_matching_that_stops() -> None:
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.constants import PREVIOUS_ACTION

    # Each rule's states, last first, parsed once (Rasa parses and reverses them for every check).
    reversed_rules: Dict[Text, List[Dict[Text, Any]]] = {}

    def reversed_states(key: Text) -> List[Dict[Text, Any]]:
        found = reversed_rules.get(key)
        if found is None:
            found = reversed_rules[key] = list(reversed(RulePolicy._rule_key_to_state(key)))
        return found

    def _get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[Dict[Text, Any]]) -> Set[Text]:
        possible_keys = list(lookup.keys())
        for i, state in enumerate(reversed(states)):
            # A rule matches every turn at or past its own length: past the longest one nothing changes.
            if not possible_keys or i >= max(len(reversed_states(key)) for key in possible_keys):
                break
            # Rasa's _is_rule_applicable(key, i, state), with the rule's states parsed once.
            current_previous_action = state.get(PREVIOUS_ACTION)
            kept = []
            for key in possible_keys:
                rule_states = reversed_states(key)
                if i >= len(rule_states):
                    kept.append(key)
                    continue
                rule_previous_action = rule_states[i].get(PREVIOUS_ACTION)
                if not rule_previous_action and not current_previous_action:
                    kept.append(key)
                elif rule_previous_action and current_previous_action and self._does_rule_match_state(rule_states[i], state):
                    kept.append(key)
            possible_keys = kept
        return set(possible_keys)

    _get_possible_keys.__doc__ = "RulePolicy._get_possible_keys: rules parsed once, stopping once no remaining rule is longer."
    RulePolicy._get_possible_keys = _get_possible_keys  # type: ignore[assignment]
