from piccolo.columns import Date, ForeignKey, Integer, Serial, Text, Time, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from course.accounts.tables import Office, StaffUser


class Closure(Table, tablename="office_closure"):
    """A period an office holds no sessions (summer weeks, Christmas), both days included."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    office = ForeignKey(Office, null=False, on_delete=OnDelete.cascade)
    start_date = Date()
    end_date = Date()
    reason = Varchar(length=100)


class Cohort(Table, tablename="cohort"):
    id: Serial  # the primary key Piccolo adds, declared for the type checker
    office = ForeignKey(Office, null=False, on_delete=OnDelete.restrict)
    title = Varchar(length=200)
    variant = Varchar(length=20)  # kjk | ny_retning
    location = Varchar(length=200)
    capacity = Integer(default=12)
    start_date = Date()
    weekday_1 = Integer()  # ISO weekday, Monday = 1
    weekday_2 = Integer()
    start_time = Time()
    end_time = Time()
    cancelled_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class CohortLeader(Table, tablename="cohort_leader"):
    """The pair of course leaders (makkerpar) who run a cohort."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade)
    leader = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict, index=True)


class Session(Table, tablename="cohort_session"):
    id: Serial  # the primary key Piccolo adds, declared for the type checker
    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade)
    number = Integer()
    module = Integer()
    date = Date(index=True)
    start_time = Time()
    end_time = Time()
    location = Varchar(length=200)
    cancelled_at = Timestamptz(null=True, default=None)
    # A guest leader from outside the team for this session (Ny retning: the career
    # centre or the follow-up service), as "name, organisation"; empty if none.
    guest_leader = Varchar(length=200, default="")
    # iCalendar SEQUENCE and LAST-MODIFIED: rise with every change to the session,
    # so subscribed calendars take the change instead of keeping the old event.
    sequence = Integer(default=0)
    modified_at = Timestamptz(null=True, default=None)


class SessionLeader(Table, tablename="session_leader"):
    """A substitute: the staff leaders of one session when they differ from the
    cohort's pair (sick leave). No rows means the cohort's leaders lead it."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    session = ForeignKey(Session, null=False, on_delete=OnDelete.cascade, index=True)
    leader = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict, index=True)


class CohortChange(Table, tablename="cohort_change"):
    """One recorded change to a cohort or one of its sessions: who, when, what.
    Holds course facts only (titles, rooms, times, leaders' ids), nothing about a
    participant."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, index=True)
    session_number = Integer(null=True, default=None)  # None: the cohort as a whole
    changed_by = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)
    changed_at = Timestamptz()
    # JSON: {"field": [old, new], ...}
    changes = Text()
    # Why, as the person who made the change gave it (a session moved by hand): one line,
    # at most 200 characters, shown to staff with the change; empty when none was given.
    reason = Varchar(length=200, default="")


class CalendarFeed(Table, tablename="calendar_feed"):
    """A staff user's personal calendar feed; the secret URL holds a token whose
    SHA-256 is stored here. A new token replaces the old one."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    user = ForeignKey(StaffUser, null=False, on_delete=OnDelete.cascade, unique=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
