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


def flagged(report: dict[str, Any], kind: str, subtype: str | None = None) -> set[tuple[str, Any]]:
    return {
        (f["found"], f["expected"])
        for f in report["flags"]
        if f["type"] == kind and (subtype is None or f["subtype"] == subtype)
    }


def test_seed_flags(reports: dict[str, dict[str, Any]], seeds: dict[str, str]) -> None:
    r000, r001, r002, r003, r004 = (reports[n] for n in ("000", "001", "002", "003", "004"))

    assert {("Licorno", "Lecornu"), ("Lecorno", "Lecornu")} <= flagged(r003, "spelling_drift")
    assert ("Shoigu", "Schoigu") in flagged(r003, "translation_artifact", "foreign_transliteration")
    assert ("Dezember 27, 2024", "27. Dezember 2024") in flagged(
        r003, "translation_artifact", "date_order"
    )
    fragment = seeds["003"].index("Sergej Schoigu Der französische")
    assert any(
        f["subtype"] == "fragment" and f["start"] < fragment + 31 and f["end"] > fragment
        for f in r003["flags"]
    )
    assert any(
        f["found"].startswith("Siehe auch")
        for f in r003["flags"]
        if f["type"] == "scraping_residue"
    )

    assert {("Soygu", "Schoigu"), ("Sojgu", "Schoigu")} <= flagged(r002, "spelling_drift")
    assert ("Sergey", "Sergej") in flagged(r002, "translation_artifact", "foreign_transliteration")
    assert ("Crocus-Rathaus", "Crocus City Hall") in flagged(
        r002, "translation_artifact", "translated_name"
    )

    assert {("Shoigu", "Schoigu"), ("Sergei", "Sergej")} <= flagged(
        r004, "translation_artifact", "foreign_transliteration"
    )

    assert ("Emanuel", "Emmanuel") in flagged(r000, "spelling_drift")
    residue = {f["subtype"] for f in r000["flags"] if f["type"] == "scraping_residue"}
    assert {"newsletter", "audio_player"} <= residue

    assert flagged(r001, "spelling_drift") == set()
    assert flagged(r001, "translation_artifact") == set()

    for number, report in reports.items():
        for flag in report["flags"]:
            assert seeds[number][flag["start"] : flag["end"]] == flag["found"]


def test_one_outlet_sharing_a_misspelling_does_not_excuse_it(
    client: TestClient, seeds: dict[str, str]
) -> None:
    """With the demo corpus stored too, one demo outlet writes "Licorno" and "Lecorno" as well;
    seven independent voices writing "Lecornu" still make them drift."""
    from service.demo import demo_articles

    client.post("/articles/batch", json={"items": demo_articles()})
    for number, text in seeds.items():
        client.post("/articles", json={"source": f"seed-{number}", "text": text})

    report = client.post("/score", json={"source": "seed-003", "text": seeds["003"]}).json()

    assert {("Licorno", "Lecornu"), ("Lecorno", "Lecornu")} <= flagged(report, "spelling_drift")
