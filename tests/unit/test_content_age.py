"""The content knows its age: old facts are reported, passed dates fail the check."""

from datetime import date, timedelta

from core.content import load_content
from core.content.__main__ import main
from core.content.age import months_between, past_dates, sources, stale_facts

CONTENT = load_content()


def test_every_fact_has_a_source_with_a_checked_date():
    found = sources(CONTENT)
    where = {place.split(".")[0] for place, _ in found}
    assert {"professions", "education", "steps", "tracks"} <= where
    assert all(source.checked <= date.today() for _, source in found), "a check cannot be in the future"


def test_months_between():
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == 0
    assert months_between(date(2026, 1, 15), date(2027, 1, 15)) == 12
    assert months_between(date(2026, 1, 15), date(2027, 1, 14)) == 11


def test_a_fact_older_than_the_review_interval_is_reported():
    newest = max(source.checked for _, source in sources(CONTENT))
    oldest = min(source.checked for _, source in sources(CONTENT))
    months = CONTENT.municipality.review_months
    assert stale_facts(CONTENT, oldest + timedelta(days=28 * (months - 1))) == []
    late = newest + timedelta(days=31 * (months + 1))
    reported = stale_facts(CONTENT, late)
    assert len(reported) == len(sources(CONTENT))
    assert any("professions.professions[0].pay.source" in line and "review_months" in line for line in reported)


def test_the_review_interval_is_content():
    shorter = CONTENT.copy(update={"municipality": CONTENT.municipality.copy(update={"review_months": 1})})
    newest = max(source.checked for _, source in sources(CONTENT))
    assert stale_facts(shorter, newest + timedelta(days=40))


def test_no_start_or_deadline_in_the_shipped_content_has_passed():
    assert past_dates(CONTENT, date.today()) == []


def test_a_passed_deadline_or_start_fails_the_check(capsys):
    first = min(start.apply_by for track in CONTENT.tracks.tracks for start in track.starts)
    day_after = first + timedelta(days=1)
    problems = past_dates(CONTENT, day_after)
    assert problems and all("tracks.yml" in p for p in problems)
    assert main(["--today", day_after.isoformat()]) == 1
    assert "has passed" in capsys.readouterr().err
    assert main(["--today", day_after.isoformat(), "--dates-as-warnings"]) == 0
    assert "Warning:" in capsys.readouterr().err


def test_a_track_with_no_open_start_is_reported():
    last = max(start.date for track in CONTENT.tracks.tracks for start in track.starts)
    problems = past_dates(CONTENT, last + timedelta(days=1))
    assert any("no start is open" in p for p in problems)
