"""Accounts fail closed: a counsellor or an admin, nothing else; names without
case; strong passwords; disable, enable, reset and list; one session per login.
On SQLite and PostgreSQL."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.accounts.store import AccountStore
from bot.db.engine import create_engine, upgrade
from bot.db.schema import users

ROOT = Path(__file__).resolve().parents[2]
STRONG = "rätt-häst-batteri-häftklammer"


@pytest.fixture
async def store(database_url):
    upgrade(database_url)
    engine = create_engine(database_url)
    yield AccountStore(engine, ["lina", "omar"])
    await engine.dispose()


async def test_an_account_is_a_known_counsellor_or_an_admin(store):
    with pytest.raises(ValueError, match="either"):
        await store.add_user("nobody", STRONG, None, is_admin=False)
    with pytest.raises(ValueError, match="either"):
        await store.add_user("both", STRONG, "lina", is_admin=True)
    with pytest.raises(ValueError, match="no counsellor"):
        await store.add_user("ghost", STRONG, "not-in-content")
    await store.add_user("Lina", STRONG, "lina")
    await store.add_user("chef", STRONG, None, is_admin=True)
    assert await store.list_users() == [("chef", "admin", False), ("lina", "counsellor lina", False)]


@pytest.mark.parametrize("name", ["", "a b", "lina@example.se", "x" * 200])
async def test_a_name_that_cannot_be_an_account_is_just_a_failed_login(store, name):
    assert await store.check_password(name, STRONG) is None


async def test_names_are_unique_without_regard_to_case(store):
    await store.add_user("Lina", STRONG, "lina")
    with pytest.raises(ValueError, match="exists"):
        await store.add_user("LINA", STRONG, "lina")
    assert (await store.check_password("lInA", STRONG)).username == "lina"


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "password1234", "lina12345678", "kort"])
async def test_weak_passwords_are_refused(store, password):
    with pytest.raises(ValueError, match="password"):
        await store.add_user("lina", password, "lina")


async def test_an_account_without_a_role_has_no_access(store):
    # As an account made before roles were required: neither admin nor counsellor.
    await store.add_user("lina", STRONG, "lina")
    async with store.engine.begin() as conn:
        await conn.execute(users.update().values(counsellor_id=None))
    assert await store.check_password("lina", STRONG) is None


async def test_a_new_login_ends_the_older_session_and_disabling_ends_all(store):
    await store.add_user("lina", STRONG, "lina")
    user = await store.check_password("lina", STRONG)
    first = await store.start_session(user)
    second = await store.start_session(user)
    assert await store.session(first) is None
    assert (await store.session(second)).user.username == "lina"
    await store.set_disabled("Lina", True)
    assert await store.session(second) is None
    assert await store.check_password("lina", STRONG) is None
    assert await store.list_users() == [("lina", "counsellor lina", True)]
    await store.set_disabled("lina", False)
    assert await store.check_password("lina", STRONG) is not None


async def test_a_new_password_ends_sessions_and_the_old_one_stops_working(store):
    await store.add_user("lina", STRONG, "lina")
    token = await store.start_session(await store.check_password("lina", STRONG))
    with pytest.raises(ValueError):
        await store.set_password("lina", "aaaaaaaaaaaa")
    await store.set_password("lina", "moln-kaffe-cykel-ekorre")
    assert await store.session(token) is None
    assert await store.check_password("lina", STRONG) is None
    assert await store.check_password("lina", "moln-kaffe-cykel-ekorre") is not None
    with pytest.raises(ValueError, match="no user"):
        await store.set_disabled("nobody", True)


def cli(tmp_path, *args, password=STRONG):
    env = {"PATH": "/usr/bin:/bin", "VARDVAGEN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    return subprocess.run([sys.executable, "-m", "bot.accounts.cli", *args], input=password + "\n",
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_line(tmp_path, database_url):
    assert cli(tmp_path, "add", "Anna", "--counsellor", "lina").returncode == 0
    refused = cli(tmp_path, "add", "bo")
    assert refused.returncode != 0 and "--counsellor" in refused.stderr
    assert "no counsellor" in cli(tmp_path, "add", "bo", "--counsellor", "bo").stderr
    assert "too easy" in cli(tmp_path, "add", "bo", "--admin", password="password1234").stderr
    assert cli(tmp_path, "disable", "ANNA").returncode == 0
    assert cli(tmp_path, "list").stdout.split() == ["anna", "counsellor", "lina", "disabled"]
    assert cli(tmp_path, "enable", "anna").returncode == 0
    assert cli(tmp_path, "reset-password", "anna", password="moln-kaffe-cykel-ekorre").returncode == 0
    assert cli(tmp_path, "list").stdout.split() == ["anna", "counsellor", "lina", "active"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_upgrade_lowers_names_as_logins_do(database_url):
    from datetime import datetime

    from alembic import command
    from sqlalchemy import create_engine as sync_engine, text

    from bot.db.engine import alembic_config, sync_url

    command.upgrade(alembic_config(database_url), "0006")
    engine = sync_engine(sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (username, password_hash, counsellor_id, is_admin, created_at) "
                          "VALUES ('Åsa', 'x', 'lina', 0, :now)"), {"now": datetime(2026, 1, 1)})
    engine.dispose()
    upgrade(database_url)
    engine = sync_engine(sync_url(database_url))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM users")).scalar() == "åsa"
    engine.dispose()
