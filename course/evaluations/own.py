"""The evaluations a participant's own page offers: those of their cohorts that hold a
link sealed to their personal link. The boxes name no one: each is tried with the
link the page was opened with. See docs/anonymity.md, part 1."""

from __future__ import annotations

from dataclasses import dataclass, field

from course import sealing
from course.errors import NotFound
from course.evaluations import policies
from course.evaluations.closing import close_due
from course.evaluations.policies import ANSWERS
from course.evaluations.state import context
from course.evaluations.tables import Evaluation, EvaluationSeal, EvaluationTicket
from course.participants.tables import Enrolment
from course.tokens import digest


@dataclass
class OwnEvaluation:
    cohort_id: int
    title: str
    answered: bool
    token: str = field(repr=False, default="")  # an unused link of theirs, if any


def _open_for(participant_id: int):
    """The open evaluations of the participant's cohorts that go ahead."""
    return (
        policies.own_scope(participant_id),
        Evaluation.closed_at.is_null(),
        Evaluation.cohort.cancelled_at.is_null(),
    )


async def own_evaluations(participant_id: int, link_token: str) -> list[OwnEvaluation]:
    """The open evaluations of the participant's cohorts that hold a link sealed to
    this personal link. Their boxes name no one: each is tried with the link."""
    if not await Enrolment.exists().where(
        Enrolment.participant == participant_id, Enrolment.status.is_in(list(ANSWERS))
    ):
        return []
    await close_due()
    evaluations = await Evaluation.select(
        Evaluation.id,
        Evaluation.cohort,
        Evaluation.cohort.title.as_alias("title"),
        Evaluation.cohort.start_date.as_alias("start"),
    ).where(*_open_for(participant_id))
    if not evaluations:
        return []
    open_box = sealing.opener(link_token)
    seals = await EvaluationSeal.select(EvaluationSeal.evaluation, EvaluationSeal.sealed).where(
        EvaluationSeal.evaluation.is_in(Evaluation.select(Evaluation.id).where(*_open_for(participant_id)))
    )
    out = []
    for e in sorted(evaluations, key=lambda e: e["start"]):
        tokens = [t for s in seals if s["evaluation"] == e["id"] and (t := open_box(s["sealed"], context(e["id"])))]
        if not tokens:
            continue
        tickets = await EvaluationTicket.select(EvaluationTicket.token_hash, EvaluationTicket.used).where(
            EvaluationTicket.token_hash.is_in([digest(t) for t in tokens])
        )
        used = {t["token_hash"] for t in tickets if t["used"]}
        unused = [t for t in tokens if digest(t) not in used]
        out.append(
            OwnEvaluation(
                e["cohort"],
                e["title"],
                answered=bool(used) or not unused,
                token="" if used or not unused else unused[0],
            )
        )
    return out


async def own_evaluation(participant_id: int, link_token: str, cohort_id: int) -> OwnEvaluation:
    found = next((e for e in await own_evaluations(participant_id, link_token) if e.cohort_id == cohort_id), None)
    if found is None:
        raise NotFound
    return found
