"""Participants: registration, consent, follow-up category, enrolment, attendance,
outcomes, the cohort summary, warnings and the participant's personal link."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from course import clock, sealing
from course.accounts.schemas import Role, Staff
from course.accounts.tables import StaffUser
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort, CohortLeader, Session
from course.db import lock, write_transaction
from course.errors import N_, Conflict, InvalidInput, NotFound
from course.participants import hooks, policies, rules
from course.participants.tables import (
    Attendance,
    CategoryChange,
    Consent,
    Enrolment,
    Outcome,
    Participant,
    ParticipantLink,
)
from course.tokens import digest
from course.validation import (
    as_id,
    check_line,
    has_control_chars,
    nb_sort_key,
    valid_id,
    whole_number,
)

PHONE_RE = re.compile(r"^\+?\d{8,15}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LINK_DAYS = 90
MAX_LINK_DAYS = 365


def _now() -> datetime:
    return clock.now().astimezone(UTC)


def _today() -> date:
    return clock.today()


@dataclass
class PersonRef:
    id: int
    name: str


# --- registration ----------------------------------------------------------------------


@dataclass
class ConsentInput:
    scopes: list
    date: str
    text_version: str = rules.CURRENT_CONSENT_VERSION
    action: str = "given"


@dataclass
class ParticipantInput:
    name: str
    birth_year: object
    primary_contact_id: object
    phone: str = ""
    email: str = ""
    referral_date: str | None = None
    office_id: int | None = None
    consent: ConsentInput | None = None


@dataclass
class ParticipantChanges:
    name: str | None = None
    birth_year: object = None
    primary_contact_id: object = None
    phone: str | None = None
    email: str | None = None
    referral_date: str | None = None


@dataclass
class ConsentOut:
    id: int
    action: str
    text_version: str
    scopes: list[str]
    date: date
    recorded_by: PersonRef
    recorded_at: datetime


@dataclass
class ConsentStateOut:
    text_version: str | None
    participation: bool
    sharing: bool
    evaluation: bool
    since: date | None


@dataclass
class CategoryOut:
    category: int
    changed_by: PersonRef
    changed_at: datetime


@dataclass
class EnrolmentBrief:
    id: int
    cohort_id: int
    cohort_title: str
    start_date: date
    status: str


@dataclass
class LinkInfo:
    created_at: datetime
    expires_at: datetime


@dataclass
class ParticipantSummary:
    id: int
    name: str
    birth_year: int
    primary_contact: PersonRef
    category: int | None
    consent_to_take_part: bool


@dataclass
class ParticipantOut(ParticipantSummary):
    phone: str
    email: str
    office_id: int
    referral_date: date | None
    created_at: datetime
    consent: ConsentStateOut
    consents: list[ConsentOut] = field(default_factory=list)
    categories: list[CategoryOut] = field(default_factory=list)
    enrolments: list[EnrolmentBrief] = field(default_factory=list)
    link: LinkInfo | None = None


def _birth_year(value, errors: dict[str, str]) -> int | None:
    year = _today().year
    if isinstance(value, str) and (number := whole_number(value.strip())) is not None:
        value = number
    if isinstance(value, bool) or not isinstance(value, int) or not year - 35 <= value <= year - 14:
        errors["birth_year"] = N_("Give a birth year from %(first)s to %(last)s.")
        return None
    return value


def _phone(value, errors: dict[str, str]) -> str:
    text = "".join(str(value or "").split())
    if text and (not PHONE_RE.match(text)):
        errors["phone"] = N_("Give a phone number of 8 to 15 digits, with + first if it has a country code.")
    return text


def _email(value, errors: dict[str, str]) -> str:
    text = str(value or "").strip().lower()
    if text and (len(text) > 254 or not EMAIL_RE.match(text) or has_control_chars(text)):
        errors["email"] = N_("Give a valid e-mail address, or leave it empty.")
    return text


def _past_date(value, errors: dict[str, str], key: str) -> date | None:
    day = cohorts.parse_date(value, errors, key)
    if day and day > _today():
        errors[key] = N_("The date cannot be in the future.")
    return day


async def _primary_contact(value, office_id: int, errors: dict[str, str]) -> int | None:
    value = as_id(value)
    if value:
        found = await StaffUser.exists().where(
            StaffUser.id == value,
            StaffUser.office == office_id,
            StaffUser.active.eq(True),
            StaffUser.role.is_in([Role.leader.value, Role.admin.value]),
        )
        if found:
            return value
    errors["primary_contact_id"] = N_("Choose a primary contact from the participant's own office.")
    return None


def _name(value, errors: dict[str, str]) -> str:
    return check_line(
        value, "name", errors,
        N_("The name contains characters that are not allowed."),
        N_("Enter the participant's name."),
        N_("The name can be at most 200 characters."),
    )


def _consent(data: ConsentInput | None, errors: dict[str, str], prefix: str = "") -> dict | None:
    if data is None:
        return None
    if data.action not in ("given", "withdrawn"):
        errors[prefix + "action"] = N_("Choose given or withdrawn.")
    scopes = data.scopes if isinstance(data.scopes, list) else None
    if not scopes or not all(s in rules.SCOPES for s in scopes) or len(set(scopes)) != len(scopes):
        errors[prefix + "scopes"] = N_("Choose one or more of participation, sharing and evaluation.")
        scopes = []
    version = check_line(
        data.text_version, prefix + "text_version", errors,
        N_("The version contains characters that are not allowed."),
        N_("Give the version of the consent text."),
        N_("The version can be at most 40 characters."),
        max_length=40,
    )
    day = _past_date(data.date, errors, prefix + "date")
    return {"action": data.action, "version": version, "scopes": scopes, "date": day}


def _year_params() -> dict:
    year = _today().year
    return {"birth_year": {"first": year - 35, "last": year - 14}}


async def create_participant(staff: Staff, data: ParticipantInput) -> ParticipantOut:
    errors: dict[str, str] = {}
    office_id = data.office_id if staff.role is Role.admin and data.office_id is not None else staff.office_id
    name = _name(data.name, errors)
    birth_year = _birth_year(data.birth_year, errors)
    phone = _phone(data.phone, errors)
    email = _email(data.email, errors)
    referral = _past_date(data.referral_date, errors, "referral_date") if data.referral_date else None
    contact = await _primary_contact(data.primary_contact_id, office_id, errors)
    consent = _consent(data.consent, errors, "consent.")
    if consent and consent["action"] != "given":
        errors["consent.action"] = N_("A new participant can only be registered with a consent given.")
    if errors:
        raise InvalidInput(errors, _year_params())
    now = _now()
    async with write_transaction():
        participant_id = (
            await Participant.insert(
                Participant(
                    office=office_id, name=name, birth_year=birth_year, phone=phone, email=email,
                    primary_contact=contact, referral_date=referral, created_at=now,
                )
            ).returning(Participant.id)
        )[0]["id"]
        if consent:
            await _insert_consent(staff, participant_id, consent, now)
        await audit.record("participant_created", actor=staff.id, office=office_id,
                           details={"participant": participant_id})
    return await get_participant(staff, participant_id)


async def update_participant(staff: Staff, participant_id: int, changes: ParticipantChanges) -> ParticipantOut:
    current = await _participant_row(staff, participant_id)
    errors: dict[str, str] = {}
    values: dict = {}
    if changes.name is not None:
        values[Participant.name] = _name(changes.name, errors)
    if changes.birth_year is not None:
        values[Participant.birth_year] = _birth_year(changes.birth_year, errors)
    if changes.phone is not None:
        values[Participant.phone] = _phone(changes.phone, errors)
    if changes.email is not None:
        values[Participant.email] = _email(changes.email, errors)
    if changes.referral_date is not None:
        values[Participant.referral_date] = (
            _past_date(changes.referral_date, errors, "referral_date") if changes.referral_date else None
        )
    if changes.primary_contact_id is not None:
        contact = await _primary_contact(changes.primary_contact_id, current["office"], errors)
        if contact is not None and contact != current["primary_contact"]:
            # The primary contact reads the talks' private notes, so nobody hands that to themselves.
            if staff.role is not Role.admin and staff.id != current["primary_contact"]:
                errors["primary_contact_id"] = N_(
                    "Only the present primary contact or an administrator can change the primary contact.")
            values[Participant.primary_contact] = contact
    if errors:
        raise InvalidInput(errors, _year_params())
    if values:
        async with write_transaction():
            await Participant.update(values).where(Participant.id == participant_id)
            details = {"participant": participant_id, "fields": sorted(c._meta.name for c in values)}
            if Participant.primary_contact in values:
                details["primary_contact"] = {"from": current["primary_contact"],
                                              "to": values[Participant.primary_contact]}
            await audit.record("participant_updated", actor=staff.id, office=current["office"], details=details)
    return await get_participant(staff, participant_id)


async def _participant_row(staff: Staff, participant_id: int) -> dict:
    row = await Participant.select().where(policies.participant_scope(staff), Participant.id == participant_id).first()
    if row is None:
        raise NotFound
    return row


async def _names(ids) -> dict[int, str]:
    return await cohorts.staff_names(sorted(set(ids)))


def _consent_events(rows: list[dict]) -> list[rules.ConsentEvent]:
    return [
        rules.ConsentEvent(r["id"], r["action"], r["date"], r["text_version"], r["participation"], r["sharing"],
                           r["evaluation"])
        for r in rows
    ]


async def consent_state(participant_id: int) -> rules.ConsentState:
    rows = await Consent.select().where(Consent.participant == participant_id)
    return rules.consent_in_force(_consent_events(rows))


async def _categories(ids: list[int]) -> dict[int, int]:
    rows = await CategoryChange.select(CategoryChange.participant, CategoryChange.category).where(
        CategoryChange.participant.is_in(ids or [0])
    ).order_by(CategoryChange.id)
    return {r["participant"]: r["category"] for r in rows}


async def get_participant(staff: Staff, participant_id: int) -> ParticipantOut:
    row = await _participant_row(staff, participant_id)
    consents = await Consent.select().where(Consent.participant == participant_id).order_by(Consent.id)
    categories = await CategoryChange.select().where(CategoryChange.participant == participant_id).order_by(
        CategoryChange.id
    )
    names = await _names([row["primary_contact"]] + [c["recorded_by"] for c in consents]
                         + [c["changed_by"] for c in categories])
    enrolments = await Enrolment.select(
        Enrolment.id, Enrolment.status, Enrolment.cohort.id.as_alias("cohort_id"),
        Enrolment.cohort.title.as_alias("title"), Enrolment.cohort.start_date.as_alias("start_date"),
    ).where(Enrolment.participant == participant_id).order_by(Enrolment.cohort.start_date, ascending=False)
    state = rules.consent_in_force(_consent_events(consents))
    link = await ParticipantLink.select().where(
        ParticipantLink.participant == participant_id, ParticipantLink.revoked_at.is_null(),
        ParticipantLink.expires_at > _now(),
    ).first()
    return ParticipantOut(
        id=row["id"],
        name=row["name"],
        birth_year=row["birth_year"],
        primary_contact=PersonRef(row["primary_contact"], names.get(row["primary_contact"], "")),
        category=categories[-1]["category"] if categories else None,
        consent_to_take_part=state.participation,
        phone=row["phone"],
        email=row["email"],
        office_id=row["office"],
        referral_date=row["referral_date"],
        created_at=row["created_at"],
        consent=ConsentStateOut(state.version, state.participation, state.sharing, state.evaluation, state.since),
        consents=[
            ConsentOut(
                id=c["id"], action=c["action"], text_version=c["text_version"],
                scopes=[s for s in rules.SCOPES if c[s]], date=c["date"],
                recorded_by=PersonRef(c["recorded_by"], names.get(c["recorded_by"], "")),
                recorded_at=c["recorded_at"],
            )
            for c in consents
        ],
        categories=[
            CategoryOut(c["category"], PersonRef(c["changed_by"], names.get(c["changed_by"], "")), c["changed_at"])
            for c in categories
        ],
        enrolments=[EnrolmentBrief(e["id"], e["cohort_id"], e["title"], e["start_date"], e["status"])
                    for e in enrolments],
        link=LinkInfo(link["created_at"], link["expires_at"]) if link else None,
    )


async def list_participants(staff: Staff, query: str = "") -> list[ParticipantSummary]:
    """The office's participants, sorted by name; ``query`` matches any part of the name."""
    rows = await Participant.select(
        Participant.id, Participant.name, Participant.birth_year, Participant.primary_contact,
    ).where(policies.participant_scope(staff))
    needle = unicodedata.normalize("NFC", " ".join(query.split())).casefold()
    if needle:
        rows = [r for r in rows if needle in unicodedata.normalize("NFC", r["name"]).casefold()]
    ids = [r["id"] for r in rows]
    categories = await _categories(ids)
    consents = await Consent.select().where(Consent.participant.is_in(ids or [0]))
    by_person: dict[int, list[dict]] = {}
    for c in consents:
        by_person.setdefault(c["participant"], []).append(c)
    names = await _names(r["primary_contact"] for r in rows)
    out = [
        ParticipantSummary(
            id=r["id"], name=r["name"], birth_year=r["birth_year"],
            primary_contact=PersonRef(r["primary_contact"], names.get(r["primary_contact"], "")),
            category=categories.get(r["id"]),
            consent_to_take_part=rules.consent_in_force(_consent_events(by_person.get(r["id"], []))).participation,
        )
        for r in rows
    ]
    return sorted(out, key=lambda p: (nb_sort_key(p.name), p.id))


# --- consent and category -------------------------------------------------------------


async def _insert_consent(staff: Staff, participant_id: int, consent: dict, now: datetime) -> None:
    await Consent.insert(
        Consent(
            participant=participant_id, action=consent["action"], text_version=consent["version"],
            participation="participation" in consent["scopes"], sharing="sharing" in consent["scopes"],
            evaluation="evaluation" in consent["scopes"], date=consent["date"], recorded_by=staff.id,
            recorded_at=now,
        )
    )


async def record_consent(staff: Staff, participant_id: int, data: ConsentInput) -> ParticipantOut:
    """Record a consent or a withdrawal. Withdrawing consent to take part takes
    effect at once: open enrolments are withdrawn, planned talks cancelled and the
    personal link revoked."""
    row = await _participant_row(staff, participant_id)
    errors: dict[str, str] = {}
    consent = _consent(data, errors)
    if errors:
        raise InvalidInput(errors)
    now = _now()
    async with write_transaction():
        open_cohorts = await Enrolment.select(Enrolment.cohort).where(
            Enrolment.participant == participant_id, Enrolment.status.is_in(["invited", "enrolled", "waiting"]))
        await lock(f"participant:{participant_id}", *(f"cohort:{r['cohort']}" for r in open_cohorts))
        await _insert_consent(staff, participant_id, consent, now)
        state = await consent_state(participant_id)
        if not state.participation:
            await _end_participation(participant_id, now)
        await audit.record("consent_" + consent["action"], actor=staff.id, office=row["office"],
                           details={"participant": participant_id, "scopes": consent["scopes"],
                                    "version": consent["version"]})
    return await get_participant(staff, participant_id)


async def _end_participation(participant_id: int, now: datetime) -> None:
    open_rows = await Enrolment.select(Enrolment.id, Enrolment.cohort).where(
        Enrolment.participant == participant_id,
        Enrolment.status.is_in(["invited", "enrolled", "waiting"]),
    )
    # A cohort that is over keeps its record as it was.
    ongoing = {
        c.id for c in await cohorts.load(
            await Cohort.select().where(Cohort.id.is_in([r["cohort"] for r in open_rows] or [0])))
        if c.status in ("planned", "running")
    }
    for row in open_rows:
        if row["cohort"] not in ongoing:
            continue
        await Enrolment.update(
            {Enrolment.status: "withdrawn", Enrolment.reason: "Samtykke til å delta er trukket",
             Enrolment.changed_at: now}
        ).where(Enrolment.id == row["id"])
        await _fill_from_waiting_list(row["cohort"], now)
    await hooks.participation_ended(participant_id, None, now)
    await ParticipantLink.update({ParticipantLink.revoked_at: now}).where(
        ParticipantLink.participant == participant_id, ParticipantLink.revoked_at.is_null()
    )


async def set_category(staff: Staff, participant_id: int, category) -> ParticipantOut:
    row = await _participant_row(staff, participant_id)
    if isinstance(category, str) and (number := whole_number(category)) is not None:
        category = number
    if isinstance(category, bool) or category not in (1, 2, 3, 4):
        raise InvalidInput({"category": N_("Choose a follow-up category from 1 to 4.")})
    async with write_transaction():
        await CategoryChange.insert(
            CategoryChange(participant=participant_id, category=category, changed_by=staff.id, changed_at=_now())
        )
        await audit.record("category_changed", actor=staff.id, office=row["office"],
                           details={"participant": participant_id, "category": category})
    return await get_participant(staff, participant_id)


# --- enrolment --------------------------------------------------------------------------


@dataclass
class OutcomeOut:
    kind: str
    date: date
    note: str
    changed_by: PersonRef
    changed_at: datetime


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


async def _cohort_for_people(staff: Staff, cohort_id: int) -> cohorts.CohortOut:
    if not policies.may_see_people(staff):
        raise NotFound
    return await cohorts.get_cohort(staff, cohort_id)


async def _taken(cohort_id: int) -> int:
    return await Enrolment.count().where(
        Enrolment.cohort == cohort_id, Enrolment.status.is_in(sorted(rules.TAKES_A_PLACE))
    )


async def _fill_from_waiting_list(cohort_id: int, now: datetime) -> list[int]:
    """Invite the first on the waiting list into places that have come free."""
    cohort = await Cohort.select(Cohort.capacity).where(Cohort.id == cohort_id).first()
    waiting = await Enrolment.select(Enrolment.id, Enrolment.created_at).where(
        Enrolment.cohort == cohort_id, Enrolment.status == "waiting"
    )
    chosen = rules.next_from_waiting_list(
        [(w["id"], w["created_at"].timestamp()) for w in waiting], cohort["capacity"] - await _taken(cohort_id)
    )
    if chosen:
        await Enrolment.update({Enrolment.status: "invited", Enrolment.changed_at: now}).where(
            Enrolment.id.is_in(chosen)
        )
    return chosen


async def _check_no_overlap(participant_id: int, cohort: cohorts.CohortOut) -> None:
    others = await Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant == participant_id,
        Enrolment.cohort != cohort.id,
        Enrolment.status.is_in(sorted(rules.HOLDS_TIME)),
    )
    ids = [o["cohort"] for o in others]
    if not ids:
        return
    spans = await Session.select(Session.cohort, Session.date, Session.cohort.title.as_alias("title")).where(
        Session.cohort.is_in(ids), Session.cohort.cancelled_at.is_null()
    )
    by_cohort: dict[int, list] = {}
    for s in spans:
        by_cohort.setdefault(s["cohort"], []).append(s)
    for rows in by_cohort.values():
        first, last = min(r["date"] for r in rows), max(r["date"] for r in rows)
        if rules.overlaps(first, last, cohort.start_date, cohort.end_date):
            raise Conflict(
                N_("The participant is already on «%(title)s» (%(first)s–%(last)s), which runs at the same time."),
                field="participant_id", title=rows[0]["title"], first=first.strftime("%d.%m.%Y"),
                last=last.strftime("%d.%m.%Y"),
            )


async def _enrolment_out(enrolment_id: int) -> EnrolmentOut:
    row = await Enrolment.select(
        *Enrolment.all_columns(), Enrolment.participant.name.as_alias("name")
    ).where(Enrolment.id == enrolment_id).first()
    outcome = await Outcome.select().where(Outcome.enrolment == enrolment_id).first()
    position = None
    if row["status"] == "waiting":
        ahead = await Enrolment.select(Enrolment.id, Enrolment.created_at).where(
            Enrolment.cohort == row["cohort"], Enrolment.status == "waiting"
        )
        ordered = [w["id"] for w in sorted(ahead, key=lambda w: (w["created_at"], w["id"]))]
        position = ordered.index(enrolment_id) + 1
    names = await _names([outcome["changed_by"]] if outcome else [])
    return EnrolmentOut(
        id=row["id"], cohort_id=row["cohort"], participant=PersonRef(row["participant"], row["name"]),
        status=row["status"], reason=row["reason"], waiting_position=position, created_at=row["created_at"],
        changed_at=row["changed_at"],
        outcome=OutcomeOut(outcome["kind"], outcome["date"], outcome["note"],
                           PersonRef(outcome["changed_by"], names.get(outcome["changed_by"], "")),
                           outcome["changed_at"]) if outcome else None,
    )


async def enrol(staff: Staff, cohort_id: int, participant_id, status: str = "enrolled") -> EnrolmentOut:
    """Invite or enrol a participant. Beyond the cohort's capacity they go on the
    waiting list; a cohort at the same time as one they are already in is refused."""
    cohort = await _cohort_for_people(staff, cohort_id)
    errors: dict[str, str] = {}
    if status not in ("invited", "enrolled"):
        errors["status"] = N_("Choose invited or enrolled.")
    person = None
    if valid_id(participant_id):
        person = await Participant.select(Participant.id, Participant.office).where(
            policies.participant_scope(staff), Participant.id == participant_id
        ).first()
    if person is None or person["office"] != cohort.office_id:
        errors["participant_id"] = N_("Choose a participant from the cohort's office.")
    elif not (await consent_state(participant_id)).participation:
        errors["participant_id"] = N_("The participant has not consented to taking part.")
    if cohort.status in ("cancelled", "finished"):
        errors["cohort"] = N_("The cohort is cancelled or finished.")
    if errors:
        raise InvalidInput(errors)
    now = _now()
    async with write_transaction():
        # One writer at a time per cohort (its places) and per person (their time).
        await lock(f"cohort:{cohort_id}", f"participant:{participant_id}")
        if not (await consent_state(participant_id)).participation:
            raise InvalidInput({"participant_id": N_("The participant has not consented to taking part.")})
        existing = await Enrolment.select().where(
            Enrolment.cohort == cohort_id, Enrolment.participant == participant_id
        ).first()
        if existing and existing["status"] not in ("withdrawn", "no_show", "dropped_out"):
            raise Conflict(N_("The participant is already on this cohort."), field="participant_id")
        await _check_no_overlap(participant_id, cohort)
        full = await _taken(cohort_id) >= cohort.capacity
        new_status = "waiting" if full else status
        if existing:
            await Enrolment.update(
                {Enrolment.status: new_status, Enrolment.reason: "", Enrolment.created_at: now,
                 Enrolment.changed_at: now}
            ).where(Enrolment.id == existing["id"])
            enrolment_id = existing["id"]
        else:
            enrolment_id = (
                await Enrolment.insert(
                    Enrolment(cohort=cohort_id, participant=participant_id, status=new_status, reason="",
                              created_at=now, changed_at=now)
                ).returning(Enrolment.id)
            )[0]["id"]
        await audit.record("enrolment_created", actor=staff.id, office=cohort.office_id,
                           details={"enrolment": enrolment_id, "status": new_status})
    return await _enrolment_out(enrolment_id)


async def _enrolment_row(staff: Staff, enrolment_id: int) -> tuple[dict, cohorts.CohortOut]:
    if not policies.may_see_people(staff):
        raise NotFound
    row = await Enrolment.select(*Enrolment.all_columns()).where(
        Enrolment.id == enrolment_id,
        Enrolment.participant.office == staff.office_id if staff.role is Role.leader else Enrolment.id.is_not_null(),
    ).first()
    if row is None:
        raise NotFound
    cohort = await cohorts.get_cohort(staff, row["cohort"])
    return row, cohort


async def get_enrolment(staff: Staff, enrolment_id: int) -> tuple[EnrolmentOut, cohorts.CohortOut]:
    _, cohort = await _enrolment_row(staff, enrolment_id)
    return await _enrolment_out(enrolment_id), cohort


async def enrol_candidates(staff: Staff, cohort_id: int) -> list[PersonRef]:
    """The office's participants with consent to take part who are not on the cohort."""
    cohort = await _cohort_for_people(staff, cohort_id)
    on = {r["participant"] for r in await Enrolment.select(Enrolment.participant).where(
        Enrolment.cohort == cohort_id, Enrolment.status.not_in(["withdrawn", "no_show", "dropped_out"]))}
    people = await list_participants(staff)
    office = {r["id"] for r in await Participant.select(Participant.id).where(Participant.office == cohort.office_id)}
    return [PersonRef(p.id, p.name) for p in people
            if p.id in office and p.id not in on and p.consent_to_take_part]


async def change_enrolment(staff: Staff, enrolment_id: int, status: str, reason: str = "") -> EnrolmentOut:
    row, cohort = await _enrolment_row(staff, enrolment_id)
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
    if (status in rules.HOLDS_TIME and row["status"] not in rules.HOLDS_TIME
            and not (await consent_state(row["participant"])).participation):
        errors["status"] = N_("The participant has not consented to taking part.")
    if errors:
        raise InvalidInput(errors, params)
    if status == row["status"] and reason_text == row["reason"]:
        return await _enrolment_out(enrolment_id)
    now = _now()
    async with write_transaction():
        await lock(f"cohort:{cohort.id}", f"participant:{row['participant']}")
        if (status in rules.HOLDS_TIME and row["status"] not in rules.HOLDS_TIME
                and not (await consent_state(row["participant"])).participation):
            raise InvalidInput({"status": N_("The participant has not consented to taking part.")})
        fresh = await Enrolment.select(Enrolment.status).where(Enrolment.id == enrolment_id).first()
        if fresh["status"] != row["status"]:
            raise Conflict(N_("Someone else changed the enrolment. Reload the page."), field="status")
        if (status in rules.TAKES_A_PLACE and row["status"] not in rules.TAKES_A_PLACE
                and await _taken(cohort.id) >= cohort.capacity):
                raise Conflict(N_("The cohort is full (%(capacity)s of %(capacity)s places)."), field="status",
                               capacity=cohort.capacity)
        if status in rules.HOLDS_TIME and row["status"] not in rules.HOLDS_TIME:
            await _check_no_overlap(row["participant"], cohort)
        values = {Enrolment.status: status, Enrolment.reason: reason_text, Enrolment.changed_at: now}
        if status == "waiting" and row["status"] != "waiting":
            values[Enrolment.created_at] = now  # back of the queue, like anyone joining it now
        await Enrolment.update(values).where(Enrolment.id == enrolment_id)
        if status in rules.LEAVES:
            await hooks.participation_ended(row["participant"], cohort.id, now)
        invited: list[int] = []
        if (row["status"] in rules.TAKES_A_PLACE and status not in rules.TAKES_A_PLACE
                and cohort.status in ("planned", "running")):
            invited = await _fill_from_waiting_list(cohort.id, now)
        await audit.record("enrolment_changed", actor=staff.id, office=cohort.office_id,
                           details={"enrolment": enrolment_id, "from": row["status"], "to": status})
    out = await _enrolment_out(enrolment_id)
    out.invited_from_waiting_list = invited
    return out


# --- the cohort's participants, attendance and talks together -----------------------------


@dataclass
class AttendanceOut:
    present: int
    absent: int
    excused: int
    rate: float | None
    missed_in_a_row: bool


@dataclass
class TalkCounts:
    booked: int
    held: int


@dataclass
class Warning:
    code: str  # missed_twice | few_talks_booked | few_talks_held
    message: str
    params: dict
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.message % self.params


@dataclass
class RosterRow:
    enrolment_id: int
    participant: PersonRef
    primary_contact: PersonRef
    status: str
    reason: str
    waiting_position: int | None
    attendance: AttendanceOut
    talks: TalkCounts
    outcome: str | None
    outcome_date: date | None
    warnings: list[Warning]


def _held_sessions(cohort: cohorts.CohortOut, today: date) -> list:
    return [s for s in cohort.sessions if s.status != "cancelled" and s.date <= today]


async def roster(staff: Staff, cohort_id: int) -> list[RosterRow]:
    """Everyone on the cohort, with attendance, talks, outcome and warnings."""
    cohort = await _cohort_for_people(staff, cohort_id)
    return await _roster(cohort)


async def _roster(cohort: cohorts.CohortOut) -> list[RosterRow]:
    rows = await Enrolment.select(
        *Enrolment.all_columns(),
        Enrolment.participant.name.as_alias("name"),
        Enrolment.participant.primary_contact.as_alias("contact"),
    ).where(Enrolment.cohort == cohort.id)
    if not rows:
        return []
    today = _today()
    held = _held_sessions(cohort, today)
    session_ids = {
        r["number"]: r["id"]
        for r in await Session.select(Session.id, Session.number).where(Session.cohort == cohort.id)
    }
    marks = await Attendance.select(Attendance.session, Attendance.participant, Attendance.status).where(
        Attendance.session.is_in(list(session_ids.values()) or [0])
    )
    mark = {(m["session"], m["participant"]): m["status"] for m in marks}
    talks = await hooks.cohort_talk_statuses(cohort.id)
    outcomes = {
        o["enrolment"]: o
        for o in await Outcome.select().where(Outcome.enrolment.is_in([r["id"] for r in rows]))
    }
    names = await _names(r["contact"] for r in rows)
    waiting = sorted((r for r in rows if r["status"] == "waiting"), key=lambda r: (r["created_at"], r["id"]))
    course_over = cohort.status == "finished"
    out = []
    for r in rows:
        stats = rules.attendance_stats([mark.get((session_ids[s.number], r["participant"])) for s in held])
        own = [status for participant, status in talks if participant == r["participant"]]
        counts = TalkCounts(booked=sum(s in ("planned", "held") for s in own), held=own.count("held"))
        warnings = []
        if r["status"] in ("enrolled", "completed"):
            if stats.missed_in_a_row:
                warnings.append(Warning("missed_twice", N_("Missed two sessions in a row."), {}))
            message = rules.talk_warning(counts.booked, counts.held, course_over)
            if message and cohort.status != "cancelled":
                warnings.append(Warning(
                    "few_talks_held" if course_over else "few_talks_booked", message,
                    {"count": counts.held if course_over else counts.booked, "needed": rules.TALKS_NEEDED},
                ))
        outcome = outcomes.get(r["id"])
        out.append(RosterRow(
            enrolment_id=r["id"],
            participant=PersonRef(r["participant"], r["name"]),
            primary_contact=PersonRef(r["contact"], names.get(r["contact"], "")),
            status=r["status"],
            reason=r["reason"],
            waiting_position=waiting.index(r) + 1 if r in waiting else None,
            attendance=AttendanceOut(stats.present, stats.absent, stats.excused, stats.rate, stats.missed_in_a_row),
            talks=counts,
            outcome=outcome["kind"] if outcome else None,
            outcome_date=outcome["date"] if outcome else None,
            warnings=warnings,
        ))
    order = {s: i for i, s in enumerate(rules.STATUSES)}
    return sorted(out, key=lambda x: (order[x.status], nb_sort_key(x.participant.name)))


# --- attendance ---------------------------------------------------------------------------


@dataclass
class RegisterRow:
    participant_id: int
    name: str
    status: str | None
    note: str


@dataclass
class RegisterOut:
    cohort_id: int
    number: int
    date: date
    module_name: str
    session_status: str
    can_register: bool
    rows: list[RegisterRow]


async def _session_id(cohort_id: int, number: int) -> int:
    row = await Session.select(Session.id).where(Session.cohort == cohort_id, Session.number == number).first()
    if row is None:
        raise NotFound
    return row["id"]


async def register(staff: Staff, cohort_id: int, number: int) -> RegisterOut:
    cohort = await _cohort_for_people(staff, cohort_id)
    session = next((s for s in cohort.sessions if s.number == number), None)
    if session is None:
        raise NotFound
    session_id = await _session_id(cohort_id, number)
    people = await Enrolment.select(Enrolment.participant, Enrolment.participant.name.as_alias("name")).where(
        Enrolment.cohort == cohort_id, Enrolment.status.is_in(sorted(rules.ON_REGISTER))
    )
    marks = {
        m["participant"]: m
        for m in await Attendance.select().where(Attendance.session == session_id)
    }
    rows = [
        RegisterRow(p["participant"], p["name"], marks.get(p["participant"], {}).get("status"),
                    marks.get(p["participant"], {}).get("note", ""))
        for p in people
    ]
    return RegisterOut(
        cohort_id=cohort_id, number=number, date=session.date, module_name=session.module_name,
        session_status=session.status,
        can_register=session.status != "cancelled" and session.date <= _today(),
        rows=sorted(rows, key=lambda r: nb_sort_key(r.name)),
    )


async def mark_attendance(staff: Staff, cohort_id: int, number: int, participant_id, status: str,
                          note: str = "") -> RegisterRow:
    """Present, absent or excused (with a note) for one participant at one session;
    saving again replaces the earlier mark."""
    sheet = await register(staff, cohort_id, number)
    errors: dict[str, str] = {}
    row = next((r for r in sheet.rows if r.participant_id == participant_id), None)
    if row is None:
        raise NotFound
    if status not in rules.ATTENDANCE:
        errors["status"] = N_("Choose present, absent or excused.")
    text = " ".join(str(note or "").split())
    if has_control_chars(text) or len(text) > 500:
        errors["note"] = N_("The note can be at most 500 characters.")
    elif status == "excused" and not text:
        errors["note"] = N_("Write why the absence is excused.")
    if sheet.session_status == "cancelled":
        errors["session"] = N_("The session is cancelled.")
    elif sheet.date > _today():
        errors["session"] = N_("Attendance can be registered from the day of the session.")
    if errors:
        raise InvalidInput(errors)
    session_id = await _session_id(cohort_id, number)
    now = _now()
    async with write_transaction():
        await lock(f"attendance:{session_id}:{participant_id}")
        updated = await Attendance.update(
            {Attendance.status: status, Attendance.note: text, Attendance.recorded_by: staff.id,
             Attendance.recorded_at: now}
        ).where(Attendance.session == session_id, Attendance.participant == participant_id).returning(
            Attendance.id
        )
        if not updated:
            await Attendance.insert(
                Attendance(session=session_id, participant=participant_id, status=status, note=text,
                           recorded_by=staff.id, recorded_at=now)
            )
    return RegisterRow(participant_id, row.name, status, text)


# --- outcomes and the cohort summary ---------------------------------------------------------


async def set_outcome(staff: Staff, enrolment_id: int, kind: str, day: str, note: str = "") -> EnrolmentOut:
    row, cohort = await _enrolment_row(staff, enrolment_id)
    errors: dict[str, str] = {}
    if kind not in rules.OUTCOMES:
        errors["kind"] = N_("Choose one of: %(choices)s.")
    when = cohorts.parse_date(day, errors, "date")
    if when and when < cohort.start_date:
        errors["date"] = N_("The outcome date cannot be before the cohort started.")
    text = str(note or "").strip()
    if has_control_chars(text.replace("\n", " ")) or len(text) > 2000:
        errors["note"] = N_("The note can be at most 2,000 characters.")
    if row["status"] in ("waiting", "withdrawn", "invited"):
        errors["kind"] = N_("An outcome is recorded for those who were enrolled.")
    if errors:
        raise InvalidInput(errors, {"kind": {"choices": ", ".join(rules.OUTCOMES)}})
    now = _now()
    async with write_transaction():
        await lock(f"enrolment:{enrolment_id}")
        updated = await Outcome.update(
            {Outcome.kind: kind, Outcome.date: when, Outcome.note: text, Outcome.changed_by: staff.id,
             Outcome.changed_at: now}
        ).where(Outcome.enrolment == enrolment_id).returning(Outcome.id)
        if not updated:
            await Outcome.insert(Outcome(enrolment=enrolment_id, kind=kind, date=when, note=text,
                                         changed_by=staff.id, changed_at=now))
        await audit.record("outcome_set", actor=staff.id, office=cohort.office_id,
                           details={"enrolment": enrolment_id, "kind": kind})
    return await _enrolment_out(enrolment_id)


@dataclass
class CohortSummary:
    cohort_id: int
    title: str
    status: str
    capacity: int
    statuses: dict[str, int]
    participants: int  # everyone who was enrolled: enrolled, completed or dropped out
    attendance_rate: float | None
    talks_held: int
    talks_per_participant: float | None
    with_warnings: int
    outcomes: dict[str, int]


async def cohort_summary(staff: Staff, cohort_id: int) -> CohortSummary:
    """Counts and rates only: managers may read this, so it holds no names."""
    cohort = await cohorts.get_cohort(staff, cohort_id)
    return summarise(cohort, await _roster(cohort))


def summarise(cohort: cohorts.CohortOut, rows: list[RosterRow]) -> CohortSummary:
    """The summary of a cohort from its roster, already read."""
    counted = [r for r in rows if r.status in rules.ON_REGISTER]
    statuses = {s: sum(r.status == s for r in rows) for s in rules.STATUSES}
    held = sum(r.talks.held for r in counted)
    return CohortSummary(
        cohort_id=cohort.id,
        title=cohort.title,
        status=cohort.status,
        capacity=cohort.capacity,
        statuses=statuses,
        participants=len(counted),
        attendance_rate=rules.cohort_rate(
            rules.AttendanceStats(r.attendance.present, r.attendance.absent, r.attendance.excused, None, False)
            for r in counted
        ),
        talks_held=held,
        talks_per_participant=held / len(counted) if counted else None,
        with_warnings=sum(bool(r.warnings) for r in counted),
        outcomes=rules.outcome_counts(r.outcome for r in counted + [x for x in rows if x.status == "no_show"]),
    )


@dataclass
class WarningOut:
    cohort_id: int
    cohort_title: str
    participant: PersonRef
    code: str  # missed_twice | few_talks_booked | few_talks_held
    message: str  # the message id, for translating; ``text`` has the parameters filled in
    params: dict
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.message % self.params


async def warnings_for(staff: Staff) -> list[WarningOut]:
    """Warnings for the cohorts the caller leads and the participants they are
    primary contact for: running cohorts and those that ended in the last 30 days."""
    if not policies.may_see_people(staff):
        return []
    today = _today()
    # Cohorts that started within the last ten weeks: running, or ended within about a month.
    recent = Cohort.start_date >= today - timedelta(weeks=10)
    led = {r["cohort"] for r in await CohortLeader.select(CohortLeader.cohort).where(
        CohortLeader.leader == staff.id, CohortLeader.cohort.start_date >= today - timedelta(weeks=10))}
    contact_of = await Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant.primary_contact == staff.id, Enrolment.cohort.start_date >= today - timedelta(weeks=10))
    ids = led | {r["cohort"] for r in contact_of}
    rows = await Cohort.select().where(
        cohorts.policies.cohort_scope(staff), recent, Cohort.id.is_in(sorted(ids) or [0])
    ).order_by(Cohort.start_date)
    out: list[WarningOut] = []
    for cohort in await cohorts.load(rows):
        if cohort.status not in ("running", "finished") or cohort.end_date < today - timedelta(days=30):
            continue
        for row in await _roster(cohort):
            if cohort.id not in led and row.primary_contact.id != staff.id:
                continue
            for w in row.warnings:
                out.append(WarningOut(cohort.id, cohort.title, row.participant, w.code, w.message, w.params))
    return out


# --- the personal link -----------------------------------------------------------------------


@dataclass
class LinkOut:
    token: str
    expires_at: datetime


async def issue_link(staff: Staff, participant_id: int, days=LINK_DAYS) -> LinkOut:
    """A new secret link to the participant's own page; earlier links stop working."""
    row = await _participant_row(staff, participant_id)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_LINK_DAYS:
        raise InvalidInput({"days": N_("The link can last from 1 to 365 days.")})
    if not (await consent_state(participant_id)).participation:
        raise InvalidInput({"participant": N_("The participant has not consented to taking part.")})
    token = secrets.token_urlsafe(32)
    now = _now()
    expires = now + timedelta(days=days)
    async with write_transaction():
        await ParticipantLink.update({ParticipantLink.revoked_at: now}).where(
            ParticipantLink.participant == participant_id, ParticipantLink.revoked_at.is_null()
        )
        await ParticipantLink.insert(
            ParticipantLink(participant=participant_id, token_hash=digest(token), seal_key=sealing.link_key(token),
                            created_at=now, created_by=staff.id, expires_at=expires)
        )
        await audit.record("participant_link_issued", actor=staff.id, office=row["office"],
                           details={"participant": participant_id})
    return LinkOut(token, expires)


async def revoke_link(staff: Staff, participant_id: int) -> None:
    row = await _participant_row(staff, participant_id)
    async with write_transaction():
        await ParticipantLink.update({ParticipantLink.revoked_at: _now()}).where(
            ParticipantLink.participant == participant_id, ParticipantLink.revoked_at.is_null()
        )
        await audit.record("participant_link_revoked", actor=staff.id, office=row["office"],
                           details={"participant": participant_id})


async def seal_keys(participant_ids: list[int]) -> dict[int, str]:
    """The public seal key of each participant's personal link in force, for those
    whose link has one (links issued before keys existed have none)."""
    rows = await ParticipantLink.select(ParticipantLink.participant, ParticipantLink.seal_key).where(
        ParticipantLink.participant.is_in(participant_ids or [0]), ParticipantLink.revoked_at.is_null(),
        ParticipantLink.expires_at > _now(), ParticipantLink.seal_key.is_not_null())
    return {r["participant"]: r["seal_key"] for r in rows}


class LinkExpired(NotFound):
    """The link was real but has expired or been revoked: not found, except on the
    participant's own page, which says so (410)."""


async def participant_for_token(token: str) -> int:
    if not token or len(token) > 100:
        raise NotFound
    row = await ParticipantLink.select().where(ParticipantLink.token_hash == digest(token)).first()
    if row is None:
        raise NotFound
    if row["revoked_at"] is not None or row["expires_at"] <= _now():
        raise LinkExpired
    return row["participant"]


@dataclass
class OwnItem:
    kind: str  # session | talk
    date: date
    start_time: str
    end_time: str
    title: str
    location: str
    cancelled: bool
    uid: str


@dataclass
class OwnPage:
    participant_id: int
    first_name: str
    items: list[OwnItem]


async def own_schedule(token: str) -> OwnPage:
    """What the participant's own page shows of this domain: their sessions. The
    portal adds their guidance talks."""
    participant_id = await participant_for_token(token)
    person = await Participant.select(Participant.name).where(Participant.id == participant_id).first()
    enrolled = await Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant == participant_id, Enrolment.status.is_in(["invited", "enrolled", "completed"])
    )
    from course.web.i18n import gettext

    items: list[OwnItem] = []
    rows = await Cohort.select().where(Cohort.id.is_in(sorted({e["cohort"] for e in enrolled}) or [0]))
    for cohort in await cohorts.load(rows):
        for s in cohort.sessions:
            items.append(OwnItem(
                "session", s.date, s.start_time, s.end_time,
                gettext("Session %(number)s: %(module)s") % {"number": s.number, "module": gettext(s.module_name)},
                s.location, s.status == "cancelled" or cohort.status == "cancelled",
                f"kjk-cohort-{cohort.id}-session-{s.number}@klart-jeg-kan",
            ))
    items.sort(key=lambda i: (i.date, i.start_time))
    return OwnPage(participant_id=participant_id, first_name=person["name"].split()[0], items=items)
