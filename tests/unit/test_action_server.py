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
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "action-server-test-token"
CONTENT = load_content()
PHRASES = CONTENT.phrases.phrases


def start(port: int, service_port: int) -> subprocess.Popen:
    env = {**os.environ, "VARDVAGEN_SERVICE_URL": f"http://127.0.0.1:{service_port}", "VARDVAGEN_ACTIONS_TOKEN": TOKEN}
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


def call_action(port: int, name: str, slots: dict, token: str = TOKEN) -> dict:
    body = {"next_action": name, "sender_id": "action-server-test", "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": "action-server-test", "slots": slots, "latest_message": {}, "events": [],
                        "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None}}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhook", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "X-Vardvagen-Actions-Token": token})
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


def listening_addresses(port: int) -> list:
    """Local addresses (hex, as the kernel writes them) of sockets listening on this port."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def test_only_a_caller_with_the_token_runs_actions_and_only_on_loopback():
    port = free_port()
    process = start(port, free_port())
    try:
        wait_until_up(port, process)
        for token in ("", "wrong-token-of-some-length"):
            try:
                call_action(port, "action_show_answer", {"ticket_reference": "KX7PQ3TA"}, token=token)
                raise AssertionError("an action ran without the token")
            except urllib.error.HTTPError as error:
                assert error.code == 403
        assert listening_addresses(port) == ["0100007F"], "listens on 127.0.0.1 only"
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def test_it_refuses_to_start_without_a_token():
    env = {k: v for k, v in os.environ.items() if k != "VARDVAGEN_ACTIONS_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "actions.server", "--actions", "actions", "--port", str(free_port())],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "VARDVAGEN_ACTIONS_TOKEN" in result.stderr
