"""The bot web service as a process of its own (`python -m bot`), for tests
that drive it from outside: a browser, or another program."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator

import pytest
import requests


ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 60


def service_env(port: int, **settings: str) -> Dict[str, str]:
    """The environment of a service on 127.0.0.1:`port`, with VARDVAGEN_* settings added."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "VARDVAGEN_HOST": "127.0.0.1", "VARDVAGEN_PORT": str(port),
            **{f"VARDVAGEN_{name.upper()}": value for name, value in settings.items()}}


@contextmanager
def running_service(env: Dict[str, str], log_path: Path) -> Iterator[str]:
    """Starts the service with `env`, waits until /health answers, yields its
    address and stops it afterwards. A service that does not start fails the
    test with its log."""
    url = f"http://127.0.0.1:{env['VARDVAGEN_PORT']}"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    if requests.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("The service did not start:\n" + log_path.read_text())
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


