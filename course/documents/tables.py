from piccolo.columns import Boolean, Bytea, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from course.accounts.tables import StaffUser
from course.cohorts.tables import Cohort
from course.participants.tables import Enrolment


class DocumentVersion(Table, tablename="document_version"):
    """One saved version of a participant's resource CV or action plan on one
    enrolment. Nothing is overwritten: the newest number is the document, the
    earlier ones are its history. Unique per (enrolment, kind, number): an index
    made in the migration, so two saves from the same version cannot both land."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    enrolment = ForeignKey(Enrolment, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=4)  # cv | plan
    number = Integer()
    content = Text()  # JSON, checked by course.documents.content
    created_at = Timestamptz()
    staff = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)
    by_participant = Boolean(default=False)
    restored_from = Integer(null=True, default=None)


class ZipJob(Table, tablename="document_zip_job"):
    """A cohort's CVs and plans being made into one ZIP for one staff member, in the
    background, by whichever server process took the request; every process reads its
    progress here. Found by a random key (it grants nothing alone) together with its
    staff member, never by anyone else. The finished ZIP (personal data) lives in
    ``body`` until it is downloaded (then emptied) or expires (then the row goes)."""

    id: Serial

    key = Varchar(length=64, unique=True)  # random, in the address of its progress page
    staff = ForeignKey(StaffUser, null=False, on_delete=OnDelete.cascade, index=True)
    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=12)  # running | done | failed | downloaded
    done = Integer(default=0)  # PDFs rendered so far
    total = Integer(default=0)  # PDFs in the ZIP
    error = Varchar(length=20, null=True, default=None)  # why it failed: stopped | error
    created_at = Timestamptz()
    heartbeat_at = Timestamptz()  # the process making it says it still is, every few seconds
    expires_at = Timestamptz(index=True)  # gone after this, downloaded or not
    file_name = Varchar(length=200, default="")
    entries = Text(default="[]")  # JSON [[participant, enrolment], …]: audited when downloaded
    body = Bytea(null=True, default=None)


class EmployerCv(Table, tablename="document_employer_cv"):
    """What the participant's CV for employers holds, chosen by them (or with them) on
    one enrolment: which sections of the resource CV and which contact details from their
    record. One row per enrolment, changed in place (every change is audited); no row:
    the defaults. It holds choices only, never the CV's words."""

    id: Serial

    enrolment = ForeignKey(Enrolment, null=False, on_delete=OnDelete.cascade, unique=True)
    sections = Text(default="[]")  # JSON: the chosen section keys
    phone = Boolean(default=True)
    email = Boolean(default=True)
    birth_year = Boolean(default=False)
    updated_at = Timestamptz()
    staff = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    by_participant = Boolean(default=False)
