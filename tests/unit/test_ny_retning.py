"""Pure rules behind changing cohorts and Ny retning: the module sequence of a variant,
the expected ages, the recorded difference of a change, and replacing a leader."""

from __future__ import annotations

from datetime import date, time

from hypothesis import given
from hypothesis import strategies as st

from course.cohorts.changes import difference
from course.cohorts.schedule import (
    CAREER_GUIDANCE,
    JOB_SEEKER_COURSE,
    MODULES,
    SESSIONS,
    module_name,
    module_sequence,
    term_defaults,
)
from course.cohorts.substitutes import replaced
from course.participants.rules import age_warning


def test_kjk_runs_modules_one_to_eight_and_ny_retning_ends_with_career_guidance():
    assert module_sequence("kjk") == (1, 2, 3, 4, 5, 6, 7, 8)
    assert module_sequence("ny_retning") == (1, 2, 3, 4, 8, 9, 9, 10)
    assert module_name(9) == "Career guidance" and module_name(10) == "Job-seeker course"
    assert module_name(0) == "" and module_name(len(MODULES) + 1) == ""


@given(st.integers(min_value=3, max_value=24))
def test_the_last_third_of_ny_retning_is_career_guidance_then_the_job_seeker_course(sessions):
    modules = module_sequence("ny_retning", sessions)
    tail = round(sessions / 3)
    assert len(modules) == sessions
    assert set(modules[-tail:]) <= {CAREER_GUIDANCE, JOB_SEEKER_COURSE}
    assert CAREER_GUIDANCE in modules[-tail:]
    assert all(m <= 8 for m in modules[:-tail])
    assert list(modules) == sorted(modules)  # in order, never back
    assert modules[0] == 1
    assert all(module_name(m) for m in modules)


@given(st.sampled_from(["kjk", "ukjent", ""]))
def test_every_other_variant_is_the_kjk_sequence(variant):
    assert module_sequence(variant) == tuple(range(1, SESSIONS + 1))


@given(st.integers(min_value=1990, max_value=2015), st.dates(date(2020, 1, 1), date(2035, 12, 31)))
def test_only_ny_retning_warns_and_only_outside_16_to_18(birth_year, start):
    age = start.year - birth_year
    warning = age_warning("ny_retning", birth_year, start)
    assert (warning is None) == (16 <= age <= 18)
    if warning:
        assert warning["age"] == age and warning["year"] == start.year
    assert age_warning("kjk", birth_year, start) is None
    assert age_warning("ny_retning", 0, start) is None  # an erased person


def test_term_defaults_per_variant():
    assert (term_defaults("kjk").capacity, term_defaults("kjk").count, term_defaults("kjk").every_weeks) == (12, 4, 4)
    ny = term_defaults("ny_retning")
    assert (ny.capacity, ny.count) == (10, 3) and 16 <= ny.every_weeks <= 18


FIELDS = ("title", "capacity", "location", "leader_ids")
value = st.one_of(st.sampled_from(["", "Åsen", "Ørnen"]), st.integers(0, 3), st.lists(st.integers(1, 3), max_size=2))
fields = st.fixed_dictionaries({key: value for key in FIELDS})


def _same(a, b) -> bool:
    return (sorted(a) if isinstance(a, list) else a) == (sorted(b) if isinstance(b, list) else b)


@given(fields, fields)
def test_a_change_records_exactly_the_fields_that_differ(before, after):
    changed = difference(before, after)
    assert set(changed) == {key for key in FIELDS if not _same(before[key], after[key])}
    assert all(len(pair) == 2 and pair[1] != pair[0] for pair in changed.values())
    assert difference(before, before) == {}


def test_values_are_stored_as_json():
    changed = difference(
        {"start_time": time(9, 0), "date": date(2027, 9, 8), "leader_ids": [5, 2]},
        {"start_time": time(10, 0), "date": date(2027, 9, 9), "leader_ids": [2, 5]},
    )
    assert changed == {"start_time": ["09:00", "10:00"], "date": ["2027-09-08", "2027-09-09"]}


@given(st.lists(st.integers(1, 6), min_size=1, max_size=2, unique=True), st.integers(1, 6), st.integers(1, 6))
def test_replacing_a_leader_keeps_the_others_and_never_doubles(leaders, absent, substitute):
    out = replaced(leaders, absent, substitute)
    assert len(out) == len(set(out)) and 1 <= len(out) <= len(leaders)
    if absent in leaders and absent != substitute:
        assert absent not in out and substitute in out
    if absent not in leaders:
        assert out == leaders
    assert all(i in leaders or i == substitute for i in out)
