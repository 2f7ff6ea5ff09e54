"""E-mail: the answer to a question a person handed to a counsellor.

`Mailer` is all the rest of the service knows; `SmtpMailer` sends through
the SMTP server in settings (aiosmtplib). Without an SMTP host there is no
mailer and nothing is sent. Nothing here logs an address or an answer.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Optional, Protocol, Tuple

import aiosmtplib

from core.content import Content
from bot.settings import Settings
from bot.tickets.store import Ticket

log = logging.getLogger(__name__)

# What happened to the answer e-mail (the dashboard tells the counsellor).
SENT, NOT_EMAIL, NO_MAILER, FAILED = "sent", "not_email", "no_mailer", "failed"


class MailError(Exception):
    """The message could not be handed to the mail server."""


class Mailer(Protocol):
    async def send(self, to: str, subject: str, body: str) -> None:
        """Send a plain-text message, or raise MailError."""


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: Optional[str] = None,
        password: Optional[str] = None,
        starttls: bool = True,
        timeout: float = 20.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    async def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)  # text/plain; utf-8
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                start_tls=self.starttls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise MailError(type(error).__name__) from error


def mailer_from(settings: Settings) -> Optional[Mailer]:
    if not settings.smtp_host:
        return None
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )


def answer_mail(content: Content, ticket: Ticket) -> Tuple[str, str]:
    """Subject and plain-text body, in lättläst Swedish (content/phrases.yml)."""
    phrases = content.phrases.phrases
    parts = [
        phrases["answer_mail_intro"],
        f"{phrases['answer_mail_question']}\n{ticket.question}",
        f"{phrases['answer_mail_answer']}\n{ticket.answer or ''}",
        phrases["answer_mail_code"].format(reference=ticket.reference),
        phrases["answer_mail_end"].format(phone=content.municipality.phone),
        content.municipality.name,
    ]
    return phrases["answer_mail_subject"].format(reference=ticket.reference), "\n\n".join(parts) + "\n"


def wants_email(ticket: Ticket) -> bool:
    return bool(ticket.contact and "@" in ticket.contact)


async def send_answer(mailer: Optional[Mailer], content: Content, ticket: Ticket) -> str:
    """E-mail an answered ticket to its contact, if that is an e-mail address.

    Returns SENT, NOT_EMAIL, NO_MAILER or FAILED; never raises for a mail problem."""
    if not wants_email(ticket):
        return NOT_EMAIL
    if mailer is None:
        return NO_MAILER
    subject, body = answer_mail(content, ticket)
    try:
        await mailer.send(ticket.contact or "", subject, body)
    except MailError as error:
        # Neither the code nor the error text (it may name the address) is logged.
        log.warning("Answer e-mail for a ticket failed: %s", type(error).__name__)
        return FAILED
    return SENT
