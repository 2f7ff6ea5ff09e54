"""Free times, Swedish holidays, time zones, Swedish dates and reference codes."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.booking.availability import Busy, Slot, closed_days, free_slots, is_bookable
from core.codes import ALPHABET, LENGTH, looks_like_code, new_code, normalize_code
from core.content import load_content
from core.dates import format_slot, parse_day

CONFIG = load_content().booking
TZ = ZoneInfo("Europe/Stockholm")


def local(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def test_public_holidays_and_eves_are_closed():
    closed = closed_days(2026, True)
    assert {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 31)} <= closed
    assert date(2026, 6, 19) in closed, "midsommarafton"
    assert date(2026, 6, 6) in closed, "nationaldagen"
    assert date(2026, 12, 23) not in closed
    assert date(2026, 6, 19) not in closed_days(2026, False)


def test_next_times_skip_christmas_and_start_after_notice():
    # Wednesday 23 December 2026, 12:30: Lina works 13-16 on Wednesdays.
    now = local(2026, 12, 23, 12, 30)
    slots = free_slots(CONFIG, now, limit=5)
    assert [format_slot(s.starts_at, TZ) for s in slots[:2]] == [
        "onsdag 23 december kl. 14.30",
        "onsdag 23 december kl. 15.15",
    ]
    days = {s.starts_at.astimezone(TZ).date() for s in slots}
    assert not days & {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)}
    assert slots[2].starts_at.astimezone(TZ).date() == date(2026, 12, 28)


def test_busy_times_and_meeting_type_filter():
    now = local(2026, 12, 7, 7, 0)  # a Monday
    first = free_slots(CONFIG, now, limit=1)[0]
    assert format_slot(first.starts_at, TZ) == "måndag 7 december kl. 09.00"
    busy = [Busy("lina", first.starts_at, first.ends_at)]
    after = free_slots(CONFIG, now, busy=busy, limit=1)[0]
    assert after.starts_at == first.ends_at
    # Omar does not meet on site; only Lina's times are offered.
    assert {s.counsellor_id for s in free_slots(CONFIG, now, meeting_type="on_site", limit=10)} == {"lina"}


def test_times_are_right_across_daylight_saving():
    # 30 March 2026 is the first Monday of summer time: 09:00 local is 07:00 UTC.
    slot = free_slots(CONFIG, local(2026, 3, 30, 6, 0), limit=1)[0]
    assert slot.starts_at == datetime(2026, 3, 30, 7, 0, tzinfo=timezone.utc)


def test_more_times_come_after_the_last_shown():
    now = local(2026, 12, 7, 7, 0)
    first = free_slots(CONFIG, now, limit=3)
    more = free_slots(CONFIG, now, limit=3, after=first[-1].starts_at)
    assert more[0].starts_at > first[-1].starts_at
    assert free_slots(CONFIG, now, limit=6)[3:] == more


def test_from_day_and_days_ahead():
    now = local(2026, 12, 1, 8, 0)
    slots = free_slots(CONFIG, now, from_day=date(2026, 12, 10), limit=3)
    assert all(s.starts_at.astimezone(TZ).date() >= date(2026, 12, 10) for s in slots)
    assert free_slots(CONFIG, now, from_day=now.date() + timedelta(days=CONFIG.days_ahead + 1)) == []


def test_is_bookable_only_for_real_open_times():
    now = local(2026, 12, 7, 7, 0)
    slot = free_slots(CONFIG, now, limit=1)[0]
    assert is_bookable(CONFIG, slot, now)
    assert not is_bookable(CONFIG, Slot("lina", slot.starts_at + timedelta(minutes=10), 45), now)
    assert not is_bookable(CONFIG, Slot("nobody", slot.starts_at, 45), now)
    assert not is_bookable(CONFIG, slot, now, meeting_type="teleport")
    christmas = Slot("lina", local(2026, 12, 24, 9, 0).astimezone(timezone.utc), 45)
    assert not is_bookable(CONFIG, christmas, local(2026, 12, 20))


TODAY = date(2026, 11, 22)  # a Sunday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("imorgon", date(2026, 11, 23)),
        ("i morgon tack", date(2026, 11, 23)),
        ("nästa tisdag", date(2026, 11, 24)),
        ("nasta tisdag", date(2026, 11, 24)),
        ("på fredag", date(2026, 11, 27)),
        ("söndag", date(2026, 11, 29)),
        ("den 5 december", date(2026, 12, 5)),
        ("5 dec", date(2026, 12, 5)),
        ("3 januari", date(2027, 1, 3)),
        ("5/12", date(2026, 12, 5)),
        ("2026-12-08", date(2026, 12, 8)),
        ("nästa vecka", date(2026, 11, 23)),
        ("1 januari 2020", date(2020, 1, 1)),
        ("den 3 januari 2027", date(2027, 1, 3)),
        ("1/1 2020", date(2020, 1, 1)),
        ("1.1.2020", date(2020, 1, 1)),
        ("5/12 kl 10", date(2026, 12, 5)),
        ("31 februari", None),
        ("30 februari 2028", None),
        ("när som helst", None),
        ("", None),
    ],
)
def test_parse_swedish_day(text, expected):
    assert parse_day(text, TODAY) == expected


def test_reference_codes_avoid_confusable_characters():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01OI") & set(ALPHABET)
    assert normalize_code(" abcd-efgh ") == "ABCDEFGH"
    assert looks_like_code("abcd efgh") and not looks_like_code("ABCD0FGH")
