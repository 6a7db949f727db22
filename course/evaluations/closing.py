"""Closing an evaluation: every answer of the cohort decrypted and written out as
scores and comments in one transaction, shuffled, with fresh random ids and no time,
the pending answers and the seals deleted; the audit event apart. See
docs/anonymity.md, part 3."""

from __future__ import annotations

import json
import secrets

from course import clock, sealing
from course.audit import services as audit
from course.db import lock, write_transaction
from course.evaluations.state import context, lock_key, pending_key, shuffle
from course.evaluations.tables import (
    Evaluation,
    EvaluationPending,
    EvaluationRemark,
    EvaluationResponse,
    EvaluationSeal,
)


def new_comment_ref() -> str:
    """A comment's name outside the database: random, like its id."""
    return secrets.token_urlsafe(12)


async def close_due() -> None:
    """Close every evaluation whose closing day has passed. Called before anything
    reads evaluations, so a closing day takes effect without a scheduler."""
    due = await Evaluation.select(Evaluation.id, Evaluation.cohort, Evaluation.cohort.office.as_alias("office")).where(
        Evaluation.closed_at.is_null(), Evaluation.closes_on < clock.today()
    )
    for row in due:
        await close(row["id"], row["cohort"], None, row["office"])


async def close(evaluation_id: int, cohort: int, actor: int | None, office: int) -> None:
    """Write the answers out: every answer of the cohort, decrypted and shuffled,
    with fresh random ids, in one transaction, so neither order, ids nor system
    columns say when any of them came. The seals are no longer needed."""
    unreadable = 0
    async with write_transaction():
        await lock(lock_key(cohort))
        # Read again under the lock: someone may have closed it meanwhile.
        if await Evaluation.exists().where(Evaluation.id == evaluation_id, Evaluation.closed_at.is_not_null()):
            return
        key = pending_key(evaluation_id)
        answers = [
            EvaluationResponse(**{k: v for k, v in r.items() if k != "id"})
            for r in await EvaluationResponse.select().where(EvaluationResponse.cohort == cohort)
        ]
        remarks = [
            EvaluationRemark(**{k: v for k, v in r.items() if k != "id"})
            for r in await EvaluationRemark.select().where(EvaluationRemark.cohort == cohort)
        ]
        for row in await EvaluationPending.select(EvaluationPending.sealed).where(
            EvaluationPending.evaluation == evaluation_id
        ):
            plain = sealing.decrypt(key, row["sealed"], context(evaluation_id))
            if plain is None:  # the server's secret has changed since it was stored
                unreadable += 1
                continue
            answer = json.loads(plain)
            answers.append(EvaluationResponse(cohort=cohort, on_paper=answer["on_paper"], **answer["scores"]))
            remarks.extend(
                EvaluationRemark(cohort=cohort, ref=new_comment_ref(), area=area, text=text, status="pending")
                for area, text in answer["comments"].items()
            )
        shuffle(answers)
        shuffle(remarks)
        await EvaluationResponse.delete().where(EvaluationResponse.cohort == cohort)
        await EvaluationRemark.delete().where(EvaluationRemark.cohort == cohort)
        await EvaluationPending.delete().where(EvaluationPending.evaluation == evaluation_id)
        await EvaluationSeal.delete().where(EvaluationSeal.evaluation == evaluation_id)
        if answers:
            await EvaluationResponse.insert(*answers)
        if remarks:
            await EvaluationRemark.insert(*remarks)
        await Evaluation.update({Evaluation.closed_at: clock.now()}).where(Evaluation.id == evaluation_id)
    # Apart from the answers' transaction: the audit trail shares nothing with them.
    await audit.record(
        "evaluation_closed",
        actor=actor,
        office=office,
        details={"cohort": cohort, "unreadable": unreadable} if unreadable else {"cohort": cohort},
    )
