"""Statistics in Chromium against the real stack (issue 20): "Hjälpte svaret?"
in the chat by keyboard, stored as topic and thumb only, web and tablet; the
admin's statistics and failed-questions pages at desktop and tablet size with
axe-core, and a group turned into training examples. Screenshots go to
results/screenshots/ (git-ignored)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from typing import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import ROOT, WAIT_MS, axe_violations, screenshot
from tests.model.test_web_chat import PHRASES, TABLET, open_chat, say, wait_until
from tests.statistics_helpers import HANDOFF_BUTTON, at, bot, plant, today, user

DESKTOP = {"width": 1280, "height": 900}
EXPORT = ROOT / "results" / "statistics-test" / "from_dashboard.yml"
STACK_ENV = {"VARDVAGEN_TRAINING_EXPORT": str(EXPORT)}
ADMIN_PASSWORD = "rätt-häst-batteri-häftklammer"
FALLBACK_RANKING = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "ask_salary", "confidence": 0.2}]


def feedback_rows(stack) -> list:
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        return db.execute("SELECT channel, intent, helpful FROM feedback ORDER BY id").fetchall()


def test_feedback_under_an_answer_by_keyboard_with_a_counsellor_after_a_thumbs_down(context, stack):
    chat = open_chat(context, stack)
    expect(chat.locator(".feedback")).to_have_count(0)  # not under the greeting
    say(chat, "vad tjänar en undersköterska")
    box = chat.locator(".feedback").last
    expect(box).to_be_visible()
    expect(box).to_contain_text("Hjälpte svaret?")
    assert axe_violations(chat.main_frame) == []
    screenshot(chat, "chat-feedback-phone")
    no = box.get_by_role("button", name="Nej, svaret hjälpte inte")
    no.focus()
    chat.keyboard.press("Enter")
    expect(box).to_contain_text("Vill du fråga en vägledare?")
    ask = box.get_by_role("button", name="Fråga en vägledare")
    expect(ask).to_be_focused()
    expect(no).to_have_attribute("aria-pressed", "true")
    rows = wait_until(lambda: feedback_rows(stack), "the feedback in the service's database")
    assert rows == [("web", "ask_salary", 0)]
    with sqlite3.connect(stack.var_dir / "service.db") as db:
        failed = db.execute("SELECT text, reason FROM failed_messages").fetchall()
    assert failed == [("vad tjänar en undersköterska", "thumbs_down")]
    assert axe_violations(chat.main_frame) == []
    screenshot(chat, "chat-feedback-thumbs-down-phone")
    chat.keyboard.press("Enter")
    expect(chat.locator(".msg.bot .text", has_text=PHRASES["ask_handoff_question"]).last).to_be_visible()
    expect(chat.locator(".feedback:not(.given)")).to_have_count(0)  # not under what a button started
    assert chat.errors == []  # type: ignore[attr-defined]


def test_feedback_on_a_tablet_is_counted_as_tablet(browser, stack):
    tablet = browser.new_context(viewport=TABLET, locale="sv-SE")
    tablet.set_default_timeout(WAIT_MS)
    before = len(feedback_rows(stack))
    chat = open_chat(tablet, stack, "?tablet=1")
    say(chat, "vad tjänar en undersköterska")
    chat.locator(".feedback").last.get_by_role("button", name="Ja, svaret hjälpte").click()
    expect(chat.locator(".feedback").last).to_contain_text("Tack för att du svarade!")
    rows = wait_until(lambda: feedback_rows(stack)[before:], "the tablet's feedback")
    assert rows == [("tablet", "ask_salary", 1)]
    tablet.close()


@pytest.fixture(scope="module")
def admin(stack) -> str:
    env = {**os.environ, "VARDVAGEN_DATABASE_URL": f"sqlite:///{stack.var_dir / 'service.db'}"}
    result = subprocess.run([sys.executable, "-m", "bot.accounts.cli", "add", "chef", "--admin"],
                            input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    return "chef"


@pytest.fixture(scope="module")
def last_week(stack) -> Iterator[None]:
    """A week of conversations in the stack's tracker store, counted by the roll-up command."""
    tracker = f"sqlite:///{stack.var_dir / 'tracker.db'}"
    for back in range(2, 9):
        day = today() - timedelta(days=back)
        for n in range(back % 4 + 1):
            plant(tracker, f"web-week-{back}-{n}", at(day, 10, n), [
                user("vad tjänar man", "ask_salary", tablet=n == 1), bot("Lönen är ungefär 27 000 kr."),
                user("kan man ha slöja på jobbet" if n % 2 else "får jag ha min hund med", "nlu_fallback", 0.3,
                     FALLBACK_RANKING),
                bot("Menade du lön?", [HANDOFF_BUTTON])])
    env = {**os.environ, "VARDVAGEN_DATABASE_URL": f"sqlite:///{stack.var_dir / 'service.db'}"}
    result = subprocess.run([sys.executable, "-m", "bot.statistics.rollup", "--tracker-db", tracker],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "Counted 8 days"  # 8 days ago to yesterday, result.stdout + result.stderr
    yield


def log_in(browser, stack, username: str, viewport: dict) -> Page:
    context: BrowserContext = browser.new_context(viewport=viewport, locale="sv-SE")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"{stack.web_url}/dashboard/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    return page


@pytest.mark.parametrize("size_name, size", [("desktop", DESKTOP), ("tablet", TABLET)])
def test_statistics_and_failed_questions_pages(browser, stack, admin, last_week, size_name, size):
    page = log_in(browser, stack, admin, size)
    page.get_by_role("link", name="Statistik").click()
    expect(page.get_by_role("heading", name="Samtal per dag")).to_be_visible()
    frm = (today() - timedelta(days=8)).isoformat()
    page.get_by_label("Från").fill(frm)
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("img", name="Samtal per dag")).to_be_visible()
    assert page.locator("svg rect").count() > 20
    assert "Förstod inte" in page.locator("main").inner_text()
    assert axe_violations(page.main_frame) == []
    screenshot(page, f"statistics-{size_name}", full_page=True)
    page.get_by_role("link", name="Frågor boten inte klarade").click()
    expect(page.get_by_role("heading", name="Frågor som boten inte klarade")).to_be_visible()
    expect(page.locator("main")).to_contain_text("kan man ha slöja på jobbet")
    assert axe_violations(page.main_frame) == []
    screenshot(page, f"failed-questions-{size_name}", full_page=True)
    page.context.close()


def test_an_admin_turns_a_group_of_failed_questions_into_training_examples(browser, stack, admin, last_week):
    EXPORT.unlink(missing_ok=True)
    page = log_in(browser, stack, admin, DESKTOP)
    page.goto(f"{stack.web_url}/dashboard/failed")
    row = page.locator("tr", has_text="kan man ha slöja på jobbet")
    row.get_by_label("Lägg till avsikt").select_option("faq_clothing_religion")
    row.get_by_role("button", name="Lägg till som exempel").click()
    expect(page.get_by_role("status")).to_contain_text("Exemplen är tillagda")
    expect(page.locator("tr", has_text="kan man ha slöja på jobbet")).to_contain_text(
        "Tillagd som exempel på: Kläder och religion")
    assert "- intent: faq_clothing_religion" in EXPORT.read_text(encoding="utf-8")
    assert "    - kan man ha slöja på jobbet" in EXPORT.read_text(encoding="utf-8")
    page.context.close()
