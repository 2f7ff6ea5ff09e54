"""The production profile, started once per module the way `make production`
starts it (scripts/run_production.py), on throw-away PostgreSQL databases and
a Redis key prefix of its own, on free ports. PostgreSQL and Redis must
answer: these tests fail (never skip) when they do not."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import psycopg2
import pytest
import redis

from scripts.model import model_path
from scripts.run_production import READY_LINE, database_url, drop_databases
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get("VARDVAGEN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST = os.environ.get("VARDVAGEN_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("VARDVAGEN_TEST_REDIS_PORT", 6379))
REDIS_DB = 1
STARTUP_SECONDS = 480
LOCK_LIFETIME = 20
QUIET_ENV = {
    **os.environ,
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TQDM_DISABLE": "1",
    "PYTHONPATH": str(ROOT),
}


@dataclass
class Production:
    process: subprocess.Popen
    public_url: str
    internal_url: str
    rasa_urls: List[str]
    var_dir: Path
    output: Path
    service_db_url: str
    tracker_db_url: str
    redis_prefix: str
    lock_lifetime: int
    # The profile's actions token (Rasa, the action servers and the bot service share it).
    actions_token: str

    def pids(self) -> Dict[str, int]:
        return json.loads((self.var_dir / "pids.json").read_text(encoding="utf-8"))

    def log(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def query(self, url: str, sql: str, *params) -> list:
        connection = psycopg2.connect(url)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()


def require_services() -> None:
    try:
        psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=5).close()
    except psycopg2.Error as error:
        pytest.fail(
            f"The production tests need PostgreSQL at {POSTGRES_ADMIN_URL} (VARDVAGEN_TEST_POSTGRES): {error}".strip(),
            pytrace=False,
        )
    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        pytest.fail(f"The production tests need Redis at {REDIS_HOST}:{REDIS_PORT}: {error}", pytrace=False)


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Iterator[Production]:
    require_services()
    model = model_path()
    if not model.exists():
        pytest.fail(f"No model for the current training data ({model.name}). Run `make train` first.", pytrace=False)
    token = uuid.uuid4().hex[:10]
    tracker_db, service_db = f"vardvagen_test_{token}_tracker", f"vardvagen_test_{token}"
    prefix = f"vvtest{token}"
    var_dir = tmp_path_factory.mktemp("production")
    output = var_dir / "run_production.log"
    public, internal, web = free_port(), free_port(), free_port()
    rasa_ports = [free_port(), free_port()]
    actions_ports = [free_port(), free_port()]
    command = [
        str(BIN / "python"), "scripts/run_production.py",
        "--var-dir", str(var_dir),
        "--model", str(model),
        "--postgres", POSTGRES_ADMIN_URL,
        "--tracker-db", tracker_db,
        "--service-db", service_db,
        "--redis-host", REDIS_HOST,
        "--redis-port", str(REDIS_PORT),
        "--redis-db", str(REDIS_DB),
        "--redis-prefix", prefix,
        "--lock-lifetime", str(LOCK_LIFETIME),
        "--port", str(public),
        "--internal-port", str(internal),
        "--web-port", str(web),
        "--rasa-ports", ",".join(map(str, rasa_ports)),
        "--actions-ports", ",".join(map(str, actions_ports)),
        "--startup-timeout", str(STARTUP_SECONDS),
    ]
    log = output.open("w")
    started = time.monotonic()
    actions_token = secrets.token_urlsafe(32)
    env = {**QUIET_ENV, "VARDVAGEN_ACTIONS_TOKEN": actions_token}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while READY_LINE not in output.read_text(encoding="utf-8", errors="replace"):
            if process.poll() is not None or time.monotonic() - started > STARTUP_SECONDS + 30:
                logs = "".join(
                    f"\n--- {path.name} ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-15:])
                    for path in sorted((var_dir / "logs").glob("*.log"))
                )
                pytest.fail("The production profile did not start:\n" + output.read_text(errors="replace")[-3000:] + logs)
            time.sleep(1)
        print(f"\nproduction profile started in {time.monotonic() - started:.0f} s", flush=True)
        yield Production(
            process=process,
            public_url=f"http://127.0.0.1:{public}",
            internal_url=f"http://127.0.0.1:{internal}",
            rasa_urls=[f"http://127.0.0.1:{port}" for port in rasa_ports],
            var_dir=var_dir,
            output=output,
            service_db_url=database_url(POSTGRES_ADMIN_URL, service_db),
            tracker_db_url=database_url(POSTGRES_ADMIN_URL, tracker_db),
            redis_prefix=prefix,
            lock_lifetime=LOCK_LIFETIME,
            actions_token=actions_token,
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        drop_databases(POSTGRES_ADMIN_URL, tracker_db, service_db)
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()
