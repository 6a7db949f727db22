from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from course.accounts.tables import StaffUser
from course.cohorts.tables import Cohort
from course.participants.tables import Participant


class Talk(Table, tablename="guidance_talk"):
    """An individual guidance talk between a participant and one course leader."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, index=True)
    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    leader = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict, index=True)
    date = Date(index=True)
    start_time = Time()
    end_time = Time()
    location = Varchar(length=200, default="")
    status = Varchar(length=10)  # planned | held | no_show | cancelled
    # Private: only the cohort's leaders and the primary contact read it, and each read is audited.
    note = Text(default="")
    created_at = Timestamptz()
    changed_at = Timestamptz()
    # When the participant confirmed the time on their own page; cleared when staff move it.
    confirmed_at = Timestamptz(null=True, default=None)


class Availability(Table, tablename="leader_availability"):
    """A weekly window in which a leader can hold guidance talks."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    leader = ForeignKey(StaffUser, null=False, on_delete=OnDelete.cascade, index=True)
    weekday = Integer()  # ISO weekday, Monday = 1
    start_time = Time()
    end_time = Time()


class AvailabilityException(Table, tablename="leader_availability_exception"):
    """A day that departs from the weekly windows: away (the whole day or part of it),
    or extra time for talks."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    leader = ForeignKey(StaffUser, null=False, on_delete=OnDelete.cascade, index=True)
    date = Date()
    start_time = Time(null=True, default=None)
    end_time = Time(null=True, default=None)
    available = Boolean(default=False)
    reason = Varchar(length=100, default="")
