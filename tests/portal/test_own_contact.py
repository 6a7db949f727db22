"""The participant corrects their own contact details on their own page: phone, e-mail
and the channel they would rather be reached by, checked as on the staff's form,
written under their lock and audited by field name only. Consent to be contacted is
shown there, never given there."""

from __future__ import annotations

import json

from course.audit.tables import AuditEvent
from course.participants.tables import Participant
from tests.conftest import csrf_from
from tests.participants.helpers import consent, participant


async def own_link(client, headers, person: dict) -> str:
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=headers)
    assert link.status_code == 201, link.text
    return link.json()["url"].rsplit("/p/", 1)[1]


async def send(client, token: str, **values):
    page = await client.get(f"/p/{token}")
    return await client.post(f"/p/{token}/contact", data={**values, "_csrf_token": csrf_from(page.text)})


async def details_of(participant_id: int) -> dict:
    return (
        await Participant.select(Participant.phone, Participant.email, Participant.preferred_channel)
        .where(Participant.id == participant_id)
        .first()
    )


async def test_the_participant_corrects_phone_e_mail_and_channel(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Sølvi Åkerø Dæhli")
    token = await own_link(client, leader, person)
    page = (await client.get(f"/p/{token}")).text
    section = page.split('id="contact"', 1)[1].split("</section>", 1)[0]
    assert "Kontaktinformasjon" in section and f'action="/p/{token}/contact"' in section
    assert 'value="+4791234567"' in section and '<option value="sms" selected>SMS</option>' in section
    assert "Å få påminnelser og beskjeder på SMS: <strong>Nei</strong>" in section
    assert 'name="scopes"' not in page  # consent is recorded by staff, not here

    saved = await send(client, token, phone="987 65 432", email="Sølvi.Dæhli@Eksempel.NO", preferred_channel="email")
    assert saved.status_code == 303 and saved.headers["location"] == f"/p/{token}#contact"
    shown = await client.get(saved.headers["location"])
    assert "Lagret." in shown.text and '<option value="email" selected>E-post</option>' in shown.text
    assert "Lagret." not in (await client.get(f"/p/{token}")).text  # shown once
    assert await details_of(person["id"]) == {
        "phone": "98765432",
        "email": "sølvi.dæhli@eksempel.no",
        "preferred_channel": "email",
    }
    # The staff see the correction.
    out = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert (out["phone"], out["preferred_channel"]) == ("98765432", "email")

    # Audited: which fields, by the participant, never the number or the address.
    [event] = await AuditEvent.select().where(
        AuditEvent.action == "participant_updated", AuditEvent.participant == person["id"]
    )
    details = event["details"] if isinstance(event["details"], dict) else json.loads(event["details"])
    assert event["actor"] is None and event["office"] == world.office_a
    assert details == {
        "participant": person["id"],
        "fields": ["email", "phone", "preferred_channel"],
        "by": "participant",
    }
    assert "98765432" not in json.dumps(details) and "eksempel" not in json.dumps(details).lower()

    # Saving what is already there writes nothing more.
    again = await send(client, token, phone="98765432", email="sølvi.dæhli@eksempel.no", preferred_channel="email")
    assert again.status_code == 303
    assert await AuditEvent.count().where(AuditEvent.action == "participant_updated") == 1


async def test_bad_details_are_refused_naming_the_field_and_kept_in_the_form(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Håvard Ødegård")
    token = await own_link(client, leader, person)
    for values, fields in (
        ({"phone": "12", "email": "", "preferred_channel": "sms"}, ["phone"]),
        ({"phone": "", "email": "ikke-en-adresse", "preferred_channel": "sms"}, ["email"]),
        ({"phone": "", "email": "", "preferred_channel": "brevdue"}, ["preferred_channel"]),
    ):
        refused = await send(client, token, **values)
        assert refused.status_code == 422, values
        for field in fields:
            assert f'href="#{field}"' in refused.text, values
        if values["email"]:
            assert f'value="{values["email"]}"' in refused.text
    assert await details_of(person["id"]) == {"phone": "+4791234567", "email": "", "preferred_channel": "sms"}
    assert await AuditEvent.count().where(AuditEvent.action == "participant_updated") == 0


async def test_the_form_needs_its_token_and_a_link_in_force(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Åse Lærum")
    token = await own_link(client, leader, person)
    forged = await client.post(f"/p/{token}/contact", data={"phone": "98765432", "preferred_channel": "sms"})
    assert forged.status_code == 403
    unknown = await client.post("/p/ukjent-lenke/contact", data={"phone": "98765432", "preferred_channel": "sms"})
    assert unknown.status_code in (403, 404)
    page = await client.get(f"/p/{token}")
    assert (await client.delete(f"/api/v1/participants/{person['id']}/link", headers=leader)).status_code == 204
    gone = await client.post(
        f"/p/{token}/contact",
        data={"phone": "98765432", "preferred_channel": "sms", "_csrf_token": csrf_from(page.text)},
    )
    assert gone.status_code == 410
    assert (await details_of(person["id"]))["phone"] == "+4791234567"


async def test_the_own_page_shows_the_contact_consent_staff_recorded(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Bjørnar Ås")
    given = await consent(client, leader, person["id"], "given", ["participation", "contact_sms", "contact_email"])
    assert given.status_code == 201
    withdrawn = await consent(client, leader, person["id"], "withdrawn", ["contact_email"])
    assert withdrawn.status_code == 201
    token = await own_link(client, leader, person)
    page = (await client.get(f"/p/{token}")).text
    section = page.split('id="contact"', 1)[1].split("</section>", 1)[0]
    assert "Å få påminnelser og beskjeder på SMS: <strong>Ja</strong>" in section
    assert "Å få påminnelser og beskjeder på e-post: <strong>Nei</strong>" in section
    assert "Vil du endre samtykket" in section
    consents = page.split('id="consents"', 1)[1].split("</section>", 1)[0]
    assert "Å få påminnelser og beskjeder på SMS: Ja" in consents
    assert consents.count("Jeg vil få påminnelser og beskjeder om kurset") == 1  # one text for both boxes
