"""How times are stored: naive UTC in every database (schema.py says so)."""

from datetime import datetime, timezone


def to_db(moment: datetime) -> datetime:
    """Aware -> naive UTC, the form stored in every database."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def from_db(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc)
