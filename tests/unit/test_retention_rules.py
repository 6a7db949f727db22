"""The retention rule: month arithmetic at the ends of months, and when a participant's
data is due for erasure. No database."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from course.participants.retention_rules import RetentionFacts, add_months, decide

days = st.dates(date(2020, 1, 1), date(2035, 12, 31))
months = st.integers(1, 120)


@st.composite
def facts(draw) -> RetentionFacts:
    registered = draw(days)
    last_end = draw(st.none() | st.dates(registered, registered + timedelta(days=900)))
    return RetentionFacts(
        registered_on=registered,
        last_cohort_end=last_end,
        on_current_cohort=draw(st.booleans()),
        extended_until=draw(st.none() | st.dates(registered, registered + timedelta(days=2000))),
        retention_months=draw(months),
    )


def test_month_ends():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2027, 1, 15), -1) == date(2026, 12, 15)
    assert add_months(date(2026, 3, 10), 12) == date(2027, 3, 10)


@given(days, st.integers(-240, 240))
def test_add_months_moves_whole_months(day, n):
    later = add_months(day, n)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == n
    assert later.day == min(day.day, calendar.monthrange(later.year, later.month)[1])
    if day.day <= 28:
        assert add_months(later, -n) == day


@given(days, days, st.integers(0, 240))
def test_add_months_keeps_order(a, b, n):
    first, second = sorted((a, b))
    assert add_months(first, n) <= add_months(second, n)
    assert add_months(first, n) >= first


def test_the_reasons():
    ended = RetentionFacts(date(2025, 1, 2), date(2026, 3, 10), False, None, 12)
    assert decide(ended, date(2027, 3, 9)).due is False
    assert decide(ended, date(2027, 3, 10)).reason == "12 måneder siden siste kurs sluttet 2026-03-10"
    never = RetentionFacts(date(2025, 1, 31), None, False, None, 1)
    assert decide(never, date(2025, 2, 27)).due is False
    assert decide(never, date(2025, 2, 28)).reason == "1 måned siden registrering 2025-01-31, uten kurs"
    extended = RetentionFacts(date(2025, 1, 2), date(2026, 3, 10), False, date(2027, 6, 1), 12)
    assert decide(extended, date(2027, 6, 1)).reason == "forlenget til 2027-06-01"
    assert decide(extended, date(2027, 6, 2)).due is True
    assert "forlengelsen til 2027-06-01 er ute" in decide(extended, date(2027, 6, 2)).reason


@given(facts(), days)
def test_never_due_while_on_a_cohort_that_has_not_ended(f, today):
    if f.on_current_cohort:
        assert not decide(f, today).due


@given(facts(), days)
def test_never_due_while_an_extension_runs(f, today):
    if f.extended_until is not None and today <= f.extended_until:
        assert not decide(f, today).due


@given(facts(), days)
def test_never_due_before_the_months_have_passed(f, today):
    base = f.last_cohort_end or f.registered_on
    if today < add_months(base, f.retention_months):
        assert not decide(f, today).due


@given(facts(), days, st.integers(0, 2000))
def test_once_due_stays_due(f, today, later):
    if decide(f, today).due:
        assert decide(f, today + timedelta(days=later)).due


@given(facts(), days)
def test_due_exactly_from_the_day_named(f, today):
    decision = decide(f, today)
    assert decision.due == (not f.on_current_cohort and today >= decision.erase_on)
    assert decision.erase_on == decide(f, decision.erase_on).erase_on  # the day does not move with today


@given(facts(), days, months)
def test_a_longer_period_never_erases_sooner(f, today, more):
    longer = RetentionFacts(
        f.registered_on, f.last_cohort_end, f.on_current_cohort, f.extended_until, f.retention_months + more
    )
    if decide(longer, today).due:
        assert decide(f, today).due
