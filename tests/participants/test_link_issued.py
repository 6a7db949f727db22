"""A new personal link is shown once with a QR code of the same link and a copy button
that only scripts reveal (js/copy.js, loaded only then)."""

from __future__ import annotations

import re

import segno

from tests.conftest import csrf_post
from tests.participants.helpers import enrolled, participant, running_cohort


def path_of(svg: str) -> str:
    return re.search(r' d="([^"]+)"', svg).group(1)


async def test_the_new_link_comes_with_its_qr_code_and_a_copy_button(client, world, login_as, api_as):
    leader, admin = await api_as("leader"), await api_as("admin")
    person = await participant(client, leader, world, name="Åsne Kjærsti Ødegård")
    await enrolled(client, leader, (await running_cohort(client, world, admin))["id"], person["id"])
    await login_as("leader")
    detail = f"/participants/{person['id']}"
    before = await client.get(detail)
    assert "copy.js" not in before.text and "data-copy" not in before.text

    shown = await csrf_post(client, f"{detail}/link", page=detail)
    assert shown.status_code == 200
    url = re.search(r'id="new-link">([^<]+)<', shown.text).group(1)
    svg = re.search(r'<svg [^>]*class="qr".*?</svg>', shown.text, re.S).group(0)
    assert 'role="img"' in svg and "<title>QR-kode for den personlige lenken</title>" in svg
    assert 'width="200" height="200"' in svg and "style=" not in svg
    # The code is the link's own: drawn again from the shown link, it is the same.
    again = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)
    assert path_of(svg) == path_of(again)

    head = shown.text.split("</head>", 1)[0]
    assert '<script src="/static/js/copy.js" defer></script>' in head
    button = re.search(r"<button [^>]*data-copy=\"new-link\"[^>]*>([^<]+)</button>", shown.text)
    assert button and button.group(1) == "Kopier lenken"
    assert " hidden>" in button.group(0) and 'data-copied="Kopiert"' in button.group(0)
    assert '<span id="new-link-status" role="status"></span>' in shown.text

    later = await client.get(detail)
    assert url not in later.text and 'class="qr"' not in later.text
    script = await client.get("/static/js/copy.js")
    assert script.status_code == 200 and "navigator.clipboard.writeText" in script.text
