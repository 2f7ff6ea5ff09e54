"""Reading Rasa's tracker store (its `events` table) for the statistics.

Only what the statistics need: the user messages and the bot's messages and
actions of a time window, in order, as small records. The text is read but
never written anywhere except, cleaned, into the failed questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

_tracker = MetaData()
events = Table(
    "events",
    _tracker,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

_KINDS = ("user", "bot", "action")
HANDOFF_PAYLOAD = "/human_handoff"


@dataclass
class Event:
    sender: str
    kind: str  # user, bot or action
    at: float
    text: str = ""
    intent: Optional[str] = None
    confidence: Optional[float] = None
    ranking: List[Dict] = field(default_factory=list)
    tablet: bool = False
    action: Optional[str] = None
    offers_person: bool = False


def _event(sender: str, kind: str, at: float, raw: str) -> Event:
    data = json.loads(raw or "{}")
    if kind == "action":
        return Event(sender, kind, at, action=data.get("name"))
    if kind == "bot":
        buttons = (data.get("data") or {}).get("buttons") or []
        offers = any(str(b.get("payload", "")).startswith(HANDOFF_PAYLOAD) for b in buttons if isinstance(b, dict))
        return Event(sender, kind, at, text=data.get("text") or "", offers_person=offers)
    parsed = data.get("parse_data") or {}
    intent = parsed.get("intent") or {}
    metadata = data.get("metadata") or {}
    return Event(
        sender, kind, at, text=data.get("text") or "", intent=intent.get("name"),
        confidence=intent.get("confidence"), ranking=list(parsed.get("intent_ranking") or []),
        tablet=isinstance(metadata, dict) and metadata.get("tablet") is True,
    )


async def has_events(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync: inspect(sync).has_table("events"))


async def read(engine: AsyncEngine, start: float, end: float) -> Dict[str, List[Event]]:
    """Each conversation's messages and actions with start <= timestamp < end, in order."""
    if not await has_events(engine):
        return {}
    query = (
        select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data)
        .where(events.c.timestamp >= start, events.c.timestamp < end, events.c.type_name.in_(_KINDS))
        .order_by(events.c.sender_id, events.c.id)
    )
    found: Dict[str, List[Event]] = {}
    async with engine.connect() as conn:
        for row in await conn.execute(query):
            found.setdefault(row.sender_id, []).append(_event(row.sender_id, row.type_name, row.timestamp, row.data))
    return found


async def first_timestamp(engine: AsyncEngine) -> Optional[float]:
    if not await has_events(engine):
        return None
    async with engine.connect() as conn:
        return (await conn.execute(select(events.c.timestamp).order_by(events.c.timestamp).limit(1))).scalar()


async def last_user_event(engine: AsyncEngine, sender: str) -> Optional[Event]:
    """The conversation's latest message from the person (the topic of the answer under it)."""
    if not await has_events(engine):
        return None
    query = (
        select(events.c.timestamp, events.c.data)
        .where(events.c.sender_id == sender, events.c.type_name == "user")
        .order_by(events.c.id.desc()).limit(1)
    )
    async with engine.connect() as conn:
        row = (await conn.execute(query)).first()
    return None if row is None else _event(sender, "user", row.timestamp, row.data)
