"""The database going away while the service runs: a clear Swedish 503 with
the phone number, not a bare 500; and the service works again when it is back."""

import psycopg2

from bot.app import create_app
from core.content import load_content
from bot.settings import Settings
from tests.databases import POSTGRES_ADMIN_URL, postgres_database

CONTENT = load_content()
DOWN = CONTENT.phrases.phrases["service_down"].format(phone=CONTENT.municipality.phone)


def cut_connections(database_url: str) -> None:
    """What a PostgreSQL restart does to the service: every connection is closed."""
    name = database_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(POSTGRES_ADMIN_URL)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("ALTER DATABASE \"%s\" WITH ALLOW_CONNECTIONS false" % name)
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    admin.close()


def allow_connections(database_url: str) -> None:
    name = database_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(POSTGRES_ADMIN_URL)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("ALTER DATABASE \"%s\" WITH ALLOW_CONNECTIONS true" % name)
    admin.close()


async def test_a_lost_database_gives_a_swedish_503_and_the_service_recovers(aiohttp_client):
    with postgres_database() as url:
        client = await aiohttp_client(create_app(Settings(database_url=url)))
        assert (await client.get("/api/slots", params={"meeting_type": "phone"})).status == 200
        cut_connections(url)
        try:
            for path in ("/api/slots?meeting_type=phone", "/api/tickets/ABCDEFGH"):
                response = await client.get(path)
                assert response.status == 503, path
                assert (await response.json())["message"] == DOWN
                assert response.headers["Retry-After"] == "30"
            page = await client.get("/dashboard/login")
            assert page.status == 200  # the login form needs no database
        finally:
            allow_connections(url)
        response = await client.get("/api/slots", params={"meeting_type": "phone"})
        assert response.status == 200  # a new connection is made when the database is back
        await client.close()


def test_only_a_lost_connection_counts_as_the_database_being_down():
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    from bot.errors import database_unreachable

    assert database_unreachable(OperationalError("SELECT 1", {}, ConnectionRefusedError("refused")))
    assert database_unreachable(ConnectionRefusedError())
    assert not database_unreachable(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not database_unreachable(ProgrammingError("SELECT", {}, Exception("syntax error")))
    assert not database_unreachable(ValueError("a bug"))
