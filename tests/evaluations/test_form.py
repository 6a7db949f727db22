"""The evaluation form behind a participant's link, over HTTP: no login, errors that
link to the area, a confirmation, a polite no to a second answer, and a closed page
once the evaluation has closed."""

from __future__ import annotations

from course.evaluations.tables import EvaluationPending, EvaluationRemark, EvaluationResponse, EvaluationTicket
from course.tokens import digest
from course.web.i18n import gettext
from tests.conftest import csrf_from
from tests.evaluations.helpers import SCORES, after_closing, answer, close, opened_cohort, token_of

FULL = {"benefit": "9", "next_step": "6", "atmosphere": "10", "leaders": "10", "participation": "8"}
CLOSED = gettext("The evaluation has closed")


async def test_the_form_takes_one_answer_and_then_says_thanks(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=3)
    path = f"/e/{token_of(opened['links'][0])}"
    form = await client.get(path)
    assert form.status_code == 200 and "Hvordan var kurset?" in form.text
    assert form.text.count('type="radio"') == 55
    assert (
        '<legend><span class="area-number">2.</span> Muligheter for å komme i tiltak etter kurset</legend>' in form.text
    )
    token = csrf_from(form.text)

    missing = await client.post(
        path,
        data={
            **FULL,
            "next_step": "",
            "_csrf_token": token,
            "comment": "Bra kurs, men <b>litt</b> tidlig oppmøte på Åssiden.",
        },
    )
    assert missing.status_code == 422
    assert 'href="#next_step"' in missing.text and 'id="next_step"' in missing.text
    # Kept for the next try, as text.
    assert "Bra kurs, men &lt;b&gt;litt&lt;/b&gt; tidlig oppmøte på Åssiden." in missing.text
    assert "<b>litt</b>" not in missing.text
    assert 'id="benefit-9" name="benefit" value="9" checked' in missing.text
    assert await EvaluationPending.count() == 0

    sent = await client.post(path, data={**FULL, "_csrf_token": token, "comment_benefit": "Lærte mye om meg selv."})
    # Post/redirect/get: the thank-you is a page of its own, so Back or a reload sends nothing again.
    assert sent.status_code == 303 and sent.headers["location"] == "/evaluation/thanks"
    thanks = await client.get(sent.headers["location"])
    assert thanks.status_code == 200 and "Svaret ditt er mottatt" in thanks.text
    assert "Lærte" not in thanks.text  # nothing of the answer
    assert await EvaluationPending.count() == 1  # kept encrypted until the evaluation closes

    again = await client.get(path)
    assert again.status_code == 200 and "Du har allerede svart" in again.text
    twice = await client.post(path, data={**FULL, "_csrf_token": token})
    assert twice.status_code == 409 and "Du har allerede svart" in twice.text
    assert await EvaluationPending.count() == 1

    for link in opened["links"][1:]:
        await answer(client, link)
    await close(client, await as_("leader"), course["id"])
    assert sorted(r["next_step"] for r in await EvaluationResponse.select(EvaluationResponse.next_step)) == [6, 7, 7]
    assert [r["text"] for r in await EvaluationRemark.select(EvaluationRemark.text)] == ["Lærte mye om meg selv."]


async def test_an_unknown_link_shows_not_found(client, world):
    assert (await client.get("/e/" + "q" * 43)).status_code == 404


async def test_an_answer_without_the_csrf_token_stores_nothing(client, world, as_):
    _, opened, _ = await opened_cohort(client, world, as_, people=1)
    path = f"/e/{token_of(opened['links'][0])}"
    await client.get(path)
    assert (await client.post(path, data=FULL)).status_code == 403
    assert (await client.post(path, data={**FULL, "_csrf_token": "forged" * 10})).status_code == 403
    assert await EvaluationPending.count() == 0
    assert not (await EvaluationTicket.select(EvaluationTicket.used).first())["used"]
    form = await client.get(path)
    assert form.status_code == 200 and "Hvordan var kurset?" in form.text  # the link still works


async def test_once_closed_by_hand_every_link_shows_the_closed_page(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=4)
    late = f"/e/{token_of(opened['links'][3])}"
    token = csrf_from((await client.get(late)).text)  # the form was opened before it closed
    for link in opened["links"][:3]:
        await answer(client, link)
    await close(client, await as_("leader"), course["id"])

    for link in opened["links"]:  # used or not
        page = await client.get(f"/e/{token_of(link)}")
        assert page.status_code == 410 and CLOSED in page.text
        assert gettext("This evaluation no longer takes answers. Thank you all the same!") in page.text
        assert 'type="radio"' not in page.text
    sent = await client.post(late, data={**FULL, "_csrf_token": token})
    assert sent.status_code == 410 and CLOSED in sent.text and "Svaret ditt er mottatt" not in sent.text
    assert await EvaluationResponse.count() == 3 and await EvaluationPending.count() == 0


async def test_a_form_sent_the_day_after_the_closing_day_is_refused(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=3)
    path = f"/e/{token_of(opened['links'][0])}"
    with after_closing(course, days=0):  # the closing day itself still takes answers
        form = await client.get(path)
        assert form.status_code == 200 and "Hvordan var kurset?" in form.text
        token = csrf_from(form.text)
    with after_closing(course):
        sent = await client.post(path, data={**FULL, "_csrf_token": token})
        assert sent.status_code == 410 and CLOSED in sent.text
    assert await EvaluationPending.count() == 0 and await EvaluationResponse.count() == 0


async def test_no_more_answers_through_the_form_than_participants(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=3)
    extra = await client.post(f"/api/v1/cohorts/{course['id']}/evaluation/slips", headers=await as_("leader"))
    assert extra.status_code == 201
    for link in opened["links"]:
        await answer(client, link)
    path = f"/e/{token_of(extra.json())}"
    form = await client.get(path)
    assert form.status_code == 200
    sent = await client.post(path, data={**FULL, "_csrf_token": csrf_from(form.text)})
    assert sent.status_code == 409 and "Svaret ditt er mottatt" not in sent.text
    assert await EvaluationPending.count() == 3
    assert not (
        await EvaluationTicket.select(EvaluationTicket.used)
        .where(EvaluationTicket.token_hash == digest(token_of(extra.json())))
        .first()
    )["used"]


async def test_a_full_evaluation_says_so_rather_than_already_answered(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=1)
    extra = (await client.post(f"/api/v1/cohorts/{course['id']}/evaluation/slips", headers=await as_("leader"))).json()
    await answer(client, opened["links"][0])
    page = await client.get(f"/e/{token_of(extra)}")
    data = {area: "7" for area in SCORES} | {"_csrf_token": csrf_from(page.text)}
    response = await client.post(f"/e/{token_of(extra)}", data=data)
    assert response.status_code == 409 and "Alle har svart" in response.text and "allerede" not in response.text
