"""The audit log as CSV for Norwegian Excel: the same events and the same access rules
as the data CSV, with Norwegian headings, actions in words and Oslo times."""

from __future__ import annotations

import csv
import io

from course.audit import services as audit
from course.privacy.audit_views import EXCEL_COLUMNS, EXCEL_PAGE
from course.web.i18n import gettext
from tests.conftest import EMAILS, web_login
from tests.privacy.test_audit_log import readings

API = "/api/v1/audit.csv"
BOM = "\ufeff"


def excel_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-type"].lower().count("charset") == 1
    assert 'filename="logg-excel.csv"' in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith(BOM) and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert {len(r) for r in rows} == {len(EXCEL_COLUMNS)}
    return rows


async def test_csv_for_excel_has_the_same_access_rules_as_the_data_csv(client, world, as_):
    _, asmund, admin = await readings(client, world, as_)
    for who in ("leader", "manager", "leader_b"):
        headers = await as_(who)
        for params in ({}, {"excel": "true"}):
            assert (await client.get(API, params=params, headers=headers)).status_code == 403, (who, params)
    for params in ({}, {"excel": "true"}):
        assert (await client.get(API, params=params)).status_code == 401
        gone = await client.get("/admin/audit.csv", params=params)
        assert gone.status_code in (302, 303) and gone.headers["location"].startswith("/login")
    for who in ("leader", "manager"):
        client.cookies.clear()
        await web_login(client, EMAILS[who])
        assert (await client.get("/admin/audit.csv", params={"excel": "1"})).status_code == 403, who

    rows = excel_rows(await client.get(API, params={"participant_id": asmund, "excel": "true"}, headers=admin))
    assert rows[0][:3] == ["Nr.", "Tid", "Hva"] and rows[0] == [gettext(c.label) for c in EXCEL_COLUMNS]
    assert len(rows) == 4  # registered, two reads: as in the data CSV
    assert {r[6] for r in rows[1:]} == {str(asmund)}
    assert "Åpnet deltakeren" in {r[2] for r in rows[1:]} and "Åse Ødegård" in {r[4] for r in rows[1:]}
    assert all(len(r[1]) == 19 and r[1][2] == "." and r[1][5] == "." for r in rows[1:])  # dd.mm.yyyy hh:mm:ss

    client.cookies.clear()
    await web_login(client, EMAILS["admin"])
    page = await client.get("/admin/audit", params={"participant_id": asmund})
    assert f'href="/admin/audit.csv?excel=1&amp;participant_id={asmund}"' in page.text
    assert page.text.index("audit.csv?excel=1") < page.text.index(f'audit.csv?participant_id={asmund}"')
    rows = excel_rows(
        await client.get(
            "/admin/audit.csv", params={"participant_id": asmund, "action": "participant_read", "excel": "1"}
        )
    )
    assert len(rows) == 3
    bad = await client.get("/admin/audit.csv", params={"from": "2027-02-30", "excel": "1"})
    assert bad.status_code == 422 and "attachment" not in bad.headers.get("content-disposition", "")


async def test_every_event_comes_once_however_many_pages(client, world, as_):
    admin = await as_("admin")
    for n in range(EXCEL_PAGE + 3):
        await audit.record("period_probe", actor=world.leader, details={"n": n, "note": "Blåbær; «søt»"})
    rows = excel_rows(await client.get(API, params={"action": "period_probe", "excel": "true"}, headers=admin))
    ids = [int(r[0]) for r in rows[1:]]
    assert len(ids) == EXCEL_PAGE + 3 == len(set(ids)) and ids == sorted(ids, reverse=True)
    assert all("Blåbær; «søt»" in r[10] for r in rows[1:])
