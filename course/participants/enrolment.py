"""Enrolment: inviting and enrolling participants on a cohort, the waiting list, and
changing an enrolment's status. Cohorts are read through the people scope and
enrolments through ``enrolment_scope``, so another office's ids select nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import hooks as cohort_hooks
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort, Session
from course.db import lock, write_transaction
from course.errors import N_, Conflict, InvalidInput, NotFound
from course.participants import hooks, policies, rules
from course.participants.common import PersonRef, people_cohort, staff_names
from course.participants.records import consent_state, consents_of, name_search
from course.participants.tables import Enrolment, Outcome, Participant
from course.validation import has_control_chars, valid_id


@dataclass
class OutcomeOut:
    kind: str
    date: date
    note: str
    changed_by: PersonRef
    changed_at: datetime


def outcome_out(row: dict | None, names: dict[int, str]) -> OutcomeOut | None:
    """An outcome row as answered, its author named from ``names`` (staff id → name)."""
    if not row:
        return None
    return OutcomeOut(
        row["kind"],
        row["date"],
        row["note"],
        PersonRef(row["changed_by"], names.get(row["changed_by"], "")),
        row["changed_at"],
    )


@dataclass
class EnrolmentWarning:
    """Something to look at, not a refusal (a Ny retning participant outside 16–18)."""

    code: str  # age_outside_range
    message: str  # the English message id, translated where it is shown
    params: dict
    text: str = ""  # the message in English with its parameters filled in

    def __post_init__(self) -> None:
        self.text = self.message % self.params


def age_warnings(variant: str, birth_year: int, start: date) -> list[EnrolmentWarning]:
    params = rules.age_warning(variant, birth_year, start)
    return [EnrolmentWarning("age_outside_range", rules.AGE_WARNING, params)] if params else []


@dataclass
class EnrolmentOut:
    id: int
    cohort_id: int
    participant: PersonRef
    status: str
    reason: str
    waiting_position: int | None
    created_at: datetime
    changed_at: datetime
    outcome: OutcomeOut | None = None
    invited_from_waiting_list: list[int] = field(default_factory=list)
    # In the answer to an enrolment: what to look at (the enrolment is made regardless).
    warnings: list[EnrolmentWarning] = field(default_factory=list)


async def taken(cohort_id: int) -> int:
    """The places taken on a cohort the caller has already selected."""
    return await Enrolment.count().where(
        Enrolment.cohort == cohort_id, Enrolment.status.is_in(sorted(rules.TAKES_A_PLACE))
    )


async def cohort_places(cohort_id: int) -> cohort_hooks.Places:
    """The places taken and the waiting list of a cohort the caller has already
    selected (the cohorts domain asks, through its hook, when the capacity changes)."""
    waiting = await Enrolment.count().where(Enrolment.cohort == cohort_id, Enrolment.status == "waiting")
    return cohort_hooks.Places(taken=await taken(cohort_id), waiting=waiting)


async def fill_from_waiting_list(cohort_id: int, now: datetime) -> list[int]:
    """Invite the first on the waiting list into places that have come free, in a
    cohort the caller has already selected (inside their write transaction)."""
    cohort = await Cohort.select(Cohort.capacity).where(Cohort.id == cohort_id).first()
    if cohort is None:
        return []
    waiting = await Enrolment.select(Enrolment.id, Enrolment.created_at).where(
        Enrolment.cohort == cohort_id, Enrolment.status == "waiting"
    )
    chosen = rules.next_from_waiting_list(
        [(w["id"], w["created_at"].timestamp()) for w in waiting], cohort["capacity"] - await taken(cohort_id)
    )
    if chosen:
        await Enrolment.update({Enrolment.status: "invited", Enrolment.changed_at: now}).where(
            Enrolment.id.is_in(chosen)
        )
    return chosen


async def _check_no_overlap(participant_id: int, cohort: cohorts.CohortOut) -> None:
    other_cohorts = Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant == participant_id,
        Enrolment.cohort != cohort.id,
        Enrolment.status.is_in(sorted(rules.HOLDS_TIME)),
    )
    spans = await Session.select(Session.cohort, Session.date, Session.cohort.title.as_alias("title")).where(
        Session.cohort.is_in(other_cohorts), Session.cohort.cancelled_at.is_null()
    )
    by_cohort: dict[int, list] = {}
    for s in spans:
        by_cohort.setdefault(s["cohort"], []).append(s)
    for rows in by_cohort.values():
        first, last = min(r["date"] for r in rows), max(r["date"] for r in rows)
        if rules.overlaps(first, last, cohort.start_date, cohort.end_date):
            raise Conflict(
                N_("The participant is already on «%(title)s» (%(first)s–%(last)s), which runs at the same time."),
                field="participant_id",
                title=rows[0]["title"],
                first=first.strftime("%d.%m.%Y"),
                last=last.strftime("%d.%m.%Y"),
            )


async def enrolment_out(staff: Staff, enrolment_id: int) -> EnrolmentOut:
    row = (
        await Enrolment.select(*Enrolment.all_columns(), Enrolment.participant.name.as_alias("name"))
        .where(policies.enrolment_scope(staff), Enrolment.id == enrolment_id)
        .first()
    )
    if row is None:
        raise NotFound
    outcome = await Outcome.select().where(policies.outcome_scope(staff), Outcome.enrolment == enrolment_id).first()
    position = None
    if row["status"] == "waiting":
        ahead = await Enrolment.select(Enrolment.id, Enrolment.created_at).where(
            policies.enrolment_scope(staff), Enrolment.cohort == row["cohort"], Enrolment.status == "waiting"
        )
        ordered = [w["id"] for w in sorted(ahead, key=lambda w: (w["created_at"], w["id"]))]
        position = ordered.index(enrolment_id) + 1
    names = await staff_names([outcome["changed_by"]] if outcome else [])
    return EnrolmentOut(
        id=row["id"],
        cohort_id=row["cohort"],
        participant=PersonRef(row["participant"], row["name"]),
        status=row["status"],
        reason=row["reason"],
        waiting_position=position,
        created_at=row["created_at"],
        changed_at=row["changed_at"],
        outcome=outcome_out(outcome, names),
    )


async def enrol(staff: Staff, cohort_id: int, participant_id, status: str = "enrolled") -> EnrolmentOut:
    """Invite or enrol a participant. Beyond the cohort's capacity they go on the
    waiting list; a cohort at the same time as one they are already in is refused."""
    cohort = await people_cohort(staff, cohort_id)
    errors: dict[str, str] = {}
    if status not in ("invited", "enrolled"):
        errors["status"] = N_("Choose invited or enrolled.")
    found = valid_id(participant_id) and await Participant.exists().where(
        policies.participant_scope(staff), Participant.id == participant_id, Participant.office == cohort.office_id
    )
    if not found:
        errors["participant_id"] = N_("Choose a participant from the cohort's office.")
    elif not (await consent_state(participant_id)).participation:
        errors["participant_id"] = N_("The participant has not consented to taking part.")
    if cohort.status in ("cancelled", "finished"):
        errors["cohort"] = N_("The cohort is cancelled or finished.")
    if errors:
        raise InvalidInput(errors)
    at = clock.utc_now()
    async with write_transaction():
        # One writer at a time per cohort (its places) and per person (their time).
        await lock(f"cohort:{cohort_id}", f"participant:{participant_id}")
        if not (await consent_state(participant_id)).participation:
            raise InvalidInput({"participant_id": N_("The participant has not consented to taking part.")})
        existing = (
            await Enrolment.select()
            .where(
                policies.enrolment_scope(staff), Enrolment.cohort == cohort_id, Enrolment.participant == participant_id
            )
            .first()
        )
        if existing and existing["status"] not in ("withdrawn", "no_show", "dropped_out"):
            raise Conflict(N_("The participant is already on this cohort."), field="participant_id")
        await _check_no_overlap(participant_id, cohort)
        full = await taken(cohort_id) >= cohort.capacity
        new_status = "waiting" if full else status
        if existing:
            await Enrolment.update(
                {Enrolment.status: new_status, Enrolment.reason: "", Enrolment.created_at: at, Enrolment.changed_at: at}
            ).where(policies.enrolment_scope(staff), Enrolment.id == existing["id"])
            enrolment_id = existing["id"]
        else:
            enrolment_id = (
                await Enrolment.insert(
                    Enrolment(
                        cohort=cohort_id,
                        participant=participant_id,
                        status=new_status,
                        reason="",
                        created_at=at,
                        changed_at=at,
                    )
                ).returning(Enrolment.id)
            )[0]["id"]
        await audit.record(
            audit.ENROLMENT_CREATED,
            actor=staff.id,
            office=cohort.office_id,
            participant=participant_id,
            details={"enrolment": enrolment_id},
        )
    out = await enrolment_out(staff, enrolment_id)
    out.warnings = await enrolment_warnings(staff, enrolment_id)
    return out


async def enrolment_warnings(staff: Staff, enrolment_id: int) -> list[EnrolmentWarning]:
    """What to look at about an enrolment the caller may see: a Ny retning participant
    outside the ages it is meant for."""
    row = (
        await Enrolment.select(
            Enrolment.participant.birth_year.as_alias("birth_year"),
            Enrolment.cohort.variant.as_alias("variant"),
            Enrolment.cohort.start_date.as_alias("start"),
        )
        .where(policies.enrolment_scope(staff), Enrolment.id == enrolment_id)
        .first()
    )
    if row is None:
        raise NotFound
    return age_warnings(row["variant"], row["birth_year"], row["start"])


@dataclass
class WaitingListInvited:
    cohort_id: int
    invited: list[int]  # the enrolments invited, first in the queue first
    places_left: int  # free places after the invitations


async def invite_from_waiting_list(staff: Staff, cohort_id: int) -> WaitingListInvited:
    """Invite the first on the waiting list into the places that are free (after the
    capacity was raised): the leader's confirmation of the offer."""
    cohort = await people_cohort(staff, cohort_id)
    if cohort.status not in ("planned", "running"):
        raise InvalidInput({"cohort": N_("The cohort is cancelled or finished.")})
    at = clock.utc_now()
    async with write_transaction():
        await lock(f"cohort:{cohort_id}")
        invited = await fill_from_waiting_list(cohort_id, at)
        if invited:
            people = await Enrolment.select(Enrolment.id, Enrolment.participant).where(
                policies.enrolment_scope(staff), Enrolment.id.is_in(invited)
            )
            for row in people:
                await audit.record(
                    audit.ENROLMENT_CHANGED,
                    actor=staff.id,
                    office=cohort.office_id,
                    participant=row["participant"],
                    details={"enrolment": row["id"], "fields": ["status"]},
                )
        places = await cohort_places(cohort_id)
    return WaitingListInvited(cohort_id, invited, max(0, cohort.capacity - places.taken))


async def enrolment_row(staff: Staff, enrolment_id: int) -> tuple[dict, cohorts.CohortOut]:
    """The enrolment's row and its cohort if the caller may see them; NotFound otherwise."""
    row = (
        await Enrolment.select(*Enrolment.all_columns())
        .where(policies.enrolment_scope(staff), Enrolment.id == enrolment_id)
        .first()
    )
    if row is None:
        raise NotFound
    return row, await people_cohort(staff, row["cohort"])


async def get_enrolment(staff: Staff, enrolment_id: int) -> tuple[EnrolmentOut, cohorts.CohortOut]:
    _, cohort = await enrolment_row(staff, enrolment_id)
    return await enrolment_out(staff, enrolment_id), cohort


async def open_enrolment(staff: Staff, enrolment_id: int) -> tuple[EnrolmentOut, cohorts.CohortOut]:
    """The enrolment as its page shows it (status, reason, outcome and its note), and
    the read written to the audit log. Showing it again after a change is ``get_enrolment``."""
    enrolment, cohort = await get_enrolment(staff, enrolment_id)
    await audit.read(
        audit.ENROLMENT_READ,
        actor=staff.id,
        participant=enrolment.participant.id,
        office=cohort.office_id,
        details={"enrolment": enrolment_id},
    )
    return enrolment, cohort


@dataclass
class Candidate:
    id: int
    name: str
    birth_year: int
    consent_to_take_part: bool


@dataclass
class CandidateSearch:
    query: str
    items: list[Candidate]
    more: bool  # more match than are shown: the search should be narrower


CANDIDATES_SHOWN = 10


async def find_candidates(staff: Staff, cohort_id: int, query: str) -> CandidateSearch:
    """Participants of the cohort's office whose name holds ``query`` and who are not on
    the cohort, by name, at most ten (a person picker searches; it never lists an office).
    Nobody for an empty query; each with whether they have consented to take part."""
    cohort = await people_cohort(staff, cohort_id)
    query = " ".join(str(query).split())[:200]
    search = name_search(query)
    if search is None:
        return CandidateSearch(query, [], False)
    on_cohort = Enrolment.select(Enrolment.participant).where(
        Enrolment.cohort == cohort_id, Enrolment.status.not_in(["withdrawn", "no_show", "dropped_out"])
    )
    rows = (
        await Participant.select(Participant.id, Participant.name, Participant.birth_year)
        .where(
            policies.participant_scope(staff),
            Participant.office == cohort.office_id,
            search,
            Participant.id.not_in(on_cohort),
        )
        .order_by(Participant.sort_name)
        .order_by(Participant.id)
        .limit(CANDIDATES_SHOWN + 1)
    )
    shown = rows[:CANDIDATES_SHOWN]
    consents = await consents_of(staff, [r["id"] for r in shown])
    return CandidateSearch(
        query,
        [Candidate(r["id"], r["name"], r["birth_year"], consents.get(r["id"], False)) for r in shown],
        len(rows) > CANDIDATES_SHOWN,
    )


async def change_enrolment(staff: Staff, enrolment_id: int, status: str, reason: str = "") -> EnrolmentOut:
    row, cohort = await enrolment_row(staff, enrolment_id)
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    reason_text = " ".join(str(reason or "").split())
    if status not in rules.STATUSES:
        errors["status"] = N_("Choose one of: %(choices)s.")
        params["status"] = {"choices": ", ".join(rules.STATUSES)}
    elif status != row["status"] and not rules.can_change(row["status"], status):
        errors["status"] = N_("An enrolment cannot go from %(old)s to %(new)s.")
        params["status"] = {"old": row["status"], "new": status}
    if status in rules.NEEDS_REASON and not reason_text:
        errors["reason"] = N_("Give a reason.")
    elif has_control_chars(reason_text) or len(reason_text) > 500:
        errors["reason"] = N_("The reason can be at most 500 characters.")
    if (
        status in rules.HOLDS_TIME
        and row["status"] not in rules.HOLDS_TIME
        and not (await consent_state(row["participant"])).participation
    ):
        errors["status"] = N_("The participant has not consented to taking part.")
    if errors:
        raise InvalidInput(errors, params)
    if status == row["status"] and reason_text == row["reason"]:
        return await enrolment_out(staff, enrolment_id)
    at = clock.utc_now()
    async with write_transaction():
        await lock(f"cohort:{cohort.id}", f"participant:{row['participant']}")
        if (
            status in rules.HOLDS_TIME
            and row["status"] not in rules.HOLDS_TIME
            and not (await consent_state(row["participant"])).participation
        ):
            raise InvalidInput({"status": N_("The participant has not consented to taking part.")})
        fresh = (
            await Enrolment.select(Enrolment.status)
            .where(policies.enrolment_scope(staff), Enrolment.id == enrolment_id)
            .first()
        )
        if fresh is None or fresh["status"] != row["status"]:
            raise Conflict(N_("Someone else changed the enrolment. Reload the page."), field="status")
        if (
            status in rules.TAKES_A_PLACE
            and row["status"] not in rules.TAKES_A_PLACE
            and await taken(cohort.id) >= cohort.capacity
        ):
            raise Conflict(
                N_("The cohort is full (%(capacity)s of %(capacity)s places)."),
                field="status",
                capacity=cohort.capacity,
            )
        if status in rules.HOLDS_TIME and row["status"] not in rules.HOLDS_TIME:
            await _check_no_overlap(row["participant"], cohort)
        values: dict = {Enrolment.status: status, Enrolment.reason: reason_text, Enrolment.changed_at: at}
        if status == "waiting" and row["status"] != "waiting":
            values[Enrolment.created_at] = at  # back of the queue, like anyone joining it now
        await Enrolment.update(values).where(policies.enrolment_scope(staff), Enrolment.id == enrolment_id)
        if status in rules.LEAVES:
            await hooks.participation_ended(row["participant"], cohort.id, at)
        invited: list[int] = []
        if (
            row["status"] in rules.TAKES_A_PLACE
            and status not in rules.TAKES_A_PLACE
            and cohort.status in ("planned", "running")
        ):
            invited = await fill_from_waiting_list(cohort.id, at)
        # Which fields changed, never the status or the reason given.
        changed = [
            name
            for name, differs in (("status", status != row["status"]), ("reason", reason_text != row["reason"]))
            if differs
        ]
        await audit.record(
            audit.ENROLMENT_CHANGED,
            actor=staff.id,
            office=cohort.office_id,
            participant=row["participant"],
            details={"enrolment": enrolment_id, "fields": changed},
        )
    out = await enrolment_out(staff, enrolment_id)
    out.invited_from_waiting_list = invited
    return out
