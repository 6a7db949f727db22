"""Times the resource CV, the action plan and a cohort's ZIP as PDFs, each beside a
bare WeasyPrint render of an HTML page of the same size, in one run.

The real server on SQLite with the demo data plus a cohort of 12 whose CVs and plans
are filled in. Measured:
  bare page      WeasyPrint alone, in this process: a plain HTML page holding the same
                 text as the document (default fonts, no stylesheet, no fetcher)
  cv, plan       GET /api/v1/enrolments/{id}/cv.pdf and …/plan.pdf: access checks,
                 template, render in the app's process pool, response
  zip of 12      GET /api/v1/cohorts/{id}/documents.zip: 24 PDFs one after another in the
                 ZIPs' renderer, against 24 bare pages
  page during    a static file's latency while the ZIP renders, against the file alone:
                 rendering runs in the pool, so the event loop keeps answering
  cv during zip  another user's single CV (the cohort's other leader, another
                 participant's) while the ZIP of 12 renders, against the same CV alone,
                 interleaved round by round: a ZIP renders in a pool of its own at a
                 lower CPU priority, so a CV never waits behind its 24 PDFs (goal: 2×)
Prints medians and ratios. Usage: python bench/documents.py [rounds]
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import statistics
import sys
import time
from datetime import timedelta

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import PASSWORD, demo_server
from course import clock

LEADER = "kjaersti.haland@demo.kjk.no"
OTHER = "pal.kvaerne@demo.kjk.no"  # the measurement cohort's other leader
TITLE = "Klart jeg kan – målegruppe"
PEOPLE = 12
CV = {
    "about_me": "Jeg er 19 år og bor på Lierbyen. Jeg liker å jobbe med hendene, og jeg er god til å hjelpe "
    "andre når de står fast. Jeg har vært hjemme et år, og nå vil jeg videre.",
    "skills": ["Matlaging for mange", "Reparere sykler", "Word og Excel", "Kundeservice", "Passe barn"],
    "experience": [
        {"kind": "work", "what": "Butikkmedarbeider", "where": "Rema 1000 Åssiden", "when": "2024–2025"},
        {"kind": "volunteering", "what": "Kiosk på fotballkamper", "where": "Lier IL", "when": "2023"},
        {"kind": "home", "what": "Passet småsøsken hver ettermiddag", "where": "", "when": "2020–2024"},
        {"kind": "school", "what": "Vg1 Restaurant- og matfag", "where": "Lier vgs", "when": "2022–2023"},
    ],
    "roles": ["Storesøster", "Lagkamerat", "Venn som lytter"],
    "interests": ["Fotball", "Strikking", "Gaming", "Tur i skogen"],
    "strengths": ["Tålmodig", "Punktlig", "God til å lytte", "Ærlig", "Rolig under press"],
    "improve": ["Snakke foran andre", "Norsk skriftlig", "Si ifra når noe er vanskelig"],
    "network": [
        {"name": "Mamma", "relation": "mor", "support": "Hjelper meg å stå opp om morgenen"},
        {"name": "Øystein", "relation": "fotballtrener", "support": "Har tro på meg"},
        {"name": "Åse", "relation": "primærkontakt i NAV", "support": "Følger meg opp"},
    ],
    "education": [{"what": "Vg1 Restaurant- og matfag", "where": "Lier vgs", "when": "2022–2023"}],
    "languages": [{"language": "Norsk", "level": "morsmål"}, {"language": "Engelsk", "level": "godt"}],
    "driving_licence": "Øver til klasse B",
    "references": [{"name": "Kari Ærø", "relation": "butikksjef", "phone": "912 34 567"}],
}


def plan(n: int) -> dict:
    return {
        "main_goal": "Komme i lærlingplass som kokk innen høsten 2027.",
        "sub_goals": ["Fullføre Vg2 som privatist", "Få arbeidspraksis på kjøkken", "Ta førerkort klasse B"],
        "measures": [
            {
                "what": f"Søke praksisplass hos restaurant {i + 1} på Bragernes og følge opp søknaden",
                "responsible": ("me", "primary_contact", "nav", "school")[i % 4],
                "deadline": (clock.today() + timedelta(weeks=i + 1)).isoformat(),
                "status": ("planned", "in_progress", "done")[i % 3],
            }
            for i in range(n)
        ],
        "follow_up_date": (clock.today() + timedelta(weeks=2)).isoformat(),
        "follow_up_how": "På NAV-kontoret",
        "agreed_date": clock.today().isoformat(),
    }


async def seed() -> None:
    from course import demo
    from course.cli import _with_database
    from course.cohorts import services as cohorts
    from course.documents import services as documents
    from course.participants import services as people
    from course.settings import get_settings

    async def work():
        staff = await demo._staff(LEADER)
        other = await demo._staff(OTHER)
        start = clock.today() + timedelta(weeks=10)
        cohort = await cohorts.create_cohort(
            staff,
            cohorts.CohortInput(
                title=TITLE,
                variant="kjk",
                start_date=(start - timedelta(days=start.weekday())).isoformat(),
                weekdays=[1, 3],
                start_time="09:30",
                end_time="14:00",
                location="Lierbyen, kursrom Bøgda",
                leader_ids=[staff.id, other.id],
                capacity=PEOPLE,
                office_id=staff.office_id,
            ),
        )
        for i in range(PEOPLE):
            person = await people.create_participant(
                staff,
                people.ParticipantInput(
                    name=f"{demo.FIRST_NAMES[i]} {demo.LAST_NAMES[i]}",
                    birth_year=2006,
                    primary_contact_id=staff.id,
                    consent=people.ConsentInput(
                        scopes=["participation", "sharing", "evaluation"], date=clock.today().isoformat()
                    ),
                ),
            )
            enrolment = await people.enrol(staff, cohort.id, person.id)
            actor = documents.Actor(staff=staff)
            await documents.save_document(actor, enrolment.id, "cv", CV)
            await documents.save_document(actor, enrolment.id, "plan", plan(12))

    await _with_database(get_settings(), work)


def bare_html(document_html: str) -> str:
    """A plain page with the same text: every text node as a paragraph."""
    body = re.sub(r"(?s)<style.*?</style>|<head.*?</head>", "", document_html)
    text = [t.strip() for t in re.split(r"<[^>]+>", body) if t.strip()]
    return "<html><body>" + "".join(f"<p>{html.escape(html.unescape(t))}</p>" for t in text) + "</body></html>"


def bare_render(page: str) -> float:
    from weasyprint import HTML

    start = time.perf_counter()
    HTML(string=page).write_pdf()
    return time.perf_counter() - start


async def measure(base: str, rounds: int) -> dict[str, float]:
    from course.documents import services
    from course.documents.content import check

    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        token = (await client.post("/api/v1/auth/token", json={"email": LEADER, "password": PASSWORD})).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        cohort = next(c for c in (await client.get("/api/v1/cohorts")).json() if c["title"] == TITLE)
        roster = (await client.get(f"/api/v1/cohorts/{cohort['id']}/enrolments")).json()
        enrolment = roster[0]["enrolment_id"]

        # The bare pages hold the same text as the documents rendered by the app.
        pages = {}
        for kind, content in (("cv", check("cv", CV)), ("plan", check("plan", plan(12)))):
            doc = services.DocumentOut(enrolment, kind, 1, None, None, roster[0]["participant"]["name"], TITLE, content)
            pages[kind] = bare_html(
                services.document_html(
                    doc, {"primary_contact": "Kjærsti Håland", "variant": "kjk", "start_date": None, "end_date": None}
                )
            )

        async def timed(path: str) -> float:
            start = time.perf_counter()
            response = await client.get(path)
            assert response.status_code == 200, response.text
            return time.perf_counter() - start

        for _ in range(3):  # warm up: the pool's workers start and load their fonts
            await timed(f"/api/v1/enrolments/{enrolment}/cv.pdf")
            bare_render(pages["cv"])
        samples: dict[str, list[float]] = {k: [] for k in ("bare cv", "cv", "bare plan", "plan")}
        for _ in range(rounds):
            samples["bare cv"].append(bare_render(pages["cv"]))
            samples["cv"].append(await timed(f"/api/v1/enrolments/{enrolment}/cv.pdf"))
            samples["bare plan"].append(bare_render(pages["plan"]))
            samples["plan"].append(await timed(f"/api/v1/enrolments/{enrolment}/plan.pdf"))
        zips, bare24 = [], []
        for _ in range(max(3, rounds // 5)):
            zips.append(await timed(f"/api/v1/cohorts/{cohort['id']}/documents.zip"))
            start = time.perf_counter()
            for _ in range(PEOPLE):
                bare_render(pages["cv"])
                bare_render(pages["plan"])
            bare24.append(time.perf_counter() - start)

        alone = [await timed("/static/css/app.css") for _ in range(50)]
        during: list[float] = []
        task = asyncio.create_task(timed(f"/api/v1/cohorts/{cohort['id']}/documents.zip"))
        await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=base, timeout=30) as other:
            while not task.done():
                start = time.perf_counter()
                await other.get("/static/css/app.css")
                during.append(time.perf_counter() - start)
                await asyncio.sleep(0.01)
        await task

        # Another user's CV while the ZIP renders, and alone, round after round.
        async with httpx.AsyncClient(base_url=base, timeout=120) as other:
            answer = await other.post("/api/v1/auth/token", json={"email": OTHER, "password": PASSWORD})
            other.headers["Authorization"] = f"Bearer {answer.json()['token']}"
            their_cv = f"/api/v1/enrolments/{roster[1]['enrolment_id']}/cv.pdf"

            async def theirs() -> float:
                start = time.perf_counter()
                response = await other.get(their_cv)
                assert response.status_code == 200, response.text
                return time.perf_counter() - start

            await theirs()
            cv_alone, cv_during, per_round = [], [], []
            for _ in range(max(3, rounds // 3)):
                alone_now = await theirs()
                task = asyncio.create_task(timed(f"/api/v1/cohorts/{cohort['id']}/documents.zip"))
                await asyncio.sleep(0.5)  # the ZIP is rendering by now
                during_now = []
                while not task.done():
                    during_now.append(await theirs())
                    await asyncio.sleep(0.1)
                await task
                cv_alone.append(alone_now)
                cv_during += during_now
                per_round.append(statistics.median(during_now) / alone_now)
    result = {name: statistics.median(s) for name, s in samples.items()}
    result["cv alone"] = statistics.median(cv_alone)
    result["cv during zip"] = statistics.median(cv_during)
    result["slowest cv during zip"] = max(cv_during)
    result["ratio per round"] = statistics.median(per_round)
    result["worst round"] = max(per_round)
    result["bare 24 pages"] = statistics.median(bare24)
    result["zip of 12"] = statistics.median(zips)
    result["file alone"] = statistics.median(alone)
    result["file during zip"] = statistics.median(during)
    return result


def main() -> None:
    if sys.argv[1:] == ["--seed"]:
        asyncio.run(seed())
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with demo_server(seed=[sys.executable, os.path.abspath(__file__), "--seed"]) as base:
        r = asyncio.run(measure(base, rounds))
    print(f"{'what':22} {'median ms':>10} {'× baseline':>11}")
    for name, baseline in (
        ("cv", "bare cv"),
        ("plan", "bare plan"),
        ("zip of 12", "bare 24 pages"),
        ("file during zip", "file alone"),
        ("cv during zip", "cv alone"),
        ("slowest cv during zip", "cv alone"),
    ):
        print(f"{baseline:22} {r[baseline] * 1000:10.1f} {1.0:11.1f}")
        print(f"{name:22} {r[name] * 1000:10.1f} {r[name] / r[baseline]:11.2f}")
    print(
        f"\nanother user's CV during a ZIP / alone, round by round: median {r['ratio per round']:.2f}×, "
        f"worst round {r['worst round']:.2f}×"
    )


if __name__ == "__main__":
    main()
