"""schemathesis over the service's OpenAPI document: no generated request makes a server error.

Every operation gets examples generated from the document (valid and invalid
parameters and bodies), sent over HTTP to the served library with the
back-office token; no answer may be a 5xx, and each must be one of the
documented status codes.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance
from service_env import TOKEN, Served

from formlang.service.openapi import document

OPERATIONS = [
    f"{method.upper()} {path}"
    for path, methods in document(["x"])["paths"].items()
    for method in methods
]


@pytest.fixture(scope="module")
def api_schema(served: Served) -> Any:
    return schemathesis.openapi.from_url(f"{served.url}/api/openapi.json")


def test_the_document_is_served_and_names_every_form(served: Served) -> None:
    with served.client() as client:
        body = client.get("/api/openapi.json").json()
    assert body["openapi"].startswith("3.1")
    param = body["paths"]["/api/forms/{form_id}/submissions"]["post"]["parameters"][0]
    assert param["schema"]["enum"] == sorted(served.service.library.forms)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_no_generated_request_makes_a_server_error(
    served: Served, api_schema: Any, operation: str
) -> None:
    method, path = operation.split(" ", 1)
    found = api_schema[path][method]

    @given(case=found.as_strategy())
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(
            base_url=served.url,
            headers={"authorization": f"Bearer {TOKEN}"},
            checks=[not_a_server_error, status_code_conformance],
        )

    check()
