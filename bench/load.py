"""Latency and throughput: realistic multi-turn conversations, each with its
own sender id, sent by an aiohttp load generator to Rasa's REST channel, at 1,
20 and 100 concurrent conversations. The project's stack as `make run` starts
it (one Rasa, custom actions, the bot web service, real bookings), the
production profile (two Rasa instances and two action servers behind nginx,
PostgreSQL, Redis) and, in the same run, Rasa's stock `rasa init` bot as a
reference. Errors are requests without a proper answer; failed actions are
custom actions Rasa logged as failed (the answer still came back, without the
action's part); bookings not confirmed are booking conversations whose last
answer has no code (with many people at once, some pick a time another took
first). Prints a table and writes results/bench/load.json. A benchmark, not a
test. Usage:
    .venv/bin/python bench/load.py [--levels 1,20,100] [--seconds 30] [--targets project,production,reference]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stack import init_reference, production_stack, project_stack, reference_stack  # noqa: E402

OUT = ROOT / "results" / "bench"

# What people do in the chat. "{button:x}" sends the payload of the first button whose payload contains x;
# "{expect:x}" sends nothing and counts a booking not confirmed unless the last answer contains x (with
# many people booking at once, some pick a time another took first and are asked to choose again).
PROJECT_CONVERSATIONS = [
    ["hej", "vad gor en underskoterska", "hur mycket tjanar man", "tack"],
    ["kan jag bli underskoterska", "sfi d", "{button:education}", "{button:experience}", "34"],
    ["vad betyder apl", "vad ar validering", "hej da"],
    ["hur blir man skotare", "vad kravs for vardbitrade med sfi", "nar borjar det"],
    ["jag vill boka en tid", "{button:phone}", '{button:"interpreter_wanted": "no"}', "{button:slot_label}", "Amina",
     "0701234567", "ja",
     "{expect:Din kod är}"],
    ["vilka tider jobbar man", "csn", "tack"],
]
REFERENCE_CONVERSATIONS = [
    ["hi", "I am sad", "yes", "bye"],
    ["hello", "great", "are you a bot?", "goodbye"],
    ["hey", "very sad", "no", "bye"],
]


@dataclass
class Results:
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    failed_checks: int = 0
    messages: int = 0
    conversations: int = 0


def percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def resolve(step: str, last: List[dict], rng: random.Random) -> str:
    if not step.startswith("{button:"):
        return step
    wanted = step[len("{button:"):-1]
    offered = [b["payload"] for reply in last for b in reply.get("buttons") or [] if wanted in b.get("payload", "")]
    if not offered:
        return "hjälp"  # the expected button was not offered: carry on like a person would
    return rng.choice(offered)  # people pick different times


async def conversation(session: aiohttp.ClientSession, url: str, steps: List[str], sender: str, results: Results,
                       rng: random.Random) -> None:
    last: List[dict] = []
    for step in steps:
        if step.startswith("{expect:"):
            said = " ".join(str(reply.get("text") or "") for reply in last)
            if step[len("{expect:"):-1] not in said:
                results.failed_checks += 1
            continue
        text = resolve(step, last, rng)
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json()
                ok = response.status == 200 and isinstance(body, list) and len(body) > 0
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            ok, body = False, []
        results.latencies.append((time.perf_counter() - started) * 1000)
        results.messages += 1
        if not ok:
            results.errors += 1
        last = body if isinstance(body, list) else []
    results.conversations += 1


async def run_level(rasa_url: str, conversations: List[List[str]], concurrency: int, seconds: float, tag: str) -> Dict:
    url = f"{rasa_url}/webhooks/rest/webhook"
    results = Results()
    deadline = time.monotonic() + seconds
    rng = random.Random(concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def worker(number: int) -> None:
        count = 0
        while time.monotonic() < deadline:
            steps = rng.choice(conversations)
            await conversation(session, url, steps, f"bench-{tag}-{concurrency}-{number}-{count}", results, rng)
            count += 1

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "concurrency": concurrency,
        "conversations": results.conversations,
        "messages": results.messages,
        "errors": results.errors,
        "bookings_not_confirmed": results.failed_checks,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(results.messages / elapsed, 1),
        "p50_ms": round(percentile(results.latencies, 50), 1),
        "p95_ms": round(percentile(results.latencies, 95), 1),
        "p99_ms": round(percentile(results.latencies, 99), 1),
        "mean_ms": round(statistics.fmean(results.latencies), 1) if results.latencies else None,
    }


async def warm_up(rasa_url: str, text: str) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for n in range(3):
            async with session.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": f"warm-{n}", "message": text}):
                pass


ACTION_FAILURE = "Encountered an exception while running action"


def action_failures(log_dir: Path) -> int:
    """How often Rasa logged a failed custom action so far (the answer still came back, without the action's part)."""
    return sum(path.read_text(encoding="utf-8", errors="replace").count(ACTION_FAILURE) for path in log_dir.rglob("*.log"))


def measure(stack_cm, conversations, levels: List[int], seconds: float, tag: str, warm: str) -> Dict:
    with stack_cm as stack:
        asyncio.run(warm_up(stack.rasa_url, warm))
        rows = []
        for level in levels:
            before = action_failures(stack.log.parent)
            row = asyncio.run(run_level(stack.rasa_url, conversations, level, seconds, tag))
            row["action_failures"] = action_failures(stack.log.parent) - before
            print(f"  {tag:<10} {level:>4} concurrent: {row['messages_per_second']:>6} msg/s, "
                  f"p95 {row['p95_ms']} ms, errors {row['errors']}, failed actions {row['action_failures']}, "
                  f"bookings not confirmed {row['bookings_not_confirmed']}", flush=True)
            rows.append(row)
        return {"startup_seconds": round(stack.startup_seconds, 1), "memory_mb_after": stack.memory(),
                "pss_total_mb_after": stack.pss_total_mb(), "levels": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,20,100")
    parser.add_argument("--seconds", type=float, default=30.0, help="load time per level")
    parser.add_argument("--reference-dir", type=Path, default=Path(tempfile.gettempdir()) / "vardvagen-rasa-init")
    parser.add_argument("--targets", default="project,production,reference")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    targets = args.targets.split(",")
    OUT.mkdir(parents=True, exist_ok=True)
    results: Dict[str, Optional[Dict]] = {"seconds_per_level": args.seconds}
    if "project" in targets:
        with tempfile.TemporaryDirectory(prefix="vardvagen-bench-") as var:
            print("Project stack (make run):", flush=True)
            results["project"] = measure(project_stack(Path(var)), PROJECT_CONVERSATIONS, levels, args.seconds, "project", "hej")
    if "production" in targets:
        with tempfile.TemporaryDirectory(prefix="vardvagen-bench-") as var:
            print("Production profile (2 Rasa instances behind nginx):", flush=True)
            results["production"] = measure(production_stack(Path(var)), PROJECT_CONVERSATIONS, levels, args.seconds,
                                            "production", "hej")
    if "reference" in targets:
        print("Reference (rasa init):", flush=True)
        folder = init_reference(args.reference_dir)
        results["reference"] = measure(reference_stack(folder), REFERENCE_CONVERSATIONS, levels, args.seconds, "reference", "hi")
    (OUT / "load.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print_table(results)
    return 0


def print_table(results: Dict) -> None:
    print(f"\n{'bot':<11}{'conc.':>6}{'msg/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'actions failed':>16}{'bookings not confirmed':>24}{'messages':>10}")
    for name in ("project", "production", "reference"):
        if not results.get(name):
            continue
        for row in results[name]["levels"]:
            print(f"{name:<11}{row['concurrency']:>6}{row['messages_per_second']:>8}{row['p50_ms']:>9}"
                  f"{row['p95_ms']:>9}{row['p99_ms']:>9}{row['errors']:>8}{row['action_failures']:>16}"
                  f"{row['bookings_not_confirmed']:>24}{row['messages']:>10}")
    print(f"\nWritten to {(OUT / 'load.json').relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
