"""Cursors: what a page gives back is read back the same, and anything else is named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course import paging
from course.cohorts.tables import Cohort
from course.errors import InvalidInput
from course.participants.tables import Participant

PEOPLE = (paging.Key(Participant.sort_name), paging.Key(Participant.id))
COHORTS = (paging.Key(Cohort.start_date, False), paging.Key(Cohort.id, False))


@given(st.text(max_size=200), st.integers(1, 2**31 - 1), st.sampled_from("ab"))
def test_a_cursor_reads_back_as_the_values_it_was_made_of(name, ident, direction):
    page = paging.parse(PEOPLE, "7", paging.encode(direction, (name, ident)))
    assert page.limit == 7
    assert (page.after if direction == "a" else page.before) == (name, ident)
    assert (page.before if direction == "a" else page.after) is None


@given(st.dates(), st.integers(1, 2**31 - 1))
def test_dates_come_back_as_dates(day, ident):
    assert paging.parse(COHORTS, None, paging.encode("a", (day, ident))).after == (day, ident)


def test_the_defaults_and_the_limits():
    assert paging.parse(PEOPLE) == paging.PageRequest(50, None, None)
    assert paging.parse(PEOPLE, 200).limit == 200
    for bad in ("0", "201", "-1", "x", "1.5", "²"):
        with pytest.raises(InvalidInput) as caught:
            paging.parse(PEOPLE, bad)
        assert set(caught.value.errors) == {"limit"}


@pytest.mark.parametrize(
    "cursor",
    [
        "%%",
        "bm9wZQ",  # "nope"
        paging.encode("a", ("Åse",)),  # too few values
        paging.encode("c", ("Åse", 1)),  # no such direction
        paging.encode("a", (1, "Åse")),  # the wrong types
        paging.encode("a", ("2027-13-01", 1)),  # for the cohorts: no such day
        "A" * 2001,
    ],
)
def test_a_cursor_that_does_not_fit_the_list_is_named(cursor):
    for keys in (PEOPLE, COHORTS):
        if keys is PEOPLE and cursor == paging.encode("a", ("2027-13-01", 1)):
            continue  # text is a fine name
        errors: dict[str, str] = {}
        paging.parse(keys, None, cursor, errors)
        assert set(errors) == {"cursor"}, (keys, cursor)


def test_an_encoded_timestamp_keeps_its_offset():
    at = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    keys = (paging.Key(Participant.created_at), paging.Key(Participant.id))
    assert paging.parse(keys, None, paging.encode("b", (at, 3))).before == (at, 3)
