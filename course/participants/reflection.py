"""Reflection tasks between sessions (refleksjonsoppgaver) and the participants'
private answers.

Each office keeps a short task text per module; where it has saved none, a default
text is suggested. After a module's first session has ended, the participant sees its
task on their own page and may write an answer, which they can change or clear later.
The answer is read only by the participant, the cohort's leaders (its pair and any
substitute) and the participant's primary contact: ``policies.reflection_answer_scope``
in every query that selects the text. The office's other leaders and admins see only
whether a task is answered, as they see attendance. The text never goes into the
audit log: its events name the enrolment and the module.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from course import clock
from course.accounts import services as accounts
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.schedule import MODULES
from course.cohorts.tables import Cohort
from course.db import is_unique_violation, lock, write_transaction
from course.errors import N_, Conflict, InvalidInput, NotFound
from course.participants import policies
from course.participants.common import PersonRef, people_cohort, staff_names
from course.participants.tables import Enrolment, ReflectionAnswer, ReflectionTask
from course.validation import has_control_chars, nb_sort_key

MAX_TASK = 1000
MAX_ANSWER = 4000

# Suggested while an office has saved no text of its own for the module: short,
# solution-focused, about the young person's resources, in the course's own words.
DEFAULT_TASKS = {
    1: "Skriv ned tre ting du har fått til – hjemme, på skolen, på jobb eller i fritiden. "
    "Hva var det ved deg som gjorde at du klarte det?",
    2: "Hvilke roller har du i livet ditt i dag, for eksempel venn, søsken, lagkamerat eller kollega? "
    "Velg én av dem og skriv hva du er god til i den rollen.",
    3: "Legg merke til én situasjon før neste samling der du tenkte noe godt om deg selv, eller klarte "
    "å snu en vond tanke. Hva skjedde, og hva hjalp deg?",
    4: "Spør en du stoler på hva hen synes du er god til, og skriv ned svaret. Skriv også én ting du selv er stolt av.",
    5: "Tenk på et valg du har tatt som ble bra. Hva gjorde at du fikk det til? Skriv én liten endring "
    "du vil prøve før neste samling.",
    6: "Hva gir deg energi og lyst til å gjøre noe? Skriv ned ett mål som betyr noe for deg, og det "
    "første lille steget du kan ta mot det.",
    7: "Skriv ned hvem som er rundt deg: familie, venner, skole, NAV og andre. Hvem kan støtte deg på "
    "veien videre, og hva kan de hjelpe deg med?",
    8: "Se tilbake på kurset. Hvilke sterke sider, ferdigheter og erfaringer har du oppdaget at du har? "
    "Skriv tre ting du vil ha med i ressurs-CV-en din.",
    9: "Hvilke jobber eller utdanninger ble du nysgjerrig på? Skriv ned to du vil vite mer om, og hvorfor "
    "de kan passe for deg.",
    10: "Skriv noen setninger om deg selv som du kan bruke når du søker jobb eller praksisplass: hva du er "
    "god til, og hva du vil lære mer om.",
}

# Those who take part in the cohort answer its tasks.
ANSWERING = ("enrolled", "completed")


def modules() -> tuple[int, ...]:
    """Every module a task can be kept for: the cohorts domain's list (KJK's eight and
    Ny retning's last third)."""
    return tuple(range(1, len(MODULES) + 1))


def module_name(module: int) -> str:
    return MODULES[module - 1] if 1 <= module <= len(MODULES) else ""


def default_task(module: int) -> str:
    return DEFAULT_TASKS.get(module, "")


# --- pure rules ------------------------------------------------------------------------------


def opened_modules(sessions: Iterable[tuple[int, date, str, bool]], now: datetime) -> dict[int, date]:
    """Each module whose task the participant may answer, with the day it opened.

    ``sessions`` are (module, date, end time "HH:MM", cancelled). A task opens once
    the first session of its module that is not cancelled has ended: its day has
    passed, or it is that day and its end time has come."""
    day, clock_time = now.date(), now.strftime("%H:%M")
    opened: dict[int, date] = {}
    for module, when, end, cancelled in sessions:
        if cancelled or not (when < day or (when == day and end <= clock_time)):
            continue
        if module not in opened or when < opened[module]:
            opened[module] = when
    return opened


def clean_answer(value: object, errors: dict[str, str], key: str = "text") -> str:
    """The answer as it is kept: NFC, line ends as \\n, no trailing spaces; at most
    ``MAX_ANSWER`` characters and no control characters. Empty clears the answer."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()
    if has_control_chars(text):
        errors[key] = N_("The text holds characters that cannot be saved.")
    elif len(text) > MAX_ANSWER:
        errors[key] = N_("The answer can be at most 4000 characters.")
    return text


def clean_task(value: object, errors: dict[str, str], key: str = "text") -> str:
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()
    if has_control_chars(text):
        errors[key] = N_("The text holds characters that cannot be saved.")
    elif not text:
        errors[key] = N_("Write the task.")
    elif len(text) > MAX_TASK:
        errors[key] = N_("The task can be at most 1000 characters.")
    return text


# --- the office's tasks ----------------------------------------------------------------------


@dataclass
class TaskOut:
    """One module's task for an office. ``suggested`` when the office has saved no
    text of its own and ``text`` is the default suggestion."""

    module: int
    module_name: str
    text: str
    suggested: bool
    changed_at: datetime | None
    changed_by: str | None


@dataclass
class TasksOut:
    office_id: int
    office_name: str
    may_edit: bool
    tasks: list[TaskOut]


async def _office(staff: Staff, office_id: int | None):
    """The office whose tasks are asked for: an admin names any, everyone else has
    their own (another office's answers 404)."""
    return await accounts.get_office(staff, office_id if office_id is not None else staff.office_id)


async def _saved_tasks(scope, office_id: int) -> dict[int, dict]:
    rows = await ReflectionTask.select().where(scope, ReflectionTask.office == office_id)
    return {r["module"]: r for r in rows}


def _task_out(module: int, row: dict | None, names: dict[int, str]) -> TaskOut:
    from course.web.i18n import gettext

    if row is None:
        return TaskOut(module, gettext(module_name(module)), default_task(module), True, None, None)
    return TaskOut(
        module,
        gettext(module_name(module)),
        row["text"],
        False,
        row["changed_at"],
        names.get(row["changed_by"]) if row["changed_by"] else None,
    )


async def list_tasks(staff: Staff, office_id: int | None = None) -> TasksOut:
    office = await _office(staff, office_id)
    saved = await _saved_tasks(policies.reflection_task_scope(staff), office.id)
    names = await staff_names(r["changed_by"] for r in saved.values() if r["changed_by"])
    return TasksOut(
        office_id=office.id,
        office_name=office.name,
        may_edit=policies.may_edit_reflection_tasks(staff),
        tasks=[_task_out(m, saved.get(m), names) for m in modules()],
    )


async def get_task(staff: Staff, module: int, office_id: int | None = None) -> TaskOut:
    if module not in modules():
        raise NotFound
    office = await _office(staff, office_id)
    saved = await _saved_tasks(policies.reflection_task_scope(staff), office.id)
    row = saved.get(module)
    names = await staff_names([row["changed_by"]] if row and row["changed_by"] else [])
    return _task_out(module, row, names)


async def set_task(staff: Staff, module: int, text: object, office_id: int | None = None) -> TaskOut:
    """Save the office's text for a module (replacing the earlier one)."""
    if module not in modules():
        raise NotFound
    office = await _office(staff, office_id)
    errors: dict[str, str] = {}
    clean = clean_task(text, errors)
    if errors:
        raise InvalidInput(errors)
    at = clock.utc_now()
    scope = policies.reflection_task_scope(staff)
    async with write_transaction():
        await lock(f"reflection_task:{office.id}:{module}")
        updated = (
            await ReflectionTask.update(
                {ReflectionTask.text: clean, ReflectionTask.changed_by: staff.id, ReflectionTask.changed_at: at}
            )
            .where(scope, ReflectionTask.office == office.id, ReflectionTask.module == module)
            .returning(ReflectionTask.id)
        )
        if not updated:
            try:
                await ReflectionTask.insert(
                    ReflectionTask(office=office.id, module=module, text=clean, changed_by=staff.id, changed_at=at)
                )
            except Exception as exc:
                if is_unique_violation(exc):
                    raise Conflict(N_("Someone else saved the task at the same moment. Try again."), "text") from exc
                raise
        await audit.record(audit.REFLECTION_TASK_CHANGED, actor=staff.id, office=office.id, details={"module": module})
    return await get_task(staff, module, office.id)


async def reset_task(staff: Staff, module: int, office_id: int | None = None) -> TaskOut:
    """Drop the office's own text for a module: the participants see the suggestion again."""
    if module not in modules():
        raise NotFound
    office = await _office(staff, office_id)
    async with write_transaction():
        await lock(f"reflection_task:{office.id}:{module}")
        removed = (
            await ReflectionTask.delete()
            .where(
                policies.reflection_task_scope(staff),
                ReflectionTask.office == office.id,
                ReflectionTask.module == module,
            )
            .returning(ReflectionTask.id)
        )
        if removed:
            await audit.record(
                audit.REFLECTION_TASK_CHANGED,
                actor=staff.id,
                office=office.id,
                details={"module": module, "suggestion": True},
            )
    return await get_task(staff, module, office.id)


async def office_tasks(office_id: int) -> dict[int, str]:
    """The text of each module's task at an office (its own, or the default): for a
    participant's page and for cohorts already read through a scope."""
    rows = await ReflectionTask.select(ReflectionTask.module, ReflectionTask.text).where(
        ReflectionTask.office == office_id
    )
    saved = {r["module"]: r["text"] for r in rows}
    return {m: saved.get(m) or default_task(m) for m in modules()}


# --- what staff see of the answers -----------------------------------------------------------


def _opened(cohort: cohorts.CohortOut) -> dict[int, date]:
    if cohort.status == "cancelled":
        return {}
    return opened_modules(
        ((s.module, s.date, s.end_time, s.status == "cancelled") for s in cohort.sessions), clock.now()
    )


def _cohort_modules(cohort: cohorts.CohortOut, answered: Iterable[int] = ()) -> list[int]:
    """The cohort's modules in the order its sessions take them up, each once, then any
    module answered whose sessions have since been cancelled: an answer written is
    never out of sight of those who may read it."""
    seen: list[int] = []
    for s in sorted(cohort.sessions, key=lambda s: s.number):
        if s.status != "cancelled" and s.module not in seen:
            seen.append(s.module)
    return seen + sorted(set(answered) - set(seen))


@dataclass
class ReflectionOut:
    """One module's task on an enrolment. ``opened_on`` is the day the task opened
    (null until the module's first session has ended); ``text`` is the answer, and
    null when there is none or the caller may not read it."""

    module: int
    module_name: str
    task: str
    opened_on: date | None
    answered: bool
    answered_at: datetime | None
    text: str | None


@dataclass
class EnrolmentReflections:
    """The reflection tasks of one enrolment. ``may_read`` says whether the caller
    reads the answers (the cohort's leaders and the participant's primary contact);
    everyone else with the enrolment sees only whether each task is answered."""

    enrolment_id: int
    participant: PersonRef
    cohort_id: int
    cohort_title: str
    may_read: bool
    modules: list[ReflectionOut]


async def _enrolment(staff: Staff, enrolment_id: int) -> dict:
    row = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.cohort,
            Enrolment.participant,
            Enrolment.status,
            Enrolment.participant.name.as_alias("name"),
            Enrolment.participant.office.as_alias("office"),
        )
        .where(policies.enrolment_scope(staff), Enrolment.id == enrolment_id)
        .first()
    )
    if row is None:
        raise NotFound
    return row


async def enrolment_reflections(staff: Staff, enrolment_id: int) -> EnrolmentReflections:
    """Every module's task on the enrolment, whether it is answered, and the answers
    for those who may read them; reading any answer is one audit event (which
    enrolment and modules, never the text)."""
    row = await _enrolment(staff, enrolment_id)
    cohort = await people_cohort(staff, row["cohort"])
    may_read = await Enrolment.exists().where(policies.reflection_reader_scope(staff), Enrolment.id == enrolment_id)
    status = {
        r["module"]: r
        for r in await ReflectionAnswer.select(ReflectionAnswer.module, ReflectionAnswer.changed_at).where(
            policies.reflection_scope(staff), ReflectionAnswer.enrolment == enrolment_id
        )
    }
    texts: dict[int, str] = {}
    if may_read:
        texts = {
            r["module"]: r["text"]
            for r in await ReflectionAnswer.select(ReflectionAnswer.module, ReflectionAnswer.text).where(
                policies.reflection_answer_scope(staff), ReflectionAnswer.enrolment == enrolment_id
            )
        }
    tasks = await office_tasks(cohort.office_id)
    opened = _opened(cohort)
    from course.web.i18n import gettext

    out = [
        ReflectionOut(
            module=m,
            module_name=gettext(module_name(m)),
            task=tasks.get(m, ""),
            opened_on=opened.get(m),
            answered=m in status,
            answered_at=status[m]["changed_at"] if m in status else None,
            text=texts.get(m),
        )
        for m in _cohort_modules(cohort, status)
    ]
    if texts:
        await audit.read(
            audit.REFLECTION_READ,
            actor=staff.id,
            participant=row["participant"],
            office=row["office"],
            details={"enrolment": enrolment_id, "modules": sorted(texts)},
        )
    return EnrolmentReflections(
        enrolment_id=enrolment_id,
        participant=PersonRef(row["participant"], row["name"]),
        cohort_id=cohort.id,
        cohort_title=cohort.title,
        may_read=may_read,
        modules=out,
    )


@dataclass
class ModuleCount:
    """How many of those taking part have answered a module's task (of ``of``)."""

    module: int
    module_name: str
    opened_on: date | None
    answered: int
    of: int


@dataclass
class OverviewRow:
    enrolment_id: int
    participant: PersonRef
    answered: list[int]  # the modules answered
    may_read: bool


@dataclass
class CohortReflections:
    cohort_id: int
    cohort_title: str
    modules: list[ModuleCount]
    rows: list[OverviewRow]


async def cohort_reflections(staff: Staff, cohort_id: int) -> CohortReflections:
    """Who on the cohort has answered which module's task: counts and ticks, no text
    (a list of names, which records nothing in the audit log)."""
    cohort = await people_cohort(staff, cohort_id)
    people = await Enrolment.select(
        Enrolment.id, Enrolment.participant, Enrolment.participant.name.as_alias("name")
    ).where(policies.enrolment_scope(staff), Enrolment.cohort == cohort.id, Enrolment.status.is_in(list(ANSWERING)))
    ids = [p["id"] for p in people] or [0]
    answered: dict[int, list[int]] = {}
    for r in await ReflectionAnswer.select(ReflectionAnswer.enrolment, ReflectionAnswer.module).where(
        policies.reflection_scope(staff), ReflectionAnswer.enrolment.is_in(ids)
    ):
        answered.setdefault(r["enrolment"], []).append(r["module"])
    readable = {
        r["id"]
        for r in await Enrolment.select(Enrolment.id).where(
            policies.reflection_reader_scope(staff), Enrolment.id.is_in(ids)
        )
    }
    opened = _opened(cohort)
    from course.web.i18n import gettext

    counts = [
        ModuleCount(
            m,
            gettext(module_name(m)),
            opened.get(m),
            sum(m in answered.get(p["id"], []) for p in people),
            len(people),
        )
        for m in _cohort_modules(cohort)
    ]
    rows = [
        OverviewRow(
            p["id"], PersonRef(p["participant"], p["name"]), sorted(answered.get(p["id"], [])), p["id"] in readable
        )
        for p in people
    ]
    rows.sort(key=lambda r: nb_sort_key(r.participant.name))
    return CohortReflections(cohort.id, cohort.title, counts, rows)


# --- the participant's own -------------------------------------------------------------------


@dataclass
class OwnTask:
    """A task the participant may answer on their own page, with their answer."""

    enrolment_id: int
    cohort_title: str
    module: int
    module_name: str
    task: str
    opened_on: date
    answer: str
    answered_at: datetime | None


async def _own_cohorts(participant_id: int) -> list[tuple[int, cohorts.CohortOut]]:
    rows = await Enrolment.select(Enrolment.id, Enrolment.cohort).where(policies.own_reflection_scope(participant_id))
    by_cohort = {r["cohort"]: r["id"] for r in rows}
    loaded = await cohorts.load(await Cohort.select().where(Cohort.id.is_in(list(by_cohort) or [0])))
    return [(by_cohort[c.id], c) for c in loaded]


async def own_tasks(participant_id: int) -> list[OwnTask]:
    """The tasks open to the participant, the newest first, with their answers."""
    from course.web.i18n import gettext

    out: list[OwnTask] = []
    for enrolment_id, cohort in await _own_cohorts(participant_id):
        opened = _opened(cohort)
        tasks = await office_tasks(cohort.office_id)
        answers = {
            r["module"]: r
            for r in await ReflectionAnswer.select().where(
                ReflectionAnswer.enrolment.is_in(
                    Enrolment.select(Enrolment.id).where(policies.own_reflection_scope(participant_id))
                ),
                ReflectionAnswer.enrolment == enrolment_id,
            )
        }
        for m in _cohort_modules(cohort, answers):
            if m in opened or m in answers:
                answer = answers.get(m)
                out.append(
                    OwnTask(
                        enrolment_id,
                        cohort.title,
                        m,
                        gettext(module_name(m)),
                        tasks.get(m, ""),
                        opened[m] if m in opened else answers[m]["changed_at"].astimezone(clock.OSLO).date(),
                        answer["text"] if answer else "",
                        answer["changed_at"] if answer else None,
                    )
                )
    out.sort(key=lambda t: (t.opened_on, t.module), reverse=True)
    return out


async def own_task(participant_id: int, enrolment_id: int, module: int) -> OwnTask:
    """One open task of the participant's; NotFound for any other, and before it opens."""
    for task in await own_tasks(participant_id):
        if task.enrolment_id == enrolment_id and task.module == module:
            return task
    raise NotFound


async def save_own_answer(participant_id: int, enrolment_id: int, module: int, text: object) -> OwnTask:
    """The participant writes, changes or (with an empty text) clears their answer."""
    task = await own_task(participant_id, enrolment_id, module)
    errors: dict[str, str] = {}
    clean = clean_answer(text, errors)
    if errors:
        raise InvalidInput(errors)
    at = clock.utc_now()
    async with write_transaction():
        # The participant's lock: an erasure and an answer cannot interleave; the
        # enrolment is selected again through the participant's own scope, which holds
        # no erased person's, so an answer begun before an erasure writes nothing.
        await lock(f"participant:{participant_id}", f"reflection:{enrolment_id}:{module}")
        row = (
            await Enrolment.select(Enrolment.participant.office.as_alias("office"))
            .where(policies.own_reflection_scope(participant_id), Enrolment.id == enrolment_id)
            .first()
        )
        if row is None:
            raise NotFound
        mine = ReflectionAnswer.enrolment.is_in(
            Enrolment.select(Enrolment.id).where(policies.own_reflection_scope(participant_id))
        )
        where = (mine, ReflectionAnswer.enrolment == enrolment_id, ReflectionAnswer.module == module)
        if not clean:
            await ReflectionAnswer.delete().where(*where)
        elif (
            not await ReflectionAnswer.update({ReflectionAnswer.text: clean, ReflectionAnswer.changed_at: at})
            .where(*where)
            .returning(ReflectionAnswer.id)
        ):
            await ReflectionAnswer.insert(
                ReflectionAnswer(enrolment=enrolment_id, module=module, text=clean, changed_at=at)
            )
        await audit.record(
            audit.REFLECTION_ANSWERED,
            office=row["office"],
            participant=participant_id,
            details={"enrolment": enrolment_id, "module": module, "cleared": not clean},
        )
    task.answer, task.answered_at = clean, (at if clean else None)
    return task
