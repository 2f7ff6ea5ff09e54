"""Four fixes to Rasa 3.6.21 that have no extension point in Rasa, installed by
the entry point that starts Rasa: `python -m rasa_addons <rasa arguments>`
(rasa_addons/__main__.py).

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

RulePolicy's rule search that stops after the longest rule has an extension
point, a policy of our own: rasa_addons/policies.py, named in config.yml.

Each replaces internals of Rasa 3.6.21 (RASA_VERSION): `install` refuses any
other version (RasaVersionError, also raised by rasa_addons/policies.py on
import) instead of patching code it was not written for. Before upgrading
Rasa, check each patch (and StoppingRulePolicy) against the new version's
code, run tests/model/test_rasa_fixes.py, which compares each with Rasa's own
behaviour, and change RASA_VERSION.

`python -m rasa_addons` installs them before Rasa's own command line runs, so
`rasa run`, `rasa train`, `rasa test` and `rasa data validate` run the same
patched code everywhere (make, scripts, bench, tests, deploy/helm/values.yaml).
Sanic's workers are forked from that process and keep them. Our channels
(rasa_addons/channels.py) refuse to start without them (`require_installed`),
so a bare `rasa run` fails loudly instead of running unpatched.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from typing import Any, Dict, Optional, Text

# The Rasa version these patches (and rasa_addons/policies.py) were written for.
RASA_VERSION = "3.6.21"
_installed = False
# Shorter than Sanic's default keep-alive (5 s), the action server's.
KEEPALIVE_SECONDS = 2.0
_sessions: Dict[asyncio.AbstractEventLoop, Any] = {}


class RasaVersionError(RuntimeError):
    """The installed Rasa is not the version the patches were written for."""


def check_rasa_version() -> None:
    """Raise RasaVersionError unless the installed Rasa is RASA_VERSION."""
    import rasa

    found = getattr(rasa, "__version__", "unknown")
    if found != RASA_VERSION:
        raise RasaVersionError(
            f"rasa_addons was written for Rasa {RASA_VERSION}, but Rasa {found} is installed. "
            f"Its patches (rasa_addons/patches.py) and StoppingRulePolicy (rasa_addons/policies.py) "
            f"replace internals of Rasa {RASA_VERSION} and are not applied to another version. "
            f"Install the pinned Rasa ({RASA_VERSION}, constraints.txt: `make venv`), or, to upgrade, "
            f"check each patch against the new Rasa's code, run tests/model/test_rasa_fixes.py "
            f"and change RASA_VERSION in rasa_addons/patches.py."
        )


def install() -> None:
    """Install the four patches (idempotent); RasaVersionError on another Rasa version."""
    global _installed
    check_rasa_version()
    if _installed:
        return
    _install_validator()
    _install_shared_session()
    _install_fail_closed_tracker_store()
    _install_event_type_cache()
    _installed = True


def installed() -> bool:
    return _installed


def require_installed(what: str) -> None:
    """Raise unless `install` ran in this process (or in the process it was forked from)."""
    if not _installed:
        raise RuntimeError(
            f"{what} needs Rasa with rasa_addons' patches (rasa_addons/patches.py), and they are not "
            f"installed: start Rasa through `python -m rasa_addons run ...` (or `train`, `test`), "
            f"not the bare `rasa` command."
        )


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

