"""Statistics (issue 20, parts 2-4) over real HTTP on SQLite and PostgreSQL:
the daily roll-up from a real tracker store table, the admin pages and CSV,
the failed questions and their training file, the chat's feedback, and that
none of it holds personal data."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import yaml
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from sqlalchemy import create_engine, select

from bot.db.engine import sync_url
from bot.db.schema import failed_messages, feedback, stat_counts
from bot.keys import CONTENT, STORE
from bot.personal_data import retention
from bot.personal_data.erasure import TRACKER
from bot.settings import Settings
from bot.statistics import rollup
from core.privacy import NUMBER_MASK, REPLACEMENT
from tests.databases import postgres_database
from tests.privacy_search import ISSUE_NUMBERS, NEEDLES, VALID, where_found
from tests.unit.dashboard_helpers import STAFF, book, csrf_of, login
from tests.statistics_helpers import HANDOFF_BUTTON, action, at, bot, plant, today, tomorrow_noon, user
from tests.unit.ticket_helpers import ACTIONS_TOKEN, SESSION_SECRET, ask, session

EMAIL = "amina.karlsson@example.se"
PHONE = "0701234567"
FALLBACK_RANKING = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "ask_salary", "confidence": 0.21}]


@pytest.fixture
def staff():
    return STAFF


@pytest.fixture
def tracker_url(database_url, tmp_path):
    """Rasa's tracker store: its own database, of the same kind as the service's."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture
def settings(database_url, tracker_url, tmp_path):
    return Settings(database_url=database_url, tracker_url=tracker_url, actions_token=ACTIONS_TOKEN,
                    session_secret=SESSION_SECRET, training_export=tmp_path / "nlu" / "from_dashboard.yml")


def counts_of(database_url):
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(select(stat_counts)).all()
    engine.dispose()
    return {(r.channel, r.metric, r.key): r.value for r in rows}


def rows_of(database_url, table):
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.id)).all()
    engine.dispose()
    return rows


async def count_today(client) -> int:
    app = client.server.app
    return await rollup.run_due(app[STORE].engine, app[TRACKER], app[CONTENT].booking.timezone, now=tomorrow_noon())


def plant_week_of_chat(tracker_url):
    day = today()
    plant(tracker_url, "web-a", at(day, 9), [
        user("/greet", "greet"), bot("Hej! Jag heter Vårdvägen.", [{"title": "Jobb", "payload": "/ask_jobs"}]),
        user("vad tjänar man", "ask_salary", 0.93), action("action_tell_salary"), bot("Lönen är ungefär 27 000 kr."),
        user("blablabla kanske", "nlu_fallback", 0.3, FALLBACK_RANKING), action("action_two_stage_fallback"),
        bot("Menade du lön?", [{"title": "Ja", "payload": "/affirm"}, HANDOFF_BUTTON]),
    ])
    plant(tracker_url, "web-b", at(day, 10), [
        user("hur lång är utbildningen till undersköterska", "ask_length", 0.95, tablet=True),
        bot("Utbildningen tar 1,5 år."),
        user("/human_handoff", "human_handoff", 1.0, tablet=True), bot("Skriv din fråga."),
    ])


async def test_the_roll_up_counts_a_day_per_channel_and_topic(client, database_url, tracker_url):
    plant_week_of_chat(tracker_url)
    assert await count_today(client) == 1
    found = counts_of(database_url)
    assert found[("web", "conversations", "")] == 1 and found[("tablet", "conversations", "")] == 1
    assert found[("web", "messages", "")] == 2, "the chat's own /greet is not the person's message"
    assert found[("tablet", "messages", "")] == 2
    assert found[("web", "intent", "ask_salary")] == 1 and found[("tablet", "intent", "human_handoff")] == 1
    assert found[("web", "fallback", "")] == 1 and ("tablet", "fallback", "") not in found
    assert found[("web", "offered_person", "")] == 1


async def test_bookings_interests_questions_answers_and_cancellations_are_counted(client, database_url, tracker_url):
    plant_week_of_chat(tracker_url)
    first = await book(client)
    await book(client, index=1)
    assert (await client.delete(f"/api/bookings/{first['reference']}", json={"contact": PHONE})).status == 204
    interest = {"track_id": "vardbitrade_sfi", "first_name": "Amina", "contact": EMAIL, "answers": {}}
    assert (await client.post("/api/interests", json=interest)).status == 201
    made = await ask(client, "Kan jag jobba natt?")
    await login(client, "admin")
    page = await (await client.get(f"/dashboard/inbox/{made['reference']}")).text()
    answered = await client.post(f"/dashboard/inbox/{made['reference']}/answer",
                                 data={"answer": "Ja, det går.", "csrf_token": csrf_of(page)})
    assert answered.status == 200
    await count_today(client)
    found = counts_of(database_url)
    assert found[("", "bookings", "")] == 2, "counted when made: the cancelled one too"
    assert found[("", "cancellations", "")] == 1
    assert found[("", "handoffs", "")] == 1 and found[("", "answered", "")] == 1
    assert found[("", "interests", "")] == 1
    assert 0 <= found[("", "answer_seconds", "")] < 60, "answered within the test"


async def test_a_day_is_counted_once_and_its_counts_outlive_the_conversations(client, database_url, tracker_url):
    plant_week_of_chat(tracker_url)
    assert await count_today(client) == 1
    before = counts_of(database_url)
    assert await count_today(client) == 0
    app = client.server.app
    later = tomorrow_noon() + timedelta(days=app[CONTENT].privacy.retention_days.conversations + 1)
    purged = await retention.purge(app[STORE].engine, app[TRACKER], app[CONTENT].privacy.retention_days, later)
    assert purged.conversations == 2
    assert counts_of(database_url) == before
    assert rows_of(database_url, failed_messages) == [], "failed questions go with their conversations"


async def test_failed_questions_are_found_cleaned_and_grouped(client, database_url, tracker_url):
    day = today()
    plant(tracker_url, "web-c", at(day, 11), [
        user("kan jag få jobb utan svenska", "ask_requirements", 0.42), bot("Du behöver kunna svenska."),
        user("vad kostar bussen hit", "ask_salary", 0.8), bot("Lönen är ungefär 27 000 kr."),
        user("vad kostar bussen hit då", "ask_salary", 0.8), bot("Lönen är ungefär 27 000 kr."),
        user("får jag ta med min hund", "ask_physical", 0.9), bot("Jobbet är fysiskt."),
        user("/human_handoff", "human_handoff", 1.0), bot("Skriv din fråga."),
    ], step=10)
    for index, sender in enumerate(("web-d", "web-e")):
        plant(tracker_url, sender, at(day, 12, index), [
            user("Vad är en hund-förare?" if index else "vad ar en hundforare", "nlu_fallback", 0.3, FALLBACK_RANKING),
            bot("Menade du lön?", [{"title": "Ja", "payload": "/affirm"}])])
    await count_today(client)
    rows = {r.text: r for r in rows_of(database_url, failed_messages)}
    assert rows["kan jag få jobb utan svenska"].reason == "low_confidence"
    assert rows["vad kostar bussen hit"].reason == "rephrased"
    assert "vad kostar bussen hit då" not in rows
    assert rows["får jag ta med min hund"].reason == "handoff"
    assert rows["vad ar en hundforare"].reason == "fallback" and rows["vad ar en hundforare"].intent == "ask_salary"
    await login(client, "admin")
    page = await (await client.get("/dashboard/failed")).text()
    assert page.count("<tr><th scope=\"row\"") == 4, "the two spellings of the fallback question are one group"
    assert "<td>2</td>" in page


async def test_statistics_and_failed_questions_hold_no_personal_data(client, database_url, tracker_url):
    typed = [f"mitt personnummer är {ISSUE_NUMBERS[0]} och {VALID}", f"ring mig {PHONE} eller {EMAIL}",
             "kort 4111 1111 1111 1111 funkar det"]
    day = today()
    for index, text in enumerate(typed):
        plant(tracker_url, f"web-p{index}", at(day, 13, index), [
            user(text, "nlu_fallback", 0.3, FALLBACK_RANKING), bot("Menade du lön?", [HANDOFF_BUTTON])])
    sender = session("thumbs")
    plant(tracker_url, sender, at(day, 14), [user(f"jag heter Amina {EMAIL} {PHONE}", "ask_salary"), bot("Lönen.")])
    response = await client.post("/chat/feedback", json={"conversation": sender, "helpful": False})
    assert response.status == 200
    await count_today(client)
    texts = [r.text for r in rows_of(database_url, failed_messages)]
    assert len(texts) == 4 and any(REPLACEMENT in t for t in texts) and any(NUMBER_MASK in t for t in texts)
    needles = [*NEEDLES, EMAIL, PHONE, "070-123 45 67"]
    assert where_found(needles, database_urls=[database_url]) == []
    await login(client, "admin")
    for url in ("/dashboard/statistics", "/dashboard/statistics.csv", "/dashboard/failed"):
        shown = await (await client.get(url)).text()
        assert not [n for n in needles if n in shown], url
    assert "[dold e-post]" in await (await client.get("/dashboard/failed")).text()


async def test_statistics_pages_are_for_admins_only(client):
    assert (await client.get("/dashboard/statistics", allow_redirects=False)).status == 302
    assert (await client.get("/dashboard/failed", allow_redirects=False)).status == 302
    await login(client, "lina")
    page = await (await client.get("/dashboard")).text()
    assert "/dashboard/statistics" not in page, "no menu link for a counsellor"
    for url in ("/dashboard/statistics", "/dashboard/statistics.csv", "/dashboard/failed"):
        assert (await client.get(url)).status == 403, url
    for url in ("/dashboard/failed/mark", "/dashboard/failed/assign"):
        posted = await client.post(url, data={"csrf_token": csrf_of(page), "key": "x", "intent": "ask_salary"})
        assert posted.status == 403, url


async def test_the_statistics_page_draws_charts_with_tables_and_a_csv(client, tracker_url):
    plant_week_of_chat(tracker_url)
    await count_today(client)
    await login(client, "admin")
    day = today().isoformat()
    page = await (await client.get(f"/dashboard/statistics?from={day}&to={day}")).text()
    assert page.count('role="img"') == 5 and page.count("<desc") == 5
    assert page.count("<caption>") == 5, "each chart has its numbers as a table"
    assert f"Webb, {day}: 1" in page and f"Surfplatta, {day}: 1" in page
    assert "Förstod inte, " + day + ": 25,0 %" in page, "1 of the 4 messages fell back"
    assert "<title>Hur lång tid tar det?: 1</title>" in page, "each topic is a bar with its readable name (menu.yml topics)"
    assert "ask_length" not in page
    assert "<script" not in page and "style=" not in page
    from core.dates import SHORT_MONTHS, format_short_day

    assert f">{today().day} {SHORT_MONTHS[today().month - 1]}</text>" in page, "the axis says '7 dec', not '12-07'"
    assert f"Summa {format_short_day(today(), today())}" in page
    weekly = await (await client.get(f"/dashboard/statistics?from={day}&to={day}&per=week")).text()
    assert "Samtal per vecka" in weekly
    response = await client.get(f"/dashboard/statistics.csv?from={day}&to={day}")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Period", "Kanal", "Mått", "Ämne", "Antal"]
    assert [day, "Webb", "Samtal", "", "1"] in rows and [day, "Surfplatta", "Ämne", "human_handoff", "1"] in rows


async def test_a_group_is_marked_or_becomes_training_data_rasa_reads(client, database_url, tracker_url, settings):
    day = today()
    for index, text in enumerate(("vad är apl för något", "Vad är APL för något?", "får man ha (skägg) [x]")):
        plant(tracker_url, f"web-t{index}", at(day, 15, index), [
            user(text, "nlu_fallback", 0.3, FALLBACK_RANKING), bot("Menade du lön?", [HANDOFF_BUTTON])])
    await count_today(client)
    await login(client, "admin")
    page = await (await client.get("/dashboard/failed")).text()
    token = csrf_of(page)
    keys = [r.group_key for r in rows_of(database_url, failed_messages)]
    forged = await client.post("/dashboard/failed/assign", data={"csrf_token": "forged", "key": keys[0],
                                                                   "intent": "explain_word"})
    assert forged.status == 403 and not settings.training_export.exists()
    unknown = await client.post("/dashboard/failed/assign", data={"csrf_token": token, "key": keys[0],
                                                                    "intent": "no_such_intent"})
    assert unknown.status == 400 and "<h1>Välj en avsikt</h1>" in await unknown.text(), "a dashboard page, not plain text"
    done = await client.post("/dashboard/failed/assign", data={"csrf_token": token, "key": keys[0], "intent": "explain_word"},
                             allow_redirects=False)
    assert done.status == 303
    await client.post("/dashboard/failed/assign", data={"csrf_token": token, "key": keys[2], "intent": "ask_physical"})
    marked = await client.post("/dashboard/failed/mark", data={"csrf_token": token, "key": keys[2]})
    assert marked.status == 200
    statuses = {r.text: (r.status, r.assigned_intent) for r in rows_of(database_url, failed_messages)}
    assert statuses["vad är apl för något"] == ("assigned", "explain_word")
    assert statuses["får man ha (skägg) [x]"] == ("needs_content", None)
    needing = await (await client.get("/dashboard/failed?status=needs_content")).text()
    assert "får man ha (skägg) [x]" in needing and "vad är apl för något" not in needing
    examples = RasaYAMLReader().read(settings.training_export)
    found = {(m.get("intent"), m.get("text")) for m in examples.intent_examples}
    assert found == {("explain_word", "vad är apl för något"), ("explain_word", "Vad är APL för något?"),
                     ("ask_physical", "får man ha skägg x")}
    assert yaml.safe_load(settings.training_export.read_text())["version"] == "3.1"
    again = await client.post("/dashboard/failed/assign", data={"csrf_token": token, "key": keys[0],
                                                                  "intent": "explain_word"})
    assert "Exemplen fanns redan" in await again.text()
    forged_mark = await client.post("/dashboard/failed/mark", data={"csrf_token": "forged", "key": keys[1]})
    assert forged_mark.status == 403
    assert 'value="">Välj avsikt</option>' in page, "the bot's failed guess is not chosen for the admin"
    log = await (await client.get("/dashboard/audit")).text()
    assert "Lade till frågor som boten inte klarade som träningsexempel" in log and "→ explain_word" in log
    assert "Markerade frågor som boten inte klarade" in log and "apl" not in log.lower(), "no typed words in the log"


async def test_a_training_file_that_cannot_be_written_is_said_not_a_server_error(client, database_url, tracker_url,
                                                                                 settings):
    plant(tracker_url, "web-ro", at(today(), 15), [
        user("vad är apl", "nlu_fallback", 0.3, FALLBACK_RANKING), bot("Menade du lön?", [HANDOFF_BUTTON])])
    await count_today(client)
    await login(client, "admin")
    token = csrf_of(await (await client.get("/dashboard/failed")).text())
    key = rows_of(database_url, failed_messages)[0].group_key
    # A path that cannot be written (tests run as root, so no read-only mode would stop it): a folder.
    settings.training_export.mkdir(parents=True)
    try:
        answer = await client.post("/dashboard/failed/assign", data={"csrf_token": token, "key": key,
                                                                     "intent": "explain_word"})
    finally:
        settings.training_export.rmdir()
    assert answer.status == 200 and "VARDVAGEN_TRAINING_EXPORT" in await answer.text()
    assert rows_of(database_url, failed_messages)[0].status == "new", "not marked as added"


async def test_feedback_stores_the_topic_and_the_thumb_only(client, database_url, tracker_url):
    sender = session("feedback")
    plant(tracker_url, sender, at(today(), 16), [
        user("vad tjänar man", "ask_salary", tablet=True), bot("Lönen är ungefär 27 000 kr.")])
    assert (await client.post("/chat/feedback", json={"conversation": sender, "helpful": True})).status == 200
    again = await client.post("/chat/feedback", json={"conversation": sender, "helpful": True})
    assert again.status == 200
    assert (await client.post("/chat/feedback", json={"conversation": "web-forged", "helpful": True})).status == 403
    assert (await client.post("/chat/feedback", json={"conversation": session("none"), "helpful": True})).status == 404
    assert (await client.post("/chat/feedback", json={"conversation": sender, "helpful": "ja"})).status == 400
    rows = rows_of(database_url, feedback)
    assert [(r.channel, r.intent, r.helpful) for r in rows] == [("tablet", "ask_salary", True)], "one answer, one vote"
    assert set(feedback.c.keys()) == {"id", "day", "channel", "intent", "helpful"}
    await login(client, "admin")
    page = await (await client.get("/dashboard/statistics?from=" + today().isoformat())).text()
    assert '<th scope="row">Lön</th><td>1</td><td>0</td>' in page


def test_the_roll_up_runs_from_the_command_line(database_url, tracker_url):
    yesterday = today() - timedelta(days=1)
    plant(tracker_url, "web-cli", at(yesterday, 10), [user("vad tjänar man", "ask_salary"), bot("Lönen.")])
    env = {**os.environ, "VARDVAGEN_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "bot.statistics.rollup", "--tracker-db", tracker_url]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "Counted 1 days"
    assert subprocess.run(command, capture_output=True, text=True, env=env, timeout=120).stdout.strip() == "Counted 0 days"
    assert counts_of(database_url)[("web", "intent", "ask_salary")] == 1


async def test_the_service_counts_the_finished_days_when_it_starts(aiohttp_client, settings, database_url,
                                                                   tracker_url):
    from bot.app import create_app

    yesterday = today() - timedelta(days=1)
    plant(tracker_url, "web-start", at(yesterday, 9), [user("vad tjänar man", "ask_salary"), bot("Lönen.")])
    await aiohttp_client(create_app(settings))
    assert counts_of(database_url) == {("web", "conversations", ""): 1, ("web", "messages", ""): 1,
                                       ("web", "intent", "ask_salary"): 1}


def test_every_intent_has_a_readable_name_for_the_statistics():
    from bot.statistics.training import known_intents
    from core.content import load_content

    content = load_content()
    intents = [*known_intents(), "nlu_fallback"]
    unnamed = [i for i in intents if content.menu.topic_name(i, content.questions) == i]
    assert unnamed == [], "name them under topics: in content/menu.yml"
