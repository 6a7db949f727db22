"""The participant's personal link: issuing and revoking it (staff, through the
participant's scope), and what the link itself opens (no login: the token is the scope)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from course import clock, sealing
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.db import write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.participants import policies
from course.participants.common import lock_participant
from course.participants.records import consent_state, participant_row
from course.participants.tables import Enrolment, Participant, ParticipantLink
from course.tokens import digest

LINK_DAYS = 90
MAX_LINK_DAYS = 365


@dataclass
class LinkOut:
    token: str
    expires_at: datetime


async def issue_link(staff: Staff, participant_id: int, days=LINK_DAYS) -> LinkOut:
    """A new secret link to the participant's own page; earlier links stop working."""
    row = await participant_row(staff, participant_id)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_LINK_DAYS:
        raise InvalidInput({"days": N_("The link can last from 1 to 365 days.")})
    if not (await consent_state(participant_id)).participation:
        raise InvalidInput({"participant": N_("The participant has not consented to taking part.")})
    token = secrets.token_urlsafe(32)
    at = clock.utc_now()
    expires = at + timedelta(days=days)
    async with write_transaction():
        await lock_participant(staff, participant_id)
        await ParticipantLink.update({ParticipantLink.revoked_at: at, ParticipantLink.sealed_token: None}).where(
            policies.link_scope(staff),
            ParticipantLink.participant == participant_id,
            ParticipantLink.revoked_at.is_null(),
        )
        await ParticipantLink.insert(
            ParticipantLink(
                participant=participant_id,
                token_hash=digest(token),
                seal_key=sealing.link_key(token),
                sealed_token=sealing.encrypt(_link_box(), token.encode(), LINK_CONTEXT),
                created_at=at,
                created_by=staff.id,
                expires_at=expires,
            )
        )
        await audit.record(
            audit.LINK_ISSUED,
            actor=staff.id,
            office=row["office"],
            participant=participant_id,
            details={"participant": participant_id},
        )
    return LinkOut(token, expires)


LINK_CONTEXT = "participant-link"


def _link_box() -> bytes:
    from course.settings import get_settings

    return sealing.box_key(get_settings().secret_key, LINK_CONTEXT)


async def current_link_token(participant_id: int) -> str | None:
    """The participant's link in force, for a message to them (course/messages); None
    when they have none, it has expired, or it was issued before links were kept."""
    row = (
        await ParticipantLink.select(ParticipantLink.sealed_token)
        .where(
            ParticipantLink.participant == participant_id,
            ParticipantLink.revoked_at.is_null(),
            ParticipantLink.expires_at > clock.utc_now(),
            ParticipantLink.sealed_token.is_not_null(),
            ParticipantLink.participant._.erased_at.is_null(),
        )
        .order_by(ParticipantLink.id, ascending=False)
        .first()
    )
    if row is None:
        return None
    token = sealing.decrypt(_link_box(), row["sealed_token"], LINK_CONTEXT)
    return token.decode() if token else None


async def revoke_link(staff: Staff, participant_id: int) -> None:
    row = await participant_row(staff, participant_id)
    async with write_transaction():
        await lock_participant(staff, participant_id)
        await ParticipantLink.update(
            {ParticipantLink.revoked_at: clock.utc_now(), ParticipantLink.sealed_token: None}
        ).where(
            policies.link_scope(staff),
            ParticipantLink.participant == participant_id,
            ParticipantLink.revoked_at.is_null(),
        )
        await audit.record(
            audit.LINK_REVOKED,
            actor=staff.id,
            office=row["office"],
            participant=participant_id,
            details={"participant": participant_id},
        )


async def seal_keys(participant_ids: list[int]) -> dict[int, str]:
    """The public seal key of each participant's personal link in force, for those
    whose link has one (links issued before keys existed have none)."""
    rows = await ParticipantLink.select(ParticipantLink.participant, ParticipantLink.seal_key).where(
        ParticipantLink.participant.is_in(participant_ids or [0]),
        ParticipantLink.revoked_at.is_null(),
        ParticipantLink.expires_at > clock.utc_now(),
        ParticipantLink.seal_key.is_not_null(),
    )
    return {r["participant"]: r["seal_key"] for r in rows}


class LinkExpired(NotFound):
    """The link was real but has expired or been revoked: not found, except on the
    participant's own page, which says so (410)."""


async def participant_for_token(token: str) -> int:
    if not token or len(token) > 100:
        raise NotFound
    # An erased participant's link opens nothing, whatever row may be left of it.
    row = (
        await ParticipantLink.select()
        .where(ParticipantLink.token_hash == digest(token), ParticipantLink.participant._.erased_at.is_null())
        .first()
    )
    if row is None:
        raise NotFound
    if row["revoked_at"] is not None or row["expires_at"] <= clock.utc_now():
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
    guest_leader: str = ""  # a session's guest leader from outside the team, "name, organisation"
    sequence: int = 0  # the calendar's SEQUENCE: rises with every change to the session
    modified_at: datetime | None = None


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
    if person is None:
        raise LinkExpired
    theirs = Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant == participant_id, Enrolment.status.is_in(["invited", "enrolled", "completed"])
    )
    from course.web.i18n import gettext

    items: list[OwnItem] = []
    for cohort in await cohorts.load(await Cohort.select().where(Cohort.id.is_in(theirs))):
        for s in cohort.sessions:
            items.append(
                OwnItem(
                    "session",
                    s.date,
                    s.start_time,
                    s.end_time,
                    gettext("Session %(number)s: %(module)s") % {"number": s.number, "module": gettext(s.module_name)},
                    s.location,
                    s.status == "cancelled" or cohort.status == "cancelled",
                    f"kjk-cohort-{cohort.id}-session-{s.number}@klart-jeg-kan",
                    s.guest_leader,
                    s.sequence,
                    s.modified_at,
                )
            )
    items.sort(key=lambda i: (i.date, i.start_time))
    return OwnPage(participant_id=participant_id, first_name=person["name"].split()[0], items=items)
