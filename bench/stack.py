"""Start a stack for a benchmark and stop it again: the project's own
(scripts/run_stack.py, in a throw-away var folder) or any command that
serves Rasa's REST webhook."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from scripts.run_production import drop_databases
from scripts.run_stack import DEFAULT_RASA_WORKERS

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TQDM_DISABLE": "1", "PYTHONPATH": str(ROOT)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_text(path: Path, text: str, process: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    while text not in path.read_text(encoding="utf-8", errors="replace"):
        if process.poll() is not None or time.monotonic() - started > timeout:
            raise RuntimeError(f"did not start; see {path}")
        time.sleep(0.2)
    return time.monotonic() - started


def wait_for_count(path: Path, text: str, count: int, process: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    while path.read_text(encoding="utf-8", errors="replace").count(text) < count:
        if process.poll() is not None or time.monotonic() - started > timeout:
            raise RuntimeError(f"{count} times {text!r} did not appear; see {path}")
        time.sleep(0.2)
    return time.monotonic() - started


def wait_for_url(url: str, process: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    while True:
        if process.poll() is not None or time.monotonic() - started > timeout:
            raise RuntimeError(f"{url} did not answer")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.monotonic() - started
        except OSError:
            time.sleep(0.2)


def children(pid: int) -> List[int]:
    """All descendants of a process (from /proc), so each one's memory can be read."""
    found: List[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = parent_of(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
            found += children(int(entry.name))
    return found


def rasa_workers(pid: int) -> List[int]:
    """Rasa's Sanic worker processes below `pid`: Rasa processes whose parent is Rasa."""
    found = []
    for child in children(pid):
        try:
            if short_name(command_line(child), child) == short_name(command_line(parent_of(child)), 0) == "rasa":
                found.append(child)
        except OSError:  # it ended meanwhile
            continue
    return found


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()


class Stack:
    def __init__(self, process: subprocess.Popen, rasa_url: str, startup_seconds: float, log: Path) -> None:
        self.process = process
        self.rasa_url = rasa_url
        self.startup_seconds = startup_seconds
        self.log = log
        # Until every Rasa worker has loaded the model (the first one answers before that).
        self.all_workers_seconds = startup_seconds

    def memory(self) -> Dict[str, float]:
        """RSS in MB of each process of the stack, by a short name (Rasa's Sanic
        workers numbered in the order of their process ids)."""
        result: Dict[str, float] = {}
        workers = sorted(rasa_workers(self.process.pid))
        for pid in self.pids():
            try:
                name = f"rasa worker {workers.index(pid) + 1}" if pid in workers else short_name(command_line(pid), pid)
                result[name if name not in result else f"{name} ({pid})"] = round(rss_mb(pid))
            except OSError:
                continue
        return result

    def pss_total_mb(self) -> float:
        """The stack's real memory. Rasa's workers are forked from its main process and
        share the pages it had loaded, so RSS counts those pages in each of them; PSS
        (smaps_rollup) splits shared pages between the processes that share them."""
        total = 0.0
        for pid in self.pids():
            try:
                total += pss_mb(pid)
            except OSError:
                continue
        return round(total)

    def pids(self) -> List[int]:
        return [self.process.pid, *children(self.process.pid)]


def short_name(line: str, pid: int) -> str:
    if "actions.server" in line or "rasa_sdk" in line or "run actions" in line:
        return "action server"
    if " -m bot" in line:
        return "bot web service"
    if "run_stack.py" in line or "run_production.py" in line:
        return "runner"
    if " -m rasa_addons" in line or "rasa run" in line or line.endswith("rasa") or "/rasa " in line:
        return "rasa"
    words = line.split()
    return f"{words[0].rsplit('/', 1)[-1] if words else 'kernel thread'} ({pid})"


@contextmanager
def runner(command: List[str], log: Path, ready: str, rasa_url: str, timeout: float = 600) -> Iterator[Stack]:
    """A stack runner script (run_stack.py, run_production.py) until it prints `ready`; Ctrl-C at the end."""
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT)
        try:
            seconds = wait_for_text(log, ready, process, timeout)
            yield Stack(process, rasa_url, seconds, log)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def project_stack(var_dir: Path, model: Optional[Path] = None) -> Iterator[Stack]:
    ports = {"--web-port": free_port(), "--rasa-port": free_port(), "--actions-port": free_port()}
    command = [str(ROOT / ".venv" / "bin" / "python"), "scripts/run_stack.py", "--var-dir", str(var_dir)]
    if model:
        command += ["--model", str(model)]
    for flag, port in ports.items():
        command += [flag, str(port)]
    var_dir.mkdir(parents=True, exist_ok=True)
    log = var_dir / "stack.log"
    with runner(command, log, "Vårdvägen is running", f"http://127.0.0.1:{ports['--rasa-port']}") as stack:
        workers = int(ENV.get("VARDVAGEN_RASA_WORKERS", DEFAULT_RASA_WORKERS))
        stack.all_workers_seconds = stack.startup_seconds + wait_for_count(
            log, "Rasa server is up and running", workers, stack.process, 300)
        yield stack


@contextmanager
def production_stack(var_dir: Path, model: Optional[Path] = None,
                     postgres: str = "postgresql://postgres@127.0.0.1:5432/postgres") -> Iterator[Stack]:
    """The production profile (scripts/run_production.py): two Rasa instances
    and two action servers behind nginx, PostgreSQL and Redis, on throw-away
    databases that are dropped afterwards. nginx's per-address limit is lifted:
    the load generator is one address, not thousands of people."""
    token = uuid.uuid4().hex[:8]
    tracker_db, service_db = f"vardvagen_bench_{token}_tracker", f"vardvagen_bench_{token}"
    public = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "python"), "scripts/run_production.py",
        "--var-dir", str(var_dir), "--postgres", postgres,
        "--tracker-db", tracker_db, "--service-db", service_db, "--redis-prefix", f"vvbench{token}",
        "--port", str(public), "--internal-port", str(free_port()), "--web-port", str(free_port()),
        "--rasa-ports", f"{free_port()},{free_port()}", "--actions-ports", f"{free_port()},{free_port()}",
        "--rate-limit", "100000", "--rate-burst", "100000",
    ]
    if model:
        command += ["--model", str(model)]
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        with runner(command, var_dir / "run_production.log", "production profile is running",
                    f"http://127.0.0.1:{public}", timeout=900) as stack:
            yield stack
    finally:
        drop_databases(postgres, tracker_db, service_db)


@contextmanager
def reference_stack(project: Path) -> Iterator[Stack]:
    """Rasa's own `rasa init` bot (moodbot): Rasa alone, no custom actions."""
    port = free_port()
    log = project / "rasa.log"
    rasa = ROOT / ".venv" / "bin" / "rasa"
    with log.open("w") as out:
        process = subprocess.Popen([str(rasa), "run", "--port", str(port), "--interface", "127.0.0.1"],
                                   cwd=project, env=ENV, stdout=out, stderr=subprocess.STDOUT)
        try:
            seconds = wait_for_url(f"http://127.0.0.1:{port}/", process, 600)
            # The model is loaded after the server answers: wait until a message is handled.
            stack = Stack(process, f"http://127.0.0.1:{port}", seconds, log)
            yield stack
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def init_reference(folder: Path) -> Path:
    """`rasa init --no-prompt` in a folder outside the repository (trains its model once)."""
    if not list((folder / "models").glob("*.tar.gz")):
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
                       cwd=folder, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder
