"""Reading cohorts: each with its sessions, leaders and status, always through a scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from piccolo.query.methods.select import Select

from course import clock, paging
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


def session_status(
    day: date, end: time, cancelled_at: datetime | None, cohort_cancelled_at: datetime | None, today: date
) -> str:
    """A session's status: cancelled on its own, or by its cohort's cancellation when it
    had not ended by then (those held before it stay held); else held or planned."""
    if cancelled_at is not None:
        return "cancelled"
    if cohort_cancelled_at is not None:
        moment = cohort_cancelled_at if cohort_cancelled_at.tzinfo else cohort_cancelled_at.replace(tzinfo=UTC)
        if datetime.combine(day, end, clock.OSLO) > moment:
            return "cancelled"
    return "held" if day < today else "planned"


async def load(cohort_rows: list[dict], among: Select | None = None) -> list[CohortOut]:
    """Cohort rows, already scoped by the caller, with their sessions, leaders and status.
    ``among``: a sub-select of cohort ids that holds the rows' (the query they were read
    by), so that a long list of rows sends no list of their ids; without it, the rows'
    ids (fine for a page of them)."""
    if not cohort_rows:
        return []
    ids = among if among is not None else [r["id"] for r in cohort_rows]
    sessions = await Session.select().where(Session.cohort.is_in(ids)).order_by(Session.number)
    leaders = await CohortLeader.select().where(CohortLeader.cohort.is_in(ids)).order_by(CohortLeader.id)
    substitutes: dict[int, list[int]] = {}
    for sub in (
        await SessionLeader.select(SessionLeader.session, SessionLeader.leader)
        .where(SessionLeader.session.cohort.is_in(ids))
        .order_by(SessionLeader.id)
    ):
        substitutes.setdefault(sub["session"], []).append(sub["leader"])
    # Each cohort's sessions and leaders, in the order read: one pass, however many cohorts.
    sessions_of: dict[int, list[dict]] = {}
    for s in sessions:
        sessions_of.setdefault(s["cohort"], []).append(s)
    leaders_of: dict[int, list[int]] = {}
    for r in leaders:
        leaders_of.setdefault(r["cohort"], []).append(r["leader"])
    today = clock.today()
    result = []
    for row in cohort_rows:
        own = sessions_of.get(row["id"], [])
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
                leader_ids=list(leaders_of.get(row["id"], [])),
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
                        status=session_status(s["date"], s["end_time"], s["cancelled_at"], row["cancelled_at"], today),
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


STATUSES = ("planned", "running", "finished", "cancelled")
# planned and running together: the default of the cohort list.
CURRENT = "current"


def cohort_order(status: str | None) -> tuple[paging.Key, ...]:
    """The cohort list's order: by start day and id, the newest first for finished ones."""
    ascending = status != "finished"
    return (paging.Key(Cohort.start_date, ascending), paging.Key(Cohort.id, ascending))


def _live(*where):
    return Session.select(Session.cohort).where(Session.cancelled_at.is_null(), *where)


def status_clause(status: str, today: date):
    """Where-clause for cohorts whose status (``cohort_status``) is ``status`` today, or
    planned or running for ``CURRENT``. It reads only sessions from today on (and the
    earlier ones of the cohorts they belong to), so it costs the same whatever the history."""
    ahead = _live(Session.date >= today)  # cohorts with a session still to come
    begun = _live(Session.date <= today, Session.cohort.is_in(_live(Session.date >= today)))
    not_cancelled = Cohort.cancelled_at.is_null()
    if status == "cancelled":
        return Cohort.cancelled_at.is_not_null()
    # A cohort without a session to come has ended, unless every session of it was
    # cancelled: then its start day is what it has (as cohort_status reads it).
    if status == CURRENT:
        return not_cancelled & (Cohort.id.is_in(ahead) | (Cohort.start_date >= today))
    if status == "planned":
        return not_cancelled & (
            (Cohort.id.is_in(ahead) & Cohort.id.not_in(begun))
            | ((Cohort.start_date > today) & Cohort.id.not_in(_live(Session.date >= today)))
        )
    if status == "running":
        return not_cancelled & (
            Cohort.id.is_in(begun) | ((Cohort.start_date == today) & Cohort.id.not_in(_live(Session.date >= today)))
        )
    return not_cancelled & Cohort.id.not_in(ahead) & (Cohort.start_date < today)


@dataclass
class CohortList:
    items: list[CohortOut]
    next: str | None
    previous: str | None
    total: int | None  # of the whole list, read no further than paging.COUNT_CAP; None unless counted
    more_than: bool


async def list_cohorts(
    staff: Staff,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
    page: paging.PageRequest | None = None,
    led_by: int | None = None,
    counted: bool = False,
    office_id: int | None = None,
) -> CohortList:
    """A page of the cohorts the caller may see, with their sessions. Without a period
    or a status: the current and upcoming ones (``CURRENT``). ``start`` keeps those with
    a session on or after it, ``end`` those that start by it; ``led_by`` those a staff
    user leads or stands in on; ``office_id`` one office's (an admin sees them all).
    ``counted``: the whole list counted too (one query more), for an answer that says how many."""
    if status is None and start is None and end is None:
        status = CURRENT
    where = [policies.cohort_scope(staff)]
    if start is not None:  # in the query, so a page about now reads no finished years
        where.append(Cohort.id.is_in(_live(Session.date >= start)) | (Cohort.start_date >= start))
    if end is not None:
        where.append(Cohort.start_date <= end)
    if status is not None:
        where.append(status_clause(status, clock.today()))
    if led_by is not None:
        where.append(policies.led_or_substituted(led_by))
    if office_id is not None:
        where.append(Cohort.office == office_id)
    found = await paging.fetch(Cohort.select().where(*where), cohort_order(status), page or paging.PageRequest())
    total, more_than = await paging.count(Cohort.select(Cohort.id).where(*where)) if counted else (None, False)
    return CohortList(await load(found.items), found.next, found.previous, total, more_than)


async def count_cohorts(staff: Staff, status: str) -> tuple[int, bool]:
    """How many cohorts the caller may see have ``status`` today (paging.count)."""
    return await paging.count(
        Cohort.select(Cohort.id).where(policies.cohort_scope(staff), status_clause(status, clock.today()))
    )
