"""Engine creation and schema migrations (Alembic) for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg2"}


def _with_driver(url: str, drivers: dict) -> str:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in drivers:
        raise ValueError(f"Unsupported database '{backend}': use sqlite or postgresql")
    return parsed.set(drivername=drivers[backend]).render_as_string(hide_password=False)


def async_url(url: str) -> str:
    return _with_driver(url, _ASYNC_DRIVERS)


def sync_url(url: str) -> str:
    return _with_driver(url, _SYNC_DRIVERS)


def create_engine(url: str, own_database: bool = True) -> AsyncEngine:
    """An async engine. `own_database=False` for a database another program
    owns (Rasa's tracker store): its SQLite journal mode is left alone."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_async_engine(async_url(url), pool_pre_ping=True)
    # SQLite: wait for a write lock instead of failing.
    engine = create_async_engine(async_url(url), connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _secure_delete(dbapi_connection, _record) -> None:
        # Deleted rows are overwritten with zeros, not left in free pages
        # (erasure and retention must remove personal data from the file).
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    if own_database:

        @event.listens_for(engine.sync_engine, "connect")
        def _wal(dbapi_connection, _record) -> None:
            # Readers go on while one request writes.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


async def release_deleted(engine: AsyncEngine) -> None:
    """After deleting personal data: SQLite keeps recent pages, deleted rows
    included, in its write-ahead log (the -wal file) until a checkpoint. Copy
    them into the database file and empty the log. PostgreSQL: nothing to do
    here (VACUUM reclaims dead rows; backups are the operator's, see
    docs/operations.md)."""
    if engine.dialect.name != "sqlite":
        return
    async with engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # '%' would be read as interpolation by ConfigParser.
    config.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the schema to the newest version; never drops data."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
