"""The staff user's start page, per role, and the calendar feed on their account page:
pages that gather several domains, so they sit above them all."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from course import clock
from course.accounts import services as accounts
from course.accounts import views as account_views
from course.accounts.schemas import Role
from course.cohorts import services as cohorts
from course.participants import follow_ups
from course.participants import path as way_in
from course.participants import services as participants
from course.web.guards import current_staff, login_required


@get("/", name="home", guards=[login_required], include_in_schema=False)
async def home(request: Request) -> Response:
    staff = current_staff(request)
    if staff.role is Role.admin:
        return Redirect(path="/admin")
    current = [c for c in await cohorts.list_cohorts(staff, start=clock.today()) if c.status != "finished"]
    if staff.role is Role.manager:
        users = await accounts.list_users(staff)
        counts = _role_counts(users)
        counts["running"] = sum(1 for c in current if c.status == "running")
        return Template(
            "home/manager.html",
            context={"office_users": users, "counts": counts, "cohorts": current},
        )
    colleagues = [u for u in await accounts.list_users(staff) if u.role is Role.leader and u.active]
    # Their own cohorts, and those where they stand in for a leader at a session.
    mine = [c for c in current if staff.id in c.leader_ids or any(staff.id in s.substitute_ids for s in c.sessions)]
    return Template(
        "home/leader.html",
        context={
            "colleagues": colleagues,
            "cohorts": mine,
            "warnings": await participants.warnings_for(staff),
            "waiting": await way_in.waiting_list(staff),
            "follow_ups": await follow_ups.due_follow_ups(staff),
        },
    )


def _role_counts(users) -> dict[str, int]:
    counts = {role.value: 0 for role in Role}
    for user in users:
        if user.active:
            counts[user.role.value] += 1
    return counts


@post("/account/calendar-feed", guards=[login_required], include_in_schema=False)
async def rotate_calendar_feed(request: Request) -> Template:
    token = await cohorts.rotate_feed(current_staff(request))
    url = f"{request.app.state.settings.base_url}/calendar/{token}.ics"
    return await account_views.account(request, feed_url=url)


route_handlers = [home, rotate_calendar_feed]
