"""Admin pages: offices and staff users."""

from __future__ import annotations

from litestar import Request, Response, Router, get, post
from litestar.response import Template

from course import paging
from course.accounts import services
from course.accounts.offices import DEFAULT_AUDIT_MONTHS, DEFAULT_RETENTION_MONTHS
from course.errors import N_, InvalidInput
from course.validation import valid_id
from course.web import flash
from course.web.forms import PathId, form_data, translated
from course.web.guards import admin_only, current_staff
from course.web.paging import Cursor, pager


@get("/", name="admin")
async def admin_index(request: Request, users: Cursor = None, offices: Cursor = None) -> Template:
    """Every staff user and office, 50 of each to a page, each list with its own cursor."""
    staff = current_staff(request)
    user_page = await services.users_page(staff, None, paging.parse(services.USER_ORDER, None, users))
    office_page = await services.offices_page(staff, paging.parse(services.OFFICE_ORDER, None, offices))
    return Template(
        "admin/index.html",
        context={
            "users": user_page.items,
            "offices": office_page.items,
            "users_pager": pager(request, user_page, param="users"),
            "offices_pager": pager(request, office_page, param="offices"),
        },
    )


def _office_form(values: dict, errors: dict, office=None) -> Template:
    return Template(
        "admin/office_form.html",
        context={"values": values, "errors": errors, "office": office},
        status_code=422 if errors else 200,
    )


@get("/offices/new")
async def office_new() -> Template:
    return _office_form({"retention_months": DEFAULT_RETENTION_MONTHS, "audit_months": DEFAULT_AUDIT_MONTHS}, {})


@post("/offices/new")
async def office_create(request: Request) -> Response:
    data = await form_data(request)
    try:
        await services.create_office(
            data.get("code", ""),
            data.get("name", ""),
            retention_months=data.get("retention_months", DEFAULT_RETENTION_MONTHS),
            audit_months=data.get("audit_months", DEFAULT_AUDIT_MONTHS),
            phone=data.get("phone", ""),
            actor=current_staff(request).id,
        )
    except InvalidInput as exc:
        return _office_form(data, translated(exc))
    return flash.redirect(request, "/admin", N_("Office created."))


@get("/offices/{office_id:int}")
async def office_edit(request: Request, office_id: PathId) -> Template:
    office = await services.get_office(current_staff(request), office_id)
    values = {
        "code": office.code,
        "name": office.name,
        "retention_months": office.retention_months,
        "audit_months": office.audit_months,
        "phone": office.phone,
    }
    return _office_form(values, {}, office)


@post("/offices/{office_id:int}")
async def office_update(request: Request, office_id: PathId) -> Response:
    office = await services.get_office(current_staff(request), office_id)
    data = await form_data(request)
    try:
        await services.update_office(
            office_id,
            data.get("name", ""),
            retention_months=data.get("retention_months"),
            audit_months=data.get("audit_months"),
            phone=data.get("phone"),
            actor=current_staff(request).id,
        )
    except InvalidInput as exc:
        return _office_form({**data, "code": office.code}, translated(exc), office)
    return flash.redirect(request, "/admin", N_("Office saved."))


async def _user_form(request: Request, values: dict, errors: dict, user=None) -> Template:
    return Template(
        "admin/user_form.html",
        context={
            "values": values,
            "errors": errors,
            "user": user,
            "office_options": [(o.id, o.name) for o in await services.list_offices(current_staff(request))],
        },
        status_code=422 if errors else 200,
    )


@get("/users/new")
async def user_new(request: Request) -> Template:
    return await _user_form(request, {"role": "leader"}, {})


def _int_or_none(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if valid_id(number) else None


@post("/users/new")
async def user_create(request: Request) -> Response:
    data = await form_data(request)
    try:
        await services.create_user(
            email=data.get("email", ""),
            name=data.get("name", ""),
            role=data.get("role", ""),
            password=data.get("password", ""),
            office_id=_int_or_none(data.get("office")),
            actor=current_staff(request).id,
        )
    except InvalidInput as exc:
        data.pop("password", None)
        return await _user_form(request, data, translated(exc))
    return flash.redirect(request, "/admin", N_("User created."))


@get("/users/{user_id:int}")
async def user_edit(request: Request, user_id: PathId) -> Template:
    user = await services.get_user(current_staff(request), user_id)
    values = {"name": user.name, "role": user.role.value, "office": str(user.office.id), "active": user.active}
    return await _user_form(request, values, {}, user)


@post("/users/{user_id:int}")
async def user_update(request: Request, user_id: PathId) -> Response:
    staff = current_staff(request)
    user = await services.get_user(staff, user_id)
    data = await form_data(request)
    office_id = _int_or_none(data.get("office"))
    changes = services.UserChanges(
        name=data.get("name", ""),
        role=data.get("role", ""),
        office_id=office_id if office_id is not None else -1,
        active=data.get("active") == "on",
        password=data.get("password") or None,
    )
    try:
        await services.update_user(user_id, changes, actor=staff.id)
    except InvalidInput as exc:
        values = {**data, "active": data.get("active") == "on"}
        values.pop("password", None)
        return await _user_form(request, values, translated(exc), user)
    return flash.redirect(request, "/admin", N_("User saved."))


admin_router = Router(
    path="/admin",
    guards=[admin_only],
    include_in_schema=False,
    route_handlers=[
        admin_index,
        office_new,
        office_create,
        office_edit,
        office_update,
        user_new,
        user_create,
        user_edit,
        user_update,
    ],
)
