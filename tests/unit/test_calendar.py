from __future__ import annotations

from datetime import UTC, date, datetime, time

from icalendar import Calendar

from course.cohorts.calendar import CalendarEntry, build_calendar


def entries():
    return [
        CalendarEntry(
            "kjk-cohort-1-session-1@kjk",
            date(2027, 1, 12),
            time(9),
            time(14),
            "Klart jeg kan: 1 Ressursavklaring",
            "Møterom Åsen",
        ),
        CalendarEntry(
            "kjk-cohort-1-session-2@kjk",
            date(2027, 7, 1),
            time(9, 30),
            time(12),
            "Klart jeg kan: 2 Roller og identitet",
            "Møterom Åsen",
            cancelled=True,
        ),
    ]


def test_calendar_parses_back_with_oslo_times_and_a_timezone():
    raw = build_calendar("Kurs – Åse", entries(), stamp=datetime(2026, 11, 23, tzinfo=UTC))
    calendar = Calendar.from_ical(raw)
    assert str(calendar["x-wr-calname"]) == "Kurs – Åse"
    zones = [c for c in calendar.walk("VTIMEZONE")]
    assert [str(z["tzid"]) for z in zones] == ["Europe/Oslo"]
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [e.uid for e in entries()]
    first, second = events
    assert first.decoded("dtstart").isoformat() == "2027-01-12T09:00:00+01:00"  # winter time
    assert second.decoded("dtstart").isoformat() == "2027-07-01T09:30:00+02:00"  # summer time
    assert first["dtstart"].params["TZID"] == "Europe/Oslo"
    assert str(first["location"]) == "Møterom Åsen" and "Ressursavklaring" in str(first["summary"])
    assert str(second["status"]) == "CANCELLED"


def test_same_input_gives_the_same_calendar():
    stamp = datetime(2026, 11, 23, tzinfo=UTC)
    assert build_calendar("x", entries(), stamp) == build_calendar("x", entries(), stamp)
