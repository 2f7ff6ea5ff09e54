"""Fixtures for tests that need the trained model: kept together because
loading TensorFlow and the model is slow on two cores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext

from scripts.model import model_path
from tests.browser import PHONE, WAIT_MS, launched_chromium
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
QUIET_ENV = {
    **os.environ,
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TQDM_DISABLE": "1",
    "PYTHONPATH": str(ROOT),
}
# Set by tests/model/test_conversations.py: the conversation suite's pass rate.
CONVERSATION_SUMMARY = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, config):
    line = config.stash.get(CONVERSATION_SUMMARY, None)
    if line:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def model() -> Path:
    path = model_path()
    if not path.exists():
        pytest.fail(f"No model for the current training data ({path.name}). Run `make train` first.")
    return path


@dataclass
class Stack:
    process: subprocess.Popen
    web_url: str
    rasa_url: str
    actions_url: str
    var_dir: Path
    output: Path


@pytest.fixture(scope="module")
def stack(model: Path, tmp_path_factory, request) -> Iterator[Stack]:
    """The whole assistant, started the way `make run` starts it.

    A test module may set STACK_ENV (a dict) for settings of its own stack."""
    var_dir = tmp_path_factory.mktemp("var")
    output = var_dir / "stack.log"
    ports = {"--web-port": free_port(), "--rasa-port": free_port(), "--actions-port": free_port()}
    command = [str(BIN / "python"), "scripts/run_stack.py", "--var-dir", str(var_dir), "--model", str(model)]
    for flag, port in ports.items():
        command += [flag, str(port)]
    log = output.open("w")
    env = {**QUIET_ENV, **getattr(request.module, "STACK_ENV", {})}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 240
    while "Vårdvägen is running" not in output.read_text(encoding="utf-8", errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("The stack did not start:\n" + output.read_text(encoding="utf-8", errors="replace")[-4000:])
        time.sleep(0.5)
    stack = Stack(
        process=process,
        web_url=f"http://127.0.0.1:{ports['--web-port']}",
        rasa_url=f"http://127.0.0.1:{ports['--rasa-port']}",
        actions_url=f"http://127.0.0.1:{ports['--actions-port']}",
        var_dir=var_dir,
        output=output,
    )
    yield stack
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()


# ---- the browser tests' Chromium (tests/browser.py) ------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launched_chromium()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized page context in Swedish."""
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()
