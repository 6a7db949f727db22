"""Numbers, percentages and phone numbers as Norwegian readers write them, with one
rounding rule (half up) for every page, PDF, chart and export."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.web import formats
from course.web.formats import MINUS, NBSP

decimals = st.decimals(min_value=-100_000, max_value=100_000, allow_nan=False, allow_infinity=False, places=6)
counts = st.integers(min_value=0, max_value=5000)


def read_back(text: str) -> Decimal:
    """The figure a reader sees in a decimal as written."""
    return Decimal(text.replace(NBSP, "").replace(MINUS, "-").replace(",", "."))


@given(decimals, st.integers(min_value=0, max_value=3))
def test_rounding_is_half_up_as_the_decimal_module_does_it(value, places):
    expected = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert formats.round_half_up(value, places) == expected
    assert formats.round_half_up(float(str(value)), places) == expected  # a float as its reader sees it


@pytest.mark.parametrize(
    ("value", "places", "written"),
    [(7, 1, "7,0"), (7.25, 1, "7,3"), (7.35, 1, "7,4"), (0.665, 2, "0,67"), (2.5, 0, "3"), (-0.04, 1, "0,0")],
)
def test_halves_go_up_and_there_is_no_negative_zero(value, places, written):
    assert formats.decimal(value, places) == written


@given(decimals, st.integers(min_value=0, max_value=3))
def test_a_decimal_has_a_comma_and_its_places_and_reads_back_close(value, places):
    text = formats.decimal(value, places)
    assert "." not in text and "-" not in text
    assert text.count(",") == (1 if places else 0)
    if places:
        assert len(text.rsplit(",", 1)[1]) == places
    assert abs(read_back(text) - value) <= Decimal(5).scaleb(-places - 1)
    assert text not in ("−0", "−0,0", "−0,00", "−0,000")


@given(decimals)
def test_a_number_drops_needless_decimals(value):
    text = formats.number(value)
    shown = formats.round_half_up(value, 1)
    if shown == shown.to_integral_value():
        assert "," not in text
    else:
        assert text.endswith("," + str(abs(shown)).rsplit(".", 1)[1])
    assert read_back(text) == shown


def test_counts_and_large_numbers():
    assert formats.number(0.0) == "0"  # «0 samtaler», not «0.0»
    assert formats.number(0.5) == "0,5"
    assert formats.number(2026) == "2026"
    assert formats.number(12345) == f"12{NBSP}345"
    assert formats.number(1234567.25) == f"1{NBSP}234{NBSP}567,3"
    assert formats.decimal(None) == formats.number(None) == formats.percent(None) == "–"
    assert formats.decimal(float("nan")) == "–"


@given(counts, counts)
def test_a_share_shows_the_same_percentage_however_it_was_worked_out(part, whole):
    if whole == 0:
        assert formats.percent_of(part, whole) == "–" and formats.rate(part, whole) is None
        return
    on_the_spot = formats.percent_of(part, whole)
    assert on_the_spot == formats.percent(formats.rate(part, whole))  # as a report stores it
    assert on_the_spot == formats.percent(part / whole)  # a float from anywhere else
    assert on_the_spot.endswith(f"{NBSP}%")
    assert abs(formats.percentage(Fraction(part, whole)) - Fraction(part * 100, whole)) <= Fraction(1, 2) + Fraction(
        1, 10
    )


@given(counts, counts, counts)
def test_percentages_never_go_down_when_the_share_goes_up(a, b, whole):
    if whole == 0:
        return
    low, high = sorted((a, b))
    assert formats.percentage(Fraction(low, whole)) <= formats.percentage(Fraction(high, whole))


def test_two_of_three_is_sixty_seven_percent_everywhere():
    assert formats.percent_of(2, 3) == f"67{NBSP}%"
    assert formats.percent(0.667) == formats.percent(2 / 3) == f"67{NBSP}%"
    assert formats.percent(0.125) == f"13{NBSP}%"  # a half goes up
    assert formats.percent(1) == f"100{NBSP}%" and formats.percent(0) == f"0{NBSP}%"
    assert formats.rate(2, 3) == 0.667 and formats.rate(1, 8) == 0.125


@given(st.sampled_from("49"), st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_norwegian_mobile_numbers_are_grouped_three_two_three(first, rest):
    digits = first + rest
    for typed in (digits, f"+47 {digits}", f"0047{digits}", f"{digits[:2]} {digits[2:4]} {digits[4:]}"):
        shown = formats.phone(typed)
        if shown == typed:  # not a number in use in the plan: shown as typed
            continue
        assert shown == NBSP.join((digits[:3], digits[3:5], digits[5:]))


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("91234567", "912 34 567"),
        ("+47 91234567", "912 34 567"),
        ("22123456", "22 12 34 56"),
        ("+46701234567", "+46 70 123 45 67"),
        ("0046 70 123 45 67", "+46 70 123 45 67"),
        ("ring Åse", "ring Åse"),
        ("12345678", "12345678"),
        ("", ""),
    ],
)
def test_phone_numbers_in_norwegian_form(typed, shown):
    assert formats.phone(typed).replace(NBSP, " ") == shown


@given(st.text(max_size=40))
def test_any_text_is_shown_as_a_phone_number_or_as_typed(text):
    shown = formats.phone(text)
    typed = " ".join(text.split())
    assert shown == typed or shown.startswith("+") or shown.replace(NBSP, "").isdigit()


def test_dates_said_in_words():
    assert formats.day_month(date(2027, 5, 1), "nb") == "lørdag 1. mai"
    assert formats.month(date(2027, 7, 1), "nb") == "juli 2027"
    # 23:30 UTC on 12 January is half past midnight on the 13th in Oslo.
    assert formats.moment(datetime(2027, 1, 12, 23, 30, tzinfo=UTC), "nb") == "13. januar 2027 kl. 00:30"
    assert formats.day_month(None) == formats.month(None) == formats.moment(None) == ""
