"""Demo data: realistic, idempotent, and growing with each feature."""

from __future__ import annotations

from course import clock, wiring  # noqa: F401 (the demo books talks and cancels: hooks answered)
from course.accounts import services
from course.accounts.schemas import OfficeOut
from course.accounts.tables import StaffUser
from course.validation import nb_sort_key

DEMO_PASSWORD = "klart-jeg-kan-demo"

OFFICES = [
    # code, name, the phone number messages to participants give
    ("drammen", "NAV Drammen – Ungdomsteamet", "+4732990001"),
    ("lier", "NAV Lier – Ungteam", "+4732990002"),
]

USERS = [
    # email, name, role, office
    ("siv.odegard@demo.kjk.no", "Siv Ødegård", "admin", "drammen"),
    ("bjorn.asheim@demo.kjk.no", "Bjørn Åsheim", "manager", "drammen"),
    ("ase.bo@demo.kjk.no", "Åse Kristoffersen Bø", "leader", "drammen"),
    ("orjan.laegreid@demo.kjk.no", "Ørjan Lægreid", "leader", "drammen"),
    ("kjaersti.haland@demo.kjk.no", "Kjærsti Håland", "leader", "lier"),
    ("pal.kvaerne@demo.kjk.no", "Pål Kværne", "leader", "lier"),
    ("marte.saeboe@demo.kjk.no", "Marte Sæbø", "manager", "lier"),
]


async def _office(code: str) -> OfficeOut:
    """An office the demo made a moment ago."""
    office = await services.office_by_code(code)
    if office is None:
        raise RuntimeError(f"the demo office {code} is missing")
    return office


# title, office, leaders, weeks from this week's Monday, weekdays, location
COHORTS = [
    (
        "Klart jeg kan – gruppe A",
        "drammen",
        ["ase.bo@demo.kjk.no", "orjan.laegreid@demo.kjk.no"],
        -1,
        (2, 4),
        "Grønland 32, møterom Åsen",
    ),
    (
        "Klart jeg kan – gruppe B",
        "drammen",
        ["ase.bo@demo.kjk.no", "orjan.laegreid@demo.kjk.no"],
        4,
        (2, 4),
        "Grønland 32, møterom Åsen",
    ),
    (
        "Ny retning",
        "lier",
        ["kjaersti.haland@demo.kjk.no", "pal.kvaerne@demo.kjk.no"],
        1,
        (1, 3),
        "Lierbyen, kursrom Bøgda",
    ),
]


async def _load_cohorts() -> int:
    from datetime import timedelta

    from course.accounts.schemas import Role, Staff
    from course.cohorts import services as cohorts
    from course.cohorts.tables import Cohort

    created = 0
    today = clock.today()
    monday = today - timedelta(days=today.weekday())
    for title, office_code, emails, weeks, weekdays, location in COHORTS:
        office = await _office(office_code)
        if await Cohort.exists().where(Cohort.title == title, Cohort.office == office.id):
            continue
        leaders = await StaffUser.select(StaffUser.id).where(StaffUser.email.is_in(emails))
        # Registered as an administrator, who may also enter a cohort that has already started.
        staff = Staff(0, "demo", "demo", Role.admin, office.id, office.code, office.name)
        await cohorts.create_cohort(
            staff,
            cohorts.CohortInput(
                title=title,
                variant="ny_retning" if "Ny retning" in title else "kjk",
                start_date=(monday + timedelta(weeks=weeks, days=weekdays[0] - 1)).isoformat(),
                weekdays=list(weekdays),
                start_time="09:30",
                end_time="14:00",
                location=location,
                leader_ids=[r["id"] for r in leaders],
                capacity=12 if "Ny retning" not in title else 10,
                office_id=office.id,
            ),
        )
        created += 1
    return created


# name, birth year offset from this year, cohort (A/B), category, consent scopes
PARTICIPANTS = [
    ("Sølvi Åkerø Dæhli", 19, "A", 1, ("participation", "sharing", "evaluation")),
    ("Mathias Ødegård", 21, "A", 3, ("participation", "sharing", "evaluation")),
    ("Aisha Mæland", 18, "A", 1, ("participation", "sharing", "evaluation")),
    ("Jørgen Bråten", 23, "A", 4, ("participation", "evaluation")),
    ("Emilie Grønvold", 20, "A", 2, ("participation", "sharing", "evaluation")),
    ("Håkon Særheim", 22, "A", 3, ("participation", "sharing", "evaluation")),
    ("Linnéa Åsen", 17, "A", 1, ("participation", "sharing", "evaluation")),
    ("Yusuf Kværnø", 24, "A", 3, ("participation", "sharing")),
    ("Ingrid Bøe Hæstad", 19, "A", 2, ("participation", "sharing", "evaluation")),
    ("Tobias Løvås", 21, "A", 1, ("participation", "sharing", "evaluation")),
    ("Nora Fjær", 18, "B", 1, ("participation", "sharing", "evaluation")),
    ("Sander Østby", 20, "B", 3, ("participation", "sharing", "evaluation")),
    ("Maja Sørbø", 22, "B", 2, ("participation", "sharing", "evaluation")),
    ("Ole Kristian Ærø", 25, "B", 4, ("participation", "evaluation")),
]


async def _staff(email: str):
    from course.accounts.schemas import Role, Staff

    row = (
        await StaffUser.select(
            StaffUser.id,
            StaffUser.email,
            StaffUser.name,
            StaffUser.role,
            StaffUser.office.id.as_alias("office_id"),
            StaffUser.office.code.as_alias("code"),
            StaffUser.office.name.as_alias("office_name"),
        )
        .where(StaffUser.email == email)
        .first()
    )
    if row is None:
        raise RuntimeError(f"the demo user {email} is missing")
    return Staff(
        row["id"], row["email"], row["name"], Role(row["role"]), row["office_id"], row["code"], row["office_name"]
    )


async def _load_participants() -> int:
    """Participants on the two Drammen cohorts, with attendance, availability,
    planned talks and a few warnings, as a leader would have them a week in."""
    from course.cohorts.tables import Cohort
    from course.guidance import services as guidance
    from course.participants import services as people
    from course.participants.tables import Participant

    ase = await _staff("ase.bo@demo.kjk.no")
    orjan = await _staff("orjan.laegreid@demo.kjk.no")
    if await Participant.exists().where(Participant.office == ase.office_id):
        return 0
    cohorts = {
        key: (await Cohort.select(Cohort.id).where(Cohort.title == title).output(as_list=True))[0]
        for key, title in (("A", COHORTS[0][0]), ("B", COHORTS[1][0]))
    }
    for leader in (ase, orjan):
        await guidance.set_weekly(
            leader,
            [{"weekday": d, "start_time": "09:00", "end_time": "15:30"} for d in (1, 3, 5)]
            + [{"weekday": d, "start_time": "14:00", "end_time": "15:30"} for d in (2, 4)],
        )
    today = clock.today()
    created = 0
    for index, (name, age, key, category, scopes) in enumerate(PARTICIPANTS):
        person = await people.create_participant(
            ase,
            people.ParticipantInput(
                name=name,
                birth_year=today.year - age,
                primary_contact_id=(ase if index % 2 else orjan).id,
                phone=f"9{index:02d}{index:02d}{index:03d}"[:8],
                consent=people.ConsentInput(scopes=list(scopes), date=today.isoformat()),
            ),
        )
        await people.set_category(ase, person.id, category)
        await people.enrol(ase, cohorts[key], person.id)
        created += 1
    cohort_a = await people.cohorts.get_cohort(ase, cohorts["A"])
    sheet_people = await people.roster(ase, cohorts["A"])
    for session in cohort_a.sessions:
        if session.status == "cancelled" or session.date > today:
            continue
        for row in sheet_people:
            mark = "present"
            if row.participant.name == "Jørgen Bråten":
                mark = "absent"
            elif row.participant.name == "Emilie Grønvold" and session.number == 1:
                mark = "excused"
            await people.mark_attendance(
                ase, cohorts["A"], session.number, row.participant.id, mark, "Legetime" if mark == "excused" else ""
            )
    for key in ("A", "B"):
        proposal = await guidance.propose_talks(ase, cohorts[key], 45)
        if proposal.talks:
            await guidance.accept_talks(
                ase,
                cohorts[key],
                [
                    {
                        "participant_id": t.participant.id,
                        "leader_id": t.leader.id,
                        "date": t.date.isoformat(),
                        "start_time": t.start_time,
                        "end_time": t.end_time,
                    }
                    for t in proposal.talks
                ],
            )
    return created + await _load_paths(ase, cohorts)


async def _load_paths(ase, cohorts: dict[str, int]) -> int:
    """The way in for some of them, and two young people still on it: one referred a
    week ago with no HU yet, one accepted at HU who waits for a place."""
    from datetime import timedelta

    from course.participants import path
    from course.participants import services as people
    from course.participants.tables import Participant

    today = clock.today()
    names = {r["name"]: r["id"] for r in await Participant.select(Participant.id, Participant.name)}
    a = await people.cohorts.get_cohort(ase, cohorts["A"])

    def before(start, days: int) -> str:
        return (start - timedelta(days=days)).isoformat()

    # name: (referred, HU, decision, intake, information meeting) in days before cohort A's start
    for name, (referred, hu, intake, info) in {
        "Sølvi Åkerø Dæhli": (19, 16, 14, 3),
        "Mathias Ødegård": (17, 15, 13, 3),
        "Jørgen Bråten": (31, 22, 20, 3),  # nine days to HU and three weeks to the start: over both targets
        "Aisha Mæland": (15, 12, 11, 3),
    }.items():
        if name in names:
            await path.change_path(
                ase,
                names[name],
                {
                    "referred": {"date": before(a.start_date, referred), "by": "Oppfølgingstjenesten (OT)"},
                    "hu": {"date": before(a.start_date, hu), "decision": "accepted"},
                    "intake": {"date": before(a.start_date, intake), "by_id": ase.id},
                    "info_meeting": {"date": before(a.start_date, info)},
                },
            )
    waiting = (
        ("Kasper Løkkeberg", {"referred": {"date": before(today, 7), "by": "Drammen videregående skole"}}),
        (
            "Signe Ødegårdstuen",
            {
                "referred": {"date": before(today, 12), "by": "NAV-veileder"},
                "hu": {"date": before(today, 9), "decision": "accepted"},
                "intake": {"date": before(today, 6), "by_id": ase.id},
            },
        ),
    )
    for name, steps in waiting:
        person = await people.create_participant(
            ase,
            people.ParticipantInput(
                name=name,
                birth_year=today.year - 19,
                primary_contact_id=ase.id,
                consent=people.ConsentInput(scopes=["participation", "sharing", "evaluation"], date=today.isoformat()),
            ),
        )
        await path.change_path(ase, person.id, steps)
    return len(waiting)


FIRST_NAMES = (
    "Åsne",
    "Ørjan",
    "Sølve",
    "Mia",
    "Ære",
    "Jonas",
    "Ida",
    "Bjørnar",
    "Frøya",
    "Elias",
    "Nora",
    "Håvard",
    "Sara",
    "Mikkel",
    "Tiril",
    "Øyvind",
    "Hedda",
    "Aksel",
    "Liv",
    "Jens",
)
LAST_NAMES = (
    "Bøhn",
    "Løken",
    "Åsli",
    "Sæther",
    "Kjær",
    "Dahl",
    "Grøtte",
    "Næss",
    "Holm",
    "Ødegaard",
    "Strøm",
    "Berg",
    "Vågen",
    "Lie",
    "Økland",
)
COMMENTS = (
    ("benefit", "Jeg har skjønt at jeg kan mer enn jeg trodde."),
    ("next_step", "Fint å ha en plan for hva som skjer etterpå."),
    ("atmosphere", "Trygt og godt å være i gruppa, også de dagene jeg var sliten."),
    ("leaders", "Åse og Ørjan tok seg tid til meg."),
    ("overall", "Takk for at dere ga meg en sjanse!"),
)


async def seed_history(
    office_code: str,
    leader_emails: list[list[str]],
    cohorts: int,
    per_cohort: int,
    first_start,
    weeks_apart: int,
    seed: int = 1,
    comments: bool = False,
) -> int:
    """Finished cohorts from before, as an office that moves from paper would have
    them: participants who completed, and their evaluations. Cohorts are planned
    through the scheduler; the history is written straight to the tables, since
    the services rightly refuse to enrol people on a finished cohort."""
    import random
    from datetime import UTC, datetime, timedelta

    from course.accounts.schemas import Role, Staff
    from course.cohorts import services as cohort_services
    from course.evaluations.reports import AREAS
    from course.evaluations.services import new_comment_ref
    from course.evaluations.tables import Evaluation, EvaluationRemark, EvaluationResponse
    from course.participants.rules import CURRENT_CONSENT_VERSION
    from course.participants.tables import Consent, Enrolment, Participant

    rng = random.Random(seed)
    office = await _office(office_code)
    admin = Staff(0, "demo", "demo", Role.admin, office.id, office.code, office.name)
    pairs = [
        [r["id"] for r in await StaffUser.select(StaffUser.id).where(StaffUser.email.is_in(emails))]
        for emails in leader_emails
    ]
    now = clock.now()
    # Typical means per area, close to the historic result; a few cohorts dip below.
    centre = {"benefit": 9.3, "next_step": 8.0, "atmosphere": 9.4, "leaders": 9.6, "participation": 9.2}
    made = 0
    for i in range(cohorts):
        start = first_start + timedelta(weeks=weeks_apart * (i // len(pairs)))
        while start.weekday() != 1:
            start += timedelta(days=1)
        created = await cohort_services.create_cohort(
            admin,
            cohort_services.CohortInput(
                title=f"Klart jeg kan – {start:%Y} uke {start.isocalendar()[1]}",
                variant="kjk" if i % 5 else "ny_retning",
                start_date=start.isoformat(),
                weekdays=[2, 4],
                start_time="09:30",
                end_time="14:00",
                location=f"Grønland 32, rom {i % len(pairs) + 1}",
                leader_ids=pairs[i % len(pairs)],
                capacity=12,
                office_id=office.id,
            ),
        )
        joined = datetime.combine(start, datetime.min.time(), UTC)
        people = await Participant.insert(
            *[
                Participant(
                    office=office.id,
                    name=(name := f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"),
                    sort_name=nb_sort_key(name),
                    birth_year=start.year - rng.randint(16, 29),
                    primary_contact=pairs[i % len(pairs)][0],
                    created_at=joined,
                )
                for _ in range(per_cohort)
            ]
        ).returning(Participant.id)
        await Consent.insert(
            *[
                Consent(
                    participant=p["id"],
                    action="given",
                    text_version=CURRENT_CONSENT_VERSION,
                    participation=True,
                    sharing=True,
                    evaluation=True,
                    date=start,
                    recorded_by=pairs[i % len(pairs)][0],
                    recorded_at=joined,
                )
                for p in people
            ]
        )
        await Enrolment.insert(
            *[
                Enrolment(cohort=created.id, participant=p["id"], status="completed", created_at=joined, changed_at=now)
                for p in people
            ]
        )
        # Closed a week after the last session, as by default; no links are kept.
        await Evaluation.insert(
            Evaluation(
                cohort=created.id,
                opened_at=joined + timedelta(weeks=4),
                opened_by=pairs[i % len(pairs)][0],
                closes_on=created.end_date + timedelta(days=7),
                invited=len(people),
                closed_at=datetime.combine(created.end_date + timedelta(days=8), datetime.min.time(), UTC),
            )
        )
        dip = rng.random() < 0.2
        answers = []
        for _ in range(per_cohort - rng.randint(0, 2)):
            scores = {
                a: max(0, min(10, round(rng.gauss(centre[a] - (1.5 if dip and a == "next_step" else 0), 1))))
                for a in AREAS
            }
            answers.append(EvaluationResponse(cohort=created.id, on_paper=rng.random() < 0.3, **scores))  # type: ignore[arg-type]  # the five area columns
        await EvaluationResponse.insert(*answers)
        if comments:
            await EvaluationRemark.insert(
                *[
                    EvaluationRemark(cohort=created.id, ref=new_comment_ref(), area=area, text=text, status="shown")
                    for area, text in rng.sample(COMMENTS, 2)
                ]
            )
        made += 1
    return made


async def _load_history() -> int:
    """Six finished Drammen cohorts over the last year and a half, with evaluations."""
    from datetime import timedelta

    from course.cohorts.tables import Cohort

    office = await _office("drammen")
    if await Cohort.exists().where(Cohort.office == office.id, Cohort.start_date < clock.today() - timedelta(weeks=10)):
        return 0
    return await seed_history(
        "drammen",
        [["ase.bo@demo.kjk.no", "orjan.laegreid@demo.kjk.no"]],
        cohorts=6,
        per_cohort=9,
        first_start=clock.today() - timedelta(weeks=84),
        weeks_apart=13,
        seed=2026,
        comments=True,
    )


async def _load_outcomes() -> int:
    """Where the history cohorts' participants went: an outcome at the end, the
    follow-ups at 3 and 6 months where they have come (a few still due, for the
    leaders' list) and a follow-up category at the start and end. Written straight
    to the tables, as the history is; once only."""
    import random
    from datetime import UTC, datetime, timedelta

    from course.cohorts import services as cohort_services
    from course.cohorts.tables import Cohort
    from course.participants.follow_up_rules import due_day
    from course.participants.tables import CategoryChange, Enrolment, FollowUp, Outcome

    if await FollowUp.exists():
        return 0
    office = await _office("drammen")
    today = clock.today()
    rows = await Cohort.select().where(Cohort.office == office.id, Cohort.start_date < today - timedelta(weeks=10))
    finished = sorted(await cohort_services.load(rows), key=lambda c: c.end_date)
    rng = random.Random(14)
    kinds = ["work", "education", "work_practice", "nav_measure", "on_the_way", "assessment", "job", "lost_contact"]
    weights = [30, 8, 20, 15, 8, 10, 6, 3]
    made = 0
    for n, cohort in enumerate(finished):
        enrolments = await Enrolment.select(
            Enrolment.id, Enrolment.participant, Enrolment.participant.primary_contact
        ).where(Enrolment.cohort == cohort.id, Enrolment.status == "completed")
        for i, e in enumerate(enrolments):
            by = e["participant.primary_contact"]
            end_at = datetime.combine(cohort.end_date, datetime.min.time(), UTC) + timedelta(hours=12)
            if not await Outcome.exists().where(Outcome.enrolment == e["id"]):
                await Outcome.insert(
                    Outcome(
                        enrolment=e["id"],
                        kind=rng.choices(kinds, weights)[0],
                        date=cohort.end_date,
                        changed_by=by,
                        changed_at=end_at,
                    )
                )
            start_at = datetime.combine(cohort.start_date, datetime.min.time(), UTC) - timedelta(days=7)
            await CategoryChange.insert(
                CategoryChange(
                    participant=e["participant"],
                    category=rng.choice([1, 1, 2, 3, 3, 4]),
                    changed_by=by,
                    changed_at=start_at,
                ),
                CategoryChange(
                    participant=e["participant"],
                    category=rng.choice([1, 1, 1, 3, 3, 2]),
                    changed_by=by,
                    changed_at=end_at,
                ),
            )
            for point in ("3m", "6m"):
                day = due_day(cohort.end_date, point)
                # The newest cohorts leave a few follow-ups still due.
                still_due = i < 3 and n >= len(finished) - 2
                if day > today or still_due:
                    continue
                await FollowUp.insert(
                    FollowUp(
                        enrolment=e["id"],
                        point=point,
                        kind=rng.choices(kinds, weights)[0],
                        date=min(today, day + timedelta(days=rng.randint(0, 20))),
                        changed_by=by,
                        changed_at=datetime.combine(min(today, day + timedelta(days=21)), datetime.min.time(), UTC),
                    )
                )
                made += 1
    return made


async def _load_documents() -> int:
    """Cohort A is under way: a few participants have begun their CV and plan."""
    from course.cohorts.tables import Cohort
    from course.documents import services as documents
    from course.documents.tables import DocumentVersion
    from course.participants.tables import Enrolment

    if await DocumentVersion.exists():
        return 0
    ase = await _staff("ase.bo@demo.kjk.no")
    cohort = await Cohort.select(Cohort.id).where(Cohort.title == COHORTS[0][0]).first()
    if cohort is None:
        return 0
    rows = (
        await Enrolment.select(Enrolment.id, Enrolment.participant.name.as_alias("name"))
        .where(Enrolment.cohort == cohort["id"], Enrolment.status == "enrolled")
        .order_by(Enrolment.id)
    )
    drafts = {
        "Sølvi Åkerø Dæhli": (
            {
                "about_me": "Jeg er 19 år og liker å jobbe med hendene. Jeg er rolig og pålitelig, og jeg vil "
                "gjerne bli kokk.",
                "skills": ["Matlaging for mange", "Reparere sykler", "Word og Excel"],
                "experience": [
                    {"kind": "work", "what": "Butikkmedarbeider", "where": "Rema 1000 Åssiden", "when": "2024–2025"},
                    {"kind": "home", "what": "Passet småsøsken", "when": "2020–2024"},
                ],
                "roles": ["Storesøster", "Lagkamerat"],
                "interests": ["Fotball", "Strikking"],
            },
            {
                "main_goal": "Komme i lærlingplass som kokk innen høsten 2027.",
                "sub_goals": ["Fullføre Vg2 som privatist", "Få arbeidspraksis på kjøkken"],
                "measures": [
                    {
                        "what": "Søke arbeidspraksis på kjøkken",
                        "responsible": "primary_contact",
                        "status": "in_progress",
                    },
                    {"what": "Melde meg opp til privatisteksamen", "responsible": "me"},
                ],
            },
        ),
        "Mathias Ødegård": (
            {
                "about_me": "Jeg er glad i data og spill, og jeg er god til å finne ut av ting selv.",
                "skills": ["Bygge PC-er", "Engelsk"],
                "interests": ["Gaming", "Klatring"],
            },
            None,
        ),
    }
    made = 0
    for row in rows:
        if row["name"] not in drafts:
            continue
        cv, plan = drafts[row["name"]]
        await documents.save_document(documents.Actor(staff=ase), row["id"], "cv", cv)
        if plan:
            await documents.save_document(documents.Actor(staff=ase), row["id"], "plan", plan)
        made += 1
    return made


async def _load_reflections() -> int:
    """Drammen words module 1's reflection task its own way; two of cohort A's
    participants have answered the tasks open to them (the sessions held)."""
    from course.cohorts.tables import Cohort
    from course.errors import NotFound
    from course.participants import reflection
    from course.participants.tables import Enrolment, ReflectionTask

    ase = await _staff("ase.bo@demo.kjk.no")
    if await ReflectionTask.exists().where(ReflectionTask.office == ase.office_id):
        return 0
    await reflection.set_task(
        ase,
        1,
        "Skriv ned tre ting du har fått til det siste året – store eller små. Hva sier de om hvem du er og hva "
        "du er god til?",
    )
    cohort = await Cohort.select(Cohort.id).where(Cohort.title == COHORTS[0][0]).first()
    if cohort is None:
        return 0
    answers = {
        "Sølvi Åkerø Dæhli": {
            1: "Jeg fikk sommerjobb på Rema, jeg lærte meg å strikke genser, og jeg passet småsøsknene mine hver "
            "ettermiddag i fire år. Det sier at jeg er pålitelig og tålmodig.",
            2: "Storesøster, lagkamerat og butikkmedarbeider. Som storesøster er jeg god til å roe ned når det blir "
            "bråk.",
        },
        "Mathias Ødegård": {
            1: "Jeg bygde min egen PC, jeg hjalp bestefar med nettbanken, og jeg fullførte Vg1. Jeg gir meg ikke "
            "når noe er vanskelig.",
        },
    }
    rows = await Enrolment.select(
        Enrolment.id, Enrolment.participant, Enrolment.participant.name.as_alias("name")
    ).where(Enrolment.cohort == cohort["id"], Enrolment.participant.name.is_in(list(answers)))
    made = 0
    for row in rows:
        for module, text in answers[row["name"]].items():
            try:
                await reflection.save_own_answer(row["participant"], row["id"], module, text)
            except NotFound:  # the module's session has not been held yet
                continue
            made += 1
    return made


async def load() -> dict[str, int]:
    """Create what is missing; running it again changes nothing."""
    created = {"offices": 0, "users": 0}
    for code, name, phone in OFFICES:
        found = await services.office_by_code(code)
        if found is None:
            await services.create_office(code, name, phone=phone)
            created["offices"] += 1
        elif not found.phone:  # made before offices had a phone number
            await services.update_office(found.id, None, phone=phone)
    for email, name, role, office in USERS:
        if not await StaffUser.exists().where(StaffUser.email == email):
            await services.create_user(email=email, name=name, role=role, password=DEMO_PASSWORD, office_code=office)
            created["users"] += 1
    created["cohorts"] = await _load_cohorts()
    created["participants"] = await _load_participants()
    created["history"] = await _load_history()
    created["follow_ups"] = await _load_outcomes()
    created["documents"] = await _load_documents()
    created["reflections"] = await _load_reflections()
    return created


async def present_logins() -> list[tuple[str, str, str, str]]:
    emails = [u[0] for u in USERS]
    rows = await StaffUser.select(StaffUser.email).where(StaffUser.email.is_in(emails))
    present = {r["email"] for r in rows}
    return [u for u in USERS if u[0] in present]
