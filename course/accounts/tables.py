from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class Office(Table, tablename="office"):
    """A NAV office or youth team; every staff user and later every cohort belongs to one."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    code = Varchar(length=20, unique=True)
    name = Varchar(length=200)
    created_at = Timestamptz()
    # Personal data is erased this many months after a participant's last cohort ends.
    retention_months = Integer(default=12)
    # Audit events about the office are kept this many months.
    audit_months = Integer(default=24)
    # The office's phone number, which messages to participants carry; "" for none.
    phone = Varchar(length=30, default="")


class StaffUser(Table, tablename="staff_user"):
    id: Serial  # the primary key Piccolo adds, declared for the type checker
    email = Varchar(length=254, unique=True)  # stored lower-cased
    name = Varchar(length=200)
    role = Varchar(length=20)  # leader | manager | admin
    office = ForeignKey(Office, null=False, on_delete=OnDelete.restrict)
    password_hash = Varchar(length=255)
    active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ApiToken(Table, tablename="api_token"):
    """A bearer token; only its SHA-256 is stored."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    user = ForeignKey(StaffUser, null=False, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True)
    name = Varchar(length=100)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class WebSession(Table, tablename="web_session"):
    """A server-side login session; the cookie holds the id, the table its SHA-256."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    id_hash = Varchar(length=64, unique=True)
    user = ForeignKey(StaffUser, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz()
    last_seen_at = Timestamptz(index=True)
