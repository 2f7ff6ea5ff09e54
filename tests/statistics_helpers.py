"""Conversations planted in a real tracker store table, as Rasa writes them,
for the statistics tests (bot/statistics/)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import List, Optional
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, insert

from bot.db.engine import sync_url

ZONE = ZoneInfo("Europe/Stockholm")
HANDOFF_BUTTON = {"title": "Fråga en människa", "payload": "/human_handoff"}

_metadata = MetaData()
# The columns of Rasa 3.6's SQLTrackerStore table.
EVENTS = Table(
    "events", _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> float:
    return datetime.combine(day, time(hour, minute, second), tzinfo=ZONE).timestamp()


def today() -> date:
    return datetime.now(ZONE).date()


def tomorrow_noon() -> datetime:
    return datetime.combine(today() + timedelta(days=1), time(12), tzinfo=ZONE)


def user(text: str, intent: str, confidence: float = 0.9, ranking: Optional[list] = None,
         tablet: bool = False) -> dict:
    parse = {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking or [
        {"name": intent, "confidence": confidence}], "text": text}
    return {"event": "user", "text": text, "parse_data": parse, "metadata": {"tablet": True} if tablet else {}}


def bot(text: str, buttons: Optional[list] = None) -> dict:
    return {"event": "bot", "text": text, "data": {"buttons": buttons}, "metadata": {}}


def action(name: str) -> dict:
    return {"event": "action", "name": name}


def plant(url: str, sender: str, start: float, events: List[dict], step: float = 5.0) -> None:
    """Write the events of one conversation, `step` seconds apart, from `start`."""
    engine = create_engine(sync_url(url))
    _metadata.create_all(engine)
    rows = []
    for index, event in enumerate(events):
        event = {**event, "timestamp": start + index * step}
        rows.append({"sender_id": sender, "type_name": event["event"], "timestamp": event["timestamp"],
                     "intent_name": (event.get("parse_data") or {}).get("intent", {}).get("name"),
                     "action_name": event.get("name"), "data": json.dumps(event)})
    with engine.begin() as conn:
        conn.execute(insert(EVENTS), rows)
    engine.dispose()
