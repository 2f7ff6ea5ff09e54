"""Counsellor accounts (argon2 password hashes) and login sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.booking.store import to_db
from bot.db.schema import sessions, users

SESSION_LENGTH = timedelta(hours=8)
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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add_user(self, username: str, password: str, counsellor_id: Optional[str], is_admin: bool = False) -> None:
        if len(password) < 12:
            raise ValueError("the password must have at least 12 characters")
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(users).values(
                    username=username,
                    password_hash=_hasher.hash(password),
                    counsellor_id=counsellor_id,
                    is_admin=is_admin,
                    created_at=to_db(datetime.now(timezone.utc)),
                )
            )

    async def check_password(self, username: str, password: str) -> Optional[User]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(users).where(users.c.username == username))).first()
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        return User(row.id, row.username, row.counsellor_id, bool(row.is_admin))

    async def start_session(self, user: User) -> str:
        """Returns the cookie token; the database keeps only its hash."""
        token = secrets.token_urlsafe(32)
        async with self.engine.begin() as conn:
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
        if row is None:
            return None
        return Session(User(row.id, row.username, row.counsellor_id, bool(row.is_admin)), row.csrf_token)

    async def end_session(self, token: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(sessions).where(sessions.c.token_hash == _token_hash(token)))
