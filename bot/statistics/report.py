"""The statistics for a date range: counts per day or week, topics, feedback.

Reads only the counts (stat_counts) and the feedback table; what the pages
and the CSV show.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Dict, List, Tuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.schema import feedback
from bot.statistics.counts import Count, in_range

CHANNELS = {"web": "Webb", "tablet": "Surfplatta"}
METRICS = {
    "conversations": "Samtal",
    "messages": "Meddelanden",
    "intent": "Ämne",
    "fallback": "Förstod inte",
    "offered_person": "Erbjöd en person",
    "handoffs": "Frågor till en vägledare",
    "bookings": "Bokningar",
    "cancellations": "Avbokningar",
    "interests": "Intresseanmälningar",
    "answered": "Besvarade frågor",
    "answer_seconds": "Svarstid (sekunder, summa)",
    "feedback_up": "Hjälpte (tumme upp)",
    "feedback_down": "Hjälpte inte (tumme ner)",
}


def period_of(day: date, per: str) -> str:
    if per == "week":
        year, week, _ = day.isocalendar()
        return f"{year} v{week:02d}"
    return day.isoformat()


def periods(start: date, end: date, per: str) -> List[str]:
    found, day = [], start
    while day <= end:
        label = period_of(day, per)
        if label not in found:
            found.append(label)
        day += timedelta(days=1)
    return found


@dataclass
class Report:
    start: date
    end: date
    per: str
    periods: List[str]
    # (metric, channel) -> period -> value
    series: Dict[Tuple[str, str], Counter]
    topics: List[Tuple[str, int]]
    feedback: List[Tuple[str, int, int]]  # intent, thumbs up, thumbs down
    counts: List[Count]

    def values(self, metric: str, channel: str = "") -> List[int]:
        found = self.series.get((metric, channel), Counter())
        return [found[p] for p in self.periods]

    def total(self, metric: str, channel: str = "") -> int:
        return sum(self.values(metric, channel))

    def both(self, metric: str) -> List[int]:
        return [w + t for w, t in zip(self.values(metric, "web"), self.values(metric, "tablet"))]

    def share(self, metric: str) -> List[float]:
        """Per period: metric as a percentage of the person's messages."""
        return [100.0 * part / whole if whole else 0.0 for part, whole in zip(self.both(metric), self.both("messages"))]


async def feedback_counts(engine: AsyncEngine, start: date, end: date) -> List[Tuple[date, str, str, bool, int]]:
    c = feedback.c
    query = (select(c.day, c.channel, c.intent, c.helpful, func.count().label("n"))
             .where(c.day >= start, c.day <= end).group_by(c.day, c.channel, c.intent, c.helpful))
    async with engine.connect() as conn:
        return [(r.day, r.channel, r.intent, bool(r.helpful), r.n) for r in await conn.execute(query)]


async def build(engine: AsyncEngine, start: date, end: date, per: str) -> Report:
    counts = await in_range(engine, start, end)
    thumbs = await feedback_counts(engine, start, end)
    series: Dict[Tuple[str, str], Counter] = defaultdict(Counter)
    topics: Counter = Counter()
    for count in counts:
        if count.metric == "intent":
            topics[count.key] += count.value
        else:
            series[(count.metric, count.channel)][period_of(count.day, per)] += count.value
    by_topic: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for day, channel, intent, helpful, n in thumbs:
        by_topic[intent][0 if helpful else 1] += n
        metric = "feedback_up" if helpful else "feedback_down"
        counts.append(Count(day, channel, metric, intent, n))
    return Report(
        start, end, per, periods(start, end, per), series,
        topics.most_common(),
        sorted(((i, up, down) for i, (up, down) in by_topic.items()), key=lambda row: (-(row[1] + row[2]), row[0])),
        sorted(counts, key=lambda c: (c.day, c.channel, c.metric, c.key)),
    )
