from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from course.accounts.tables import StaffUser
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
