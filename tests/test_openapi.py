"""The API's contract as /schema/openapi.json states it: every request field typed,
the bearer scheme on every operation that needs a token, the error answers each
operation can give with the error body; and a body off the schema answered 400,
naming the field, before anything else is checked."""

from __future__ import annotations

import pytest

API = "/api/v1"
METHODS = {"get", "put", "post", "patch", "delete"}
# Open to anyone: logging in for a token, and answering an evaluation with a link's token.
OPEN = {("post", "/api/v1/auth/token"), ("post", "/api/v1/evaluations/{token}")}
TYPED = {"type", "$ref", "oneOf", "anyOf", "allOf", "enum", "const"}


@pytest.fixture
async def openapi(client) -> dict:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(openapi: dict):
    for path, item in openapi["paths"].items():
        if path.startswith(API):
            for method, operation in item.items():
                if method in METHODS:
                    yield method, path, operation


def resolve(openapi: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def untyped(openapi: dict, schema: dict, where: str, seen: set[str]) -> list[str]:
    """Every place under ``schema`` that says nothing of its type, $refs followed."""
    if ref := schema.get("$ref"):
        if ref in seen:
            return []
        seen.add(ref)
        schema = resolve(openapi, schema)
    if not TYPED & set(schema):
        return [where]
    found = []
    for key in ("oneOf", "anyOf", "allOf"):
        for part in schema.get(key, []):
            found += untyped(openapi, part, where, seen)
    for name, prop in schema.get("properties", {}).items():
        found += untyped(openapi, prop, f"{where}.{name}", seen)
    if isinstance(schema.get("items"), dict):
        found += untyped(openapi, schema["items"], f"{where}[]", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        found += untyped(openapi, schema["additionalProperties"], f"{where}{{}}", seen)
    return found


async def test_no_request_field_is_untyped(openapi):
    bodies, found = 0, []
    for method, path, operation in operations(openapi):
        for parameter in operation.get("parameters", []):
            found += untyped(openapi, parameter["schema"], f"{method} {path} {parameter['name']}", set())
        for media in operation.get("requestBody", {}).get("content", {}).values():
            bodies += 1
            found += untyped(openapi, media["schema"], f"{method} {path}", set())
    assert bodies > 30
    assert found == []


async def test_every_operation_but_the_open_ones_needs_a_bearer_token(openapi):
    assert openapi["components"]["securitySchemes"]["BearerToken"] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "description": "",
    }
    open_, token = set(), set()
    for method, path, operation in operations(openapi):
        if "security" in operation:
            assert operation["security"] == [{"BearerToken": []}], (method, path)
            token.add((method, path))
        else:
            open_.add((method, path))
    assert open_ == OPEN
    assert "security" not in openapi  # nothing for the whole document: the open ones need none
    assert len(token) > 60


def error_body_refs(openapi: dict, operation: dict) -> dict[int, str | None]:
    return {
        int(code): answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
        for code, answer in operation["responses"].items()
        if code.startswith("4")
    }


def role_guarded(app) -> set[tuple[str, str]]:
    """The API operations whose guards let only some roles in."""
    found = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            guards = [g for layer in handler.ownership_layers for g in (layer.guards or [])]
            if route.path.startswith(API) and any(g.__name__.startswith("roles_") for g in guards):
                found |= {(method.lower(), route.path_format) for method in handler.http_methods}
    return found


async def test_every_operation_documents_its_error_answers_with_the_error_body(app, openapi):
    schemas = openapi["components"]["schemas"]
    body = schemas["ErrorBody"]
    assert body["required"] == ["detail", "status_code"]
    assert body["properties"]["status_code"]["type"] == "integer"
    assert body["properties"]["detail"]["type"] == "string"
    assert resolve(openapi, body["properties"]["extra"]["items"])["properties"].keys() == {"key", "message"}
    by_role = role_guarded(app)
    assert len(by_role) > 40
    for method, path, operation in operations(openapi):
        errors = error_body_refs(openapi, operation)
        assert set(errors.values()) == {"#/components/schemas/ErrorBody"}, (method, path, errors)
        if (method, path) not in OPEN:
            assert 401 in errors, (method, path)
        if (method, path) in by_role:
            assert 403 in errors, (method, path)
        if operation.get("parameters") or operation.get("requestBody"):
            assert 400 in errors, (method, path)  # a path, query or body off the schema
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert 404 in errors, (method, path)
        # Only an operation that takes no input and is open to every signed-in role
        # has no answer but 401 to give.
        if set(errors) == {401}:
            assert (method, path) not in by_role and not operation.get("parameters"), (method, path)
            assert "requestBody" not in operation, (method, path)


def assert_names_the_field(response, key: str) -> None:
    assert response.status_code == 400, response.text
    answer = response.json()
    assert set(answer) == {"status_code", "detail", "extra"} and answer["status_code"] == 400
    assert [e["key"] for e in answer["extra"]] == [key], response.text
    assert all(e["message"] for e in answer["extra"])


async def test_a_wrong_json_type_is_400_naming_the_field_before_anything_is_looked_up(client, world, api_as):
    headers = await api_as("leader")
    # No cohort 1, enrolment 1 or participant 1 exists: the body is checked first.
    assert_names_the_field(
        await client.post(f"{API}/cohorts/1/enrolments", json={"participant_id": "en"}, headers=headers),
        "participant_id",
    )
    assert_names_the_field(
        await client.put(f"{API}/enrolments/1/cv", json={"content": {}, "version": "0"}, headers=headers), "version"
    )
    assert_names_the_field(
        await client.put(f"{API}/participants/1/category", json={"category": "3"}, headers=headers), "category"
    )
    assert_names_the_field(
        await client.patch(f"{API}/cohorts/1/sessions/2", json={"cancelled": 1}, headers=headers), "cancelled"
    )


async def test_off_the_schema_is_400_and_against_a_rule_is_422(client, world, api_as):
    from tests.cohorts.test_api import body

    headers = await api_as("leader")
    for changes, key in (
        ({"capacity": "tolv"}, "capacity"),
        ({"capacity": 31}, "capacity"),
        ({"weekdays": [2, 8]}, "weekdays.1"),
        ({"room": "Åsen"}, "room"),
    ):
        assert_names_the_field(await client.post(f"{API}/cohorts", json=body(world, **changes), headers=headers), key)
    missing = body(world)
    del missing["title"]
    assert_names_the_field(await client.post(f"{API}/cohorts", json=missing, headers=headers), "title")
    refused = await client.post(f"{API}/cohorts", json=body(world, variant="annen"), headers=headers)
    assert refused.status_code == 422 and [e["key"] for e in refused.json()["extra"]] == ["variant"]


async def test_the_body_is_checked_only_for_a_caller_who_may_call(client, world, api_as):
    assert (await client.post(f"{API}/cohorts/1/enrolments", json={"participant_id": "en"})).status_code == 401
    manager = await api_as("manager")
    forbidden = await client.post(f"{API}/cohorts/1/enrolments", json={"participant_id": "en"}, headers=manager)
    assert forbidden.status_code == 403
