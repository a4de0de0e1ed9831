"""The console script: ingest from files, the OpenAPI document, the demo corpus."""

import fcntl
import hashlib
import json
import re
from pathlib import Path

import pytest
import respx
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from service.cli import app
from service.demo import demo_articles, load_demo
from service.settings import Settings
from service.store import repository
from service.store.db import session_scope
from tests.factories import page

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CROSSCHECK_DATABASE_URL", database_url)
    return CliRunner()


def stored(engine: Engine) -> int:
    with session_scope(engine) as session:
        return repository.count_articles(session)


def _demo_feed(folder: Path) -> Path:
    """The demo corpus as a JSON Lines file, as a newsroom's export would be."""
    feed = folder / "feed.jsonl"
    feed.write_text(
        "\n".join(json.dumps(article) for article in demo_articles()) + "\n", encoding="utf-8"
    )
    return feed


def test_ingest_json_lines_and_a_folder_of_text_files(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    lines = [
        json.dumps({"source": "a.example", "text": "Erster Artikel über den Haushalt."}),
        "{not json",
        json.dumps({"text": "Ohne Quelle: bekommt die Quelle von --source."}),
        json.dumps({"url": "https://b.example/x", "text": "Zweiter Artikel."}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "one.txt").write_text("Text aus einer Datei.", encoding="utf-8")
    (folder / "two.json").write_text(json.dumps([{"text": "Aus JSON."}]), encoding="utf-8")
    (folder / "ignored.csv").write_text("a,b", encoding="utf-8")

    result = runner.invoke(
        app, ["ingest", str(tmp_path / "feed.jsonl"), str(folder), "--source", "c"]
    )

    assert result.exit_code == 1  # some items were rejected
    assert "5 created, 0 already stored, 1 rejected" in result.output
    assert "feed.jsonl:2" in result.output
    assert "invalid JSON" in result.output
    assert stored(engine) == 5

    again = runner.invoke(app, ["ingest", str(folder), "--source", "c"])
    assert again.exit_code == 0
    assert "0 created, 2 already stored, 0 rejected" in again.output
    assert stored(engine) == 5


def test_openapi_yaml_matches_the_app() -> None:
    result = CliRunner().invoke(app, ["openapi"])

    assert result.exit_code == 0
    committed = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    assert result.output == committed, (
        "openapi.yaml is stale: run `crosscheck openapi --output openapi.yaml`"
    )


def test_demo_corpus_loads_into_an_empty_store_only(engine: Engine, settings: Settings) -> None:
    first = load_demo(engine, settings)
    second = load_demo(engine, settings)

    assert first is not None
    assert [result.status for result in first] == ["created"] * len(demo_articles())
    assert second is None
    languages = {article["language"] for article in demo_articles()}
    sources = {article["source"] for article in demo_articles()}
    assert languages == {"de", "en"}
    assert len(sources) >= 4


def test_score_reanalyse_and_reliability_commands(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    feed = _demo_feed(tmp_path)
    article = tmp_path / "draft.txt"
    article.write_text(
        "Bei einem Drohnenangriff auf Kyjiw sind 6 Menschen getötet worden, sagte Witali "
        "Klitschko.",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["ingest", str(feed)]).exit_code == 0

    as_json = runner.invoke(app, ["score", str(article), "--source", "draft.example", "--json"])
    readable = runner.invoke(app, ["score", str(article)])
    reanalysed = runner.invoke(app, ["reanalyse", "--all"])
    learned = runner.invoke(app, ["reliability"])

    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.output)
    assert report["claims"][0]["verdict"] == "contradicted"
    assert readable.exit_code == 0
    assert "contradicted" in readable.output
    assert "says 6" in readable.output
    assert f"{len(demo_articles())} articles analysed" in reanalysed.output
    assert "capitalwire.example" in learned.output


def test_optimize_index_merges_the_index_or_analyses_it(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    feed = _demo_feed(tmp_path)
    assert runner.invoke(app, ["ingest", str(feed)]).exit_code == 0

    result = runner.invoke(app, ["optimize-index", "--pages", "50"])
    rebuilt = runner.invoke(app, ["optimize-index", "--rebuild"])
    refused = runner.invoke(app, ["optimize-index", "--pages", "0"])

    assert result.exit_code == 0, result.output
    assert rebuilt.exit_code == 0, rebuilt.output
    if engine.dialect.name == "sqlite":
        assert re.search(r"index merged from \d+ segment\(s\) into 1 in", result.output)
        assert re.search(r"index rebuilt from 1 segment\(s\) into 1 .* \d+ levels", rebuilt.output)
    else:
        assert "index flushed and analysed" in result.output
        assert "index flushed and analysed" in rebuilt.output
    assert refused.exit_code == 2
    assert "Traceback" not in refused.output


def test_optimize_index_waits_for_its_turn_and_then_says_why_it_stopped(
    runner: CliRunner, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's writers do not take turns")
    monkeypatch.setenv("CROSSCHECK_DB_TIMEOUT_SECONDS", "0.2")
    lock = Path(f"{make_url(database_url).database}-writers")
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process's writer, storing articles
        result = runner.invoke(app, ["optimize-index"])

    assert result.exit_code == 2
    assert "error:" in result.output
    assert "what was merged so far stays merged" in result.output
    assert "Traceback" not in result.output


def test_unreadable_input_and_bad_priors_are_errors_not_tracebacks(
    runner: CliRunner, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Größe".encode("latin-1"))
    priors = tmp_path / "priors.csv"
    priors.write_text("a.example,1.5\n", encoding="utf-8")

    missing = runner.invoke(app, ["score", str(tmp_path / "nope.txt")])
    undecodable = runner.invoke(app, ["score", str(latin)])
    monkeypatch.setenv("CROSSCHECK_SOURCE_PRIORS_FILE", str(priors))
    bad_priors = runner.invoke(app, ["reliability"])

    for result in (missing, undecodable, bad_priors):
        assert result.exit_code == 2
        assert "error:" in result.output
        assert "Traceback" not in result.output
    assert "priors lie in [0, 1]" in bad_priors.output


def test_priors_file_is_the_whole_truth(
    runner: CliRunner, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    priors = tmp_path / "priors.json"
    monkeypatch.setenv("CROSSCHECK_SOURCE_PRIORS_FILE", str(priors))
    priors.write_text(json.dumps({"a.example": 0.9, "b.example": 0.4}), encoding="utf-8")
    assert runner.invoke(app, ["reliability"]).exit_code == 0
    priors.write_text(json.dumps([{"source": "b.example", "prior": 0.5}]), encoding="utf-8")
    assert runner.invoke(app, ["reliability"]).exit_code == 0

    with session_scope(engine) as session:
        rated = {s.name: s.prior for s, _ in repository.list_sources(session)}
    assert rated == {"a.example": None, "b.example": 0.5}


def test_ingest_a_list_of_urls_and_json_lines_with_only_a_url(
    runner: CliRunner, engine: Engine, tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    html = {"content-type": "text/html; charset=utf-8"}
    german, english = page("passau_de.html"), page("storm_en.html")
    respx_mock.get("https://donaubote.example/passau").respond(200, headers=html, text=german)
    respx_mock.get("https://harbour.example/storm").respond(200, headers=html, text=english)
    respx_mock.get("https://harbour.example/gone").respond(404)
    (tmp_path / "links.txt").write_text(
        "# this morning's links\nhttps://donaubote.example/passau\n\nhttps://harbour.example/gone\n",
        encoding="utf-8",
    )
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"url": "https://harbour.example/storm"}) + "\n", encoding="utf-8"
    )

    listed = runner.invoke(app, ["ingest", "--urls", str(tmp_path / "links.txt")])
    assert listed.exit_code == 1
    assert "1 created, 0 already stored, 1 rejected" in listed.output
    assert "links.txt:4" in listed.output
    assert "no page at this URL (404)" in listed.output

    fed = runner.invoke(app, ["ingest", str(tmp_path / "feed.jsonl"), "--no-reliability"])
    assert fed.exit_code == 0, fed.output
    assert stored(engine) == 2


def test_hash_key_prints_the_sha256_the_settings_hold() -> None:
    hashed = CliRunner().invoke(app, ["hash-key"], input="s3cret-key\n")
    empty = CliRunner().invoke(app, ["hash-key"], input="\n")

    assert hashed.exit_code == 0
    assert hashed.stdout.strip() == hashlib.sha256(b"s3cret-key").hexdigest()
    assert empty.exit_code == 2
