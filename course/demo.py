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
    return created


async def present_logins() -> list[tuple[str, str, str, str]]:
    emails = [u[0] for u in USERS]
    rows = await StaffUser.select(StaffUser.email).where(StaffUser.email.is_in(emails))
    present = {r["email"] for r in rows}
    return [u for u in USERS if u[0] in present]
