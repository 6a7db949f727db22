"""The API answers errors in one language per request, chosen by Accept-Language
(nb or en, English when it names neither); the JSON shape stays the same."""

from __future__ import annotations

import pytest

from course.web.i18n import negotiate
from tests.participants.helpers import NAMES, as_, enrolled, participant, running_cohort  # noqa: F401 (fixture)


@pytest.mark.parametrize(
    "header, locale",
    [
        (None, "en"),
        ("", "en"),
        ("nb", "nb"),
        ("nb-NO,nb;q=0.9,en;q=0.8", "nb"),
        ("no", "nb"),
        ("nn-NO", "nb"),
        ("en-GB,en;q=0.9", "en"),
        ("en;q=0.4,nb;q=0.6", "nb"),
        ("de-DE,fr;q=0.8", "en"),
        ("nb;q=abc,en", "en"),
        ("*", "en"),
    ],
)
def test_negotiate(header, locale):
    assert negotiate(header) == locale


async def test_409_and_422_come_in_one_language_per_request(client, world, as_):  # noqa: F811 (fixture)
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin)
    person = await participant(client, leader, world, name=NAMES[0])
    await enrolled(client, leader, course["id"], person["id"])
    path = f"/api/v1/cohorts/{course['id']}/enrolments"
    again = {"participant_id": person["id"], "status": "enrolled"}
    bad = {"participant_id": person["id"], "status": "på vei"}
    for language, conflict, invalid in (
        ("nb", "Deltakeren er allerede på dette kurset.", "Ugyldig innhold: status"),
        ("en", "The participant is already on this cohort.", "Invalid input: status"),
    ):
        headers = {**leader, "Accept-Language": language}
        clash = await client.post(path, json=again, headers=headers)
        assert clash.status_code == 409 and clash.json()["detail"] == conflict, clash.text
        assert clash.json()["extra"] == [{"key": "participant_id", "message": conflict}]
        refused = await client.post(path, json=bad, headers=headers)
        assert refused.status_code == 422 and refused.json()["detail"] == invalid, refused.text
        assert clash.headers["content-language"] == refused.headers["content-language"] == language
    english = (await client.post(path, json=bad, headers={**leader, "Accept-Language": "en"})).json()
    norwegian = (await client.post(path, json=bad, headers={**leader, "Accept-Language": "nb"})).json()
    assert english["extra"][0]["message"] != norwegian["extra"][0]["message"]
    assert set(english) == set(norwegian) == {"status_code", "detail", "extra"}


async def test_a_body_off_its_schema_answers_400_in_the_same_language(client, world, as_):  # noqa: F811 (fixture)
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin)
    path = f"/api/v1/cohorts/{course['id']}/enrolments"
    wrong = {"participant_id": "en", "status": "enrolled"}
    for language, detail, message in (
        ("nb", "Ugyldig innhold: participant_id", "Passer ikke skjemaet"),
        ("en", "Invalid input: participant_id", "Expected `int`, got `str`"),
    ):
        response = await client.post(path, json=wrong, headers={**leader, "Accept-Language": language})
        assert response.status_code == 400 and response.json()["detail"] == detail, response.text
        assert response.headers["content-language"] == language
        [field] = response.json()["extra"]
        assert field["key"] == "participant_id" and field["message"].startswith(message)
