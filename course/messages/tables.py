from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from course.accounts.tables import Office, StaffUser
from course.cohorts.tables import Cohort
from course.participants.tables import Participant


class Message(Table, tablename="message"):
    """One message, to a participant or a staff member: the outbox row written with the
    change that caused it, then the log of what became of it. The address and the text
    are cleared 30 days after it was sent or gave up (``purged_at``); what, when, which
    channel and how it went stay as long as the participant's record."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    office = ForeignKey(Office, null=False, on_delete=OnDelete.cascade, index=True)
    # Whom it is about: the recipient, or the participant a staff alert names.
    participant = ForeignKey(Participant, null=True, default=None, on_delete=OnDelete.cascade, index=True)
    # The staff member it goes to; None: to the participant.
    staff = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.cascade, index=True)
    cohort = ForeignKey(Cohort, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    kind = Varchar(length=30)
    channel = Varchar(length=5)  # sms | email
    # One message per cause and recipient: writing it again is a no-op.
    dedup_key = Varchar(length=200, unique=True)
    address = Varchar(length=254, default="")
    subject = Varchar(length=200, default="")
    body = Text(default="")
    status = Varchar(length=10, default="pending", index=True)  # pending | sending | sent | failed
    not_before = Timestamptz()  # never in the quiet hours
    attempts = Integer(default=0)
    error = Varchar(length=200, default="")  # what the peer answered, never the address or the text
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    failed_at = Timestamptz(null=True, default=None)
    purged_at = Timestamptz(null=True, default=None, index=True)
