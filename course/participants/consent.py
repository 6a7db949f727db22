"""Consent: reading a consent from a form or a request, recording it, and what a
withdrawal of consent to take part ends (open enrolments, planned talks, the link)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput
from course.participants import consent_texts, hooks, rules
from course.participants.common import past_date
from course.participants.enrolment import fill_from_waiting_list
from course.participants.records import ParticipantOut, consent_state, get_participant, participant_row
from course.participants.tables import Consent, Enrolment, ParticipantLink
from course.validation import check_line

OPEN = ["invited", "enrolled", "waiting"]


@dataclass
class ConsentInput:
    scopes: list
    date: str
    # The version of the consent text the person saw; None: the version in force on
    # the consent's date. A withdrawal is stamped with the version in force that day.
    text_version: str | None = None
    action: str = "given"


def parse_consent(data: ConsentInput | None, errors: dict[str, str], prefix: str = "") -> dict | None:
    """The consent's fields checked, with any errors named ``prefix`` + field."""
    if data is None:
        return None
    if data.action not in ("given", "withdrawn"):
        errors[prefix + "action"] = N_("Choose given or withdrawn.")
    scopes = data.scopes if isinstance(data.scopes, list) else None
    if not scopes or not all(s in rules.SCOPES for s in scopes) or len(set(scopes)) != len(scopes):
        errors[prefix + "scopes"] = N_(
            "Choose one or more of participation, sharing, evaluation, contact by SMS and contact by e-mail."
        )
        scopes = []
    version = None
    if data.action == "given" and data.text_version is not None:
        version = check_line(
            data.text_version,
            prefix + "text_version",
            errors,
            N_("The version contains characters that are not allowed."),
            N_("Give the version of the consent text."),
            N_("The version can be at most 40 characters."),
            max_length=40,
        )
    day = past_date(data.date, errors, prefix + "date")
    return {"action": data.action, "version": version, "scopes": scopes, "date": day}


async def stamp_version(consent: dict | None, errors: dict[str, str], prefix: str = "") -> None:
    """The version of the consent text a consent checked by ``parse_consent`` is recorded
    with. A consent given names the version the person saw: one that exists and has
    taken effect (without one, the version in force on its date). A withdrawal is
    stamped with the version in force on the day it is recorded, whatever was sent."""
    if consent is None:
        return
    today = clock.today()
    if consent["action"] != "given":
        consent["version"] = (await consent_texts.text_in_force(today)).version
    elif consent["version"] is None:
        consent["version"] = (await consent_texts.text_in_force(consent["date"] or today)).version
    elif prefix + "text_version" not in errors:
        text = await consent_texts.find_text(consent["version"])
        if text is None:
            errors[prefix + "text_version"] = N_("There is no consent text with this version.")
        elif text.effective_from > (consent["date"] or today):
            # The person cannot have seen a text before it took effect.
            errors[prefix + "text_version"] = N_("This version of the consent text was not in force on that date.")


async def insert_consent(staff: Staff, participant_id: int, consent: dict, at: datetime) -> None:
    """Record a consent checked by ``parse_consent`` for a participant the caller has
    already selected (inside their write transaction)."""
    await Consent.insert(
        Consent(
            participant=participant_id,
            action=consent["action"],
            text_version=consent["version"],
            participation="participation" in consent["scopes"],
            sharing="sharing" in consent["scopes"],
            evaluation="evaluation" in consent["scopes"],
            contact_sms="contact_sms" in consent["scopes"],
            contact_email="contact_email" in consent["scopes"],
            date=consent["date"],
            recorded_by=staff.id,
            recorded_at=at,
        )
    )


async def record_consent(staff: Staff, participant_id: int, data: ConsentInput) -> ParticipantOut:
    """Record a consent or a withdrawal. Withdrawing consent to take part takes
    effect at once: open enrolments are withdrawn, planned talks cancelled and the
    personal link revoked."""
    row = await participant_row(staff, participant_id)
    errors: dict[str, str] = {}
    consent = parse_consent(data, errors)
    await stamp_version(consent, errors)
    if errors:
        raise InvalidInput(errors)
    assert consent is not None  # parsed from data that was given
    at = clock.utc_now()
    async with write_transaction():
        # Every cohort the withdrawal may free a place in, as ``_end_participation`` sees them.
        open_cohorts = await Enrolment.select(Enrolment.cohort).where(
            Enrolment.participant == participant_id, Enrolment.status.is_in(OPEN)
        )
        await lock(f"participant:{participant_id}", *(f"cohort:{r['cohort']}" for r in open_cohorts))
        await insert_consent(staff, participant_id, consent, at)
        state = await consent_state(participant_id)
        if not state.participation:
            await _end_participation(participant_id, at)
        # Given or withdrawn; to what stays in the consent history, not in the log.
        await audit.record(
            audit.CONSENT_GIVEN if consent["action"] == "given" else audit.CONSENT_WITHDRAWN,
            actor=staff.id,
            office=row["office"],
            participant=participant_id,
            details={"participant": participant_id},
        )
    return await get_participant(staff, participant_id)


async def _end_participation(participant_id: int, at: datetime) -> None:
    """Consent to take part is gone: withdraw the open enrolments in cohorts still
    planned or running, cancel the planned talks, revoke the link. The participant
    was selected through the caller's scope; this runs in their transaction."""
    open_rows = await Enrolment.select(Enrolment.id, Enrolment.cohort).where(
        Enrolment.participant == participant_id,
        Enrolment.status.is_in(OPEN),
    )
    # A cohort that is over keeps its record as it was.
    theirs = Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant == participant_id, Enrolment.status.is_in(OPEN)
    )
    ongoing = {
        c.id
        for c in await cohorts.load(await Cohort.select().where(Cohort.id.is_in(theirs)))
        if c.status in ("planned", "running")
    }
    for row in open_rows:
        if row["cohort"] not in ongoing:
            continue
        await Enrolment.update(
            {
                Enrolment.status: "withdrawn",
                Enrolment.reason: "Samtykke til å delta er trukket",
                Enrolment.changed_at: at,
            }
        ).where(Enrolment.id == row["id"])
        await fill_from_waiting_list(row["cohort"], at)
    await hooks.participation_ended(participant_id, None, at)
    await ParticipantLink.update({ParticipantLink.revoked_at: at, ParticipantLink.sealed_token: None}).where(
        ParticipantLink.participant == participant_id, ParticipantLink.revoked_at.is_null()
    )
