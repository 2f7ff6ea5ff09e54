"""The counsellor dashboard in headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright as tests/model/test_web_chat.py does) against the real
web service (`python -m bot`, no Rasa needed), on SQLite and PostgreSQL:
a counsellor prepares, holds and follows up a meeting from the dashboard
alone; axe-core (WCAG 2.0/2.1 A and AA) finds nothing on any dashboard page
at desktop and tablet size; nothing breaks the Content-Security-Policy.
Screenshots of the start page and a booking at both sizes go to
results/screenshots/ (git-ignored)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Iterator, List
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import create_engine

from bot.db.engine import sync_url
from bot.db.schema import bookings
from bot.db.times import to_db
from tests.browser import ROOT, axe_violations, launched_chromium, screenshot
from tests.unit.dashboard_helpers import PASSWORD
from tests.ports import free_port
from tests.web_service import running_service, service_env
from tests.unit.ticket_helpers import ACTIONS_TOKEN, as_action_server, session

DESKTOP = {"width": 1366, "height": 900}
TABLET = {"width": 768, "height": 1024}
WAIT_MS = 20_000
TZ = ZoneInfo("Europe/Stockholm")
CHAT = session("browser-chat-amina")

expect.set_options(timeout=WAIT_MS)


class Service:
    def __init__(self, url: str, database_url: str) -> None:
        self.url = url
        self.database_url = database_url

    def api(self, method: str, path: str, **kwargs) -> dict:
        response = requests.request(method, f"{self.url}{path}", timeout=10, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()


@pytest.fixture
def service(database_url, tmp_path) -> Iterator[Service]:
    """The bot web service as `make run` starts it, with two counsellors and an admin."""
    env = service_env(free_port(), database_url=database_url, actions_token=ACTIONS_TOKEN)
    for args in (["lina", "--counsellor", "lina"], ["omar", "--counsellor", "omar"], ["admin", "--admin"]):
        made = subprocess.run([sys.executable, "-m", "bot.accounts.cli", "add", *args], input=PASSWORD + "\n",
                              capture_output=True, text=True, cwd=ROOT, env=env)
        assert made.returncode == 0, made.stderr
    with running_service(env, tmp_path / "service.log") as url:
        yield Service(url, database_url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launched_chromium()


def new_context(browser: Browser, size: dict) -> BrowserContext:
    context = browser.new_context(viewport=size, locale="sv-SE")
    context.set_default_timeout(WAIT_MS)
    refused: List[str] = []
    context.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    context.refused = refused  # type: ignore[attr-defined]
    return context


def log_in(context: BrowserContext, service: Service, username: str) -> Page:
    page = context.new_page()
    page.goto(f"{service.url}/dashboard/login")
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    return page


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page.main_frame)
    assert violations == [], f"{page.url}: {violations}"


def seed(service: Service) -> dict:
    """A day's work: a chat booking with answers and a question from the same
    chat, a meeting today, other questions and interest registrations."""
    # Not today, even when the test runs just after midnight: today's meeting is the one below.
    tomorrow = (datetime.now(TZ).date() + timedelta(days=1)).isoformat()
    slot = service.api("GET", "/api/slots", params={"meeting_type": "on_site", "from": tomorrow})["slots"][0]
    booked = service.api("POST", "/api/bookings", headers=as_action_server(CHAT), json={
        "counsellor_id": slot["counsellor_id"], "starts_at": slot["starts_at"], "meeting_type": "on_site",
        "first_name": "Amina", "contact": "amina@example.se", "interpreter": "arabiska",
        "answers": {"track": "vardbitrade_sfi", "sfi_level": "sfi_c", "education": "none", "age": "34"}})
    service.api("POST", "/api/tickets", headers=as_action_server(CHAT),
                json={"question": "Får jag lön under praktiken?", "conversation_id": CHAT})
    service.api("POST", "/api/tickets", json={"question": "Hur lång är utbildningen till undersköterska?"})
    for name in ("Dana", "Elif"):
        service.api("POST", "/api/interests", json={"track_id": "vardbitrade_sfi", "first_name": name,
                                                     "contact": "0701234567", "answers": {}})
    # Today's meeting has started (at midnight, so whenever the test runs): the API
    # books only ahead, so it goes straight into the database.
    today = datetime.now(TZ).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
    engine = create_engine(sync_url(service.database_url))
    with engine.begin() as conn:
        # Through the schema's table, so the time is stored as the service stores it.
        conn.execute(bookings.insert().values(
            reference="TDAY2345", counsellor_id="lina", starts_at=to_db(today), minutes=45, meeting_type="phone",
            first_name="Bashir", contact="+46701234567", calendar_token="token", created_at=to_db(today)))
    engine.dispose()
    return {"booking": booked["reference"], "today": "TDAY2345"}


def test_a_counsellor_prepares_holds_and_follows_up_a_meeting_in_the_dashboard(browser, service):
    made = seed(service)
    for size_name, size in (("desktop", DESKTOP), ("tablet", TABLET)):
        context = new_context(browser, size)
        page = log_in(context, service, "lina")
        expect(page.locator(".stats")).to_contain_text("1 möte i dag")
        expect(page.locator(".stats")).to_contain_text("2 nya frågor")
        expect(page.locator(".stats")).to_contain_text("2 nya intresseanmälningar")
        expect(page.locator("header")).to_contain_text("Exempelkommun")
        assert_accessible(page)
        screenshot(page, f"dashboard-start-{size_name}", full_page=True)
        page.get_by_role("link", name="Bokningar", exact=True).click()
        page.get_by_role("link", name=made["booking"]).click()
        expect(page.get_by_role("heading", name="Möte med Amina")).to_be_visible()
        main = page.locator("main")
        expect(main).to_contain_text("Jobbspår: Vårdbiträde med SFI")
        expect(main).to_contain_text("Vill ha tolk på arabiska.")
        expect(main).to_contain_text("Får jag lön under praktiken?")
        assert_accessible(page)
        screenshot(page, f"dashboard-booking-{size_name}", full_page=True)
        assert context.refused == []  # type: ignore[attr-defined]
        context.close()

    context = new_context(browser, DESKTOP)
    page = log_in(context, service, "lina")
    page.goto(f"{service.url}/dashboard/bookings/{made['booking']}")
    # Prepare: a note.
    page.get_by_label(re.compile("^Anteckning")).fill("Vill jobba natt. Har betyg från Syrien.")
    page.get_by_role("button", name="Spara anteckningen").click()
    expect(page.get_by_role("status")).to_have_text("Anteckningen är sparad.")
    expect(page.get_by_label(re.compile("^Anteckning"))).to_have_value("Vill jobba natt. Har betyg från Syrien.")
    # Move it to another free time.
    old_time = page.locator("dl.facts dd").first.inner_text()
    page.locator("input[name=starts_at]").nth(1).check()
    page.get_by_role("button", name="Flytta mötet").click()
    expect(page.get_by_role("status")).to_contain_text("Mötet är flyttat.")
    assert page.locator("dl.facts dd").first.inner_text() != old_time
    assert_accessible(page)
    # Hold today's meeting, and follow it up.
    page.goto(f"{service.url}/dashboard")
    page.get_by_role("link", name="Bashir").click()
    page.get_by_role("button", name="Kom", exact=True).click()
    expect(page.locator("dl.facts")).to_contain_text("Kom")
    assert_accessible(page)
    # Cancel the first one (the checkbox confirms).
    page.goto(f"{service.url}/dashboard/bookings/{made['booking']}")
    page.get_by_label("Ja, jag vill avboka mötet").check()
    page.get_by_role("button", name="Avboka mötet").click()
    expect(page.get_by_role("heading", name="Mötet är avbokat")).to_be_visible()
    assert_accessible(page)
    # The inbox: search and filter.
    page.get_by_role("link", name="Frågor från chatten").click()
    page.get_by_label("Sök i frågorna eller på kod").fill("undersköterska")
    page.get_by_label("Visa").select_option("new")
    page.get_by_role("button", name="Visa frågorna").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Hur lång är utbildningen")
    assert_accessible(page)
    assert context.refused == []  # type: ignore[attr-defined]
    context.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_dashboard_page_passes_axe_and_shows_focus(browser, service):
    made = seed(service)
    for size in (DESKTOP, TABLET):
        context = new_context(browser, size)
        page = log_in(context, service, "admin")
        paths = ["/dashboard", "/dashboard/bookings", f"/dashboard/bookings/{made['booking']}",
                 f"/dashboard/bookings/{made['today']}", "/dashboard/inbox", "/dashboard/inbox?show=all&sort=oldest",
                 "/dashboard/interests", "/dashboard/interests/vardbitrade_sfi", "/dashboard/blocks",
                 "/dashboard/calendar", "/dashboard/person", "/dashboard/followup", "/dashboard/audit",
                 "/dashboard/bookings/NOSUCH23"]
        for path in paths:
            page.goto(f"{service.url}{path}")
            assert_accessible(page)
        # The keyboard's first stop is the skip link, and focus is drawn.
        page.goto(f"{service.url}/dashboard")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.textContent, "
                                "getComputedStyle(document.activeElement).outlineStyle]")
        assert focused == ["Hoppa till innehållet", "solid"]
        assert context.refused == []  # type: ignore[attr-defined]
        context.close()
