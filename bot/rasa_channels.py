"""Rasa input channels that remove personnummer before Rasa sees a message.

Used in credentials.yml in place of `rest` and `socketio`. The text is
cleaned before it reaches NLU, the tracker store or any log, and the person
is told not to write it. Imported only by the Rasa process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput

from bot.content import load_content
from bot.privacy import redact_personnummer

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@lru_cache(maxsize=1)
def warning() -> str:
    return load_content().phrases.phrases["personnummer_removed"]


def redacting(on_new_message: OnNewMessage) -> OnNewMessage:
    async def handle(message: UserMessage) -> Any:
        if message.text:
            cleaned, found = redact_personnummer(message.text)
            if found:
                message.text = cleaned
                await message.output_channel.send_text_message(message.sender_id, warning())
        return await on_new_message(message)

    return handle


class RedactingRestInput(RestInput):
    def blueprint(self, on_new_message: OnNewMessage):  # type: ignore[override]
        return super().blueprint(redacting(on_new_message))


class RedactingSocketIOInput(SocketIOInput):
    def blueprint(self, on_new_message: OnNewMessage):  # type: ignore[override]
        return super().blueprint(redacting(on_new_message))
