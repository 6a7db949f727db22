"""iCalendar (RFC 5545) output: plain values in, bytes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration

from course import clock

OSLO = ZoneInfo("Europe/Oslo")
PRODID = "-//Klart jeg kan//kursadministrasjon//NO"
# How often a subscribed calendar (Outlook, Google, Apple) should fetch the feed again.
REFRESH = timedelta(hours=1)


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


def sequence_between(created: datetime | None, changed: datetime | None) -> int:
    """A SEQUENCE for a record that keeps only when it was created and last changed: the
    whole seconds between the two, so it is 0 until the first change and rises with each."""
    if created is None or changed is None:
        return 0
    return max(0, int((changed - created).total_seconds()))


def oslo_timezone() -> Timezone:
    """Europe/Oslo as yearly rules (summer time from the last Sunday of March to the last
    Sunday of October, as in the EU since 1996). Written as RRULEs, not one RDATE per
    change: clients that read only the first RDATE (Outlook among them) would otherwise
    put every summer event an hour late."""
    zone = Timezone()
    zone.add("tzid", "Europe/Oslo")
    zone.add("x-lic-location", "Europe/Oslo")
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1996, 10, 27, 3, 0, 0))
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1996, 3, 31, 2, 0, 0))
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    zone.add_component(standard)
    zone.add_component(daylight)
    return zone


def build_calendar(name: str, entries: Sequence[CalendarEntry], stamp: datetime | None = None) -> bytes:
    from course.web.i18n import gettext

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Oslo")
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add_component(oslo_timezone())
    stamp = stamp or clock.utc_now()  # DTSTAMP is UTC (RFC 5545)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.combine(entry.date, entry.start, tzinfo=OSLO))
        event.add("dtend", datetime.combine(entry.date, entry.end, tzinfo=OSLO))
        # A cancelled event says so in its title too: many calendars show STATUS nowhere.
        event.add("summary", gettext("CANCELLED: %(title)s", title=entry.summary) if entry.cancelled else entry.summary)
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        event.add("sequence", entry.sequence)
        if entry.modified is not None:
            event.add("last-modified", entry.modified.astimezone(UTC))
        calendar.add_component(event)
    return calendar.to_ical()
