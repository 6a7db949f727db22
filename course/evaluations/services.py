"""Course evaluations: opening one and handing out its links, answering through a
link, keying in a paper form, closing. The design that keeps the answers anonymous
even to whoever reads the database or the logs is argued in docs/anonymity.md:

- a link is a *ticket* minted in an anonymous, shuffled batch; nothing stored says
  whose it is (a named slip is printed once and forgotten; a ticket for someone's
  own page is sealed to their personal link, in a box that names no one);
- an answer to an open evaluation is stored encrypted under a key the database does
  not hold, and written out as scores and comments, shuffled and with random ids,
  only when the evaluation closes;
- figures and comments exist only for closed evaluations, so reading twice tells
  nothing but the count.
"""

from __future__ import annotations

import json
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from course import clock, sealing
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.cohorts import services as cohorts
from course.db import lock, write_transaction
from course.errors import N_, Closed, Conflict, Forbidden, InvalidInput, NotFound, Throttled
from course.evaluations import reports
from course.evaluations.reports import AREAS
from course.evaluations.tables import (
    Evaluation,
    EvaluationPending,
    EvaluationRemark,
    EvaluationResponse,
    EvaluationSeal,
    EvaluationTicket,
)
from course.participants import policies
from course.participants.services import PersonRef, consent_state, seal_keys
from course.participants.tables import Enrolment
from course.settings import get_settings
from course.tokens import digest
from course.validation import has_control_chars, nb_sort_key

MAX_COMMENT = 2000
# Statuses of those who answer: on the cohort at its end.
ANSWERS = ("enrolled", "completed")
TOKEN_REJECTED = "evaluation_token_rejected"
REJECTIONS_ALLOWED = 20  # unknown or used tokens from one address per window
WINDOW = timedelta(minutes=15)
CLOSES_AFTER = timedelta(days=7)  # the default closing day, after the last session
LATEST_CLOSE = timedelta(weeks=8)  # how long after the last session it can be kept open
CLOSED_MESSAGE = N_("The evaluation has closed and takes no more answers.")
FULL_MESSAGE = N_("The evaluation has as many answers as there are participants.")
NOT_OPEN_MESSAGE = N_("The evaluation has not been opened yet.")

_shuffle = random.SystemRandom().shuffle


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


def _context(evaluation_id: int) -> str:
    """What a sealed link or a stored answer is bound to: its evaluation."""
    return f"evaluation:{evaluation_id}"


def _lock_key(cohort_id: int) -> str:
    return f"evaluation:{cohort_id}"


@cache
def _secret() -> str:
    return get_settings().secret_key


def _pending_key(evaluation_id: int) -> bytes:
    return sealing.box_key(_secret(), _context(evaluation_id))


async def _people(cohort_id: int) -> tuple[list[PersonRef], list[PersonRef]]:
    """Those on the cohort at its end: (consented to the evaluation, not consented)."""
    rows = await Enrolment.select(Enrolment.participant, Enrolment.participant.name.as_alias("name")).where(
        Enrolment.cohort == cohort_id, Enrolment.status.is_in(list(ANSWERS)))
    yes, no = [], []
    for r in sorted(rows, key=lambda r: nb_sort_key(r["name"])):
        (yes if (await consent_state(r["participant"])).evaluation else no).append(PersonRef(r["participant"], r["name"]))
    return yes, no


async def _evaluation(cohort_id: int) -> dict | None:
    return await Evaluation.select().where(Evaluation.cohort == cohort_id).first()


def _is_open(evaluation: dict) -> bool:
    return evaluation["closed_at"] is None and evaluation["closes_on"] >= clock.today()


async def _answered(evaluation: dict) -> int:
    """Answers so far: encrypted while open, written out once closed."""
    return (await EvaluationPending.count().where(EvaluationPending.evaluation == evaluation["id"])
            + await EvaluationResponse.count().where(EvaluationResponse.cohort == evaluation["cohort"]))


async def _count_invited(evaluation: dict, people: list[PersonRef]) -> None:
    """Those who may answer, grown to everyone on the cohort who consented now (a
    late joiner); it never shrinks, so answers already given stay within it."""
    if len(people) > evaluation["invited"]:
        await Evaluation.update({Evaluation.invited: len(people)}).where(Evaluation.id == evaluation["id"])


async def _mint(evaluation_id: int, people: list[PersonRef | None]) -> list[LinkOut]:
    """A batch of tickets, one per slip (named, or None for an anonymous one),
    inserted in shuffled order. A named ticket is also sealed to its person's own
    page where their link allows it; the boxes go in shuffled order too and name no
    one."""
    keys = await seal_keys([p.id for p in people if p])
    links = [LinkOut(p, secrets.token_urlsafe(32), bool(p and p.id in keys)) for p in people]
    tickets = [EvaluationTicket(evaluation=evaluation_id, token_hash=digest(link.token), used=False) for link in links]
    seals = [EvaluationSeal(evaluation=evaluation_id, sealed=sealing.seal(keys[link.participant.id], link.token,
                                                                          _context(evaluation_id)))
             for link in links if link.on_own_page and link.participant]
    _shuffle(tickets)
    _shuffle(seals)
    if tickets:
        await EvaluationTicket.insert(*tickets)
    if seals:
        await EvaluationSeal.insert(*seals)
    return links


async def _open_cohort(staff: Staff, cohort_id: int):
    if not policies.may_see_people(staff):
        raise NotFound
    return await cohorts.get_cohort(staff, cohort_id)


async def open_evaluation(staff: Staff, cohort_id: int, named: bool = False) -> Opened:
    """Open the cohort's evaluation and make one link for each participant who has
    consented to it: anonymous slips by default, or named ones. Opening again makes
    a fresh set for everyone, whether they have answered or not, and voids none."""
    cohort = await _open_cohort(staff, cohort_id)
    if cohort.status not in ("running", "finished"):
        raise InvalidInput({"cohort": N_("The evaluation opens once the cohort has started.")})
    people, _ = await _people(cohort.id)
    async with write_transaction():
        await lock(_lock_key(cohort.id))
        evaluation = await _evaluation(cohort.id)
        if evaluation is None:
            evaluation = (await Evaluation.insert(Evaluation(
                cohort=cohort.id, opened_at=clock.now(), opened_by=staff.id,
                closes_on=max(cohort.end_date + CLOSES_AFTER, clock.today()), invited=len(people),
            )).returning(*Evaluation.all_columns()))[0]
        elif not _is_open(evaluation):
            raise Conflict(CLOSED_MESSAGE, field="cohort")
        else:
            await _count_invited(evaluation, people)
        links = await _mint(evaluation["id"], people if named else [None] * len(people))
    await audit.record("evaluation_opened", actor=staff.id, office=cohort.office_id,
                       details={"cohort": cohort.id, "links": len(links), "named": named})
    return Opened(cohort.id, evaluation["opened_at"], evaluation["closes_on"], await _answered(evaluation), links)


async def extra_slip(staff: Staff, cohort_id: int, participant_id: int | None = None) -> LinkOut:
    """One more link, for someone who lost theirs or joined late: nobody else's slip
    stops working, and the new link works whether or not that person has answered
    (so it tells no one which). With a participant, the slip carries their name and
    the link is also put on their own page."""
    cohort = await _open_cohort(staff, cohort_id)
    people, _ = await _people(cohort.id)
    person = None
    if participant_id is not None:
        person = next((p for p in people if p.id == participant_id), None)
        if person is None:
            raise InvalidInput({"participant_id": N_("Choose a participant on this cohort who has consented to the "
                                                     "evaluation.")})
    async with write_transaction():
        await lock(_lock_key(cohort.id))
        evaluation = await _evaluation(cohort.id)
        if evaluation is None:
            raise Conflict(NOT_OPEN_MESSAGE, field="cohort")
        if not _is_open(evaluation):
            raise Conflict(CLOSED_MESSAGE, field="cohort")
        await _count_invited(evaluation, people)
        link = (await _mint(evaluation["id"], [person]))[0]
    # Recorded without the person: the audit trail must not say whose slip it was.
    await audit.record("evaluation_slip_added", actor=staff.id, office=cohort.office_id, details={"cohort": cohort.id})
    return link


# --- closing ---------------------------------------------------------------------------------


async def change_evaluation(staff: Staff, cohort_id: int, closes_on=None, closed=None) -> Status:
    """Move the closing day, or close now (once at least three have answered). A
    closed evaluation stays closed."""
    cohort = await _open_cohort(staff, cohort_id)
    errors: dict[str, str] = {}
    day = None
    if closes_on is not None:
        day = cohorts.parse_date(closes_on, errors, "closes_on")
        latest = cohort.end_date + LATEST_CLOSE
        if day and not clock.today() <= day <= latest:
            errors["closes_on"] = N_("Choose a day from today until eight weeks after the last session.")
    if closed is not None and not isinstance(closed, bool):
        errors["closed"] = N_("Give true to close the evaluation.")
    if errors:
        raise InvalidInput(errors)
    evaluation = await _evaluation(cohort.id)
    if evaluation is None:
        raise Conflict(NOT_OPEN_MESSAGE, field="cohort")
    if not _is_open(evaluation):
        raise Conflict(CLOSED_MESSAGE, field="closed")
    if closed is False:
        raise InvalidInput({"closed": N_("Give true to close the evaluation.")})
    if closed and await _answered(evaluation) < reports.MIN_ANSWERS:
        raise InvalidInput({"closed": N_("The evaluation can be closed by hand once at least three have answered.")})
    if day is not None:
        await Evaluation.update({Evaluation.closes_on: day}).where(Evaluation.id == evaluation["id"])
        await audit.record("evaluation_closing_day_set", actor=staff.id, office=cohort.office_id,
                           details={"cohort": cohort.id, "closes_on": day.isoformat()})
    if closed:
        await _close(evaluation["id"], cohort.id, staff.id, cohort.office_id)
    return await evaluation_status(staff, cohort.id)


async def close_due() -> None:
    """Close every evaluation whose closing day has passed. Called before anything
    reads evaluations, so a closing day takes effect without a scheduler."""
    due = await Evaluation.select(Evaluation.id, Evaluation.cohort, Evaluation.cohort.office.as_alias("office")).where(
        Evaluation.closed_at.is_null(), Evaluation.closes_on < clock.today())
    for row in due:
        await _close(row["id"], row["cohort"], None, row["office"])


async def _close(evaluation_id: int, cohort: int, actor: int | None, office: int) -> None:
    """Write the answers out: every answer of the cohort, decrypted and shuffled,
    with fresh random ids, in one transaction, so neither order, ids nor system
    columns say when any of them came. The seals are no longer needed."""
    unreadable = 0
    async with write_transaction():
        await lock(_lock_key(cohort))
        # Read again under the lock: someone may have closed it meanwhile.
        if await Evaluation.exists().where(Evaluation.id == evaluation_id, Evaluation.closed_at.is_not_null()):
            return
        key = _pending_key(evaluation_id)
        answers = [EvaluationResponse(**{k: v for k, v in r.items() if k != "id"})
                   for r in await EvaluationResponse.select().where(EvaluationResponse.cohort == cohort)]
        remarks = [EvaluationRemark(**{k: v for k, v in r.items() if k != "id"})
                   for r in await EvaluationRemark.select().where(EvaluationRemark.cohort == cohort)]
        for row in await EvaluationPending.select(EvaluationPending.sealed).where(
                EvaluationPending.evaluation == evaluation_id):
            plain = sealing.decrypt(key, row["sealed"], _context(evaluation_id))
            if plain is None:  # the server's secret has changed since it was stored
                unreadable += 1
                continue
            answer = json.loads(plain)
            answers.append(EvaluationResponse(cohort=cohort, on_paper=answer["on_paper"], **answer["scores"]))
            remarks.extend(EvaluationRemark(cohort=cohort, ref=new_comment_ref(), area=area, text=text,
                                            status="pending") for area, text in answer["comments"].items())
        _shuffle(answers)
        _shuffle(remarks)
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
    await audit.record("evaluation_closed", actor=actor, office=office,
                       details={"cohort": cohort, "unreadable": unreadable} if unreadable else {"cohort": cohort})


# --- answering -------------------------------------------------------------------------------


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
    if await _answered(evaluation) >= evaluation["invited"]:
        raise Conflict(FULL_MESSAGE, field="token")
    blob = json.dumps({**clean, "on_paper": on_paper}).encode()
    await EvaluationPending.insert(EvaluationPending(
        evaluation=evaluation["id"],
        sealed=sealing.encrypt(_pending_key(evaluation["id"]), blob, _context(evaluation["id"]))))


async def _throttle(address: str | None) -> None:
    if not address:
        return
    since = clock.now() - WINDOW
    recent = await AuditEvent.select(AuditEvent.at).where(
        AuditEvent.action == TOKEN_REJECTED, AuditEvent.address == address[:45], AuditEvent.at >= since
    ).order_by(AuditEvent.at)
    if len(recent) >= REJECTIONS_ALLOWED:
        wait = recent[-REJECTIONS_ALLOWED]["at"] + WINDOW - clock.now()
        raise Throttled(max(1, int(wait.total_seconds()) + 1))


def _well_formed(token) -> bool:
    return isinstance(token, str) and 20 <= len(token) <= 100


TICKET_COLUMNS = (
    EvaluationTicket.id, EvaluationTicket.used, EvaluationTicket.evaluation.as_alias("evaluation"),
    EvaluationTicket.evaluation.cohort.as_alias("cohort"), EvaluationTicket.evaluation.closed_at.as_alias("closed_at"),
    EvaluationTicket.evaluation.closes_on.as_alias("closes_on"),
    EvaluationTicket.evaluation.invited.as_alias("invited"),
)


async def _ticket(token: str) -> dict | None:
    return await EvaluationTicket.select(*TICKET_COLUMNS).where(EvaluationTicket.token_hash == digest(token)).first()


async def link_state(token: str, address: str | None = None) -> str:
    """"open" or "used" for a real link of an open evaluation; Closed once it has
    closed; an unknown one counts towards the throttle."""
    await _throttle(address)
    ticket = await _ticket(token) if _well_formed(token) else None
    if ticket is None:
        await audit.record(TOKEN_REJECTED, address=address)
        raise NotFound
    if not _is_open(ticket):
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
                if not _is_open(evaluation):
                    raise Closed(CLOSED_MESSAGE)
                await lock(_lock_key(ticket["cohort"]))
                # Flipped atomically: two submissions with the same link store one answer.
                taken = await EvaluationTicket.update({EvaluationTicket.used: True}).where(
                    EvaluationTicket.id == ticket["id"], EvaluationTicket.used.eq(False)
                ).returning(EvaluationTicket.id)
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
    cohort = await _open_cohort(staff, cohort_id)
    clean = check_answer(scores, comments, comment)
    async with write_transaction():
        await lock(_lock_key(cohort.id))
        evaluation = await _evaluation(cohort.id)
        if evaluation is None:
            raise Conflict(NOT_OPEN_MESSAGE, field="cohort")
        if not _is_open(evaluation):
            raise Closed(CLOSED_MESSAGE)
        await _store(evaluation, clean, on_paper=True)
    await audit.record("evaluation_paper_keyed", actor=staff.id, office=cohort.office_id,
                       details={"cohort": cohort.id})


# --- through the participant's own page --------------------------------------------------


@dataclass
class OwnEvaluation:
    cohort_id: int
    title: str
    answered: bool
    token: str = field(repr=False, default="")  # an unused link of theirs, if any


async def own_evaluations(participant_id: int, link_token: str) -> list[OwnEvaluation]:
    """The open evaluations of the participant's cohorts that hold a link sealed to
    this personal link. Their boxes name no one: each is tried with the link."""
    on = await Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant == participant_id, Enrolment.status.is_in(list(ANSWERS)))
    if not on:
        return []
    await close_due()
    evaluations = await Evaluation.select(Evaluation.id, Evaluation.cohort, Evaluation.cohort.title.as_alias("title"),
                                          Evaluation.cohort.start_date.as_alias("start")).where(
        Evaluation.cohort.is_in([r["cohort"] for r in on]), Evaluation.closed_at.is_null(),
        Evaluation.cohort.cancelled_at.is_null())
    if not evaluations:
        return []
    open_box = sealing.opener(link_token)
    seals = await EvaluationSeal.select(EvaluationSeal.evaluation, EvaluationSeal.sealed).where(
        EvaluationSeal.evaluation.is_in([e["id"] for e in evaluations]))
    out = []
    for e in sorted(evaluations, key=lambda e: e["start"]):
        tokens = [t for s in seals if s["evaluation"] == e["id"] and (t := open_box(s["sealed"], _context(e["id"])))]
        if not tokens:
            continue
        tickets = await EvaluationTicket.select(EvaluationTicket.token_hash, EvaluationTicket.used).where(
            EvaluationTicket.token_hash.is_in([digest(t) for t in tokens]))
        used = {t["token_hash"] for t in tickets if t["used"]}
        unused = [t for t in tokens if digest(t) not in used]
        out.append(OwnEvaluation(e["cohort"], e["title"], answered=bool(used) or not unused,
                                 token="" if used or not unused else unused[0]))
    return out


async def own_evaluation(participant_id: int, link_token: str, cohort_id: int) -> OwnEvaluation:
    found = next((e for e in await own_evaluations(participant_id, link_token) if e.cohort_id == cohort_id), None)
    if found is None:
        raise NotFound
    return found


# --- the leader's view: status, comment review ----------------------------------------------


@dataclass
class Status:
    cohort_id: int
    opened_at: datetime | None
    closes_on: date | None  # the last day answers are taken
    closed_at: datetime | None
    invited: int
    answered: int
    on_paper: int | None  # keyed in from paper; known once closed
    without_consent: list[PersonRef]  # on the cohort, but no consent to the evaluation
    participants: list[PersonRef]  # those who may answer, for a named extra slip
    comments_pending: int  # to review; none until closed
    comments_locked: bool  # open, or fewer than three answers: comments cannot be read
    may_close: bool  # open with at least three answers


def may_review(staff: Staff, cohort) -> bool:
    """Comments are reviewed by the cohort's own leaders (and admins)."""
    return staff.role.value == "admin" or staff.id in cohort.leader_ids


async def evaluation_status(staff: Staff, cohort_id: int) -> Status:
    """Where the cohort's evaluation stands. Who has answered is not known: only how many."""
    cohort = await _open_cohort(staff, cohort_id)
    await close_due()
    evaluation = await _evaluation(cohort.id)
    yes, no = await _people(cohort.id)
    if evaluation is None:
        return Status(cohort.id, None, None, None, len(yes), 0, None, no, yes, 0, True, False)
    answered = await _answered(evaluation)
    closed = evaluation["closed_at"] is not None
    readable = closed and answered >= reports.MIN_ANSWERS
    pending = await EvaluationRemark.count().where(
        EvaluationRemark.cohort == cohort.id, EvaluationRemark.status == "pending") if readable else 0
    on_paper = await EvaluationResponse.count().where(
        EvaluationResponse.cohort == cohort.id, EvaluationResponse.on_paper.eq(True)) if closed else None
    return Status(
        cohort_id=cohort.id, opened_at=evaluation["opened_at"], closes_on=evaluation["closes_on"],
        closed_at=evaluation["closed_at"], invited=evaluation["invited"], answered=answered, on_paper=on_paper,
        without_consent=no, participants=yes, comments_pending=pending, comments_locked=not readable,
        may_close=not closed and answered >= reports.MIN_ANSWERS,
    )


def new_comment_ref() -> str:
    return secrets.token_urlsafe(12)


REF_RE = re.compile(r"^[A-Za-z0-9_-]{16}$")


@dataclass
class CommentOut:
    id: str  # the comment's random reference, never its row number
    cohort_id: int
    area: str
    text: str
    status: str


COMMENT_AREAS = (*AREAS, "overall")


def comment_order(row) -> tuple:
    # By area and then text, never by when it came, so the order tells nothing about who.
    return COMMENT_AREAS.index(row["area"]), nb_sort_key(row["text"]), row["ref"]


async def _readable(cohort_id: int) -> bool:
    """Comments can be read once the evaluation has closed with three answers or more,
    so a comment cannot be put together with one answer."""
    closed = await Evaluation.exists().where(Evaluation.cohort == cohort_id, Evaluation.closed_at.is_not_null())
    return closed and await EvaluationResponse.count().where(
        EvaluationResponse.cohort == cohort_id) >= reports.MIN_ANSWERS


async def comments_for_review(staff: Staff, cohort_id: int) -> list[CommentOut]:
    """The cohort's comments for its leaders to show or hide; none until readable."""
    cohort = await _open_cohort(staff, cohort_id)
    if not may_review(staff, cohort):
        raise Forbidden
    await close_due()
    if not await _readable(cohort.id):
        return []
    rows = await EvaluationRemark.select(
        EvaluationRemark.ref, EvaluationRemark.area, EvaluationRemark.text, EvaluationRemark.status
    ).where(EvaluationRemark.cohort == cohort.id)
    return [CommentOut(r["ref"], cohort.id, r["area"], r["text"], r["status"]) for r in sorted(rows, key=comment_order)]


REVIEW_STATUSES = ("shown", "hidden")


async def review_comment(staff: Staff, ref, status) -> CommentOut:
    if not policies.may_see_people(staff) or not isinstance(ref, str) or not REF_RE.match(ref):
        raise NotFound
    if status not in REVIEW_STATUSES:
        raise InvalidInput({"status": N_("Choose shown or hidden.")})
    row = await EvaluationRemark.select().where(EvaluationRemark.ref == ref).first()
    if row is None:
        raise NotFound
    cohort = await cohorts.get_cohort(staff, row["cohort"])
    if not may_review(staff, cohort):
        raise Forbidden
    if not await _readable(cohort.id):
        raise NotFound
    await EvaluationRemark.update({EvaluationRemark.status: status, EvaluationRemark.reviewed_by: staff.id}).where(
        EvaluationRemark.ref == ref)
    await audit.record("evaluation_comment_reviewed", actor=staff.id, office=cohort.office_id,
                       details={"cohort": cohort.id, "status": status})
    return CommentOut(row["ref"], cohort.id, row["area"], row["text"], status)
