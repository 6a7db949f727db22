"""The evaluation form and its answers, shared by the slip's page (/e/…) and the
participant's own page (/p/…)."""

from __future__ import annotations

from datetime import date

from litestar.response import Template

from course.errors import Conflict, InvalidInput
from course.evaluations import reports, services
from course.validation import whole_number
from course.web.forms import translated
from course.web.i18n import gettext


def period_title(start: date | None, end: date | None, both: str, since: str, until: str, always: str) -> str:
    """A report's title for its period, from the report's own four message ids: both
    days, from a day (until today: no open dash), until a day, or every period."""
    first, last = (d.strftime("%d.%m.%Y") if d else "" for d in (start, end))
    if first and last:
        return gettext(both, start=first, end=last)
    if first:
        return gettext(since, start=first)
    if last:
        return gettext(until, end=last)
    return gettext(always)


def form_values(data: dict[str, str]) -> tuple[dict, dict, str | None]:
    scores = {}
    for area in reports.AREAS:
        raw = data.get(area, "")
        number = whole_number(raw)
        scores[area] = number if number is not None else raw or None
    comments = {area: data[f"comment_{area}"] for area in reports.AREAS if data.get(f"comment_{area}", "").strip()}
    return scores, comments, data.get("comment")


def form_errors(exc: InvalidInput) -> dict[str, str]:
    # Each area's fieldset carries the area's name as its id, so the summary links to it.
    return {
        key.removeprefix("scores.").replace("comments.", "comment_"): message
        for key, message in translated(exc).items()
    }


def page(
    action: str, values: dict, errors: dict, status: int = 200, template: str = "evaluations/form.html", **extra
) -> Template:
    return Template(
        template,
        status_code=status,
        context={
            "action": action,
            "areas": reports.AREAS,
            "labels": reports.AREA_LABELS,
            "values": values,
            "errors": errors,
            **extra,
        },
    )


def answered(status: int = 200, **context) -> Template:
    return Template("evaluations/answered.html", context=context, status_code=status)


def thanks(**context) -> Template:
    """The thank-you after an answer, reached by a redirect (a GET): nothing of the answer."""
    return Template("evaluations/thanks.html", context=context)


def closed(**context) -> Template:
    return Template("evaluations/closed.html", context=context, status_code=410)


def refused(exc: Conflict, **context) -> Template:
    """A used link, or an evaluation that has as many answers as participants."""
    if exc.message == services.FULL_MESSAGE:
        return Template("evaluations/closed.html", context={**context, "full": True}, status_code=409)
    return answered(409, **context)
