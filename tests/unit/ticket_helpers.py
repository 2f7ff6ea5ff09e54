"""Shared pieces of the ticket tests: handing a question over through the API,
and what the local SMTP server (the smtp_server fixture, aiosmtpd) keeps."""

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import List


async def ask(client, question="Kan jag jobba natt?", headers=None, **body):
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
