"""The action server entry point (actions/server.py) runs our actions like
`python -m rasa_sdk` and closes the actions' shared HTTP session when it stops."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from core.content import load_content
from tests.unit.ticket_helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases


def start(port: int, service_port: int) -> subprocess.Popen:
    env = {**os.environ, "VARDVAGEN_SERVICE_URL": f"http://127.0.0.1:{service_port}", "SANIC_HOST": "127.0.0.1"}
    return subprocess.Popen([sys.executable, "-m", "actions.server", "--actions", "actions", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("the action server did not start")


def call_action(port: int, name: str, slots: dict) -> dict:
    body = {"next_action": name, "sender_id": "action-server-test", "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": "action-server-test", "slots": slots, "latest_message": {}, "events": [],
                        "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None}}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhook", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_runs_an_action_and_closes_its_http_session_on_stop():
    port = free_port()
    process = start(port, free_port())  # nobody listens on the service port: the bot service is down
    try:
        wait_until_up(port, process)
        answer = call_action(port, "action_show_answer", {"ticket_reference": "KX7PQ3TA"})
        # The action used the shared session, found the service down and said so in Swedish.
        texts = [r.get("text") for r in answer["responses"]]
        assert texts == [PHRASES["handoff_service_down"].format(phone=CONTENT.municipality.phone)]
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert "Unclosed client session" not in output, output
    assert "Unclosed connector" not in output, output
