"""Web pages for cohorts, and the personal calendar feed (a secret URL, no login)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.params import FromQuery, PathParameter, QueryParameter
from litestar.response import Redirect, Template

from course import clock, paging
from course.accounts import services as accounts
from course.accounts.schemas import Role
from course.cohorts import hooks, policies, schedule, services
from course.errors import N_, Conflict, InvalidInput
from course.validation import OUT_OF_RANGE_DATE, year_in_range
from course.web import flash
from course.web.forms import ICS, NO_COOKIE, PathId, SessionNumber, form_data, ics_download, translated
from course.web.guards import change_cohorts, current_staff, login_required
from course.web.i18n import gettext
from course.web.layout import WEEKDAY_NAMES
from course.web.paging import Cursor, Limit, pager

WEEKDAYS = list(enumerate(WEEKDAY_NAMES, start=1))


# Calendars and downloads set no cookie: Outlook and Google keep what a feed sends, and a
# GET needs no CSRF token (NO_COOKIE leaves the CSRF middleware out for these routes).
@get("/calendar/{token:str}", include_in_schema=False, media_type=ICS, opt=NO_COOKIE)
async def calendar_feed(token: Annotated[str, PathParameter(max_length=120)]) -> Response:
    """A leader's sessions, for Outlook or Google Calendar to subscribe to."""
    body = await services.feed_calendar(token.removesuffix(".ics"))
    return Response(body, media_type=ICS)


async def _form(request: Request, values: dict, errors: dict, status: int = 200, mode: str = "new") -> Template:
    return Template(
        "cohorts/form.html",
        context={
            "values": values,
            "errors": errors,
            "leaders": await services.office_leaders(current_staff(request)),
            "weekdays": WEEKDAYS,
            "mode": mode,
        },
        status_code=status,
    )


def _defaults(request: Request, variant: str = "kjk") -> dict:
    """A new cohort's or term's starting values; Ny retning plans about ten places, three
    cohorts a year."""
    term = services.term_defaults(variant)
    return {
        "variant": variant,
        "weekday_1": "2",
        "weekday_2": "4",
        "start_time": "09:00",
        "end_time": "14:00",
        "capacity": str(term.capacity),
        "count": str(term.count),
        "leader_ids": [str(current_staff(request).id)],
    }


@get("/cohorts/new", guards=[change_cohorts], include_in_schema=False)
async def new_cohort(request: Request) -> Template:
    return await _form(request, _defaults(request), {})


def _int(value: str | None):
    try:
        return int(value) if value not in (None, "") else value
    except ValueError:
        return value


async def _posted_cohort(request: Request):
    """The cohort fields of a posted form: the service's input, the values to show
    again, and the whole form."""
    form = await request.form()
    data = await form_data(request)
    leaders = [str(v) for v in form.getall("leader_ids")] if "leader_ids" in form else []
    cohort = services.CohortInput(
        title=data.get("title", ""),
        variant=data.get("variant", ""),
        start_date=data.get("start_date", ""),
        weekdays=[_int(data.get("weekday_1")), _int(data.get("weekday_2"))],
        start_time=data.get("start_time", ""),
        end_time=data.get("end_time", ""),
        location=data.get("location", ""),
        leader_ids=[_int(v) for v in leaders],
        capacity=_int(data.get("capacity")),
    )
    return cohort, {**data, "leader_ids": leaders}, form


def _field_errors(exc: InvalidInput) -> dict[str, str]:
    errors = translated(exc)
    # The form shows the weekday pair as two fields; the message goes on the first.
    if "weekdays" in errors:
        errors["weekday_1"] = errors.pop("weekdays")
    return errors


@post("/cohorts/new", guards=[change_cohorts], include_in_schema=False)
async def create_cohort(request: Request) -> Response:
    cohort_input, values, _ = await _posted_cohort(request)
    try:
        cohort = await services.create_cohort(current_staff(request), cohort_input)
    except InvalidInput as exc:
        return await _form(request, values, _field_errors(exc), 422)
    except Conflict as exc:
        return await _form(request, values, {exc.field or "location": exc.text(gettext)}, 409)
    return flash.redirect(request, f"/cohorts/{cohort.id}", N_("The cohort is created."))


@get(
    "/cohorts/{cohort_id:int}/calendar.ics",
    guards=[login_required],
    include_in_schema=False,
    media_type=ICS,
    opt=NO_COOKIE,
)
async def cohort_calendar(request: Request, cohort_id: PathId) -> Response:
    return ics_download(await services.cohort_calendar(current_staff(request), cohort_id), cohort_id)


@get("/schedule", guards=[login_required], include_in_schema=False)
async def schedule_page(
    request: Request,
    view: FromQuery[str] = "week",
    day: Annotated[str | None, QueryParameter(name="date")] = None,
) -> Template:
    """The office's sessions, a week or a month at a time."""
    try:
        anchor = date.fromisoformat(day) if day else clock.today()
    except ValueError:
        anchor = clock.today()
    if not year_in_range(anchor.year):  # a month or week from year 1 or 9999 runs off the calendar
        raise InvalidInput({"date": OUT_OF_RANGE_DATE})
    if view == "month":
        start = anchor.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        previous, following = (start - timedelta(days=1)).replace(day=1), end + timedelta(days=1)
    else:
        view = "week"
        start = anchor - timedelta(days=anchor.weekday())
        end = start + timedelta(days=6)
        previous, following = start - timedelta(weeks=1), start + timedelta(weeks=1)
    staff = current_staff(request)
    items = await services.agenda(staff, start, end)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    by_day = {d: [i for i in items if i.date == d] for d in days}
    closed: dict[date, list[str]] = {}
    if view == "month":
        # The closures that reach into the month: those ending in it or later, by start.
        found = await services.closures_page(staff, paging.PageRequest(limit=paging.DEFAULT_LIMIT), start)
        for closure in found.items:
            for d in days:
                if closure.start_date <= d <= closure.end_date:
                    closed.setdefault(d, []).append(closure.reason)
    return Template(
        "cohorts/schedule.html",
        context={
            "view": view,
            "weeks": schedule.month_weeks(start.year, start.month) if view == "month" else [],
            "closed": closed,
            "WEEKDAY_NAMES": WEEKDAY_NAMES,
            "start": start,
            "end": end,
            "by_day": by_day,
            "previous": previous,
            "following": following,
            "today": clock.today(),
            "week": start.isocalendar()[1],
        },
    )


async def _session_form(
    request: Request, cohort_id: int, number: int, values: dict | None, errors: dict, status: int = 200
) -> Template:
    staff = current_staff(request)
    cohort = await services.get_cohort(staff, cohort_id)
    session = cohort.sessions[number - 1]
    if values is None:
        values = {
            "date": session.date.isoformat(),
            "start_time": session.start_time,
            "end_time": session.end_time,
            "cancelled": session.status == "cancelled",
            "location": session.location,
            "guest_leader": session.guest_leader,
            "leader_ids": [str(i) for i in session.led_by(cohort.leader_ids)],
        }
    return Template(
        "cohorts/session_form.html",
        context={
            "cohort": cohort,
            "session": session,
            "values": values,
            "errors": errors,
            "leaders": await _leaders_of(staff, cohort),
            "guest_expected": session.module in services.GUEST_MODULES,
        },
        status_code=status,
    )


async def _leaders_of(staff, cohort: services.CohortOut) -> list[dict]:
    """Who may lead the cohort's sessions: its office's leaders (an admin's own office
    may differ from the cohort's)."""
    return await services.leaders_of(cohort.office_id)


@get("/cohorts/{cohort_id:int}/sessions/{number:int}", guards=[change_cohorts], include_in_schema=False)
async def session_page(request: Request, cohort_id: PathId, number: SessionNumber) -> Template:
    return await _session_form(request, cohort_id, number, None, {})


@post("/cohorts/{cohort_id:int}/sessions/{number:int}", guards=[change_cohorts], include_in_schema=False)
async def session_submit(request: Request, cohort_id: PathId, number: SessionNumber) -> Response:
    form = await request.form()
    data = await form_data(request)
    leaders = [str(v) for v in form.getall("leader_ids")] if "leader_ids" in form else []
    change = services.SessionChange(
        date=data.get("date", ""),
        start_time=data.get("start_time", ""),
        end_time=data.get("end_time", ""),
        cancelled=data.get("cancelled") == "on",
        # Fields the form did not send stay as they are.
        location=data.get("location"),
        leader_ids=[_int(v) for v in leaders] if "leaders_shown" in data else None,
        guest_leader=data.get("guest_leader"),
        reason=data.get("reason"),
    )
    values = {**data, "cancelled": change.cancelled, "leader_ids": leaders}
    staff = current_staff(request)
    before = (await services.get_cohort(staff, cohort_id)).sessions[number - 1]
    try:
        after = (await services.change_session(staff, cohort_id, number, change)).sessions[number - 1]
    except InvalidInput as exc:
        return await _session_form(request, cohort_id, number, values, translated(exc), 422)
    except Conflict as exc:
        field = "leader_ids" if exc.field == "leader_ids" else ("location" if exc.field == "location" else "date")
        return await _session_form(request, cohort_id, number, values, {field: exc.text(gettext)}, 409)
    return flash.redirect(request, f"/cohorts/{cohort_id}", _session_saved(before, after))


def _session_saved(before: services.SessionOut, after: services.SessionOut) -> str:
    """What the cohort page says after the session form: moved, cancelled, or saved."""
    if (before.status == "cancelled") != (after.status == "cancelled"):
        return N_("The session is cancelled.") if after.status == "cancelled" else N_("The cancellation is taken back.")
    if before.date != after.date:
        return N_("The session is moved.")
    return N_("The session is saved.")


# --- changing a cohort, a substitute for a period, the history of changes ---------------------


async def _edit_form(request: Request, cohort_id: int, values: dict | None, errors: dict, status: int = 200):
    staff = current_staff(request)
    cohort = await services.get_cohort(staff, cohort_id)
    if values is None:
        values = {
            "title": cohort.title,
            "capacity": str(cohort.capacity),
            "location": cohort.location,
            "start_time": cohort.start_time,
            "end_time": cohort.end_time,
            "leader_ids": [str(i) for i in cohort.leader_ids],
        }
    return Template(
        "cohorts/edit.html",
        context={
            "cohort": cohort,
            "values": values,
            "errors": errors,
            "leaders": await _leaders_of(staff, cohort),
        },
        status_code=status,
    )


@get("/cohorts/{cohort_id:int}/edit", guards=[change_cohorts], include_in_schema=False)
async def edit_page(request: Request, cohort_id: PathId) -> Template:
    return await _edit_form(request, cohort_id, None, {})


@post("/cohorts/{cohort_id:int}/edit", guards=[change_cohorts], include_in_schema=False)
async def edit_submit(request: Request, cohort_id: PathId) -> Response:
    form = await request.form()
    data = await form_data(request)
    leaders = [str(v) for v in form.getall("leader_ids")] if "leader_ids" in form else []
    edit = services.CohortEdit(
        title=data.get("title", ""),
        capacity=_int(data.get("capacity")),
        location=data.get("location", ""),
        start_time=data.get("start_time", ""),
        end_time=data.get("end_time", ""),
        leader_ids=[_int(v) for v in leaders],
    )
    values = {**data, "leader_ids": leaders}
    try:
        cohort = await services.update_cohort(current_staff(request), cohort_id, edit)
    except InvalidInput as exc:
        return await _edit_form(request, cohort_id, values, translated(exc), 422)
    except Conflict as exc:
        return await _edit_form(request, cohort_id, values, {exc.field or "location": exc.text(gettext)}, 409)
    # The cohort page tells how many on the waiting list could now get a place.
    anchor = "#participants" if cohort.waiting_list_offer else ""
    return flash.redirect(request, f"/cohorts/{cohort_id}{anchor}", N_("The cohort is saved."))


async def _substitute_form(request: Request, cohort_id: int, values: dict, errors: dict, status: int = 200):
    staff = current_staff(request)
    cohort = await services.get_cohort(staff, cohort_id)
    names = await services.staff_names(cohort.leader_ids)
    return Template(
        "cohorts/substitute.html",
        context={
            "cohort": cohort,
            "values": values,
            "errors": errors,
            "absent": [(i, names.get(i, "")) for i in cohort.leader_ids],
            "leaders": await _leaders_of(staff, cohort),
        },
        status_code=status,
    )


@get("/cohorts/{cohort_id:int}/substitute", guards=[change_cohorts], include_in_schema=False)
async def substitute_page(request: Request, cohort_id: PathId) -> Template:
    today = clock.today().isoformat()
    return await _substitute_form(request, cohort_id, {"from": today, "to": today}, {})


@post("/cohorts/{cohort_id:int}/substitute", guards=[change_cohorts], include_in_schema=False)
async def substitute_submit(request: Request, cohort_id: PathId) -> Response:
    data = await form_data(request)
    substitute = services.SubstituteInput(
        from_date=data.get("from", ""),
        to_date=data.get("to", ""),
        absent_id=_int(data.get("absent_id")),
        substitute_id=_int(data.get("substitute_id")),
    )
    try:
        await services.set_substitute(current_staff(request), cohort_id, substitute)
    except InvalidInput as exc:
        return await _substitute_form(request, cohort_id, data, translated(exc), 422)
    except Conflict as exc:
        return await _substitute_form(request, cohort_id, data, {"substitute_id": exc.text(gettext)}, 409)
    return flash.redirect(request, f"/cohorts/{cohort_id}", N_("The substitute is saved."))


@get("/cohorts/{cohort_id:int}/changes", guards=[login_required], include_in_schema=False)
async def changes_page(
    request: Request,
    cohort_id: PathId,
    before: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
) -> Template:
    """Every change to the cohort, newest first, a page at a time."""
    staff = current_staff(request)
    cohort = await services.get_cohort(staff, cohort_id)
    changes, older = await services.change_history(staff, cohort_id, PAGE_OF_CHANGES, before)
    return Template(
        "cohorts/changes.html", context={"cohort": cohort, "changes": changes, "older": older, "before": before}
    )


PAGE_OF_CHANGES = 50


async def _closures(
    request: Request, values: dict, errors: dict, status: int = 200, cursor: str | None = None
) -> Template:
    staff = current_staff(request)
    # Those that end from a year back on, 50 to a page: older ones no longer shape a schedule.
    since = clock.today() - timedelta(days=365)
    found = await services.closures_page(staff, paging.parse(services.CLOSURE_ORDER, None, cursor), since)
    return Template(
        "cohorts/closures.html",
        context={
            "closures": found.items,
            "paging": pager(request, found),
            "values": values,
            "errors": errors,
            "can_change": policies.can_change_cohorts(staff),
        },
        status_code=status,
    )


@get("/closures", guards=[login_required], include_in_schema=False)
async def closures_page(request: Request, cursor: Cursor = None) -> Template:
    return await _closures(request, {}, {}, cursor=cursor)


@post("/closures", guards=[change_cohorts], include_in_schema=False)
async def closure_add(request: Request) -> Response:
    data = await form_data(request)
    try:
        await services.add_closure(
            current_staff(request), data.get("start_date", ""), data.get("end_date", ""), data.get("reason", "")
        )
    except InvalidInput as exc:
        return await _closures(request, data, translated(exc), 422)
    return flash.redirect(request, "/closures", N_("The closed period is added."))


@post("/closures/{closure_id:int}/delete", guards=[change_cohorts], include_in_schema=False)
async def closure_delete(request: Request, closure_id: PathId) -> Response:
    """Without ``confirm=1`` the answer is the page that asks, and nothing is removed."""
    staff = current_staff(request)
    data = await form_data(request)
    if data.get("confirm") != "1":
        closure = await services.get_closure(staff, closure_id)
        return Template("cohorts/closure_confirm.html", context={"closure": closure})
    await services.remove_closure(staff, closure_id)
    return flash.redirect(request, "/closures", N_("The closed period is removed."))


@get("/cohorts/plan", guards=[change_cohorts], include_in_schema=False)
async def plan_page(request: Request, variant: FromQuery[str] = "kjk") -> Template:
    return await _form(request, _defaults(request, variant if variant in services.VARIANTS else "kjk"), {}, mode="plan")


@post("/cohorts/plan", guards=[change_cohorts], include_in_schema=False)
async def plan_submit(request: Request) -> Template:
    cohort_input, values, _ = await _posted_cohort(request)
    count = _int(values.get("count")) if values.get("count") else services.term_defaults(cohort_input.variant).count
    try:
        if not isinstance(count, int) or not 1 <= count <= 12:
            raise InvalidInput({"count": N_("Plan from 1 to 12 cohorts at a time.")})
        term = await services.plan_term_proposal(current_staff(request), cohort_input, count)
    except InvalidInput as exc:
        return await _form(request, values, _field_errors(exc), 422, mode="plan")
    return Template(
        "cohorts/proposals.html",
        context={"proposals": term.proposals, "skipped": term.skipped, "values": values, "error": None},
    )


@post("/cohorts/plan/accept", guards=[change_cohorts], include_in_schema=False)
async def plan_accept(request: Request) -> Response:
    cohort_input, values, form = await _posted_cohort(request)
    starts = form.getall("start_dates") if "start_dates" in form else []
    try:
        await services.accept_term(current_staff(request), cohort_input, [str(s) for s in starts])
    except (InvalidInput, Conflict) as exc:
        message = exc.text(gettext) if isinstance(exc, Conflict) else "; ".join(translated(exc).values())
        return Template(
            "cohorts/proposals.html", status_code=422, context={"proposals": [], "values": values, "error": message}
        )
    return flash.redirect(request, "/", N_("The term plan is saved: the cohorts are created."))


@post("/cohorts/{cohort_id:int}/cancel", guards=[change_cohorts], include_in_schema=False)
async def cohort_cancel(request: Request, cohort_id: PathId) -> Response:
    """Cancelling asks first: without ``confirm=1`` the answer is the page that says what
    happens, and nothing changes. Taking a cancellation back needs no question."""
    staff = current_staff(request)
    data = await form_data(request)
    cancel = data.get("cancelled") == "1"
    if cancel and data.get("confirm") != "1":
        cohort = await services.find_cohort(policies.change_scope(staff), cohort_id)
        if cohort.status == "cancelled":
            return Redirect(path=f"/cohorts/{cohort_id}")
        now = clock.now()
        live = [s for s in cohort.sessions if s.status != "cancelled"]
        # Those not ended by now: the cancellation reaches them (loading.session_status).
        to_cancel = [s for s in live if datetime.combine(s.date, time.fromisoformat(s.end_time), clock.OSLO) > now]
        return Template(
            "cohorts/cancel_confirm.html",
            context={
                "cohort": cohort,
                "places": await hooks.cohort_places(cohort_id),
                "live": len(live),
                "to_cancel": len(to_cancel),
            },
        )
    await services.set_cohort_cancelled(staff, cohort_id, cancel)
    message = N_("The cohort is cancelled.") if cancel else N_("The cancellation is taken back.")
    return flash.redirect(request, f"/cohorts/{cohort_id}", message)


LIST_STATUSES = (services.CURRENT, "running", "planned", "finished", "cancelled")


@get("/cohorts", guards=[login_required], include_in_schema=False)
async def cohorts_page(
    request: Request, status: FromQuery[str] = "current", limit: Limit = None, cursor: Cursor = None
) -> Template:
    """The cohorts the caller may see, by status (current and upcoming first), a page at a time."""
    staff = current_staff(request)
    if status not in LIST_STATUSES:
        raise InvalidInput({"status": N_("Choose current, planned, running, finished or cancelled.")})
    page = paging.parse(services.cohort_order(status), limit, cursor)
    found = await services.list_cohorts(staff, status=status, page=page, counted=True)
    leaders = await services.staff_names(sorted({i for c in found.items for i in c.leader_ids}))
    offices = {o.id: o.name for o in await accounts.list_offices(staff)} if staff.role == Role.admin else {}
    return Template(
        "cohorts/list.html",
        context={
            "cohorts": found.items,
            "status": status,
            "statuses": LIST_STATUSES,
            "leaders": leaders,
            "offices": offices,
            "paging": pager(request, found, found.total, found.more_than),
        },
    )


route_handlers = [
    cohorts_page,
    calendar_feed,
    edit_page,
    edit_submit,
    substitute_page,
    substitute_submit,
    changes_page,
    new_cohort,
    plan_page,
    plan_submit,
    plan_accept,
    create_cohort,
    cohort_cancel,
    cohort_calendar,
    schedule_page,
    session_page,
    session_submit,
    closures_page,
    closure_add,
    closure_delete,
]
