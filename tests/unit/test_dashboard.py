"""The counsellor dashboard over real HTTP: login required, argon2 passwords,
CSRF on every form, a counsellor sees their own bookings."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.dashboard_helpers import PASSWORD, STAFF, book, csrf_of, login, shown

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def staff():
    return STAFF


async def test_dashboard_requires_login(client):
    response = await client.get("/dashboard", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/dashboard/login"


async def test_wrong_password_is_refused(client):
    response = await login(client, password="fel lösenord här")
    assert response.status == 401 and "Fel användarnamn eller lösenord." in await response.text()
    assert (await login(client, username="nobody")).status == 401


async def test_login_form_without_its_csrf_token_is_refused(client):
    await client.get("/dashboard/login")
    response = await client.post(
        "/dashboard/login", data={"username": "lina", "password": PASSWORD, "csrf_token": "guess"}, allow_redirects=False
    )
    assert response.status == 403


async def test_counsellor_sees_own_bookings_and_logs_out_with_csrf(client):
    slot = await book(client)  # on site: Lina's
    response = await login(client)
    assert response.status == 302
    cookie = response.cookies["vv_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    page = await (await client.get("/dashboard/bookings")).text()
    assert shown(slot) in page and "Amina" in page
    forged = await client.post("/dashboard/logout", data={"csrf_token": "forged"}, allow_redirects=False)
    assert forged.status == 403
    out = await client.post("/dashboard/logout", data={"csrf_token": csrf_of(page)}, allow_redirects=False)
    assert out.status == 302
    assert (await client.get("/dashboard", allow_redirects=False)).status == 302


async def test_the_booking_list_says_whether_an_interpreter_is_wanted_and_which_language(client):
    await book(client, interpreter="arabiska")
    await book(client, index=1)
    await login(client)
    page = await (await client.get("/dashboard/bookings")).text()
    assert '<th scope="col">Tolk</th>' in page
    assert "<td>Tolk: arabiska</td>" in page and "<td>Ingen tolk</td>" in page


async def test_a_counsellor_does_not_see_anothers_bookings(client):
    slot = await book(client)  # Lina's
    await login(client, username="omar")
    page = await (await client.get("/dashboard/bookings")).text()
    assert shown(slot) not in page and "Inga bokade tider." in page


async def test_password_is_stored_as_argon2(client, database_url):
    from sqlalchemy import create_engine, text

    from bot.db.engine import sync_url

    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM users")).scalars().all()
    engine.dispose()
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_cli_creates_a_user(tmp_path):
    env = {"VARDVAGEN_DATABASE_URL": f"sqlite:///{tmp_path / 'service.db'}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.accounts.cli", "add", "anna", "--counsellor", "lina"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env,
    )
    assert result.returncode == 0, result.stderr
    short = subprocess.run(
        [sys.executable, "-m", "bot.accounts.cli", "add", "bo", "--admin"], input="kort\n", capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert short.returncode == 1 and "12 characters" in short.stderr
