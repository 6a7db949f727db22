"""Pure rules for participants and talks: consent in force, attendance, the waiting
list and cutting availability into talk slots. No database."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from course.guidance.planner import Window, slots_in
from course.participants.rules import (
    OUTCOMES,
    SCOPES,
    ConsentEvent,
    attendance_stats,
    consent_in_force,
    next_from_waiting_list,
    outcome_counts,
)

DAY0 = date(2027, 3, 1)

# --- consent ---------------------------------------------------------------------------


@st.composite
def consent_events(draw, min_size=0, max_size=8):
    count = draw(st.integers(min_size, max_size))
    orders = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    return [
        ConsentEvent(
            order=order,
            action=draw(st.sampled_from(["given", "withdrawn"])),
            date=DAY0 + timedelta(days=draw(st.integers(0, 20))),
            version=draw(st.sampled_from(["2025-2", "2026-1"])),
            participation=draw(st.booleans()),
            sharing=draw(st.booleans()),
            evaluation=draw(st.booleans()),
            contact_sms=draw(st.booleans()),
            contact_email=draw(st.booleans()),
        )
        for order in orders
    ]


def scopes_of(state) -> dict[str, bool]:
    return {s: getattr(state, s) for s in SCOPES}


@given(
    consent_events(), st.integers(0, 20), st.integers(10_001, 20_000), st.lists(st.booleans(), min_size=5, max_size=5)
)
def test_a_withdrawal_never_turns_a_scope_on(events, day, order, ticked):
    withdrawal = ConsentEvent(order, "withdrawn", DAY0 + timedelta(days=day), "2026-1", *ticked)
    before = scopes_of(consent_in_force(events))
    after = scopes_of(consent_in_force([*events, withdrawal]))
    for scope in SCOPES:
        assert after[scope] <= before[scope], scope


@given(consent_events(), st.lists(st.booleans(), min_size=5, max_size=5))
def test_the_latest_withdrawal_switches_its_scopes_off_and_leaves_the_others(events, ticked):
    last_day = max((e.date for e in events), default=DAY0)
    withdrawal = ConsentEvent(20_001, "withdrawn", last_day, "2026-1", *ticked)
    before = scopes_of(consent_in_force(events))
    after = consent_in_force([*events, withdrawal])
    for scope in SCOPES:
        assert getattr(after, scope) == (before[scope] and not getattr(withdrawal, scope))
    assert after.since == last_day


@given(
    consent_events(),
    st.integers(0, 5),
    st.sampled_from(["2026-1", "2027-1"]),
    st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_a_later_consent_replaces_whatever_was_in_force(events, days_after, version, ticked):
    last_day = max((e.date for e in events), default=DAY0)
    consent = ConsentEvent(20_001, "given", last_day + timedelta(days=days_after), version, *ticked)
    state = consent_in_force([*events, consent])
    assert scopes_of(state) == dict(zip(SCOPES, ticked, strict=True))
    assert (state.version, state.since) == (version, consent.date)


@given(consent_events(), st.randoms())
def test_consent_in_force_does_not_depend_on_the_order_records_arrive_in(events, rnd):
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert consent_in_force(shuffled) == consent_in_force(events)


def test_the_date_decides_before_the_record_order():
    given_late = ConsentEvent(1, "given", DAY0 + timedelta(days=5), "2026-1", True, True, True)
    withdrawn_earlier = ConsentEvent(2, "withdrawn", DAY0, "2026-1", participation=True)
    state = consent_in_force([given_late, withdrawn_earlier])
    assert state.participation is True and state.since == DAY0 + timedelta(days=5)
    same_day = ConsentEvent(3, "withdrawn", DAY0 + timedelta(days=5), "2026-1", participation=True)
    assert consent_in_force([given_late, same_day]).participation is False


def test_nothing_recorded_means_no_consent():
    state = consent_in_force([])
    assert (state.version, state.since, state.participation, state.sharing, state.evaluation) == (
        None,
        None,
        False,
        False,
        False,
    )
    assert (state.contact_sms, state.contact_email) == (False, False)
    assert not state.may_contact("sms") and not state.may_contact("email")


def test_a_message_goes_only_by_a_channel_consented_to():
    given = ConsentEvent(1, "given", DAY0, "2026-1", participation=True, contact_sms=True, contact_email=True)
    withdrawn = ConsentEvent(2, "withdrawn", DAY0 + timedelta(days=1), "2026-1", contact_email=True)
    state = consent_in_force([given, withdrawn])
    assert state.may_contact("sms") and not state.may_contact("email") and not state.may_contact("fax")
    assert state.participation is True


# --- attendance ------------------------------------------------------------------------

MARKS = st.lists(st.sampled_from(["present", "absent", "excused", None]), max_size=10)


@given(MARKS)
def test_the_attendance_rate_is_present_over_registered_between_0_and_1(marks):
    stats = attendance_stats(marks)
    registered = sum(m is not None for m in marks)
    assert (stats.present, stats.absent, stats.excused) == (
        marks.count("present"),
        marks.count("absent"),
        marks.count("excused"),
    )
    if registered == 0:
        assert stats.rate is None
    else:
        assert 0 <= stats.rate <= 1
        assert stats.rate == marks.count("present") / registered


@given(MARKS)
def test_missed_in_a_row_means_two_consecutive_unexcused_absences(marks):
    text = ",".join(m or "-" for m in marks)
    expected = ",absent,absent," in f",{text},"
    assert attendance_stats(marks).missed_in_a_row is expected


def test_excused_or_unregistered_sessions_break_a_run_of_absences():
    assert attendance_stats(["absent", "absent"]).missed_in_a_row is True
    assert attendance_stats(["present", "absent", "absent", "present"]).missed_in_a_row is True
    assert attendance_stats(["absent", "excused", "absent"]).missed_in_a_row is False
    assert attendance_stats(["absent", None, "absent"]).missed_in_a_row is False
    assert attendance_stats(["absent", "present", "absent"]).missed_in_a_row is False
    assert attendance_stats(["absent"]).missed_in_a_row is False
    assert attendance_stats([]).rate is None


# --- the waiting list ------------------------------------------------------------------


@st.composite
def waiting_lists(draw):
    ids = draw(st.lists(st.integers(1, 500), unique=True, max_size=12))
    return [(i, draw(st.floats(0, 1e6, allow_nan=False))) for i in ids]


@given(waiting_lists(), st.integers(-3, 15))
def test_never_more_are_invited_than_there_are_free_places(waiting, free):
    chosen = next_from_waiting_list(waiting, free)
    assert len(chosen) == max(0, min(free, len(waiting)))
    assert len(set(chosen)) == len(chosen)
    assert set(chosen) <= {i for i, _ in waiting}


@given(waiting_lists(), st.integers(1, 15))
def test_the_waiting_list_is_first_come_first_served(waiting, free):
    chosen = next_from_waiting_list(waiting, free)
    queued = {i: (order, i) for i, order in waiting}
    passed_over = [queued[i] for i in queued if i not in chosen]
    for i in chosen:
        assert all(queued[i] <= other for other in passed_over)
    assert [queued[i] for i in chosen] == sorted(queued[i] for i in chosen)


def test_the_one_who_waited_longest_goes_first():
    assert next_from_waiting_list([(7, 30.0), (3, 10.0), (9, 20.0)], 2) == [3, 9]
    assert next_from_waiting_list([(7, 5.0), (3, 5.0)], 1) == [3]
    assert next_from_waiting_list([(7, 5.0)], 0) == []


# --- outcomes --------------------------------------------------------------------------


@given(st.lists(st.sampled_from([*OUTCOMES, None]), max_size=20))
def test_outcome_counts_list_every_kind_and_add_up(kinds):
    counts = outcome_counts(kinds)
    assert list(counts) == [*OUTCOMES, "none"]
    assert sum(counts.values()) == len(kinds)
    assert counts["none"] == kinds.count(None)


# --- slots for talks ---------------------------------------------------------------------


@st.composite
def windows(draw, leaders=(1, 2), max_size=6):
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        start = draw(st.integers(7 * 4, 17 * 4))  # quarters of an hour
        end = draw(st.integers(start + 1, 20 * 4))
        out.append(
            Window(
                draw(st.sampled_from(leaders)),
                DAY0 + timedelta(days=draw(st.integers(0, 3))),
                time(start // 4, start % 4 * 15),
                time(end // 4, end % 4 * 15),
            )
        )
    return out


def at(day: date, t: time) -> datetime:
    return datetime.combine(day, t)


@settings(max_examples=150)
@given(windows(), windows(max_size=4), st.sampled_from([30, 45, 60, 90]), st.none() | st.integers(0, 3 * 24 * 4))
def test_slots_have_the_length_lie_in_a_window_and_avoid_time_away(available, away, minutes, not_before_q):
    length = timedelta(minutes=minutes)
    not_before = None if not_before_q is None else at(DAY0, time()) + timedelta(minutes=15 * not_before_q)
    slots = slots_in(available, away, length, not_before=not_before)
    assert slots == sorted(set(slots), key=lambda s: (s.start, s.leader))
    for slot in slots:
        assert slot.end - slot.start == length
        assert any(
            w.leader == slot.leader and at(w.day, w.start) <= slot.start and slot.end <= at(w.day, w.end)
            for w in available
        ), slot
        for a in away:
            if a.leader == slot.leader:
                assert not (slot.start < at(a.day, a.end) and at(a.day, a.start) < slot.end), (slot, a)
        if not_before is not None:
            assert slot.start >= not_before


@settings(max_examples=100)
@given(windows(), windows(max_size=3), st.sampled_from([30, 45, 60]))
def test_every_free_cut_of_a_window_is_offered(available, away, minutes):
    length = timedelta(minutes=minutes)
    offered = {(s.leader, s.start) for s in slots_in(available, away, length)}
    for w in available:
        start = at(w.day, w.start)
        while start + length <= at(w.day, w.end):
            blocked = any(
                a.leader == w.leader and start < at(a.day, a.end) and at(a.day, a.start) < start + length for a in away
            )
            assert ((w.leader, start) in offered) is not blocked
            start += length


def test_a_morning_away_leaves_the_afternoon():
    day = DAY0
    slots = slots_in(
        [Window(1, day, time(8), time(12)), Window(2, day, time(8), time(10))],
        [Window(1, day, time(9), time(10, 30))],
        timedelta(minutes=60),
    )
    assert [(s.leader, s.start.time()) for s in slots] == [(1, time(8)), (2, time(8)), (2, time(9)), (1, time(11))]


def test_shuffled_windows_give_the_same_slots():
    items = [Window(1 + i % 2, DAY0 + timedelta(days=i % 3), time(8 + i % 4), time(13 + i % 3)) for i in range(9)]
    shuffled = list(items)
    random.Random(4).shuffle(shuffled)
    length = timedelta(minutes=45)
    assert slots_in(items, [], length) == slots_in(shuffled, [], length)
