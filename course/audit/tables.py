from piccolo.columns import JSON, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from course.accounts.tables import StaffUser


class AuditEvent(Table, tablename="audit_event"):
    """Who did what, when. Failed logins are also what login throttling counts."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    at = Timestamptz(index=True)
    action = Varchar(length=50, index=True)
    actor = ForeignKey(StaffUser, null=True, on_delete=OnDelete.set_null, index=True)
    # The e-mail address a login was tried for, lower-cased (known or not).
    account = Varchar(length=254, null=True, default=None, index=True)
    target_user = Integer(null=True, default=None)
    # The participant whose data was read or changed. Not a foreign key: the number
    # outlives an erasure, which leaves only "participant #id erased" behind.
    participant = Integer(null=True, default=None, index=True)
    office = Integer(null=True, default=None)
    address = Varchar(length=45, null=True, default=None, index=True)
    details = JSON(default="{}")
