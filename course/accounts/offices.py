"""Offices: listed and read through the caller's office scope, created and renamed;
how long each keeps personal data and its audit events."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from course import clock, paging
from course.accounts import policies
from course.accounts.checks import check_name
from course.accounts.schemas import OfficeOut, Staff
from course.accounts.tables import Office
from course.audit import services as audit
from course.db import is_unique_violation, write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.validation import whole_number

OFFICE_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
# Months after a participant's last cohort ends before their data is erased.
RETENTION_MONTHS = (1, 120)
DEFAULT_RETENTION_MONTHS = 12
# Months the office's audit events are kept.
AUDIT_MONTHS = (6, 120)
DEFAULT_AUDIT_MONTHS = 24


@dataclass(frozen=True)
class OfficeDetail(OfficeOut):
    """An office with how long it keeps personal data and audit events."""

    retention_months: int = DEFAULT_RETENTION_MONTHS
    audit_months: int = DEFAULT_AUDIT_MONTHS
    # The number messages to participants give to call back, as +4722123456; "" for none.
    phone: str = ""


def office_out(row: dict) -> OfficeDetail:
    return OfficeDetail(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        retention_months=row["retention_months"],
        audit_months=row["audit_months"],
        phone=row["phone"],
    )


def check_phone(value, errors: dict[str, str]) -> str:
    """An office's phone number, Norwegian unless it has a country code, kept as
    +4722123456; "" for none."""
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, "NO") if len(text) <= 30 else None
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        errors["phone"] = N_("Give a valid phone number, such as 22 12 34 56, or leave it empty.")
        return text
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _months(value, field: str, bounds: tuple[int, int], errors: dict[str, str]) -> int:
    """A whole number of months within ``bounds``, given as a number or its digits."""
    if isinstance(value, str):
        value = whole_number(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
        errors[field] = (
            N_("Give a whole number of months from 1 to 120.")
            if bounds == RETENTION_MONTHS
            else N_("Give a whole number of months from 6 to 120.")
        )
        return 0
    return value


async def list_offices(staff: Staff) -> list[OfficeDetail]:
    rows = await Office.select().where(policies.office_scope(staff)).order_by(Office.name)
    return [office_out(r) for r in rows]


OFFICE_ORDER = (paging.Key(Office.name), paging.Key(Office.id))


async def offices_page(staff: Staff, page: paging.PageRequest) -> paging.Page[OfficeDetail]:
    """A page of the offices the caller may see, by name and id."""
    found = await paging.fetch(Office.select().where(policies.office_scope(staff)), OFFICE_ORDER, page)
    return paging.Page([office_out(r) for r in found.items], found.next, found.previous)


async def get_office(staff: Staff, office_id: int) -> OfficeDetail:
    row = await Office.select().where(policies.office_scope(staff), Office.id == office_id).first()
    if row is None:
        raise NotFound
    return office_out(row)


async def office_by_code(code: str) -> OfficeDetail | None:
    row = await Office.select().where(Office.code == code.strip()).first()
    return office_out(row) if row else None


async def create_office(
    code: str,
    name: str,
    *,
    retention_months: object = DEFAULT_RETENTION_MONTHS,
    audit_months: object = DEFAULT_AUDIT_MONTHS,
    phone: object = "",
    actor: int | None = None,
) -> OfficeDetail:
    errors: dict[str, str] = {}
    code = code.strip()
    if not OFFICE_CODE_RE.match(code):
        errors["code"] = N_("The code must be 1 to 20 letters, digits, - or _.")
    name = check_name(name, errors)
    retention = _months(retention_months, "retention_months", RETENTION_MONTHS, errors)
    audit_period = _months(audit_months, "audit_months", AUDIT_MONTHS, errors)
    office_phone = check_phone(phone, errors)
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        if await Office.exists().where(Office.code == code):
            raise InvalidInput({"code": N_("An office with this code already exists.")})
        try:
            row = (
                await Office.insert(
                    Office(
                        code=code,
                        name=name,
                        created_at=clock.utc_now(),
                        retention_months=retention,
                        audit_months=audit_period,
                        phone=office_phone,
                    )
                ).returning(*Office.all_columns())
            )[0]
        except Exception as exc:
            if is_unique_violation(exc):  # a parallel request took the code first
                raise InvalidInput({"code": N_("An office with this code already exists.")}) from None
            raise
        await audit.record(audit.OFFICE_CREATED, actor=actor, office=row["id"], details={"code": code})
    return office_out(row)


async def update_office(
    office_id: int,
    name: str | None,
    *,
    retention_months: object = None,
    audit_months: object = None,
    phone: object = None,
    actor: int | None = None,
) -> OfficeDetail:
    """Change what is given (None keeps it): the name, the months data and audit events
    are kept, the phone number ("" for none)."""
    errors: dict[str, str] = {}
    changes: dict = {}
    details: dict[str, object] = {}
    if name is not None:
        changes[Office.name] = details["name"] = check_name(name, errors)
    if retention_months is not None:
        changes[Office.retention_months] = details["retention_months"] = _months(
            retention_months, "retention_months", RETENTION_MONTHS, errors
        )
    if audit_months is not None:
        changes[Office.audit_months] = details["audit_months"] = _months(
            audit_months, "audit_months", AUDIT_MONTHS, errors
        )
    if phone is not None:
        # The number is the office's, not a person's: it may stand in the audit log.
        changes[Office.phone] = details["phone"] = check_phone(phone, errors)
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        if changes:
            rows = await Office.update(changes).where(Office.id == office_id).returning(*Office.all_columns())
        else:
            rows = await Office.select().where(Office.id == office_id)
        if not rows:
            raise NotFound
        if changes:
            await audit.record(audit.OFFICE_UPDATED, actor=actor, office=office_id, details=details)
    return office_out(rows[0])
