"""Every operation of the committed openapi.yaml, fuzzed by schemathesis against the real app.

No 5xx, and every response is declared: its status code, content type, headers and body schema.
CROSSCHECK_FUZZ_EXAMPLES raises the number of examples per operation (see the README)."""

import hashlib
import ipaddress
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from service.fetch import guard
from service.main import create_app
from service.settings import Settings
from tests.factories import page

WRITE_KEY = "fuzz-write-key-0123456789"
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("CROSSCHECK_FUZZ_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_path(ROOT / "openapi.yaml")


@pytest.fixture(autouse=True)
def upstream(monkeypatch: pytest.MonkeyPatch, respx_mock: Any) -> None:
    """Every page a fuzzed `url` names exists and holds an article: a made-up host would answer
    502, which says nothing about this service. IP literals stay what they are (the guard
    refuses the private ones with a 422)."""

    def resolve(host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            return ["93.184.215.14"]

    monkeypatch.setattr(guard, "resolve", resolve)
    html = {"content-type": "text/html; charset=utf-8"}
    respx_mock.route().respond(200, headers=html, text=page("passau_de.html"))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_declared(case: schemathesis.Case, client: TestClient) -> None:
    response = client.request(**_request(case, client))
    case.validate_response(response, checks=CHECKS)


@pytest.fixture
def keyed_client(database_url: str, engine: Engine) -> Iterator[TestClient]:
    """The app with API keys configured (and /metrics behind one), sending a write key."""
    key = {"sha256": hashlib.sha256(WRITE_KEY.encode()).hexdigest(), "scopes": ["write"]}
    settings = Settings(database_url=database_url, api_keys=[key], metrics_need_key=True)
    with TestClient(create_app(settings), headers={"X-API-Key": WRITE_KEY}) as client:
        yield client


@schema.parametrize()
@settings(
    max_examples=max(5, EXAMPLES // 4),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_declared_with_keys(
    case: schemathesis.Case, keyed_client: TestClient
) -> None:
    response = keyed_client.request(**_request(case, keyed_client))
    case.validate_response(response, checks=CHECKS)


def _request(case: schemathesis.Case, client: TestClient) -> dict[str, Any]:
    """The case as TestClient arguments (raw bodies as `content`, no per-request cookies)."""
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
    kwargs.pop("cookies", None)
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    return kwargs
