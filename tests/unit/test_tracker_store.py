"""rasa_addons/tracker_store.py against Rasa's own SQLTrackerStore, on a SQLite file
and on this machine's PostgreSQL: each reads what the other wrote, with the
same "latest session only" rule, and saving twice stores nothing twice."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.tracker_store import LeanSQLTrackerStore
from tests.databases import postgres_database

ROOT = Path(__file__).resolve().parents[2]
# Rasa 3.6 warns about a 2.x domain key whenever it loads any domain, and
# builds its database URL with a constructor SQLAlchemy 1.4 deprecates.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Slot auto-fill has been removed:UserWarning"),
    pytest.mark.filterwarnings("ignore:Calling URL\\(\\) directly is deprecated"),
]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_args(request, tmp_path) -> Iterator[dict]:
    if request.param == "sqlite":
        yield {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
        return
    with postgres_database() as url:
        parts = sa.engine.make_url(url)
        yield {"dialect": "postgresql", "host": parts.host, "port": parts.port, "db": parts.database,
               "username": parts.username}


def user(text: str, intent: str, at: float) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.93}, timestamp=at,
                       parse_data={"intent": {"name": intent, "confidence": 0.93}, "entities": [], "text": text})


def first_session() -> List[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.0),
        ActionExecuted("action_listen", timestamp=2.0), user("hej", "greet", 3.0),
        ActionExecuted("utter_greet", timestamp=4.0), SlotSet("profession", "underskoterska", timestamp=5.0),
        ActionExecuted("action_listen", timestamp=6.0),
    ]


def second_session() -> List[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=100.0), SessionStarted(timestamp=100.0),
        SlotSet("profession", "underskoterska", timestamp=100.0), ActionExecuted("action_listen", timestamp=101.0),
        user("vad tjanar man", "ask_salary", 102.0),
    ]


def dicts(tracker: DialogueStateTracker) -> List[dict]:
    return [event.as_dict() for event in tracker.events]


def stores(domain: Domain, args: dict) -> Tuple[LeanSQLTrackerStore, SQLTrackerStore]:
    return LeanSQLTrackerStore(domain=domain, **args), SQLTrackerStore(domain=domain, **args)


async def test_each_store_reads_what_the_other_wrote(domain, store_args):
    lean, rasa = stores(domain, store_args)
    events = first_session()
    await lean.save(DialogueStateTracker.from_events("written-by-lean", events, domain.slots))
    await rasa.save(DialogueStateTracker.from_events("written-by-rasa", events, domain.slots))

    for sender in ("written-by-lean", "written-by-rasa"):
        by_lean, by_rasa = await lean.retrieve(sender), await rasa.retrieve(sender)
        assert dicts(by_lean) == dicts(by_rasa) == [e.as_dict() for e in events]
        assert by_lean.get_slot("profession") == "underskoterska"
        assert by_lean.latest_message.intent["name"] == "greet"

    with lean.engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name FROM events ORDER BY id")).all()
    by_sender = {s: [tuple(r[1:]) for r in rows if r[0] == s] for s in ("written-by-lean", "written-by-rasa")}
    assert by_sender["written-by-lean"] == by_sender["written-by-rasa"]
    assert ("user", 3.0, "greet", None) in by_sender["written-by-lean"]


async def test_the_latest_session_only_unless_every_session_is_asked_for(domain, store_args):
    lean, rasa = stores(domain, store_args)
    both = first_session() + second_session()
    await lean.save(DialogueStateTracker.from_events("two-sessions", both, domain.slots))

    latest = await lean.retrieve("two-sessions")
    assert dicts(latest) == dicts(await rasa.retrieve("two-sessions")) == [e.as_dict() for e in second_session()]
    assert latest.latest_message.text == "vad tjanar man"
    full = await lean.retrieve_full_tracker("two-sessions")
    assert dicts(full) == dicts(await rasa.retrieve_full_tracker("two-sessions")) == [e.as_dict() for e in both]
    assert await lean.retrieve("nobody") is None


async def test_saving_stores_only_the_new_events(domain, store_args):
    lean, rasa = stores(domain, store_args)
    tracker = DialogueStateTracker.from_events("growing", first_session(), domain.slots)
    await lean.save(tracker)
    await lean.save(tracker)
    tracker = await lean.retrieve("growing")
    tracker.update(user("tack", "thank", 7.0))
    tracker.update(ActionExecuted("utter_welcome", timestamp=8.0))
    await lean.save(tracker)

    with lean.engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = 'growing'")).scalar_one()
    assert count == len(first_session()) + 2
    assert dicts(await rasa.retrieve("growing")) == dicts(tracker)
    # A new session saved by Rasa's store after ours: ours counts from its start.
    tracker = await rasa.retrieve("growing")
    for event in second_session():
        tracker.update(event)
    await rasa.save(tracker)
    latest = await lean.retrieve("growing")
    assert dicts(latest) == [e.as_dict() for e in second_session()]
    latest.update(ActionExecuted("utter_salary", timestamp=103.0))
    await lean.save(latest)
    assert dicts(await rasa.retrieve("growing")) == dicts(latest)


async def test_sqlite_file_is_in_wal_mode_with_pooled_connections(domain, tmp_path):
    lean = LeanSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    await lean.save(DialogueStateTracker.from_events("wal", first_session(), domain.slots))
    with lean.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
        # 1 = NORMAL: a commit does not wait for the disk.
        assert connection.execute(sa.text("PRAGMA synchronous")).scalar_one() == 1
    assert isinstance(lean.engine.pool, sa.pool.QueuePool)


def statements(store: LeanSQLTrackerStore) -> List[str]:
    """Every SQL statement the store's engine runs from now on."""
    seen: List[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda _conn, _cursor, statement, *_rest: seen.append(statement.lower()))
    return seen


async def test_a_tracker_read_from_the_store_is_saved_without_counting(domain, store_args):
    lean, rasa = stores(domain, store_args)
    await lean.save(DialogueStateTracker.from_events("counted", first_session(), domain.slots))
    seen = statements(lean)

    tracker = await lean.retrieve("counted")
    tracker.update(user("tack", "thank", 7.0))
    await lean.save(tracker)
    tracker.update(ActionExecuted("utter_welcome", timestamp=8.0))
    await lean.save(tracker)
    await lean.save(tracker)

    assert not [s for s in seen if "count(" in s]
    assert len([s for s in seen if s.startswith("insert")]) == 2
    assert dicts(await rasa.retrieve("counted")) == dicts(tracker)
    # A tracker that was not read from the store is still counted.
    await lean.save(DialogueStateTracker.from_events("counted", first_session(), domain.slots))
    assert [s for s in seen if "count(" in s]
    assert dicts(await rasa.retrieve("counted")) == dicts(tracker)


async def test_a_new_session_in_the_same_tracker_saved_twice_is_stored_once(domain, store_args):
    lean, rasa = stores(domain, store_args)
    await lean.save(DialogueStateTracker.from_events("restarted", first_session(), domain.slots))
    tracker = await lean.retrieve("restarted")
    new_session = second_session()
    for event in new_session[:3]:
        tracker.update(event)
    await lean.save(tracker)
    for event in new_session[3:]:
        tracker.update(event)
    await lean.save(tracker)

    with lean.engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = 'restarted'")).scalar_one()
    assert count == len(first_session()) + len(new_session)
    assert dicts(await rasa.retrieve("restarted")) == [e.as_dict() for e in new_session]
    full = await lean.retrieve_full_tracker("restarted")
    assert dicts(full) == [e.as_dict() for e in first_session() + new_session]


async def test_a_conversation_erased_between_read_and_save_is_not_written_back(domain, store_args):
    lean, _ = stores(domain, store_args)
    await lean.save(DialogueStateTracker.from_events("erased", first_session(), domain.slots))
    tracker = await lean.retrieve("erased")
    with lean.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'erased'"))
    tracker.update(user("tack", "thank", 7.0))
    await lean.save(tracker)

    with lean.engine.connect() as connection:
        texts = connection.execute(sa.text(
            "SELECT type_name FROM events WHERE sender_id = 'erased' ORDER BY id")).scalars().all()
    assert texts == ["user"]


async def test_a_failed_save_leaves_the_next_save_to_store_everything_new(domain, store_args):
    lean, rasa = stores(domain, store_args)
    await lean.save(DialogueStateTracker.from_events("failing", first_session(), domain.slots))
    tracker = await lean.retrieve("failing")
    tracker.update(user("tack", "thank", 7.0))
    tracker.update(SlotSet("profession", {"not", "json"}, timestamp=8.0))  # a set: json.dumps refuses it
    with pytest.raises(TypeError):
        await lean.save(tracker)
    tracker.events.pop()
    tracker.update(ActionExecuted("utter_welcome", timestamp=9.0))
    await lean.save(tracker)
    assert dicts(await rasa.retrieve("failing")) == dicts(tracker)


async def test_two_writers_of_one_conversation_both_keep_their_events(domain, store_args):
    """Without the lock (Rasa's /predict, an expired lock): both turns are stored."""
    lean, _ = stores(domain, store_args)
    await lean.save(DialogueStateTracker.from_events("two-writers", first_session(), domain.slots))
    first, second = await lean.retrieve("two-writers"), await lean.retrieve("two-writers")
    first.update(user("tack", "thank", 7.0))
    second.update(user("hej igen", "greet", 8.0))
    await lean.save(first)
    await lean.save(second)
    stored = await lean.retrieve("two-writers")
    assert [e.as_dict() for e in stored.events][-2:] == [user("tack", "thank", 7.0).as_dict(),
                                                         user("hej igen", "greet", 8.0).as_dict()]
    assert len(stored.events) == len(first_session()) + 2
