"""How long a participant's data is kept: the facts the retention rule needs, read for
one participant (their page) or for everyone not erased (the nightly run) in one
query; and a leader's extension, with a date and a reason, through the people scope.

The facts come from one statement: a GROUP BY per enrolment finds each cohort's end
(its last session held, or its start when none is), another per participant the last
of those and the last of the cohorts still held open for them (invited, enrolled or
waiting, not cancelled); the office gives the months, the newest extension its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.db import write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.participants import policies
from course.participants.common import PersonRef, lock_participant, staff_names
from course.participants.records import participant_row
from course.participants.retention_rules import Decision, RetentionFacts, add_months, decide
from course.participants.tables import Participant, RetentionExtension
from course.validation import check_line

RETENTION_EXTENDED = "retention_extended"
# An extension reaches at most this far ahead; a leader can extend again later.
MAX_EXTENSION_MONTHS = 24
MAX_REASON = 500

_FACTS = """
SELECT p.id AS participant, p.office AS office, o.code AS office_code, o.retention_months AS months,
       p.created_at AS created_at, ends.last_end AS last_end, ends.open_end AS open_end,
       (SELECT x.until FROM retention_extension x WHERE x.participant = p.id ORDER BY x.id DESC LIMIT 1) AS until
FROM participant p
JOIN office o ON o.id = p.office
LEFT JOIN (
    SELECT ce.participant AS participant, MAX(ce.ends) AS last_end,
           MAX(CASE WHEN ce.status IN ('invited', 'enrolled', 'waiting') AND ce.cancelled_at IS NULL
                    THEN ce.ends END) AS open_end
    FROM (
        SELECT e.participant AS participant, e.status AS status, c.cancelled_at AS cancelled_at,
               MAX(COALESCE(s.date, c.start_date)) AS ends
        FROM enrolment e
        JOIN cohort c ON c.id = e.cohort
        LEFT JOIN cohort_session s ON s.cohort = c.id AND s.cancelled_at IS NULL
        GROUP BY e.id, e.participant, e.status, c.cancelled_at
    ) ce
    GROUP BY ce.participant
) ends ON ends.participant = p.id
WHERE p.erased_at IS NULL
"""


@dataclass(frozen=True)
class RetentionCandidate:
    """A participant not erased, with what the retention rule needs to know."""

    participant_id: int
    office_id: int
    office_code: str
    facts: RetentionFacts
    # The rule's answer for the day asked about: due or not, from when, and why.
    decision: Decision


def _date(value) -> date | None:
    # SQLite hands computed dates back as text; PostgreSQL as dates.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _registered_on(value) -> date:
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.astimezone(clock.OSLO).date()


async def retention_candidates(today: date, participant_id: int | None = None) -> list[RetentionCandidate]:
    """Everyone not erased (or the one participant), ordered by office code and id, in
    one query, each with the retention rule's answer for ``today``."""
    if participant_id is None:
        rows = await Participant.raw(_FACTS + "ORDER BY o.code, p.id")
    else:
        rows = await Participant.raw(_FACTS + "AND p.id = {}", participant_id)
    result = []
    for r in rows:
        open_until = _date(r["open_end"])
        facts = RetentionFacts(
            registered_on=_registered_on(r["created_at"]),
            last_cohort_end=_date(r["last_end"]),
            on_current_cohort=open_until is not None and open_until >= today,
            extended_until=_date(r["until"]),
            retention_months=r["months"],
        )
        result.append(RetentionCandidate(r["participant"], r["office"], r["office_code"], facts, decide(facts, today)))
    return result


@dataclass
class ExtensionOut:
    until: date
    reason: str
    staff: PersonRef | None
    at: datetime


@dataclass
class RetentionOut:
    """How long the participant's data is kept, as things stand today."""

    participant_id: int
    retention_months: int
    last_cohort_end: date | None
    on_current_cohort: bool
    # The first day the data is due for erasure unless something changes (a later
    # cohort, an extension); while on a cohort, counted from that cohort's end.
    erase_on: date
    due: bool
    extension: ExtensionOut | None


async def retention_state(staff: Staff, participant_id: int) -> RetentionOut:
    """The retention of a participant the caller may see; NotFound otherwise."""
    await participant_row(staff, participant_id)
    today = clock.today()
    found = await retention_candidates(today, participant_id)
    if not found:
        raise NotFound
    facts, decision = found[0].facts, found[0].decision
    latest = (
        await RetentionExtension.select()
        .where(
            RetentionExtension.participant.is_in(
                Participant.select(Participant.id).where(policies.participant_scope(staff))
            ),
            RetentionExtension.participant == participant_id,
        )
        .order_by(RetentionExtension.id, ascending=False)
        .first()
    )
    extension = None
    if latest is not None:
        names = await staff_names([latest["staff"]] if latest["staff"] else [])
        extension = ExtensionOut(
            until=latest["until"],
            reason=latest["reason"],
            staff=PersonRef(latest["staff"], names.get(latest["staff"], "")) if latest["staff"] else None,
            at=latest["at"],
        )
    return RetentionOut(
        participant_id=participant_id,
        retention_months=facts.retention_months,
        last_cohort_end=facts.last_cohort_end,
        on_current_cohort=facts.on_current_cohort,
        erase_on=decision.erase_on,
        due=decision.due,
        extension=extension,
    )


def latest_extension_day(today: date) -> date:
    return add_months(today, MAX_EXTENSION_MONTHS)


async def extend_retention(staff: Staff, participant_id: int, until, reason) -> RetentionOut:
    """Keep the participant's data until a day (inclusive) past the office's period,
    for a reason. The newest extension counts, so one can also be shortened. The
    audit event names the day, never the reason: it is about the person."""
    errors: dict[str, str] = {}
    today = clock.today()
    day = cohorts.parse_date(until, errors, "until")
    if day is not None and day <= today:
        errors["until"] = N_("The date must be after today.")
    elif day is not None and day > latest_extension_day(today):
        errors["until"] = N_("The date can be at most 24 months ahead.")
    text = check_line(
        reason if isinstance(reason, str) else "",
        "reason",
        errors,
        N_("The reason contains characters that are not allowed."),
        N_("Give a reason for keeping the data longer."),
        N_("The reason can be at most 500 characters."),
        MAX_REASON,
    )
    if errors or day is None:
        raise InvalidInput(errors)
    async with write_transaction():
        # An erasure under way is waited for, and then leaves no one to extend.
        office = await lock_participant(staff, participant_id)
        await RetentionExtension.insert(
            RetentionExtension(participant=participant_id, until=day, reason=text, staff=staff.id, at=clock.utc_now())
        )
        await audit.record(
            RETENTION_EXTENDED,
            actor=staff.id,
            office=office,
            participant=participant_id,
            details={"until": day.isoformat()},
        )
    return await retention_state(staff, participant_id)
