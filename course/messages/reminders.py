"""Reminders the day before: each session and each guidance talk, to every participant
who has consented to being contacted, from 15:00 the day before (or at the first
round after, if nothing ran then). A moved session or talk is a new date, so it is
reminded of again; one the participant has said they cannot come to is not."""

from __future__ import annotations

from datetime import datetime, timedelta

from course.cohorts.schedule import module_name
from course.cohorts.tables import Session
from course.guidance.tables import Talk
from course.messages import outbox, rules, texts
from course.participants.tables import Attendance, Enrolment
from course.web.i18n import translator

BRING = {
    1: "",
    8: "Ta gjerne med deg det du har skrevet i refleksjonsoppgavene, så fullfører vi ressurs-CV-en din.",
}
BRING_DEFAULT = "Ta gjerne med deg refleksjonsoppgaven fra sist."
ON_REGISTER = ("enrolled", "invited")


def days_to_remind(at: datetime) -> list:
    """Tomorrow from 15:00 (until the quiet hours); and today, for what starts later
    and was never reminded of (the dedup key makes it a no-op when it was)."""
    day = rules.reminder_day(at)
    today = at.date()
    return [today] + ([day] if day else [])


async def queue_reminders(at: datetime) -> int:
    nb = translator("nb")
    count = 0
    for day in days_to_remind(at):
        sessions = await Session.select(
            Session.id,
            Session.cohort,
            Session.number,
            Session.module,
            Session.date,
            Session.start_time,
            Session.end_time,
            Session.location,
            Session.cohort.title.as_alias("title"),
        ).where(
            Session.date == day,
            Session.cancelled_at.is_null(),
            Session.cohort.cancelled_at.is_null(),
        )
        for session in sessions:
            if day == at.date() and session["start_time"] <= (at + timedelta(hours=1)).time():
                continue  # too late to be of use
            excused = {
                row["participant"]
                for row in await Attendance.select(Attendance.participant).where(Attendance.session == session["id"])
            }
            enrolled = await Enrolment.select(Enrolment.participant).where(
                Enrolment.cohort == session["cohort"], Enrolment.status.is_in(list(ON_REGISTER))
            )
            context = {
                "title": session["title"],
                "number": session["number"],
                "theme": nb(module_name(session["module"])) if module_name(session["module"]) else "",
                "day": session["date"],
                "start": session["start_time"],
                "end": session["end_time"],
                "location": session["location"],
                "bring": BRING.get(session["module"], BRING_DEFAULT),
                "link": texts.LINK_MARK,
            }
            for row in enrolled:
                if row["participant"] in excused:
                    continue
                count += await outbox.to_participant(
                    row["participant"],
                    "session_reminder",
                    f"session:{session['id']}:{session['date']}:{session['start_time']}",
                    context,
                    cohort_id=session["cohort"],
                )
        talks = await Talk.select(
            Talk.id, Talk.participant, Talk.cohort, Talk.date, Talk.start_time, Talk.end_time, Talk.location
        ).where(Talk.date == day, Talk.status == "planned")
        for talk in talks:
            if day == at.date() and talk["start_time"] <= (at + timedelta(hours=1)).time():
                continue
            count += await outbox.to_participant(
                talk["participant"],
                "talk_reminder",
                f"talk:{talk['id']}:{talk['date']}:{talk['start_time']}",
                {
                    "day": talk["date"],
                    "start": talk["start_time"],
                    "end": talk["end_time"],
                    "location": talk["location"],
                    "link": texts.LINK_MARK,
                },
                cohort_id=talk["cohort"],
            )
    return count
