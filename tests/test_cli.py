"""The kjk command, run as a real process against each engine."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from course.accounts.tables import Office, StaffUser
from course.demo import DEMO_PASSWORD, USERS

# `python -m course …` with the one clock stopped at the day given as the first argument.
# The context manager is kept in a name: dropped, its generator would be closed at
# once and the clock run on.
ON_A_DAY = (
    "import sys; from datetime import date; from course import clock; from course.cli import main; "
    "stopped = clock.frozen(date.fromisoformat(sys.argv.pop(1))); stopped.__enter__(); raise SystemExit(main())"
)


def kjk(
    database_url: str | None,
    *args: str,
    stdin: str = "",
    env: dict | None = None,
    tmp=None,
    today: date | None = None,
):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
    environment["KJK_SECRET_KEY"] = "c" * 40
    environment["KJK_VAR_DIR"] = str(tmp) if tmp else os.environ["KJK_VAR_DIR"]
    if database_url:
        environment["KJK_DATABASE_URL"] = database_url
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "course", *args]
        if today is None
        else [sys.executable, "-c", ON_A_DAY, today.isoformat(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


async def test_office_and_user_add(database):
    result = kjk(database.url, "office", "add", "kongsberg", "NAV Kongsberg – Ungdom")
    assert result.returncode == 0, result.stderr
    result = kjk(
        database.url,
        "user",
        "add",
        "--email",
        "Øyvind@Kongsberg.no",
        "--name",
        "Øyvind Sæther",
        "--role",
        "manager",
        "--office",
        "kongsberg",
        "--password-stdin",
        stdin="et-langt-passord\n",
    )
    assert result.returncode == 0, result.stderr
    assert "øyvind@kongsberg.no" in result.stdout
    row = await StaffUser.select(StaffUser.name, StaffUser.role, StaffUser.password_hash).first()
    assert row["name"] == "Øyvind Sæther" and row["role"] == "manager"
    assert row["password_hash"].startswith("$argon2id$")


async def test_user_add_rejects_bad_input_in_norwegian(database):
    kjk(database.url, "office", "add", "lier", "NAV Lier")
    result = kjk(
        database.url,
        "user",
        "add",
        "--email",
        "x@lier.no",
        "--name",
        "X",
        "--role",
        "leader",
        "--office",
        "finnes-ikke",
        "--password-stdin",
        stdin="kort\n",
    )
    assert result.returncode == 1
    assert "password: Passordet må være minst 12 tegn." in result.stderr
    assert "office: Velg et kontor som finnes." in result.stderr
    assert "Traceback" not in result.stderr
    assert await StaffUser.count() == 0


async def test_unknown_role_is_refused_by_the_parser(database):
    result = kjk(
        database.url,
        "user",
        "add",
        "--email",
        "x@y.no",
        "--name",
        "X",
        "--role",
        "boss",
        "--office",
        "a",
        "--password-stdin",
    )
    assert result.returncode == 2 and "--role" in result.stderr


async def test_demo_is_idempotent_with_norwegian_names(database):
    first = kjk(database.url, "demo")
    assert first.returncode == 0, first.stderr
    assert "Siv Ødegård" in first.stdout and DEMO_PASSWORD in first.stdout
    second = kjk(database.url, "demo")
    assert second.returncode == 0
    assert (
        "0 nye kontorer, 0 nye brukere, 0 nye kurs, 0 nye deltakere, 0 tidligere kurs med evaluering, 0 påbegynte CV-er"
    ) in second.stdout
    from course.cohorts.tables import Cohort, Session
    from course.documents.tables import DocumentVersion
    from course.evaluations.tables import (
        Evaluation,
        EvaluationPending,
        EvaluationRemark,
        EvaluationResponse,
        EvaluationSeal,
        EvaluationTicket,
    )

    # Three running or coming cohorts, and six finished ones with their evaluations:
    # closed, their answers written out as scores and comments, and no links kept.
    assert await Cohort.count() == 9 and await Session.count() == 72
    evaluations = await Evaluation.select(Evaluation.cohort, Evaluation.closed_at, Evaluation.invited)
    assert len(evaluations) == 6 and all(e["closed_at"] is not None and e["invited"] == 9 for e in evaluations)
    answers = await EvaluationResponse.select(EvaluationResponse.cohort)
    per_cohort = {e["cohort"]: sum(1 for a in answers if a["cohort"] == e["cohort"]) for e in evaluations}
    assert all(3 <= n <= 9 for n in per_cohort.values()), per_cohort  # each cohort counts in the reports
    assert len(answers) == sum(per_cohort.values())
    assert await EvaluationRemark.count().where(EvaluationRemark.status == "shown") == 6 * 2
    assert await EvaluationTicket.count() == 0 and await EvaluationSeal.count() == 0
    assert await EvaluationPending.count() == 0
    assert await DocumentVersion.count() == 3
    assert await StaffUser.count() == len(USERS)
    assert await Office.count() == 2
    roles = {r["role"] for r in await StaffUser.select(StaffUser.role)}
    assert roles == {"leader", "manager", "admin"}


def test_migrate_from_empty_then_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'ny.sqlite'}"
    first = kjk(url, "migrate", tmp=tmp_path)
    assert first.returncode == 0 and "Migrering brukt" in first.stdout
    second = kjk(url, "migrate", tmp=tmp_path)
    assert second.returncode == 0 and "Migrering brukt" not in second.stdout


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"KJK_DATABASE_URL": "mysql://localhost/kjk"}, "KJK_DATABASE_URL"),
        ({"KJK_SECRET_KEY": "kort"}, "KJK_SECRET_KEY"),
        ({"KJK_BASE_URL": "kurs.nav.no"}, "KJK_BASE_URL"),
        ({"KJK_TRUSTED_PROXIES": "10.0.0.1, proxy.nav.no"}, "KJK_TRUSTED_PROXIES"),
    ],
)
def test_configuration_errors_are_one_clear_line(tmp_path, env, expected):
    result = kjk(None, "migrate", env=env, tmp=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.stderr


def test_unreachable_postgres_is_one_clear_line(tmp_path):
    result = kjk("postgresql://postgres@127.0.0.1:1/none", "migrate", tmp=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "databasen" in result.stderr


def test_secret_key_is_generated_once_with_owner_only_permissions(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
    env["KJK_VAR_DIR"] = str(tmp_path)
    code = "from course.settings import get_settings; print(get_settings().secret_key)"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("workers", ["0", "-1", "to", "1.5", "65"])
def test_serve_refuses_a_bad_number_of_workers(tmp_path, workers):
    result = kjk(f"sqlite:///{tmp_path / 'kjk.sqlite'}", "serve", "--workers", workers, tmp=tmp_path)
    assert result.returncode == 2
    assert "--workers" in result.stderr and "må være et helt tall fra 1 til 64" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "kjk.sqlite").exists()


def test_serve_takes_one_process_on_sqlite(tmp_path):
    result = kjk(f"sqlite:///{tmp_path / 'kjk.sqlite'}", "serve", "--workers", "2", tmp=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--workers 2" in lines[0] and "SQLite" in lines[0] and "PostgreSQL" in lines[0]
    assert not (tmp_path / "kjk.sqlite").exists()  # refused before anything was done
