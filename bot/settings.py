"""Settings of the bot web service, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Tuple

from core.content.loader import DEFAULT_DIR

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'service.db'}"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    # Rasa's address as a browser reaches it (the web chat's socket); default rasa_url.
    socket_url: Optional[str] = None
    # How the chat's socket may reach Rasa (VARDVAGEN_SOCKET_TRANSPORTS, comma-separated):
    # long-polling first, then a WebSocket. `make run` with several Rasa worker processes
    # sets "websocket": polling requests of one socket may land in different workers.
    socket_transports: Tuple[str, ...] = ("polling", "websocket")
    content_dir: Path = field(default=DEFAULT_DIR)
    # Longest chat message passed on to Rasa, in characters.
    max_message_length: int = 1000
    rasa_timeout_seconds: float = 15.0
    # sqlite:///path or postgresql://user@host/db (drivers are chosen by the store).
    database_url: str = DEFAULT_DATABASE_URL
    # Rasa's SQL tracker store, for deleting old conversations (None: not done here).
    tracker_url: Optional[str] = None
    retention_interval_seconds: float = 3600.0
    # Where "assign to an intent" on the failed-questions page writes training examples
    # (Rasa NLU YAML, reviewed in git; never trained automatically).
    training_export: Path = field(default=ROOT / "data" / "nlu" / "from_dashboard.yml")
    # Rasa saves a conversation at the end of the turn; erase it after that.
    erasure_delay_seconds: float = 5.0
    # Set VARDVAGEN_SECURE_COOKIES=1 behind HTTPS (production) so cookies are never sent in clear text.
    secure_cookies: bool = False
    # Answers to handed-over questions are e-mailed through this SMTP server;
    # without a host nothing is sent (the dashboard says so).
    smtp_host: Optional[str] = None
    smtp_port: int = 587
    smtp_username: Optional[str] = None
    smtp_password: Optional[str] = field(default=None, repr=False)
    smtp_from: str = "vardvagen@localhost"
    # STARTTLS after connecting (port 587); set VARDVAGEN_SMTP_STARTTLS=0 for a local relay.
    smtp_starttls: bool = True
    # Who hears about a new handed-over question (comma-separated e-mail
    # addresses, VARDVAGEN_NOTIFY_EMAILS); the notice holds no personal data.
    notify_emails: Tuple[str, ...] = ()
    # The service's address as counsellors reach it (VARDVAGEN_PUBLIC_URL),
    # for the inbox link in that notice.
    public_url: Optional[str] = None
    # Sites trusted to host the chat (VARDVAGEN_ALLOWED_ORIGINS, the same list Rasa's
    # socket accepts): they get CORS answers from /api and may embed /chat in a frame.
    allowed_origins: Tuple[str, ...] = ()
    # More sites that may embed the chat's frame (the widget), without CORS.
    embed_origins: Tuple[str, ...] = ()
    # Proxies (such as nginx) whose X-Forwarded-For names the real client.
    trusted_proxies: Tuple[str, ...] = ()
    # Rate limits; VARDVAGEN_RATE_LIMITS=0 turns them off (load tests only).
    rate_limits: bool = True
    # A secret shared with the action server (VARDVAGEN_ACTIONS_TOKEN): with it the
    # action server's code lookups are limited per chat conversation, not per its
    # own address (bot/security.py, lookup_buckets). `make run` makes one per start.
    actions_token: Optional[str] = field(default=None, repr=False)
    # Text messages are appended to this file instead of being sent
    # (VARDVAGEN_SMS_OUTBOX; bot/sms.py): no SMS gateway is connected.
    sms_outbox: Optional[Path] = None
    # A secret that keys the hashes of one-time codes and contacts
    # (VARDVAGEN_PROOF_SECRET); without it a new one is made per start.
    proof_secret: Optional[str] = field(default=None, repr=False)
    # Rasa's socket channel signs the chat's session ids with it
    # (VARDVAGEN_SESSION_SECRET, core/session_ids.py); /chat/answers shows a
    # conversation's answers only for an id it signed. Without it: none.
    session_secret: Optional[str] = field(default=None, repr=False)

    @property
    def public_socket_url(self) -> str:
        return self.socket_url or self.rasa_url

    @property
    def public_base_url(self) -> str:
        """Where people reach this service: links in pages, chats and e-mails."""
        return self.public_url or f"http://{self.host}:{self.port}"

    def check(self) -> None:
        """Refuse settings that are unsafe together. Behind HTTPS (secure
        cookies: production) links must come from VARDVAGEN_PUBLIC_URL."""
        if self.secure_cookies and not self.public_url:
            raise ValueError("VARDVAGEN_PUBLIC_URL must be set when VARDVAGEN_SECURE_COOKIES=1 (production): "
                             "links in e-mails and pages are built from it, never from the request's Host header")
        if self.secure_cookies and not (self.actions_token and self.session_secret):
            raise ValueError("VARDVAGEN_ACTIONS_TOKEN and VARDVAGEN_SESSION_SECRET must be set in production "
                             "(VARDVAGEN_SECURE_COOKIES=1): without them the chat cannot hand questions over, "
                             "erase its conversation or show a counsellor's answer")
        if self.public_url and not self.public_url.startswith(("https://", "http://")):
            raise ValueError("VARDVAGEN_PUBLIC_URL must start with https:// (or http:// for a test)")

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(
            host=env.get("VARDVAGEN_HOST", cls.host),
            port=int(env.get("VARDVAGEN_PORT", cls.port)),
            rasa_url=env.get("VARDVAGEN_RASA_URL", cls.rasa_url).rstrip("/"),
            socket_url=(env.get("VARDVAGEN_SOCKET_URL") or "").rstrip("/") or None,
            socket_transports=socket_transports(env.get("VARDVAGEN_SOCKET_TRANSPORTS", "")) or cls.socket_transports,
            content_dir=Path(env.get("VARDVAGEN_CONTENT_DIR", DEFAULT_DIR)),
            database_url=env.get("VARDVAGEN_DATABASE_URL", DEFAULT_DATABASE_URL),
            tracker_url=env.get("VARDVAGEN_TRACKER_URL") or None,
            training_export=Path(env.get("VARDVAGEN_TRAINING_EXPORT") or cls.training_export),
            secure_cookies=env.get("VARDVAGEN_SECURE_COOKIES", "") == "1",
            smtp_host=env.get("VARDVAGEN_SMTP_HOST") or None,
            smtp_port=int(env.get("VARDVAGEN_SMTP_PORT", cls.smtp_port)),
            smtp_username=env.get("VARDVAGEN_SMTP_USERNAME") or None,
            smtp_password=env.get("VARDVAGEN_SMTP_PASSWORD") or None,
            smtp_from=env.get("VARDVAGEN_SMTP_FROM", cls.smtp_from),
            smtp_starttls=env.get("VARDVAGEN_SMTP_STARTTLS", "1") != "0",
            notify_emails=tuple(a.strip() for a in env.get("VARDVAGEN_NOTIFY_EMAILS", "").split(",") if "@" in a),
            public_url=(env.get("VARDVAGEN_PUBLIC_URL") or "").rstrip("/") or None,
            allowed_origins=origin_list(env.get("VARDVAGEN_ALLOWED_ORIGINS", "")),
            embed_origins=origin_list(env.get("VARDVAGEN_EMBED_ORIGINS", "")),
            trusted_proxies=tuple(p.strip() for p in env.get("VARDVAGEN_TRUSTED_PROXIES", "").split(",") if p.strip()),
            rate_limits=env.get("VARDVAGEN_RATE_LIMITS", "1") != "0",
            actions_token=env.get("VARDVAGEN_ACTIONS_TOKEN") or None,
            sms_outbox=Path(env["VARDVAGEN_SMS_OUTBOX"]) if env.get("VARDVAGEN_SMS_OUTBOX") else None,
            proof_secret=env.get("VARDVAGEN_PROOF_SECRET") or None,
            session_secret=env.get("VARDVAGEN_SESSION_SECRET") or None,
        )


def origin_list(value: str) -> Tuple[str, ...]:
    """Comma-separated origins (scheme://host[:port]), without trailing slashes."""
    return tuple(origin.strip().rstrip("/") for origin in value.split(",") if origin.strip())


def socket_transports(value: str) -> Tuple[str, ...]:
    """socket.io transports from a comma-separated list; anything else is refused."""
    transports = tuple(t.strip() for t in value.split(",") if t.strip())
    unknown = set(transports) - {"polling", "websocket"}
    if unknown:
        raise ValueError(f"VARDVAGEN_SOCKET_TRANSPORTS: unknown transport {', '.join(sorted(unknown))}")
    return transports
