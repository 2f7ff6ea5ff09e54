"""Every environment variable the project reads, in one place: documentation as code.

Nothing imports this to read a variable; each process reads its own
(bot/settings.py, actions/, rasa_addons/, endpoints*.yml, scripts/, bench/,
tests/). `scripts/env_reference.py` writes the reference table in
docs/operations.md from this list, and tests/unit/test_docs.py fails when a
`VARDVAGEN_*` name in the code is missing here, when a name here is used
nowhere, or when the table in docs/operations.md is out of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # as a person reads it; "" when there is none
    read_by: str  # which process or script reads it
    meaning: str
    group: str  # a key of GROUPS


# The headings of docs/operations.md's reference, in order.
GROUPS: Tuple[Tuple[str, str], ...] = (
    ("service", "Bot web service (`python -m bot`, bot/settings.py)"),
    ("actions", "Action server (`python -m actions.server`)"),
    ("rasa", "Rasa (endpoints.yml, endpoints.production.yml, rasa_addons/)"),
    ("run", "`make run` (scripts/run_stack.py)"),
    ("production", "`make production` (scripts/run_production.py)"),
    ("tests", "Tests"),
    ("other", "Other variables (not ours, but set or read by the project)"),
)

SERVICE = "bot web service"
ACTIONS = "action server"
RASA = "Rasa"
RUN = "scripts/run_stack.py"
PRODUCTION = "scripts/run_production.py"

VARIABLES: Tuple[Variable, ...] = (
    # The bot web service.
    Variable("VARDVAGEN_HOST", "127.0.0.1", f"{SERVICE}, {RUN}",
             "Address the bot web service listens on; for `make run` every process.", "service"),
    Variable("VARDVAGEN_PORT", "8080", f"{SERVICE}, {RUN}",
             "Port of the bot web service (`make run`: `--web-port`).", "service"),
    Variable("VARDVAGEN_RASA_URL", "http://127.0.0.1:5005", SERVICE,
             "Rasa's address for the chat relay; also the chat's socket address unless VARDVAGEN_SOCKET_URL is set. "
             "The runners set it.", "service"),
    Variable("VARDVAGEN_SOCKET_URL", "VARDVAGEN_RASA_URL", f"{SERVICE}, {PRODUCTION}",
             "Rasa's address as browsers reach it (behind a proxy).", "service"),
    Variable("VARDVAGEN_SOCKET_TRANSPORTS", "polling,websocket", SERVICE,
             "How the web chat's socket reaches Rasa. `make run` sets `websocket` when Rasa has several workers.",
             "service"),
    Variable("VARDVAGEN_CONTENT_DIR", "content/", f"{SERVICE}, {ACTIONS}, {RASA} (languages.yml)",
             "Folder of the municipality's content files.", "service"),
    Variable("VARDVAGEN_DATABASE_URL", "sqlite:///var/service.db", f"{SERVICE}, {RUN}, deploy/k8s/migrate-job.yaml",
             "The service's database (bookings, interests, questions, accounts): `sqlite:///path` or "
             "`postgresql://user:password@host/database`. Migrated at start-up.", "service"),
    Variable("VARDVAGEN_TRACKER_URL", "none", f"{SERVICE}, `python -m bot.personal_data.retention`",
             "Rasa's tracker store, so the service can delete old and erased conversations. Without it conversations "
             "are not deleted by the service. The runners set it.", "service"),
    Variable("VARDVAGEN_TRAINING_EXPORT", "data/nlu/from_dashboard.yml", SERVICE,
             "The Rasa NLU file that \"assign to an intent\" on the failed-questions page adds examples to. "
             "Review it in git and train by hand; it is never trained automatically.", "service"),
    Variable("VARDVAGEN_SECURE_COOKIES", "0", SERVICE,
             "Set 1 behind HTTPS: cookies get `Secure` and answers get `Strict-Transport-Security`.", "service"),
    Variable("VARDVAGEN_PUBLIC_URL", "none", SERVICE,
             "The service's address as counsellors reach it, for the inbox link in e-mail notices.", "service"),
    Variable("VARDVAGEN_ALLOWED_ORIGINS", "the service's own address", f"{SERVICE}, {RASA}, {RUN}, {PRODUCTION}",
             "Comma-separated sites whose pages may use the chat: CORS on `/api`, Rasa's `--cors` and socket, "
             "framing of `/chat`.", "service"),
    Variable("VARDVAGEN_EMBED_ORIGINS", "none", SERVICE,
             "Comma-separated sites that may show the chat widget (`embed.js`) in a frame.", "service"),
    Variable("VARDVAGEN_TRUSTED_PROXIES", "none (production profile: its own address)", f"{SERVICE}, {PRODUCTION}",
             "Comma-separated proxy addresses whose `X-Forwarded-For` names the real client.", "service"),
    Variable("VARDVAGEN_RATE_LIMITS", "1", f"{SERVICE}, {RASA}",
             "0 turns every rate limit off. For load tests only.", "service"),
    Variable("VARDVAGEN_ACTIONS_TOKEN", "none (the runners make a new one at every start)",
             f"{SERVICE}, {ACTIONS}, {RUN}, {PRODUCTION}",
             "Secret shared by Rasa, the action server and the service: Rasa sends it with each action call "
             "(endpoints*.yml) and the action server runs actions only for it; the action server sends it to the "
             "service, which limits code look-ups per conversation and lets it erase or hand over its own "
             "conversation. Secret.", "service"),
    Variable("VARDVAGEN_SESSION_SECRET", "none (the runners make a new one at every start; without it no "
             "chat answers are shown)", f"{SERVICE}, {RASA}, {RUN}, {PRODUCTION}",
             "Signs the chat's session ids (Rasa's socket issues them; the service checks them before it shows "
             "a counsellor's answers). The same on every Rasa and bot service instance. Secret.", "service"),
    Variable("VARDVAGEN_PROOF_SECRET", "none (a new one at every start)", SERVICE,
             "Key of the hashes of one-time codes and contacts. Set it when several instances run. Secret.", "service"),
    Variable("VARDVAGEN_SMTP_HOST", "none (nothing is e-mailed; the dashboard says so)", SERVICE,
             "SMTP server for answers to handed-over questions and notices.", "service"),
    Variable("VARDVAGEN_SMTP_PORT", "587", SERVICE, "SMTP port.", "service"),
    Variable("VARDVAGEN_SMTP_USERNAME", "none", SERVICE, "SMTP user.", "service"),
    Variable("VARDVAGEN_SMTP_PASSWORD", "none", SERVICE, "SMTP password. Secret.", "service"),
    Variable("VARDVAGEN_SMTP_FROM", "vardvagen@localhost", SERVICE, "Sender address of e-mails.", "service"),
    Variable("VARDVAGEN_SMTP_STARTTLS", "1", SERVICE, "0 for a local relay without TLS.", "service"),
    Variable("VARDVAGEN_NOTIFY_EMAILS", "none", SERVICE,
             "Comma-separated addresses (a team mailbox) told of each new question; the notice has no personal data.",
             "service"),
    Variable("VARDVAGEN_SMS_OUTBOX", "none (no text messages)", SERVICE,
             "File that text messages are appended to instead of being sent; no SMS gateway is connected.",
             "service"),
    # The action server.
    Variable("VARDVAGEN_ACTIONS_HOST", "127.0.0.1", ACTIONS,
             "Address the action server listens on; 0.0.0.0 only in a container behind a network policy.", "actions"),
    Variable("VARDVAGEN_SERVICE_URL", "http://127.0.0.1:8080", ACTIONS,
             "The bot web service's address, for bookings, questions and look-ups.", "actions"),
    # Rasa: filled into endpoints*.yml by Rasa, or read by rasa_addons.
    Variable("VARDVAGEN_ACTION_URL", "none; the runners set it", RASA,
             "The action server's webhook (`endpoints*.yml`, `action_endpoint`).", "rasa"),
    Variable("VARDVAGEN_TRACKER_DB", "none; `make run`: var/tracker.db", RASA,
             "SQLite file of the conversations (`endpoints.yml`).", "rasa"),
    Variable("VARDVAGEN_RASA_SHARED_DB", "none; `make run`: var/rasa_shared.db", RASA,
             "SQLite file in which Rasa's worker processes share conversation locks and the per-sender limit. "
             "Without it each process limits for itself.", "rasa"),
    Variable("VARDVAGEN_TRACKER_HOST", "none; set by the production profile", RASA,
             "PostgreSQL host of the conversations (`endpoints.production.yml`).", "rasa"),
    Variable("VARDVAGEN_TRACKER_PORT", "none; set by the production profile", RASA, "PostgreSQL port.", "rasa"),
    Variable("VARDVAGEN_TRACKER_NAME", "none; set by the production profile", RASA, "Database name.", "rasa"),
    Variable("VARDVAGEN_TRACKER_USER", "none; set by the production profile", RASA, "Database user.", "rasa"),
    Variable("VARDVAGEN_TRACKER_PASSWORD", "none; set by the production profile", RASA,
             "Database password. Secret.", "rasa"),
    Variable("VARDVAGEN_REDIS_HOST", "127.0.0.1", f"{PRODUCTION}, {RASA}",
             "Redis of the lock store (`endpoints.production.yml`; `--redis-host`).", "rasa"),
    Variable("VARDVAGEN_REDIS_PORT", "6379", f"{PRODUCTION}, {RASA}", "Redis port (`--redis-port`).", "rasa"),
    Variable("VARDVAGEN_REDIS_DB", "1", f"{PRODUCTION}, {RASA}", "Redis database number (`--redis-db`).", "rasa"),
    Variable("VARDVAGEN_REDIS_PREFIX", "vardvagen", f"{PRODUCTION}, {RASA}",
             "Prefix of the lock keys, letters and digits only (`--redis-prefix`).", "rasa"),
    # make run.
    Variable("VARDVAGEN_RASA_PORT", "5005", RUN, "Rasa's port (`--rasa-port`).", "run"),
    Variable("VARDVAGEN_ACTIONS_PORT", "5055", RUN, "The action server's port (`--actions-port`).", "run"),
    Variable("VARDVAGEN_RASA_WORKERS", "2", f"{RUN}, bench/stack.py",
             "Rasa worker processes (`--rasa-workers`); 1 for a single process.", "run"),
    Variable("VARDVAGEN_VAR_DIR", "var/", RUN, "Folder of the SQLite databases (`--var-dir`).", "run"),
    # make production.
    Variable("VARDVAGEN_PRODUCTION_HOST", "127.0.0.1", PRODUCTION, "Address every process listens on (`--host`).",
             "production"),
    Variable("VARDVAGEN_PRODUCTION_PORT", "8100", PRODUCTION, "nginx's public port (`--port`).", "production"),
    Variable("VARDVAGEN_PRODUCTION_INTERNAL_PORT", "8101", PRODUCTION,
             "nginx's internal port: actions and the service's relay to Rasa (`--internal-port`).", "production"),
    Variable("VARDVAGEN_PRODUCTION_WEB_PORT", "8102", PRODUCTION, "The bot web service (`--web-port`).",
             "production"),
    Variable("VARDVAGEN_PRODUCTION_RASA_PORTS", "5105,5106", PRODUCTION,
             "One port per Rasa instance (`--rasa-ports`).", "production"),
    Variable("VARDVAGEN_PRODUCTION_ACTIONS_PORTS", "5155,5156", PRODUCTION,
             "One port per action server (`--actions-ports`).", "production"),
    Variable("VARDVAGEN_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres", PRODUCTION,
             "A PostgreSQL user that may create databases (`--postgres`).", "production"),
    Variable("VARDVAGEN_TRACKER_DB_NAME", "vardvagen_tracker", PRODUCTION,
             "Database of Rasa's conversations (`--tracker-db`).", "production"),
    Variable("VARDVAGEN_SERVICE_DB_NAME", "vardvagen", PRODUCTION,
             "Database of the bot web service (`--service-db`).", "production"),
    Variable("VARDVAGEN_RATE_LIMIT", "20", PRODUCTION,
             "nginx's requests a second per client address (`--rate-limit`).", "production"),
    Variable("VARDVAGEN_RATE_BURST", "100", PRODUCTION, "nginx's burst (`--rate-burst`).", "production"),
    Variable("VARDVAGEN_NGINX", "nginx on PATH, else /usr/sbin/nginx", PRODUCTION, "nginx program (`--nginx`).",
             "production"),
    Variable("VARDVAGEN_PRODUCTION_VAR_DIR", "var/production/", PRODUCTION,
             "Folder of nginx's files, logs and process ids (`--var-dir`).", "production"),
    # Tests.
    Variable("VARDVAGEN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres", "tests",
             "PostgreSQL for the tests; they make and drop their own databases.", "tests"),
    Variable("VARDVAGEN_TEST_REDIS_HOST", "127.0.0.1", "tests/production", "Redis for the production tests.",
             "tests"),
    Variable("VARDVAGEN_TEST_REDIS_PORT", "6379", "tests/production", "Redis port for the production tests.",
             "tests"),
    # Not ours.
    Variable("PYTHON310", "python3.10 on PATH or from pyenv", "scripts/find_python310.sh",
             "The Python 3.10 that builds `.venv`.", "other"),
    Variable("SANIC_WORKERS", "1", f"{RASA} (Sanic); set by {RUN}",
             "Rasa's worker processes; `make run` sets it from `--rasa-workers`.", "other"),
    Variable("TICKET_LOCK_LIFETIME", "30", f"{RASA}; set by {PRODUCTION}",
             "Seconds a conversation's lock lives (`--lock-lifetime`).", "other"),
    Variable("SQL_POOL_SIZE", "5 (Rasa's own: 50)", f"{RASA}; set by {PRODUCTION}",
             "Database connections per Rasa instance.", "other"),
    Variable("SQL_MAX_OVERFLOW", "10 (Rasa's own: 100)", f"{RASA}; set by {PRODUCTION}",
             "Extra connections per Rasa instance.", "other"),
)


def names() -> Tuple[str, ...]:
    return tuple(variable.name for variable in VARIABLES)
