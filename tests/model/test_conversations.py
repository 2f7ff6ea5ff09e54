"""The conversation suite: every conversation in tests/conversations/*.yml,
run against the real stack over Rasa's REST channel, one fresh sender per
conversation. The format is described in tests/conversations/README.md.

A conversation marked `pending: "<what is missing>"` is run too, but its
failure is reported as xfail and does not fail `make test`. At the end a line
"Conversation suite: N/M passed (P %)" is printed and results/conversations.json
is written (per conversation: passed, pending, the failing turn)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp
import pytest
import yaml

from tests.model.conftest import CONVERSATION_SUMMARY, ROOT
from tests.ids import sender_id

CONVERSATIONS_DIR = ROOT / "tests" / "conversations"
RESULTS_FILE = ROOT / "results" / "conversations.json"

CONVERSATION_KEYS = {"name", "pending", "turns", "note"}
TURN_KEYS = {
    "say", "click", "use", "new_session", "note",
    "any_of", "all_of", "none_of", "regex", "none_regex", "buttons", "no_buttons", "capture",
}


# --- loading ---------------------------------------------------------------


def _load_files() -> Dict[str, dict]:
    files = {}
    for path in sorted(CONVERSATIONS_DIR.glob("*.yml")):
        files[path.name] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return files


def _expand(turns: List[dict], macros: Dict[str, List[dict]], where: str) -> List[dict]:
    out: List[dict] = []
    for turn in turns:
        if not isinstance(turn, dict):
            raise ValueError(f"{where}: a turn must be a mapping, got {turn!r}")
        unknown = set(turn) - TURN_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown turn keys {sorted(unknown)}")
        if "use" in turn:
            if turn["use"] not in macros:
                raise ValueError(f"{where}: unknown macro {turn['use']!r}")
            out += _expand(macros[turn["use"]], macros, where)
        else:
            if ("say" in turn) == ("click" in turn):
                raise ValueError(f"{where}: a turn has exactly one of say / click / use")
            out.append(turn)
    return out


def load_conversations() -> List[Any]:
    files = _load_files()
    macros: Dict[str, List[dict]] = {}
    for data in files.values():
        macros.update(data.get("macros") or {})
    params, seen = [], set()
    for file_name, data in files.items():
        for conversation in data.get("conversations") or []:
            unknown = set(conversation) - CONVERSATION_KEYS
            test_id = f"{file_name}::{conversation.get('name')}"
            if unknown:
                raise ValueError(f"{test_id}: unknown keys {sorted(unknown)}")
            if test_id in seen:
                raise ValueError(f"{test_id}: the name is used twice")
            seen.add(test_id)
            turns = _expand(conversation["turns"], macros, test_id)
            params.append(pytest.param(test_id, conversation.get("pending"), turns, id=test_id))
    return params


# --- matching --------------------------------------------------------------

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "\u00a0": " ", "\u202f": " ",
                       "–": "-", "—": "-", "’": "'", "”": '"', "“": '"'})


def fold(text: str) -> str:
    """Lower case, without å/ä/ö, one space, no spaces inside numbers ("25 400" = "25400")."""
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(?<=\d) (?=\d)", "", text)


_VARIABLE = re.compile(r"\{([A-Za-z_]\w*)((?:\|\w+)*)\}")


def substitute(text: str, variables: Dict[str, str], strict: bool) -> str:
    def replace(match: re.Match) -> str:
        name, filters = match.group(1), [f for f in match.group(2).split("|") if f]
        if name not in variables:
            if strict:
                raise KeyError(f"no captured value {{{name}}} (capture it in an earlier turn)")
            return match.group(0)
        value = variables[name]
        for f in filters:
            if f == "lower":
                value = value.lower()
            elif f == "spaced":
                value = value[: len(value) // 2] + " " + value[len(value) // 2 :]
            else:
                raise KeyError(f"unknown filter |{f}")
        return value

    return _VARIABLE.sub(replace, text)


@dataclass
class Reply:
    texts: List[str]
    buttons: List[dict]
    error: Optional[str] = None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def shown(self) -> str:
        """What the person sees: the texts and the buttons' titles."""
        return "\n".join(self.texts + [str(b.get("title", "")) for b in self.buttons])

    def describe(self) -> str:
        buttons = "; ".join(f"{b.get('title')!s} -> {b.get('payload')!s}" for b in self.buttons)
        return f"{self.text or '(no text)'}\n    [buttons: {buttons or 'none'}]"


def check_turn(turn: dict, reply: Reply, variables: Dict[str, str]) -> List[str]:
    """The expectations of one turn that do not hold, in words."""
    problems = []
    shown = fold(reply.shown)

    def present(word: str) -> bool:
        return fold(substitute(word, variables, strict=True)) in shown

    def group(item) -> List[str]:
        return item if isinstance(item, list) else [item]

    if turn.get("any_of") and not any(present(w) for w in turn["any_of"]):
        problems.append(f"expected at least one of {turn['any_of']}")
    for item in turn.get("all_of") or []:
        alternatives = group(item)
        if not any(present(w) for w in alternatives):
            problems.append(f"expected {alternatives[0]!r}" + (f" (or one of {alternatives[1:]})" if alternatives[1:] else ""))
    for word in turn.get("none_of") or []:
        if present(word):
            problems.append(f"must not contain {word!r}")
    for pattern in turn.get("regex") or []:
        if not re.search(substitute(pattern, variables, strict=False), reply.text, re.IGNORECASE):
            problems.append(f"expected a match for /{pattern}/")
    for pattern in turn.get("none_regex") or []:
        if re.search(substitute(pattern, variables, strict=False), reply.text, re.IGNORECASE):
            problems.append(f"must not match /{pattern}/")
    if "buttons" in turn:
        wanted = turn["buttons"]
        if wanted is True:
            if not reply.buttons:
                problems.append("expected buttons")
        else:
            haystack = [fold(f"{b.get('title', '')} {b.get('payload', '')}") for b in reply.buttons]
            if not any(fold(w) in h for w in wanted for h in haystack):
                problems.append(f"expected a button (title or payload) with one of {wanted}")
    if turn.get("no_buttons"):
        haystack = [fold(f"{b.get('title', '')} {b.get('payload', '')}") for b in reply.buttons]
        for w in turn["no_buttons"]:
            if any(fold(w) in h for h in haystack):
                problems.append(f"must not offer a button with {w!r}")
    for name, pattern in (turn.get("capture") or {}).items():
        match = re.search(pattern, reply.text)
        if not match:
            problems.append(f"could not capture {{{name}}} with /{pattern}/")
        else:
            # A code may be shown as "ABCD EFGH" or "ABCD-EFGH": kept without the separator.
            variables[name] = re.sub(r"[\s-]", "", match.group(1) if match.groups() else match.group(0))
    return problems


# --- running ---------------------------------------------------------------


def new_sender() -> str:
    return sender_id("conv")


async def say(session: aiohttp.ClientSession, stack, who: str, message: str) -> Reply:
    async with session.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": who, "message": message},
        timeout=aiohttp.ClientTimeout(total=60),
    ) as response:
        if response.status != 200:
            return Reply([], [], error=f"Rasa answered HTTP {response.status}: {(await response.text())[:300]}")
        body = await response.json()
    texts, buttons = [], []
    for item in body:
        if item.get("text"):
            texts.append(item["text"])
        buttons += item.get("buttons") or []
        data = (item.get("custom") or {}).get("data") or {}
        if item.get("custom") and set(data) != {"parts"}:
            # A line in another language; the parts of a message (links, codes) are not its words.
            texts.append(json.dumps(item["custom"], ensure_ascii=False))
    return Reply(texts, buttons)


def choose_button(turn: dict, previous: Optional[Reply]) -> Optional[dict]:
    buttons = previous.buttons if previous else []
    wanted = turn["click"]
    if isinstance(wanted, int):
        return buttons[wanted - 1] if 0 < wanted <= len(buttons) else None
    return next((b for b in buttons if fold(wanted) in fold(f"{b.get('title', '')} {b.get('payload', '')}")), None)


@dataclass
class Outcome:
    passed: bool = True
    turns_run: int = 0
    failing_turn: Optional[dict] = None
    transcript: List[str] = field(default_factory=list)


async def run_conversation(stack, turns: List[dict]) -> Outcome:
    outcome, variables = Outcome(), {}
    who, previous = new_sender(), None
    async with aiohttp.ClientSession() as session:
        for number, turn in enumerate(turns, start=1):
            if turn.get("new_session"):
                who, previous = new_sender(), None
            if "click" in turn:
                button = choose_button(turn, previous)
                if button is None:
                    offered = [b.get("title") for b in (previous.buttons if previous else [])]
                    outcome.passed = False
                    outcome.failing_turn = {"turn": number, "click": turn["click"],
                                            "problems": [f"no button to click matching {turn['click']!r}; offered: {offered}"]}
                    return outcome
                message = str(button.get("payload") or button.get("title"))
                variables["clicked"] = str(button.get("title", ""))
                label = f"[clicks {button.get('title')!r}]"
            else:
                try:
                    message = substitute(str(turn["say"]), variables, strict=True)
                except KeyError as e:
                    outcome.passed = False
                    outcome.failing_turn = {"turn": number, "say": turn["say"], "problems": [str(e)]}
                    return outcome
                label = message
            reply = await say(session, stack, who, message)
            outcome.turns_run = number
            outcome.transcript.append(f"  {number}. person: {label}\n     bot: {reply.describe()}")
            try:
                problems = [reply.error] if reply.error else check_turn(turn, reply, variables)
            except KeyError as e:
                problems = [str(e)]
            if problems:
                outcome.passed = False
                outcome.failing_turn = {
                    "turn": number,
                    "person": label,
                    "problems": problems,
                    "bot": reply.text,
                    "buttons": [{"title": b.get("title"), "payload": b.get("payload")} for b in reply.buttons],
                }
                return outcome
            previous = reply
    return outcome


RESULTS: Dict[str, dict] = {}


@pytest.fixture(scope="module", autouse=True)
def conversation_summary(request):
    yield
    if not RESULTS:
        return
    total = len(RESULTS)
    passed = sum(r["passed"] for r in RESULTS.values())
    pending = [r for r in RESULTS.values() if r["pending"]]
    pending_passed = sum(r["passed"] for r in pending)
    firm = total - len(pending)
    firm_passed = passed - pending_passed
    line = (
        f"Conversation suite: {passed}/{total} passed ({100 * passed / total:.1f} %); "
        f"not pending: {firm_passed}/{firm} passed; pending: {len(pending)}, of which passing: {pending_passed}"
    )
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(
        json.dumps({"summary": line, "conversations": RESULTS}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    request.config.stash[CONVERSATION_SUMMARY] = line
    print("\n" + line)


@pytest.mark.parametrize("test_id,pending,turns", load_conversations())
async def test_conversation(stack, test_id: str, pending: Optional[str], turns: List[dict]):
    outcome = await run_conversation(stack, turns)
    RESULTS[test_id] = {"passed": outcome.passed, "pending": pending, "failing_turn": outcome.failing_turn,
                        "transcript": outcome.transcript}
    if outcome.passed:
        if pending:
            print(f"\n{test_id}: passes although marked pending ({pending}); remove `pending`.")
        return
    failing = outcome.failing_turn or {}
    message = (
        f"{test_id} failed at turn {failing.get('turn')} ({failing.get('person', failing.get('say', failing.get('click')))}):\n"
        + "\n".join(f"  - {p}" for p in failing.get("problems", []))
        + "\nConversation so far:\n"
        + "\n".join(outcome.transcript)
    )
    if pending:
        pytest.xfail(f"pending: {pending}\n{message}")
    pytest.fail(message, pytrace=False)
