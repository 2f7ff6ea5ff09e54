"""The questions the bot failed: which messages, their cleaned text, groups.

A typed message (not a button) failed when
- it fell back (intent `nlu_fallback`: below FallbackClassifier's threshold),
- its intent was taken with a confidence below REVIEW_CONFIDENCE,
- the person wrote nearly the same again right after the answer (rephrased),
- the next thing the person did was to ask for a person (handoff),
- or the person gave its answer a thumbs-down in the chat (bot/statistics/feedback.py).

The text is cleaned by core/privacy.clean_message (personnummer removed,
long numbers masked) and e-mail addresses are masked; no conversation id is
kept. Similar questions share a group key: the folded words, sorted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Optional

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.schema import failed_messages
from bot.statistics.tracker import Event
from core.privacy import clean_message
from core.text import normalize

FALLBACK_INTENT = "nlu_fallback"
HANDOFF_INTENT = "human_handoff"
# Understood, but barely: above the FallbackClassifier's 0.3 (config.yml), below this.
REVIEW_CONFIDENCE = 0.5
# A message this soon after the previous one, and this much alike, is that one rephrased.
REPHRASE_SECONDS = 120
REPHRASE_LIKENESS = 0.35
EMAIL_MASK = "[dold e-post]"
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
REASONS = {
    "fallback": "Förstod inte",
    "low_confidence": "Osäker",
    "rephrased": "Skrevs om",
    "handoff": "Gick till en person",
    "thumbs_down": "Tumme ner",
}
STATUSES = {"new": "Ny", "needs_content": "Behöver innehåll", "assigned": "Tillagd som exempel på"}


@dataclass(frozen=True)
class Failed:
    text: str
    intent: Optional[str]
    confidence: Optional[float]
    reason: str


@dataclass(frozen=True)
class Group:
    key: str
    text: str
    count: int
    reasons: List[str]
    intent: Optional[str]
    status: str
    assigned_intent: Optional[str]


def cleaned(text: str) -> str:
    """The rule for stored free text (core/privacy.clean_message), and no e-mail address."""
    return _EMAIL.sub(EMAIL_MASK, clean_message(text).text).strip()


def group_key(text: str) -> str:
    """Folded words, sorted, without repeats; "hund-förare" and "hundforare" are one word."""
    return " ".join(sorted(set(normalize(text.replace("-", "")).split())))[:200]


def typed(event: Event) -> bool:
    return event.kind == "user" and bool(event.text) and not event.text.startswith("/")


def best_intent(event: Event) -> tuple:
    """The intent the classifier thought most likely (under a fallback: the best real one)."""
    if event.intent != FALLBACK_INTENT:
        return event.intent, event.confidence
    ranked = [r for r in event.ranking if r.get("name") and r.get("name") != FALLBACK_INTENT]
    return (ranked[0]["name"], ranked[0].get("confidence")) if ranked else (None, None)


def _trigrams(text: str) -> set:
    folded = f" {normalize(text)} "
    return {folded[i:i + 3] for i in range(len(folded) - 2)}


def alike(a: str, b: str) -> bool:
    first, second = _trigrams(a), _trigrams(b)
    if not first or not second or normalize(a) == normalize(b):
        return False
    return len(first & second) / len(first | second) >= REPHRASE_LIKENESS


def _reason(event: Event, later: List[Event]) -> Optional[str]:
    if event.intent == FALLBACK_INTENT:
        return "fallback"
    if event.confidence is not None and event.confidence < REVIEW_CONFIDENCE:
        return "low_confidence"
    answered = False
    for nxt in later:
        if nxt.kind == "bot":
            answered = True
        if nxt.kind != "user":
            continue
        if nxt.intent == HANDOFF_INTENT:
            return "handoff"
        if typed(nxt) and answered and nxt.at - event.at <= REPHRASE_SECONDS and alike(event.text, nxt.text):
            return "rephrased"
        return None
    return None


def find_failed(conversation: List[Event]) -> List[Failed]:
    """The failed typed messages of one conversation (its events in order)."""
    found = []
    for index, event in enumerate(conversation):
        if not typed(event):
            continue
        reason = _reason(event, conversation[index + 1:])
        if reason is None:
            continue
        intent, confidence = best_intent(event)
        text = cleaned(event.text)
        if text:
            found.append(Failed(text, intent, confidence, reason))
    return found


def rows(day: date, failed: List[Failed]) -> List[Dict]:
    return [{"day": day, "text": f.text, "group_key": group_key(f.text) or f.text[:200], "intent": f.intent,
             "confidence": f.confidence, "reason": f.reason, "status": "new", "assigned_intent": None}
            for f in failed]


async def groups(engine: AsyncEngine, start: date, end: date, status: Optional[str] = None) -> List[Group]:
    """Groups of failed messages from start to end (inclusive), the largest first."""
    table = failed_messages
    query = select(table).where(table.c.day >= start, table.c.day <= end).order_by(table.c.id)
    async with engine.connect() as conn:
        found = (await conn.execute(query)).all()
    by_key: Dict[str, list] = {}
    for row in found:
        by_key.setdefault(row.group_key, []).append(row)
    result = []
    for key, members in by_key.items():
        texts: Dict[str, int] = {}
        for row in members:
            texts[row.text] = texts.get(row.text, 0) + 1
        intents = [row.intent for row in members if row.intent]
        latest = members[-1]
        result.append(Group(
            key=key, text=max(texts, key=lambda t: (texts[t], -len(t))), count=len(members),
            reasons=sorted({row.reason for row in members}), intent=max(set(intents), key=intents.count) if intents else None,
            status=latest.status, assigned_intent=latest.assigned_intent,
        ))
    if status:
        result = [g for g in result if g.status == status]
    return sorted(result, key=lambda g: (-g.count, g.text))


async def texts_of(engine: AsyncEngine, key: str) -> List[str]:
    """The different cleaned texts of a group."""
    query = select(failed_messages.c.text).where(failed_messages.c.group_key == key).group_by(failed_messages.c.text)
    async with engine.connect() as conn:
        return [row.text for row in await conn.execute(query.order_by(failed_messages.c.text))]


async def mark(engine: AsyncEngine, key: str, status: str, intent: Optional[str] = None) -> int:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status}")
    async with engine.begin() as conn:
        result = await conn.execute(
            update(failed_messages).where(failed_messages.c.group_key == key)
            .values(status=status, assigned_intent=intent))
    return result.rowcount
