"""One-time codes that prove a person controls a phone number or e-mail.

Erasing everything stored under a contact needs more than a reference code:
anyone can make a record with someone else's phone number. So the person
asks for a code, it is sent to that contact, and only the code sent there
opens the erasure. A code is 6 digits, lasts PROOF_MINUTES, allows
MAX_ATTEMPTS tries and works once. Only keyed hashes of the contact and the
code are stored; retention deletes expired rows.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.schema import contact_proofs
from bot.db.times import to_db

PROOF_MINUTES = 15
MAX_ATTEMPTS = 5
CODE_DIGITS = 6


class ProofStore:
    def __init__(self, engine: AsyncEngine, secret: str) -> None:
        self.engine = engine
        self._key = secret.encode()

    def _hash(self, *parts: str) -> str:
        return hmac.new(self._key, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()

    def contact_key(self, contact: str) -> str:
        return self._hash("contact", contact)

    async def issue(self, contact: str, now: datetime) -> str:
        """A new code for this contact; an earlier one stops working."""
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        key = self.contact_key(contact)
        row = {
            "contact_key": key,
            "code_hash": self._hash("code", key, code),
            "expires_at": to_db(now + timedelta(minutes=PROOF_MINUTES)),
            "attempts": 0,
        }
        # Replace the contact's row: update it, or insert when there is none. Two
        # requests at once: the one that loses the insert updates instead.
        for _ in range(2):
            try:
                async with self.engine.begin() as conn:
                    changed = await conn.execute(
                        update(contact_proofs).where(contact_proofs.c.contact_key == key).values(**row)
                    )
                    if changed.rowcount == 0:
                        await conn.execute(contact_proofs.insert().values(**row))
                return code
            except IntegrityError:
                continue
        raise RuntimeError("could not store a one-time code")

    async def redeem(self, contact: str, code: str, now: datetime) -> bool:
        """True once for the right code in time; every try counts, also tries
        made at the same moment: the count is raised in the database first."""
        key = self.contact_key(contact)
        async with self.engine.begin() as conn:
            allowed = await conn.execute(
                update(contact_proofs)
                .where(contact_proofs.c.contact_key == key, contact_proofs.c.attempts < MAX_ATTEMPTS,
                       contact_proofs.c.expires_at >= to_db(now))
                .values(attempts=contact_proofs.c.attempts + 1)
            )
        if allowed.rowcount != 1:
            return False
        wanted = self._hash("code", key, code.strip())
        async with self.engine.begin() as conn:
            found = (await conn.execute(select(contact_proofs.c.code_hash).where(contact_proofs.c.contact_key == key))).first()
            if found is None or not hmac.compare_digest(found.code_hash, wanted):
                return False
            # Once: only the request that deletes the row succeeds.
            used = await conn.execute(
                delete(contact_proofs).where(contact_proofs.c.contact_key == key, contact_proofs.c.code_hash == wanted)
            )
        return used.rowcount == 1
