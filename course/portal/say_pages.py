"""The participant's own say, under /p/{token}/say: "I cannot come" to a session still
to come (and "I will come after all"), and for a planned talk "Confirm" or "Ask for
another time" among the leader's free times.

No login: the personal link is the scope, and every handler finds the person from
it first. An unknown link, or a session or talk that is not theirs (or no longer
open to a say), answers the participant's own 404; a revoked or expired link, 410.
"""

from __future__ import annotations

from litestar import Request, Response, Router, get, post
from litestar.response import Template

from course.errors import N_, Conflict, InvalidInput, NotFound
from course.guidance import own as talks
from course.participants import absence
from course.participants import services as participants
from course.web import flash
from course.web.forms import PathId, Token, form_data, translated
from course.web.i18n import gettext


def link_not_found(request: Request, exc: Exception) -> Response:
    """The participant's own 404, as on their other pages: what to do, and no way into the staff's pages."""
    return Template("portal/not_found.html", context={}, status_code=404)


def link_gone(request: Request, exc: Exception) -> Response:
    """The link was real but has been revoked or has expired: it says so (410)."""
    return Template("participants/own_gone.html", context={}, status_code=410)


async def _person(token: str) -> int:
    return await participants.participant_for_token(token)


@get("/p/{token:str}/say", include_in_schema=False)
async def say_page(request: Request, token: Token) -> Template:
    """Everything the participant can say something about: their sessions and planned talks still to come."""
    person = await _person(token)
    return Template(
        "portal/say.html",
        context={
            "token": token,
            "sessions": await absence.own_sessions(person),
            "talks": await talks.own_planned_talks(person),
        },
    )


# --- "I cannot come" ---------------------------------------------------------------------------


def _absence_form(token: str, session: absence.OwnSession, reason: str = "", errors=None, status: int = 200):
    return Template(
        "portal/absence.html",
        context={
            "token": token,
            "session": session,
            "reason": reason,
            "errors": errors or {},
            "max_reason": absence.MAX_REASON,
        },
        status_code=status,
    )


@get("/p/{token:str}/say/sessions/{session_id:int}", include_in_schema=False)
async def absence_form(request: Request, token: Token, session_id: PathId) -> Template:
    person = await _person(token)
    return _absence_form(token, await absence.own_session(person, session_id))


@post("/p/{token:str}/say/sessions/{session_id:int}", include_in_schema=False)
async def absence_submit(request: Request, token: Token, session_id: PathId) -> Response:
    person = await _person(token)
    data = await form_data(request)
    reason = data.get("reason", "")
    try:
        await absence.report_absence(person, session_id, reason)
    except InvalidInput as exc:
        session = await absence.own_session(person, session_id)
        return _absence_form(token, session, reason, translated(exc), 422)
    return flash.redirect(request, f"/p/{token}/say", N_("Thank you for letting us know."))


@post("/p/{token:str}/say/sessions/{session_id:int}/withdraw", include_in_schema=False)
async def absence_withdraw(request: Request, token: Token, session_id: PathId) -> Response:
    person = await _person(token)
    try:
        await absence.withdraw_absence(person, session_id)
    except InvalidInput as exc:
        session = await absence.own_session(person, session_id)
        return _absence_form(token, session, "", translated(exc), 422)
    return flash.redirect(request, f"/p/{token}/say", N_("Good to hear you are coming."))


# --- guidance talks ----------------------------------------------------------------------------


@post("/p/{token:str}/say/talks/{talk_id:int}/confirm", include_in_schema=False)
async def talk_confirm(request: Request, token: Token, talk_id: PathId) -> Response:
    await talks.confirm_talk(await _person(token), talk_id)
    return flash.redirect(request, f"/p/{token}/say", N_("Thank you. The talk is confirmed."))


async def _move_page(token: str, person: int, talk_id: int, errors=None, status: int = 200) -> Template:
    return Template(
        "portal/talk_move.html",
        context={
            "token": token,
            "talk": await talks.own_planned_talk(person, talk_id),
            "free": await talks.free_times(person, talk_id),
            "days": talks.MOVE_DAYS,
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/p/{token:str}/say/talks/{talk_id:int}/move", include_in_schema=False)
async def talk_move_form(request: Request, token: Token, talk_id: PathId) -> Template:
    return await _move_page(token, await _person(token), talk_id)


@post("/p/{token:str}/say/talks/{talk_id:int}/move", include_in_schema=False)
async def talk_move_submit(request: Request, token: Token, talk_id: PathId) -> Response:
    person = await _person(token)
    data = await form_data(request)
    try:
        await talks.move_talk(person, talk_id, data.get("time", ""))
    except InvalidInput as exc:
        return await _move_page(token, person, talk_id, translated(exc), 422)
    except Conflict as exc:
        return await _move_page(token, person, talk_id, {exc.field or "time": exc.text(gettext)}, 409)
    return flash.redirect(request, f"/p/{token}/say", N_("The talk is moved. The course leader has been told."))


say_pages = [
    say_page,
    absence_form,
    absence_submit,
    absence_withdraw,
    talk_confirm,
    talk_move_form,
    talk_move_submit,
]
# Their own router, answering the participant's own 404 and 410 for every page here.
route_handlers = [
    Router(
        path="/",
        route_handlers=say_pages,
        exception_handlers={NotFound: link_not_found, participants.LinkExpired: link_gone},
    )
]
