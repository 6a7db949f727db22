from piccolo.columns import Date, ForeignKey, Integer, Serial, Time, Timestamptz, Varchar
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


class CalendarFeed(Table, tablename="calendar_feed"):
    """A staff user's personal calendar feed; the secret URL holds a token whose
    SHA-256 is stored here. A new token replaces the old one."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    user = ForeignKey(StaffUser, null=False, on_delete=OnDelete.cascade, unique=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
