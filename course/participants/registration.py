"""Registration: a participant's details checked and saved, changed later, and the
follow-up category. Changes select the participant through ``participant_scope``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column

from course import clock
from course.accounts.schemas import Staff
from course.accounts.tables import StaffUser
from course.audit import services as audit
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.participants import path, policies
from course.participants.common import lock_participant, past_date
from course.participants.consent import ConsentInput, insert_consent, parse_consent, stamp_version
from course.participants.links import participant_for_token
from course.participants.records import ParticipantOut, consent_state, get_participant, participant_row
from course.participants.tables import CategoryChange, Participant
from course.validation import as_id, check_line, has_control_chars, nb_sort_key, whole_number

PHONE_RE = re.compile(r"^\+?\d{8,15}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    preferred_channel: str = "sms"


@dataclass
class ParticipantChanges:
    name: str | None = None
    birth_year: object = None
    primary_contact_id: object = None
    phone: str | None = None
    email: str | None = None
    referral_date: str | None = None
    preferred_channel: str | None = None


def _birth_year(value, errors: dict[str, str]) -> int | None:
    year = clock.today().year
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


CHANNELS = ("sms", "email")


def _channel(value, errors: dict[str, str]) -> str:
    text = str(value or "").strip()
    if text not in CHANNELS:
        errors["preferred_channel"] = N_("Choose SMS or e-mail.")
    return text


async def _primary_contact(value, office_id: int, errors: dict[str, str]) -> int | None:
    value = as_id(value)
    if value and await StaffUser.exists().where(StaffUser.id == value, policies.may_be_primary_contact(office_id)):
        return value
    errors["primary_contact_id"] = N_("Choose a primary contact from the participant's own office.")
    return None


def _name(value, errors: dict[str, str]) -> str:
    return check_line(
        value,
        "name",
        errors,
        N_("The name contains characters that are not allowed."),
        N_("Enter the participant's name."),
        N_("The name can be at most 200 characters."),
    )


def _year_params() -> dict:
    year = clock.today().year
    return {"birth_year": {"first": year - 35, "last": year - 14}}


async def create_participant(staff: Staff, data: ParticipantInput) -> ParticipantOut:
    errors: dict[str, str] = {}
    office_id = policies.office_for(staff, data.office_id)
    name = _name(data.name, errors)
    birth_year = _birth_year(data.birth_year, errors)
    phone = _phone(data.phone, errors)
    email = _email(data.email, errors)
    channel = _channel(data.preferred_channel, errors)
    referral = past_date(data.referral_date, errors, "referral_date") if data.referral_date else None
    contact = await _primary_contact(data.primary_contact_id, office_id, errors)
    consent = parse_consent(data.consent, errors, "consent.")
    if consent and consent["action"] != "given":
        errors["consent.action"] = N_("A new participant can only be registered with a consent given.")
    await stamp_version(consent, errors, "consent.")
    if errors:
        raise InvalidInput(errors, _year_params())
    at = clock.utc_now()
    async with write_transaction():
        participant_id = (
            await Participant.insert(
                Participant(
                    office=office_id,
                    name=name,
                    sort_name=nb_sort_key(name),
                    birth_year=birth_year,
                    phone=phone,
                    email=email,
                    preferred_channel=channel,
                    primary_contact=contact,
                    referral_date=referral,
                    created_at=at,
                )
            ).returning(Participant.id)
        )[0]["id"]
        if consent:
            await insert_consent(staff, participant_id, consent, at)
        if referral:
            # The referral committee date is the HU step's date on the way in.
            await path.sync_hu_date(participant_id, referral, staff.id)
        await audit.record(
            audit.PARTICIPANT_CREATED,
            actor=staff.id,
            office=office_id,
            participant=participant_id,
            details={"participant": participant_id},
        )
    return await get_participant(staff, participant_id)


async def update_participant(staff: Staff, participant_id: int, changes: ParticipantChanges) -> ParticipantOut:
    current = await participant_row(staff, participant_id)
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
    if changes.preferred_channel is not None:
        values[Participant.preferred_channel] = _channel(changes.preferred_channel, errors)
    if changes.referral_date is not None:
        day = past_date(changes.referral_date, errors, "referral_date") if changes.referral_date else None
        values[Participant.referral_date] = day
        if day != current["referral_date"]:
            # The HU step takes the same date: it must fit the steps around it.
            if "referral_date" not in errors and (clash := await path.hu_date_errors(participant_id, day)):
                errors["referral_date"] = next(iter(clash.values()))
    if changes.primary_contact_id is not None:
        contact = await _primary_contact(changes.primary_contact_id, current["office"], errors)
        if contact is not None and contact != current["primary_contact"]:
            may_hand_on = await Participant.exists().where(
                policies.participant_scope(staff), policies.handover_scope(staff), Participant.id == participant_id
            )
            if not may_hand_on:
                errors["primary_contact_id"] = N_(
                    "Only the present primary contact or an administrator can change the primary contact."
                )
            values[Participant.primary_contact] = contact
    if errors:
        raise InvalidInput(errors, _year_params())
    if Participant.name in values:
        values[Participant.sort_name] = nb_sort_key(values[Participant.name])
    if values:
        async with write_transaction():
            # Under the participant's lock: an erasure or a change to the way in under way
            # finishes first, and the HU date is checked again against the steps as they are now.
            await lock_participant(staff, participant_id)
            day = values.get(Participant.referral_date)
            if Participant.referral_date in values and day != current["referral_date"]:
                if clash := await path.hu_date_errors(participant_id, day):
                    raise InvalidInput({"referral_date": next(iter(clash.values()))})
            await Participant.update(values).where(policies.participant_scope(staff), Participant.id == participant_id)
            if Participant.referral_date in values and day != current["referral_date"]:
                await path.sync_hu_date(participant_id, day, staff.id)
            details = {
                "participant": participant_id,
                "fields": sorted(c._meta.name for c in values if c is not Participant.sort_name),
            }
            if Participant.primary_contact in values:
                details["primary_contact"] = {
                    "from": current["primary_contact"],
                    "to": values[Participant.primary_contact],
                }
            await audit.record(
                audit.PARTICIPANT_UPDATED,
                actor=staff.id,
                office=current["office"],
                participant=participant_id,
                details=details,
            )
    return await get_participant(staff, participant_id)


async def set_category(staff: Staff, participant_id: int, category) -> ParticipantOut:
    row = await participant_row(staff, participant_id)
    if isinstance(category, str) and (number := whole_number(category)) is not None:
        category = number
    if isinstance(category, bool) or category not in (1, 2, 3, 4):
        raise InvalidInput({"category": N_("Choose a follow-up category from 1 to 4.")})
    async with write_transaction():
        await CategoryChange.insert(
            CategoryChange(
                participant=participant_id, category=category, changed_by=staff.id, changed_at=clock.utc_now()
            )
        )
        # That the category changed, not to what: the value stays in the category history.
        await audit.record(
            audit.CATEGORY_CHANGED,
            actor=staff.id,
            office=row["office"],
            participant=participant_id,
            details={"participant": participant_id},
        )
    return await get_participant(staff, participant_id)


# --- the participant's own contact details -----------------------------------------------


@dataclass
class OwnContact:
    """What the participant's own page shows of how they are reached, and what they
    have consented to: they correct the details, staff record the consent."""

    phone: str
    email: str
    preferred_channel: str  # sms | email
    consent_sms: bool
    consent_email: bool


@dataclass
class OwnContactInput:
    phone: str = ""
    email: str = ""
    preferred_channel: str = "sms"


OWN_CONTACT_FIELDS = (Participant.phone, Participant.email, Participant.preferred_channel)


def _name_of(column: Column | str) -> str:
    return column if isinstance(column, str) else column._meta.name


async def own_contact(participant_id: int) -> OwnContact:
    """The contact details of the participant the link found, for their own page."""
    row = (
        await Participant.select(*OWN_CONTACT_FIELDS)
        .where(Participant.id == participant_id, Participant.erased_at.is_null())
        .first()
    )
    if row is None:
        raise NotFound
    state = await consent_state(participant_id)
    return OwnContact(
        phone=row["phone"],
        email=row["email"],
        preferred_channel=row["preferred_channel"],
        consent_sms=state.may_contact("sms"),
        consent_email=state.may_contact("email"),
    )


async def update_own_contact(token: str, data: OwnContactInput) -> OwnContact:
    """The participant corrects their phone number, e-mail and preferred channel on
    their own page (the link is the key), checked as the staff's form checks them.
    Consent to be contacted is not given here: staff record it. The audit event
    names the fields that changed, never the number or the address."""
    participant_id = await participant_for_token(token)
    errors: dict[str, str] = {}
    values: dict[Column | str, Any] = {
        Participant.phone: _phone(data.phone, errors),
        Participant.email: _email(data.email, errors),
        Participant.preferred_channel: _channel(data.preferred_channel, errors),
    }
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        # The participant's lock: an erasure or a change by staff under way finishes
        # first; the link is checked again, so a link revoked meanwhile writes nothing.
        await lock(f"participant:{participant_id}")
        if await participant_for_token(token) != participant_id:
            raise NotFound
        current = (
            await Participant.select(Participant.office, *OWN_CONTACT_FIELDS)
            .where(Participant.id == participant_id, Participant.erased_at.is_null())
            .first()
        )
        if current is None:
            raise NotFound
        changed = {column: value for column, value in values.items() if current[_name_of(column)] != value}
        if changed:
            await Participant.update(changed).where(Participant.id == participant_id, Participant.erased_at.is_null())
            await audit.record(
                audit.PARTICIPANT_UPDATED,
                office=current["office"],
                participant=participant_id,
                details={
                    "participant": participant_id,
                    "fields": sorted(_name_of(c) for c in changed),
                    "by": "participant",
                },
            )
    return await own_contact(participant_id)
