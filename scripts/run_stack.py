"""Start the whole assistant: action server, Rasa and the bot web service.

Waits until each answers, prints the chat URL, and stops every process on
Ctrl-C (or SIGTERM). Ports and folders can be changed with options, so tests
can run a second stack beside a developer's.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.model import model_path  # noqa: E402

STOP_GRACE_SECONDS = 10
# One Rasa process handles one message at a time on one core; two use both cores of a small server.
DEFAULT_RASA_WORKERS = 2


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("VARDVAGEN_HOST", "127.0.0.1"))
    parser.add_argument("--web-port", type=int, default=int(os.environ.get("VARDVAGEN_PORT", 8080)))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("VARDVAGEN_RASA_PORT", 5005)))
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("VARDVAGEN_ACTIONS_PORT", 5055)))
    parser.add_argument("--var-dir", type=Path, default=Path(os.environ.get("VARDVAGEN_VAR_DIR", ROOT / "var")))
    parser.add_argument("--model", type=Path, default=None, help="model file (default: the current one)")
    parser.add_argument(
        "--rasa-workers",
        type=int,
        default=int(os.environ.get("VARDVAGEN_RASA_WORKERS", DEFAULT_RASA_WORKERS)),
        help=f"Rasa worker processes (default {DEFAULT_RASA_WORKERS}); they share conversation locks in var/",
    )
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    parser.add_argument(
        "--allowed-origin",
        action="append",
        default=None,
        help="a site (scheme://host:port) whose pages may open the chat's socket to Rasa; repeat for more "
        "(default: VARDVAGEN_ALLOWED_ORIGINS, comma-separated, or the bot web service's own address)",
    )
    args = parser.parse_args(argv)
    if args.rasa_workers < 1:
        parser.error("--rasa-workers must be at least 1")
    return args


def allowed_origins(args: argparse.Namespace) -> List[str]:
    """Origins Rasa accepts for the web chat's socket (CORS and the socket's Origin check).

    The chat page and the widget's frame come from the bot web service, so its
    own address is enough unless pages of another site open the socket themselves.
    """
    if args.allowed_origin:
        origins = args.allowed_origin
    elif os.environ.get("VARDVAGEN_ALLOWED_ORIGINS"):
        origins = os.environ["VARDVAGEN_ALLOWED_ORIGINS"].split(",")
    else:
        origins = [f"http://{args.host}:{args.web_port}"]
        if args.host == "127.0.0.1":
            origins.append(f"http://localhost:{args.web_port}")
    return [origin.strip().rstrip("/") for origin in origins if origin.strip()]


def wait_for(url: str, process: subprocess.Popen, name: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped during start-up (exit code {process.returncode}); see the log above")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer at {url} in time")


def stop_all(processes: Dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop; killing it", file=sys.stderr)
            process.kill()
            process.wait()


def stack_environment(args: argparse.Namespace, var_dir: Path) -> Dict[str, str]:
    """The environment every process of the stack gets (ports, databases, origins)."""
    host = args.host
    origins = allowed_origins(args)
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONPATH": str(ROOT),
        "VARDVAGEN_ACTION_URL": f"http://{host}:{args.actions_port}/webhook",
        "VARDVAGEN_TRACKER_DB": str(var_dir / "tracker.db"),
        "VARDVAGEN_TRACKER_URL": f"sqlite:///{var_dir / 'tracker.db'}",
        # Rasa's worker processes share conversation locks and the per-sender limit here.
        "VARDVAGEN_RASA_SHARED_DB": str(var_dir / "rasa_shared.db"),
        "SANIC_WORKERS": str(args.rasa_workers),
        # A socket's long-polling requests could reach different workers; a WebSocket stays in one.
        "VARDVAGEN_SOCKET_TRANSPORTS": "websocket" if args.rasa_workers > 1 else "polling,websocket",
        "VARDVAGEN_DATABASE_URL": os.environ.get("VARDVAGEN_DATABASE_URL", f"sqlite:///{var_dir / 'service.db'}"),
        "VARDVAGEN_RASA_URL": f"http://{host}:{args.rasa_port}",
        "VARDVAGEN_SERVICE_URL": f"http://{host}:{args.web_port}",
        "VARDVAGEN_HOST": host,
        "VARDVAGEN_PORT": str(args.web_port),
        "VARDVAGEN_ALLOWED_ORIGINS": ",".join(origins),
        # Rasa sends it to the action server, which runs actions only for it (endpoints.yml), and
        # the action server to the bot web service (per-conversation lookup limits); new every start.
        "VARDVAGEN_ACTIONS_TOKEN": os.environ.get("VARDVAGEN_ACTIONS_TOKEN") or secrets.token_urlsafe(32),
        "VARDVAGEN_ACTIONS_HOST": host,
        # Rasa's socket signs the chat's session ids with it; the bot service checks them. New every start.
        "VARDVAGEN_SESSION_SECRET": os.environ.get("VARDVAGEN_SESSION_SECRET") or secrets.token_urlsafe(32),
        # No SMS gateway here: one-time codes to phones are written to this file (bot/sms.py).
        "VARDVAGEN_SMS_OUTBOX": os.environ.get("VARDVAGEN_SMS_OUTBOX", str(var_dir / "sms-outbox.jsonl")),
    }


def stack_commands(args: argparse.Namespace, model: Path) -> Dict[str, Tuple[List[str], str]]:
    """Each process: its command line and the URL that answers once it is up."""
    bin_dir = Path(sys.executable).parent
    host = args.host
    origins = allowed_origins(args)
    return {
        "action server": (
            [str(bin_dir / "python"), "-m", "actions.server", "--actions", "actions", "--port", str(args.actions_port)],
            f"http://{host}:{args.actions_port}/health",
        ),
        "bot web service": ([str(bin_dir / "python"), "-m", "bot"], f"http://{host}:{args.web_port}/health"),
        "rasa": (
            [
                # Rasa with our patches (rasa_addons/__main__.py); the forked workers keep them.
                str(bin_dir / "python"), "-m", "rasa_addons", "run",
                "--model", str(model),
                "--interface", host,
                "--port", str(args.rasa_port),
                "--credentials", "credentials.yml",
                "--endpoints", "endpoints.yml",
                "--cors", *origins,
            ],
            f"http://{host}:{args.rasa_port}/",
        ),
    }


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    model = (args.model or model_path()).resolve()
    if not model.exists():
        print(f"No model at {model}. Run `make run` (it trains when needed).", file=sys.stderr)
        return 1
    var_dir = args.var_dir.resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    host = args.host
    env = stack_environment(args, var_dir)
    commands = stack_commands(args, model)

    processes: Dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    # Set both explicitly: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    started = time.monotonic()
    try:
        for name, (command, _) in commands.items():
            processes[name] = subprocess.Popen(command, cwd=ROOT, env=env)
        deadline = started + args.startup_timeout
        for name, (_, url) in commands.items():
            wait_for(url, processes[name], name, deadline)
        print(
            f"\nVårdvägen is running (started in {time.monotonic() - started:.0f} s).\n"
            f"  Chat:           http://{host}:{args.web_port}/chat\n"
            f"  Rasa:           http://{host}:{args.rasa_port}/webhooks/rest/webhook"
            f" ({args.rasa_workers} worker process{'es' if args.rasa_workers > 1 else ''})\n"
            f"  Action server:  http://{host}:{args.actions_port}/health\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} stopped (exit code {process.returncode}); stopping the rest", file=sys.stderr)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping Vårdvägen ...", file=sys.stderr)
        return 0
    except RuntimeError as error:
        print(f"Start-up failed: {error}", file=sys.stderr)
        return 1
    finally:
        stop_all(processes)
        if stopping:
            print("Stopped.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
