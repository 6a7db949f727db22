"""The way-in report as CSV for Norwegian Excel: the same lines as ``path.report_csv``
(one per office, no names), with Norwegian headings, dates as dd.mm.yyyy and decimal
commas (``spreadsheets.excel_csv``)."""

from __future__ import annotations

from collections.abc import Callable

from course.errors import N_
from course.participants import path
from course.participants import path_rules as rules
from course.web.spreadsheets import Column, Kind, excel_csv, excel_name

COUNT_LABELS = {
    "referred": N_("Referred"),
    "hu": N_("Referral committee (HU)"),
    "accepted": N_("Accepted"),
    "not_now": N_("Not now"),
    "other_measure": N_("Other measure"),
    "undecided": N_("Decision not recorded"),
    "intake": N_("Intake talk"),
    "info_meeting": N_("Information meeting"),
    "started": N_("Started on a cohort"),
    "waiting": N_("Waiting for a step now"),
    "late_to_hu": N_("More than 5 days from referral to HU"),
    "late_to_start": N_("More than 14 days from HU to start"),
}
SPREAD: tuple[tuple[str, str, Kind], ...] = (
    ("count", N_("Number"), "number"),
    ("median", N_("Median"), "decimal"),
    ("q1", N_("Lower quartile"), "decimal"),
    ("q3", N_("Upper quartile"), "decimal"),
    ("min", N_("Shortest"), "number"),
    ("max", N_("Longest"), "number"),
)
STAGES = (("referral_to_hu", N_("Referral to HU")), ("hu_to_start", N_("HU to start")))


def columns(gettext: Callable[[str], str]) -> list[Column]:
    return [
        Column("office_id", N_("Office no."), "number"),
        Column("office", N_("Office")),
        Column("from", N_("From"), "date"),
        Column("to", N_("To"), "date"),
        Column("participants", N_("Participants"), "number"),
        *(Column(k, COUNT_LABELS[k], "number") for k in rules.COUNTS),
        *(
            Column(f"{stage}_{key}", f"{gettext(stage_label)}: {gettext(label).lower()} ({gettext('days')})", kind)
            for stage, stage_label in STAGES
            for key, label, kind in SPREAD
        ),
    ]


def to_excel_csv(report: path.WayInReport, gettext: Callable[[str], str]) -> bytes:
    rows = (
        [office.office_id, office.office_name, report.start, report.end, office.participants]
        + [office.counts.get(k) for k in rules.COUNTS]
        + [getattr(spread, key) for spread in (office.referral_to_hu, office.hu_to_start) for key, _, _ in SPREAD]
        for office in report.offices
    )
    return excel_csv(columns(gettext), rows, gettext)


def file_name(report: path.WayInReport) -> str:
    return excel_name(f"veien-inn-{report.start}_{report.end}.csv")
