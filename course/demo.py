"""Demo data: realistic, idempotent, and growing with each feature."""

from __future__ import annotations

from course.accounts import services
from course.accounts.tables import StaffUser

DEMO_PASSWORD = "klart-jeg-kan-demo"

OFFICES = [
    ("drammen", "NAV Drammen – Ungdomsteamet"),
    ("lier", "NAV Lier – Ungteam"),
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


# title, office, leaders, weeks from this week's Monday, weekdays, location
COHORTS = [
    ("Klart jeg kan – gruppe A", "drammen", ["ase.bo@demo.kjk.no", "orjan.laegreid@demo.kjk.no"], -1, (2, 4),
     "Grønland 32, møterom Åsen"),
    ("Klart jeg kan – gruppe B", "drammen", ["ase.bo@demo.kjk.no", "orjan.laegreid@demo.kjk.no"], 4, (2, 4),
     "Grønland 32, møterom Åsen"),
    ("Ny retning", "lier", ["kjaersti.haland@demo.kjk.no", "pal.kvaerne@demo.kjk.no"], 1, (1, 3),
     "Lierbyen, kursrom Bøgda"),
]


async def _load_cohorts() -> int:
    from datetime import date, timedelta

    from course.accounts.schemas import Role, Staff
    from course.cohorts import services as cohorts
    from course.cohorts.tables import Cohort

    created = 0
    monday = date.today() - timedelta(days=date.today().weekday())
    for title, office_code, emails, weeks, weekdays, location in COHORTS:
        office = await services.office_by_code(office_code)
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


async def load() -> dict[str, int]:
    """Create what is missing; running it again changes nothing."""
    created = {"offices": 0, "users": 0}
    for code, name in OFFICES:
        if await services.office_by_code(code) is None:
            await services.create_office(code, name)
            created["offices"] += 1
    for email, name, role, office in USERS:
        if not await StaffUser.exists().where(StaffUser.email == email):
            await services.create_user(
                email=email, name=name, role=role, password=DEMO_PASSWORD, office_code=office
            )
            created["users"] += 1
    created["cohorts"] = await _load_cohorts()
    return created


async def present_logins() -> list[tuple[str, str, str, str]]:
    emails = [u[0] for u in USERS]
    rows = await StaffUser.select(StaffUser.email).where(StaffUser.email.is_in(emails))
    present = {r["email"] for r in rows}
    return [u for u in USERS if u[0] in present]
