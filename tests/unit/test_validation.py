"""Numbers typed into forms: only ASCII digits count, so text that Python calls a
digit ("²", Arabic-Indic digits) or a number too long to convert is bad input, never a
server error; an empty date says which date to fill in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from course.cohorts.fields import parse_date
from course.validation import MAX_ID, as_id, empty_date_message, whole_number


@given(st.integers(0, 999_999_999))
def test_ascii_digits_are_their_number(n):
    assert whole_number(str(n)) == n


@given(st.text())
def test_any_text_is_a_number_or_none_and_never_an_error(text):
    value = whole_number(text)
    assert value is None or (text.isascii() and text.isdigit() and value == int(text))


def test_what_isdigit_lets_through_is_refused():
    for text in ("²", "١٢", "9" * 5000, "-1", " 7", "7 ", "", "1e3", "1_000"):
        assert whole_number(text) is None, text
        assert as_id(text) == 0, text
    assert as_id("42") == 42 and as_id(str(MAX_ID + 1)) == 0


@given(st.sampled_from(["", "   ", None]), st.sampled_from(["start_date", "from", "intake.date", "closes_on", "x"]))
def test_an_empty_date_says_which_date_to_fill_in_not_its_format(value, key):
    errors: dict[str, str] = {}
    assert parse_date(value, errors, key) is None
    assert errors == {key: empty_date_message(key)}
    assert errors[key].startswith("Fill in the ") and "YYYY" not in errors[key]


def test_the_empty_date_messages_name_the_date():
    assert empty_date_message("start_date") == "Fill in the start date."
    assert empty_date_message("intake.date") == empty_date_message("date") == "Fill in the date."
    assert empty_date_message("to") == "Fill in the last day of the period."
    errors: dict[str, str] = {}
    assert parse_date("2027-02-30", errors, "date") is None and errors["date"] == "Give a date as YYYY-MM-DD."
