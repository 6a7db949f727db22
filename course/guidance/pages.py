"""Web pages for guidance talks: the cohort's talks and booking, the talk planner,
one talk with its private note, and the signed-in leader's availability."""

from __future__ import annotations

import re

from litestar import Request, Response, get, post
from litestar.response import Template

from course.cohorts import services as cohorts
from course.errors import N_, Conflict, InvalidInput
from course.guidance import services
from course.participants import rules
from course.participants import services as participants
from course.validation import whole_number
from course.web import flash
from course.web.forms import PathId, client_address, form_data, translated
from course.web.guards import current_staff, see_people
from course.web.i18n import gettext
from course.web.layout import WEEKDAY_NAMES

TALK_FIELDS = ("participant_id", "leader_id", "date", "start_time", "end_time")
MAX_WEEKLY_ROWS = 60
WEEKDAY_NUMBERS = {str(n) for n in range(1, 8)}


def _int(value: str | None):
    try:
        return int(value) if value not in (None, "") else value
    except ValueError:
        return value


def _talks_url(cohort_id: int) -> str:
    return f"/cohorts/{cohort_id}/talks"


# --- the cohort's talks -------------------------------------------------------------------


async def _talks_page(
    request: Request, cohort_id: int, values: dict | None, errors: dict, status: int = 200
) -> Template:
    staff = current_staff(request)
    talks = await services.list_talks(staff, cohort_id)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    roster = await participants.roster(staff, cohort_id)
    leader_names = await cohorts.staff_names(cohort.leader_ids)
    groups = []
    for row in roster:
        own = [t for t in talks if t.participant.id == row.participant.id]
        if row.status not in services.HAS_TALKS and not own:
            continue
        groups.append(
            {
                "row": row,
                "talks": own,
                "warnings": [w for w in row.warnings if w.code.startswith("few_talks")],
            }
        )
    weeks = services.course_weeks(cohort)
    if values is None:
        values = {"leader_id": str(staff.id) if staff.id in cohort.leader_ids else "", "length_minutes": "45"}
    return Template(
        "guidance/talks.html",
        context={
            "cohort": cohort,
            "groups": groups,
            "participants": [
                (r.participant.id, r.participant.name)
                for r in roster
                if r.status in services.HAS_TALKS and not r.erased
            ],
            "leaders": [(i, leader_names.get(i, "")) for i in cohort.leader_ids],
            "first_day": weeks[0][0],
            "last_day": weeks[-1][1],
            "lengths": [(m, gettext("%(minutes)s minutes") % {"minutes": m}) for m in services.TALK_LENGTHS],
            "needed": rules.TALKS_NEEDED,
            "talk_labels": services.TALK_STATUS_LABELS,
            "enrolment_labels": rules.STATUS_LABELS,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@get("/cohorts/{cohort_id:int}/talks", guards=[see_people], include_in_schema=False)
async def talks_page(request: Request, cohort_id: PathId) -> Template:
    return await _talks_page(request, cohort_id, None, {})


@post("/cohorts/{cohort_id:int}/talks", guards=[see_people], include_in_schema=False)
async def talk_book(request: Request, cohort_id: PathId) -> Response:
    data = await form_data(request)
    talk = services.TalkInput(
        participant_id=data.get("participant_id", ""),
        leader_id=data.get("leader_id", ""),
        date=data.get("date", ""),
        start_time=data.get("start_time", ""),
        end_time=data.get("end_time", ""),
        location=data.get("location", ""),
    )
    values = {**data, "length_minutes": "45"}
    try:
        await services.book_talk(current_staff(request), cohort_id, talk)
    except InvalidInput as exc:
        return await _talks_page(request, cohort_id, values, translated(exc), 422)
    except Conflict as exc:
        return await _talks_page(request, cohort_id, values, {exc.field or "date": exc.text(gettext)}, 409)
    return flash.redirect(request, _talks_url(cohort_id), N_("The talk is booked."))


# --- the talk planner -------------------------------------------------------------------


async def _proposal_page(
    request: Request,
    cohort_id: int,
    proposal: services.TalkProposal | None,
    length,
    error: str | None = None,
    status: int = 200,
) -> Template:
    staff = current_staff(request)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    leader_names = await cohorts.staff_names(cohort.leader_ids)
    return Template(
        "guidance/plan.html",
        context={
            "cohort": cohort,
            "proposal": proposal,
            "length": length,
            "leader_names": leader_names,
            "error": error,
        },
        status_code=status,
    )


@post("/cohorts/{cohort_id:int}/talks/plan", guards=[see_people], include_in_schema=False)
async def talk_plan(request: Request, cohort_id: PathId) -> Response:
    data = await form_data(request)
    length = _int(data.get("length_minutes", "45"))
    try:
        proposal = await services.propose_talks(current_staff(request), cohort_id, length)
    except InvalidInput as exc:
        values = {**data, "leader_id": str(current_staff(request).id)}
        return await _talks_page(request, cohort_id, values, translated(exc), 422)
    return await _proposal_page(request, cohort_id, proposal, length)


@post("/cohorts/{cohort_id:int}/talks/plan/accept", guards=[see_people], include_in_schema=False)
async def talk_plan_accept(request: Request, cohort_id: PathId) -> Response:
    staff = current_staff(request)
    form = await request.form()
    columns = {name: [str(v) for v in form.getall(name)] if name in form else [] for name in TALK_FIELDS}
    count = max(len(c) for c in columns.values())
    talks = [{name: (columns[name][i] if i < len(columns[name]) else "") for name in TALK_FIELDS} for i in range(count)]
    length = _int(str(form.get("length_minutes") or "45"))
    try:
        await services.accept_talks(staff, cohort_id, talks)
    except (InvalidInput, Conflict) as exc:
        if isinstance(exc, Conflict):
            message, status = exc.text(gettext), 409
        else:
            message, status = "; ".join(dict.fromkeys(translated(exc).values())), 422
        try:
            proposal = await services.propose_talks(staff, cohort_id, length)
        except InvalidInput:
            proposal = None
        return await _proposal_page(request, cohort_id, proposal, length, message, status)
    return flash.redirect(request, _talks_url(cohort_id), N_("The proposed talks are booked."))


# --- one talk ---------------------------------------------------------------------------------


async def _talk_form(
    request: Request, talk: services.TalkOut, may_write: bool, values: dict, errors: dict, status: int = 200
) -> Template:
    staff = current_staff(request)
    cohort = await cohorts.get_cohort(staff, talk.cohort_id)
    leader_names = await cohorts.staff_names(cohort.leader_ids)
    leaders = [(i, leader_names.get(i, "")) for i in cohort.leader_ids]
    if talk.leader.id not in cohort.leader_ids:
        leaders.append((talk.leader.id, talk.leader.name))
    return Template(
        "guidance/talk_form.html",
        context={
            "talk": talk,
            "cohort": cohort,
            "leaders": leaders,
            "statuses": [(key, gettext(label)) for key, label in services.TALK_STATUS_LABELS.items()],
            "show_note": may_write or talk.note is not None,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@get("/talks/{talk_id:int}", guards=[see_people], include_in_schema=False)
async def talk_page(request: Request, talk_id: PathId) -> Template:
    staff = current_staff(request)
    # get_talk writes each read of the note to the audit log.
    talk = await services.get_talk(staff, talk_id, client_address(request))
    values = {
        "date": talk.date.isoformat(),
        "start_time": talk.start_time,
        "end_time": talk.end_time,
        "leader_id": str(talk.leader.id),
        "location": talk.location,
        "status": talk.status,
        "note": talk.note or "",
    }
    return await _talk_form(request, talk, await services.may_write_note(staff, talk_id), values, {})


@post("/talks/{talk_id:int}", guards=[see_people], include_in_schema=False)
async def talk_submit(request: Request, talk_id: PathId) -> Response:
    staff = current_staff(request)
    talk = await services.talk_without_note(staff, talk_id)
    may_write = await services.may_write_note(staff, talk_id)
    data = await form_data(request)

    def changed(name: str, current: str) -> str | None:
        value = data.get(name)
        return value if value is not None and value != current else None

    change = services.TalkChange(
        date=changed("date", talk.date.isoformat()),
        start_time=changed("start_time", talk.start_time),
        end_time=changed("end_time", talk.end_time),
        leader_id=changed("leader_id", str(talk.leader.id)),
        location=changed("location", talk.location),
        status=changed("status", talk.status),
    )
    note = data.get("note")
    # Only the cohort's leaders and the primary contact write the note; an empty box
    # on a talk without a note is no change.
    if may_write and note is not None and (note.strip() or talk.has_note):
        change.note = note
    values = {**data}
    if not may_write:
        values.pop("note", None)
    try:
        await services.change_talk(staff, talk_id, change)
    except InvalidInput as exc:
        return await _talk_form(request, talk, may_write, values, translated(exc), 422)
    except Conflict as exc:
        field = exc.field if exc.field == "leader_id" else "date"
        return await _talk_form(request, talk, may_write, values, {field: exc.text(gettext)}, 409)
    return flash.redirect(request, _talks_url(talk.cohort_id), N_("The talk is saved."))


# --- availability ---------------------------------------------------------------------------


def _weekly_rows(windows) -> list[dict]:
    """One row per weekly window, and an empty row for each day without one."""
    rows = []
    for day in range(1, 8):
        own = [
            {"weekday": day, "start_time": w.start_time, "end_time": w.end_time} for w in windows if w.weekday == day
        ]
        rows += own or [{"weekday": day, "start_time": "", "end_time": ""}]
    return rows


def _row_labels(rows: list[dict]) -> dict[str, str]:
    labels = {"weekly": gettext("Weekly times")}
    for index, row in enumerate(rows):
        weekday = str(row["weekday"])
        day = gettext(WEEKDAY_NAMES[int(weekday) - 1]).capitalize() if weekday in WEEKDAY_NUMBERS else weekday
        labels[f"start_{index}"] = gettext("%(day)s, from") % {"day": day}
        labels[f"end_{index}"] = gettext("%(day)s, to") % {"day": day}
    return labels


async def _availability_page(
    request: Request, rows: list[dict] | None, values: dict, errors: dict, status: int = 200
) -> Template:
    availability = await services.get_availability(current_staff(request))
    if rows is None:
        rows = _weekly_rows(availability.weekly)
    labels = {
        **_row_labels(rows),
        "date": gettext("Date"),
        "start_time": gettext("From"),
        "end_time": gettext("To"),
        "reason": gettext("Reason"),
    }
    return Template(
        "guidance/availability.html",
        context={
            "rows": list(enumerate(rows)),
            "weekdays": list(enumerate(WEEKDAY_NAMES, start=1)),
            "weekend_open": any(
                str(row["weekday"]) in ("6", "7") and (row["start_time"] or row["end_time"] or f"start_{i}" in errors)
                for i, row in enumerate(rows)
            ),
            "exceptions": availability.exceptions,
            "labels": labels,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@get("/availability", guards=[see_people], include_in_schema=False)
async def availability_page(request: Request) -> Template:
    return await _availability_page(request, None, {"available": "0"}, {})


@post("/availability", guards=[see_people], include_in_schema=False)
async def availability_submit(request: Request) -> Response:
    data = await form_data(request)
    indexes = sorted(int(m.group(1)) for key in data if (m := re.fullmatch(r"weekday_(\d{1,3})", key)))
    rows = [
        {
            "weekday": data[f"weekday_{i}"],
            "start_time": data.get(f"start_{i}", "").strip(),
            "end_time": data.get(f"end_{i}", "").strip(),
        }
        for i in indexes[:MAX_WEEKLY_ROWS]
    ]
    filled = [(index, row) for index, row in enumerate(rows) if row["start_time"] or row["end_time"]]
    try:
        await services.set_weekly(current_staff(request), [row for _, row in filled])
    except InvalidInput as exc:
        errors: dict[str, str] = {}
        for key, message in translated(exc).items():
            parts = key.split(".")
            index = whole_number(parts[1]) if len(parts) > 1 else None
            if parts[0] == "weekly" and index is not None and index < len(filled):
                row = filled[index][0]
                target = f"end_{row}" if parts[-1] == "end_time" else f"start_{row}"
            else:
                target = "weekly"
            errors[target] = f"{errors[target]} {message}" if target in errors else message
        return await _availability_page(request, rows, {"available": "0"}, errors, 422)
    return flash.redirect(request, "/availability", N_("Your weekly times are saved."))


@post("/availability/exceptions", guards=[see_people], include_in_schema=False)
async def exception_add(request: Request) -> Response:
    data = await form_data(request)
    try:
        await services.add_exception(
            current_staff(request),
            data.get("date", ""),
            data.get("start_time") or None,
            data.get("end_time") or None,
            data.get("available") == "1",
            data.get("reason", ""),
        )
    except InvalidInput as exc:
        return await _availability_page(request, None, data, translated(exc), 422)
    return flash.redirect(request, "/availability", N_("The day is added."))


@post("/availability/exceptions/{exception_id:int}/delete", guards=[see_people], include_in_schema=False)
async def exception_delete(request: Request, exception_id: PathId) -> Response:
    await services.remove_exception(current_staff(request), exception_id)
    return flash.redirect(request, "/availability", N_("The day is removed."))


route_handlers = [
    talks_page,
    talk_book,
    talk_plan,
    talk_plan_accept,
    talk_page,
    talk_submit,
    availability_page,
    availability_submit,
    exception_add,
    exception_delete,
]
