"""rasa_addons/patches.py: the action-answer check built once must accept and refuse
exactly what Rasa's own check does; action calls keep one connection and send
what Rasa's own request sends; a tracker store that fails passes its error on
instead of falling back to memory; events are turned back into the same
classes as Rasa's own lookup does; StoppingRulePolicy (rasa_addons/policies.py)
finds the same rules and predicts the same as Rasa's RulePolicy. The patches
refuse another Rasa version, `python -m rasa_addons` installs them before
Rasa's command line, and our channels refuse to start without them."""

import logging
import subprocess
import sys
from typing import Optional

import pytest
import structlog
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

    from rasa_addons import patches as rasa_fixes

    action = RemoteAction("action_example", None)
    original = RemoteAction._validate_action_result
    expected = [rasa_error(lambda a: original(action, a), answer) for answer in GOOD + BAD]
    assert expected[: len(GOOD)] == [None] * len(GOOD)
    assert all(expected[len(GOOD):]), "every bad answer is refused by Rasa itself"

    rasa_fixes.install()
    rasa_fixes.install()  # a second call changes nothing
    assert RemoteAction._validate_action_result is not original
    assert [rasa_error(action._validate_action_result, answer) for answer in GOOD + BAD] == expected


def assert_patched() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    assert RemoteAction._validate_action_result.__module__ == "rasa_addons.patches"
    assert EndpointConfig.request.__module__ == "rasa_addons.patches"
    for method in (FailSafeTrackerStore.retrieve, FailSafeTrackerStore.retrieve_full_tracker, FailSafeTrackerStore.save):
        assert method.__module__ == "rasa_addons.patches"
    assert Event.resolve_by_type.__module__ == "rasa_addons.patches"


def test_our_channels_refuse_to_start_without_the_patches(monkeypatch):
    from rasa.core.actions.action import RemoteAction

    from rasa_addons import patches
    from rasa_addons.channels import RedactingRestInput, RedactingSocketIOInput

    async def on_new_message(message):  # pragma: no cover - never called here
        return None

    monkeypatch.setenv("VARDVAGEN_SESSION_SECRET", "a-session-secret-for-this-test")
    monkeypatch.setattr(patches, "_installed", False)  # as in a Rasa started by the bare `rasa` command
    for channel in (RedactingRestInput(), RedactingSocketIOInput()):
        with pytest.raises(RuntimeError, match="python -m rasa_addons"):
            channel.blueprint(on_new_message)
    patches.install()
    RedactingRestInput().blueprint(on_new_message)
    RedactingSocketIOInput().blueprint(on_new_message)
    assert_patched()
    monkeypatch.delenv("VARDVAGEN_SESSION_SECRET")
    with pytest.raises(RuntimeError, match="VARDVAGEN_SESSION_SECRET"):
        RedactingSocketIOInput().blueprint(on_new_message)  # no signing secret: the socket refuses to start
    with pytest.raises(ValidationError):
        RemoteAction("action_example", None)._validate_action_result({"events": [{"event": "slot"}]})


@pytest.mark.parametrize("other", ["3.6.20", "3.6.22", "3.7.0", "3.10.1"])
def test_install_refuses_another_rasa_version_and_patches_nothing(monkeypatch, other):
    import rasa
    from rasa.shared.core.events import Event

    from rasa_addons import patches

    assert rasa.__version__ == patches.RASA_VERSION == "3.6.21"
    monkeypatch.setattr(patches, "_installed", False)
    monkeypatch.setattr(rasa, "__version__", other)
    resolve_by_type = Event.resolve_by_type
    with pytest.raises(patches.RasaVersionError) as refused:
        patches.install()
    message = str(refused.value)
    assert f"Rasa {other} is installed" in message and "written for Rasa 3.6.21" in message
    assert "make venv" in message and "RASA_VERSION" in message  # what to do
    assert not patches.installed() and Event.resolve_by_type is resolve_by_type
    with pytest.raises(patches.RasaVersionError):
        patches.check_rasa_version()


def run_entry_point(*args: str, rasa_version: Optional[str] = None) -> subprocess.CompletedProcess:
    """`python -m rasa_addons <args>` in a new process, optionally with another Rasa version number."""
    from tests.model.conftest import QUIET_ENV, ROOT

    setup = f"import rasa; rasa.__version__ = {rasa_version!r}; " if rasa_version else ""
    code = f"{setup}import runpy, sys; sys.argv = ['rasa_addons', *{list(args)!r}]; runpy.run_module('rasa_addons', run_name='__main__')"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=QUIET_ENV, capture_output=True, text=True, timeout=300)


def test_the_entry_point_runs_rasas_command_line_and_refuses_another_version():
    result = run_entry_point("--version")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Rasa Version      :         3.6.21" in result.stdout
    refused = run_entry_point("--version", rasa_version="3.7.0")
    assert refused.returncode == 1
    assert "written for Rasa 3.6.21, but Rasa 3.7.0 is installed" in refused.stderr
    assert "Rasa Version" not in refused.stdout and "Traceback" not in refused.stderr


def test_the_policy_refuses_another_rasa_version_on_import():
    from tests.model.conftest import QUIET_ENV, ROOT

    code = "import rasa; rasa.__version__ = '3.7.0'; import rasa_addons.policies"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=QUIET_ENV, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "RasaVersionError" in result.stderr and "3.7.0" in result.stderr


class Recorder:
    """A real HTTP server standing in for the action server: it records what it gets."""

    def __init__(self) -> None:
        self.requests = []
        self.peers = set()

    async def handle(self, request):
        from aiohttp import web

        self.peers.add(request.transport.get_extra_info("peername"))
        self.requests.append({"path": request.path, "query": dict(request.query), "headers": dict(request.headers),
                              "body": await request.json()})
        if request.path.endswith("/fail"):
            return web.json_response({"error": "nej"}, status=400)
        return web.json_response({"events": [], "responses": [{"text": "Hej"}]})


async def test_action_calls_reuse_one_connection_and_send_what_rasa_sends(aiohttp_server):
    from aiohttp import web
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    from rasa_addons import patches as rasa_fixes

    recorder = Recorder()
    app = web.Application()
    app.router.add_post("/{tail:.*}", recorder.handle)
    server = await aiohttp_server(app)
    rasa_fixes.install()
    endpoint = EndpointConfig(str(server.make_url("/webhook")), token="t0ken", headers={"X-Kommun": "exempel"},
                              basic_auth={"username": "rasa", "password": "hemligt"})
    try:
        for n in range(3):
            # As RemoteAction.run calls it.
            answer = await endpoint.request(json={"next_action": f"action_{n}"}, method="post", timeout=300,
                                            compress=False)
            assert answer == {"events": [], "responses": [{"text": "Hej"}]}
        with pytest.raises(ClientResponseError) as refused:
            await endpoint.request(subpath="fail", json={}, method="post")
        assert refused.value.status == 400
    finally:
        await rasa_fixes.close_shared_session()
    assert len(recorder.peers) == 1, "every call should reuse the first connection"
    first = recorder.requests[0]
    assert first["path"] == "/webhook" and first["query"] == {"token": "t0ken"}
    assert first["headers"]["X-Kommun"] == "exempel" and first["headers"]["Content-Type"] == "application/json"
    assert first["headers"]["Authorization"] == "Basic cmFzYTpoZW1saWd0"  # rasa:hemligt
    assert [r["body"].get("next_action") for r in recorder.requests] == ["action_0", "action_1", "action_2", None]


async def test_an_action_server_that_is_down_raises_what_rasa_catches():
    import aiohttp
    from rasa.utils.endpoints import EndpointConfig

    from rasa_addons import patches as rasa_fixes
    from tests.ports import free_port

    rasa_fixes.install()
    try:
        with pytest.raises(aiohttp.ClientConnectionError):
            await EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook").request(json={}, method="post", timeout=300)
    finally:
        await rasa_fixes.close_shared_session()


async def test_a_tracker_store_that_fails_passes_its_error_on_and_keeps_nothing_in_memory():
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_addons import patches as rasa_fixes

    class DatabaseGone(InMemoryTrackerStore):
        """Stands in for a database that refuses connections: every call fails."""

        async def retrieve(self, sender_id):
            raise ConnectionError("database gone")

        async def retrieve_full_tracker(self, sender_id):
            raise ConnectionError("database gone")

        async def save(self, tracker):
            raise ConnectionError("database gone")

    rasa_fixes.install()
    store = FailSafeTrackerStore(DatabaseGone(Domain.empty()))
    with pytest.raises(ConnectionError):
        await store.retrieve("someone")
    with pytest.raises(ConnectionError):
        await store.retrieve_full_tracker("someone")
    tracker = DialogueStateTracker("someone", [])
    tracker.update(UserUttered("mitt nummer är 070-123 45 67"))
    with pytest.raises(ConnectionError):
        await store.save(tracker)
    # Rasa's own wrapper would have saved it in a store in memory, out of retention's reach.
    assert store._fallback_tracker_store is None


def test_events_resolve_to_the_classes_rasas_own_lookup_finds():
    import rasa.shared.core.events as events
    from rasa.shared.utils.common import all_subclasses

    from rasa_addons import patches as rasa_fixes

    def rasas_own(type_name, default=None):
        for cls in all_subclasses(events.Event):
            if cls.type_name == type_name:
                return cls
        if type_name == "topic":
            return None
        if default is not None:
            return default
        raise ValueError(f"Unknown event name '{type_name}'.")

    rasa_fixes.install()
    names = {cls.type_name for cls in all_subclasses(events.Event)}
    assert {"user", "bot", "action", "slot", "active_loop", "session_started", "rewind"} <= names
    for name in sorted(names):
        assert events.Event.resolve_by_type(name) is rasas_own(name), name
        assert events.Event.resolve_by_type(name) is rasas_own(name), name  # and again, from what it kept
    assert events.Event.resolve_by_type("topic") is None
    assert events.Event.resolve_by_type("no_such_event", events.UserUttered) is events.UserUttered
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        events.Event.resolve_by_type("no_such_event")

    class LaterEvent(events.SlotSet):  # imported after the first lookups, as a plugin's would be
        type_name = "later_event_for_the_test"

    assert events.Event.resolve_by_type("later_event_for_the_test") is LaterEvent
    stored = [{"event": "user", "text": "hej", "parse_data": {"intent": {"name": "greet"}}},
              {"event": "slot", "name": "track", "value": "usk"}, {"event": "action", "name": "action_listen"}]
    assert [type(e) for e in events.deserialise_events(stored)] == [events.UserUttered, events.SlotSet, events.ActionExecuted]


def test_config_uses_the_stopping_rule_policy_and_no_patch_of_rasas_own():
    import yaml
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    from rasa_addons import patches
    from rasa_addons.policies import StoppingRulePolicy
    from tests.model.conftest import ROOT

    names = [p["name"] for p in yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["policies"]]
    assert "rasa_addons.policies.StoppingRulePolicy" in names and "RulePolicy" not in names
    assert DefaultV1Recipe._from_registry("rasa_addons.policies.StoppingRulePolicy").clazz is StoppingRulePolicy
    assert DefaultV1Recipe._from_registry("RulePolicy").clazz is RulePolicy
    patches.install()
    assert RulePolicy._get_possible_keys.__module__ == "rasa.core.policies.rule_policy"


@pytest.mark.filterwarnings("ignore:Slot auto-fill has been removed:UserWarning")
def test_rule_policy_finds_the_same_rules_and_predicts_the_same_when_it_stops_early(model, tmp_path):
    """The trained rule policy of our model, loaded as Rasa's own RulePolicy and as
    StoppingRulePolicy, on every turn of our stories and rules, and of long
    conversations made of six of them in a row: the same matching rules and the
    same predictions."""
    import random

    import numpy as np
    import yaml
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
    from rasa.core.training import load_data
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_addons.policies import StoppingRulePolicy
    from tests.model.conftest import ROOT

    # RulePolicy logs every state it looks at through structlog, which prints debug lines
    # unless configured (rasa run configures it): tens of thousands of lines here.
    structlog_config = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    storage, _ = LocalModelStorage.from_model_archive(tmp_path, model)
    configured = next(p for p in yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["policies"]
                      if p["name"] == "rasa_addons.policies.StoppingRulePolicy")
    config = {**RulePolicy.get_default_config(), **{k: v for k, v in configured.items() if k != "name"}}
    resource = Resource("train_rasa_addons.policies.StoppingRulePolicy1")
    context = ExecutionContext(GraphSchema({}), "test")
    rasas_own = RulePolicy.load(dict(config), storage, resource, context)
    ours = StoppingRulePolicy.load(dict(config), storage, resource, context)
    assert type(rasas_own) is RulePolicy and type(ours) is StoppingRulePolicy
    assert ours.lookup == rasas_own.lookup and ours.lookup[RULES]
    domain = Domain.load("domain.yml")
    stories = [list(story.events) for story in load_data("data", domain, augmentation_factor=0)]
    rng = random.Random(7)
    conversations = stories + [sum(rng.sample(stories, 6), []) for _ in range(40)]
    turns = []
    for number, events in enumerate(conversations):
        ends = [i for i, event in enumerate(events) if isinstance(event, ActionExecuted)]
        turns += [DialogueStateTracker.from_events(f"c{number}", events[:end], domain.slots) for end in ends]
    assert len(turns) > 1000 and max(len(t.events) for t in turns) >= 50

    def search(policy):
        found = []
        for tracker in turns:
            states = policy._prediction_states(tracker, domain)
            found.append([policy._get_possible_keys(policy.lookup[part], states) for part in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH)])
        return found

    def predictions(policy):
        return [policy.predict_action_probabilities(tracker, domain) for tracker in turns]

    def without_name(p):
        return (p.probabilities, p.policy_priority, p.events, p.optional_events, p.is_end_to_end_prediction,
                p.is_no_user_prediction, p.hide_rule_turn, p.action_metadata)

    try:
        expected_keys, expected = search(rasas_own), predictions(rasas_own)
        got_keys, got = search(ours), predictions(ours)
    finally:
        structlog.configure(**structlog_config)
    assert got_keys == expected_keys
    assert [without_name(p) for p in got] == [without_name(p) for p in expected]
    assert {p.policy_name for p in expected} == {"RulePolicy"} and {p.policy_name for p in got} == {"StoppingRulePolicy"}
    assert sum(bool(keys[0]) for keys in expected_keys) > 500, "rules match"
    assert sum(np.argmax(p.probabilities) != 0 for p in expected) > 500, "the rules predict actions"
