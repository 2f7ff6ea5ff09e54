"""Admins see who viewed or exported whose data; the log holds no whole contact."""

import pytest

from tests.unit.dashboard_helpers import STAFF, csrf_of, login
from tests.unit.ticket_helpers import ask


@pytest.fixture
def staff():
    return STAFF


async def test_views_and_exports_are_logged_and_only_admins_read_the_log(client):
    ticket = await ask(client, "Kan jag jobba natt?", contact="amina@example.se")
    await login(client, "lina")
    assert (await client.get(f"/dashboard/inbox/{ticket['reference']}")).status == 200
    page = await (await client.get("/dashboard/person")).text()
    export = await client.post("/dashboard/person", data={"contact": "070-123 45 67", "csrf_token": csrf_of(page)})
    assert export.status == 200
    assert (await client.get("/dashboard/interests/vardbitrade_sfi.csv")).status == 200
    refused = await client.get("/dashboard/audit")
    assert refused.status == 403, "a counsellor does not read the audit log"

    await login(client, "admin")
    log = await (await client.get("/dashboard/audit")).text()
    assert "Granskningslogg" in log and "lina" in log
    assert ticket["reference"] in log and "Läste en fråga från chatten" in log
    assert "Exporterade en persons uppgifter" in log and "+4670…67" in log
    assert "0701234567" not in log and "+46701234567" not in log, "no whole contact in the log"
    assert "Exporterade intresseanmälningar (CSV)" in log and "vardbitrade_sfi" in log
    assert log.index("Exporterade intresseanmälningar") < log.index("Läste en fråga"), "newest first"
