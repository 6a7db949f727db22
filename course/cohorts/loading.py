"""Reading cohorts: each with its sessions, leaders and status, always through a scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import policies, schedule
from course.cohorts.fields import hhmm
from course.cohorts.tables import Cohort, CohortLeader, Session, SessionLeader
from course.errors import NotFound


@dataclass
class SessionOut:
    number: int
    module: int
    module_name: str
    date: date
    start_time: str
    end_time: str
    location: str
    status: str
    # Staff leading this session instead of the cohort's leaders (a substitute); empty:
    # the cohort's leaders lead it.
    substitute_ids: list[int] = field(default_factory=list)
    guest_leader: str = ""  # a guest leader from outside the team, "name, organisation"
    sequence: int = 0  # rises with every change (the calendar's SEQUENCE)
    modified_at: datetime | None = None

    @property
    def expects_guest(self) -> bool:
        """A Ny retning module led with a guest leader (career centre, follow-up service)."""
        return self.module in schedule.GUEST_MODULES

    def led_by(self, cohort_leaders: list[int]) -> list[int]:
        """Who leads this session: its substitutes, or else the cohort's leaders."""
        return self.substitute_ids or cohort_leaders


@dataclass
class CohortOut:
    id: int
    title: str
    variant: str
    office_id: int
    location: str
    capacity: int
    start_date: date
    end_date: date
    weekdays: list[int]
    start_time: str
    end_time: str
    leader_ids: list[int]
    status: str
    sessions: list[SessionOut]
    moved: list[dict] = field(default_factory=list)
    # In the answer to a change of capacity: how many on the waiting list could now get
    # a place (POST /api/v1/cohorts/{id}/waiting-list/invite invites them); 0 otherwise.
    waiting_list_offer: int = 0


def cohort_status(cancelled: bool, first: date, last: date, today: date) -> str:
    if cancelled:
        return "cancelled"
    if today < first:
        return "planned"
    if today <= last:
        return "running"
    return "finished"


async def load(cohort_rows: list[dict]) -> list[CohortOut]:
    """Cohort rows, already scoped by the caller, with their sessions, leaders and status."""
    if not cohort_rows:
        return []
    ids = [r["id"] for r in cohort_rows]
    sessions = await Session.select().where(Session.cohort.is_in(ids)).order_by(Session.number)
    leaders = await CohortLeader.select().where(CohortLeader.cohort.is_in(ids)).order_by(CohortLeader.id)
    substitutes: dict[int, list[int]] = {}
    for sub in (
        await SessionLeader.select(SessionLeader.session, SessionLeader.leader)
        .where(SessionLeader.session.cohort.is_in(ids))
        .order_by(SessionLeader.id)
    ):
        substitutes.setdefault(sub["session"], []).append(sub["leader"])
    today = clock.today()
    result = []
    for row in cohort_rows:
        own = [s for s in sessions if s["cohort"] == row["id"]]
        held = [s["date"] for s in own if s["cancelled_at"] is None] or [row["start_date"]]
        result.append(
            CohortOut(
                id=row["id"],
                title=row["title"],
                variant=row["variant"],
                office_id=row["office"],
                location=row["location"],
                capacity=row["capacity"],
                start_date=row["start_date"],
                end_date=max(held),
                weekdays=[row["weekday_1"], row["weekday_2"]],
                start_time=hhmm(row["start_time"]),
                end_time=hhmm(row["end_time"]),
                leader_ids=[r["leader"] for r in leaders if r["cohort"] == row["id"]],
                status=cohort_status(row["cancelled_at"] is not None, min(held), max(held), today),
                sessions=[
                    SessionOut(
                        number=s["number"],
                        module=s["module"],
                        module_name=schedule.module_name(s["module"]),
                        date=s["date"],
                        start_time=hhmm(s["start_time"]),
                        end_time=hhmm(s["end_time"]),
                        location=s["location"],
                        status="cancelled" if s["cancelled_at"] else ("held" if s["date"] < today else "planned"),
                        substitute_ids=substitutes.get(s["id"], []),
                        guest_leader=s["guest_leader"],
                        sequence=s["sequence"],
                        modified_at=s["modified_at"],
                    )
                    for s in own
                ],
            )
        )
    return result


async def find_cohort(scope, cohort_id: int) -> CohortOut:
    """The cohort if ``scope`` (a where-clause on Cohort, from a policy) selects it;
    otherwise NotFound."""
    rows = await Cohort.select().where(scope, Cohort.id == cohort_id)
    if not rows:
        raise NotFound
    return (await load(rows))[0]


async def get_cohort(staff: Staff, cohort_id: int) -> CohortOut:
    return await find_cohort(policies.cohort_scope(staff), cohort_id)


async def list_cohorts(
    staff: Staff, start: date | None = None, end: date | None = None, status: str | None = None
) -> list[CohortOut]:
    query = Cohort.select().where(policies.cohort_scope(staff))
    if start is not None:  # in the query, so a page about now reads no finished years
        query = query.where(Cohort.id.is_in(Session.select(Session.cohort).where(Session.date >= start)))
    if end is not None:
        query = query.where(Cohort.start_date <= end)
    cohorts = await load(await query.order_by(Cohort.start_date))
    return [
        c
        for c in cohorts
        if (start is None or c.end_date >= start)
        and (end is None or c.start_date <= end)
        and (status is None or c.status == status)
    ]
