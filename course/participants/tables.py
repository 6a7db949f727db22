from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from course.accounts.tables import Office, StaffUser
from course.cohorts.tables import Cohort, Session


class Participant(Table, tablename="participant"):
    """A young person on the course: the least data the work needs, and no
    national identity number."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    office = ForeignKey(Office, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200)
    # The name as lists sort and search it (validation.nb_sort_key: case folded, æ, ø, å
    # after z), kept beside the name so both engines sort and page it the same way.
    sort_name = Varchar(length=200, default="")
    birth_year = Integer()  # 0 once erased
    phone = Varchar(length=30, default="")
    email = Varchar(length=254, default="")
    # How the person would rather get reminders and messages: sms | email.
    preferred_channel = Varchar(length=5, default="sms")
    primary_contact = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict, index=True)
    referral_date = Date(null=True, default=None)
    created_at = Timestamptz()
    # Set when the person is erased: the row stays, with nothing personal left, so
    # enrolments, attendance and outcomes still count in anonymous statistics.
    erased_at = Timestamptz(null=True, default=None, index=True)


class ConsentText(Table, tablename="consent_text"):
    """One version of the consent text, in Norwegian; the version with the latest
    effective date on or before today is in force."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    version = Varchar(length=40, unique=True)
    effective_from = Date()
    intro = Text()
    participation = Text()  # shown beside the box for taking part
    sharing = Text()  # beside the box for sharing with NAV
    evaluation = Text()  # beside the box for the evaluation
    contact = Text(default="")  # beside the two boxes for reminders and messages by SMS and e-mail
    created_by = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


class Consent(Table, tablename="participant_consent"):
    """One recorded consent or withdrawal; the latest entry per scope is in force."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    action = Varchar(length=10)  # given | withdrawn
    text_version = Varchar(length=40)
    participation = Boolean(default=False)
    sharing = Boolean(default=False)
    evaluation = Boolean(default=False)
    contact_sms = Boolean(default=False)  # reminders and messages by SMS
    contact_email = Boolean(default=False)  # the same by e-mail
    date = Date()  # when it was given or withdrawn (a paper form may be recorded later)
    recorded_by = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz()


class CategoryChange(Table, tablename="participant_category"):
    """Follow-up category 1–4 (ability and will); the latest row is in force."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    category = Integer()
    changed_by = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict)
    changed_at = Timestamptz()


class Enrolment(Table, tablename="enrolment"):
    """Unique per (cohort, participant): an index made in the migration."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, index=True)
    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    # invited | enrolled | waiting | completed | dropped_out | no_show | withdrawn
    status = Varchar(length=20)
    reason = Varchar(length=500, default="")
    created_at = Timestamptz()
    changed_at = Timestamptz()


class Attendance(Table, tablename="attendance"):
    """Unique per (session, participant): an index made in the migration."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    session = ForeignKey(Session, null=False, on_delete=OnDelete.cascade, index=True)
    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=10)  # present | absent | excused
    note = Varchar(length=500, default="")
    # None: the participant reported the absence themself on their own page.
    recorded_by = ForeignKey(StaffUser, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz()
    # Who set the mark: "staff" on the register, or "participant" (an absence reported
    # in advance, excused, with their reason as the note) until staff record another.
    source = Varchar(length=12, default="staff")


class Outcome(Table, tablename="outcome"):
    """Where a participant went after the course, one per enrolment."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    enrolment = ForeignKey(Enrolment, null=False, on_delete=OnDelete.cascade, unique=True)
    kind = Varchar(length=20)
    date = Date()
    note = Text(default="")
    changed_by = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict)
    changed_at = Timestamptz()


class FollowUp(Table, tablename="follow_up"):
    """Where a participant is some months after the course: at 3 and 6 months
    (``point`` is "3m" or "6m"), one per enrolment and point. The outcome at the
    end of the course is the Outcome row."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    enrolment = ForeignKey(Enrolment, null=False, on_delete=OnDelete.cascade, index=True)
    point = Varchar(length=3)
    kind = Varchar(length=20)
    date = Date()
    note = Text(default="")
    changed_by = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict)
    changed_at = Timestamptz()


class PathStep(Table, tablename="path_step"):
    """One step on a participant's way in, one per participant and step:
    referred (by whom, as text), hu (the referral committee's decision), intake
    (mottakssamtale, by a staff user), info_meeting. Enrolment is the last step and
    lives in Enrolment."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    step = Varchar(length=20)  # referred | hu | intake | info_meeting
    date = Date()
    by_text = Varchar(length=200, default="")  # referred: who referred (a service or role)
    by_staff = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)  # intake: who held it
    decision = Varchar(length=20, default="")  # hu: accepted | not_now | other_measure
    note = Varchar(length=500, default="")
    changed_by = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)
    changed_at = Timestamptz()


class ReflectionTask(Table, tablename="reflection_task"):
    """An office's short task text for one module, given between sessions."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    office = ForeignKey(Office, null=False, on_delete=OnDelete.cascade)
    module = Integer()
    text = Text()
    changed_by = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)
    changed_at = Timestamptz()


class ReflectionAnswer(Table, tablename="reflection_answer"):
    """A participant's private answer to a module's reflection task, on one
    enrolment: read only by the participant, the cohort's leaders and the primary
    contact."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    enrolment = ForeignKey(Enrolment, null=False, on_delete=OnDelete.cascade, index=True)
    module = Integer()
    text = Text()
    changed_at = Timestamptz()


class ParticipantLink(Table, tablename="participant_link"):
    """The secret address of a participant's own page; only its SHA-256 is stored."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    # The public half of a key pair derived from the link: evaluation links are
    # sealed to it for the participant's own page (course/sealing.py).
    seal_key = Varchar(length=64, null=True, default=None)
    # The link itself, encrypted under a key derived from KJK_SECRET_KEY (not in the
    # database), so a reminder can carry it without the outbox or a reader of the
    # database learning it (course/messages/delivery.py).
    sealed_token = Text(null=True, default=None)
    created_at = Timestamptz()
    created_by = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict)
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class RetentionExtension(Table, tablename="retention_extension"):
    """A leader's decision to keep a participant's data past the office's retention
    period: until a date, with a reason. Erased with the person."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    until = Date()
    reason = Varchar(length=500)
    staff = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)
    at = Timestamptz()
