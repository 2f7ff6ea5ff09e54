"""Counsellors hear about a new handed-over question by e-mail.

The notice names the question's reference code and where the inbox is; it
holds neither the question nor the person's contact, so the e-mail carries no
personal data. Addresses come from VARDVAGEN_NOTIFY_EMAILS (settings): a
municipality sends them to a team's shared mailbox. The notice is sent after
the API has answered, so a slow or broken mail server never delays or loses
a question; a failure is logged with the reference code only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Optional, Set, Tuple

from aiohttp import web

from core.content import Content
from bot.keys import CONTENT, MAILER, SETTINGS
from bot.mail import MailError, Mailer

log = logging.getLogger(__name__)

PENDING = web.AppKey("notices_pending", Set[asyncio.Task])
# At shutdown, notices still being sent get this long before they are given up.
SHUTDOWN_GRACE_SECONDS = 5.0


def notice_mail(content: Content, reference: str, public_url: Optional[str]) -> Tuple[str, str]:
    """Subject and plain-text body (content/phrases.yml)."""
    phrases = content.phrases.phrases
    parts = [phrases["notice_mail_intro"], phrases["notice_mail_code"].format(reference=reference)]
    if public_url:
        parts.append(phrases["notice_mail_link"].format(url=f"{public_url}/dashboard/inbox/{reference}"))
    parts += [phrases["notice_mail_privacy"], content.municipality.name]
    return phrases["notice_mail_subject"].format(reference=reference), "\n\n".join(parts) + "\n"


async def send_notices(mailer: Mailer, recipients: Tuple[str, ...], subject: str, body: str, reference: str) -> int:
    """Send to each recipient; returns how many were sent. Never raises for a mail problem."""
    sent = 0
    for recipient in recipients:
        try:
            await mailer.send(recipient, subject, body)
            sent += 1
        except MailError as error:
            # Neither the code nor the error text (it may name an address) is logged.
            log.warning("Notice of a new ticket could not be sent: %s", type(error).__name__)
    return sent


def new_ticket(app: web.Application, reference: str) -> None:
    """Start sending the notice of a new ticket, if a mailer and recipients are configured."""
    settings = app[SETTINGS]
    mailer = app.get(MAILER)
    if mailer is None or not settings.notify_emails:
        return
    subject, body = notice_mail(app[CONTENT], reference, settings.public_url)
    task = asyncio.create_task(send_notices(mailer, settings.notify_emails, subject, body, reference))
    app[PENDING].add(task)
    task.add_done_callback(app[PENDING].discard)


async def pending_notices(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context: keeps the notices being sent, and lets them finish at shutdown."""
    app[PENDING] = set()
    yield
    pending = list(app[PENDING])
    if pending:
        _, late = await asyncio.wait(pending, timeout=SHUTDOWN_GRACE_SECONDS)
        for task in late:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
