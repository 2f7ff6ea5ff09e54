"""Personnummer are found and removed; phone numbers and other numbers are kept."""

import pytest

from core.privacy import REPLACEMENT, contains_personnummer, redact_personnummer


def with_check_digit(nine: str) -> str:
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return nine + str((10 - total % 10) % 10)


PNR = with_check_digit("850709123")  # 10 digits, valid


@pytest.mark.parametrize(
    "text",
    [
        f"mitt nummer är {PNR[:6]}-{PNR[6:]}",
        f"{PNR[:6]}+{PNR[6:]}",
        f"pnr {PNR}",
        f"19{PNR[:6]}-{PNR[6:]} tack",
        f"19{PNR}",
        f"{PNR[:6]} {PNR[6:]}",
    ],
)
def test_personnummer_is_found_and_removed(text):
    cleaned, count = redact_personnummer(text)
    assert count == 1 and REPLACEMENT in cleaned
    assert PNR[:6] not in cleaned and PNR[6:] not in cleaned


def test_samordningsnummer_is_found():
    coordination = with_check_digit("850769123")  # day 09 + 60
    assert contains_personnummer(f"{coordination[:6]}-{coordination[6:]}")


@pytest.mark.parametrize(
    "text",
    [
        "ring mig på 0701234567",
        "070-123 45 67",
        "+46701234567",
        "jag är 24 år och har jobbat 3 år",
        "koden KX7PQ3TA",
        f"{PNR[:-1]}{(int(PNR[-1]) + 1) % 10}",  # wrong check digit
        "991332-1234",  # no such date
        "12345678901234",
    ],
)
def test_other_numbers_are_kept(text):
    assert redact_personnummer(text) == (text, 0)
