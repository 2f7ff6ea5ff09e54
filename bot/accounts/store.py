"""Counsellor accounts (argon2 password hashes) and login sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
import re
from typing import Iterable, List, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from zxcvbn import zxcvbn
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.times import to_db
from bot.db.schema import sessions, users

SESSION_LENGTH = timedelta(hours=8)
MIN_PASSWORD_LENGTH = 12
# zxcvbn's score 0-4; 3 is 'safely unguessable' for an online attack.
MIN_PASSWORD_SCORE = 3
USERNAME = re.compile(r"\w[\w.\-]{1,63}")
_hasher = PasswordHasher()
# Verifying against this keeps the time the same whether or not a user exists.
_DUMMY_HASH = _hasher.hash("not a real password")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    counsellor_id: Optional[str]
    is_admin: bool


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


def normalize_username(username: str) -> str:
    """User names are compared without regard to case: 'Lina' is 'lina'."""
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise ValueError("a user name has 2-64 letters, digits, '.', '-' or '_'")
    return name


def check_password_strength(password: str, username: str) -> None:
    """At least 12 characters, and not guessable: zxcvbn scores common
    passwords, words, names, dates and repeats ('aaaaaaaaaaaa' scores 0)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if zxcvbn(password[:100], user_inputs=[username, "vardvagen", "vägledare"])["score"] < MIN_PASSWORD_SCORE:
        raise ValueError("the password is too easy to guess: use three or four unrelated words")


def has_role(row) -> bool:
    """Fail closed: an account that is disabled, or neither admin nor counsellor, has no access."""
    return not row.disabled and (bool(row.is_admin) or bool(row.counsellor_id))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountStore:
    def __init__(self, engine: AsyncEngine, counsellor_ids: Iterable[str] = ()) -> None:
        self.engine = engine
        # The counsellors of content/booking.yml: a counsellor account names one of them.
        self.counsellor_ids = frozenset(counsellor_ids)

    async def add_user(
        self, username: str, password: str, counsellor_id: Optional[str], is_admin: bool = False
    ) -> None:
        """An account is a counsellor (an id in content/booking.yml) or an admin,
        never neither: an account without a role would see nothing, or worse."""
        name = normalize_username(username)
        if is_admin == bool(counsellor_id):
            raise ValueError("an account is either --counsellor ID or --admin")
        if counsellor_id and counsellor_id not in self.counsellor_ids:
            raise ValueError(f"no counsellor '{counsellor_id}' in content/booking.yml")
        check_password_strength(password, name)
        async with self.engine.begin() as conn:
            if (await conn.execute(select(users.c.id).where(users.c.username == name))).first():
                raise ValueError(f"the user {name} exists already")
            await conn.execute(
                insert(users).values(
                    username=name,
                    password_hash=_hasher.hash(password),
                    counsellor_id=counsellor_id,
                    is_admin=is_admin,
                    created_at=to_db(datetime.now(timezone.utc)),
                )
            )

    async def set_password(self, username: str, password: str) -> None:
        """A new password; every session of the account ends."""
        name = normalize_username(username)
        check_password_strength(password, name)
        await self._update(name, password_hash=_hasher.hash(password))

    async def set_disabled(self, username: str, disabled: bool) -> None:
        """Disabling ends every session of the account at once."""
        await self._update(normalize_username(username), disabled=disabled)

    async def _update(self, name: str, **values: object) -> None:
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(users.c.id).where(users.c.username == name))).first()
            if row is None:
                raise ValueError(f"no user {name}")
            await conn.execute(update(users).where(users.c.id == row.id).values(**values))
            await conn.execute(delete(sessions).where(sessions.c.user_id == row.id))

    async def counsellor_of(self, username: str) -> Optional[str]:
        """The counsellor (content/booking.yml id) an account belongs to; None for an admin."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(users.c.counsellor_id).where(users.c.username == username))).first()
        return row.counsellor_id if row else None

    async def list_users(self) -> List[Tuple[str, str, bool]]:
        """(user name, role, disabled) of every account, by name."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(users).order_by(users.c.username))).all()
        return [(r.username, "admin" if r.is_admin else f"counsellor {r.counsellor_id}", bool(r.disabled)) for r in rows]

    async def check_password(self, username: str, password: str) -> Optional[User]:
        try:
            name = normalize_username(username)
        except ValueError:
            name = ""  # no such user: the dummy hash below keeps the time the same
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(users).where(users.c.username == name))).first() if name else None
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not has_role(row):
            return None
        return User(row.id, row.username, row.counsellor_id, bool(row.is_admin))

    async def start_session(self, user: User) -> str:
        """Returns the cookie token; the database keeps only its hash. A new
        login ends the account's older sessions (a forgotten one on a shared
        computer, or one somebody else took over)."""
        token = secrets.token_urlsafe(32)
        async with self.engine.begin() as conn:
            await conn.execute(delete(sessions).where(sessions.c.user_id == user.id))
            await conn.execute(
                insert(sessions).values(
                    token_hash=_token_hash(token),
                    user_id=user.id,
                    csrf_token=secrets.token_urlsafe(32),
                    expires_at=to_db(datetime.now(timezone.utc) + SESSION_LENGTH),
                )
            )
        return token

    async def session(self, token: Optional[str]) -> Optional[Session]:
        if not token:
            return None
        now = to_db(datetime.now(timezone.utc))
        query = (
            select(users, sessions.c.csrf_token)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == _token_hash(token), sessions.c.expires_at > now)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None or not has_role(row):
            return None
        return Session(User(row.id, row.username, row.counsellor_id, bool(row.is_admin)), row.csrf_token)

    async def end_session(self, token: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(sessions).where(sessions.c.token_hash == _token_hash(token)))
