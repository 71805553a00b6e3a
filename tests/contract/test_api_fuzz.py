"""Property-based fuzzing of the whole JSON API against its own OpenAPI description.

Schemathesis derives requests from ``/<tenant>/api/v1/openapi.json`` (valid and invalid bodies,
query strings and path ids) and sends them through the real app via WSGI with real API tokens.
Every answer must be non-5xx, carry a documented content type and match the documented schema
(error bodies included). Seeded (``derandomize``) so CI sees the same requests every run.

``FUZZ_ONLY=/persons`` limits a local run to the paths starting with that prefix.
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.auth import services as auth
from core.auth.models import User
from core.db import db
from core.tenancy.context import tenant_scope

#: Examples per operation, 50 in all (the floor issue #8 sets): 40 valid requests (bodies, ids,
#: query strings the schema allows, which include ids and dates at the edges) plus 10 invalid ones
#: the schema forbids (wrong types, missing fields) that must be refused with a documented 4xx.
#: More examples belong in a local run, not in the 25-minute CI budget.
EXAMPLES = {GenerationMode.POSITIVE: 40, GenerationMode.NEGATIVE: 10}
SLUG = "fuzz"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _role_for(method: str, path: str) -> str:
    """The role an operation is meant for: the fuzzer reaches the code behind the permission."""
    if path.startswith(("/privacy", "/records-of-processing")) or path.endswith(
        ("/holds", "/restriction", "/retention")
    ):
        return "dpo"
    if path.startswith(("/org-units", "/plugins", "/consent-templates")):
        return "tenant_admin"
    if path.startswith("/caseload"):
        return "coordinator"
    return "case_manager"


@pytest.fixture
def fuzz_tokens(app, make_tenant, make_user):
    tenant = make_tenant(SLUG, plugins=["interpreters", "process_support"])
    tokens = {}
    for role in ("case_manager", "coordinator", "dpo", "tenant_admin"):
        email, _ = make_user(tenant, roles=[role])
        with app.app_context(), tenant_scope(tenant):
            user = auth.find_user(email)
            _token, clear = auth.create_api_token(
                db.session.get(User, user.id), tenant, f"fuzz {role}"
            )
            db.session.commit()
        tokens[role] = clear
    # Something to find: one person and one case of the case manager, so ids 1… hit real rows.
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens['case_manager']}"}
    person = client.post(
        f"/{SLUG}/api/v1/persons",
        json={"first_name": "Amina", "last_name": "Yusuf"},
        headers=headers,
    )
    assert person.status_code == 201, person.json
    case = client.post(
        f"/{SLUG}/api/v1/cases",
        json={"person_id": person.json["id"], "case_type": "case_management"},
        headers=headers,
    )
    assert case.status_code == 201, case.json
    return tokens


def _fuzz_operation(app, operation, token, mode, sent):
    failures = {}

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),  # failures are collected, not shrunk
        # Negative bodies are built by rejecting valid ones: filtering is the method, not a smell.
        suppress_health_check=[
            HealthCheck.filter_too_much,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(
            app=app,
            base_url=f"http://lotse.test/{SLUG}/api/v1",
            headers={"Authorization": f"Bearer {token}"},
        )
        sent[operation.label] = sent.get(operation.label, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                failures.setdefault(
                    f"{operation.label} [{mode.value}] {response.status_code} {failure.title}",
                    f"{str(failure)[:400]}\n  {case.as_curl_command()[:300]}",
                )

    run()
    return failures


#: The operations are fuzzed in this many shards (every operation in exactly one, with the same
#: examples as in one run), so pytest-xdist spreads the suite's longest test over its workers.
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_api_fuzz(app, fuzz_tokens, shard):
    app.config["LOTSE_RAISE_ERRORS"] = False
    try:
        schema = schemathesis.openapi.from_wsgi(f"/{SLUG}/api/v1/openapi.json", app)
        failures, sent = {}, {}
        started, cpu = time.monotonic(), time.process_time()
        count = total = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            if os.environ.get("FUZZ_ONLY") and not operation.path.startswith(
                os.environ["FUZZ_ONLY"]
            ):
                continue
            total += 1
            if total % SHARDS != shard:
                continue
            count += 1
            token = fuzz_tokens[_role_for(operation.method.upper(), operation.path)]
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures.update(_fuzz_operation(app, operation, token, mode, sent))
        print(
            f"shard {shard}: fuzzed {count} of {total} operations in "
            f"{time.monotonic() - started:.1f}s "
            f"({time.process_time() - cpu:.1f}s CPU), {sum(sent.values())} requests, "
            f"fewest per operation: {sorted(sent.items(), key=lambda kv: kv[1])[:3]}"
        )
    finally:
        app.config["LOTSE_RAISE_ERRORS"] = True
    assert total >= (1 if os.environ.get("FUZZ_ONLY") else 60)
    assert not failures, "\n".join(f"{k}\n  {v}" for k, v in failures.items())


def test_every_undocumented_method_is_a_405_with_allow(app, fuzz_tokens):
    """For every path of the description: each method it does not document answers 405, names
    the documented ones in ``Allow`` and sends the documented error body."""
    import re

    import jsonschema

    client = app.test_client()
    headers = {"Authorization": f"Bearer {fuzz_tokens['case_manager']}"}
    spec = client.get(f"/{SLUG}/api/v1/openapi.json").json
    error_schema = spec["components"]["schemas"]["Error"]
    checked = 0
    for path, item in spec["paths"].items():
        documented = {m.upper() for m in item if m in ("get", "post", "put", "patch", "delete")}
        url = f"/{SLUG}/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - documented:
            response = client.open(url, method=method, headers=headers, json={})
            assert response.status_code == 405, (method, path, response.status_code)
            allowed = {m.strip() for m in response.headers.get("Allow", "").split(",")}
            assert documented <= allowed and method not in allowed, (method, path, allowed)
            jsonschema.validate(response.json, error_schema)
            assert response.json["status"] == 405
            checked += 1
    assert checked > 100
