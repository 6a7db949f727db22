"""iCalendar (RFC 5545) output: plain values in, bytes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from course import clock

OSLO = ZoneInfo("Europe/Oslo")
PRODID = "-//Klart jeg kan//kursadministrasjon//NO"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str  # stable across changes, so subscribed calendars update instead of duplicating
    date: date
    start: time
    end: time
    summary: str
    location: str
    description: str = ""
    cancelled: bool = False
    sequence: int = 0  # SEQUENCE: rises with every change, so calendars take the new version
    modified: datetime | None = None  # LAST-MODIFIED; None: never changed since it was created


def build_calendar(name: str, entries: Sequence[CalendarEntry], stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Oslo")
    stamp = stamp or clock.utc_now()  # DTSTAMP is UTC (RFC 5545)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.combine(entry.date, entry.start, tzinfo=OSLO))
        event.add("dtend", datetime.combine(entry.date, entry.end, tzinfo=OSLO))
        event.add("summary", entry.summary)
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        event.add("sequence", entry.sequence)
        if entry.modified is not None:
            event.add("last-modified", entry.modified.astimezone(UTC))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
