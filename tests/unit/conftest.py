"""Fixtures the unit tests share; pytest finds them here, nothing imports them.

`client` is the web service over real HTTP, made from `settings` (by default
on SQLite and on PostgreSQL, through `database_url`) with the dashboard users
in `staff` (by default none: argon2 makes each one slow). A test module
overrides `settings` or `staff` by defining a fixture of that name.
"""

import pytest
from aiosmtpd.controller import Controller

import actions.service_client as service_client
from actions.service_client import ServiceClient
from bot.app import create_app
from bot.keys import ACCOUNTS
from bot.settings import Settings
from tests.unit.dashboard_helpers import PASSWORD
from tests.ports import free_port
from tests.unit.ticket_helpers import ACTIONS_TOKEN, SESSION_SECRET, Inbox


@pytest.fixture
def settings(database_url):
    return Settings(database_url=database_url, actions_token=ACTIONS_TOKEN, session_secret=SESSION_SECRET)


@pytest.fixture
def staff():
    """(username, counsellor id or None, is admin) of the users `client` makes, all with PASSWORD."""
    return ()


@pytest.fixture
async def client(aiohttp_client, settings, staff):
    app = create_app(settings)
    client = await aiohttp_client(app)
    for username, counsellor_id, is_admin in staff:
        await app[ACCOUNTS].add_user(username, PASSWORD, counsellor_id, is_admin=is_admin)
    return client


@pytest.fixture
async def service(aiohttp_server, tmp_path, monkeypatch):
    """The web service on SQLite, and the actions' ServiceClient pointed at it."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}", actions_token=ACTIONS_TOKEN)
    server = await aiohttp_server(create_app(settings))
    # As the action server: it proves itself with the token and names each conversation.
    client = ServiceClient(base_url=str(server.make_url("")), token=ACTIONS_TOKEN)
    monkeypatch.setattr(service_client, "_client", client)
    yield server
    await client.close()


@pytest.fixture
async def service_down(monkeypatch):
    """The actions' ServiceClient pointed at a port where nobody listens."""
    client = ServiceClient(base_url=f"http://127.0.0.1:{free_port()}")
    monkeypatch.setattr(service_client, "_client", client)
    yield
    await client.close()


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (no TLS) for the test; yields (port, inbox)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
