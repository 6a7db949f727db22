"""Offices: listed and read through the caller's office scope, created and renamed."""

from __future__ import annotations

import re

from course import clock
from course.accounts import policies
from course.accounts.checks import check_name
from course.accounts.schemas import OfficeOut, Staff
from course.accounts.tables import Office
from course.audit import services as audit
from course.db import is_unique_violation, write_transaction
from course.errors import N_, InvalidInput, NotFound

OFFICE_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def office_out(row: dict) -> OfficeOut:
    return OfficeOut(id=row["id"], code=row["code"], name=row["name"])


async def list_offices(staff: Staff) -> list[OfficeOut]:
    rows = await Office.select().where(policies.office_scope(staff)).order_by(Office.name)
    return [office_out(r) for r in rows]


async def get_office(staff: Staff, office_id: int) -> OfficeOut:
    row = await Office.select().where(policies.office_scope(staff), Office.id == office_id).first()
    if row is None:
        raise NotFound
    return office_out(row)


async def office_by_code(code: str) -> OfficeOut | None:
    row = await Office.select().where(Office.code == code.strip()).first()
    return office_out(row) if row else None


async def create_office(code: str, name: str, *, actor: int | None = None) -> OfficeOut:
    errors: dict[str, str] = {}
    code = code.strip()
    if not OFFICE_CODE_RE.match(code):
        errors["code"] = N_("The code must be 1 to 20 letters, digits, - or _.")
    name = check_name(name, errors)
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        if await Office.exists().where(Office.code == code):
            raise InvalidInput({"code": N_("An office with this code already exists.")})
        try:
            row = (
                await Office.insert(Office(code=code, name=name, created_at=clock.utc_now())).returning(
                    *Office.all_columns()
                )
            )[0]
        except Exception as exc:
            if is_unique_violation(exc):  # a parallel request took the code first
                raise InvalidInput({"code": N_("An office with this code already exists.")}) from None
            raise
        await audit.record(audit.OFFICE_CREATED, actor=actor, office=row["id"], details={"code": code})
    return office_out(row)


async def update_office(office_id: int, name: str, *, actor: int | None = None) -> OfficeOut:
    errors: dict[str, str] = {}
    name = check_name(name, errors)
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        rows = await Office.update({Office.name: name}).where(Office.id == office_id).returning(*Office.all_columns())
        if not rows:
            raise NotFound
        await audit.record(audit.OFFICE_UPDATED, actor=actor, office=office_id, details={"name": name})
    return office_out(rows[0])
