"""The outbox: a message is written in the transaction of the change that causes it
(a hook's receiver, a periodic job), so a change that rolls back sends nothing and one
that commits is never lost. Each message has a de-duplication key naming its cause and
recipient; writing the same key again is a no-op, so a job that runs twice, or two
workers that both find tomorrow's sessions, queue one reminder."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from course import clock
from course.accounts.tables import Office, StaffUser
from course.messages import rules, texts
from course.messages.tables import Message
from course.participants import services as participants
from course.participants.tables import Participant

# Set when a message is queued, so the process's relay looks at the outbox soon
# instead of at its next round (see course/messages/jobs.py).
queued = asyncio.Event()


@dataclass(frozen=True)
class Office_:
    name: str
    phone: str


async def _office(office_id: int) -> Office_:
    row = await Office.select(Office.name, Office.phone).where(Office.id == office_id).first()
    return Office_(row["name"], row["phone"]) if row else Office_("", "")


async def _insert(**values) -> bool:
    at = clock.utc_now()
    values.setdefault("not_before", at)
    values["not_before"] = rules.not_before(values["not_before"])
    found = await Message.select(Message.id).where(Message.dedup_key == values["dedup_key"]).first()
    if found:
        return False
    result = await Message.insert(Message(created_at=at, **values)).on_conflict(
        target=Message.dedup_key, action="DO NOTHING"
    )
    queued.set()
    return bool(result)


async def to_participant(
    participant_id: int,
    kind: str,
    key: str,
    context: dict,
    *,
    cohort_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message of ``kind`` to a participant, by the channel they prefer and have
    consented to; nothing (False) when they have consented to none, have no address for
    it, or were erased. ``key`` names the cause (``session:12``): with the kind and the
    participant it makes the de-duplication key."""
    person = (
        await Participant.select(
            Participant.name,
            Participant.phone,
            Participant.email,
            Participant.preferred_channel,
            Participant.office,
            Participant.erased_at,
        )
        .where(Participant.id == participant_id)
        .first()
    )
    if person is None or person["erased_at"] is not None:
        return False
    consent = await participants.consent_state(participant_id)
    channel = rules.channel_for(
        person["preferred_channel"],
        phone=person["phone"],
        email=person["email"],
        sms_consent=consent.contact_sms,
        email_consent=consent.contact_email,
    )
    if channel is None:
        return False
    office = await _office(person["office"])
    text = texts.render(
        kind,
        channel,
        {"first_name": person["name"].split()[0] if person["name"] else "", "office": office, **context},
    )
    return await _insert(
        office=person["office"],
        participant=participant_id,
        cohort=cohort_id,
        kind=kind,
        channel=channel,
        dedup_key=f"{kind}:{key}:p{participant_id}",
        address=person["phone"] if channel == "sms" else person["email"],
        subject=text.subject,
        body=text.body,
        not_before=not_before or clock.utc_now(),
    )


async def to_staff(
    staff_ids: Iterable[int],
    kind: str,
    key: str,
    context: dict,
    *,
    participant_id: int | None = None,
    cohort_id: int | None = None,
) -> int:
    """Queue an e-mail of ``kind`` to each active staff member, to the address they log
    in with; how many were queued."""
    ids = sorted(set(staff_ids))
    if not ids:
        return 0
    people = await StaffUser.select(StaffUser.id, StaffUser.name, StaffUser.email, StaffUser.office).where(
        StaffUser.id.is_in(ids), StaffUser.active.eq(True)
    )
    count = 0
    for person in people:
        office = await _office(person["office"])
        text = texts.render(kind, "email", {"staff_name": person["name"], "office": office, **context})
        count += await _insert(
            office=person["office"],
            participant=participant_id,
            staff=person["id"],
            cohort=cohort_id,
            kind=kind,
            channel="email",
            dedup_key=f"{kind}:{key}:s{person['id']}",
            address=person["email"],
            subject=text.subject,
            body=text.body,
        )
    return count
