"""The statistics page, its CSV, and the failed questions (admins only).

/dashboard/statistics            charts and tables for a date range, per day or week
/dashboard/statistics.csv        the same counts as CSV (semicolons, BOM; no personal data)
/dashboard/failed                failed questions, grouped, with their actions
/dashboard/failed/mark           POST: a group "needs content"
/dashboard/failed/assign         POST: a group's texts become training examples of an intent
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from datetime import date, datetime, timedelta, timezone
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from bot.accounts import audit
from bot.accounts.store import Session
from bot.dashboard.common import checked_form, message_error, require_session
from bot.keys import CONTENT, SETTINGS, STORE
from bot.statistics import charts, failed, report, training
from core.dates import format_short_day

MAX_DAYS = 366
FORBIDDEN_TITLE = "Bara för administratörer"
FORBIDDEN_TEXT = "Statistiken och frågorna som boten inte klarade kan bara en administratör se."
LOGGER = logging.getLogger(__name__)

NOTICES = {
    "needs_content": "Gruppen är markerad: behöver innehåll.",
    "assigned": "Exemplen är tillagda i träningsfilen. Granska filen i git och träna modellen.",
    "none_new": "Exemplen fanns redan i träningsfilen.",
    "not_written": "Träningsfilen gick inte att skriva. Be den som driftar tjänsten att ställa in "
                   "VARDVAGEN_TRAINING_EXPORT till en mapp där tjänsten får skriva.",
}


async def require_admin(request: web.Request) -> Session:
    session = await require_session(request)
    if not session.user.is_admin:
        raise message_error(web.HTTPForbidden, request, FORBIDDEN_TITLE, FORBIDDEN_TEXT, session)
    return session


def today(request: web.Request) -> date:
    zone = ZoneInfo(request.app[CONTENT].booking.timezone)
    return datetime.now(timezone.utc).astimezone(zone).date()


def _date(value: Optional[str], default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def date_range(request: web.Request) -> Tuple[date, date, str]:
    """from/to (YYYY-MM-DD, both included; default the last 7 finished days) and per=day|week."""
    yesterday = today(request) - timedelta(days=1)
    end = _date(request.query.get("to"), yesterday)
    start = _date(request.query.get("from"), end - timedelta(days=6))
    if start > end:
        start, end = end, start
    start = max(start, end - timedelta(days=MAX_DAYS - 1))
    per = "week" if request.query.get("per") == "week" else "day"
    return start, end, per


def _charts(data: report.Report) -> list:
    word = "vecka" if data.per == "week" else "dag"
    channels = list(report.CHANNELS.values())
    return [
        charts.bar_chart("conversations", f"Samtal per {word}", "Samtal på webben och på surfplattor.", channels,
                         data.periods, [data.values("conversations", "web"), data.values("conversations", "tablet")]),
        charts.bar_chart("messages", f"Meddelanden per {word}", "Meddelanden som personerna skrev eller valde.",
                         channels, data.periods, [data.values("messages", "web"), data.values("messages", "tablet")]),
        charts.bar_chart("understood", "Förstod inte, och erbjöd en person",
                         "Andel av meddelandena där boten inte förstod och där den erbjöd en vägledare.",
                         ["Förstod inte", "Erbjöd en person"], data.periods,
                         [data.share("fallback"), data.share("offered_person")], unit="%"),
        charts.bar_chart("results", f"Frågor till vägledare, bokningar och anmälningar per {word}",
                         "Frågor till en vägledare, bokningar, avbokningar och intresseanmälningar.",
                         ["Frågor till vägledare", "Bokningar", "Avbokningar", "Intresseanmälningar"], data.periods,
                         [data.values("handoffs"), data.values("bookings"), data.values("cancellations"),
                          data.values("interests")]),
    ]


def _answer_time(data: report.Report) -> str:
    answered = data.total("answered")
    if not answered:
        return "–"
    hours = data.total("answer_seconds") / answered / 3600
    return f"{hours:.1f} timmar".replace(".", ",")


async def statistics_page(request: web.Request) -> web.Response:
    session = await require_admin(request)
    start, end, per = date_range(request)
    data = await report.build(request.app[STORE].engine, start, end, per)
    names = request.app[CONTENT].menu
    questions = request.app[CONTENT].questions

    def named(intent: str) -> str:
        return names.topic_name(intent, questions)

    topics_top = [(named(intent), value) for intent, value in data.topics[:15]]
    topic_chart = charts.ranking_chart("topics", "Ämnen som personerna frågade om",
                                       "De vanligaste ämnena (avsikter), flest först.", "Meddelanden", topics_top)
    messages = data.total("messages", "web") + data.total("messages", "tablet")
    context = {
        "session": session, "start": start.isoformat(), "end": end.isoformat(), "per": per, "charts": _charts(data),
        "span": f"{format_short_day(start, end)} – {format_short_day(end, end)}",
        "topic_chart": topic_chart, "shown": charts.shown,
        "feedback": [(named(intent), up, down) for intent, up, down in data.feedback],
        "totals": [
            ("Samtal", data.total("conversations", "web") + data.total("conversations", "tablet")),
            ("Meddelanden", messages),
            ("Förstod inte", data.total("fallback", "web") + data.total("fallback", "tablet")),
            ("Erbjöd en person", data.total("offered_person", "web") + data.total("offered_person", "tablet")),
            ("Frågor till en vägledare", data.total("handoffs")),
            ("Besvarade frågor", data.total("answered")),
            ("Svarstid i snitt", _answer_time(data)),
            ("Bokningar", data.total("bookings")),
            ("Avbokningar", data.total("cancellations")),
            ("Intresseanmälningar", data.total("interests")),
        ],
        "csv_query": f"from={start.isoformat()}&to={end.isoformat()}&per={per}",
    }
    return aiohttp_jinja2.render_template("statistics/overview.html", request, context)


async def statistics_csv(request: web.Request) -> web.Response:
    await require_admin(request)
    start, end, per = date_range(request)
    data = await report.build(request.app[STORE].engine, start, end, per)
    totals: dict = {}
    for count in data.counts:
        key = (report.period_of(count.day, per), count.channel, count.metric, count.key)
        totals[key] = totals.get(key, 0) + count.value
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Period", "Kanal", "Mått", "Ämne", "Antal"])
    for (period, channel, metric, key), value in totals.items():
        writer.writerow([period, report.CHANNELS.get(channel, ""), report.METRICS.get(metric, metric), key, value])
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="statistik-{start}-{end}.csv"',
                 "Cache-Control": "no-store"},
    )


async def failed_page(request: web.Request) -> web.Response:
    session = await require_admin(request)
    end = _date(request.query.get("to"), today(request))
    start = _date(request.query.get("from"), end - timedelta(days=29))
    status = request.query.get("status") if request.query.get("status") in failed.STATUSES else ""
    groups = await failed.groups(request.app[STORE].engine, start, end, status or None)
    context = {
        "session": session, "groups": groups, "start": start.isoformat(), "end": end.isoformat(), "status": status,
        "statuses": failed.STATUSES, "reasons": failed.REASONS, "intents": training.known_intents(),
        "names": {intent: request.app[CONTENT].menu.topic_name(intent, request.app[CONTENT].questions)
                  for intent in [*training.known_intents(), "nlu_fallback"]},
        "done_message": NOTICES.get(request.query.get("done", ""), ""),
        "export": request.app[SETTINGS].training_export.name,
    }
    return aiohttp_jinja2.render_template("statistics/failed.html", request, context)


def _group_ref(key: str) -> str:
    """A group in the audit log: a hash, for its key is the words a person typed."""
    return "grupp " + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def _back(form, done: str) -> web.HTTPSeeOther:
    query = "&".join(f"{k}={form.get(k)}" for k in ("from", "to") if form.get(k) and _date(form.get(k), None))
    return web.HTTPSeeOther(f"/dashboard/failed?done={done}" + (f"&{query}" if query else ""))


async def mark_needs_content(request: web.Request) -> web.Response:
    await require_admin(request)
    session, form = await checked_form(request)
    key = str(form.get("key", ""))
    if not await failed.mark(request.app[STORE].engine, key, "needs_content"):
        raise message_error(web.HTTPNotFound, request, "Gruppen finns inte", "Den gruppen finns inte längre.", session)
    await audit.record(request, session, "failed_needs_content", _group_ref(key))
    raise _back(form, "needs_content")


async def assign_intent(request: web.Request) -> web.Response:
    await require_admin(request)
    session, form = await checked_form(request)
    key, intent = str(form.get("key", "")), str(form.get("intent", ""))
    if intent not in training.known_intents():
        raise message_error(web.HTTPBadRequest, request, "Välj en avsikt", "Den avsikten finns inte. Välj en i listan.",
                            session)
    engine = request.app[STORE].engine
    texts = await failed.texts_of(engine, key)
    if not texts:
        raise message_error(web.HTTPNotFound, request, "Gruppen finns inte", "Den gruppen finns inte längre.", session)
    try:
        added = await training.add_examples(request.app[SETTINGS].training_export, intent, texts)
    except OSError:
        # A read-only file system (a container) or a missing folder: said, not a 500.
        LOGGER.warning("The training export could not be written (VARDVAGEN_TRAINING_EXPORT).")
        raise _back(form, "not_written") from None
    await failed.mark(engine, key, "assigned", intent)
    await audit.record(request, session, "failed_to_training", f"{_group_ref(key)} → {intent}")
    raise _back(form, "assigned" if added else "none_new")


def routes() -> list:
    return [
        web.get("/dashboard/statistics", statistics_page),
        web.get("/dashboard/statistics.csv", statistics_csv),
        web.get("/dashboard/failed", failed_page),
        web.post("/dashboard/failed/mark", mark_needs_content),
        web.post("/dashboard/failed/assign", assign_intent),
    ]
