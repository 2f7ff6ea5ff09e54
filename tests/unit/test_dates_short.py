"""The dashboard's one date format: "mån 7 dec kl. 09.00"."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from core.colours import contrast
from core.dates import format_short, format_short_day

TZ = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("moment, shown", [
    (datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc), "mån 7 dec kl. 09.00"),  # winter time, UTC+1
    (datetime(2026, 6, 18, 12, 30, tzinfo=timezone.utc), "tor 18 jun kl. 14.30"),  # summer time, UTC+2
    (datetime(2026, 12, 31, 23, 15, tzinfo=timezone.utc), "fre 1 jan 2027 kl. 00.15"),  # another year: with it
])
def test_format_short_in_the_municipalitys_time(moment, shown):
    assert format_short(moment, TZ, now=NOW) == shown


def test_format_short_day():
    assert format_short_day(date(2026, 12, 7), today=date(2026, 12, 6)) == "mån 7 dec"
    assert format_short_day(date(2027, 1, 4), today=date(2026, 12, 6)) == "mån 4 jan 2027"


def test_contrast_of_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    with pytest.raises(ValueError):
        contrast("red", "#ffffff")
