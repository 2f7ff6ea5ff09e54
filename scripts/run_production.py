"""Start the production profile: 2 Rasa instances and 2 action servers behind
nginx, the bot web service, PostgreSQL for conversations and bookings, Redis
for Rasa's conversation locks.

Checks that PostgreSQL and Redis answer, creates the two databases when
missing, writes nginx's configuration, starts every process, waits until each
answers and prints the public URL. A process that stops after start-up is
started again (the others go on serving meanwhile). Ctrl-C or SIGTERM stops
everything. Logs are in <var-dir>/logs/, process ids in <var-dir>/pids.json.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.model import model_path  # noqa: E402
from scripts.run_stack import allowed_origins, stop_all, wait_for  # noqa: E402

NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "nginx.conf.template"
RESTART_DELAY_SECONDS = 5.0
READY_LINE = "Vårdvägen production profile is running"


def _ports(text: str) -> List[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=env("VARDVAGEN_PRODUCTION_HOST", "127.0.0.1"), help="address every process listens on")
    parser.add_argument("--port", type=int, default=int(env("VARDVAGEN_PRODUCTION_PORT", 8100)), help="nginx's public port")
    parser.add_argument(
        "--internal-port", type=int, default=int(env("VARDVAGEN_PRODUCTION_INTERNAL_PORT", 8101)),
        help="nginx's internal port (actions and the bot service's relay to Rasa)",
    )
    parser.add_argument("--web-port", type=int, default=int(env("VARDVAGEN_PRODUCTION_WEB_PORT", 8102)), help="bot web service")
    parser.add_argument(
        "--rasa-ports", type=_ports, default=_ports(env("VARDVAGEN_PRODUCTION_RASA_PORTS", "5105,5106")),
        help="one port per Rasa instance, comma-separated",
    )
    parser.add_argument(
        "--actions-ports", type=_ports, default=_ports(env("VARDVAGEN_PRODUCTION_ACTIONS_PORTS", "5155,5156")),
        help="one port per action server, comma-separated",
    )
    parser.add_argument(
        "--postgres", default=env("VARDVAGEN_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL URL whose user may create databases (its database is only used to create the others)",
    )
    parser.add_argument("--tracker-db", default=env("VARDVAGEN_TRACKER_DB_NAME", "vardvagen_tracker"), help="Rasa's conversations")
    parser.add_argument("--service-db", default=env("VARDVAGEN_SERVICE_DB_NAME", "vardvagen"), help="the bot service's data")
    parser.add_argument("--redis-host", default=env("VARDVAGEN_REDIS_HOST", "127.0.0.1"))
    parser.add_argument("--redis-port", type=int, default=int(env("VARDVAGEN_REDIS_PORT", 6379)))
    parser.add_argument("--redis-db", type=int, default=int(env("VARDVAGEN_REDIS_DB", 1)))
    parser.add_argument("--redis-prefix", default=env("VARDVAGEN_REDIS_PREFIX", "vardvagen"), help="letters and digits only")
    parser.add_argument(
        "--lock-lifetime", type=int, default=int(env("TICKET_LOCK_LIFETIME", 30)),
        help="seconds a conversation's lock lives; an instance that dies holding it blocks that conversation this long",
    )
    parser.add_argument("--rate-limit", type=int, default=int(env("VARDVAGEN_RATE_LIMIT", 20)), help="requests per second per address")
    parser.add_argument("--rate-burst", type=int, default=int(env("VARDVAGEN_RATE_BURST", 100)))
    parser.add_argument("--nginx", default=env("VARDVAGEN_NGINX", shutil.which("nginx") or "/usr/sbin/nginx"))
    parser.add_argument(
        "--var-dir", type=Path, default=Path(env("VARDVAGEN_PRODUCTION_VAR_DIR", ROOT / "var" / "production"))
    )
    parser.add_argument("--model", type=Path, default=None, help="model file (default: the current one)")
    parser.add_argument("--startup-timeout", type=float, default=300.0)
    parser.add_argument(
        "--allowed-origin", action="append", default=None,
        help="a site whose pages may open the chat's socket (default: VARDVAGEN_ALLOWED_ORIGINS or the public address)",
    )
    args = parser.parse_args(argv)
    if not args.redis_prefix.isalnum():
        parser.error("--redis-prefix must be letters and digits only (Rasa ignores anything else)")
    if not args.rasa_ports or not args.actions_ports:
        parser.error("at least one Rasa port and one action server port are needed")
    return args


# --- PostgreSQL and Redis ---------------------------------------------------


def database_url(admin_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def check_postgres(admin_url: str) -> None:
    import psycopg2

    try:
        psycopg2.connect(admin_url, connect_timeout=5).close()
    except psycopg2.Error as error:
        raise RuntimeError(
            f"PostgreSQL does not answer at {admin_url} ({str(error).strip()}). Start it, or set VARDVAGEN_POSTGRES_URL."
        ) from None


def drop_databases(admin_url: str, *names: str) -> None:
    """Drop throw-away databases (tests, benchmarks), closing their connections."""
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(admin_url, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        connection.close()


def ensure_database(admin_url: str, name: str) -> bool:
    """Create database `name` when it is missing; True when it was created."""
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(admin_url, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone():
                return False
            try:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg2.errors.DuplicateDatabase:
                return False
            return True
    finally:
        connection.close()


def check_redis(host: str, port: int, db: int) -> None:
    import redis

    try:
        redis.Redis(host=host, port=port, db=db, socket_timeout=5, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        raise RuntimeError(
            f"Redis does not answer at {host}:{port} ({error}). Start it, or set VARDVAGEN_REDIS_HOST/VARDVAGEN_REDIS_PORT."
        ) from None


# --- nginx ------------------------------------------------------------------


def nginx_config(args: argparse.Namespace, run_dir: Path) -> str:
    host = args.host
    user_line = ""
    if os.geteuid() == 0:
        # The master runs as root here; workers as the same user, so they can
        # use the temporary folders under var/.
        user_line = f"user {pwd.getpwuid(os.geteuid()).pw_name};"
    values = {
        "USER_LINE": user_line,
        "RUN_DIR": str(run_dir),
        "RATE_LIMIT": str(args.rate_limit),
        "RATE_BURST": str(args.rate_burst),
        "RASA_SERVERS": "\n".join(f"        server {host}:{p} max_fails=1 fail_timeout=5s;" for p in args.rasa_ports),
        "ACTION_SERVERS": "\n".join(f"        server {host}:{p} max_fails=1 fail_timeout=5s;" for p in args.actions_ports),
        "WEB_ADDRESS": f"{host}:{args.web_port}",
        "PUBLIC_ADDRESS": f"{host}:{args.port}",
        "INTERNAL_ADDRESS": f"{host}:{args.internal_port}",
    }
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    if "@" in "".join(line for line in text.splitlines() if not line.lstrip().startswith("#")):
        raise RuntimeError("nginx template has a value nobody filled in")
    return text


def write_nginx_config(args: argparse.Namespace, run_dir: Path) -> Path:
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(nginx_config(args, run_dir), encoding="utf-8")
    return conf


# --- processes --------------------------------------------------------------


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str]
    log: Path
    process: Optional[subprocess.Popen] = None
    restarts: int = 0
    died_at: Optional[float] = field(default=None)

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.died_at = None


def services(args: argparse.Namespace, model: Path, var_dir: Path, nginx_conf: Path) -> List[Service]:
    bin_dir = Path(sys.executable).parent
    host = args.host
    public = f"http://{host}:{args.port}"
    internal = f"http://{host}:{args.internal_port}"
    origins = allowed_origins(argparse.Namespace(allowed_origin=args.allowed_origin, host=host, web_port=args.port))
    from sqlalchemy.engine import make_url

    pg = make_url(args.postgres)
    base = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONPATH": str(ROOT),
        "VARDVAGEN_ALLOWED_ORIGINS": ",".join(origins),
        # nginx is the only peer of Rasa and the bot service; its
        # X-Forwarded-For names the real client (for per-client limits).
        "VARDVAGEN_TRUSTED_PROXIES": os.environ.get("VARDVAGEN_TRUSTED_PROXIES", host),
    }
    # Shared by Rasa (it sends it to the action servers, endpoints.production.yml), the
    # action servers (they run actions only for it) and the bot web service; new every start.
    actions_token = os.environ.get("VARDVAGEN_ACTIONS_TOKEN") or secrets.token_urlsafe(32)
    # Rasa signs the chat's session ids with it, the bot service checks them; the same for all instances.
    session_secret = os.environ.get("VARDVAGEN_SESSION_SECRET") or secrets.token_urlsafe(32)
    rasa_env = {
        **base,
        "VARDVAGEN_ACTIONS_TOKEN": actions_token,
        "VARDVAGEN_SESSION_SECRET": session_secret,
        "VARDVAGEN_ACTION_URL": f"{internal}/actions/webhook",
        "VARDVAGEN_TRACKER_HOST": pg.host or "127.0.0.1",
        "VARDVAGEN_TRACKER_PORT": str(pg.port or 5432),
        "VARDVAGEN_TRACKER_NAME": args.tracker_db,
        "VARDVAGEN_TRACKER_USER": pg.username or getpass.getuser(),
        "VARDVAGEN_TRACKER_PASSWORD": pg.password or "",
        "VARDVAGEN_REDIS_HOST": args.redis_host,
        "VARDVAGEN_REDIS_PORT": str(args.redis_port),
        "VARDVAGEN_REDIS_DB": str(args.redis_db),
        "VARDVAGEN_REDIS_PREFIX": args.redis_prefix,
        "TICKET_LOCK_LIFETIME": str(args.lock_lifetime),
        # Rasa's defaults (50 + 100 per instance) would exceed PostgreSQL's 100 connections.
        "SQL_POOL_SIZE": os.environ.get("SQL_POOL_SIZE", "5"),
        "SQL_MAX_OVERFLOW": os.environ.get("SQL_MAX_OVERFLOW", "10"),
    }
    web_env = {
        **base,
        "VARDVAGEN_ACTIONS_TOKEN": actions_token,
        "VARDVAGEN_SESSION_SECRET": session_secret,
        "VARDVAGEN_HOST": host,
        "VARDVAGEN_PORT": str(args.web_port),
        "VARDVAGEN_DATABASE_URL": database_url(args.postgres, args.service_db),
        "VARDVAGEN_TRACKER_URL": database_url(args.postgres, args.tracker_db),
        # The REST relay goes to any Rasa instance through nginx's internal port;
        # browsers open the socket at the public address.
        "VARDVAGEN_RASA_URL": internal,
        "VARDVAGEN_SOCKET_URL": os.environ.get("VARDVAGEN_SOCKET_URL", public),
        # Links in e-mails and pages point here (nginx), never to the Host a request named.
        "VARDVAGEN_PUBLIC_URL": os.environ.get("VARDVAGEN_PUBLIC_URL", public),
    }
    actions_env = {**base, "VARDVAGEN_SERVICE_URL": f"http://{host}:{args.web_port}", "VARDVAGEN_ACTIONS_TOKEN": actions_token,
                   "VARDVAGEN_ACTIONS_HOST": host}
    logs = var_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    result = [
        Service(
            f"action server {i}",
            [str(bin_dir / "python"), "-m", "actions.server", "--actions", "actions", "--port", str(port)],
            f"http://{host}:{port}/health",
            actions_env,
            logs / f"actions-{i}.log",
        )
        for i, port in enumerate(args.actions_ports, 1)
    ]
    result.append(
        Service("bot web service", [str(bin_dir / "python"), "-m", "bot"], f"http://{host}:{args.web_port}/health", web_env, logs / "bot.log")
    )
    result += [
        Service(
            f"rasa {i}",
            [
                # Rasa with our patches (rasa_addons/__main__.py).
                str(bin_dir / "python"), "-m", "rasa_addons", "run",
                "--model", str(model),
                "--interface", host,
                "--port", str(port),
                "--credentials", "credentials.yml",
                "--endpoints", "endpoints.production.yml",
                "--cors", *origins,
            ],
            f"http://{host}:{port}/",
            rasa_env,
            logs / f"rasa-{i}.log",
        )
        for i, port in enumerate(args.rasa_ports, 1)
    ]
    result.append(
        Service(
            "nginx",
            [args.nginx, "-p", str(nginx_conf.parent), "-c", str(nginx_conf), "-e", str(nginx_conf.parent / "error.log")],
            f"{public}/health",
            base,
            logs / "nginx.log",
        )
    )
    return result


def write_pids(var_dir: Path, running: List[Service]) -> None:
    pids = {s.name: s.process.pid for s in running if s.process is not None and s.process.poll() is None}
    (var_dir / "pids.json").write_text(json.dumps(pids, indent=2), encoding="utf-8")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    model = (args.model or model_path()).resolve()
    if not model.exists():
        print(f"No model at {model}. Run `make run` or `make train` first (it trains when needed).", file=sys.stderr)
        return 1
    if not Path(args.nginx).exists():
        print(f"No nginx at {args.nginx}. Run `make nginx` (Debian's nginx package).", file=sys.stderr)
        return 1
    var_dir = args.var_dir.resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running: List[Service] = []
    started = time.monotonic()
    try:
        check_postgres(args.postgres)
        check_redis(args.redis_host, args.redis_port, args.redis_db)
        for name in (args.tracker_db, args.service_db):
            if ensure_database(args.postgres, name):
                print(f"Created PostgreSQL database {name}", flush=True)
        conf = write_nginx_config(args, var_dir / "nginx")
        test = subprocess.run(
            [args.nginx, "-t", "-q", "-p", str(conf.parent), "-c", str(conf), "-e", str(conf.parent / "error.log")],
            capture_output=True, text=True,
        )
        if test.returncode != 0:
            raise RuntimeError(f"nginx refuses its configuration {conf}:\n{test.stderr}")
        running = services(args, model, var_dir, conf)
        for service in running:
            service.start()
        write_pids(var_dir, running)
        deadline = started + args.startup_timeout
        for service in running:
            try:
                wait_for(service.health_url, service.process, service.name, deadline)
            except RuntimeError:
                print(f"--- last lines of {service.log} ---\n{tail(service.log)}", file=sys.stderr)
                raise
        host = args.host
        rasa = ", ".join(f"http://{host}:{p}" for p in args.rasa_ports)
        actions = ", ".join(f"http://{host}:{p}" for p in args.actions_ports)
        print(
            f"\n{READY_LINE} (started in {time.monotonic() - started:.0f} s).\n"
            f"  Chat:             http://{host}:{args.port}/chat  (nginx; everything public goes here)\n"
            f"  Rasa instances:   {rasa}\n"
            f"  Action servers:   {actions}  (via http://{host}:{args.internal_port}/actions/)\n"
            f"  Bot web service:  http://{host}:{args.web_port}\n"
            f"  PostgreSQL:       {args.tracker_db} (conversations), {args.service_db} (service)\n"
            f"  Redis locks:      {args.redis_host}:{args.redis_port} db {args.redis_db}, prefix {args.redis_prefix}\n"
            f"  Logs:             {var_dir / 'logs'}\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while True:
            for service in running:
                if service.process.poll() is None:
                    continue
                now = time.monotonic()
                if service.died_at is None:
                    service.died_at = now
                    print(
                        f"{service.name} stopped (exit code {service.process.returncode}); "
                        f"starting it again in {RESTART_DELAY_SECONDS:.0f} s",
                        file=sys.stderr, flush=True,
                    )
                elif now - service.died_at >= RESTART_DELAY_SECONDS:
                    service.restarts += 1
                    service.start()
                    write_pids(var_dir, running)
                    print(f"{service.name} restarted (pid {service.process.pid})", file=sys.stderr, flush=True)
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping the production profile ...", file=sys.stderr)
        return 0
    except RuntimeError as error:
        print(f"Start-up failed: {error}", file=sys.stderr)
        return 1
    finally:
        # nginx first, so nothing new comes in while the rest stop.
        stop_all({s.name: s.process for s in reversed(running) if s.process is not None})
        (var_dir / "pids.json").unlink(missing_ok=True)
        if stopping:
            print("Stopped.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
