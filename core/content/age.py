"""How old the content is: facts to read again, and dates that have passed.

`python -m core.content` reports both. A fact whose source was checked more
than `municipality.review_months` ago is a warning: it may still be right. A
track start or application deadline in the past is an error: the content
still lists something a person can no longer do (the bot itself never offers
it, see Track.open_starts).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator, List, Tuple

from pydantic import BaseModel

from core.content.model import Content, Source


def _sources(node: Any, where: str) -> Iterator[Tuple[str, Source]]:
    if isinstance(node, Source):
        yield where, node
    elif isinstance(node, BaseModel):
        for name in node.__fields__:
            yield from _sources(getattr(node, name), f"{where}.{name}" if where else name)
    elif isinstance(node, (list, tuple)):
        for index, item in enumerate(node):
            yield from _sources(item, f"{where}[{index}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _sources(item, f"{where}.{key}")


def sources(content: Content) -> List[Tuple[str, Source]]:
    """Every source in the content, with where it is ("professions.professions[0].pay.source")."""
    return list(_sources(content, ""))


def months_between(earlier: date, later: date) -> int:
    """Whole months from one date to a later one."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def stale_facts(content: Content, today: date) -> List[str]:
    limit = content.municipality.review_months
    found = []
    for where, source in sources(content):
        age = months_between(source.checked, today)
        if age >= limit:
            found.append(
                f"{where}: {source.name} ({source.url}) was checked {source.checked.isoformat()}, "
                f"{age} months ago (review_months: {limit}); read it again and update 'checked'"
            )
    return found


def past_dates(content: Content, today: date) -> List[str]:
    found = []
    for i, track in enumerate(content.tracks.tracks):
        for j, start in enumerate(track.starts):
            where = f"tracks.yml: tracks[{i}] ({track.id}).starts[{j}]"
            if start.date < today:
                found.append(f"{where}: the start {start.date.isoformat()} has passed; remove it or add the next one")
            elif start.apply_by < today:
                found.append(f"{where}: the last day to apply, {start.apply_by.isoformat()}, has passed; remove the start or move the day")
        if not track.open_starts(today):
            found.append(f"tracks.yml: tracks[{i}] ({track.id}): no start is open to apply for; add the next one")
    return found
