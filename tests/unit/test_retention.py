"""The retention job deletes exactly what is due, in the service database and
in Rasa's tracker store table, on SQLite and PostgreSQL."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text

from core.content import load_content
from bot.personal_data.retention import purge
from bot.db.engine import create_engine, sync_url, upgrade
from tests.databases import sqlite_url

RETENTION = load_content().privacy.retention_days  # 30 / 180 / 30 / tickets 90 days
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.utc)


def fill(url):
    upgrade(url)
    engine = create_sync_engine(sync_url(url))
    day = timedelta(days=1)
    with engine.begin() as conn:
        for ref, start in [("OLDMEET1", NOW - 31 * day), ("EDGEMEET", NOW - 29 * day), ("FUTURE22", NOW + 5 * day)]:
            conn.execute(
                text(
                    "INSERT INTO bookings (reference, counsellor_id, starts_at, minutes, meeting_type, first_name,"
                    " contact, calendar_token, created_at) VALUES (:r, 'lina', :s, 45, 'phone', 'A', '+46701234567', 't', :c)"
                ),
                {"r": ref, "s": start.replace(tzinfo=None), "c": (NOW - 60 * day).replace(tzinfo=None)},
            )
        for ref, made in [("OLDINTR1", NOW - 181 * day), ("NEWINTR1", NOW - 179 * day)]:
            conn.execute(
                text(
                    "INSERT INTO interests (reference, track_id, first_name, contact, answers, created_at)"
                    " VALUES (:r, 'vardbitrade_sfi', 'A', '+46701234567', '{}', :c)"
                ),
                {"r": ref, "c": made.replace(tzinfo=None)},
            )
        for ref, made in [("OLDTICK1", NOW - 91 * day), ("NEWTICK1", NOW - 89 * day)]:
            conn.execute(
                text(
                    "INSERT INTO tickets (reference, question, contact, summary, transcript, status, created_at)"
                    " VALUES (:r, 'Fråga?', 'a@example.se', '{}', '[]', 'answered', :c)"
                ),
                {"r": ref, "c": made.replace(tzinfo=None)},
            )
        for code, expires in [("expired-link-1", NOW - day), ("valid-link-01", NOW + day)]:
            conn.execute(
                text(
                    "INSERT INTO followups (code, label, created_by, created_at, expires_at)"
                    " VALUES (:code, 'Amina', 'lina', :c, :e)"
                ),
                {"code": code, "c": (expires - 60 * day).replace(tzinfo=None), "e": expires.replace(tzinfo=None)},
            )
        # Rasa's own table, as SQLTrackerStore makes it.
        conn.execute(text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255)"
            " NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
        ))
        rows = [("old-chat", 40), ("old-chat", 35), ("active-chat", 45), ("active-chat", 2), ("new-chat", 1)]
        for i, (sender, days_ago) in enumerate(rows):
            conn.execute(
                text("INSERT INTO events (id, sender_id, type_name, timestamp) VALUES (:i, :s, 'user', :t)"),
                {"i": i + 1, "s": sender, "t": (NOW - days_ago * day).timestamp()},
            )
    return engine


async def test_purge_deletes_exactly_what_is_due(database_url):
    engine = fill(database_url)
    service = create_engine(database_url)
    try:
        result = await purge(service, service, RETENTION, now=NOW)
    finally:
        await service.dispose()
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT reference FROM bookings")).scalars()) == ["EDGEMEET", "FUTURE22"]
        assert conn.execute(text("SELECT reference FROM interests")).scalars().all() == ["NEWINTR1"]
        assert conn.execute(text("SELECT reference FROM tickets")).scalars().all() == ["NEWTICK1"]
        assert conn.execute(text("SELECT code FROM followups")).scalars().all() == ["valid-link-01"]
        assert sorted(set(conn.execute(text("SELECT sender_id FROM events")).scalars())) == ["active-chat", "new-chat"]
        # A conversation is kept whole while its last message is recent.
        assert conn.execute(text("SELECT count(*) FROM events WHERE sender_id = 'active-chat'")).scalar() == 2
    engine.dispose()
    assert (result.bookings, result.interests, result.conversations, result.tickets, result.followups) == (1, 1, 1, 1, 1)


def test_tickets_are_kept_90_days_unless_content_says_otherwise():
    assert RETENTION.tickets == 90
    from core.content.model import Retention

    assert Retention(bookings_after_meeting=30, interests=180, conversations=30).tickets == 90


async def test_no_tracker_table_yet_deletes_nothing(tmp_path):
    url = sqlite_url(tmp_path)
    upgrade(url)
    engine = create_engine(url)
    try:
        result = await purge(engine, engine, RETENTION, now=NOW)
    finally:
        await engine.dispose()
    assert (result.bookings, result.interests, result.conversations, result.tickets) == (0, 0, 0, 0)
