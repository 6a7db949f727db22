"""After an action the next page says what happened, once; nobody can make it say
anything else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from course.web import flash
from tests.conftest import csrf_post

SECRET = "ø" * 40


@given(st.text(max_size=200))
def test_a_message_comes_back_only_with_its_own_mac(message):
    value = flash.encode(SECRET, message)
    assert flash.decode(SECRET, value) == message
    assert flash.decode("another secret that is long enough....", value) is None
    text, _, mac = value.partition(".")
    other = "0" if mac[-1] != "0" else "1"
    assert flash.decode(SECRET, f"{text}.{mac[:-1]}{other}") is None


@given(st.text(max_size=100))
def test_any_cookie_value_decodes_to_nothing_or_a_signed_message(value):
    assert flash.decode(SECRET, value) is None


async def test_the_next_page_says_what_happened_once(client, login_as):
    await login_as("admin")
    response = await csrf_post(client, "/admin/offices/new", {"code": "asker", "name": "NAV Asker – Ungdom"})
    assert response.status_code == 303 and response.headers["location"] == "/admin"
    cookie = response.cookies.get(flash.FLASH_COOKIE)
    assert cookie and "Asker" not in cookie and "opprettet" not in cookie
    assert "httponly" in response.headers["set-cookie"].lower()

    page = await client.get("/admin")
    assert page.status_code == 200
    assert '<div class="aksel-alert flash" data-color="success" role="status">' in page.text
    assert "Kontoret er opprettet." in page.text
    assert f"{flash.FLASH_COOKIE}=;" in page.headers["set-cookie"]
    client.cookies.delete(flash.FLASH_COOKIE)
    assert "Kontoret er opprettet." not in (await client.get("/admin")).text


async def test_a_forged_message_is_not_shown(client, login_as):
    await login_as("admin")
    client.cookies.set(flash.FLASH_COOKIE, flash.encode("not the server's secret, but long", "Ring 815 00 000 nå"))
    page = await client.get("/admin")
    assert "Ring 815 00 000" not in page.text and 'data-color="success"' not in page.text


async def test_an_htmx_partial_leaves_the_message_for_the_page(client, login_as):
    await login_as("admin")
    await csrf_post(client, "/admin/offices/new", {"code": "asker", "name": "NAV Asker – Ungdom"})
    partial = await client.get("/admin", headers={"HX-Request": "true"})
    assert flash.FLASH_COOKIE not in partial.headers.get("set-cookie", "")
