"""Opening a cohort's evaluation and handing out its links: tickets minted in an
anonymous, shuffled batch (a named slip is printed once and forgotten; a ticket for
someone's own page is sealed to their personal link, in a box that names no one),
and one more slip for someone who lost theirs. See docs/anonymity.md, part 1."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from course import clock, sealing
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.db import lock, write_transaction
from course.errors import N_, Conflict, InvalidInput
from course.evaluations.state import (
    CLOSED_MESSAGE,
    CLOSES_AFTER,
    NOT_OPEN_MESSAGE,
    answered,
    cohort_for,
    context,
    evaluation_of,
    is_open,
    lock_key,
    people,
    shuffle,
)
from course.evaluations.tables import Evaluation, EvaluationSeal, EvaluationTicket
from course.messages import receivers as messages
from course.participants.services import PersonRef, seal_keys
from course.tokens import digest


@dataclass
class LinkOut:
    participant: PersonRef | None  # only on a named slip
    token: str
    on_own_page: bool = False  # also sealed to the participant's own page


@dataclass
class Opened:
    cohort_id: int
    opened_at: datetime
    closes_on: date
    answered: int
    links: list[LinkOut]  # one per participant who consented: shuffled, or by name


async def _count_invited(evaluation: dict, consented: list[PersonRef]) -> None:
    """Those who may answer, grown to everyone on the cohort who consented now (a
    late joiner); it never shrinks, so answers already given stay within it."""
    if len(consented) > evaluation["invited"]:
        await Evaluation.update({Evaluation.invited: len(consented)}).where(Evaluation.id == evaluation["id"])


async def _mint(evaluation_id: int, slips: list[PersonRef | None]) -> list[LinkOut]:
    """A batch of tickets, one per slip (named, or None for an anonymous one),
    inserted in shuffled order. A named ticket is also sealed to its person's own
    page where their link allows it; the boxes go in shuffled order too and name no
    one."""
    keys = await seal_keys([p.id for p in slips if p])
    links = [LinkOut(p, secrets.token_urlsafe(32), bool(p and p.id in keys)) for p in slips]
    tickets = [EvaluationTicket(evaluation=evaluation_id, token_hash=digest(link.token), used=False) for link in links]
    seals = [
        EvaluationSeal(
            evaluation=evaluation_id, sealed=sealing.seal(keys[link.participant.id], link.token, context(evaluation_id))
        )
        for link in links
        if link.on_own_page and link.participant
    ]
    shuffle(tickets)
    shuffle(seals)
    if tickets:
        await EvaluationTicket.insert(*tickets)
    if seals:
        await EvaluationSeal.insert(*seals)
    return links


async def open_evaluation(staff: Staff, cohort_id: int, named: bool = False) -> Opened:
    """Open the cohort's evaluation and make one link for each participant who has
    consented to it: anonymous slips by default, or named ones. Opening again makes
    a fresh set for everyone, whether they have answered or not, and voids none."""
    cohort = await cohort_for(staff, cohort_id)
    if cohort.status not in ("running", "finished"):
        raise InvalidInput({"cohort": N_("The evaluation opens once the cohort has started.")})
    consented, _ = await people(cohort.id)
    async with write_transaction():
        await lock(lock_key(cohort.id))
        evaluation = await evaluation_of(staff, cohort.id)
        if evaluation is None:
            evaluation = (
                await Evaluation.insert(
                    Evaluation(
                        cohort=cohort.id,
                        opened_at=clock.now(),
                        opened_by=staff.id,
                        closes_on=max(cohort.end_date + CLOSES_AFTER, clock.today()),
                        invited=len(consented),
                    )
                ).returning(*Evaluation.all_columns())
            )[0]
        elif not is_open(evaluation):
            raise Conflict(CLOSED_MESSAGE, field="cohort")
        else:
            await _count_invited(evaluation, consented)
        slips: list[PersonRef | None] = list(consented) if named else [None] * len(consented)
        links = await _mint(evaluation["id"], slips)
        # Each who consented is told it is open, once per evaluation, by the link to
        # their own page: all of them, so the nudge says nothing of who answers.
        own_page = {link.participant.id for link in links if link.participant and link.on_own_page}
        await messages.evaluation_open(
            evaluation["id"],
            cohort.id,
            cohort.title,
            evaluation["closes_on"],
            [(p.id, p.id in own_page) for p in consented],
        )
    await audit.record(
        "evaluation_opened",
        actor=staff.id,
        office=cohort.office_id,
        details={"cohort": cohort.id, "links": len(links), "named": named},
    )
    return Opened(cohort.id, evaluation["opened_at"], evaluation["closes_on"], await answered(evaluation), links)


async def extra_slip(staff: Staff, cohort_id: int, participant_id: int | None = None) -> LinkOut:
    """One more link, for someone who lost theirs or joined late: nobody else's slip
    stops working, and the new link works whether or not that person has answered
    (so it tells no one which). With a participant, the slip carries their name and
    the link is also put on their own page."""
    cohort = await cohort_for(staff, cohort_id)
    consented, _ = await people(cohort.id)
    person = None
    if participant_id is not None:
        person = next((p for p in consented if p.id == participant_id), None)
        if person is None:
            raise InvalidInput(
                {"participant_id": N_("Choose a participant on this cohort who has consented to the evaluation.")}
            )
    async with write_transaction():
        await lock(lock_key(cohort.id))
        evaluation = await evaluation_of(staff, cohort.id)
        if evaluation is None:
            raise Conflict(NOT_OPEN_MESSAGE, field="cohort")
        if not is_open(evaluation):
            raise Conflict(CLOSED_MESSAGE, field="cohort")
        await _count_invited(evaluation, consented)
        link = (await _mint(evaluation["id"], [person]))[0]
    # Recorded without the person: the audit trail must not say whose slip it was.
    await audit.record("evaluation_slip_added", actor=staff.id, office=cohort.office_id, details={"cohort": cohort.id})
    return link
