"""Builders for the tests of the messages a change sends: participants who may be
reached (consent to be contacted, recorded as a paper form would be), and reading
the outbox."""

from __future__ import annotations

from course import clock
from course.messages.tables import Message
from course.participants.tables import Consent, Participant
from tests.participants.helpers import participant

PHONE = "+4791234567"  # as the number is stored


async def reachable(
    client,
    headers,
    world,
    name: str,
    *,
    sms: bool = True,
    email: bool = False,
    preferred: str = "sms",
    evaluation: bool = True,
    address: str = "",
    **changes,
) -> dict:
    """A participant with a phone number (and an e-mail address if given) who has
    consented to taking part, to the evaluation if asked, and to being contacted by
    the channels asked."""
    person = await participant(client, headers, world, name=name, phone=PHONE, **changes)
    await Participant.update({Participant.email: address, Participant.preferred_channel: preferred}).where(
        Participant.id == person["id"]
    )
    await Consent.insert(
        Consent(
            participant=person["id"],
            action="given",
            text_version="2026-1",
            participation=True,
            sharing=True,
            evaluation=evaluation,
            contact_sms=sms,
            contact_email=email,
            date=clock.today(),
            recorded_by=world.leader,
            recorded_at=clock.now(),
        )
    )
    return person


async def outbox(kind: str | None = None) -> list[dict]:
    query = Message.select().order_by(Message.id)
    if kind is not None:
        query = query.where(Message.kind == kind)
    return await query


def recipients(rows: list[dict]) -> set[tuple]:
    """(participant, staff, channel, address) of each message."""
    return {(r["participant"], r["staff"], r["channel"], r["address"]) for r in rows}
