"""Staff users: listed and read through the caller's staff scope, created, changed
(name, role, office, active, password), and every login of one ended."""

from __future__ import annotations

from dataclasses import dataclass

from course import clock, paging
from course.accounts import offices, passwords, policies
from course.accounts.checks import check_email, check_name, check_password, check_role
from course.accounts.schemas import OfficeOut, Role, Staff, UserOut
from course.accounts.tables import ApiToken, Office, StaffUser, WebSession
from course.audit import services as audit
from course.db import is_unique_violation, write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.validation import has_control_chars, nb_sort_key, valid_id

USER_COLUMNS = (
    StaffUser.id,
    StaffUser.email,
    StaffUser.name,
    StaffUser.role,
    StaffUser.active,
    StaffUser.office.id.as_alias("office_id"),
    StaffUser.office.code.as_alias("office_code"),
    StaffUser.office.name.as_alias("office_name"),
)


def user_out(row: dict) -> UserOut:
    return UserOut(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        office=OfficeOut(id=row["office_id"], code=row["office_code"], name=row["office_name"]),
    )


def staff_of(row: dict) -> Staff:
    """The signed-in staff user from a row with the columns of ``USER_COLUMNS``."""
    return Staff(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        office_id=row["office_id"],
        office_code=row["office_code"],
        office_name=row["office_name"],
    )


async def list_users(staff: Staff, office_id: int | None = None) -> list[UserOut]:
    query = StaffUser.select(*USER_COLUMNS).where(policies.staff_scope(staff))
    if office_id is not None:
        query = query.where(StaffUser.office == office_id)
    rows = await query
    return [user_out(r) for r in sorted(rows, key=lambda r: nb_sort_key(r["name"]))]


USER_ORDER = (paging.Key(StaffUser.name), paging.Key(StaffUser.id))


async def users_page(staff: Staff, office_id: int | None, page: paging.PageRequest) -> paging.Page[UserOut]:
    """A page of the staff users the caller may see, by name (as the database sorts it) and id."""
    query = StaffUser.select(*USER_COLUMNS).where(policies.staff_scope(staff))
    if office_id is not None:
        query = query.where(StaffUser.office == office_id)
    found = await paging.fetch(query, USER_ORDER, page)
    return paging.Page([user_out(r) for r in found.items], found.next, found.previous)


async def get_user(staff: Staff, user_id: int) -> UserOut:
    row = await StaffUser.select(*USER_COLUMNS).where(policies.staff_scope(staff), StaffUser.id == user_id).first()
    if row is None:
        raise NotFound
    return user_out(row)


async def _office_id(office_id: int | None, office_code: str | None, errors: dict[str, str]) -> int | None:
    if office_id is not None:
        if valid_id(office_id) and await Office.exists().where(Office.id == office_id):
            return office_id
    elif office_code and not has_control_chars(office_code):
        found = await offices.office_by_code(office_code)
        if found:
            return found.id
    errors["office"] = N_("Choose an existing office.")
    return None


async def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    office_id: int | None = None,
    office_code: str | None = None,
    actor: int | None = None,
) -> UserOut:
    errors: dict[str, str] = {}
    email = check_email(email, errors)
    name = check_name(name, errors)
    checked_role = check_role(role, errors)
    check_password(password, errors)
    office = await _office_id(office_id, office_code, errors)
    if errors or checked_role is None:
        raise InvalidInput(errors)
    password_hash = await passwords.hash_password(password)
    async with write_transaction():
        if await StaffUser.exists().where(StaffUser.email == email):
            raise InvalidInput({"email": N_("A user with this e-mail address already exists.")})
        now = clock.utc_now()
        try:
            inserted = await StaffUser.insert(
                StaffUser(
                    email=email,
                    name=name,
                    role=checked_role.value,
                    office=office,
                    password_hash=password_hash,
                    active=True,
                    created_at=now,
                    updated_at=now,
                )
            ).returning(StaffUser.id)
        except Exception as exc:
            if is_unique_violation(exc):
                raise InvalidInput({"email": N_("A user with this e-mail address already exists.")}) from None
            raise
        user_id = inserted[0]["id"]
        await audit.record(
            audit.USER_CREATED,
            actor=actor,
            target_user=user_id,
            office=office,
            details={"email": email, "role": checked_role.value},
        )
    return await _user(user_id)


async def _user(user_id: int) -> UserOut:
    row = await StaffUser.select(*USER_COLUMNS).where(StaffUser.id == user_id).first()
    if row is None:
        raise NotFound
    return user_out(row)


@dataclass
class UserChanges:
    name: str | None = None
    role: str | None = None
    office_id: int | None = None
    active: bool | None = None
    password: str | None = None


async def update_user(user_id: int, changes: UserChanges, *, actor: int | None = None) -> UserOut:
    errors: dict[str, str] = {}
    values: dict = {}
    if changes.name is not None:
        values[StaffUser.name] = check_name(changes.name, errors)
    if changes.role is not None:
        role = check_role(changes.role, errors)
        if role:
            values[StaffUser.role] = role.value
    if changes.office_id is not None:
        values[StaffUser.office] = await _office_id(changes.office_id, None, errors)
    if changes.active is not None:
        values[StaffUser.active] = changes.active
    if changes.password is not None:
        check_password(changes.password, errors)
    if policies.takes_own_admin_access(actor, user_id, role=changes.role, active=changes.active):
        errors["role" if changes.role is not None else "active"] = N_("You cannot take away your own admin access.")
    if errors:
        raise InvalidInput(errors)
    if changes.password:
        values[StaffUser.password_hash] = await passwords.hash_password(changes.password)
    async with write_transaction():
        before = await _user(user_id)
        if not values:
            return before
        values[StaffUser.updated_at] = clock.utc_now()
        await StaffUser.update(values).where(StaffUser.id == user_id)
        after = await _user(user_id)
        changed = {
            key: [str(getattr(before, key)), str(getattr(after, key))]
            for key in ("name", "role", "active")
            if getattr(before, key) != getattr(after, key)
        }
        if before.office.id != after.office.id:
            changed["office"] = [before.office.code, after.office.code]
        if changes.password:
            changed["password"] = ["", "changed"]
        # A changed role, office or password, or a deactivation, ends every open login.
        if changed.keys() & {"role", "office", "active", "password"}:
            await end_all_logins(user_id)
        await audit.record(
            audit.USER_UPDATED, actor=actor, target_user=user_id, office=after.office.id, details=changed
        )
    return after


async def end_all_logins(user_id: int) -> None:
    """Every web session of the user ends and every API token of theirs is revoked."""
    await WebSession.delete().where(WebSession.user == user_id)
    await ApiToken.update({ApiToken.revoked_at: clock.utc_now()}).where(
        ApiToken.user == user_id, ApiToken.revoked_at.is_null()
    )
