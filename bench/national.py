"""Builds a realistic database for the scale benchmark: one NAV office with years of
history, and optionally the rest of the country, written in bulk into the app's real
tables after the app's own migrations.

The office, NAV Drammen, starts a Klart jeg kan cohort every four weeks on Tuesdays
and Thursdays (about 11 a year: none runs into the summer closure; one in five is a
Ny retning), each of 10–12 participants (Ny retning 8–10) over eight sessions, with
their way in (referral, HU, intake, information meeting), consent, follow-up category,
attendance, four guidance talks each, an outcome and follow-ups at 3 and 6 months,
CVs and plans for some, and the cohort's anonymous evaluation (tickets, scores,
reviewed comments), and a few people referred who went elsewhere. Staff: six leaders
in two pairs taking turns (and two more), a manager and an administrator. Office
closures (summer, Christmas) and public holidays move sessions as the app's scheduler
does. On the fixed ``TODAY`` one cohort is running, the one before has just ended with
its evaluation open, and two are planned with people invited and on a waiting list.

"The rest of the country" adds 249 offices (real municipalities and city districts)
of varied sizes, 3 to 36 cohorts a year each, with ten years of the same: about 3,000
cohorts, 35,000 participants, 230,000 attendance marks and 25,000 evaluation answers a
year (the others dropped out, did not show up or did not answer), 7.5 million rows in
all. Personal data is kept as the app's retention leaves it: a participant whose last
cohort ended more than the office's retention period (12 months) ago is erased (the
row stays with nothing personal left, consents, categories, CVs and plans go;
enrolments, attendance, talks, outcomes and answers stay as counts), unless
``keep_all``. No audit events are made.

Rows are made in Python and written with executemany on SQLite and COPY on PostgreSQL
(asyncpg's copy_records_to_table), parents before children, as a restore does it:
indexes (and on PostgreSQL foreign keys) are dropped for the load and made again
afterwards, each unique index and foreign key checking every row, so both engines hold
the data to every constraint the migrations make; ANALYZE on PostgreSQL at the end.
Every date is relative to ``TODAY`` (2027-09-15, a Wednesday), the day the app's clock
is set to when it serves this data (course.clock.starting); the build itself runs
under clock.frozen at that day.

Usage: python bench/national.py URL [--years N] [--national] [--keep-all] [--seed N]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import math
import os
import random
import sqlite3
import sys
import time as timer
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import PASSWORD
from course.cohorts.schedule import Closure, module_sequence, plan_sessions
from course.participants.follow_up_rules import add_months, due_day
from course.validation import nb_sort_key

TODAY = date(2027, 9, 15)
OSLO = ZoneInfo("Europe/Oslo")
VERSION = 1  # bump when the data made changes, so cached databases are built again

DRAMMEN = "drammen"
DRAMMEN_STAFF = [
    # email, name, role
    ("siv.odegard@drammen.nav.no", "Siv Ødegård", "admin"),
    ("bjorn.asheim@drammen.nav.no", "Bjørn Åsheim", "manager"),
    ("ase.bo@drammen.nav.no", "Åse Kristoffersen Bø", "leader"),
    ("orjan.laegreid@drammen.nav.no", "Ørjan Lægreid", "leader"),
    ("kjaersti.haland@drammen.nav.no", "Kjærsti Håland", "leader"),
    ("pal.kvaerne@drammen.nav.no", "Pål Kværne", "leader"),
    ("marte.saebo@drammen.nav.no", "Marte Sæbø", "leader"),
    ("havard.lovli@drammen.nav.no", "Håvard Løvli", "leader"),
]

FIRST_NAMES = (
    "Åsne Ørjan Sølve Mia Jonas Ida Bjørnar Frøya Elias Nora Håvard Sara Mikkel Tiril Øyvind Hedda Aksel Liv Jens "
    "Sølvi Mathias Aisha Jørgen Emilie Håkon Linnéa Yusuf Ingrid Tobias Maja Sander Ole Kristian Ærlend Kåre Siri "
    "Mohammed Fatima Amir Leyla Ali Zainab Oskar Thea Filip Vilde Markus Julie Magnus Ingeborg Henrik Åse Tuva Even "
    "Signe Kasper Marius Ragnhild Sigrid Halvor Eirik Synnøve Tore Solveig Ahmed Hana Daniel Ylva Brage Ronja "
    "Torbjørn Guro Vetle Kaja Sebastian Selma Noah Astrid Lars Emma Adrian Mona Birk Hanne Eskil Tonje"
).split()
LAST_NAMES = (
    "Bøhn Løken Åsli Sæther Kjær Dahl Grøtte Næss Holm Ødegaard Strøm Berg Vågen Lie Økland Åkerø Dæhli Mæland "
    "Bråten Grønvold Særheim Åsen Kværnø Hæstad Løvås Fjær Østby Sørbø Ærø Bø Hansen Johansen Olsen Larsen "
    "Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen "
    "Andreassen Jacobsen Dahl Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand "
    "Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen Lie Amundsen Nguyen Rasmussen "
    "Ali Lunde Solheim Berge Moe Nygård Bakke Kristensen Fredriksen Holm Lien Hauge Christensen Andresen Nielsen "
    "Knudsen Evensen Sæther Aas Myhre Hanssen Ahmed Haugland Thomassen Sivertsen Simonsen Danielsen Berntsen "
    "Sandvik Rønning Arnesen Antonsen Næss Vik Haug Ellingsen Thorsen Edvardsen Birkeland Isaksen Gulbrandsen "
    "Ruud Aasen Strøm Myklebust Tangen Ødegård Hussain Eliassen Helland Aune Khan Mikkelsen Tveit Brekke Abrahamsen"
).split()
# The rest of the country: real municipalities and city districts, each its own office.
PLACES = (
    "Alna|Bjerke|Frogner|Gamle Oslo|Grorud|Grünerløkka|Nordre Aker|Nordstrand|Sagene|St. Hanshaugen|Stovner|"
    "Søndre Nordstrand|Ullern|Vestre Aker|Østensjø|Bergenhus|Fana|Fyllingsdalen|Laksevåg|Arna|Åsane|Årstad|"
    "Ytrebygda|Falkenborg|Heimdal|Lerkendal|Midtbyen|Stavanger|Bærum|Asker|Lillestrøm|Lørenskog|Nordre Follo|"
    "Ullensaker|Nittedal|Rælingen|Enebakk|Lunner|Jevnaker|Gjerdrum|Nannestad|Eidsvoll|Hurdal|Nes|Aurskog-Høland|"
    "Vestby|Ås|Frogn|Nesodden|Fredrikstad|Sarpsborg|Moss|Halden|Indre Østfold|Råde|Våler|Skiptvet|Rakkestad|"
    "Marker|Aremark|Hvaler|Lier|Kongsberg|Ringerike|Hole|Modum|Øvre Eiker|Sigdal|Krødsherad|Flå|Nesbyen|Gol|"
    "Hemsedal|Ål|Hol|Flesberg|Rollag|Nore og Uvdal|Holmestrand|Horten|Tønsberg|Færder|Sandefjord|Larvik|"
    "Porsgrunn|Skien|Bamble|Kragerø|Drangedal|Nome|Midt-Telemark|Notodden|Tinn|Hjartdal|Seljord|Kviteseid|"
    "Vinje|Tokke|Fyresdal|Nissedal|Siljan|Hamar|Ringsaker|Løten|Stange|Elverum|Kongsvinger|Åsnes|Trysil|Åmot|"
    "Stor-Elvdal|Rendalen|Tynset|Tolga|Os|Alvdal|Folldal|Lillehammer|Gjøvik|Østre Toten|Vestre Toten|"
    "Nordre Land|Søndre Land|Gausdal|Øyer|Ringebu|Sør-Fron|Nord-Fron|Sel|Vågå|Lom|Skjåk|Lesja|Dovre|Gran|"
    "Nord-Aurdal|Vang|Vestre Slidre|Øystre Slidre|Etnedal|Sør-Aurdal|Kristiansand|Arendal|Grimstad|Lillesand|"
    "Tvedestrand|Risør|Froland|Evje og Hornnes|Vennesla|Lindesnes|Farsund|Flekkefjord|Kvinesdal|Lyngdal|"
    "Sirdal|Sandnes|Sola|Randaberg|Klepp|Time|Hå|Gjesdal|Eigersund|Sokndal|Lund|Strand|Hjelmeland|Suldal|"
    "Sauda|Karmøy|Haugesund|Tysvær|Vindafjord|Stord|Fitjar|Bømlo|Sveio|Kvinnherad|Tysnes|Austevoll|"
    "Bjørnafjorden|Voss|Alver|Askøy|Øygarden|Osterøy|Vaksdal|Masfjorden|Austrheim|Sogndal|Sunnfjord|Kinn|"
    "Stad|Bremanger|Gloppen|Stryn|Luster|Årdal|Lærdal|Aurland|Høyanger|Gulen|Ålesund|Molde|Kristiansund|Volda|"
    "Ørsta|Herøy|Ulstein|Hareid|Sula|Giske|Vestnes|Rauma|Aukra|Hustadvika|Averøy|Sunndal|Surnadal|Smøla|"
    "Tingvoll|Stranda|Sykkylven|Fjord|Vanylven|Steinkjer|Levanger|Verdal|Stjørdal|Malvik|Melhus|Orkland|"
    "Oppdal|Røros|Namsos|Frøya|Hitra|Ørland|Indre Fosen|Åfjord|Selbu|Midtre Gauldal|Skaun|Rennebu|Bodø|"
    "Narvik|Rana|Vefsn|Alstahaug|Brønnøy|Sortland|Vågan|Vestvågøy|Hadsel|Øksnes|Andøy|Fauske|Saltdal|Meløy|"
    "Hemnes|Tromsø|Harstad|Senja|Målselv|Balsfjord|Lyngen|Nordreisa|Skjervøy|Bardu|Alta|Hammerfest|"
    "Sør-Varanger|Vadsø|Vardø|Porsanger|Karasjok|Kautokeino|Tana|Nordkapp"
).split("|")
ROOMS = ("møterom Åsen", "kursrom Bøgda", "rom Ærfugl", "storsalen", "rom Fjære", "kursrommet i 2. etasje")
REFERRERS = (
    "Oppfølgingstjenesten (OT)",
    "NAV-veileder",
    "Skolehelsetjenesten",
    "Barnevernet",
    "Fastlege",
    "Videregående skole",
    "Ungdomslos",
    "Selv",
)
REASONS = ("Fikk jobb", "Begynte på skole", "Flyttet", "Syk i lengre tid", "Ønsket ikke å fortsette")
EXCUSES = ("Legetime", "Syk", "Jobbintervju", "Tannlege", "Begravelse")
COMMENTS = (
    ("benefit", "Jeg har skjønt at jeg kan mer enn jeg trodde."),
    ("next_step", "Fint å ha en plan for hva som skjer etterpå."),
    ("atmosphere", "Trygt og godt å være i gruppa, også de dagene jeg var sliten."),
    ("leaders", "Kurslederne tok seg tid til meg, det betydde mye."),
    ("participation", "Litt vanskelig å snakke høyt i gruppa i starten."),
    ("overall", "Takk for at dere ga meg en sjanse!"),
    ("overall", "Skulle gjerne hatt flere økter."),
)
TALK_NOTES = (
    "Snakket om mål for høsten og hva som er vanskelig nå.",
    "Gikk gjennom ressurs-CV-en sammen; han vil prøve arbeidspraksis.",
    "Hun er usikker på skole eller jobb; avtalt å besøke karrieresenteret.",
    "Søvn og døgnrytme er et tema; avtalt å snakke med fastlegen.",
)
CENTRE = {"benefit": 9.3, "next_step": 8.0, "atmosphere": 9.4, "leaders": 9.6, "participation": 9.2}
KJK_OUTCOME_WEIGHTS = {"work": 30, "education": 25, "benefits": 10, "treatment": 8, "assessment": 15, "lost_contact": 5}
NR_OUTCOME_WEIGHTS = {
    "job": 15,
    "school": 35,
    "nav_measure": 15,
    "work_practice": 15,
    "sheltered_work": 3,
    "on_the_way": 10,
    "did_not_show": 3,
    "moved": 2,
}
OUTCOME_CHOICES = {
    variant: (list(weights), list(itertools.accumulate(weights.values())))
    for variant, weights in (("kjk", KJK_OUTCOME_WEIGHTS), ("ny_retning", NR_OUTCOME_WEIGHTS))
}
FOLLOW_UP_KINDS = ("work", "education", "work_practice", "nav_measure", "on_the_way", "assessment", "job")
WEEKDAY_PAIRS = ((2, 4), (1, 3), (3, 5), (1, 4), (2, 5))


@dataclass(frozen=True)
class Plan:
    """What to build: Drammen's years of history, and the rest of the country or not."""

    years: int = 10
    national: bool = False
    keep_all: bool = False  # no retention: nobody erased
    seed: int = 2027
    national_years: int = 10
    national_participants: int = 360_000
    offices: int = 250  # with Drammen

    def key(self) -> str:
        parts = [f"v{VERSION}", f"y{self.years}", f"s{self.seed}"]
        if self.national:
            parts.append(f"n{self.offices}x{self.national_participants}x{self.national_years}")
        if self.keep_all:
            parts.append("all")
        return "-".join(parts)


def moment(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A time on a day in Oslo, as the app stores it: in UTC."""
    return datetime.combine(day, time(hour, minute), OSLO).astimezone(UTC)


def slug(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u", " ": "-", ".": ""})
    return "".join(c for c in text.lower().translate(table) if c.isascii() and (c.isalnum() or c == "-"))


# --- writing ------------------------------------------------------------------------------------


class Writer:
    """Buffers rows per table and writes them all, parents first, in large batches.
    Each table's rows are tuples in the generator's column order; columns the
    database lacks are left out, and columns the generator does not know are filled
    with the table's default (so a column added meanwhile does not break the build)."""

    FLUSH_ROWS = 200_000

    def __init__(self, tables: list) -> None:
        from piccolo.table import sort_table_classes

        self.order = [t._meta.tablename for t in sort_table_classes(tables)]
        self.tables = {t._meta.tablename: t for t in tables}
        self.mine: dict[str, tuple[str, ...]] = {}
        self.buffers: dict[str, list[tuple]] = {name: [] for name in self.order}
        self.layout: dict[str, tuple[list[str], list[int], list] | None] = {}
        self.counts: dict[str, int] = {name: 0 for name in self.order}

    def declare(self, table: str, columns: str) -> None:
        self.mine[table] = tuple(columns.split())

    async def open(self) -> None:
        for name, mine in self.mine.items():
            have = await self.db_columns(name)
            if not have:
                raise RuntimeError(f"the table {name} is missing: are the migrations applied?")
            if list(mine) == have:
                self.layout[name] = None
                continue
            index = {c: i for i, c in enumerate(mine)}
            columns = have
            positions = [index.get(c, -1) for c in columns]
            table = self.tables[name]
            defaults: list[object] = []
            for c, i in zip(columns, positions, strict=True):
                if i >= 0:
                    defaults.append(None)
                    continue
                column = table._meta.get_column_by_name(c) if c in {x._meta.name for x in table._meta.columns} else None
                if column is None:
                    raise RuntimeError(f"{name}.{c} is in the database but not in the tables: build it by hand")
                value = column.get_default_value()
                defaults.append(value)
            self.layout[name] = (columns, positions, defaults)

    def add(self, table: str, row: tuple) -> None:
        self.buffers[table].append(row)

    async def maybe_flush(self) -> None:
        if sum(len(rows) for rows in self.buffers.values()) >= self.FLUSH_ROWS:
            await self.flush()

    async def flush(self) -> None:
        for name in self.order:
            rows = self.buffers[name]
            if not rows:
                continue
            layout = self.layout[name]
            if layout is None:
                columns, written = list(self.mine[name]), rows
            else:
                columns, positions, defaults = layout
                written = [tuple(r[i] if i >= 0 else d for i, d in zip(positions, defaults, strict=True)) for r in rows]
            await self.write(name, columns, written)
            self.counts[name] += len(rows)
            rows.clear()  # in place: the generator holds on to the list's append

    async def db_columns(self, table: str) -> list[str]:
        raise NotImplementedError

    async def max_id(self, table: str) -> int:
        raise NotImplementedError

    async def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        raise NotImplementedError

    async def scalar(self, sql: str):
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class SQLiteWriter(Writer):
    def __init__(self, tables: list, path: str) -> None:
        super().__init__(tables)
        import piccolo.engine.sqlite  # noqa: F401 (its adapters store dates and times as the app does)

        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA foreign_keys = ON")
        # A bulk load: no journal (a failed build is thrown away), and the indexes made
        # afterwards in one pass each, the unique ones checking every row as they are.
        self.connection.execute("PRAGMA journal_mode = OFF")
        self.connection.execute("PRAGMA synchronous = OFF")
        self.connection.execute("PRAGMA cache_size = -400000")
        self.indexes = self.connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in self.indexes:
            self.connection.execute(f'DROP INDEX "{name}"')

    async def db_columns(self, table: str) -> list[str]:
        return [r[1] for r in self.connection.execute(f'PRAGMA table_info("{table}")')]

    async def max_id(self, table: str) -> int:
        return self.connection.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]

    async def scalar(self, sql: str):
        return self.connection.execute(sql).fetchone()[0]

    async def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.connection.execute("BEGIN")
        self.connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        self.connection.execute("COMMIT")

    async def close(self) -> None:
        for _name, sql in self.indexes:
            self.connection.execute(sql)
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.close()


class PostgresWriter(Writer):
    def __init__(self, tables: list, url: str) -> None:
        super().__init__(tables)
        self.url = url
        self.connection: Any = None

    async def connect(self) -> None:
        import asyncpg

        self.connection = await asyncpg.connect(self.url)
        # A bulk load, as pg_restore does it: foreign keys and the indexes that back no
        # constraint are dropped, and made again after the rows are in (each index in one
        # pass; each foreign key checked over all rows at once, unique indexes as built).
        await self.connection.execute("SET maintenance_work_mem = '256MB'")
        await self.connection.execute("SET synchronous_commit = off")
        self.foreign_keys = await self.connection.fetch(
            "SELECT conrelid::regclass::text AS tab, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
        )
        self.indexes = await self.connection.fetch(
            "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = current_schema()::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        )
        for fk in self.foreign_keys:
            await self.connection.execute(f'ALTER TABLE {fk["tab"]} DROP CONSTRAINT "{fk["conname"]}"')
        for index in self.indexes:
            await self.connection.execute(f"DROP INDEX {index['name']}")

    async def db_columns(self, table: str) -> list[str]:
        rows = await self.connection.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = $1 ORDER BY ordinal_position",
            table,
        )
        return [r["column_name"] for r in rows]

    async def max_id(self, table: str) -> int:
        return await self.connection.fetchval(f'SELECT coalesce(max(id), 0) FROM "{table}"')

    async def scalar(self, sql: str):
        return await self.connection.fetchval(sql)

    async def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        await self.connection.copy_records_to_table(table, records=rows, columns=columns)

    async def close(self) -> None:
        for index in self.indexes:
            await self.connection.execute(index["def"])
        for fk in self.foreign_keys:
            await self.connection.execute(f'ALTER TABLE {fk["tab"]} ADD CONSTRAINT "{fk["conname"]}" {fk["def"]}')
        # Serial columns go on from the ids written here.
        for name, table in self.tables.items():
            if name in self.mine and "id" in self.mine[name] and table._meta.primary_key._meta.name == "id":
                sequence = await self.connection.fetchval("SELECT pg_get_serial_sequence($1, 'id')", name)
                if sequence:
                    await self.connection.execute(
                        f"SELECT setval('{sequence}', (SELECT coalesce(max(id), 0) + 1 FROM \"{name}\"), false)"
                    )
        # What autovacuum would do on a live server: the planner's statistics.
        await self.connection.execute("ANALYZE")
        await self.connection.close()


# --- the data ------------------------------------------------------------------------------------


def closures(first_year: int, last_year: int) -> list:
    """Summer (ISO weeks 28–31) and Christmas, each year: as an office enters them."""
    out = []
    for year in range(first_year, last_year + 1):
        summer = date.fromisocalendar(year, 28, 1)
        out.append(Closure(summer, summer + timedelta(days=27), "Sommerstengt"))
        out.append(Closure(date(year, 12, 22), date(year + 1, 1, 2), "Juleferie"))
    return out


def summer(day: date) -> bool:
    return 28 <= day.isocalendar()[1] <= 31


def starts(weekdays: tuple[int, int], anchor: date, every: int, first: date, last: date) -> list[date]:
    """Start days of one stream of cohorts: every ``every`` weeks through the anchor
    (moved to the stream's first weekday), leaving out those whose usual dates meet
    the summer closure (no cohort runs over the summer; at Christmas the scheduler
    moves the sessions after it)."""
    day = anchor + timedelta(days=(weekdays[0] - anchor.isoweekday()) % 7)
    while day - timedelta(weeks=every) >= first:
        day -= timedelta(weeks=every)
    out = []
    while day <= last:
        if not summer(day) and not summer(day + timedelta(days=27)):
            out.append(day)
        day += timedelta(weeks=every)
    return out


def cadence(per_year: float) -> tuple[int, int]:
    """(streams, weeks between starts in a stream) for about ``per_year`` cohorts a
    year: a stream holds at most one every four weeks, about 11 a year after summer."""
    streams = max(1, math.ceil(per_year / 11))
    return streams, max(4, round(KEPT_WEEKS * streams / per_year))


HOURS = {h: time(h) for h in range(8, 18)}
ENDS = {h: time(h, 45) for h in range(8, 18)}
KEPT_WEEKS = 46  # weeks a year a cohort can start in: not into the summer closure
PEOPLE_PER_COHORT = 11.8  # on average, with those referred at the same time who went elsewhere


@dataclass
class Office:
    id: int
    code: str
    name: str
    leaders: list[int]
    pairs: list[tuple[int, int]]
    streams: int
    cohorts_a_year: float
    rooms: list[str]
    closures: list = field(default_factory=list)


@dataclass
class Landmarks:
    """What the benchmark uses: Drammen's running cohort and its people, its cohort
    whose evaluation is open, and who signs in."""

    office: int = 0
    running_cohort: int = 0
    running_leaders: list[str] = field(default_factory=list)
    running_participant: int = 0
    open_evaluation_cohort: int = 0
    open_evaluation: int = 0
    manager: str = DRAMMEN_STAFF[1][0]
    admin: str = DRAMMEN_STAFF[0][0]


class Country:
    def __init__(self, plan: Plan, writer: Writer, password_hash: str, secret_key: str) -> None:
        self.plan = plan
        self.w = writer
        self.rng = random.Random(plan.seed)
        self.password_hash = password_hash
        self.secret_key = secret_key
        self.ids: dict[str, Callable[[], int]] = {}
        self.landmarks = Landmarks()
        self.documents = _documents()
        self.emails: set[str] = set()
        self.email_of: dict[int, str] = {}
        self.slots: dict[tuple[int, date], int] = {}
        self.stamps: dict[tuple[date, int, int], object] = {}
        self.talk_days: list[list[date]] = []
        self.held: list[tuple[int, object]] = []
        self.as_text = isinstance(writer, SQLiteWriter)

    def stamp(self, day: date, hour: int = 12, minute: int = 0):
        """``moment``, made once per value; on SQLite already as the text it is stored as."""
        key = (day, hour, minute)
        value = self.stamps.get(key)
        if value is None:
            value = moment(day, hour, minute)
            if self.as_text:
                from piccolo.engine.sqlite import convert_datetime_in

                value = convert_datetime_in(value)
            self.stamps[key] = value
        return value

    async def start(self) -> None:
        for name in self.w.mine:
            if "id" in self.w.mine[name] and name not in UUID_TABLES:
                self.ids[name] = itertools.count(await self.w.max_id(name) + 1).__next__

    def next(self, table: str) -> int:
        return self.ids[table]()

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def name(self) -> str:
        r = self.rng
        first = r.choice(FIRST_NAMES)
        if r.random() < 0.15:
            first = f"{first} {r.choice(FIRST_NAMES)}"
        last = r.choice(LAST_NAMES)
        if r.random() < 0.2:
            last = f"{r.choice(LAST_NAMES)} {last}"
        return f"{first} {last}"

    # --- offices and staff

    def office(self, code: str, name: str, created: date, streams: int, cohorts_a_year: float, staff=None) -> Office:
        office_id = self.next("office")
        self.w.add("office", (office_id, code, name, self.stamp(created, 9), 12, 24))
        leaders: list[int] = []
        people = staff or [(None, self.name(), "manager")] + [(None, self.name(), "leader") for _ in range(4 * streams)]
        for email, full_name, role in people:
            staff_id = self.next("staff_user")
            if email is None:
                parts = full_name.split()
                base = f"{slug(parts[0])}.{slug(parts[-1])}@{code}.nav.no"
                email, n = base, 1
                while email in self.emails:
                    n += 1
                    email = base.replace("@", f"{n}@")
            self.emails.add(email)
            self.email_of[staff_id] = email
            at = self.stamp(created, 10)
            self.w.add("staff_user", (staff_id, email, full_name, role, office_id, self.password_hash, True, at, at))
            if role == "leader":
                leaders.append(staff_id)
                windows = [(d, time(9), time(15, 30)) for d in (1, 3, 5)] + [
                    (d, time(14), time(15, 30)) for d in (2, 4)
                ]
                for weekday, start, end in windows:
                    self.w.add("leader_availability", (self.next("leader_availability"), staff_id, weekday, start, end))
        pairs = [(leaders[i], leaders[i + 1]) for i in range(0, len(leaders) - 1, 2)]
        rooms = [f"{name.removeprefix('NAV ')} – {room}" for room in self.rng.sample(ROOMS, 2)]
        office = Office(office_id, code, name, leaders, pairs, streams, cohorts_a_year, rooms)
        return office

    def closures(self, office: Office, first: date, last: date) -> None:
        """The office's closures: summer and Christmas every year."""
        office.closures = closures(first.year - 1, last.year + 1)
        for c in office.closures:
            self.w.add("office_closure", (self.next("office_closure"), office.id, c.start, c.end, c.reason))

    # --- cohorts

    def cohort(self, office: Office, start: date, weekdays, pair: tuple[int, int], n: int, variant: str) -> None:
        r = self.rng
        w = self.w
        plan = plan_sessions(start, weekdays, office.closures)
        days = [s.date for s in plan.sessions]
        first, last = days[0], days[-1]
        cohort_id = self.next("cohort")
        capacity = 10 if variant == "ny_retning" else 12
        room = office.rooms[n % len(office.rooms)]
        title = ("Ny retning" if variant == "ny_retning" else "Klart jeg kan") + f" – {start:%Y} uke {start:%V}"
        begins, ends = (time(9), time(13)) if variant == "ny_retning" else (time(9, 30), time(14))
        created = start - timedelta(weeks=8)
        # A few cancelled, never those the benchmark uses.
        cancelled_on = start - timedelta(days=r.randint(3, 20))
        cancelled = r.random() < 0.01 and abs((first - TODAY).days) > 60 and cancelled_on <= TODAY
        cancelled_at = self.stamp(cancelled_on, 11) if cancelled else None
        w.add(
            "cohort",
            (cohort_id, office.id, title, variant, room, capacity, start, weekdays[0], weekdays[1], begins, ends)
            + (cancelled_at, self.stamp(created, 10)),
        )
        for leader in pair:
            w.add("cohort_leader", (self.next("cohort_leader"), cohort_id, leader))
        # The days for guidance talks: each week's weekdays without a session.
        monday = first - timedelta(days=first.weekday())
        self.talk_days = [
            [d for d in (monday + timedelta(weeks=week, days=i) for i in range(5)) if d not in days] or [monday]
            for week in range(4)
        ]
        modules = module_sequence(variant, len(days))
        sessions = []
        for number, (day, module) in enumerate(zip(days, modules, strict=True), 1):
            session_id = self.next("cohort_session")
            guest = "Karrieresenteret, fylkeskommunen" if module in (9, 10) else ""
            w.add(
                "cohort_session",
                (session_id, cohort_id, number, module, day, begins, ends, room, None, guest, 0, None),
            )
            sessions.append((session_id, day))
        self.held = [(s, self.stamp(d, 10)) for s, d in sessions if d <= TODAY]
        if r.random() < 0.25:
            old = office.rooms[(n + 1) % len(office.rooms)]
            changes = json.dumps({"location": [old, room]}, ensure_ascii=False)
            w.add(
                "cohort_change",
                (
                    self.next("cohort_change"),
                    cohort_id,
                    None,
                    pair[0],
                    self.stamp(created + timedelta(days=9), 13),
                    changes,
                ),
            )
        status = (
            "cancelled" if cancelled else "planned" if TODAY < first else "running" if TODAY <= last else "finished"
        )
        if office.code == DRAMMEN and status == "running" and not self.landmarks.running_cohort:
            self.landmarks.running_cohort = cohort_id
            self.landmarks.running_leaders = [self.email_of[leader] for leader in pair]
        # The people: a place each up to capacity, a waiting list on the planned ones.
        places = capacity - r.choice((0, 0, 0, 0, 1, 1, 2))
        extra = r.choice((0, 1, 2, 3)) if status == "planned" else 0
        people = [
            self.participant(office, cohort_id, variant, status, start, sessions, pair, i >= places)
            for i in range(places + extra)
        ]
        if r.random() < 0.7:
            # Someone referred about the same time who went another way (HU: another measure).
            referred = start - timedelta(days=r.randint(20, 40))
            if referred < TODAY:
                self.person_on_the_way(office, referred, decision="other_measure")
        if status == "finished":
            self.evaluation(office, cohort_id, pair, last, people)
        if office.code == DRAMMEN and status == "finished" and last + timedelta(days=7) >= TODAY:
            self.landmarks.open_evaluation_cohort = cohort_id

    def participant(
        self, office: Office, cohort_id: int, variant: str, status: str, start: date, sessions, pair, waiting: bool
    ) -> tuple[bool, str]:
        """One person on the cohort, with everything the app keeps about them; answers
        whether they may answer the evaluation (consented, enrolled or completed) and
        their enrolment's status."""
        r = self.rng
        w = self.w
        first, last = sessions[0][1], sessions[-1][1]
        pid = self.next("participant")
        name = self.name()
        age = (
            r.randint(16, 18) if variant == "ny_retning" else r.choice((16, 17, 18, 19, 19, 20, 21, 22, 23, 25, 27, 29))
        )
        contact = r.choice(office.leaders)
        referred = min(start - timedelta(days=r.randint(21, 50)), TODAY - timedelta(days=r.randint(2, 12)))
        hu = referred + timedelta(days=r.randint(3, 9))
        intake = hu + timedelta(days=r.randint(1, 6))
        info = start - timedelta(days=r.randint(2, 7))
        # Where the enrolment ended up.
        if status == "cancelled":
            state, reason = "withdrawn", "Kurset ble avlyst"
        elif waiting:
            state, reason = "waiting", ""
        elif status == "planned":
            state, reason = ("enrolled" if r.random() < 0.6 else "invited"), ""
        else:
            roll = r.random()
            if roll < 0.03:
                state, reason = "no_show", ""
            elif roll < 0.06:
                state, reason = "withdrawn", r.choice(REASONS)
            elif roll < 0.13:
                state, reason = "dropped_out", r.choice(REASONS)
            else:
                state, reason = ("completed" if status == "finished" else "enrolled"), ""
        ended = last if status in ("finished", "running", "planned") else start
        erased = not self.plan.keep_all and add_months(ended, 12) < TODAY
        erased_at = self.stamp(add_months(ended, 12) + timedelta(days=1), 2) if erased else None
        birth_year = 0 if erased else start.year - age
        shown = "" if erased else name
        phone = "" if erased else f"{r.choice('49')}{r.randint(0, 9999999):07d}"
        email = "" if erased or r.random() < 0.5 else f"{slug(name.split()[0])}{r.randint(1, 99)}@epost.no"
        created = self.stamp(referred, 10)
        w.add(
            "participant",
            (pid, office.id, shown, nb_sort_key(shown), birth_year, phone, email, contact)
            + (None if erased else referred, created, erased_at),
        )
        if office.code == DRAMMEN and cohort_id == self.landmarks.running_cohort and state == "enrolled":
            self.landmarks.running_participant = self.landmarks.running_participant or pid
        # The way in, as far as it has come by today.
        steps = [
            ("referred", referred, "" if erased else r.choice(REFERRERS), None, ""),
            ("hu", hu, "", None, "accepted"),
            ("intake", intake, "", contact, ""),
            ("info_meeting", info, "", None, ""),
        ]
        for step, day, by_text, by_staff, decision in steps:
            if day <= TODAY:
                row = (
                    self.next("path_step"),
                    pid,
                    step,
                    day,
                    by_text,
                    by_staff,
                    decision,
                    "",
                    contact,
                    self.stamp(day, 15),
                )
                w.add("path_step", row)
        consent = r.random() < 0.95
        given = min(intake, TODAY)
        if not erased:
            sharing = r.random() < 0.9
            w.add(
                "participant_consent",
                (self.next("participant_consent"), pid, "given", "2026-1", True, sharing, consent, given, contact)
                + (self.stamp(given, 14),),
            )
            category = r.choice((1, 1, 2, 3, 3, 4))
            w.add(
                "participant_category",
                (self.next("participant_category"), pid, category, contact, self.stamp(given, 14)),
            )
            if status == "finished" and state == "completed":
                category = r.choice((1, 1, 1, 2, 3))
                w.add(
                    "participant_category",
                    (self.next("participant_category"), pid, category, contact, self.stamp(last, 15)),
                )
        enrolment = self.next("enrolment")
        enrolled_on = max(referred, min(info, TODAY))
        changed = {"completed": last, "dropped_out": start + timedelta(days=14), "no_show": start}.get(
            state, enrolled_on
        )
        w.add(
            "enrolment",
            (enrolment, cohort_id, pid, state, "" if erased else reason, self.stamp(enrolled_on, 11))
            + (self.stamp(max(enrolled_on, min(changed, TODAY)), 16),),
        )
        answers = consent and state in ("enrolled", "completed")
        if state not in ("completed", "enrolled", "dropped_out"):
            return answers, state
        # Attendance on the sessions held, talks, documents.
        held = self.held
        stop = r.randint(2, 6) if state == "dropped_out" else len(held)
        new_id, add, random_ = self.ids["attendance"], w.buffers["attendance"].append, r.random
        for k, (session_id, at) in enumerate(held[:stop]):
            roll = random_()
            if roll < 0.86 and not (state == "dropped_out" and k == stop - 1):
                add((new_id(), session_id, pid, "present", "", pair[0], at))
            elif roll < 0.95 or state == "dropped_out":
                add((new_id(), session_id, pid, "absent", "", pair[0], at))
            else:
                add((new_id(), session_id, pid, "excused", "" if erased else r.choice(EXCUSES), pair[0], at))
        if status != "planned":
            self.talks(cohort_id, pid, pair, self.talk_days, first, 2 if state == "dropped_out" else 4, erased)
        if not erased and status != "planned":
            self.documents_for(enrolment, pair[0], first, min(last, TODAY))
        if status == "finished" and state == "completed":
            kinds = OUTCOME_CHOICES[variant]
            kind = r.choices(kinds[0], cum_weights=kinds[1])[0]
            w.add("outcome", (self.next("outcome"), enrolment, kind, last, "", contact, self.stamp(last, 15)))
            for point in ("3m", "6m"):
                due = due_day(last, point)
                if due + timedelta(days=20) <= TODAY and r.random() < 0.85:
                    day = due + timedelta(days=r.randint(0, 20))
                    kind = r.choice(FOLLOW_UP_KINDS)
                    w.add(
                        "follow_up",
                        (self.next("follow_up"), enrolment, point, kind, day, "", contact, self.stamp(day, 14)),
                    )
        return answers, state

    def person_on_the_way(self, office: Office, referred: date, decision: str = "") -> None:
        """Someone on the way in who has no cohort (yet): referred, perhaps to HU."""
        r = self.rng
        pid = self.next("participant")
        name = self.name()
        contact = r.choice(office.leaders)
        erased = not self.plan.keep_all and add_months(referred, 12) < TODAY
        shown = "" if erased else name
        self.w.add(
            "participant",
            (pid, office.id, shown, nb_sort_key(shown), 0 if erased else referred.year - r.randint(17, 24))
            + ("", "", contact, None if erased else referred, self.stamp(referred, 10))
            + (self.stamp(add_months(referred, 12) + timedelta(days=1), 2) if erased else None,),
        )
        by = "" if erased else r.choice(REFERRERS)
        step = (self.next("path_step"), pid, "referred", referred, by, None, "", "", contact, self.stamp(referred, 15))
        self.w.add("path_step", step)
        hu = referred + timedelta(days=r.randint(3, 9))
        if decision and hu <= TODAY:
            step = (self.next("path_step"), pid, "hu", hu, "", None, decision, "", contact, self.stamp(hu, 15))
            self.w.add("path_step", step)
        if not erased:
            consent = (self.next("participant_consent"), pid, "given", "2026-1", True, True, True, referred, contact)
            self.w.add("participant_consent", consent + (self.stamp(referred, 14),))

    def talks(self, cohort_id: int, pid: int, pair, weeks: list[list[date]], first: date, count: int, erased: bool):
        """Guidance talks in the cohort's weeks on days without a session (``weeks``),
        one leader each, 45 minutes, inside the leaders' weekly windows (all day on
        Monday, Wednesday and Friday; from 14:00 on Tuesday and Thursday)."""
        r = self.rng
        created_on = min(first - timedelta(days=3), TODAY)
        created = self.stamp(created_on, 13)
        for k in range(count):
            leader = pair[(pid + k) % 2]
            days = weeks[min(k, len(weeks) - 1)]
            for _ in range(6):
                day = days[r.randrange(len(days))]
                room = 1 if day.isoweekday() in (2, 4) else 6
                slot = self.slots.get((leader, day), 0)
                if slot < room:
                    self.slots[(leader, day)] = slot + 1
                    break
            else:
                continue
            hour = 14 if room == 1 else 9 + slot
            if day < TODAY:
                roll = r.random()
                status = "held" if roll < 0.92 else "no_show" if roll < 0.97 else "cancelled"
            else:
                status = "planned"
            note = "" if erased or status != "held" or r.random() < 0.6 else r.choice(TALK_NOTES)
            place = "" if erased else "Samtalerom 2"
            self.w.add(
                "guidance_talk",
                (self.next("guidance_talk"), cohort_id, pid, leader, day, HOURS[hour], ENDS[hour], place, status)
                + (note, created, self.stamp(max(created_on, min(day, TODAY)), 16)),
            )

    def documents_for(self, enrolment: int, leader: int, first: date, last: date) -> None:
        r = self.rng
        span = max(1, (last - first).days)
        for kind, share, most in (("cv", 0.55, 3), ("plan", 0.35, 2)):
            if r.random() >= share:
                continue
            for number in range(1, r.randint(1, most) + 1):
                day = first + timedelta(days=min(span, number * span // most))
                by_participant = r.random() < 0.2
                self.w.add(
                    "document_version",
                    (self.next("document_version"), enrolment, kind, number, r.choice(self.documents[kind]))
                    + (self.stamp(day, 13), None if by_participant else leader, by_participant, None),
                )

    def evaluation(self, office: Office, cohort_id: int, pair, last: date, people: list) -> None:
        """The cohort's evaluation, opened at the last session: closed (scores and
        comments written out, tickets kept) once its closing day has passed, else open
        with the answers so far kept encrypted under the server's key."""
        r = self.rng
        invited = sum(1 for consent, _ in people if consent)
        if invited == 0:
            return
        evaluation_id = self.next("evaluation")
        closes_on = last + timedelta(days=7)
        is_open = closes_on >= TODAY
        closed_at = None if is_open else self.stamp(closes_on + timedelta(days=1), 6, 30)
        self.w.add(
            "evaluation", (evaluation_id, cohort_id, self.stamp(last, 13), pair[0], closes_on, closed_at, invited)
        )
        if office.code == DRAMMEN and is_open:
            self.landmarks.open_evaluation = evaluation_id
        answers = max(0, invited - r.choice((0, 0, 0, 1, 1, 2)))
        if is_open:
            answers = answers * max(0, (TODAY - last).days) // 8
        paper = [r.random() < 0.12 for _ in range(answers)]
        used = sum(1 for p in paper if not p)
        for t in range(invited):
            self.w.add("evaluation_ticket", (self.uuid(), evaluation_id, r.randbytes(32).hex(), t < used))
        dip = r.random() < 0.2
        scored = [
            {
                a: max(0, min(10, round(r.gauss(CENTRE[a] - (1.5 if dip and a == "next_step" else 0), 1.2))))
                for a in CENTRE
            }
            for _ in range(answers)
        ]
        if is_open:
            from course import sealing

            key = sealing.box_key(self.secret_key, f"evaluation:{evaluation_id}")
            for scores, on_paper in zip(scored, paper, strict=True):
                comments = dict([r.choice(COMMENTS)]) if r.random() < 0.3 else {}
                blob = json.dumps({"scores": scores, "comments": comments, "on_paper": on_paper}).encode()
                sealed = sealing.encrypt(key, blob, f"evaluation:{evaluation_id}")
                self.w.add("evaluation_pending", (self.uuid(), evaluation_id, sealed))
            return
        recent = (TODAY - closes_on).days < 60
        for scores, on_paper in zip(scored, paper, strict=True):
            self.w.add(
                "evaluation_response",
                (self.uuid(), cohort_id, scores["benefit"], scores["next_step"], scores["atmosphere"])
                + (scores["leaders"], scores["participation"], on_paper),
            )
            if r.random() < 0.3:
                area, text = r.choice(COMMENTS)
                status = r.choices(("pending", "shown", "hidden"), (60, 35, 5) if recent else (5, 85, 10))[0]
                ref = base64.urlsafe_b64encode(r.randbytes(12)).decode()
                reviewer = None if status == "pending" else pair[0]
                self.w.add("evaluation_remark", (self.uuid(), cohort_id, ref, area, text, status, reviewer))

    # --- the whole

    async def office_history(self, office: Office, years: float, anchor: date) -> None:
        """An office's cohorts from ``years`` back to ten weeks ahead, in streams."""
        first = TODAY - timedelta(days=round(365.25 * years))
        last = TODAY + timedelta(weeks=10)
        self.closures(office, first, last)
        self.slots = {}
        # Drammen: one stream, a cohort every four weeks (the landmarks depend on it).
        streams, every = (1, 4) if office.code == DRAMMEN else cadence(office.cohorts_a_year)
        n = 0
        for stream in range(streams):
            # Each stream has two pairs of leaders of its own, taking turns.
            shift = timedelta(weeks=(every * stream) // streams)
            weekdays = (2, 4) if office.code == DRAMMEN else WEEKDAY_PAIRS[stream % len(WEEKDAY_PAIRS)]
            for k, start in enumerate(starts(weekdays, anchor + shift, every, first, last)):
                pair = office.pairs[2 * stream + k % 2]
                variant = "ny_retning" if (n % 5 == 4) else "kjk"
                self.cohort(office, start, weekdays, pair, n, variant)
                n += 1
                await self.w.maybe_flush()
        # A few people referred in the last weeks, on their way in.
        for _ in range(self.rng.randint(2, 6)):
            self.person_on_the_way(office, TODAY - timedelta(days=self.rng.randint(1, 30)))
        self.slots = {}

    async def build(self) -> None:
        plan = self.plan
        await self.start()
        r = self.rng
        drammen_first = TODAY - timedelta(days=round(365.25 * plan.years))
        drammen = self.office(DRAMMEN, "NAV Drammen", drammen_first - timedelta(days=90), 1, 12, staff=DRAMMEN_STAFF)
        self.landmarks.office = drammen.id
        # Drammen: a cohort every four weeks on Tuesdays and Thursdays; the one through
        # 14 September 2027 is running and the one before has its evaluation open.
        await self.office_history(drammen, plan.years, date(2027, 9, 14))
        if plan.national:
            others = [p for p in dict.fromkeys(PLACES) if p != "Drammen"][: plan.offices - 1]
            # Sizes vary (big city districts, small municipalities) around 12 cohorts a
            # year, scaled until the country holds about as many participants as planned.
            weights = [r.lognormvariate(0, 0.55) for _ in others]
            anchors = [TODAY + timedelta(days=r.randint(-27, 0)) for _ in others]
            first = TODAY - timedelta(days=round(365.25 * plan.national_years))
            last = TODAY + timedelta(weeks=10)
            wanted = plan.national_participants / PEOPLE_PER_COHORT
            scale = wanted / plan.national_years / sum(weights)
            for _ in range(4):
                made = 0
                for i, weight in enumerate(weights):
                    streams, every = cadence(min(36.0, max(3.0, weight * scale)))
                    for stream in range(streams):
                        shift = timedelta(weeks=(every * stream) // streams)
                        made += len(starts(WEEKDAY_PAIRS[stream % 5], anchors[i] + shift, every, first, last))
                scale *= wanted / made
            codes: set[str] = {DRAMMEN}
            for place, weight, anchor in zip(others, weights, anchors, strict=True):
                per_year = min(36.0, max(3.0, weight * scale))
                code = slug(place)[:20]
                while code in codes:
                    code = code[:18] + f"-{len(codes) % 100}"
                codes.add(code)
                created = first - timedelta(days=90)
                office = self.office(code, f"NAV {place}", created, cadence(per_year)[0], per_year)
                await self.office_history(office, plan.national_years, anchor)
        await self.w.flush()


UUID_TABLES = {"evaluation_ticket", "evaluation_pending", "evaluation_response", "evaluation_remark"}


def _declare(w: Writer) -> None:
    w.declare("office", "id code name created_at retention_months audit_months")
    w.declare("staff_user", "id email name role office password_hash active created_at updated_at")
    w.declare("leader_availability", "id leader weekday start_time end_time")
    w.declare("office_closure", "id office start_date end_date reason")
    w.declare(
        "cohort",
        "id office title variant location capacity start_date weekday_1 weekday_2 start_time end_time "
        "cancelled_at created_at",
    )
    w.declare("cohort_leader", "id cohort leader")
    w.declare(
        "cohort_session",
        "id cohort number module date start_time end_time location cancelled_at guest_leader sequence modified_at",
    )
    w.declare("cohort_change", "id cohort session_number changed_by changed_at changes")
    w.declare(
        "participant",
        "id office name sort_name birth_year phone email primary_contact referral_date created_at erased_at",
    )
    w.declare(
        "participant_consent",
        "id participant action text_version participation sharing evaluation date recorded_by recorded_at",
    )
    w.declare("participant_category", "id participant category changed_by changed_at")
    w.declare("path_step", "id participant step date by_text by_staff decision note changed_by changed_at")
    w.declare("enrolment", "id cohort participant status reason created_at changed_at")
    w.declare("attendance", "id session participant status note recorded_by recorded_at")
    w.declare("outcome", "id enrolment kind date note changed_by changed_at")
    w.declare("follow_up", "id enrolment point kind date note changed_by changed_at")
    w.declare(
        "guidance_talk",
        "id cohort participant leader date start_time end_time location status note created_at changed_at",
    )
    w.declare("document_version", "id enrolment kind number content created_at staff by_participant restored_from")
    w.declare("evaluation", "id cohort opened_at opened_by closes_on closed_at invited")
    w.declare("evaluation_ticket", "id evaluation token_hash used")
    w.declare("evaluation_pending", "id evaluation sealed")
    w.declare("evaluation_response", "id cohort benefit next_step atmosphere leaders participation on_paper")
    w.declare("evaluation_remark", "id cohort ref area text status reviewed_by")


def _documents() -> dict[str, list[str]]:
    """A few CVs and plans, checked by the app's own rules, as stored."""
    from course.documents import content

    cvs = [
        {
            "about_me": "Jeg er 19 år og liker å jobbe med hendene. Jeg er rolig og pålitelig, og jeg vil gjerne "
            "bli kokk.",
            "skills": ["Matlaging for mange", "Reparere sykler", "Word og Excel"],
            "experience": [
                {"kind": "work", "what": "Butikkmedarbeider", "where": "Rema 1000 Åssiden", "when": "2024–2025"},
                {"kind": "home", "what": "Passet småsøsken", "when": "2020–2024"},
            ],
            "roles": ["Storesøster", "Lagkamerat"],
            "interests": ["Fotball", "Strikking"],
        },
        {
            "about_me": "Jeg er glad i data og spill, og jeg er god til å finne ut av ting selv.",
            "skills": ["Bygge PC-er", "Engelsk"],
            "interests": ["Gaming", "Klatring"],
            "strengths": ["Tålmodig", "Punktlig"],
        },
        {
            "about_me": "Jeg har bodd i Norge i fire år og snakker norsk, arabisk og engelsk. Jeg vil jobbe i "
            "barnehage.",
            "skills": ["Passe barn", "Tolke for familien", "Matlaging"],
            "experience": [{"kind": "volunteering", "what": "Leksehjelp", "where": "Røde Kors", "when": "2025"}],
            "languages": [{"language": "Arabisk", "level": "morsmål"}, {"language": "Norsk", "level": "godt"}],
            "network": [{"name": "Søster", "relation": "søster", "support": "Hjelper meg med søknader"}],
        },
    ]
    plans = [
        {
            "main_goal": "Komme i lærlingplass som kokk innen høsten.",
            "sub_goals": ["Fullføre Vg2 som privatist", "Få arbeidspraksis på kjøkken"],
            "measures": [
                {"what": "Søke arbeidspraksis på kjøkken", "responsible": "primary_contact", "status": "in_progress"},
                {"what": "Melde meg opp til privatisteksamen", "responsible": "me"},
            ],
        },
        {
            "main_goal": "Begynne på Vg1 helse- og oppvekstfag.",
            "sub_goals": ["Søke skoleplass", "Ta førerkort klasse B"],
            "measures": [{"what": "Møte rådgiver på skolen", "responsible": "school", "status": "done"}],
        },
    ]
    return {
        "cv": [json.dumps(content.check("cv", c), ensure_ascii=False) for c in cvs],
        "plan": [json.dumps(content.check("plan", p), ensure_ascii=False) for p in plans],
    }


# --- building -------------------------------------------------------------------------------------


async def ensure_database(url: str) -> None:
    """A PostgreSQL database is made if it is missing (from the server's ``postgres`` database)."""
    from urllib.parse import urlsplit, urlunsplit

    import asyncpg

    try:
        connection = await asyncpg.connect(url)
    except asyncpg.InvalidCatalogNameError:
        parts = urlsplit(url)
        admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        try:
            await admin.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')
        finally:
            await admin.close()
    else:
        await connection.close()


async def build(url: str, plan: Plan, secret_key: str | None = None) -> tuple[Landmarks, dict[str, int], float]:
    """Migrate the database at ``url`` and fill it; answers the landmarks, the rows
    written per table and the seconds it took."""
    from argon2 import PasswordHasher

    from course import clock, db
    from course.piccolo_app import APP_CONFIG
    from course.settings import get_settings

    started = timer.perf_counter()
    is_sqlite = url.startswith("sqlite:///")
    if not is_sqlite:
        await ensure_database(url)
    with clock.frozen(datetime.combine(TODAY, time(12), OSLO)):
        engine = db.engine_from_url(url)
        db.use_engine(engine)
        await db.migrate()
        await db.close_pool(engine)  # SQLite's kept connections: the bulk writer takes the file alone
        tables = list(APP_CONFIG.table_classes)
        writer: Writer
        if is_sqlite:
            writer = SQLiteWriter(tables, db.sqlite_path(url))
        else:
            writer = PostgresWriter(tables, url)
            await writer.connect()
        _declare(writer)
        await writer.open()
        if await writer.scalar(f"SELECT count(*) FROM office WHERE code = '{DRAMMEN}'"):
            await writer.close()
            raise RuntimeError("the database already holds NAV Drammen: build into an empty one")
        country = Country(plan, writer, PasswordHasher().hash(PASSWORD), secret_key or get_settings().secret_key)
        try:
            await country.build()
        finally:
            await writer.close()
    return country.landmarks, {k: v for k, v in writer.counts.items() if v}, timer.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="sqlite:///path or postgresql://…/database (made if missing)")
    parser.add_argument("--years", type=int, default=10, help="years of NAV Drammen's history (1, 10, 50)")
    parser.add_argument("--national", action="store_true", help="and the rest of the country: 249 offices")
    parser.add_argument("--keep-all", action="store_true", help="erase nobody (no retention)")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    plan = Plan(years=args.years, national=args.national, keep_all=args.keep_all, seed=args.seed)
    landmarks, counts, seconds = asyncio.run(build(args.url, plan))
    for table, count in counts.items():
        print(f"{table:24} {count:>12,}")
    print(f"built in {seconds:.0f} s; landmarks: {landmarks}")


if __name__ == "__main__":
    main()
