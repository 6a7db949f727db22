"""Planning a term: the next cohorts about every four weeks (Ny retning: three a year,
about every four months), proposed and then created in one step.

A proposal says in words why a date moved (a public holiday, the office closed, an
earlier session moved) and why a month has no cohort starting in it. No cohort runs
across the common summer holiday (fellesferie: ISO weeks 28 to 30), when the young
people, the partners and most of the team are away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from course.accounts.schemas import Staff
from course.cohorts import schedule
from course.cohorts.bookings import bookings
from course.cohorts.closures import closures_for
from course.cohorts.creating import CohortInput, create_cohort, validate
from course.cohorts.fields import parse_date
from course.cohorts.loading import CohortOut
from course.db import write_transaction
from course.errors import N_, InvalidInput

# Why a session is not on its usual day, or why a start was passed over.
HOLIDAY = "holiday"  # a Norwegian public holiday (``name``)
CLOSURE = "closure"  # the office is closed (``name``: the closure's reason)
EARLIER_MOVE = "earlier_move"  # an earlier session moved and took this one with it
FELLESFERIE = "fellesferie"  # the cohort would run into the common summer holiday
BUSY = "busy"  # the leaders or the room are booked then

# Fellesferie: the three weeks most of Norway takes off together in July.
FELLESFERIE_WEEKS = (28, 30)  # ISO weeks, both included


def fellesferie(year: int) -> tuple[date, date]:
    """The common summer holiday of ``year``: Monday of ISO week 28 to Sunday of week 30."""
    return date.fromisocalendar(year, FELLESFERIE_WEEKS[0], 1), date.fromisocalendar(year, FELLESFERIE_WEEKS[1], 7)


def crosses_fellesferie(first: date, last: date) -> bool:
    """Whether a cohort from ``first`` to ``last`` (both included) meets the summer holiday."""
    for year in range(first.year, last.year + 1):
        start, end = fellesferie(year)
        if first <= end and start <= last:
            return True
    return False


def explain_moves(
    moves: Sequence[schedule.Move],
    closures: Sequence[schedule.Closure] = (),
    holiday: Callable[[date], str | None] = schedule.norwegian_holiday,
) -> list[dict]:
    """Each moved session with why, for words on a page: ``kind`` (HOLIDAY, CLOSURE or
    EARLIER_MOVE), ``name`` (the holiday's or closure's) and, for a session moved by an
    earlier one, ``earlier``: the number of the session whose move started it (None if
    none did). ``number``, ``from``, ``to`` and ``reason`` are as before."""
    out = []
    cause: int | None = None
    for move in sorted(moves, key=lambda m: m.number):
        name = holiday(move.original) or ""
        kind = HOLIDAY if name else EARLIER_MOVE
        if not name:
            closure = next((c for c in closures if c.covers(move.original)), None)
            if closure is not None:
                kind, name = CLOSURE, closure.reason
        if kind != EARLIER_MOVE:
            cause = move.number
        out.append(
            {
                "number": move.number,
                "from": move.original,
                "to": move.planned,
                "reason": move.reason,
                "kind": kind,
                "name": name,
                "earlier": cause if kind == EARLIER_MOVE else None,
            }
        )
    return out


@dataclass(frozen=True)
class Skip:
    """A start the planner passed over, and why."""

    start: date
    kind: str  # HOLIDAY, CLOSURE, FELLESFERIE or BUSY
    name: str = ""  # the holiday's or closure's name


@dataclass(frozen=True)
class SkippedMonth:
    """A month in the term with no cohort starting in it, and why: each reason once,
    in the order met."""

    month: date  # its first day
    reasons: tuple[tuple[str, str], ...]  # (kind, name)


def skipped_months(skips: Sequence[Skip], starts: Sequence[date]) -> list[SkippedMonth]:
    """The months where a start was passed over and no cohort starts, with the reasons."""
    started = {(d.year, d.month) for d in starts}
    months: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for skip in sorted(skips, key=lambda s: s.start):
        key = (skip.start.year, skip.start.month)
        if key in started:
            continue
        reasons = months.setdefault(key, [])
        if (skip.kind, skip.name) not in reasons:
            reasons.append((skip.kind, skip.name))
    return [SkippedMonth(date(y, m, 1), tuple(r)) for (y, m), r in sorted(months.items())]


@dataclass(frozen=True)
class TermPlan:
    plans: list[schedule.Plan]
    skips: list[Skip]


def plan_term(
    first: date,
    count: int,
    weekdays: Sequence[int],
    closures: Sequence[schedule.Closure] = (),
    is_free: Callable[[schedule.Plan], bool] = lambda plan: True,
    every_weeks: int = 4,
    holiday: Callable[[date], str | None] = schedule.norwegian_holiday,
) -> TermPlan:
    """The term's cohorts as ``schedule.propose_starts`` finds them, none across
    fellesferie, and every start passed over on the way with why."""
    turned_down: dict[date, str] = {}

    def allowed(plan: schedule.Plan) -> bool:
        start, end = plan.sessions[0].date, plan.sessions[-1].date
        if crosses_fellesferie(start, end):
            turned_down[start] = FELLESFERIE
            return False
        if not is_free(plan):
            turned_down[start] = BUSY
            return False
        return True

    plans = schedule.propose_starts(first, count, weekdays, closures, allowed, holiday, every_weeks=every_weeks)
    first_day = min(weekdays)
    skips = []
    candidate = first
    for plan in plans:
        # The starts tried before this one, a week apart, as propose_starts steps.
        while candidate < plan.sessions[0].date:
            name = holiday(candidate)
            closure = next((c for c in closures if c.covers(candidate)), None)
            if name:
                skips.append(Skip(candidate, HOLIDAY, name))
            elif closure is not None:
                skips.append(Skip(candidate, CLOSURE, closure.reason))
            elif candidate in turned_down:
                skips.append(Skip(candidate, turned_down[candidate]))
            # else: the previous cohort was still running, which is no news
            candidate += timedelta(weeks=1)
        start = plan.sessions[0].date
        candidate = start - timedelta(days=start.weekday()) + timedelta(weeks=every_weeks, days=first_day - 1)
    return TermPlan(plans, skips)


@dataclass
class Proposal:
    start_date: date
    end_date: date
    sessions: list[date]
    # Each moved session: number, from, to, reason, and kind, name and earlier (explain_moves).
    moved: list[dict]


@dataclass
class TermProposal:
    proposals: list[Proposal]
    skipped: list[SkippedMonth] = field(default_factory=list)


async def plan_term_proposal(staff: Staff, data: CohortInput, count: int) -> TermProposal:
    """The next ``count`` cohorts from the start date, about every four weeks (the
    variant's spacing: ``schedule.term_defaults``), clear of closures, fellesferie and
    the leaders' and the room's other bookings; and the months left without a start."""
    values = await validate(staff, data)
    closures = await closures_for(values["office_id"])
    first = values["start_date"]
    every = schedule.term_defaults(values["variant"]).every_weeks
    horizon = {first + timedelta(days=n) for n in range(7 * ((every + 1) * max(count, 1) + 12))}
    existing = await bookings(values["office_id"], set(values["leader_ids"]), horizon)
    leaders = frozenset(values["leader_ids"])

    def is_free(plan: schedule.Plan) -> bool:
        wanted = [(s.date, values["start_time"], values["end_time"]) for s in plan.sessions]
        return not schedule.clashes(wanted, values["location"], leaders, existing)

    try:
        term = plan_term(first, count, values["weekdays"], closures, is_free, every_weeks=every)
    except schedule.ScheduleError as error:
        raise InvalidInput({error.field: error.message}) from None
    proposals = [
        Proposal(
            start_date=p.sessions[0].date,
            end_date=p.sessions[-1].date,
            sessions=[s.date for s in p.sessions],
            moved=explain_moves(p.moved, closures),
        )
        for p in term.plans
    ]
    return TermProposal(proposals, skipped_months(term.skips, [p.start_date for p in proposals]))


async def propose_term(staff: Staff, data: CohortInput, count: int) -> list[Proposal]:
    """The proposals alone, as the API gives them."""
    return (await plan_term_proposal(staff, data, count)).proposals


async def accept_term(staff: Staff, data: CohortInput, start_dates: list[str]) -> list[CohortOut]:
    """Create every proposed cohort in one step: all of them, or none."""
    if not start_dates or len(start_dates) > 12:
        raise InvalidInput({"start_dates": N_("Plan from 1 to 12 cohorts at a time.")})
    created = []
    async with write_transaction():
        for index, start in enumerate(start_dates):
            errors: dict[str, str] = {}
            day = parse_date(start, errors, "start_dates")
            if errors or day is None:
                raise InvalidInput(errors)
            title = f"{' '.join(str(data.title).split())} {day.strftime('%d.%m.%Y')}"
            one = CohortInput(**{**data.__dict__, "start_date": start, "title": title})
            try:
                created.append(await create_cohort(staff, one))
            except InvalidInput as exc:
                raise InvalidInput(
                    {f"start_dates.{index}" if k == "start_date" else k: v for k, v in exc.errors.items()}
                ) from None
    return created
