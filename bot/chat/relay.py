"""Relay chat messages from the simple chat page to Rasa's REST channel."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import aiohttp

from core.privacy import contains_personnummer

SENDER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class ChatInputError(ValueError):
    """The message cannot be sent; `phrase_key` names the Swedish answer."""

    def __init__(self, phrase_key: str) -> None:
        super().__init__(phrase_key)
        self.phrase_key = phrase_key


class RasaUnavailable(Exception):
    pass


@dataclass(frozen=True)
class ChatMessage:
    sender: str
    text: str


def parse_chat_message(body: Any, max_length: int) -> ChatMessage:
    if not isinstance(body, dict):
        raise ChatInputError("input_invalid")
    sender = body.get("sender")
    text = body.get("message")
    if not isinstance(sender, str) or not SENDER_ID.match(sender) or contains_personnummer(sender):
        raise ChatInputError("input_invalid")
    if not isinstance(text, str) or not text.strip():
        raise ChatInputError("input_empty")
    if len(text) > max_length:
        raise ChatInputError("input_too_long")
    return ChatMessage(sender=sender, text=text.strip())


async def send_to_rasa(
    session: aiohttp.ClientSession, rasa_url: str, message: ChatMessage, timeout: float
) -> List[Dict[str, Any]]:
    url = f"{rasa_url}/webhooks/rest/webhook"
    try:
        async with session.post(
            url,
            json={"sender": message.sender, "message": message.text},
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            if response.status != 200:
                raise RasaUnavailable(f"HTTP {response.status}")
            replies = await response.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        raise RasaUnavailable(repr(error)) from error
    return [clean_reply(r) for r in replies if isinstance(r, dict)]


_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


# The parts of a message (actions/parts.py) and their fields, all text.
PART_FIELDS = {"link": ("title", "url"), "calendar": ("url",), "code": ("code",), "print": ()}


def clean_parts(parts: Any) -> List[Dict[str, str]]:
    kept = []
    for part in parts if isinstance(parts, list) else []:
        fields = PART_FIELDS.get(part.get("type")) if isinstance(part, dict) else None
        if fields is not None and all(isinstance(part.get(name), str) for name in fields):
            kept.append({"type": part["type"], **{name: part[name] for name in fields}})
    return kept


def clean_reply(reply: Dict[str, Any]) -> Dict[str, Any]:
    """Pass on only what the page shows: text and buttons, for a line in
    another language (custom {"data": {"text", "lang", "dir"}}) its language
    and direction, and the parts of a message (custom {"data": {"parts"}})."""
    out: Dict[str, Any] = {}
    custom = reply.get("custom")
    data = custom.get("data") if isinstance(custom, dict) else None
    parts = clean_parts(data.get("parts")) if isinstance(data, dict) else []
    if parts:
        out["parts"] = parts
    if isinstance(data, dict) and isinstance(data.get("text"), str) and not reply.get("text"):
        reply = {**reply, "text": data["text"]}
        if isinstance(data.get("lang"), str) and _LANG.match(data["lang"]):
            out["lang"] = data["lang"]
        if data.get("dir") in ("ltr", "rtl"):
            out["dir"] = data["dir"]
    text: Optional[str] = reply.get("text")
    if text:
        out["text"] = text
    buttons = reply.get("buttons") or []
    if buttons:
        out["buttons"] = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in buttons
            if isinstance(b, dict)
        ]
    return out
