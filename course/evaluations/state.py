"""What the evaluation modules share: the rules' constants, what a sealed link or a
stored answer is bound to, and where a cohort's evaluation stands (its row read
through the caller's scope, open or not, how many have answered, who may answer)."""

from __future__ import annotations

import random
from datetime import timedelta
from functools import cache

from course import clock, sealing
from course.accounts.schemas import Staff
from course.cohorts import services as cohorts
from course.errors import N_, NotFound
from course.evaluations import policies
from course.evaluations.policies import ANSWERS
from course.evaluations.tables import Evaluation, EvaluationPending, EvaluationResponse
from course.participants.services import PersonRef, consent_state
from course.participants.tables import Enrolment
from course.settings import get_settings
from course.validation import nb_sort_key

CLOSES_AFTER = timedelta(days=7)  # the default closing day, after the last session
LATEST_CLOSE = timedelta(weeks=8)  # how long after the last session it can be kept open
CLOSED_MESSAGE = N_("The evaluation has closed and takes no more answers.")
FULL_MESSAGE = N_("The evaluation has as many answers as there are participants.")
NOT_OPEN_MESSAGE = N_("The evaluation has not been opened yet.")

# Tickets, seals and written-out answers go in this order: nothing about them may
# follow the order they were made or given in.
shuffle = random.SystemRandom().shuffle


def context(evaluation_id: int) -> str:
    """What a sealed link or a stored answer is bound to: its evaluation."""
    return f"evaluation:{evaluation_id}"


def lock_key(cohort_id: int) -> str:
    return f"evaluation:{cohort_id}"


@cache
def _secret() -> str:
    return get_settings().secret_key


def pending_key(evaluation_id: int) -> bytes:
    """The key an open evaluation's answers are encrypted under, derived from the
    server's secret, which is not in the database."""
    return sealing.box_key(_secret(), context(evaluation_id))


async def people(cohort_id: int) -> tuple[list[PersonRef], list[PersonRef]]:
    """Those on the cohort at its end: (consented to the evaluation, not consented).
    An erased participant is neither: no slip is made for them any more (the number
    invited, once counted, stays)."""
    rows = await Enrolment.select(Enrolment.participant, Enrolment.participant.name.as_alias("name")).where(
        Enrolment.cohort == cohort_id,
        Enrolment.status.is_in(list(ANSWERS)),
        Enrolment.participant._.erased_at.is_null(),
    )
    yes: list[PersonRef] = []
    no: list[PersonRef] = []
    for r in sorted(rows, key=lambda r: nb_sort_key(r["name"])):
        consented = (await consent_state(r["participant"])).evaluation
        (yes if consented else no).append(PersonRef(r["participant"], r["name"]))
    return yes, no


async def cohort_for(staff: Staff, cohort_id: int):
    """The cohort, if the caller works with its evaluation; NotFound otherwise."""
    if not policies.may_see_evaluations(staff):
        raise NotFound
    return await cohorts.get_cohort(staff, cohort_id)


async def evaluation_of(staff: Staff, cohort_id: int) -> dict | None:
    """The cohort's evaluation, through the caller's scope."""
    return await Evaluation.select().where(policies.evaluation_scope(staff), Evaluation.cohort == cohort_id).first()


def is_open(evaluation: dict) -> bool:
    return evaluation["closed_at"] is None and evaluation["closes_on"] >= clock.today()


async def answered(evaluation: dict) -> int:
    """Answers so far: encrypted while open, written out once closed."""
    return await EvaluationPending.count().where(
        EvaluationPending.evaluation == evaluation["id"]
    ) + await EvaluationResponse.count().where(EvaluationResponse.cohort == evaluation["cohort"])
