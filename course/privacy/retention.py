"""The nightly retention run (``kjk retention``): erase those whose data has been kept
its time, and clear what has served its purpose.

Who is due is the participants domain's retention rule over facts read in one query;
each due participant is erased in a transaction of its own (the erasure writes its own
audit event, and one failing leaves the others done). Then, in one transaction with
the run's own audit event (counts only):

- web sessions past their idle or absolute limit (as ``accounts.sessions`` defines them);
- revoked API tokens (they do not expire);
- personal links that have expired or been revoked;
- refused evaluation links, failed and throttled logins after ``REJECTED_DAYS``:
  they serve throttling (minutes) and the look for an attack (weeks), not more;
- audit events older than their office's ``audit_months`` (events of no office:
  ``DEFAULT_AUDIT_MONTHS``), but never a "participant_erased" event: it proves the
  erasure, and the erasure list is made from the same ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from piccolo.columns import Column
from piccolo.columns.combination import Combinable
from piccolo.table import Table

from course import clock
from course.accounts import services as accounts
from course.accounts.tables import ApiToken, Office, WebSession
from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.db import write_transaction
from course.evaluations import services as evaluations
from course.participants import services as participants
from course.participants.tables import ParticipantLink

log = logging.getLogger("course.retention")

RETENTION_RUN = "retention_run"
PARTICIPANT_ERASED = "participant_erased"
REJECTED_ACTIONS = (evaluations.TOKEN_REJECTED, audit.LOGIN_FAILED, audit.LOGIN_THROTTLED)
REJECTED_DAYS = 90
DEFAULT_AUDIT_MONTHS = 24


@dataclass(frozen=True)
class Due:
    participant_id: int
    office_code: str
    reason: str


@dataclass
class Purged:
    """Rows cleared (or, in a dry run, that would be) in each category."""

    sessions: int = 0
    api_tokens: int = 0
    links: int = 0
    rejected: int = 0
    audit_events: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class Report:
    today: date
    dry_run: bool
    due: list[Due]
    erased: int = 0
    # Due participants whose erasure failed (their ids): tried again the next night.
    failed: list[int] = field(default_factory=list)
    purged: Purged = field(default_factory=Purged)


async def plan(today: date) -> list[Due]:
    """Who is due for erasure today, and why; ordered by office code and id."""
    candidates = await participants.retention_candidates(today)
    return [Due(c.participant_id, c.office_code, c.decision.reason) for c in candidates if c.decision.due]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), clock.OSLO)


async def _purges(today: date) -> list[tuple[str, type[Table], Column, Combinable]]:
    """What each category clears: (name, table, its id column, where-clause)."""
    now = clock.utc_now()
    offices = await Office.select(Office.id, Office.audit_months)
    kept = AuditEvent.action.not_in([PARTICIPANT_ERASED, *REJECTED_ACTIONS])
    by_months: dict[int, list[int]] = {}
    for office in offices:
        by_months.setdefault(office["audit_months"], []).append(office["id"])
    old_events: list[Combinable] = [
        AuditEvent.office.is_in(ids) & (AuditEvent.at < _midnight(participants.add_months(today, -months))) & kept
        for months, ids in sorted(by_months.items())
    ]
    no_office: Combinable = AuditEvent.office.is_null()
    if offices:
        no_office = no_office | AuditEvent.office.not_in([o["id"] for o in offices])
    old_events.append(
        no_office & (AuditEvent.at < _midnight(participants.add_months(today, -DEFAULT_AUDIT_MONTHS))) & kept
    )
    audit_where: Combinable = old_events[0]
    for clause in old_events[1:]:
        audit_where = audit_where | clause
    return [
        (
            "sessions",
            WebSession,
            WebSession.id,
            (WebSession.last_seen_at < now - accounts.SESSION_IDLE)
            | (WebSession.created_at < now - accounts.SESSION_ABSOLUTE),
        ),
        ("api_tokens", ApiToken, ApiToken.id, ApiToken.revoked_at.is_not_null()),
        (
            "links",
            ParticipantLink,
            ParticipantLink.id,
            (ParticipantLink.expires_at < now) | ParticipantLink.revoked_at.is_not_null(),
        ),
        (
            "rejected",
            AuditEvent,
            AuditEvent.id,
            AuditEvent.action.is_in(list(REJECTED_ACTIONS)) & (AuditEvent.at < now - timedelta(days=REJECTED_DAYS)),
        ),
        ("audit_events", AuditEvent, AuditEvent.id, audit_where),
    ]


async def erase_due(report: Report) -> None:
    """Erase each participant the plan found due, each in a transaction of its own,
    counting them into the report. Each is asked again under their lock whether they
    are still due (not enrolled or extended since the plan was made); one who is not
    is passed over, neither erased nor failed."""
    from course.privacy.erasure import erase_now

    for due in report.due:
        try:
            if await erase_now(due.participant_id, actor=None, reason=due.reason, due_on=report.today):
                report.erased += 1
        except Exception as exc:  # one failing leaves the others done; tried again tomorrow
            log.error("retention: erasing participant #%s failed: %s", due.participant_id, type(exc).__name__)
            report.failed.append(due.participant_id)


async def run(today: date, *, dry_run: bool) -> Report:
    """Erase those due and clear the rest; a dry run only counts and changes nothing."""
    report = Report(today=today, dry_run=dry_run, due=await plan(today))
    purged = report.purged
    if dry_run:
        for name, table, _id, where in await _purges(today):
            setattr(purged, name, await table.count().where(where))
        return report
    await erase_due(report)
    async with write_transaction():
        for name, table, _id, where in await _purges(today):
            # Counted, then deleted: no list of ids in memory, however much has piled up.
            setattr(purged, name, await table.count().where(where))
            await table.delete().where(where)
        await audit.record(
            RETENTION_RUN,
            details={"erased": report.erased, "failed": len(report.failed), **purged.as_dict()},
        )
    log.info(
        "retention: %s erased, %s failed; cleared %s",
        report.erased,
        len(report.failed),
        ", ".join(f"{k} {v}" for k, v in purged.as_dict().items()),
    )
    return report
