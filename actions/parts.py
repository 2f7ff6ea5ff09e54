"""Parts of a bot message that the web chat shows as more than text.

- a source of a fact, as a link: {"type": "link", "title", "url"};
- the booking's calendar file, as a "Lägg till i kalendern" button: {"type": "calendar", "url"};
- a code to keep, shown large with "Kopiera koden": {"type": "code", "code"};
- "Skriv ut eller spara som PDF" for a message worth keeping: {"type": "print"}.

They go out as a message of their own, right after the text they belong to,
as custom JSON {"data": {"parts": [...]}}: Rasa's socket channel emits `data`
as the bot message, and the chat adds the parts to the message before it.
Links are never found in the text: they come from the content's sources and
from the service (the calendar file, whose secret token must not be in any
text a person sees, hears or a counsellor reads). The chat shows a link only
if it is one of these (bot/chat/routes.py `link_rules`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, Iterable, List

from rasa_sdk.executor import CollectingDispatcher

from actions.base import phrase
from core.content.model import Source

Part = Dict[str, Any]

PRINT: Part = {"type": "print"}


def source_links(sources: Iterable[Source]) -> List[Part]:
    """One link per source page, in the order cited. Two pages of the same
    organisation are told apart: "Socialstyrelsen, sida 1", "…, sida 2"."""
    pages = list({str(source.url): source for source in sources}.values())
    names = Counter(source.name for source in pages)
    numbers: Counter = Counter()
    links = []
    for source in pages:
        title = source.name
        if names[source.name] > 1:
            numbers[source.name] += 1
            title = phrase("source_page", name=source.name, number=numbers[source.name])
        links.append({"type": "link", "title": title, "url": str(source.url)})
    return links


def code_part(code: str) -> Part:
    return {"type": "code", "code": code}


def calendar_part(url: str) -> Part:
    return {"type": "calendar", "url": url}


def send_parts(dispatcher: CollectingDispatcher, parts: Iterable[Part]) -> None:
    """The parts of the message just sent; nothing if there are none."""
    parts = list(parts)
    if parts:
        dispatcher.utter_message(json_message={"data": {"parts": parts}})
