"""Web pages for participants, enrolment, the attendance register, outcomes, the
cohort summary, and the participant's own page (a secret link, no login)."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from course import clock, paging
from course.cohorts import policies as cohort_policies
from course.cohorts import services as cohorts
from course.errors import N_, Conflict, InvalidInput, NotFound
from course.participants import enrolment as enrolment_service
from course.participants import policies, rules, services
from course.validation import valid_id
from course.web import flash
from course.web.forms import PathId, SessionNumber, form_data, translated
from course.web.guards import current_staff, login_required, see_people
from course.web.i18n import gettext
from course.web.layout import STATUS_LABELS
from course.web.links import absolute_url, qr_svg
from course.web.paging import Cursor, Limit, pager


def _int(value: str | None):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return value


# --- list, register, edit --------------------------------------------------------------


@get("/participants", guards=[see_people], include_in_schema=False)
async def participants_page(
    request: Request, q: FromQuery[str] = "", limit: Limit = None, cursor: Cursor = None
) -> Template:
    page = paging.parse(services.PARTICIPANT_ORDER, limit, cursor)
    found = await services.list_participants(current_staff(request), q[:200], page)
    return Template(
        "participants/list.html",
        context={
            "people": found.items,
            "q": q[:200],
            "paging": pager(request, found, found.total, found.more_than),
        },
    )


async def _form(request: Request, values: dict, errors: dict, status: int = 200, participant=None) -> Template:
    return Template(
        "participants/form.html",
        context={
            "values": values,
            "errors": errors,
            "contacts": await cohorts.office_leaders(current_staff(request)),
            "participant": participant,
            "scopes": rules.SCOPE_LABELS,
            "channels": rules.CHANNEL_LABELS,
            # The text shown beside the boxes; the form carries its version.
            "consent_text": await services.text_in_force(),
            "today": clock.today(),
        },
        status_code=status,
    )


@get("/participants/new", guards=[see_people], include_in_schema=False)
async def new_participant(request: Request) -> Template:
    defaults = {
        # Nobody is chosen for the user: the primary contact is an active choice.
        "primary_contact_id": "",
        "consent_date": clock.today().isoformat(),
        # Consent is an active choice: no box starts ticked.
        "scopes": [],
        "preferred_channel": "sms",
    }
    return await _form(request, defaults, {})


def _consent_errors(exc: InvalidInput) -> dict[str, str]:
    errors = translated(exc)
    renamed = {"consent.scopes": "scopes", "consent.date": "consent_date", "consent.text_version": "consent_version"}
    return {renamed.get(k, k): v for k, v in errors.items()}


@post("/participants/new", guards=[see_people], include_in_schema=False)
async def create_participant(request: Request) -> Response:
    form = await request.form()
    data = await form_data(request)
    scopes = [str(s) for s in form.getall("scopes")] if "scopes" in form else []
    values = {**data, "scopes": scopes}
    consent = None
    if scopes:
        consent = services.ConsentInput(
            scopes=scopes, date=data.get("consent_date", ""), text_version=data.get("consent_version", "")
        )
    try:
        person = await services.create_participant(
            current_staff(request),
            services.ParticipantInput(
                name=data.get("name", ""),
                birth_year=data.get("birth_year", ""),
                primary_contact_id=_int(data.get("primary_contact_id")),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                preferred_channel=data.get("preferred_channel") or "sms",
                referral_date=data.get("referral_date") or None,
                consent=consent,
            ),
        )
    except InvalidInput as exc:
        return await _form(request, values, _consent_errors(exc), 422)
    return flash.redirect(request, f"/participants/{person.id}", N_("The participant is registered."))


@get("/participants/{participant_id:int}/edit", guards=[see_people], include_in_schema=False)
async def edit_participant(request: Request, participant_id: PathId) -> Template:
    person = await services.open_participant(current_staff(request), participant_id)
    values = {
        "name": person.name,
        "birth_year": person.birth_year,
        "phone": person.phone,
        "email": person.email,
        "preferred_channel": person.preferred_channel,
        "primary_contact_id": str(person.primary_contact.id),
        "referral_date": person.referral_date.isoformat() if person.referral_date else "",
    }
    return await _form(request, values, {}, participant=person)


@post("/participants/{participant_id:int}/edit", guards=[see_people], include_in_schema=False)
async def update_participant(request: Request, participant_id: PathId) -> Response:
    staff = current_staff(request)
    data = await form_data(request)
    try:
        await services.update_participant(
            staff,
            participant_id,
            services.ParticipantChanges(
                name=data.get("name", ""),
                birth_year=data.get("birth_year", ""),
                primary_contact_id=_int(data.get("primary_contact_id")) or "",
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                # A form without the field keeps the channel as it is.
                preferred_channel=data.get("preferred_channel") or None,
                referral_date=data.get("referral_date", ""),
            ),
        )
    except InvalidInput as exc:
        person = await services.get_participant(staff, participant_id)
        return await _form(request, data, translated(exc), 422, participant=person)
    return flash.redirect(request, f"/participants/{participant_id}", N_("The details are saved."))


# --- one participant -----------------------------------------------------------------------


async def _detail(
    request: Request,
    participant_id: int,
    errors: dict | None = None,
    status: int = 200,
    link_url: str | None = None,
    opened: bool = False,
    notices: list | None = None,
    enrol_values: dict | None = None,
) -> Template:
    """The participant page; ``opened`` when it is asked for, not shown again after a change."""
    staff = current_staff(request)
    read = services.open_participant if opened else services.get_participant
    person = await read(staff, participant_id)
    return Template(
        "participants/detail.html",
        context={
            "person": person,
            "errors": errors or {},
            "scopes": rules.SCOPE_LABELS,
            "channels": rules.CHANNEL_LABELS,
            "enrolment_labels": rules.STATUS_LABELS,
            "consent_text": await services.text_in_force(),
            "today": clock.today(),
            "link_url": link_url,
            "link_qr": qr_svg(link_url, gettext("QR code for the personal link"), size=200) if link_url else None,
            "retention": await services.retention_state(staff, participant_id),
            "enrol_choices": await _enrol_choices(staff, person) if person.consent.participation else [],
            "enrol_values": enrol_values or {},
            "notices": notices or [],
        },
        status_code=status,
    )


# The cohorts offered on the participant page: a start day every four weeks or so, and
# a term planned ahead, fit well within this.
ENROL_CHOICES = 20


async def _enrol_choices(staff, person) -> list[tuple[int, str]]:
    """The office's current and planned cohorts the participant is not on, by start day."""
    on = {e.cohort_id for e in person.enrolments if e.status not in ("withdrawn", "no_show", "dropped_out")}
    found = await cohorts.list_cohorts(
        staff, status=cohorts.CURRENT, office_id=person.office_id, page=paging.PageRequest(limit=ENROL_CHOICES)
    )
    return [
        (
            c.id,
            f"{c.title} · {c.start_date:%d.%m.%Y}–{c.end_date:%d.%m.%Y} · {gettext(STATUS_LABELS[c.status])}",
        )
        for c in found.items
        if c.id not in on
    ]


@get("/participants/{participant_id:int}", guards=[see_people], include_in_schema=False)
async def participant_page(request: Request, participant_id: PathId, warned: FromQuery[int | None] = None) -> Template:
    # After an enrolment that called for a warning (its id): the warning, as a notice.
    notices = []
    if warned is not None and valid_id(warned):
        try:
            notices = await enrolment_service.enrolment_warnings(current_staff(request), warned)
        except NotFound:
            notices = []
    return await _detail(request, participant_id, opened=True, notices=notices)


@post("/participants/{participant_id:int}/enrolments", guards=[see_people], include_in_schema=False)
async def enrol_participant(request: Request, participant_id: PathId) -> Response:
    """Enrol (or invite) the participant on a cohort chosen on their page: the same rules
    as from the cohort's page, the errors named by the cohort field."""
    staff = current_staff(request)
    data = await form_data(request)
    values = {"cohort_id": data.get("cohort_id", "")}
    cohort_id = _int(data.get("cohort_id"))
    if not isinstance(cohort_id, int) or not valid_id(cohort_id):
        errors = {"cohort_id": gettext("Choose a cohort.")}
        return await _detail(request, participant_id, errors, 422, enrol_values=values)
    try:
        enrolment = await services.enrol(staff, cohort_id, participant_id, data.get("status", "enrolled"))
    except NotFound:
        errors = {"cohort_id": gettext("Choose a cohort.")}
        return await _detail(request, participant_id, errors, 422, enrol_values=values)
    except InvalidInput as exc:
        errors = {
            ("cohort_id" if k in ("cohort", "participant_id", "status") else k): v for k, v in translated(exc).items()
        }
        return await _detail(request, participant_id, errors, 422, enrol_values=values)
    except Conflict as exc:
        return await _detail(request, participant_id, {"cohort_id": exc.text(gettext)}, 409, enrol_values=values)
    path = f"/participants/{participant_id}"
    if enrolment.warnings:
        path += f"?warned={enrolment.id}"
    return flash.redirect(request, f"{path}#enrolments", _enrolled_message(enrolment.status))


def _enrolled_message(status: str) -> str:
    if status == "waiting":
        return N_("The cohort is full: the participant is on the waiting list.")
    if status == "invited":
        return N_("The participant is invited.")
    return N_("The participant is enrolled.")


@post("/participants/{participant_id:int}/consents", guards=[see_people], include_in_schema=False)
async def record_consent(request: Request, participant_id: PathId) -> Response:
    form = await request.form()
    data = await form_data(request)
    consent = services.ConsentInput(
        scopes=[str(s) for s in form.getall("scopes")] if "scopes" in form else [],
        date=data.get("consent_date", ""),
        text_version=data.get("consent_version", ""),
        action=data.get("action", ""),
    )
    try:
        await services.record_consent(current_staff(request), participant_id, consent)
    except InvalidInput as exc:
        renamed = {"date": "consent_date", "text_version": "consent_version"}
        errors = {renamed.get(k, k): v for k, v in translated(exc).items()}
        return await _detail(request, participant_id, errors, 422)
    return flash.redirect(request, f"/participants/{participant_id}", N_("The consent is recorded."))


@post("/participants/{participant_id:int}/category", guards=[see_people], include_in_schema=False)
async def set_category(request: Request, participant_id: PathId) -> Response:
    data = await form_data(request)
    try:
        await services.set_category(current_staff(request), participant_id, data.get("category", ""))
    except InvalidInput as exc:
        return await _detail(request, participant_id, translated(exc), 422)
    return flash.redirect(request, f"/participants/{participant_id}", N_("The follow-up category is saved."))


@post("/participants/{participant_id:int}/link", guards=[see_people], include_in_schema=False)
async def issue_link(request: Request, participant_id: PathId) -> Template:
    """The new link is shown once, on this answer; only its digest is kept."""
    try:
        link = await services.issue_link(current_staff(request), participant_id)
    except InvalidInput as exc:
        return await _detail(request, participant_id, {"link": " ".join(translated(exc).values())}, 422)
    url = absolute_url(request, f"/p/{link.token}")
    return await _detail(request, participant_id, link_url=url)


@post("/participants/{participant_id:int}/link/revoke", guards=[see_people], include_in_schema=False)
async def revoke_link(request: Request, participant_id: PathId) -> Response:
    """Without ``confirm=1`` the answer is the page that says what happens, and the link works on."""
    staff = current_staff(request)
    data = await form_data(request)
    if data.get("confirm") != "1":
        person = await services.get_participant(staff, participant_id)
        if person.link is None:
            return Redirect(path=f"/participants/{participant_id}#link")
        return Template("participants/link_revoke_confirm.html", context={"person": person})
    await services.revoke_link(staff, participant_id)
    return flash.redirect(request, f"/participants/{participant_id}#link", N_("The link is revoked."))


# --- enrolment and outcomes -------------------------------------------------------------------


# --- the cohort's page, with its roster ------------------------------------------------------------


async def render_cohort(
    request: Request,
    cohort_id: int,
    errors: dict | None = None,
    status: int = 200,
    notices: list | None = None,
    find: str = "",
) -> Template:
    staff = current_staff(request)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    # The cohort's leaders and any session's substitutes, by name.
    leaders = await cohorts.staff_names(cohort.leader_ids + [i for s in cohort.sessions for i in s.substitute_ids])
    changes, older_changes = await cohorts.change_history(staff, cohort_id)
    sees_people = policies.may_see_people(staff)
    # Read once: the roster (names, for leaders) and the summary (counts, for everyone) share it.
    rows = await services.roster(staff, cohort_id, cohort) if sees_people else None
    return Template(
        "cohorts/detail.html",
        context={
            "cohort": cohort,
            "moves": await cohorts.moves_for(cohort),
            "leader_names": [leaders.get(i, "") for i in cohort.leader_ids],
            "can_change": cohort_policies.can_change_cohorts(staff),
            "sees_people": sees_people,
            "roster": rows or [],
            # The person picker's results, when searched without script (with it: cohort_candidates).
            "found": await services.find_candidates(staff, cohort_id, find) if sees_people and find else None,
            "summary": services.summarise(cohort, rows)
            if rows is not None
            else await services.cohort_summary(staff, cohort_id),
            "enrolment_labels": rules.STATUS_LABELS,
            "outcome_labels": rules.OUTCOME_LABELS,
            "today": clock.today(),
            "errors": errors or {},
            "staff_names": leaders,
            "changes": changes,
            "more_changes": older_changes is not None,
            "notices": notices or [],
        },
        status_code=status,
    )


@get("/cohorts/{cohort_id:int}", guards=[login_required], include_in_schema=False)
async def cohort_page(
    request: Request, cohort_id: PathId, warned: FromQuery[int | None] = None, find: FromQuery[str] = ""
) -> Template:
    # After an enrolment that called for a warning (its id): the warning, as a notice.
    notices = []
    if warned is not None and valid_id(warned) and policies.may_see_people(current_staff(request)):
        try:
            notices = await enrolment_service.enrolment_warnings(current_staff(request), warned)
        except NotFound:
            notices = []
    return await render_cohort(request, cohort_id, notices=notices, find=find[:200])


@get("/cohorts/{cohort_id:int}/candidates", guards=[see_people], include_in_schema=False)
async def cohort_candidates(request: Request, cohort_id: PathId, find: FromQuery[str] = "") -> Response:
    """The person picker's results, for htmx; without script the search goes to the
    cohort's page, which shows the same."""
    if request.headers.get("hx-request") != "true":
        return Redirect(path=f"/cohorts/{cohort_id}?{urlencode({'find': find[:200]})}#add-participant")
    found = await services.find_candidates(current_staff(request), cohort_id, find[:200])
    return Template("participants/_candidates.html", context={"found": found, "cohort_id": cohort_id})


@post("/cohorts/{cohort_id:int}/waiting-list/invite", guards=[see_people], include_in_schema=False)
async def invite_waiting_list(request: Request, cohort_id: PathId) -> Response:
    try:
        await enrolment_service.invite_from_waiting_list(current_staff(request), cohort_id)
    except InvalidInput as exc:
        return await render_cohort(request, cohort_id, translated(exc), 422)
    return flash.redirect(request, f"/cohorts/{cohort_id}#participants", N_("Those who could get a place are invited."))


@post("/cohorts/{cohort_id:int}/enrolments", guards=[see_people], include_in_schema=False)
async def enrol(request: Request, cohort_id: PathId) -> Response:

    data = await form_data(request)
    try:
        enrolment = await services.enrol(
            current_staff(request), cohort_id, _int(data.get("participant_id")), data.get("status", "enrolled")
        )
    except InvalidInput as exc:
        # The form has one field; a rule about the cohort itself is told there too.
        errors = {("participant_id" if k == "cohort" else k): v for k, v in translated(exc).items()}
        return await render_cohort(request, cohort_id, errors, 422)
    except Conflict as exc:
        return await render_cohort(request, cohort_id, {exc.field or "participant_id": exc.text(gettext)}, 409)
    message = _enrolled_message(enrolment.status)
    if enrolment.warnings:
        return flash.redirect(request, f"/cohorts/{cohort_id}?warned={enrolment.id}#participants", message)
    return flash.redirect(request, f"/cohorts/{cohort_id}#participants", message)


async def _enrolment(
    request: Request,
    enrolment_id: int,
    errors: dict | None = None,
    status: int = 200,
    values: dict | None = None,
    *,
    opened: bool = False,
) -> Template:
    # Opening the page is a read for the audit log; showing it again after a change is not.
    load = services.open_enrolment if opened else services.get_enrolment
    enrolment, cohort = await load(current_staff(request), enrolment_id)
    outcome = enrolment.outcome
    defaults = {
        "kind": outcome.kind if outcome else "",
        "date": (outcome.date if outcome else clock.today()).isoformat(),
        "note": outcome.note if outcome else "",
        "status": enrolment.status,
        "reason": enrolment.reason,
    }
    return Template(
        "participants/enrolment.html",
        context={
            "enrolment": enrolment,
            "cohort": cohort,
            "errors": errors or {},
            "values": {**defaults, **(values or {})},
            "next_statuses": sorted(rules.TRANSITIONS.get(enrolment.status, ()), key=rules.STATUSES.index),
            "labels": rules.STATUS_LABELS,
            "outcomes": rules.OUTCOME_LABELS,
            "outcome_groups": rules.OUTCOME_GROUPS,
            "needs_reason": rules.NEEDS_REASON,
        },
        status_code=status,
    )


@get("/enrolments/{enrolment_id:int}", guards=[see_people], include_in_schema=False)
async def enrolment_page(request: Request, enrolment_id: PathId) -> Template:
    return await _enrolment(request, enrolment_id, opened=True)


@post("/enrolments/{enrolment_id:int}", guards=[see_people], include_in_schema=False)
async def change_enrolment(request: Request, enrolment_id: PathId) -> Response:
    data = await form_data(request)
    try:
        out = await services.change_enrolment(
            current_staff(request), enrolment_id, data.get("status", ""), data.get("reason", "")
        )
    except InvalidInput as exc:
        return await _enrolment(request, enrolment_id, translated(exc), 422, data)
    except Conflict as exc:
        return await _enrolment(request, enrolment_id, {exc.field or "status": exc.text(gettext)}, 409, data)
    return flash.redirect(request, f"/cohorts/{out.cohort_id}#participants", N_("The enrolment is changed."))


@post("/enrolments/{enrolment_id:int}/outcome", guards=[see_people], include_in_schema=False)
async def set_outcome(request: Request, enrolment_id: PathId) -> Response:
    data = await form_data(request)
    try:
        out = await services.set_outcome(
            current_staff(request), enrolment_id, data.get("kind", ""), data.get("date", ""), data.get("note", "")
        )
    except InvalidInput as exc:
        return await _enrolment(request, enrolment_id, translated(exc), 422, data)
    return flash.redirect(request, f"/cohorts/{out.cohort_id}#participants", N_("The outcome is recorded."))


@get("/cohorts/{cohort_id:int}/summary", guards=[login_required], include_in_schema=False)
async def summary_page(request: Request, cohort_id: PathId) -> Template:
    summary = await services.cohort_summary(current_staff(request), cohort_id)
    return Template(
        "participants/summary.html",
        context={
            "summary": summary,
            "outcomes": rules.OUTCOME_LABELS,
            "outcome_groups": rules.OUTCOME_GROUPS,
            "labels": rules.STATUS_LABELS,
        },
    )


# --- attendance ---------------------------------------------------------------------------------


@get("/cohorts/{cohort_id:int}/sessions/{number:int}/attendance", guards=[see_people], include_in_schema=False)
async def register_page(request: Request, cohort_id: PathId, number: SessionNumber) -> Template:
    staff = current_staff(request)
    sheet = await services.register(staff, cohort_id, number)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    return Template("participants/register.html", context={"sheet": sheet, "cohort": cohort, "errors": {}})


@post(
    "/cohorts/{cohort_id:int}/sessions/{number:int}/attendance/{participant_id:int}",
    guards=[see_people],
    include_in_schema=False,
)
async def mark_attendance(
    request: Request, cohort_id: PathId, number: SessionNumber, participant_id: PathId
) -> Response:
    """One tap on the register. With htmx the answer is the row alone; without
    JavaScript the browser goes back to the register."""
    data = await form_data(request)
    staff = current_staff(request)
    is_htmx = request.headers.get("hx-request") == "true"
    errors: dict[str, str] = {}
    status = data.get("status", "")
    try:
        row = await services.mark_attendance(staff, cohort_id, number, participant_id, status, data.get("note", ""))
    except InvalidInput as exc:
        errors = translated(exc)
        sheet = await services.register(staff, cohort_id, number)
        row = next(r for r in sheet.rows if r.participant_id == participant_id)
        row = services.RegisterRow(row.participant_id, row.name, status or row.status, data.get("note", ""))
    if is_htmx:
        can_register = not errors or (await services.register(staff, cohort_id, number)).can_register
        return Template(
            "participants/_register_row.html",
            context={
                "row": row,
                "cohort_id": cohort_id,
                "number": number,
                "errors": errors,
                "saved": not errors,
                "can_register": can_register,
            },
            status_code=200 if not errors else 422,
        )
    if errors:
        sheet = await services.register(staff, cohort_id, number)
        sheet.rows = [row if r.participant_id == participant_id else r for r in sheet.rows]
        cohort = await cohorts.get_cohort(staff, cohort_id)
        return Template(
            "participants/register.html",
            status_code=422,
            context={
                "sheet": sheet,
                "cohort": cohort,
                "errors": {f"p{participant_id}": errors},
            },
        )
    path = f"/cohorts/{cohort_id}/sessions/{number}/attendance#p{participant_id}"
    return flash.redirect(request, path, N_("Attendance saved."))


route_handlers = [
    cohort_page,
    cohort_candidates,
    participants_page,
    new_participant,
    create_participant,
    edit_participant,
    update_participant,
    participant_page,
    record_consent,
    set_category,
    issue_link,
    revoke_link,
    enrol_participant,
    enrol,
    invite_waiting_list,
    enrolment_page,
    change_enrolment,
    set_outcome,
    summary_page,
    register_page,
    mark_attendance,
]
