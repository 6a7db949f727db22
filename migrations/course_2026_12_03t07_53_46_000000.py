from datetime import date, datetime, timezone

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Date, Text, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T07:53:46:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "The consent text in force until now, as version 2026-1; audit events about a participant name them in "
    "their own column"
)


class ConsentText(Table, tablename="consent_text"):
    version = Varchar(length=40)
    effective_from = Date()
    intro = Text()
    participation = Text()
    sharing = Text()
    evaluation = Text()
    created_at = Timestamptz()


FIRST = ConsentText(
    version="2026-1",
    effective_from=date(2026, 1, 1),
    intro=(
        "Klart jeg kan er et kurs i regi av NAV for unge mellom 16 og 30 år. For å kunne gi deg kurset og følge deg "
        "opp etterpå trenger vi noen opplysninger om deg. Du velger selv hva du sier ja til, og du kan trekke "
        "samtykket tilbake når du vil, uten å oppgi grunn. Si fra til kurslederen eller kontaktpersonen din."
    ),
    participation=(
        "Jeg vil delta på kurset. NAV lagrer navn, fødselsår, telefon og e-post, oppmøte, veiledningssamtaler, "
        "ressurs-CV og handlingsplan så lenge jeg følges opp, og sletter dem senest 12 måneder etter at siste kurs "
        "er slutt."
    ),
    sharing=(
        "NAV kan dele ressurs-CV og handlingsplan med samarbeidspartnere som skal hjelpe meg videre, for eksempel "
        "oppfølgingstjenesten eller karrieresenteret."
    ),
    evaluation=(
        "Jeg kan bli spurt om å svare på en evaluering av kurset. Svarene er anonyme og kan ikke knyttes til meg."
    ),
    created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def seed():
        # The engine in use now, not the one configured when this module was imported.
        ConsentText._meta.db = engine_finder()
        if not await ConsentText.exists().where(ConsentText.version == FIRST.version):
            await ConsentText.insert(FIRST)

    async def name_participants():
        engine = engine_finder()
        # Events written before the column named the participant in their details.
        if engine.engine_type == "postgres":
            await engine.run_ddl(
                "UPDATE audit_event SET participant = (details->>'participant')::integer "
                "WHERE details->>'participant' IS NOT NULL"
            )
        else:
            await engine.run_ddl(
                "UPDATE audit_event SET participant = json_extract(details, '$.participant') "
                "WHERE json_extract(details, '$.participant') IS NOT NULL"
            )

    manager.add_raw(seed)
    manager.add_raw(name_participants)
    return manager
