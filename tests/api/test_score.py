"""POST /score and the sources endpoints, on the real app and a real database."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.analysis.pipeline import analyze
from service.analysis.records import Claim, ClaimResult, Conflict, Evidence, Flag, Report, Voice
from service.analysis.statements import PeerAnalysis
from service.api.routes.score import render
from service.api.schemas import FetchedOut
from service.ingest import ItemResult
from service.main import create_app
from service.scoring import Scored, SourceRating
from service.settings import Settings
from service.store import search
from service.store.repository import StoredCandidate
from tests.factories import as_documented, written_by_the_models

GERMAN = (
    "Hochwasser in Passau: 7 Menschen ums Leben gekommen\n"
    "Bei dem Hochwasser in Passau sind nach Angaben der Polizei 7 Menschen ums Leben gekommen. "
    "Oberbürgermeister Jürgen Dupper sprach am Montag von der schwersten Flut seit 2013. "
    "Die Donau erreichte einen Pegel von 12 Metern."
)
ENGLISH = [
    (
        "danube-daily.example",
        "Floods in Passau kill five\nFive people have died in the floods in Passau, police said "
        "on Monday. Mayor Jürgen Dupper called it the worst flood since 2013. The Danube reached "
        "12 metres.",
    ),
    (
        "euro-wire.example",
        "Bavarian city of Passau mourns 5 dead after Danube floods. Police in Passau said 5 "
        "people were killed when the Danube burst its banks. Jürgen Dupper, the mayor, spoke of "
        "a disaster.",
    ),
    (
        "world-report.example",
        "Death toll in Passau flooding rises to five. The police confirmed that 5 people died in "
        "Passau. Mayor Jürgen Dupper said the Danube floods were the worst since 2013.",
    ),
]


def store(client: TestClient, source: str, text: str, **fields: Any) -> int:
    response = client.post("/articles", json={"source": source, "text": text, **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def claim_with(report: dict[str, Any], words: str) -> dict[str, Any]:
    return next(c for c in report["claims"] if words in c["text"])


def test_empty_store_answers_with_every_claim_unverified(client: TestClient) -> None:
    response = client.post("/score", json={"text": GERMAN, "source": "passauer.example"})

    assert response.status_code == 200
    report = response.json()
    assert report["claims"]
    assert {c["verdict"] for c in report["claims"]} == {"unverified"}
    assert report["peers"] == []
    assert report["flags"] == []
    assert report["language"] == "de"
    assert report["stored"] is None


def test_german_toll_contradicted_by_three_english_reports(client: TestClient) -> None:
    for source, text in ENGLISH:
        store(client, source, text, language="en")

    report = client.post("/score", json={"text": GERMAN, "source": "passauer.example"}).json()

    toll = claim_with(report, "7 Menschen ums Leben")
    assert toll["verdict"] == "contradicted"
    assert toll["conflicts"][0]["found"] == "7"
    assert toll["conflicts"][0]["expected"] == "5"
    english_sources = {source for source, _ in ENGLISH}
    assert set(toll["conflicts"][0]["sources"]) == english_sources
    assert {
        e["source"] for e in toll["evidence"] if e["stance"] == "contradicts"
    } == english_sources
    assert len(report["voices"]) == 3


def test_offsets_slice_the_submitted_text_exactly(client: TestClient) -> None:
    for source, text in ENGLISH:
        store(client, source, text)
    text = "  \r\n" + GERMAN.replace("Jürgen", "Ju\u0308rgen").replace("\n", "\r\n") + "\x00"

    report = client.post("/score", json={"text": text, "source": "p.example"}).json()

    assert report["claims"]
    for claim in report["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]


def test_a_second_request_takes_the_peers_from_the_cache_and_answers_the_same(
    client: TestClient,
) -> None:
    for source, text in ENGLISH:
        store(client, source, text, language="en")
    cache = client.app.state.peer_cache  # type: ignore[attr-defined]
    body = {"text": GERMAN, "source": "passauer.example"}

    first = client.post("/score", json=body).json()
    analyses, features = cache.analyses.hits, cache.features.hits
    second = client.post("/score", json=body).json()

    assert second == first
    assert cache.analyses.hits - analyses == len(first["peers"]) == 3
    assert cache.features.hits - features == 3


def test_a_peer_deleted_and_stored_again_is_named_as_it_is_stored_now(client: TestClient) -> None:
    wire_source, wire_text = ENGLISH[0]
    old = store(client, wire_source, wire_text, language="en", title="Old headline")
    for source, text in ENGLISH[1:]:
        store(client, source, text, language="en")
    client.post("/score", json={"text": GERMAN})  # the cache now holds the peers' analyses

    assert client.delete(f"/articles/{old}").status_code == 204
    new = store(client, "reprint.example", wire_text, language="en", title="New headline")
    report = client.post("/score", json={"text": GERMAN}).json()

    peer = next(p for p in report["peers"] if p["article_id"] == new)
    assert (peer["source"], peer["title"]) == ("reprint.example", "New headline")
    assert new == old or old not in {p["article_id"] for p in report["peers"]}


def test_evidence_offsets_index_the_peer_as_stored_even_after_a_copy_of_it_was_cached(
    client: TestClient,
) -> None:
    # Two copies whose texts differ only in how whitespace falls have one content hash, and the
    # index offers one of them: after the first is deleted, the second's own offsets count.
    wire_source, wire_text = ENGLISH[0]
    first = store(client, wire_source, wire_text.replace(". ", ".   "), language="en")
    client.post("/score", json={"text": GERMAN})
    client.delete(f"/articles/{first}")
    second = store(client, "reprint.example", wire_text, language="en")

    report = client.post("/score", json={"text": GERMAN}).json()

    stored = client.get(f"/articles/{second}").json()["text"]
    evidence = [e for c in report["claims"] for e in c["evidence"] if e["article_id"] == second]
    assert evidence
    assert all(stored[e["start"] : e["end"]] == e["text"] for e in evidence)


def test_own_source_and_the_article_itself_never_count(client: TestClient) -> None:
    own = store(client, "passauer.example", GERMAN.replace("7", "5"))
    itself = store(client, "other.example", GERMAN)

    report = client.post("/score", json={"text": GERMAN, "source": "Passauer.Example"}).json()

    used = {e["article_id"] for c in report["claims"] for e in c["evidence"]}
    used |= {p["article_id"] for p in report["peers"]}
    assert own not in used
    assert itself not in used


def test_ten_copies_of_one_dispatch_do_not_raise_agreement(client: TestClient) -> None:
    wire_source, wire_text = ENGLISH[0]
    store(client, wire_source, wire_text)
    store(
        client,
        "independent.example",
        "Jürgen Dupper, Passau's mayor, said 7 people died in the floods.",
    )
    before = claim_with(client.post("/score", json={"text": GERMAN}).json(), "7 Menschen")

    for number in range(10):
        store(client, f"reprint-{number}.example", wire_text)
    after_report = client.post("/score", json={"text": GERMAN}).json()
    after = claim_with(after_report, "7 Menschen")

    assert after["agreement"] == before["agreement"]
    assert len(after_report["voices"]) == 2


def test_an_article_that_shares_only_names_many_stored_articles_hold_is_no_peer(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A capital and heads of state are named by many stories: the peer is the article that
    shares this story's own names ("Oberhauser")."""
    monkeypatch.setattr(search, "MAX_TERM_DOCUMENTS", 2)  # a term in three articles is common
    fair = store(
        client,
        "fair.example",
        "In Berlin, Olaf Scholz and Emmanuel Macron opened a trade fair on Tuesday. Scholz "
        "praised the visitors, Macron the exhibitors.",
    )
    store(client, "a.example", "Olaf Scholz and Emmanuel Macron spoke in Berlin.")
    store(client, "b.example", "Berlin: Emmanuel Macron thanked Olaf Scholz.")
    summit = store(
        client,
        "summit.example",
        "Kristina Oberhauser, the energy minister, said the fund agreed by Scholz and Macron "
        "would reach 40 billion euros.",
    )
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # What tells PostgreSQL that a term is common.
            connection.execute(sqlalchemy.text("ANALYZE article"))

    report = client.post(
        "/score",
        json={
            "text": "Chancellor Olaf Scholz met President Emmanuel Macron in Berlin on Tuesday. "
            "Scholz and Macron agreed on a new fund for Ukraine. Energy minister Kristina "
            "Oberhauser said the fund would grow to 40 billion euros.",
            "source": "me.example",
        },
    ).json()

    assert [peer["article_id"] for peer in report["peers"]] == [summit]
    assert fair not in {e["article_id"] for c in report["claims"] for e in c["evidence"]}


def test_store_true_stores_the_scored_article(client: TestClient) -> None:
    body = {"text": GERMAN, "source": "passauer.example", "store": True}

    first = client.post("/score", json=body).json()
    second = client.post("/score", json=body).json()

    assert first["stored"]["status"] == "created"
    assert second["stored"] == {"article_id": first["stored"]["article_id"], "status": "existing"}
    assert client.get(f"/articles/{first['stored']['article_id']}").json()["language"] == "de"


@pytest.mark.parametrize(
    "body",
    [{"text": "   "}, {"text": "x", "store": "maybe"}, {"text": "x", "language": "German"}, []],
)
def test_bad_score_requests_are_422(client: TestClient, body: Any) -> None:
    response = client.post("/score", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_sources_show_counts_priors_and_learned_reliability(
    settings: Settings, engine: object, tmp_path: Path
) -> None:
    from service.reliability import recompute

    priors = tmp_path / "priors.csv"
    priors.write_text("source,prior\nDanube-Daily.example,0.9\nunknown.example,0.2\n")
    settings = settings.model_copy(update={"source_priors_file": priors})
    with TestClient(create_app(settings)) as client:
        for source, text in ENGLISH:
            store(client, source, text)
        store(client, "passauer.example", GERMAN)
        recompute(client.app.state.engine, settings)  # type: ignore[attr-defined]

        listed = {s["name"]: s for s in client.get("/sources").json()}
        one = client.get("/sources/DANUBE-DAILY.example")
        missing = client.get("/sources/nobody.example")

    assert listed["danube-daily.example"]["prior"] == 0.9
    assert listed["danube-daily.example"]["articles"] == 1
    assert listed["unknown.example"]["articles"] == 0
    assert listed["passauer.example"]["reliability"] < listed["world-report.example"]["reliability"]
    assert listed["passauer.example"]["reliability_claims"] > 0
    assert one.json()["name"] == "danube-daily.example"
    assert missing.status_code == 404


def test_flags_come_with_offsets_evidence_and_lower_the_score(client: TestClient) -> None:
    for source, text in ENGLISH:
        store(client, source, text, language="en")
    store(client, "bayern.example", GERMAN.replace("7", "5"))
    store(client, "donau.example", "Jürgen Dupper sagte, 5 Menschen seien in Passau gestorben.")
    drifted = (
        GERMAN.replace("Jürgen Dupper", "Jürgen Duper")
        + "\n00:00\nAbonnieren Sie unseren Newsletter."
    )

    clean = client.post("/score", json={"text": GERMAN}).json()
    report = client.post("/score", json={"text": drifted}).json()

    (drift,) = [f for f in report["flags"] if f["type"] == "spelling_drift"]
    assert (drift["found"], drift["expected"]) == ("Duper", "Dupper")
    assert drift["evidence"] == {"count": 2, "sources": ["bayern.example", "donau.example"]}
    assert drift["message"]
    assert {f["subtype"] for f in report["flags"] if f["type"] == "scraping_residue"} == {
        "audio_player",
        "newsletter",
    }
    for flag in report["flags"]:
        assert drifted[flag["start"] : flag["end"]] == flag["found"]
    assert report["score"] < clean["score"]


def test_the_body_is_written_as_its_documented_model_would_write_it(client: TestClient) -> None:
    for source, text in ENGLISH:
        store(client, source, text, language="en")
    store(client, "bayern.example", GERMAN.replace("7", "5"))
    store(client, "donau.example", "Jürgen Dupper sagte, 5 Menschen seien in Passau gestorben.")
    drifted = GERMAN.replace("Dupper", "Duper") + "\nAbonnieren Sie unseren Newsletter."

    response = client.post(
        "/score", json={"text": drifted, "source": "passauer.example", "store": True}
    )

    report = response.json()
    assert report["flags"]
    assert report["stored"]
    assert report["voices"]
    assert any(claim["conflicts"] and claim["evidence"] for claim in report["claims"])
    assert as_documented(response.content) == response.content


def test_every_field_is_written_as_the_response_models_wrote_it() -> None:
    """In its place, with its own value, and whole numbers in float fields written as floats."""
    text = "Oberbürgermeister Jürgen Dupper sagte, 7 Menschen seien gestorben."
    said = "Dupper sagte, 5 Menschen seien gestorben."
    evidence = Evidence(3, "c.example", 2, said, 10, 51, 1, "contradicts")
    conflict = Conflict("number", "7", "5", ("c.example", "d.example"))
    claim = ClaimResult(Claim(0, 0, len(text), text), "contradicted", 0, (evidence,), (conflict,))
    peer = PeerAnalysis.of(analyze(said, "de")).peer(3, "c.example", 1, 2)
    voice = Voice(2, (3, 4), ("c.example", "d.example"), 1)
    start = text.index("Dupper")
    flag = Flag("spelling_drift", "peers", start, start + 6, "Dupper", "Duper", 1, "?", ("d",))
    at = datetime(2024, 6, 3, 12, tzinfo=UTC)
    candidate = StoredCandidate(3, "c.example", "Titel", "https://c.example/a", "h", None, at, 6)
    scored = Scored(
        Report(1, "de", (claim,), (peer,), (voice,), (flag,)),
        text,
        tuple(range(len(text) + 1)),
        SourceRating("a.example", 0.25, 1),
        {3: candidate},
        stored=ItemResult(0, "created", article_id=9),
        claims_total=2,
    )
    fetched = FetchedOut(text=text, title="Seite", published_at=at)

    body = render(scored, fetched)

    assert body == written_by_the_models(scored, fetched)
    assert as_documented(body) == body


@pytest.mark.parametrize(
    "body",
    [
        {"text": "Putin sagte am Montag in Moskau, 5 Menschen seien gestorben.", "store": True},
        {"text": "Ein Text.", "store": "yes"},
        {"text": "Ein Text.", "store": 1},
        {"text": "Ein Text.", "language": 5},
        {"text": "Ein Text.", "language": ["de"]},
    ],
)
def test_requests_that_once_crashed_are_422(client: TestClient, body: Any) -> None:
    response = client.post("/score", json=body)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_error"


def test_lone_surrogates_are_replaced_keeping_offsets(client: TestClient) -> None:
    body = (
        b'{"text": "Wladimir Putin sagte am Montag \\ud800 in Moskau, 5 Menschen seien gestorben."}'
    )

    response = client.post("/score", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 200
    (claim,) = response.json()["claims"]
    assert (
        claim["text"]
        == "Wladimir Putin sagte am Montag \ufffd in Moskau, 5 Menschen seien gestorben."
    )
    assert (claim["start"], claim["end"]) == (0, len(claim["text"]))


def test_a_bad_language_in_a_batch_rejects_only_its_item(client: TestClient) -> None:
    items = [{"source": "a", "text": "Gut.", "language": 5}, {"source": "a", "text": "Auch gut."}]

    result = client.post("/articles/batch", json={"items": items}).json()

    assert (result["created"], result["rejected"]) == (1, 1)


def test_reprints_under_unrated_sources_do_not_outweigh_their_rated_publisher(
    client: TestClient, settings: Settings
) -> None:
    from service.store import repository
    from service.store.db import session_scope

    farm = "Vier Menschen sind in Passau bei der Flut gestorben, sagte Jürgen Dupper."
    store(client, "farm.example", farm)
    for source, text in ENGLISH:
        store(client, source, text)
    with session_scope(client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        repository.set_priors(session, priors={"farm.example": 0.1})
        session.commit()
    draft = "In Passau sind vier Menschen bei der Flut gestorben, sagte Jürgen Dupper am Montag."
    before = claim_with(client.post("/score", json={"text": draft}).json(), "vier Menschen")

    for number in range(45):
        store(client, f"reprint-{number}.example", farm)
    report = client.post("/score", json={"text": draft}).json()
    after = claim_with(report, "vier Menschen")

    assert after["agreement"] == before["agreement"]
    assert {p["source"] for p in report["peers"]} >= {s for s, _ in ENGLISH}


def test_tolls_of_other_events_and_running_totals_are_not_compared(client: TestClient) -> None:
    store(client, "a.example", "Bei dem Hochwasser in Passau sind 7 Menschen gestorben.")
    store(client, "b.example", "In Passau sind bei dem Hochwasser 7 Menschen ums Leben gekommen.")
    store(
        client,
        "c.example",
        "Seit Beginn der Flutsaison sind in Bayern insgesamt 40 Menschen gestorben.",
    )
    other = (
        "Hochwasser auch in Regensburg: Dort ist ein Mensch gestorben. In Regensburg sind "
        "3 Menschen gestorben, sagte die Polizei."
    )

    report = client.post("/score", json={"text": other}).json()

    assert all(c["verdict"] != "contradicted" for c in report["claims"])


def test_a_flipped_negation_under_a_vaguer_attribution_is_contradicted(client: TestClient) -> None:
    store(
        client,
        "wire.example",
        "France had no information linking the attack to Ukraine, the French defence ministry "
        "said.",
        language="en",
    )
    store(
        client,
        "paper.example",
        "France had no information linking the attack to Ukraine, the ministry said on Tuesday.",
        language="en",
    )
    draft = (
        "France had information linking the attack to Ukraine, a spokesman for the ministry said."
    )

    claim = client.post("/score", json={"text": draft, "language": "en"}).json()["claims"][0]

    assert claim["verdict"] == "contradicted"
    assert claim["conflicts"][0]["kind"] == "negation"


DRONES = "Russia launched 31 drones overnight and {} of them were shot down, the air force said."


def test_counts_of_them_and_percent_shares(client: TestClient) -> None:
    store(client, "a.example", DRONES.format(28), language="en")
    store(
        client,
        "b.example",
        "Im Fernverkehr fielen 80 Prozent der Züge aus, teilte die Bahn am Dienstag mit.",
    )

    drones = client.post(
        "/score",
        json={
            "text": DRONES.format(29),
            "language": "en",
        },
    ).json()["claims"][0]
    regional = client.post(
        "/score",
        json={"text": "Im Regionalverkehr fielen am Dienstag etwa 40 Prozent aus, sagte die Bahn."},
    ).json()["claims"][0]

    assert drones["verdict"] == "contradicted"
    assert (drones["conflicts"][0]["found"], drones["conflicts"][0]["expected"]) == ("29", "28")
    assert regional["verdict"] != "contradicted"
