"""The rules of course/messages/rules.py, stated as properties: a message never goes
out in the quiet hours nor before it was due, segments are counted as a phone counts
them, and the channel is one the participant may be reached by."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from course.clock import OSLO
from course.messages import rules

# Oslo's clock changes (spring forward, fall back) fall within these years.
MOMENTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC))
GSM_TEXT = st.text(alphabet=sorted(rules.GSM_BASIC), max_size=500)
EXTENDED = st.text(alphabet=sorted(rules.GSM_EXTENDED), max_size=100)


@given(MOMENTS)
def test_not_before_is_never_quiet_and_never_earlier(at):
    sent = rules.not_before(at)
    local = sent.astimezone(OSLO).time()
    assert sent >= at
    assert rules.QUIET_UNTIL <= local < rules.QUIET_FROM
    assert not rules.is_quiet(sent)
    assert rules.not_before(sent) == sent


@given(MOMENTS)
def test_not_before_waits_no_longer_than_the_night(at):
    sent = rules.not_before(at)
    assert sent - at <= timedelta(hours=12)  # 21:00 to 08:00, an hour more when the clocks go back
    if not rules.is_quiet(at):
        assert sent == at
    else:
        assert sent.astimezone(OSLO).time() == rules.QUIET_UNTIL


@given(MOMENTS)
def test_reminders_go_out_in_the_afternoon_for_tomorrow(at):
    day = rules.reminder_day(at)
    local = at.astimezone(OSLO)
    if day is None:
        assert not (time(15) <= local.time() < time(21))
    else:
        assert day == local.date() + timedelta(days=1)


@given(GSM_TEXT, EXTENDED)
def test_gsm7_counts_septets_and_segments(basic, extended):
    text = basic + extended
    segments = rules.sms_segments(text)
    assert segments.encoding == "gsm7"
    assert segments.units == len(basic) + 2 * len(extended)
    if segments.units <= 160:
        assert segments.count == 1
    else:
        assert (segments.count - 1) * 153 < segments.units <= segments.count * 153


@given(GSM_TEXT, st.text(alphabet="–’“”😀中ł", min_size=1, max_size=80))
def test_one_character_outside_gsm7_makes_it_ucs2(basic, other):
    text = basic + other
    segments = rules.sms_segments(text)
    assert segments.encoding == "ucs2"
    assert segments.units == len(text.encode("utf-16-le")) // 2
    single = segments.units <= 70
    assert segments.count == 1 if single else (segments.count - 1) * 67 < segments.units <= segments.count * 67


def test_segment_edges():
    assert rules.sms_segments("a" * 160).count == 1
    assert rules.sms_segments("a" * 161).count == 2
    assert rules.sms_segments("a" * 306).count == 2
    assert rules.sms_segments("a" * 307).count == 3
    assert rules.sms_segments("€" * 80).units == 160
    assert rules.sms_segments("ø" * 70 + "–").encoding == "ucs2"


@given(st.text(alphabet=sorted(rules.GSM_BASIC) + ["–", "—", "‘", "’", "“", "”", "…", "\u00a0"], max_size=300))
def test_plain_sms_turns_typographic_marks_into_gsm7(text):
    assert rules.sms_segments(rules.plain_sms(text)).encoding == "gsm7"


@given(
    st.sampled_from(["sms", "email", ""]),
    st.sampled_from(["", "+47 912 34 567"]),
    st.sampled_from(["", "solvi@eksempel.no"]),
    st.booleans(),
    st.booleans(),
)
def test_channel_is_one_the_person_may_be_reached_by(preferred, phone, email, sms_ok, email_ok):
    channel = rules.channel_for(preferred, phone=phone, email=email, sms_consent=sms_ok, email_consent=email_ok)
    usable = {"sms": bool(phone) and sms_ok, "email": bool(email) and email_ok}
    if not any(usable.values()):
        assert channel is None
        return
    assert channel is not None and usable[channel]
    wanted = "email" if preferred == "email" else "sms"
    assert channel == (wanted if usable[wanted] else next(c for c in usable if c != wanted))
