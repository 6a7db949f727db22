from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Text, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T21:09:24:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "The first consent text, 2026-1, gets the words beside the new boxes for reminders and messages by SMS and "
    "e-mail: nobody can have consented to those under it before they were on the form"
)


class ConsentText(Table, tablename="consent_text"):
    version = Varchar(length=40)
    contact = Text(default="")


CONTACT = (
    "Jeg vil få påminnelser og beskjeder om kurset, for eksempel når vi møtes og om noe blir endret. NAV bruker "
    "bare telefonnummeret og e-postadressen jeg har gitt, og sender bare på måten jeg har krysset av for."
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def seed():
        # The engine in use now, not the one configured when this module was imported.
        ConsentText._meta.db = engine_finder()
        await ConsentText.update({ConsentText.contact: CONTACT}).where(
            ConsentText.version == "2026-1", ConsentText.contact == ""
        )

    manager.add_raw(seed)
    return manager
