"""Planning a term: the next cohorts about every four weeks (Ny retning: three a year,
about every four months), proposed and then created in one step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from course.accounts.schemas import Staff
from course.cohorts import schedule
from course.cohorts.bookings import bookings
from course.cohorts.closures import closures_for
from course.cohorts.creating import CohortInput, create_cohort, moved_out, validate
from course.cohorts.fields import parse_date
from course.cohorts.loading import CohortOut
from course.db import write_transaction
from course.errors import N_, InvalidInput


@dataclass
class Proposal:
    start_date: date
    end_date: date
    sessions: list[date]
    moved: list[dict]


async def propose_term(staff: Staff, data: CohortInput, count: int) -> list[Proposal]:
    """The next ``count`` cohorts from the start date, about every four weeks (the
    variant's spacing: ``schedule.term_defaults``),
    clear of closures and of the leaders' and the room's other bookings."""
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
        plans = schedule.propose_starts(first, count, values["weekdays"], closures, is_free, every_weeks=every)
    except schedule.ScheduleError as error:
        raise InvalidInput({error.field: error.message}) from None
    return [
        Proposal(
            start_date=p.sessions[0].date,
            end_date=p.sessions[-1].date,
            sessions=[s.date for s in p.sessions],
            moved=moved_out(p.moved),
        )
        for p in plans
    ]


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
