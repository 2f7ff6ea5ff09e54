"""Build rasa-sdk trackers in code and run actions, without importing rasa."""

import socket
from typing import Any, Dict, Iterable, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.service_client as service_client
from actions.service_client import ServiceClient
from bot.app import create_app
from bot.settings import Settings


def make_tracker(
    text: str = "",
    intent: str = "",
    entities: Iterable[Dict[str, Any]] = (),
    slots: Optional[Dict[str, Any]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
    events: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    return Tracker(
        sender_id="test-user",
        slots=dict(slots or {}),
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [dict(e) for e in entities],
            "intent_ranking": ranking or [],
        },
        events=list(events or []),
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value}


async def run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def slot_events(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
async def service(aiohttp_server, tmp_path, monkeypatch):
    server = await aiohttp_server(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}")))
    client = ServiceClient(base_url=str(server.make_url("")))
    monkeypatch.setattr(service_client, "_client", client)
    yield server
    await client.close()


@pytest.fixture
async def service_down(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = ServiceClient(base_url=f"http://127.0.0.1:{port}")
    monkeypatch.setattr(service_client, "_client", client)
    yield
    await client.close()
