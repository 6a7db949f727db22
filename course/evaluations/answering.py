"""Answering: through a link (a ticket flipped to used and the answer stored in one
transaction that names no one), or a paper form keyed in by a leader. An answer to an
open evaluation is kept encrypted until it closes. See docs/anonymity.md, part 2."""

from __future__ import annotations

import json
from datetime import timedelta

from course import clock, sealing
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.db import lock, write_transaction
from course.errors import N_, Closed, Conflict, InvalidInput, NotFound, Throttled
from course.evaluations.reports import AREAS
from course.evaluations.state import (
    CLOSED_MESSAGE,
    FULL_MESSAGE,
    NOT_OPEN_MESSAGE,
    answered,
    cohort_for,
    context,
    evaluation_of,
    is_open,
    lock_key,
    pending_key,
)
from course.evaluations.tables import EvaluationPending, EvaluationTicket
from course.tokens import digest
from course.validation import has_control_chars

MAX_COMMENT = 2000
TOKEN_REJECTED = "evaluation_token_rejected"
REJECTIONS_ALLOWED = 20  # unknown or used tokens from one address per window
WINDOW = timedelta(minutes=15)


def check_answer(scores, comments, comment) -> dict:
    """The five scores (whole numbers 0–10), comments per area and overall."""
    errors: dict[str, str] = {}
    clean: dict = {"scores": {}, "comments": {}}
    if not isinstance(scores, dict):
        errors["scores"] = N_("Give a score from 0 to 10 for each of the five areas.")
        scores = {}
    for key in scores:
        if key not in AREAS:
            errors[f"scores.{key}"] = N_("There is no such area.")
    for area in AREAS:
        value = scores.get(area)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            errors[f"scores.{area}"] = N_("Choose a score from 0 to 10.")
        else:
            clean["scores"][area] = value
    if comments is None:
        comments = {}
    if not isinstance(comments, dict):
        errors["comments"] = N_("Comments go with an area.")
        comments = {}
    for key, text in comments.items():
        if key not in AREAS:
            errors[f"comments.{key}"] = N_("There is no such area.")
        elif text := _comment(text, f"comments.{key}", errors):
            clean["comments"][key] = text
    overall = _comment(comment, "comment", errors)
    if overall:
        clean["comments"]["overall"] = overall
    if errors:
        raise InvalidInput(errors)
    return clean


def _comment(text, key: str, errors: dict[str, str]) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        errors[key] = N_("A comment is text.")
        return ""
    text = text.strip()
    if len(text) > MAX_COMMENT:
        errors[key] = N_("A comment can be at most 2,000 characters.")
    elif has_control_chars(text.replace("\n", " ").replace("\r", " ").replace("\t", " ")):
        errors[key] = N_("The comment contains characters that are not allowed.")
    return text


async def _store(evaluation: dict, clean: dict, on_paper: bool) -> None:
    """Keep one answer, encrypted, in the caller's transaction; refused once as many
    have answered as may."""
    if await answered(evaluation) >= evaluation["invited"]:
        raise Conflict(FULL_MESSAGE, field="token")
    blob = json.dumps({**clean, "on_paper": on_paper}).encode()
    await EvaluationPending.insert(
        EvaluationPending(
            evaluation=evaluation["id"],
            sealed=sealing.encrypt(pending_key(evaluation["id"]), blob, context(evaluation["id"])),
        )
    )


async def _throttle(address: str | None) -> None:
    if not address:
        return
    since = clock.now() - WINDOW
    recent = (
        await AuditEvent.select(AuditEvent.at)
        .where(AuditEvent.action == TOKEN_REJECTED, AuditEvent.address == address[:45], AuditEvent.at >= since)
        .order_by(AuditEvent.at)
    )
    if len(recent) >= REJECTIONS_ALLOWED:
        wait = recent[-REJECTIONS_ALLOWED]["at"] + WINDOW - clock.now()
        raise Throttled(max(1, int(wait.total_seconds()) + 1))


def _well_formed(token) -> bool:
    return isinstance(token, str) and 20 <= len(token) <= 100


TICKET_COLUMNS = (
    EvaluationTicket.id,
    EvaluationTicket.used,
    EvaluationTicket.evaluation.as_alias("evaluation"),
    EvaluationTicket.evaluation.cohort.as_alias("cohort"),
    EvaluationTicket.evaluation.closed_at.as_alias("closed_at"),
    EvaluationTicket.evaluation.closes_on.as_alias("closes_on"),
    EvaluationTicket.evaluation.invited.as_alias("invited"),
)


async def _ticket(token: str) -> dict | None:
    return await EvaluationTicket.select(*TICKET_COLUMNS).where(EvaluationTicket.token_hash == digest(token)).first()


async def link_state(token: str, address: str | None = None) -> str:
    """ "open" or "used" for a real link of an open evaluation; Closed once it has
    closed; an unknown one counts towards the throttle."""
    await _throttle(address)
    ticket = await _ticket(token) if _well_formed(token) else None
    if ticket is None:
        await audit.record(TOKEN_REJECTED, address=address)
        raise NotFound
    if not is_open(ticket):
        raise Closed(CLOSED_MESSAGE)
    return "used" if ticket["used"] else "open"


async def answer(token: str, scores, comments=None, comment=None, address: str | None = None) -> None:
    """Store one answer through a link: exactly once, with nothing that says whose."""
    await _throttle(address)
    clean = check_answer(scores, comments, comment)
    rejected = not _well_formed(token)
    if not rejected:
        async with write_transaction():
            ticket = await _ticket(token)
            rejected = ticket is None
            if ticket is not None:
                evaluation = {**ticket, "id": ticket["evaluation"]}
                if not is_open(evaluation):
                    raise Closed(CLOSED_MESSAGE)
                await lock(lock_key(ticket["cohort"]))
                # Flipped atomically: two submissions with the same link store one answer.
                taken = (
                    await EvaluationTicket.update({EvaluationTicket.used: True})
                    .where(EvaluationTicket.id == ticket["id"], EvaluationTicket.used.eq(False))
                    .returning(EvaluationTicket.id)
                )
                if taken:
                    await _store(evaluation, clean, on_paper=False)
                    return
    await audit.record(TOKEN_REJECTED, address=address)
    if rejected:
        raise NotFound
    raise Conflict(N_("This evaluation has already been answered. Thank you for your answer!"), field="token")


async def key_in_paper(staff: Staff, cohort_id: int, scores, comments=None, comment=None) -> None:
    """A leader keys in a paper form. It names no one and uses no link: it is marked
    as keyed in, counted apart in the reports, and counts towards the cap of as many
    answers as there are participants."""
    cohort = await cohort_for(staff, cohort_id)
    clean = check_answer(scores, comments, comment)
    async with write_transaction():
        await lock(lock_key(cohort.id))
        evaluation = await evaluation_of(staff, cohort.id)
        if evaluation is None:
            raise Conflict(NOT_OPEN_MESSAGE, field="cohort")
        if not is_open(evaluation):
            raise Closed(CLOSED_MESSAGE)
        await _store(evaluation, clean, on_paper=True)
    await audit.record("evaluation_paper_keyed", actor=staff.id, office=cohort.office_id, details={"cohort": cohort.id})
