"""Messages as staff see them: a participant's message log, the messages that did
not get through, sending one of those again, and what an export and an erasure
take of them.

The log says what (the kind, as a label), when, by which channel, to whom (the
participant, or a staff member an alert went to) and how it went; never the text
or the address, which are cleared 30 days after sending anyway
(course/messages/retention.py). Who sees what is in ``policies``: every query
selects through one of its scopes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from course import clock, paging
from course.accounts.schemas import Role, Staff
from course.audit import services as audit
from course.db import write_transaction
from course.errors import N_, Conflict, Forbidden, NotFound
from course.messages import outbox, policies
from course.messages.tables import Message
from course.participants import policies as participant_policies
from course.participants.tables import Participant
from course.validation import valid_id

# What each kind of message is, in a word or two; a kind not named here (added
# later) shows as it is written.
KIND_LABELS: dict[str, str] = {
    "session_reminder": N_("Reminder of a session"),
    "talk_reminder": N_("Reminder of a talk"),
    "session_moved": N_("Session moved"),
    "session_cancelled": N_("Session cancelled"),
    "cohort_cancelled": N_("The course is cancelled"),
    "talk_moved": N_("Talk moved"),
    "talk_cancelled": N_("Talk cancelled"),
    "evaluation_open": N_("The evaluation is open"),
    "absence_alert": N_("Absent twice in a row"),
    "talk_no_show": N_("Did not come to a talk"),
    "absence_reported": N_("Reported absence"),
    "talk_move_requested": N_("Asks for another talk time"),
    "talk_confirmed": N_("Talk confirmed"),
    "daily_digest": N_("Daily overview"),
}
# How it went, in three words: sending counts as waiting (it may yet fail and be retried).
STATES = {"pending": "waiting", "sending": "waiting", "sent": "delivered", "failed": "failed"}
STATE_LABELS = {"delivered": N_("Delivered"), "failed": N_("Not delivered"), "waiting": N_("Waiting")}
CHANNEL_LABELS = {"sms": N_("SMS"), "email": N_("E-mail")}

LOG_ORDER = (paging.Key(Message.created_at, ascending=False), paging.Key(Message.id, ascending=False))
FAILED_ORDER = LOG_ORDER
PURGED = N_("The message's address and text were cleared 30 days after it was given up, so it cannot be sent again.")
NOT_FAILED = N_("Only a message that did not get through can be sent again.")


@dataclass
class StaffRef:
    id: int
    name: str


@dataclass
class MessageOut:
    """One message in a participant's log."""

    id: int
    kind: str  # session_reminder, absence_alert… (KIND_LABELS)
    channel: str  # sms | email
    status: str  # delivered | failed | waiting
    to_participant: bool  # True: to the participant; False: an alert to ``staff``
    staff: StaffRef | None  # the staff member it went to
    cohort_id: int | None
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    attempts: int
    error: str  # what the peer answered when it failed, never the address or the text


@dataclass
class MessageLog:
    participant_id: int
    participant_name: str
    items: list[MessageOut]
    next: str | None
    previous: str | None
    total: int
    more_than: bool


@dataclass
class ParticipantRef:
    id: int
    name: str


@dataclass
class FailedMessageOut:
    """One message that did not get through, as the admin's list shows it."""

    id: int
    kind: str
    channel: str
    status: str  # failed, or waiting once it is sent again
    office_id: int
    office_name: str
    participant: ParticipantRef | None  # whom it is to or about
    to_participant: bool
    staff: StaffRef | None
    created_at: datetime
    failed_at: datetime | None
    attempts: int
    error: str
    purged: bool  # its address and text are cleared: it cannot be sent again


@dataclass
class FailedList:
    items: list[FailedMessageOut]
    next: str | None
    previous: str | None
    total: int
    more_than: bool


def _log_item(row: dict) -> MessageOut:
    return MessageOut(
        id=row["id"],
        kind=row["kind"],
        channel=row["channel"],
        status=STATES.get(row["status"], "waiting"),
        to_participant=row["staff"] is None,
        staff=StaffRef(row["staff"], row["staff_name"] or "") if row["staff"] is not None else None,
        cohort_id=row["cohort"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        failed_at=row["failed_at"],
        attempts=row["attempts"],
        error=row["error"],
    )


LOG_COLUMNS = (
    Message.id,
    Message.kind,
    Message.channel,
    Message.status,
    Message.staff,
    Message.staff.name.as_alias("staff_name"),
    Message.cohort,
    Message.created_at,
    Message.sent_at,
    Message.failed_at,
    Message.attempts,
    Message.error,
)


async def _readable_participant(staff: Staff, participant_id: int) -> str:
    """The participant's name if the caller may read their log; NotFound if they
    cannot see the participant, Forbidden if they can but not the log."""
    if not valid_id(participant_id):
        raise NotFound
    row = (
        await Participant.select(Participant.name)
        .where(participant_policies.participant_scope(staff), Participant.id == participant_id)
        .first()
    )
    if row is None:
        raise NotFound
    if not await Participant.exists().where(
        participant_policies.participant_scope(staff), policies.reader_scope(staff), Participant.id == participant_id
    ):
        raise Forbidden
    return row["name"]


async def participant_messages(staff: Staff, participant_id: int, page: paging.PageRequest | None = None) -> MessageLog:
    """A page of one participant's message log, newest first: to them, and alerts to
    staff about them. NotFound outside the participant scope, Forbidden for a leader
    of the office who neither leads their cohort nor is their primary contact."""
    name = await _readable_participant(staff, participant_id)
    where = (policies.log_scope(staff), Message.participant == participant_id)
    found = await paging.fetch(Message.select(*LOG_COLUMNS).where(*where), LOG_ORDER, page or paging.PageRequest())
    total, more_than = await paging.count(Message.select(Message.id).where(*where))
    return MessageLog(
        participant_id, name, [_log_item(r) for r in found.items], found.next, found.previous, total, more_than
    )


def _failed_item(row: dict) -> FailedMessageOut:
    return FailedMessageOut(
        id=row["id"],
        kind=row["kind"],
        channel=row["channel"],
        status=STATES.get(row["status"], "waiting"),
        office_id=row["office"],
        office_name=row["office_name"] or "",
        participant=ParticipantRef(row["participant"], row["participant_name"] or "")
        if row["participant"] is not None
        else None,
        to_participant=row["staff"] is None,
        staff=StaffRef(row["staff"], row["staff_name"] or "") if row["staff"] is not None else None,
        created_at=row["created_at"],
        failed_at=row["failed_at"],
        attempts=row["attempts"],
        error=row["error"],
        purged=row["purged_at"] is not None,
    )


ADMIN_COLUMNS = (
    Message.id,
    Message.kind,
    Message.channel,
    Message.status,
    Message.office,
    Message.office.name.as_alias("office_name"),
    Message.participant,
    Message.participant.name.as_alias("participant_name"),
    Message.staff,
    Message.staff.name.as_alias("staff_name"),
    Message.created_at,
    Message.failed_at,
    Message.attempts,
    Message.error,
    Message.purged_at,
)


async def failed_messages(staff: Staff, page: paging.PageRequest | None = None) -> FailedList:
    """A page of the messages that did not get through, newest first, every office's:
    an admin's list (Forbidden for anyone else)."""
    if staff.role is not Role.admin:
        raise Forbidden
    where = (policies.admin_scope(staff), Message.status == "failed")
    found = await paging.fetch(Message.select(*ADMIN_COLUMNS).where(*where), FAILED_ORDER, page or paging.PageRequest())
    total, more_than = await paging.count(Message.select(Message.id).where(*where))
    return FailedList([_failed_item(r) for r in found.items], found.next, found.previous, total, more_than)


async def retry_message(staff: Staff, message_id: int) -> FailedMessageOut:
    """Send a message that did not get through again, from its first try: back in the
    outbox as pending, with no attempts, error or time of failure, and the queue
    told. An admin's (Forbidden for anyone else; NotFound for no such message).
    Refused (Conflict) for a message that has not failed, or whose address and
    text are cleared. Audited."""
    if staff.role is not Role.admin:
        raise Forbidden
    if not valid_id(message_id):
        raise NotFound
    scope = policies.admin_scope(staff)
    async with write_transaction():
        row = await Message.select(*ADMIN_COLUMNS).where(scope, Message.id == message_id).first()
        if row is None:
            raise NotFound
        if row["purged_at"] is not None:
            raise Conflict(PURGED, field="message")
        if row["status"] != "failed":
            raise Conflict(NOT_FAILED, field="message")
        await Message.update(
            {
                Message.status: "pending",
                Message.attempts: 0,
                Message.failed_at: None,
                Message.error: "",
                Message.not_before: clock.utc_now(),
            }
        ).where(scope, Message.id == message_id, Message.status == "failed", Message.purged_at.is_null())
        await audit.record(
            audit.MESSAGE_RETRIED,
            actor=staff.id,
            office=row["office"],
            participant=row["participant"],
            details={"message": message_id, "message_kind": row["kind"], "channel": row["channel"]},
        )
        row = await Message.select(*ADMIN_COLUMNS).where(scope, Message.id == message_id).first()
    outbox.queued.set()
    if row is None:  # erased in the meantime
        raise NotFound
    return _failed_item(row)


# --- the participant's export and erasure ------------------------------------------------


@dataclass
class ExportedMessage:
    """A message in the participant's export: what, when, by which channel, to whom
    and how it went; never the text or the address."""

    kind: str  # session_reminder, absence_alert… (KIND_LABELS)
    created_at: datetime
    channel: str
    status: str  # delivered | failed | waiting
    to_participant: bool  # False: an alert about them to a staff member


@dataclass
class ExportedLog:
    messages: list[ExportedMessage]
    withheld: int  # messages about them the caller may not see in the log


async def export_log(staff: Staff, participant_id: int) -> ExportedLog:
    """Every message about the participant the caller may see in the log, oldest
    first, and how many others there are. The caller has been checked to see the
    participant (the export reads their record first)."""
    rows = (
        await Message.select(Message.kind, Message.created_at, Message.channel, Message.status, Message.staff)
        .where(policies.log_scope(staff), Message.participant == participant_id)
        .order_by(Message.created_at)
        .order_by(Message.id)
    )
    everyone = await Message.count().where(
        Message.participant.is_in(
            Participant.select(Participant.id).where(participant_policies.participant_scope(staff))
        ),
        Message.participant == participant_id,
    )
    return ExportedLog(
        [
            ExportedMessage(
                kind=r["kind"],
                created_at=r["created_at"],
                channel=r["channel"],
                status=STATES.get(r["status"], "waiting"),
                to_participant=r["staff"] is None,
            )
            for r in rows
        ],
        max(0, everyone - len(rows)),
    )


async def erase_messages(participant_id: int) -> int:
    """Delete every message to or about an erased participant (inside the erasure's
    transaction): the log names them. How many."""
    count = await Message.count().where(Message.participant == participant_id)
    await Message.delete().where(Message.participant == participant_id)
    return count
