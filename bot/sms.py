"""Text messages to a phone: the same small interface as e-mail (bot/mail.py).

No SMS gateway can be reached from here, so the only implementation is the
outbox: each message is appended as a JSON line to a file
(VARDVAGEN_SMS_OUTBOX), for development and tests. A municipality connects its
own gateway by writing a class with this one method.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Optional, Protocol

from bot.settings import Settings


class SmsError(Exception):
    """The message could not be handed to the gateway."""


class SmsSender(Protocol):
    async def send(self, to: str, text: str) -> None:
        ...


class OutboxSmsSender:
    """Writes messages to a local file instead of sending them (the fake edge)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, to: str, text: str) -> None:
        line = json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n"
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._append, line)
        except OSError as error:
            raise SmsError(type(error).__name__) from error

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as outbox:
            outbox.write(line)


def sms_sender_from(settings: Settings) -> Optional[SmsSender]:
    if settings.sms_outbox is None:
        return None
    return OutboxSmsSender(settings.sms_outbox)
