"""The evaluation form behind a participant's link, over HTTP: no login, errors that
link to the area, a confirmation, and a polite no to a second answer."""

from __future__ import annotations

from course.evaluations.tables import EvaluationAnswer, EvaluationComment
from tests.conftest import csrf_from
from tests.evaluations.test_api import opened_cohort, token_of
from tests.participants.helpers import shared_app as app  # noqa: F401  (one app for every test here)

FULL = {"benefit": "9", "next_step": "6", "atmosphere": "10", "leaders": "10", "participation": "8"}


async def test_the_form_takes_one_answer_and_then_says_thanks(client, world, as_):
    _, opened, _ = await opened_cohort(client, world, as_, people=1)
    path = f"/e/{token_of(opened['links'][0])}"
    client.headers.pop("Authorization", None)
    form = await client.get(path)
    assert form.status_code == 200 and "Hvordan var kurset?" in form.text
    assert form.text.count('type="radio"') == 55
    assert '<legend><span class="area-number">2.</span> Muligheter for å komme i tiltak etter kurset</legend>' in form.text
    token = csrf_from(form.text)

    missing = await client.post(path, data={**FULL, "next_step": "", "_csrf_token": token,
                                            "comment": "Bra kurs, men litt tidlig oppmøte på Åssiden."})
    assert missing.status_code == 422
    assert 'href="#next_step"' in missing.text and 'id="next_step"' in missing.text
    assert "Bra kurs, men litt tidlig oppmøte på Åssiden." in missing.text  # kept for the next try
    assert await EvaluationAnswer.count() == 0

    sent = await client.post(path, data={**FULL, "_csrf_token": token, "comment_benefit": "Lærte mye om meg selv."})
    assert sent.status_code == 200 and "Svaret ditt er mottatt" in sent.text
    assert (await EvaluationAnswer.select(EvaluationAnswer.next_step).first())["next_step"] == 6
    assert await EvaluationComment.count() == 1

    again = await client.get(path)
    assert again.status_code == 200 and "Du har allerede svart" in again.text
    twice = await client.post(path, data={**FULL, "_csrf_token": token})
    assert twice.status_code == 409 and "Du har allerede svart" in twice.text
    assert await EvaluationAnswer.count() == 1


async def test_an_unknown_link_shows_not_found(client, world):
    assert (await client.get("/e/" + "q" * 43)).status_code == 404
