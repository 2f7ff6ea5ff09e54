"""The privacy rule (core/privacy.py): personnummer removed by shape, long
numbers masked outside the contact question, the rest kept."""

import pytest

from core.privacy import NUMBER_MASK, REPLACEMENT, clean_message, contact_matters, contains_personnummer
from tests.privacy_search import with_check_digit  # noqa: F401 - other tests import it from here


PNR = with_check_digit("850709123")  # 10 digits, valid
WRONG = f"{PNR[:-1]}{(int(PNR[-1]) + 1) % 10}"  # the same with a wrong check digit
COORDINATION = with_check_digit("850769123")  # samordningsnummer: day 09 + 60
# The issue's two numbers: both have a wrong check digit.
ISSUE_NUMBERS = ("19850101-1234", "851231-4562")


def forms(ten: str, century: str = "19") -> list:
    """Every way the rule promises to find a number: with or without century,
    with '-', '+', a space or nothing before the last four."""
    head, tail = ten[:6], ten[6:]
    return [f"{c}{head}{sep}{tail}" for c in ("", century) for sep in ("-", "+", " ", "")]


def test_the_wrong_check_digit_is_really_wrong():
    assert with_check_digit(WRONG[:9]) != WRONG
    assert with_check_digit("850101123") != "8501011234" and with_check_digit("851231456") != "8512314562"


@pytest.mark.parametrize("number", forms(PNR) + forms(WRONG) + forms(COORDINATION) + forms("8501011234")
                         + forms("8512314562") + list(ISSUE_NUMBERS))
@pytest.mark.parametrize("contact_expected", [False, True])
def test_every_personnummer_shape_is_removed(number, contact_expected):
    cleaned = clean_message(f"mitt nummer är {number} tack", contact_expected=contact_expected)
    assert cleaned.text == f"mitt nummer är {REPLACEMENT} tack"
    assert cleaned.personnummer == 1 and cleaned.long_numbers == 0
    assert cleaned.warn_personnummer
    assert contains_personnummer(number)


@pytest.mark.parametrize("text", ["850101 - 1234", "850101 -1234", "850101\u20131234", "pnr:198501011234.",
                                  "\u0668\u0665\u0660\u0661\u0660\u0661-\u0661\u0662\u0663\u0664", "121212+1212"])
def test_looser_separators_glued_text_and_other_digits_are_found(text):
    cleaned = clean_message(text)
    assert cleaned.personnummer == 1 and REPLACEMENT in cleaned.text
    assert not any(ch.isdigit() for ch in cleaned.text)


@pytest.mark.parametrize("text", ["851331-1234", "850100-1234", "850132-1234", "850192-1234", "211231-1234"])
def test_no_date_shape_is_no_personnummer(text):
    # Month 13, day 00, 32, 92; but 211231 (a possible date) is one: checked below.
    cleaned = clean_message(text)
    if text.startswith("2112"):
        assert cleaned.personnummer == 1
    else:
        assert cleaned.personnummer == 0 and not contains_personnummer(text)
        # Ten digits are a long number all the same: masked.
        assert cleaned.text == NUMBER_MASK


def test_a_mobile_number_is_kept_only_where_a_contact_is_asked_for():
    assert not contains_personnummer("0701234567")
    asked = clean_message("ring mig på 0701234567", contact_expected=True)
    assert asked.text == "ring mig på 0701234567" and (asked.personnummer, asked.long_numbers) == (0, 0)
    elsewhere = clean_message("ring mig på 0701234567")
    assert elsewhere.text == f"ring mig på {NUMBER_MASK}"
    assert elsewhere.long_numbers == 1 and elsewhere.personnummer == 0 and not elsewhere.warn_personnummer


@pytest.mark.parametrize("phone", ["070-123 45 67", "+46 70 123 45 67", "+46701234567", "0046701234567",
                                   "08-123 456 78", "031-12 34 56"])
def test_a_written_phone_number_is_kept_in_the_contact_question(phone):
    assert clean_message(f"nummer: {phone}", contact_expected=True).text == f"nummer: {phone}"


@pytest.mark.parametrize("phone", ["070-123 45 67", "+46 70 123 45 67", "+46701234567"])
def test_a_phone_number_is_masked_outside_the_contact_question(phone):
    cleaned = clean_message(f"nummer: {phone}")
    assert cleaned.text == f"nummer: {NUMBER_MASK}" and cleaned.long_numbers == 1


@pytest.mark.parametrize("number", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111",
                                    "1234-5 678 901 2", "SE45 5000 0000 0583 9825 7466", "123456789"])
@pytest.mark.parametrize("contact_expected", [False, True])
def test_card_and_bank_numbers_are_masked_even_in_the_contact_question(number, contact_expected):
    cleaned = clean_message(f"kortet {number}, tack", contact_expected=contact_expected)
    assert NUMBER_MASK in cleaned.text and cleaned.long_numbers == 1 and cleaned.personnummer == 0
    assert not any(ch.isdigit() for ch in cleaned.text)


@pytest.mark.parametrize(
    "text",
    [
        "jag vill boka 2026-12-07 kl 14:00",
        "2026-12-07 14:00-15:00",
        "7/12 eller 2026-12-07 2026-12-08",
        "min kod är 123456",
        "koden QJ7HBT8R",
        "koden KX7PQ3TA 2026-12-07",
        "jag är 24 år och har jobbat 3 år",
        "12345678",
        "lönen är 28 500 kr, 1 000 000 totalt",
        "08-123 456",
        "version 3.14159265",
        "/inform{\"slot_choice\": \"anna|2026-12-07T10:00:00+01:00\"}",
    ],
)
@pytest.mark.parametrize("contact_expected", [False, True])
def test_dates_times_codes_and_short_numbers_are_kept(text, contact_expected):
    cleaned = clean_message(text, contact_expected=contact_expected)
    assert cleaned.text == text and cleaned.personnummer == 0 and cleaned.long_numbers == 0
    assert not cleaned.warn_personnummer


@pytest.mark.parametrize("text", ["mitt personnummer är 8501", "personnr 85", "Pnr: 1985", "personumret 12",
                                  "person nummer 850101", "samordningsnummer 85-01", "mitt personnumer 4"])
def test_the_word_personnummer_with_digits_warns_even_when_nothing_is_removed(text):
    cleaned = clean_message(text)
    assert cleaned.mentions_personnummer and cleaned.warn_personnummer and cleaned.personnummer == 0


@pytest.mark.parametrize("text", ["vad är ett personnummer?", "personer 85", "har du 2 minuter", "personalen 12"])
def test_no_warning_without_the_word_and_digits(text):
    assert not clean_message(text).warn_personnummer


def test_a_personnummer_and_a_card_number_in_one_message():
    cleaned = clean_message(f"pnr {PNR[:6]}-{PNR[6:]} och kort 4111 1111 1111 1111")
    assert cleaned.text == f"pnr {REPLACEMENT} och kort {NUMBER_MASK}"
    assert (cleaned.personnummer, cleaned.long_numbers, cleaned.mentions_personnummer) == (1, 1, True)


@pytest.mark.parametrize(
    "text, matters",
    [
        ("0701234567", True),
        ("ring 070-123 45 67", True),
        ("+46 70 123 45 67", True),
        ("4111 1111 1111 1111", False),  # masked either way
        (f"{PNR[:6]}-{PNR[6:]}", False),  # removed either way
        ("hej, jag vill boka", False),
        ("2026-12-07 kl 14:00", False),
    ],
)
def test_contact_matters_only_for_a_phone_number(text, matters):
    assert contact_matters(text) is matters
    differs = clean_message(text, contact_expected=True) != clean_message(text, contact_expected=False)
    assert differs is matters


def test_ids_with_a_shape_are_found_and_plain_ids_are_not():
    assert contains_personnummer(f"web-{PNR[:6]}-{PNR[6:]}")
    assert not contains_personnummer("web-abcdef0123-4567")  # four digits, not six, before the dash
    assert not contains_personnummer("bad-0123456789abcdef")
