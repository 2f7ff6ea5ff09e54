"""Rasa input channels that guard Rasa: they remove personnummer and mask
long numbers, refuse empty, too long or malformed messages and floods from
one sender, all before Rasa parses, stores or logs a message.

Used in credentials.yml in place of `rest` and `socketio`. A refused message
gets a short Swedish reply instead of reaching NLU; a personnummer or a long
number is cleaned from the text (core/privacy.py) and the person is told
not to write it. Imported only by the Rasa process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import response
from sanic.request import Request

from rasa_addons.channel_guard import (
    MessageGuard,
    Refusal,
    asks_for_contact,
    clean_incoming,
    request_refusal,
    rest_body_refusal,
)
from core.content import load_content
from core.session_ids import is_signed, new_session_id
from rasa_addons.patches import close_shared_session, require_installed

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
log = logging.getLogger(__name__)
# Commands that rightly get no answer (the tablet's "Ny användare" sends /restart).
SILENT_COMMANDS = ("/restart", "/session_start")
# What the chat in tablet mode sends as metadata; nothing else of it is kept.
TABLET_METADATA = {"tablet": True}


@lru_cache(maxsize=1)
def phrases() -> Dict[str, str]:
    return load_content().phrases.phrases


def refusal_text(refusal: Refusal) -> str:
    return phrases()[refusal.phrase_key].format(max=refusal.max)


def no_answer_text() -> str:
    return phrases()["no_answer"].format(phone=load_content().municipality.phone)


class CountingOutput(OutputChannel):
    """Passes every bot message on to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    @classmethod
    def name(cls) -> Text:
        return "counting"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.sent += 1
        await self.inner.send_text_message(recipient_id, text, **kwargs)


class Conversations:
    """Whether the bot has just asked a conversation for a contact, read from
    Rasa's tracker store. The agent lives on the Sanic app, which a channel's
    handler is not given: a listener keeps the app when the server starts."""

    def __init__(self) -> None:
        self.app: Any = None

    def attach(self, blueprint: Any) -> None:
        @blueprint.listener("before_server_start")
        async def keep_app(app: Any, loop: Any) -> None:
            self.app = app

    async def contact_asked(self, sender_id: str) -> bool:
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return False  # unknown: the number is masked, never kept by mistake
        try:
            tracker = await store.retrieve(sender_id)
        except Exception as error:  # noqa: BLE001 - masking is the safe answer
            log.warning("Reading a conversation for its asked contact failed: %s", type(error).__name__)
            return False
        return tracker is not None and asks_for_contact(tracker.active_loop_name, tracker.get_slot("requested_slot"))


def guarded(on_new_message: OnNewMessage, guard: MessageGuard,
            conversations: Optional[Conversations] = None) -> OnNewMessage:
    conversations = conversations or Conversations()

    async def handle(message: UserMessage) -> Any:
        refusal = guard.check(message.sender_id, message.text)
        if refusal is not None:
            await message.output_channel.send_text_message(message.sender_id, refusal_text(refusal))
            return None
        cleaned, notes = await clean_incoming(message.text, lambda: conversations.contact_asked(message.sender_id))
        message.text = cleaned.text
        for key in notes:
            await message.output_channel.send_text_message(message.sender_id, phrases()[key])
        counting = CountingOutput(message.output_channel)
        message.output_channel = counting
        try:
            result = await on_new_message(message)
        except Exception as error:  # noqa: BLE001 - the person gets an answer; the error is logged
            # Logged without the message: it may hold personal data.
            log.error("Handling a message failed: %s", type(error).__name__)
            result = None
        if counting.sent == 0 and not (message.text or "").startswith(SILENT_COMMANDS):
            # No answer at all: the action server (or the tracker store) did not answer.
            log.warning("No answer to a message; is the action server running?")
            await counting.inner.send_text_message(message.sender_id, no_answer_text())
        return result

    return handle


def close_session_at_stop(blueprint: Any) -> None:
    """Close the action calls' shared session (rasa_addons/patches.py) when Rasa stops."""

    @blueprint.listener("before_server_stop")
    async def close_action_session(app: Any, loop: Any) -> None:
        await close_shared_session()


def stop_while_loading(blueprint: Any) -> None:
    """Let a Sanic worker that is still loading the model stop on SIGTERM.

    Sanic 21.12 forks its workers after setting the main process's SIGTERM
    handler, which only passes the signal on to the workers started before.
    A worker keeps that handler until it starts serving, after Rasa's
    before_server_start listener has loaded the model. A worker told to stop
    while loading went on and never stopped, and the main process waited for
    it for ever. This listener runs before Rasa's (blueprints are registered
    first): a worker then ends at once on SIGTERM while it loads, and Sanic
    puts its graceful handler in place once it serves. SIGINT is the main
    process's to handle, as Sanic sets it for serving workers."""

    @blueprint.listener("before_server_start")
    async def default_signals_in_a_worker(app: Any, loop: Any) -> None:
        if multiprocessing.parent_process() is not None:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)


class RedactingRestInput(RestInput):
    def blueprint(self, on_new_message: OnNewMessage):  # type: ignore[override]
        # Rasa started without `python -m rasa_addons` would run unpatched: refuse to start.
        require_installed(type(self).__name__)
        conversations = Conversations()
        blueprint = super().blueprint(guarded(on_new_message, MessageGuard.from_env(), conversations))
        conversations.attach(blueprint)
        close_session_at_stop(blueprint)
        stop_while_loading(blueprint)

        @blueprint.middleware("request")
        async def refuse_malformed(request: Request) -> Optional[response.HTTPResponse]:
            # Rasa's own handler would answer a body that is not JSON with an
            # English 400 and would take a missing sender as the shared "default".
            if request.method != "POST":
                return None
            # Any website could make a visitor's browser post a text/plain or form
            # body here without asking first (a "simple" cross-origin request).
            # Only JSON, and only from the configured sites, is taken.
            refusal = request_refusal(request.headers.get("content-type", ""), request.headers.get("origin"),
                                      allowed_origins())
            if refusal is not None:
                return response.json([{"recipient_id": "", "text": refusal_text(refusal)}],
                                     status=415 if refusal.phrase_key == "api_bad_content_type" else 403)
            refusal = rest_body_refusal(request.body)
            if refusal is None:
                return None
            return response.json([{"recipient_id": "", "text": refusal_text(refusal)}], status=400)

        if several_workers():
            @blueprint.middleware("response")
            async def close_connection(request: Request, _response: response.HTTPResponse) -> None:
                # Rasa's workers take connections from one shared socket, and a worker that
                # is busy takes none. A kept-alive connection would tie a client (the bot
                # service's relay, a proxy) to one worker, busy or not; closed after each
                # answer, the next message goes to a worker that is free.
                request.stream.keep_alive = False

        return blueprint

    def get_metadata(self, request: Request) -> Optional[Dict[str, Any]]:
        # Unknown fields are never stored in the tracker.
        return None

    def _extract_input_channel(self, request: Request) -> str:
        return self.name()


def several_workers() -> bool:
    """Rasa runs several Sanic worker processes (SANIC_WORKERS, set by `make run`)."""
    try:
        return int(os.environ.get("SANIC_WORKERS", "1")) > 1
    except ValueError:
        return False


def allowed_origins() -> List[str]:
    """Sites whose pages may open the socket (VARDVAGEN_ALLOWED_ORIGINS, comma-separated)."""
    value = os.environ.get("VARDVAGEN_ALLOWED_ORIGINS", "")
    return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]


def session_secret() -> str:
    """VARDVAGEN_SESSION_SECRET: signs the chat's session ids (core/session_ids.py)."""
    secret = os.environ.get("VARDVAGEN_SESSION_SECRET", "")
    if len(secret) < 16:
        raise RuntimeError("VARDVAGEN_SESSION_SECRET is not set (or shorter than 16 characters): the socket channel "
                           "signs the chat's session ids with it. `make run` and `make production` make one.")
    return secret


def issue_signed_sessions(sio: Any, namespace: Optional[str], user_message_evt: str, secret: str,
                          metadata_key: str = "metadata") -> None:
    """A socket joins only a session the server issued, and speaks only in it.

    Rasa lets the browser name any session id: joining its room, a page would
    receive another person's answers live, and `user_uttered` with another id
    would speak in their conversation. Here an id that does not carry our
    signature is replaced by a new one, and a message naming any other
    session than its socket's is dropped."""
    space = namespace or "/"
    rasa_message = sio.handlers[space][user_message_evt]
    bound: Dict[str, str] = {}

    async def session_request(sid: str, data: Any) -> None:
        asked = data.get("session_id") if isinstance(data, dict) else None
        session_id = asked if is_signed(asked, secret) else new_session_id(secret)
        bound[sid] = session_id
        sio.enter_room(sid, session_id, namespace=space)
        await sio.emit("session_confirm", session_id, room=sid, namespace=space)

    async def user_uttered(sid: str, data: Any) -> Any:
        if not isinstance(data, dict):
            return None
        named = data.get("session_id")
        if not bound.get(sid) and is_signed(named, secret):
            # A socket that reconnected sends what was typed meanwhile before it asks
            # for its session again: an id we signed is its own, so bind it now.
            bound[sid] = named
            sio.enter_room(sid, named, namespace=space)
        if not bound.get(sid) or named != bound[sid]:
            log.debug("A socket message for a session it was not given was dropped")
            return None
        # The page's free-form metadata is never stored in the tracker; only the
        # classroom tablet's marker is kept, for the statistics (web or tablet).
        message = {k: v for k, v in data.items() if k != metadata_key}
        if data.get(metadata_key) == TABLET_METADATA:
            message[metadata_key] = dict(TABLET_METADATA)
        return await rasa_message(sid, message)

    async def disconnect(sid: str) -> None:
        bound.pop(sid, None)

    sio.on("session_request", session_request, namespace=space)
    sio.on(user_message_evt, user_uttered, namespace=space)
    sio.on("disconnect", disconnect, namespace=space)


class RedactingSocketIOInput(SocketIOInput):
    def blueprint(self, on_new_message: OnNewMessage):  # type: ignore[override]
        require_installed(type(self).__name__)
        secret = session_secret()
        conversations = Conversations()
        blueprint = super().blueprint(guarded(on_new_message, MessageGuard.from_env(), conversations))
        conversations.attach(blueprint)
        issue_signed_sessions(self.sio, self.namespace, self.user_message_evt, secret, self.metadata_key)
        close_session_at_stop(blueprint)
        stop_while_loading(blueprint)
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
