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
from course.web.links import absolute_url


@get("/", name="home", guards=[login_required], include_in_schema=False)
async def home(request: Request) -> Response:
    staff = current_staff(request)
    if staff.role is Role.admin:
        return Redirect(path="/admin")
    if staff.role is Role.manager:
        current = await cohorts.list_cohorts(staff, status=cohorts.CURRENT)
        users = await accounts.list_users(staff)
        counts = _role_counts(users)
        counts["running"] = (await cohorts.count_cohorts(staff, "running"))[0]
        return Template(
            "home/manager.html",
            context={"office_users": users, "counts": counts, "cohorts": current.items, "more_cohorts": current.next},
        )
    colleagues = [u for u in await accounts.list_users(staff) if u.role is Role.leader and u.active]
    # Their own cohorts, and those where they stand in for a leader at a session.
    mine = (await cohorts.list_cohorts(staff, status=cohorts.CURRENT, led_by=staff.id)).items
    return Template(
        "home/leader.html",
        context={
            "colleagues": colleagues,
            "cohorts": mine,
            "today_sessions": today_sessions(mine, staff.id, clock.today()),
            "warnings": await participants.warnings_for(staff),
            "waiting": await way_in.waiting_list(staff),
            "follow_ups": await follow_ups.due_follow_ups(staff),
        },
    )


def today_sessions(mine, staff_id: int, today) -> list[dict]:
    """The sessions the leader leads today (Oslo), from the cohorts already read for the
    page: no query more, however long the history."""
    found = [
        {"cohort": cohort, "session": session}
        for cohort in mine
        for session in cohort.sessions
        if session.date == today and session.status != "cancelled" and staff_id in session.led_by(cohort.leader_ids)
    ]
    return sorted(found, key=lambda f: (f["session"].start_time, f["cohort"].title))


def _role_counts(users) -> dict[str, int]:
    counts = {role.value: 0 for role in Role}
    for user in users:
        if user.active:
            counts[user.role.value] += 1
    return counts


@post("/account/calendar-feed", guards=[login_required], include_in_schema=False)
async def rotate_calendar_feed(request: Request) -> Template:
    token = await cohorts.rotate_feed(current_staff(request))
    url = absolute_url(request, f"/calendar/{token}.ics")
    return await account_views.account(request, feed_url=url)


route_handlers = [home, rotate_calendar_feed]
