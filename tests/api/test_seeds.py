"""The user's own examples (../shared/seeds): each seed scored with the other four stored.

Skipped where the seeds are absent; they are never copied into the repository."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.seeds


@pytest.fixture
def reports(client: TestClient, seeds: dict[str, str]) -> dict[str, dict[str, Any]]:
    for number, text in seeds.items():
        response = client.post("/articles", json={"source": f"seed-{number}", "text": text})
        assert response.status_code == 201
    return {
        number: client.post("/score", json={"source": f"seed-{number}", "text": text}).json()
        for number, text in seeds.items()
    }


def claim_with(report: dict[str, Any], words: str) -> dict[str, Any]:
    return next(c for c in report["claims"] if words in c["text"])


def test_the_machine_translated_copy_is_contradicted_on_the_death_toll(
    reports: dict[str, dict[str, Any]],
) -> None:
    toll = claim_with(reports["003"], "145 Menschen")

    assert toll["verdict"] == "contradicted"
    (conflict,) = [c for c in toll["conflicts"] if c["kind"] == "number"]
    assert (conflict["found"], conflict["expected"]) == ("145", "144")
    assert len(conflict["sources"]) >= 2
    assert reports["003"]["score"] == min(report["score"] for report in reports.values())


def test_the_french_denial_is_not_supported_and_the_toll_is(
    reports: dict[str, dict[str, Any]],
) -> None:
    denial = claim_with(reports["001"], "nichts dergleichen akzeptiert")
    toll = claim_with(reports["001"], "144 Menschen")

    assert denial["verdict"] in ("unverified", "mixed")
    assert toll["verdict"] == "supported"


def test_offsets_are_exact_and_no_seed_is_its_own_evidence(
    reports: dict[str, dict[str, Any]], seeds: dict[str, str]
) -> None:
    for number, report in reports.items():
        for claim in report["claims"]:
            assert seeds[number][claim["start"] : claim["end"]] == claim["text"]
            assert all(e["source"] != f"seed-{number}" for e in claim["evidence"])
        assert all(p["source"] != f"seed-{number}" for p in report["peers"])
