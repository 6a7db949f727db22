"""Schemathesis over the whole API, on both engines: every operation of the OpenAPI
document called with examples made from its schema (valid ones and ones off it), as an
admin with a real token, over a cohort with a participant; no answer may be a server
error. A few examples each keep the suite quick; KJK_FUZZ_EXAMPLES=300 tries many more:

    KJK_FUZZ_EXAMPLES=300 .venv/bin/python -m pytest -q -p no:randomly tests/test_api_fuzz.py
"""

from __future__ import annotations

import json
import os

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis.internal.conjecture import utils as conjecture_utils
from schemathesis.checks import not_a_server_error
from schemathesis.internal.checks import CheckContext

from tests.documents.conftest import cohort_with, today  # noqa: F401 (the clock of the documents' tests)


def _more(self) -> bool:
    """``many.more()``, the loop hypothesis-jsonschema (0.23) draws an object's keys with,
    as the Hypothesis installed here spells it: ``with many(…) as e: for _ in e:``."""
    steps = self.__dict__.get("_steps")
    if steps is None:
        steps = self._steps = iter(self.__enter__())
    if next(steps, False) is None:
        return True
    self.__exit__(None)
    return False


if not hasattr(conjecture_utils.many, "more"):
    conjecture_utils.many.more = _more  # type: ignore[attr-defined]

EXAMPLES = int(os.environ.get("KJK_FUZZ_EXAMPLES", "10"))
BASE = "http://testserver.local"


def cases_for(operation, examples: int) -> list:
    """The operation's examples, the same on every run (derandomized), drawn without sending."""
    found: list = []

    @hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def draw(case):
        found.append(case)

    draw()
    return found


def request_kwargs(case, headers: dict[str, str]) -> dict:
    """The case as httpx takes it (schemathesis gives it as requests takes it)."""
    kwargs = case.as_transport_kwargs(base_url=BASE, headers=headers)
    out = {"method": kwargs["method"], "url": kwargs["url"], "headers": {**(kwargs.get("headers") or {}), **headers}}
    if kwargs.get("params"):
        out["params"] = kwargs["params"]
    if "json" in kwargs:
        out["content"] = json.dumps(kwargs["json"]).encode()
    elif isinstance(kwargs.get("data"), (bytes, str)):
        out["content"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        out["data"] = kwargs["data"]
    if kwargs.get("cookies"):
        out["cookies"] = kwargs["cookies"]
    return out


async def test_no_operation_answers_a_server_error(client, world, api_as):
    await cohort_with(client, world, api_as)  # something for the ids to find: Sølvi on a running cohort
    raw = (await client.get("/schema/openapi.json")).json()
    schema = schemathesis.from_dict(
        raw,
        base_url=BASE,
        force_schema_version="30",  # Litestar writes 3.1, which schemathesis 3 reads as 3.0 here
        generation_config=schemathesis.GenerationConfig(with_security_parameters=False),
    )
    headers = await api_as("admin")
    ctx = CheckContext(override=None, auth=None, headers=None)
    operations, sent, failures = 0, 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for case in cases_for(operation, EXAMPLES):
            response = await client.request(**request_kwargs(case, headers))
            sent += 1
            if response.status_code == 401:  # our token revoked by an example (DELETE /auth/token): a new one
                headers = await api_as("admin")
            try:
                not_a_server_error(ctx, response, case)
            except AssertionError:
                failures.append(f"{case.operation.verbose_name} → {response.status_code}: {case.as_curl_command()}")
    assert operations > 100 and sent >= operations
    assert failures == []
