"""Parts of the assistant stopped in the middle of a conversation: the
action server, the bot web service, the service's PostgreSQL database, and
Rasa itself (stopped, or killed with SIGKILL). Each gives a clear Swedish
answer with the phone number (or, for Rasa, the conversation resumes from the
tracker store), no other part ends, nothing is half-saved, and the
conversation goes on where it was when the part is back.

The processes are started one by one (not by run_stack.py, which stops
everything when one process ends) on free ports, with a private PostgreSQL
server that can be stopped without touching the machine's shared one.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List

import aiohttp
import psycopg2
import pytest

from bench.stack import children, command_line, rasa_workers
from core.content import load_content
from scripts.run_stack import DEFAULT_RASA_WORKERS, stack_commands, stack_environment
from tests.ports import free_port
from tests.model.conftest import ROOT
from tests.pg_cluster import PrivateCluster

CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases
PHONE = CONTENT.municipality.phone


class Processes:
    """The three processes of `make run`, each of which a test can stop and start."""

    def __init__(self, model: Path, var_dir: Path, database_url: str) -> None:
        self.args = argparse.Namespace(
            host="127.0.0.1", web_port=free_port(), rasa_port=free_port(), actions_port=free_port(),
            allowed_origin=None, var_dir=var_dir, rasa_workers=DEFAULT_RASA_WORKERS,
        )
        self.env = {**stack_environment(self.args, var_dir), "VARDVAGEN_DATABASE_URL": database_url}
        self.commands = stack_commands(self.args, model)
        self.log = (var_dir / "processes.log").open("a")
        self.running: Dict[str, subprocess.Popen] = {}
        self.rasa_url = f"http://127.0.0.1:{self.args.rasa_port}"

    def start(self, name: str) -> None:
        command, health = self.commands[name]
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.running[name] = process
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert process.poll() is None, f"{name} stopped while starting (exit {process.returncode})"
            try:
                with urllib.request.urlopen(health, timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        pytest.fail(f"{name} did not start")

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        process.terminate()
        process.wait(timeout=30)

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash or the kernel's out-of-memory killer would: Rasa's workers too."""
        process = self.running.pop(name)
        for pid in [*children(process.pid), process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=30)

    def assert_alive(self) -> None:
        """No part crashed: every process the tests did not stop still runs."""
        ended = {name: process.returncode for name, process in self.running.items() if process.poll() is not None}
        assert ended == {}, f"ended: {ended}"

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)
        self.log.close()


@pytest.fixture(scope="module")
def database() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster(Path(tempfile.mkdtemp(prefix="vardvagen-pg-")))
    cluster.create()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="module")
def parts(model: Path, tmp_path_factory, database: PrivateCluster) -> Iterator[Processes]:
    processes = Processes(model, tmp_path_factory.mktemp("faults"), database.url)
    for name in ("action server", "bot web service", "rasa"):
        processes.start(name)
    yield processes
    processes.stop_all()


async def say(parts: Processes, who: str, text: str) -> List[dict]:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{parts.rasa_url}/webhooks/rest/webhook", json={"sender": who, "message": text},
                                timeout=aiohttp.ClientTimeout(total=60)) as response:
            assert response.status == 200
            return await response.json()


def said(replies: List[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def button(replies: List[dict], fragment: str) -> str:
    return next(b["payload"] for r in replies for b in r.get("buttons") or [] if fragment in b["payload"] + b["title"])


def bookings(database: PrivateCluster) -> int:
    with psycopg2.connect(database.url) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bookings")
        return cursor.fetchone()[0]


async def choose_a_time(parts: Processes, who: str) -> dict:
    """Start a phone booking and pick the first time offered; returns its button."""
    replies = await say(parts, who, "jag vill boka en tid")
    replies = await say(parts, who, button(replies, "phone"))
    replies = await say(parts, who, button(replies, '"interpreter_wanted": "no"'))
    chosen = next(b for r in replies for b in r.get("buttons") or [] if "slot_choice" in b["payload"])
    replies = await say(parts, who, chosen["payload"])
    assert PHRASES["ask_first_name"] in said(replies)
    return chosen


@contextlib.contextmanager
def stopped(parts: Processes, name: str) -> Iterator[None]:
    """`name` is stopped inside the block (no other part may end meanwhile) and started after it."""
    parts.stop(name)
    try:
        yield
        parts.assert_alive()
    finally:
        parts.start(name)


async def book_until_confirmation(parts: Processes, who: str) -> List[dict]:
    replies = await say(parts, who, "jag vill boka en tid")
    replies = await say(parts, who, button(replies, "phone"))
    replies = await say(parts, who, button(replies, '"interpreter_wanted": "no"'))
    replies = await say(parts, who, button(replies, "slot_choice"))
    await say(parts, who, "Amina")
    replies = await say(parts, who, "0701234567")
    assert PHRASES["ask_booking_confirmed"] in said(replies)
    return replies


async def test_bot_service_stopped_mid_booking(parts: Processes, database: PrivateCluster):
    who = "fault-service-1"
    replies = await say(parts, who, "jag vill boka en tid")
    assert PHRASES["ask_meeting_type"] in said(replies)
    replies = await say(parts, who, button(replies, "phone"))
    assert PHRASES["ask_interpreter_wanted"] in said(replies)
    with stopped(parts, "bot web service"):
        # The next question lists free times from the service.
        replies = await say(parts, who, button(replies, '"interpreter_wanted": "no"'))
        assert PHRASES["booking_service_down"].format(phone=PHONE) in said(replies)
    assert bookings(database) == 0
    # Back again: the same conversation books.
    replies = await book_until_confirmation(parts, who)
    replies = await say(parts, who, "ja")
    assert "Din kod är" in said(replies) and bookings(database) == 1


async def test_database_stopped_before_the_booking_is_confirmed(parts: Processes, database: PrivateCluster):
    who = "fault-database-1"
    before = bookings(database)
    await book_until_confirmation(parts, who)
    database.stop()
    try:
        replies = await say(parts, who, "ja")
        assert PHRASES["booking_service_down"].format(phone=PHONE) in said(replies)
        parts.assert_alive()
    finally:
        database.start()
    assert bookings(database) == before  # nothing half-saved
    replies = await book_until_confirmation(parts, who)
    replies = await say(parts, who, "ja")
    assert "Din kod är" in said(replies) and bookings(database) == before + 1


async def test_action_server_stopped_mid_conversation(parts: Processes):
    who = "fault-actions-1"
    replies = await say(parts, who, "vad gor en underskoterska")
    assert replies
    with stopped(parts, "action server"):
        replies = await say(parts, who, "hur mycket tjanar en underskoterska")
        assert PHRASES["no_answer"].format(phone=PHONE) in said(replies)
    replies = await say(parts, who, "hur mycket tjanar en underskoterska")
    assert "kronor" in said(replies)


async def test_action_server_stopped_in_the_booking_form_keeps_what_was_filled_in(parts: Processes, database: PrivateCluster):
    who = "fault-actions-form-1"
    before = bookings(database)
    chosen = await choose_a_time(parts, who)
    replies = await say(parts, who, "Amina")
    assert PHRASES["ask_contact"] in said(replies)
    with stopped(parts, "action server"):
        replies = await say(parts, who, "0701234567")
        assert PHRASES["no_answer"].format(phone=PHONE) in said(replies)
    # The same answer again: the form goes on from the same question, with the time and name kept.
    replies = await say(parts, who, "0701234567")
    summary = said(replies)
    assert PHRASES["ask_booking_confirmed"] in summary and chosen["title"] in summary and "Amina" in summary, summary
    assert bookings(database) == before
    replies = await say(parts, who, "ja")
    assert "Din kod är" in said(replies) and bookings(database) == before + 1


async def test_rasa_restarted_mid_walk_through_resumes_from_the_tracker_store(parts: Processes):
    who = "fault-rasa-1"
    await say(parts, who, "kan jag bli underskoterska")
    replies = await say(parts, who, "sfi d")
    assert PHRASES["ask_education"] in said(replies)
    parts.stop("rasa")
    parts.start("rasa")
    # The walk-through goes on where it was: the answer fills the question asked before the restart.
    replies = await say(parts, who, '/inform{"education": "grundskola"}')
    assert PHRASES["ask_experience"] in said(replies)


async def test_rasa_killed_mid_booking_resumes_from_the_tracker_store(parts: Processes, database: PrivateCluster):
    who = "fault-rasa-killed-1"
    before = bookings(database)
    chosen = await choose_a_time(parts, who)
    parts.kill("rasa")
    parts.start("rasa")
    replies = await say(parts, who, "Amina")
    assert PHRASES["ask_contact"] in said(replies), said(replies)
    replies = await say(parts, who, "0701234567")
    assert chosen["title"] in said(replies) and "Amina" in said(replies)
    replies = await say(parts, who, "ja")
    assert "Din kod är" in said(replies) and bookings(database) == before + 1


def test_rasa_told_to_stop_while_its_workers_load_the_model_stops(model: Path, tmp_path):
    """SIGTERM while the forked workers still load the model: every Rasa process ends."""
    processes = Processes(model, tmp_path, "sqlite:///" + str(tmp_path / "service.db"))
    command, _ = processes.commands["rasa"]
    rasa = subprocess.Popen(command, cwd=ROOT, env=processes.env, stdout=processes.log, stderr=subprocess.STDOUT)
    workers: List[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers := rasa_workers(rasa.pid)) < DEFAULT_RASA_WORKERS:
            assert rasa.poll() is None and time.monotonic() < deadline, "Rasa did not start its workers"
            time.sleep(0.2)
        assert not port_answers(processes.rasa_url), "the workers should still be loading"
        rasa.terminate()
        assert rasa.wait(timeout=30) == 0
        time.sleep(1)
        assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []
    finally:
        for pid in {*workers, *children(rasa.pid)}:  # whatever is still Rasa
            try:
                if "rasa" in command_line(pid):
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        rasa.kill()
        rasa.wait()
        processes.log.close()


def port_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False
