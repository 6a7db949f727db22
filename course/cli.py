"""The kjk command: serve, migrate, demo, office and user administration, retention,
backup and restore."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import warnings
from pathlib import Path

import asyncpg

from course.settings import ConfigError, Settings, get_settings

ROLE_NAMES = {"leader": "kursleder", "manager": "leder", "admin": "administrator"}


# More server processes than this is a mistake, not a plan (each keeps its own connections).
MAX_WORKERS = 64


def _workers(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"må være et helt tall fra 1 til {MAX_WORKERS}, ikke {value!r}")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kjk", description="Klart jeg kan – kursadministrasjon")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    serve = sub.add_parser("serve", help="bruk ventende migreringer og start webserveren")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_workers,
        default=None,
        metavar="N",
        help="antall serverprosesser på samme port (standard: 1 med SQLite, én per kjerne med PostgreSQL)",
    )

    worker = sub.add_parser(
        "worker", help="lever meldinger (SMS og e-post) fra jobbkøen; med PostgreSQL, så mange du vil"
    )
    worker.add_argument(
        "--concurrency", type=_workers, default=4, metavar="N", help="meldinger som sendes samtidig (standard: 4)"
    )
    sub.add_parser("migrate", help="bruk ventende databasemigreringer")
    sub.add_parser("demo", help="last inn demodata (trygt å kjøre flere ganger)")

    office = sub.add_parser("office", help="kontorer").add_subparsers(dest="action", required=True)
    office_add = office.add_parser("add", help="legg til et kontor")
    office_add.add_argument("code")
    office_add.add_argument("name")

    user = sub.add_parser("user", help="ansatte brukere").add_subparsers(dest="action", required=True)
    user_add = user.add_parser("add", help="legg til en bruker")
    user_add.add_argument("--email", required=True)
    user_add.add_argument("--name", required=True)
    user_add.add_argument("--role", required=True, choices=["leader", "manager", "admin"])
    user_add.add_argument("--office", required=True, help="kontorkode")
    user_add.add_argument(
        "--password-stdin", action="store_true", required=True, help="les passordet fra standard input"
    )

    retention = sub.add_parser(
        "retention", help="slett personopplysninger som har passert lagringstiden, og rydd utløpte rader"
    )
    retention.add_argument("--dry-run", action="store_true", help="vis hva som ville blitt slettet, uten å slette")

    backup = sub.add_parser("backup", help="skriv en sikkerhetskopi av databasen mens appen kjører")
    backup.add_argument("path", type=Path, metavar="STI")
    backup.add_argument("--force", action="store_true", help="skriv over en fil som finnes")

    restore = sub.add_parser("restore", help="hent tilbake en sikkerhetskopi til en tom database")
    restore.add_argument("path", type=Path, metavar="STI")
    restore.add_argument(
        "--without-erasure-list",
        action="store_true",
        help="gjenopprett selv om slettelisten mangler (bare når ingen deltaker er slettet ennå)",
    )
    return parser


async def _with_database(settings: Settings, work, *, migrate_first: bool = True):
    from course import db

    engine = db.engine_from_url(settings.database_url)
    db.use_engine(engine)
    try:
        # A pool on PostgreSQL: without one every query opens a connection of its own.
        await db.open_pool(engine)
        if migrate_first:
            applied = await db.migrate()
            for migration in applied:
                print(f"Migrering brukt: {migration}")
        return await work()
    finally:
        await db.close_pool(engine)  # SQLite's kept connections, so the file is whole when the command ends


async def _noop() -> None:
    return None


def _print_logins(logins) -> None:
    from course.demo import DEMO_PASSWORD

    if not logins:
        return
    print(f"\nDemobrukere (passord for alle: {DEMO_PASSWORD}):")
    for email, name, role, office in logins:
        print(f"  {email:32} {name:24} {ROLE_NAMES[role]:14} {office}")
    print()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Piccolo warns with a traceback-like note when it cannot reach the server;
    # the one line below says the same.
    warnings.filterwarnings("ignore", message=".*Unable to connect to database")
    try:
        settings = get_settings()
        return _run(args, settings)
    except ConfigError as exc:
        print(f"kjk: konfigurasjonsfeil: {exc}", file=sys.stderr)
        return 2
    except (OSError, ConnectionError) as exc:
        print(f"kjk: får ikke kontakt med databasen: {exc}", file=sys.stderr)
        return 2
    except asyncpg.PostgresError as exc:
        print(f"kjk: databasefeil: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args, settings: Settings) -> int:
    from course import demo
    from course.accounts import services
    from course.errors import InvalidInput

    if args.command == "migrate":
        asyncio.run(_with_database(settings, _noop))
        print("Databasen er oppdatert.")
        return 0

    if args.command == "worker":
        return _worker(args, settings)

    if args.command == "demo":

        async def load():
            created = await demo.load()
            return created, await demo.present_logins()

        created, logins = asyncio.run(_with_database(settings, load))
        print(
            f"Demodata: {created['offices']} nye kontorer, {created['users']} nye brukere, "
            f"{created['cohorts']} nye kurs, {created['participants']} nye deltakere, "
            f"{created['history']} tidligere kurs med evaluering, "
            f"{created['documents']} påbegynte CV-er."
        )
        _print_logins(logins)
        return 0

    if args.command == "serve":
        return _serve(args, settings)

    if args.command == "retention":
        return _retention(args, settings)
    if args.command in ("backup", "restore"):
        from course.privacy.backup import BackupError

        try:
            return _backup(args, settings) if args.command == "backup" else _restore(args, settings)
        except BackupError as exc:
            print(f"kjk: {exc}", file=sys.stderr)
            return 1

    try:
        if args.command == "office":

            async def add_office():
                return await services.create_office(args.code, args.name)

            office = asyncio.run(_with_database(settings, add_office))
            print(f"Kontor lagt til: {office.code} {office.name}")
            return 0

        if args.command == "user":
            password = sys.stdin.readline().rstrip("\r\n")

            async def add_user():
                return await services.create_user(
                    email=args.email,
                    name=args.name,
                    role=args.role,
                    password=password,
                    office_code=args.office,
                )

            user = asyncio.run(_with_database(settings, add_user))
            print(f"Bruker lagt til: {user.email} ({ROLE_NAMES[user.role.value]}, {user.office.code})")
            return 0
    except InvalidInput as exc:
        from course.web.i18n import gettext

        for field, message in exc.errors.items():
            print(f"kjk: {field}: {gettext(message)}", file=sys.stderr)
        return 1
    return 1


def _serve(args, settings: Settings) -> int:
    """Migrations once, here, then N server processes on one port (uvicorn's own
    workers), each making the app from the environment (``course.app:from_environment``)
    with the logging that keeps secrets out. SQLite takes one process: it lets one
    writer in at a time, whatever the number of processes."""
    import uvicorn

    from course import db
    from course.settings import SERVE_URL_ENV, WEB_WORKERS_ENV, cpu_cores
    from course.web.access_log import log_config

    workers = args.workers or (cpu_cores() if settings.is_postgres else 1)
    if workers > 1 and not settings.is_postgres:
        print(
            f"kjk: --workers {workers} går ikke med SQLite, som slipper til én skriver om gangen; "
            "bruk én prosess, eller PostgreSQL (KJK_DATABASE_URL=postgresql://…) for flere.",
            file=sys.stderr,
        )
        return 2

    async def room_for_connections():
        # Before any process starts: the migrations run once, here, not raced by N workers.
        if settings.is_postgres:
            return await _connections_left()
        return None

    left = asyncio.run(_with_database(settings, room_for_connections))
    if left is not None and workers * db.POOL_MAX_SIZE > left:
        print(
            f"kjk: advarsel: {workers} prosesser kan bruke {workers * db.POOL_MAX_SIZE} forbindelser "
            f"({db.POOL_MAX_SIZE} hver), men PostgreSQL har {left} ledige; se docs/deployment.md.",
            file=sys.stderr,
        )
    if workers > cpu_cores():
        print(f"kjk: advarsel: {workers} prosesser på {cpu_cores()} kjerner.", file=sys.stderr)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not settings.secure_cookies:
        print(
            "kjk: advarsel: serveren lytter utenfor maskinen, men KJK_BASE_URL er ikke https; "
            "informasjonskapslene blir da merket Secure bare for forespørsler som kom over https "
            "(gjennom en proxy i KJK_TRUSTED_PROXIES).",
            file=sys.stderr,
        )
    # Each process reads it: the machine's cores are shared out for PDF rendering (course/pdf.py).
    os.environ[WEB_WORKERS_ENV] = str(workers)
    # Links in the messages the server sends itself (SQLite) when KJK_BASE_URL is not set.
    os.environ[SERVE_URL_ENV] = f"http://{args.host}:{args.port}"
    print(f"Serverer på http://{args.host}:{args.port} med {workers} {'prosess' if workers == 1 else 'prosesser'}")
    uvicorn.run(
        "course.app:from_environment",
        factory=True,
        workers=workers,
        host=args.host,
        port=args.port,
        # The app itself believes forwarded headers, only from KJK_TRUSTED_PROXIES
        # (course/web/security.py); uvicorn's own would trust 127.0.0.1 when none is set.
        proxy_headers=False,
        log_level="info",
        log_config=log_config(),
    )
    return 0


def _worker(args, settings: Settings) -> int:
    """One delivery worker on PostgreSQL, until stopped (SIGINT or SIGTERM)."""
    import signal

    from course.messages import jobs

    if not settings.is_postgres:
        print(
            "kjk: kjk worker trengs bare med PostgreSQL; med SQLite leverer kjk serve meldingene selv.",
            file=sys.stderr,
        )
        return 2
    if settings.base_url is None:
        print("kjk: advarsel: KJK_BASE_URL er ikke satt, så meldingene får ingen lenke.", file=sys.stderr)

    import logging.config

    from course.web.access_log import log_config

    logging.config.dictConfig(log_config())

    async def work():
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]
        print(f"Jobbkøen kjører (prosess {os.getpid()}).", flush=True)
        try:
            await jobs.worker(settings.database_url, settings.base_url, concurrency=args.concurrency)
        except asyncio.CancelledError:
            print("Jobbkøen stoppet.", flush=True)

    asyncio.run(_with_database(settings, work))
    return 0


async def _connections_left() -> int | None:
    """PostgreSQL's connections for ordinary users, less those open now (other apps, and
    this command's own)."""
    from course.audit.tables import AuditEvent

    try:
        row = (
            await AuditEvent.raw(
                "SELECT current_setting('max_connections')::int"
                " - current_setting('superuser_reserved_connections')::int"
                " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS left"
            )
        )[0]
    except asyncpg.PostgresError:  # a pooler in between may not answer it: nothing to warn of
        return None
    return int(row["left"])


def _retention(args, settings: Settings) -> int:
    from course import clock, db, wiring  # noqa: F401 (an erasure cancels talks: hooks answered)
    from course.documents import services as documents
    from course.privacy import retention

    async def work():
        report = await retention.run(clock.today(), dry_run=args.dry_run)
        # A cohort's ZIPs past their hour, downloaded or not: they hold CVs and plans.
        zips = await documents.purge_zip_jobs(clock.utc_now(), dry_run=args.dry_run)
        if not args.dry_run:  # the nightly run keeps SQLite's planner statistics fresh
            await db.refresh_statistics(db.current_engine())
        return report, zips

    report, zips = asyncio.run(_with_database(settings, work))
    if args.dry_run:
        print(f"Prøvekjøring {report.today.isoformat()}: ingenting er endret.")
    for due in report.due:
        print(f"  #{due.participant_id} ({due.office_code}): {due.reason}")
    purged = report.purged
    if args.dry_run:
        print(f"Til sletting: {len(report.due)} deltakere.")
    else:
        print(f"Slettet: {report.erased} av {len(report.due)} deltakere.")
    print(
        ("Ville ryddet: " if args.dry_run else "Ryddet: ")
        + f"{purged.sessions} utløpte økter, {purged.api_tokens} tilbakekalte API-nøkler, "
        f"{purged.links} utløpte eller tilbakekalte personlige lenker, "
        f"{purged.rejected} avviste innlogginger og evalueringslenker, "
        f"{purged.audit_events} logghendelser eldre enn kontorets loggtid, "
        f"{zips} utløpte ZIP-filer med CV-er og planer."
    )
    if report.failed:
        ids = ", ".join(f"#{i}" for i in report.failed)
        print(f"kjk: sletting feilet for {ids}; prøves igjen ved neste kjøring.", file=sys.stderr)
        return 1
    return 0


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} kB"


def _backup(args, settings: Settings) -> int:
    from course import db
    from course.privacy import backup

    if settings.is_postgres:
        size = backup.backup_postgres(settings.database_url, args.path, force=args.force)
    else:
        size = backup.backup_sqlite(Path(db.sqlite_path(settings.database_url)), args.path, force=args.force)
    print(f"Sikkerhetskopi skrevet til {args.path} ({_size(size)}).")
    return 0


def _restore(args, settings: Settings) -> int:
    from course import db, wiring  # noqa: F401 (erasing again cancels talks: hooks answered)
    from course.privacy import backup
    from course.privacy.erasure import erasure_list_path, read_erasure_list, reapply_erasures

    if not erasure_list_path().exists() and not args.without_erasure_list:
        raise backup.BackupError(
            f"finner ingen sletteliste i {erasure_list_path()}; uten den kan deltakere som er slettet "
            "etter sikkerhetskopien, komme tilbake. Sett KJK_ERASURE_LIST til slettelisten, eller bruk "
            "--without-erasure-list hvis ingen deltaker er slettet ennå."
        )
    if settings.is_postgres:
        tables = asyncio.run(backup.postgres_tables(settings.database_url))
        if tables:
            raise backup.BackupError(backup.not_empty(tables))
        backup.restore_postgres(args.path, settings.database_url)
    else:
        backup.restore_sqlite(args.path, Path(db.sqlite_path(settings.database_url)))
    print(f"Sikkerhetskopien {args.path} er hentet tilbake.")
    erased = read_erasure_list()

    async def again():
        return await reapply_erasures(erased.entries)

    try:
        count = asyncio.run(_with_database(settings, again))
    except Exception as exc:  # the data is back, but not yet those erased since: say so, loudly
        print(
            f"kjk: sikkerhetskopien er hentet tilbake, men slettingene på nytt feilet ({type(exc).__name__}). "
            "Ikke start appen: kjør kjk restore på nytt mot en tom database når feilen er rettet.",
            file=sys.stderr,
        )
        return 1
    if not erasure_list_path().exists():
        print(f"kjk: advarsel: ingen sletteliste i {erasure_list_path()}; ingen er slettet på nytt.", file=sys.stderr)
        return 0
    print(
        f"Slettelisten {erasure_list_path()} har {len(erased.entries)} deltakere; "
        f"{count} av dem fantes i sikkerhetskopien og er slettet på nytt."
    )
    if erased.skipped:
        # Never erased by id alone: the id may belong to someone registered later.
        print(
            f"kjk: advarsel: {erased.skipped} linjer i slettelisten har ikke id og registreringstidspunkt "
            "og er hoppet over; sjekk dem for hånd.",
            file=sys.stderr,
        )
    return 0
