"""The pure rules of reflection tasks: when a module's task opens, and how an answer is kept."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from course.cohorts.calendar import OSLO
from course.participants import reflection

DAY = date(2027, 3, 10)
times = st.times(min_value=time(7), max_value=time(21)).map(lambda t: t.strftime("%H:%M"))
sessions = st.lists(
    st.tuples(st.integers(1, 10), st.integers(-20, 20).map(lambda d: DAY + timedelta(days=d)), times, st.booleans()),
    max_size=12,
)
moments = st.tuples(st.integers(-20, 20), st.times()).map(
    lambda p: datetime.combine(DAY + timedelta(days=p[0]), p[1], OSLO)
)


@given(sessions, moments)
def test_a_task_opens_at_the_end_of_its_first_session_held(given_sessions, now):
    opened = reflection.opened_modules(given_sessions, now)
    for module, day in opened.items():
        ended = [
            d
            for m, d, end, cancelled in given_sessions
            if m == module and not cancelled and (d < now.date() or (d == now.date() and end <= now.strftime("%H:%M")))
        ]
        assert ended and day == min(ended)
    for module, day, _end, cancelled in given_sessions:
        if not cancelled and day < now.date():
            assert module in opened


@given(sessions, moments, st.integers(0, 40))
def test_later_moments_open_no_fewer_tasks(given_sessions, now, hours):
    earlier = reflection.opened_modules(given_sessions, now)
    later = reflection.opened_modules(given_sessions, now + timedelta(hours=hours))
    assert set(earlier) <= set(later)


@given(st.text(max_size=4100))
def test_an_answer_is_kept_tidy_or_refused(text):
    errors: dict[str, str] = {}
    clean = reflection.clean_answer(text, errors)
    if not errors:
        assert len(clean) <= reflection.MAX_ANSWER
        assert "\r" not in clean and clean == clean.strip()
        assert reflection.clean_answer(clean, {}) == clean  # tidying twice changes nothing
    else:
        assert set(errors) == {"text"}


def test_every_module_of_the_course_has_a_default_task():
    assert all(reflection.default_task(m) for m in reflection.modules())
    assert len(reflection.modules()) >= 8
