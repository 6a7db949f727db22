"""Numbers typed into forms: only ASCII digits count, so text that Python calls a
digit ("²", Arabic-Indic digits) or a number too long to convert is bad input, never a
server error."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from course.validation import MAX_ID, as_id, whole_number


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
