"""Course evaluations: opening a cohort's evaluation, answering it through a link,
keying in a paper form. The answer is stored apart from the person: the link
records only that it was used, the answer only the cohort and the day."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from course.accounts.schemas import Staff
from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.cohorts import services as cohorts
from course.db import lock, write_transaction
from course.errors import N_, Conflict, Forbidden, InvalidInput, NotFound, Throttled
from course.evaluations import reports
from course.evaluations.reports import AREAS
from course.evaluations.tables import (
    Evaluation,
    EvaluationAnswer,
    EvaluationComment,
    EvaluationLink,
)
from course.participants import policies
from course.participants.services import PersonRef, consent_state
from course.participants.tables import Enrolment
from course.tokens import digest
from course.validation import has_control_chars, nb_sort_key, valid_id

MAX_COMMENT = 2000
# Statuses of those who answer: on the cohort at its end.
ANSWERS = ("enrolled", "completed")
TOKEN_REJECTED = "evaluation_token_rejected"
REJECTIONS_ALLOWED = 20  # unknown or used tokens from one address per window
WINDOW = timedelta(minutes=15)


@dataclass
class LinkOut:
    participant: PersonRef
    token: str


@dataclass
class Opened:
    cohort_id: int
    opened_at: datetime
    answered: int
    links: list[LinkOut]  # a fresh token for everyone who has not answered yet


async def open_evaluation(staff: Staff, cohort_id: int) -> Opened:
    """Open the cohort's evaluation (again), and give a fresh link to everyone on the
    cohort who has consented to the use of the evaluation and not answered yet;
    earlier unused links stop working, so lost slips can be printed anew."""
    if not policies.may_see_people(staff):
        raise NotFound
    cohort = await cohorts.get_cohort(staff, cohort_id)
    if cohort.status not in ("running", "finished"):
        raise InvalidInput({"cohort": N_("The evaluation opens once the cohort has started.")})
    people = await Enrolment.select(Enrolment.participant, Enrolment.participant.name.as_alias("name")).where(
        Enrolment.cohort == cohort_id, Enrolment.status.is_in(list(ANSWERS))
    )
    now = datetime.now(UTC)
    links: list[LinkOut] = []
    async with write_transaction():
        await lock(f"evaluation:{cohort_id}")
        evaluation = await Evaluation.select().where(Evaluation.cohort == cohort_id).first()
        if evaluation is None:
            evaluation = (await Evaluation.insert(
                Evaluation(cohort=cohort_id, opened_at=now, opened_by=staff.id)
            ).returning(*Evaluation.all_columns()))[0]
        existing = {r["participant"]: r for r in await EvaluationLink.select().where(
            EvaluationLink.evaluation == evaluation["id"])}
        for person in sorted(people, key=lambda p: p["name"]):
            pid = person["participant"]
            if existing.get(pid, {}).get("used") or not (await consent_state(pid)).evaluation:
                continue
            token = secrets.token_urlsafe(32)
            if pid in existing:
                await EvaluationLink.update({EvaluationLink.token_hash: digest(token)}).where(
                    EvaluationLink.id == existing[pid]["id"])
            else:
                await EvaluationLink.insert(EvaluationLink(
                    evaluation=evaluation["id"], participant=pid, token_hash=digest(token), used=False))
            links.append(LinkOut(PersonRef(pid, person["name"]), token))
        await audit.record("evaluation_opened", actor=staff.id, office=cohort.office_id,
                           details={"cohort": cohort_id, "links": len(links)})
    answered = await EvaluationAnswer.count().where(EvaluationAnswer.cohort == cohort_id)
    return Opened(cohort_id, evaluation["opened_at"], answered, links)


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


async def _store(cohort_id: int, answer: dict, on_paper: bool) -> None:
    day = cohorts._today()
    scores = answer["scores"]
    await EvaluationAnswer.insert(EvaluationAnswer(
        cohort=cohort_id, day=day, on_paper=on_paper, benefit=scores["benefit"], next_step=scores["next_step"],
        atmosphere=scores["atmosphere"], leaders=scores["leaders"], participation=scores["participation"],
    ))
    comments = [EvaluationComment(cohort=cohort_id, ref=new_comment_ref(), area=area, text=text, status="pending")
                for area, text in answer["comments"].items()]
    if comments:
        await EvaluationComment.insert(*comments)


async def _throttle(address: str | None) -> None:
    if not address:
        return
    since = datetime.now(UTC) - WINDOW
    recent = await AuditEvent.select(AuditEvent.at).where(
        AuditEvent.action == TOKEN_REJECTED, AuditEvent.address == address[:45], AuditEvent.at >= since
    ).order_by(AuditEvent.at)
    if len(recent) >= REJECTIONS_ALLOWED:
        wait = recent[-REJECTIONS_ALLOWED]["at"] + WINDOW - datetime.now(UTC)
        raise Throttled(max(1, int(wait.total_seconds()) + 1))


async def link_state(token: str, address: str | None = None) -> str:
    """"open" or "used" for a real link; an unknown one counts towards the throttle."""
    await _throttle(address)
    row = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        row = await EvaluationLink.select(EvaluationLink.used).where(
            EvaluationLink.token_hash == digest(token)).first()
    if row is None:
        await audit.record(TOKEN_REJECTED, address=address)
        raise NotFound
    return "used" if row["used"] else "open"


async def _take(link, clean: dict, on_paper: bool) -> bool:
    """Mark the link used and store the answer, in the caller's transaction. The flag
    is flipped atomically, so two submissions with the same link store one answer."""
    if link["used"]:
        return False
    taken = await EvaluationLink.update({EvaluationLink.used: True}).where(
        EvaluationLink.id == link["id"], EvaluationLink.used.eq(False)
    ).returning(EvaluationLink.id)
    if taken:
        await _store(link["cohort"], clean, on_paper=on_paper)
    return bool(taken)


LINK_COLUMNS = (EvaluationLink.id, EvaluationLink.used, EvaluationLink.evaluation.cohort.as_alias("cohort"))


async def answer(token: str, scores, comments=None, comment=None, address: str | None = None) -> None:
    """Store one answer through a link: exactly once, with nothing that says whose."""
    await _throttle(address)
    clean = check_answer(scores, comments, comment)
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        await audit.record(TOKEN_REJECTED, address=address)
        raise NotFound
    async with write_transaction():
        link = await EvaluationLink.select(*LINK_COLUMNS).where(EvaluationLink.token_hash == digest(token)).first()
        rejected = None if link is not None and await _take(link, clean, on_paper=False) else link is None
    if rejected is not None:
        await audit.record(TOKEN_REJECTED, address=address)
        if rejected:
            raise NotFound
        raise Conflict("Denne evalueringen er allerede besvart. Takk for svaret!", field="token")


async def key_in_paper(staff: Staff, cohort_id: int, participant_id, scores, comments=None, comment=None) -> None:
    """A leader keys in a participant's paper form: their link counts as used, and the
    answer is marked as keyed in, with nothing else that says whose."""
    if not policies.may_see_people(staff):
        raise NotFound
    cohort = await cohorts.get_cohort(staff, cohort_id)
    clean = check_answer(scores, comments, comment)
    if not valid_id(participant_id):
        raise InvalidInput({"participant_id": N_("Choose a participant on this cohort.")})
    async with write_transaction():
        link = await EvaluationLink.select(*LINK_COLUMNS).where(
            EvaluationLink.participant == participant_id, EvaluationLink.evaluation.cohort == cohort.id
        ).first()
        if link is None:
            raise InvalidInput({"participant_id": N_("The participant has no evaluation link on this cohort.")})
        if not await _take(link, clean, on_paper=True):
            raise Conflict("Deltakeren har allerede svart på evalueringen.", field="participant_id")
        await audit.record("evaluation_paper_keyed", actor=staff.id, office=cohort.office_id,
                           details={"cohort": cohort.id})


# --- through the participant's own page --------------------------------------------------


async def open_for_participant(participant_id: int) -> list[dict]:
    """The evaluations the participant can still answer: {cohort_id, title}."""
    from course.cohorts.tables import Cohort

    rows = await EvaluationLink.select(EvaluationLink.evaluation.cohort.as_alias("cohort")).where(
        EvaluationLink.participant == participant_id, EvaluationLink.used.eq(False))
    if not rows:
        return []
    return await Cohort.select(Cohort.id.as_alias("cohort_id"), Cohort.title).where(
        Cohort.id.is_in([r["cohort"] for r in rows]), Cohort.cancelled_at.is_null()).order_by(Cohort.start_date)


async def own_link_state(participant_id: int, cohort_id: int) -> str:
    row = await EvaluationLink.select(EvaluationLink.used).where(
        EvaluationLink.participant == participant_id, EvaluationLink.evaluation.cohort == cohort_id).first()
    if row is None:
        raise NotFound
    return "used" if row["used"] else "open"


async def answer_as_participant(participant_id: int, cohort_id: int, scores, comments=None, comment=None) -> None:
    """The same answer, reached from the participant's own page instead of a slip."""
    clean = check_answer(scores, comments, comment)
    async with write_transaction():
        link = await EvaluationLink.select(*LINK_COLUMNS).where(
            EvaluationLink.participant == participant_id, EvaluationLink.evaluation.cohort == cohort_id).first()
        if link is None:
            raise NotFound
        if not await _take(link, clean, on_paper=False):
            raise Conflict("Denne evalueringen er allerede besvart. Takk for svaret!", field="token")


# --- the leader's view: status, paper forms, comment review ------------------------------


@dataclass
class Status:
    cohort_id: int
    opened_at: datetime | None
    invited: int
    answered: int
    without_consent: list[PersonRef]  # on the cohort, but no consent to the evaluation
    participants: list[PersonRef]  # those with a link, for keying in paper forms
    comments_pending: int
    comments_locked: bool  # fewer than three answers: comments cannot be read yet


def may_review(staff: Staff, cohort) -> bool:
    """Comments are reviewed by the cohort's own leaders (and admins)."""
    return staff.role.value == "admin" or staff.id in cohort.leader_ids


async def evaluation_status(staff: Staff, cohort_id: int) -> Status:
    """Where the cohort's evaluation stands. Who has answered is not shown: only how many."""
    if not policies.may_see_people(staff):
        raise NotFound
    cohort = await cohorts.get_cohort(staff, cohort_id)
    evaluation = await Evaluation.select().where(Evaluation.cohort == cohort.id).first()
    links = []
    if evaluation:
        links = await EvaluationLink.select(
            EvaluationLink.participant, EvaluationLink.participant.name.as_alias("name")
        ).where(EvaluationLink.evaluation == evaluation["id"])
    linked = {r["participant"] for r in links}
    on_cohort = await Enrolment.select(Enrolment.participant, Enrolment.participant.name.as_alias("name")).where(
        Enrolment.cohort == cohort.id, Enrolment.status.is_in(list(ANSWERS)))
    without = [PersonRef(r["participant"], r["name"]) for r in on_cohort
               if r["participant"] not in linked and not (await consent_state(r["participant"])).evaluation]
    answered = await EvaluationAnswer.count().where(EvaluationAnswer.cohort == cohort.id)
    pending = await EvaluationComment.count().where(
        EvaluationComment.cohort == cohort.id, EvaluationComment.status == "pending")
    people = sorted((PersonRef(r["participant"], r["name"]) for r in links), key=lambda p: nb_sort_key(p.name))
    return Status(
        cohort_id=cohort.id, opened_at=evaluation["opened_at"] if evaluation else None, invited=len(links),
        answered=answered, without_consent=sorted(without, key=lambda p: nb_sort_key(p.name)),
        participants=people, comments_pending=pending, comments_locked=answered < reports.MIN_ANSWERS,
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


def _comment_order(row) -> tuple:
    # By area and then text, never by when it came, so the order tells nothing about who.
    return COMMENT_AREAS.index(row["area"]), nb_sort_key(row["text"]), row["ref"]


async def comments_for_review(staff: Staff, cohort_id: int) -> list[CommentOut]:
    """The cohort's comments for its leaders to show or hide. They can be read once
    three have answered, so a comment cannot be put together with one answer."""
    if not policies.may_see_people(staff):
        raise NotFound
    cohort = await cohorts.get_cohort(staff, cohort_id)
    if not may_review(staff, cohort):
        raise Forbidden
    if await EvaluationAnswer.count().where(EvaluationAnswer.cohort == cohort.id) < reports.MIN_ANSWERS:
        return []
    rows = await EvaluationComment.select(
        EvaluationComment.ref, EvaluationComment.area, EvaluationComment.text, EvaluationComment.status
    ).where(EvaluationComment.cohort == cohort.id)
    return [CommentOut(r["ref"], cohort.id, r["area"], r["text"], r["status"]) for r in sorted(rows, key=_comment_order)]


REVIEW_STATUSES = ("shown", "hidden")


async def review_comment(staff: Staff, ref, status) -> CommentOut:
    if not policies.may_see_people(staff) or not isinstance(ref, str) or not REF_RE.match(ref):
        raise NotFound
    if status not in REVIEW_STATUSES:
        raise InvalidInput({"status": N_("Choose shown or hidden.")})
    row = await EvaluationComment.select().where(EvaluationComment.ref == ref).first()
    if row is None:
        raise NotFound
    cohort = await cohorts.get_cohort(staff, row["cohort"])
    if not may_review(staff, cohort):
        raise Forbidden
    if await EvaluationAnswer.count().where(EvaluationAnswer.cohort == cohort.id) < reports.MIN_ANSWERS:
        raise NotFound
    await EvaluationComment.update({EvaluationComment.status: status, EvaluationComment.reviewed_by: staff.id}).where(
        EvaluationComment.id == row["id"])
    await audit.record("evaluation_comment_reviewed", actor=staff.id, office=cohort.office_id,
                       details={"cohort": cohort.id, "status": status})
    return CommentOut(row["ref"], cohort.id, row["area"], row["text"], status)


# --- reports ---------------------------------------------------------------------------


QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass
class ReportFilter:
    office_id: int | None = None
    variant: str | None = None
    leader_id: int | None = None
    start: str | None = None
    end: str | None = None
    quarter: str | None = None
    cohort_id: int | None = None


@dataclass
class PartFigures:
    key: str
    label: str
    figures: reports.GroupFigures


@dataclass
class ShownComment:
    cohort_id: int
    area: str
    text: str


@dataclass
class Report:
    responses: int
    invited: int
    response_rate: float | None
    figures: reports.GroupFigures
    cohorts: list[PartFigures]
    trend: list[PartFigures]  # by quarter, oldest first
    comments: list[ShownComment]  # reviewed and shown, from cohorts whose figures are shown
    start: date | None = None  # the period asked for, from the dates or the quarter
    end: date | None = None


def _quarter(day) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


async def evaluation_report(staff: Staff, flt: ReportFilter) -> Report:
    """Figures for the cohorts the caller may see that match the filter: leaders their
    own cohorts, managers their office, admins every office. Groups under three
    answers, and parts that would give one away, show no figures."""
    errors: dict[str, str] = {}
    start = cohorts.parse_date(flt.start, errors, "from") if flt.start else None
    end = cohorts.parse_date(flt.end, errors, "to") if flt.end else None
    if flt.quarter:
        match = QUARTER_RE.match(flt.quarter)
        if not match:
            errors["quarter"] = N_("Give a quarter as YYYY-Qn, for example 2027-Q1.")
        else:
            year, q = int(match.group(1)), int(match.group(2))
            start = max(start or date.min, date(year, 3 * q - 2, 1))
            end_q = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
            end = min(end or date.max, end_q)
    if flt.variant is not None and flt.variant not in cohorts.VARIANTS:
        errors["variant"] = N_("Choose the variant kjk or ny_retning.")
    if errors:
        raise InvalidInput(errors)
    narrowing = {"office": flt.office_id, "variant": flt.variant, "leader": flt.leader_id,
                 "period": (start, end) if start or end else None, "cohort": flt.cohort_id}
    chosen = await _cohorts_for(staff, narrowing)
    ids = sorted(chosen) or [0]
    # Each filter is also checked against the same report without it: if the answers it
    # leaves out are one or two, the two reports side by side would give them away.
    gives_away = False
    for name, value in narrowing.items():
        if value is None:
            continue
        wider = await _cohorts_for(staff, {**narrowing, name: None})
        left_out = await EvaluationAnswer.count().where(
            EvaluationAnswer.cohort.is_in(sorted(set(wider) - set(chosen)) or [0]))
        gives_away |= 0 < left_out < reports.MIN_ANSWERS
    rows = await EvaluationAnswer.select().where(EvaluationAnswer.cohort.is_in(ids))
    invited = await EvaluationLink.count().where(EvaluationLink.evaluation.cohort.is_in(ids))
    answers = []
    by_cohort: dict[str, list] = {str(i): [] for i in chosen if i}
    by_quarter: dict[str, list] = {}
    for r in rows:
        scores = {area: r[area] for area in AREAS}
        answers.append(scores)
        by_cohort[str(r["cohort"])].append(scores)
        by_quarter.setdefault(_quarter(chosen[r["cohort"]]["start_date"]), []).append(scores)

    def parts(groups: dict[str, list]) -> dict[str, reports.GroupFigures]:
        if gives_away:
            return {k: reports.aggregate(v, hide=True) for k, v in groups.items()}
        return reports.split(groups)

    cohort_parts = parts(by_cohort)
    quarter_parts = parts(dict(sorted(by_quarter.items())))
    visible = [int(k) for k, f in cohort_parts.items() if by_cohort[k] and not f.suppressed]
    shown = await EvaluationComment.select(
        EvaluationComment.ref, EvaluationComment.cohort, EvaluationComment.area, EvaluationComment.text
    ).where(EvaluationComment.cohort.is_in(visible or [0]), EvaluationComment.status == "shown")
    return Report(
        responses=len(answers),
        invited=invited,
        response_rate=round(len(answers) / invited, 3) if invited else None,
        figures=reports.aggregate(answers, hide=gives_away),
        cohorts=[PartFigures(k, chosen[int(k)]["title"], f) for k, f in cohort_parts.items() if by_cohort[k]],
        trend=[PartFigures(k, k, f) for k, f in quarter_parts.items()],
        comments=[ShownComment(r["cohort"], r["area"], r["text"]) for r in sorted(shown, key=_comment_order)],
        start=start,
        end=end,
    )


async def _cohorts_for(staff: Staff, narrowing: dict) -> dict[int, dict]:
    """The cohorts the caller may see (leaders: those they lead), narrowed by the filters."""
    from course.cohorts.tables import Cohort, CohortLeader

    query = Cohort.select(Cohort.id, Cohort.title, Cohort.start_date).where(
        cohorts.policies.cohort_scope(staff), Cohort.cancelled_at.is_null())
    if staff.role.value == "leader":
        mine = [r["cohort"] for r in await CohortLeader.select(CohortLeader.cohort).where(
            CohortLeader.leader == staff.id)]
        query = query.where(Cohort.id.is_in(mine or [0]))
    if narrowing.get("office") is not None:
        query = query.where(Cohort.office == narrowing["office"])
    if narrowing.get("cohort") is not None:
        query = query.where(Cohort.id == narrowing["cohort"])
    if narrowing.get("variant"):
        query = query.where(Cohort.variant == narrowing["variant"])
    if narrowing.get("leader") is not None:
        led = [r["cohort"] for r in await CohortLeader.select(CohortLeader.cohort).where(
            CohortLeader.leader == narrowing["leader"])]
        query = query.where(Cohort.id.is_in(led or [0]))
    if narrowing.get("period"):
        first, last = narrowing["period"]
        if first:
            query = query.where(Cohort.start_date >= first)
        if last:
            query = query.where(Cohort.start_date <= last)
    return {r["id"]: r for r in await query.order_by(Cohort.start_date)}
