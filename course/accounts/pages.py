"""Login, logout, and the user's own account page (the start page is in course.home)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from course.accounts import services, views
from course.accounts.auth import CSRF_COOKIE, SESSION_COOKIE
from course.errors import N_, InvalidInput, NotFound, Throttled
from course.web import flash
from course.web.forms import PathId, client_address, form_data, safe_next, translated
from course.web.guards import current_staff, login_required
from course.web.i18n import gettext as _
from course.web.i18n import ngettext
from course.web.links import secure_cookies


def _session_cookie(request: Request, token: str | None) -> dict:
    return {
        "key": SESSION_COOKIE,
        "value": token or "",
        "httponly": True,
        "samesite": "lax",
        "secure": secure_cookies(request),
        "path": "/",
        "max_age": None if token else 0,
    }


@get("/login", name="login", include_in_schema=False)
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Response:
    if request.scope.get("user"):
        return Redirect(path=safe_next(next))
    return Template("accounts/login.html", context={"next": safe_next(next), "values": {}, "errors": {}})


@post("/login", include_in_schema=False)
async def login_submit(request: Request) -> Response:
    data = await form_data(request)
    target = safe_next(data.get("next"))
    errors: dict[str, str] = {}
    status = 422
    headers: dict[str, str] = {}
    if not data.get("email", "").strip():
        errors["email"] = _("Enter your e-mail address.")
    if not data.get("password"):
        errors["password"] = _("Enter your password.")
    if not errors:
        try:
            staff = await services.authenticate(data["email"], data["password"], client_address(request))
        except InvalidInput as exc:
            errors, status = translated(exc), 401
        except Throttled as exc:
            status = 429
            headers["Retry-After"] = str(exc.retry_after_s)
            if exc.retry_after_s < 60:
                errors["email"] = ngettext(
                    "Too many failed attempts. Try again in %(num)s second.",
                    "Too many failed attempts. Try again in %(num)s seconds.",
                    exc.retry_after_s,
                )
            else:
                minutes = -(-exc.retry_after_s // 60)
                errors["email"] = _("Too many failed attempts. Try again in %(minutes)s minutes.", minutes=minutes)
        else:
            previous = request.cookies.get(SESSION_COOKIE)
            token = await services.start_session(staff, previous)
            response = Redirect(path=target)
            response.set_cookie(**_session_cookie(request, token))
            # A CSRF cookie planted before login is dropped; the next page issues a fresh one.
            response.delete_cookie(CSRF_COOKIE, path="/")
            return response
    return Template(
        "accounts/login.html",
        context={"next": target, "values": {"email": data.get("email", "")}, "errors": errors},
        status_code=status,
        headers=headers,
    )


@post("/logout", name="logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await services.end_session(token, request.scope.get("user"), client_address(request))
    response = Redirect(path="/login")
    response.set_cookie(**_session_cookie(request, None))
    return response


@get("/account", name="account", guards=[login_required], include_in_schema=False)
async def account_page(request: Request) -> Template:
    return await views.account(request)


@post("/account/password", guards=[login_required], include_in_schema=False)
async def change_own_password(request: Request) -> Response:
    staff = current_staff(request)
    data = await form_data(request)
    errors: dict[str, str] = {}
    try:
        await services.authenticate(
            staff.email, data.get("current_password", ""), client_address(request), is_login=False
        )
    except InvalidInput:
        errors["current_password"] = _("The current password is wrong.")
    except Throttled:
        errors["current_password"] = _("Too many failed attempts. Try again later.")
    if data.get("new_password", "") != data.get("repeat_password", ""):
        errors["repeat_password"] = _("The two new passwords are not the same.")
    if not errors:
        try:
            await services.set_password(staff.id, data.get("new_password", ""), actor=staff.id)
        except InvalidInput as exc:
            errors = {"new_password": translated(exc)["password"]}
        else:
            # Changing the password ends every session, this one too: start a fresh one.
            token = await services.start_session(staff)
            response = await views.account(request, message=_("Your password has been changed."))
            response.set_cookie(**_session_cookie(request, token))
            return response
    return await views.account(request, errors=errors)


@post("/account/tokens", guards=[login_required], include_in_schema=False)
async def create_token_page(request: Request) -> Template:
    staff = current_staff(request)
    data = await form_data(request)
    try:
        token = await services.create_token(staff, data.get("name", ""), client_address(request))
    except InvalidInput as exc:
        return await views.account(request, errors=translated(exc))
    return await views.account(request, new_token=token)


@post("/account/tokens/{token_id:int}/revoke", guards=[login_required], include_in_schema=False)
async def revoke_token_page(request: Request, token_id: PathId) -> Response:
    try:
        await services.revoke_token(current_staff(request), token_id, client_address(request))
    except NotFound:
        pass  # already revoked, or not this user's: the list shows the truth
    return flash.redirect(request, "/account", N_("The key is revoked."))


route_handlers = [
    login_page,
    login_submit,
    logout,
    account_page,
    change_own_password,
    create_token_page,
    revoke_token_page,
]
