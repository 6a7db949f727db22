"""Evaluation tables, laid out so that no row ties an answer to a person: see
docs/anonymity.md. Only ``Evaluation`` has a serial id; every row written for an
answer has a random id and no time."""

from piccolo.columns import (
    UUID,
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

from course.accounts.tables import StaffUser
from course.cohorts.tables import Cohort


class Evaluation(Table, tablename="evaluation"):
    """A cohort's evaluation: open from the day a leader opens it until it closes,
    on ``closes_on`` (the last day answers are taken) or by hand."""

    id: Serial  # the primary key Piccolo adds, declared for the type checker

    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, unique=True)
    opened_at = Timestamptz()
    opened_by = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict)
    closes_on = Date(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    # How many may answer: those on the cohort who consented to the evaluation.
    invited = Integer(default=0)


class EvaluationTicket(Table, tablename="evaluation_ticket"):
    """One way in to an evaluation, minted in anonymous batches: it names no one."""

    id = UUID(primary_key=True)
    evaluation = ForeignKey(Evaluation, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    used = Boolean(default=False)


class EvaluationSeal(Table, tablename="evaluation_seal"):
    """A ticket's token sealed to one participant's personal link, so their own page
    can offer it. It names no one either: the page finds its own box by trying to
    open the evaluation's boxes with the link."""

    id = UUID(primary_key=True)
    evaluation = ForeignKey(Evaluation, null=False, on_delete=OnDelete.cascade, index=True)
    sealed = Text()


class EvaluationPending(Table, tablename="evaluation_pending"):
    """An answer to an evaluation that is still open, encrypted under a key derived
    from the server's secret. Written out as scores and comments when it closes."""

    id = UUID(primary_key=True)
    evaluation = ForeignKey(Evaluation, null=False, on_delete=OnDelete.cascade, index=True)
    sealed = Text()


class EvaluationResponse(Table, tablename="evaluation_response"):
    """One set of scores of a closed evaluation: the cohort only, a random id, written
    with all the others in shuffled order when the evaluation closed."""

    id = UUID(primary_key=True)
    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, index=True)
    benefit = Integer()
    next_step = Integer()
    atmosphere = Integer()
    leaders = Integer()
    participation = Integer()
    on_paper = Boolean(default=False)  # keyed in by a leader from a paper form


class EvaluationRemark(Table, tablename="evaluation_remark"):
    """Free text of a closed evaluation, kept apart from the scores (and from each
    other), shown only after a leader has reviewed it."""

    id = UUID(primary_key=True)
    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, index=True)
    # The comment's name outside the database, random like its id.
    ref = Varchar(length=24, default="", unique=True)  # type: ignore[assignment]  # shadows Table.ref(), unused here
    area = Varchar(length=20)  # one of the five areas, or "overall"
    text = Text()
    status = Varchar(length=10, default="pending")  # pending | shown | hidden
    reviewed_by = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)
