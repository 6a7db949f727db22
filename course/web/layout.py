"""Templates: one Jinja2 environment with the translation functions."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from babel.dates import format_date as format_babel_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from course.cohorts.calendar import OSLO
from course.errors import N_
from course.settings import ROOT
from course.web import flash, formats, i18n

TEMPLATE_DIR = ROOT / "templates"

ROLE_LABELS = {"leader": N_("Course leader"), "manager": N_("Manager"), "admin": N_("Administrator")}
STATUS_LABELS = {
    "planned": N_("Planned"),
    "running": N_("Running"),
    "finished": N_("Finished"),
    "held": N_("Held"),
    "cancelled": N_("Cancelled"),
}
WEEKDAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def _gettext(message: str) -> str:
    return i18n.translations(i18n.current_locale.get()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current_locale.get()).ngettext(singular, plural, n)


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(OSLO).strftime("%d.%m.%Y %H:%M")


def format_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def format_weekday_date(value: date | None) -> str:
    if value is None:
        return ""
    return f"{_gettext(WEEKDAY_NAMES[value.weekday()])} {value.strftime('%d.%m.%Y')}"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["datetime"] = format_datetime
    env.filters["date"] = format_date
    env.filters["weekday_date"] = format_weekday_date
    env.filters["long_date"] = format_long_date
    env.filters.update(formats.FILTERS)  # decimal, number, percent, phone: Norwegian forms, one rounding
    env.globals["ROLE_LABELS"] = ROLE_LABELS
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["current_locale"] = i18n.current_locale.get
    env.globals["flash_message"] = flash.message
    return env


def format_long_date(value: date | None) -> str:
    """A date written out as Norwegian readers expect it: 2. desember 2026."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_babel_date(value, format="long", locale=i18n.current_locale.get())


@cache
def environment() -> Environment:
    """The one environment: for pages, and for documents rendered outside a request."""
    return make_environment()


def template_config() -> TemplateConfig:
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment()))
