"""Rasa input channels that remove personnummer before Rasa sees a message.

Used in credentials.yml in place of `rest` and `socketio`. The text is
cleaned before it reaches NLU, the tracker store or any log, and the person
is told not to write it. Imported only by the Rasa process.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Awaitable, Callable, List

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


def allowed_origins() -> List[str]:
    """Sites whose pages may open the socket (VARDVAGEN_ALLOWED_ORIGINS, comma-separated)."""
    value = os.environ.get("VARDVAGEN_ALLOWED_ORIGINS", "")
    return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]


class RedactingSocketIOInput(SocketIOInput):
    def blueprint(self, on_new_message: OnNewMessage):  # type: ignore[override]
        blueprint = super().blueprint(redacting(on_new_message))
        origins = allowed_origins()
        if origins:
            # Rasa turns the socket's own Origin check off (cors_allowed_origins=[]) and
            # leaves CORS to `rasa run --cors`, which browsers do not apply to
            # WebSockets. Check the Origin here too; the CORS headers stay
            # Sanic-CORS's, so they are not sent twice.
            engine = self.sio.eio
            engine.cors_allowed_origins = origins
            engine._cors_headers = lambda environ: []
        return blueprint
