"""Reading participants: the office's list, one participant in full, and the consent in
force. Every query selects through a scope of the caller's."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from piccolo.columns.combination import WhereRaw

from course import clock, paging
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.errors import NotFound
from course.participants import policies, rules
from course.participants.common import PersonRef, staff_names
from course.participants.path import PathOut, path_of
from course.participants.tables import (
    CategoryChange,
    Consent,
    Enrolment,
    Participant,
    ParticipantLink,
)
from course.validation import nb_sort_key


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
    contact_sms: bool = False  # reminders and messages by SMS
    contact_email: bool = False  # the same by e-mail


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
    preferred_channel: str  # sms | email: how the person would rather get reminders and messages
    office_id: int
    referral_date: date | None
    created_at: datetime
    consent: ConsentStateOut
    consents: list[ConsentOut] = field(default_factory=list)
    categories: list[CategoryOut] = field(default_factory=list)
    enrolments: list[EnrolmentBrief] = field(default_factory=list)
    link: LinkInfo | None = None
    # The way in: referral, HU (its date is referral_date), intake talk, information meeting, start.
    path: PathOut | None = None


async def participant_row(staff: Staff, participant_id: int) -> dict:
    """The participant's row if the caller may see them; NotFound otherwise."""
    row = await Participant.select().where(policies.participant_scope(staff), Participant.id == participant_id).first()
    if row is None:
        raise NotFound
    return row


def consent_events(rows: list[dict]) -> list[rules.ConsentEvent]:
    return [
        rules.ConsentEvent(
            r["id"],
            r["action"],
            r["date"],
            r["text_version"],
            r["participation"],
            r["sharing"],
            r["evaluation"],
            r["contact_sms"],
            r["contact_email"],
        )
        for r in rows
    ]


async def consent_state(participant_id: int) -> rules.ConsentState:
    """The consent in force for a participant the caller has already selected (or that
    a later domain asks about by id)."""
    rows = await Consent.select().where(Consent.participant == participant_id)
    return rules.consent_in_force(consent_events(rows))


def consent_out(state: rules.ConsentState) -> ConsentStateOut:
    return ConsentStateOut(
        state.version,
        state.participation,
        state.sharing,
        state.evaluation,
        state.since,
        contact_sms=state.contact_sms,
        contact_email=state.contact_email,
    )


async def get_participant(staff: Staff, participant_id: int) -> ParticipantOut:
    row = await participant_row(staff, participant_id)
    consents = (
        await Consent.select()
        .where(policies.consent_scope(staff), Consent.participant == participant_id)
        .order_by(Consent.id)
    )
    categories = (
        await CategoryChange.select()
        .where(policies.category_scope(staff), CategoryChange.participant == participant_id)
        .order_by(CategoryChange.id)
    )
    names = await staff_names(
        [row["primary_contact"]] + [c["recorded_by"] for c in consents] + [c["changed_by"] for c in categories]
    )
    enrolments = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.status,
            Enrolment.cohort.id.as_alias("cohort_id"),
            Enrolment.cohort.title.as_alias("title"),
            Enrolment.cohort.start_date.as_alias("start_date"),
        )
        .where(policies.enrolment_scope(staff), Enrolment.participant == participant_id)
        .order_by(Enrolment.cohort.start_date, ascending=False)
    )
    state = rules.consent_in_force(consent_events(consents))
    link = (
        await ParticipantLink.select()
        .where(
            policies.link_scope(staff),
            ParticipantLink.participant == participant_id,
            ParticipantLink.revoked_at.is_null(),
            ParticipantLink.expires_at > clock.utc_now(),
        )
        .first()
    )
    return ParticipantOut(
        id=row["id"],
        name=row["name"],
        birth_year=row["birth_year"],
        primary_contact=PersonRef(row["primary_contact"], names.get(row["primary_contact"], "")),
        category=categories[-1]["category"] if categories else None,
        consent_to_take_part=state.participation,
        phone=row["phone"],
        email=row["email"],
        preferred_channel=row["preferred_channel"],
        office_id=row["office"],
        referral_date=row["referral_date"],
        created_at=row["created_at"],
        consent=consent_out(state),
        consents=[
            ConsentOut(
                id=c["id"],
                action=c["action"],
                text_version=c["text_version"],
                scopes=[s for s in rules.SCOPES if c[s]],
                date=c["date"],
                recorded_by=PersonRef(c["recorded_by"], names.get(c["recorded_by"], "")),
                recorded_at=c["recorded_at"],
            )
            for c in consents
        ],
        categories=[
            CategoryOut(c["category"], PersonRef(c["changed_by"], names.get(c["changed_by"], "")), c["changed_at"])
            for c in categories
        ],
        enrolments=[
            EnrolmentBrief(e["id"], e["cohort_id"], e["title"], e["start_date"], e["status"]) for e in enrolments
        ],
        link=LinkInfo(link["created_at"], link["expires_at"]) if link else None,
        path=await path_of(staff, participant_id),
    )


async def open_participant(staff: Staff, participant_id: int) -> ParticipantOut:
    """The participant in full, as the participant page, its edit form and the API show
    them, and the read written to the audit log (who, whom, from where; nothing of the
    record). Reading a participant to answer a change made to them is ``get_participant``."""
    person = await get_participant(staff, participant_id)
    await audit.read(audit.PARTICIPANT_READ, actor=staff.id, participant=participant_id, office=person.office_id)
    return person


async def consents_of(staff: Staff, ids: list[int]) -> dict[int, bool]:
    """Whether each of a page's participants (at most paging.MAX_LIMIT) has consented to take part."""
    by_person: dict[int, list[dict]] = {}
    for c in await Consent.select().where(policies.consent_scope(staff), Consent.participant.is_in(ids or [0])):
        by_person.setdefault(c["participant"], []).append(c)
    return {i: rules.consent_in_force(consent_events(by_person.get(i, []))).participation for i in ids}


# The order of the participant list: by name as Norwegian sorts it, then by id.
PARTICIPANT_ORDER = (paging.Key(Participant.sort_name), paging.Key(Participant.id))


def name_search(query: str):
    """Where-clause for participants whose name holds ``query`` (any part, any case);
    None for an empty query."""
    needle = nb_sort_key(unicodedata.normalize("NFC", " ".join(query.split())))
    if not needle:
        return None
    # LIKE on the folded name, the same on both engines; the needle's own wildcards
    # are escaped (SQLite knows no escape character unless one is named).
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return WhereRaw("participant.sort_name LIKE {} ESCAPE '\\'", f"%{escaped}%")


@dataclass
class ParticipantList:
    items: list[ParticipantSummary]
    next: str | None
    previous: str | None
    total: int  # of the whole list, read no further than paging.COUNT_CAP
    more_than: bool  # the list holds more than ``total``


async def list_participants(staff: Staff, query: str = "", page: paging.PageRequest | None = None) -> ParticipantList:
    """A page of the participants the caller may see, by name; ``query`` matches any
    part of the name. Categories and consents are read for the page's people only."""
    where = [policies.participant_scope(staff)]
    if (search := name_search(query)) is not None:
        where.append(search)
    found = await paging.fetch(
        Participant.select(
            Participant.id, Participant.name, Participant.sort_name, Participant.birth_year, Participant.primary_contact
        ).where(*where),
        PARTICIPANT_ORDER,
        page or paging.PageRequest(),
    )
    total, more_than = await paging.count(Participant.select(Participant.id).where(*where))
    rows = found.items
    if not rows:
        return ParticipantList([], found.next, found.previous, total, more_than)
    ids = [r["id"] for r in rows]  # one page: at most paging.MAX_LIMIT
    # The latest category of each (rows in order, so the last one stays).
    categories = {
        r["participant"]: r["category"]
        for r in await CategoryChange.select(CategoryChange.participant, CategoryChange.category)
        .where(policies.category_scope(staff), CategoryChange.participant.is_in(ids))
        .order_by(CategoryChange.id)
    }
    consents = await consents_of(staff, ids)
    names = await staff_names(r["primary_contact"] for r in rows)
    out = [
        ParticipantSummary(
            id=r["id"],
            name=r["name"],
            birth_year=r["birth_year"],
            primary_contact=PersonRef(r["primary_contact"], names.get(r["primary_contact"], "")),
            category=categories.get(r["id"]),
            consent_to_take_part=consents.get(r["id"], False),
        )
        for r in rows
    ]
    return ParticipantList(out, found.next, found.previous, total, more_than)
