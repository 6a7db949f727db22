from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from course.accounts.tables import StaffUser
from course.cohorts.tables import Cohort
from course.participants.tables import Participant


class Evaluation(Table, tablename="evaluation"):
    """A cohort's evaluation, opened by a leader near the end of the course."""

    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, unique=True)
    opened_at = Timestamptz()
    opened_by = ForeignKey(StaffUser, null=False, on_delete=OnDelete.restrict)


class EvaluationLink(Table, tablename="evaluation_link"):
    """A participant's way in to the evaluation. It records only that it was used:
    no time, and nothing that ties it to the answer."""

    evaluation = ForeignKey(Evaluation, null=False, on_delete=OnDelete.cascade, index=True)
    participant = ForeignKey(Participant, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    used = Boolean(default=False)


class EvaluationAnswer(Table, tablename="evaluation_answer"):
    """One set of scores. It carries the cohort, never the participant, and the day
    only, so no one can line it up with a link or a login."""

    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, index=True)
    day = Date()
    benefit = Integer()
    next_step = Integer()
    atmosphere = Integer()
    leaders = Integer()
    participation = Integer()
    on_paper = Boolean(default=False)  # keyed in by a leader from a paper form


class EvaluationComment(Table, tablename="evaluation_comment"):
    """Free text, kept apart from the scores (and from each other), shown only after
    a leader has reviewed it."""

    cohort = ForeignKey(Cohort, null=False, on_delete=OnDelete.cascade, index=True)
    # The comment's name outside the database: random, so neither its order nor its
    # neighbours tell when it came or which comments one person wrote.
    ref = Varchar(length=24, default="")
    area = Varchar(length=20)  # one of the five areas, or "overall"
    text = Text()
    status = Varchar(length=10, default="pending")  # pending | shown | hidden
    reviewed_by = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null)
