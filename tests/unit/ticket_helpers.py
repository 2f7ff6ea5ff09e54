"""Shared pieces of the ticket tests: handing a question over through the API,
and what the local SMTP server (the smtp_server fixture, aiosmtpd) keeps."""

import hashlib
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import List

from actions.service_client import ACTIONS_TOKEN_HEADER, CONVERSATION_HEADER
from core.conversation import conversation_key
from core.session_ids import sign


# The token tests/unit/conftest.py gives the service (and its ServiceClient).
ACTIONS_TOKEN = "unit-test-actions-token"


# And the secret it signs chat session ids with (as Rasa's socket does).
SESSION_SECRET = "unit-test-session-secret"


def session(name: str) -> str:
    """A chat session id as Rasa's socket issues it, made from a readable name."""
    return sign(hashlib.sha256(name.encode()).hexdigest()[:32], SESSION_SECRET)


def as_action_server(conversation: str) -> dict:
    return {ACTIONS_TOKEN_HEADER: ACTIONS_TOKEN, CONVERSATION_HEADER: conversation_key(conversation)}


async def ask(client, question="Kan jag jobba natt?", headers=None, **body):
    """A question through the API; one from a chat conversation comes, as in
    real life, from the action server holding that conversation."""
    if headers is None and body.get("conversation_id"):
        headers = as_action_server(body["conversation_id"])
    response = await client.post("/api/tickets", json={"question": question, **body}, headers=headers or {})
    assert response.status in (200, 201), await response.text()
    return await response.json()


class Inbox:
    """An aiosmtpd handler: every message it accepts, parsed."""

    def __init__(self) -> None:
        self.messages: List[EmailMessage] = []
        self.recipients: List[List[str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


