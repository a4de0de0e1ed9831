"""Scoring and storing by URL, on the real app and a real database; every page from respx."""

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.fetch.client import Page
from service.fetch.extract import extract
from service.main import create_app
from service.settings import Settings
from tests.factories import as_documented, page

GERMAN = page("passau_de.html")
ENGLISH = page("storm_en.html")
URL = "https://donaubote.example/bayern/hochwasser-passau"
HTML = {"content-type": "text/html; charset=utf-8"}
PEERS = [
    (
        "danube-daily.example",
        "Floods in Passau kill five. Five people have died in the floods in Passau, police said "
        "on Monday. Mayor Jürgen Dupper called it the worst flood since 2013. The Danube reached "
        "12 metres.",
    ),
    (
        "euro-wire.example",
        "Passau mourns 5 dead after Danube floods. Police in Passau said 5 people were killed "
        "when the Danube burst its banks. Jürgen Dupper, the mayor, spoke of the worst flood "
        "since 2013.",
    ),
]


@pytest.fixture
def small_limits(database_url: str, engine: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, fetch_max_bytes=5_000)
    with TestClient(create_app(settings)) as client:
        yield client


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_scoring_by_url_gives_the_claims_of_scoring_the_extracted_text(
    client: TestClient, respx_mock: respx.MockRouter
) -> None:
    for source, text in PEERS:
        assert client.post("/articles", json={"source": source, "text": text}).status_code == 201
    respx_mock.get(URL).respond(200, headers=HTML, text=GERMAN)

    by_url = client.post("/score", json={"url": URL})
    assert by_url.status_code == 200, by_url.text
    report = by_url.json()
    extracted = extract(Page(URL, "text/html", "utf-8", GERMAN.encode()), min_chars=200)
    assert report["fetched"]["text"] == extracted.text
    assert report["fetched"]["title"] == "Hochwasser in Passau: Sieben Tote"
    assert report["fetched"]["published_at"] == "2024-06-03T00:00:00Z"

    by_text = client.post(
        "/score", json={"text": extracted.text, "url": URL, "published_at": "2024-06-03"}
    ).json()
    assert by_text["fetched"] is None
    assert report["claims"] == by_text["claims"]
    assert report["score"] == by_text["score"]
    toll = next(c for c in report["claims"] if "7 Menschen" in c["text"])
    assert toll["verdict"] == "contradicted"
    assert extracted.text[toll["start"] : toll["end"]] == toll["text"]


def test_storing_by_url_takes_title_and_date_from_the_page(
    client: TestClient, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(URL).respond(200, headers=HTML, text=GERMAN)

    created = client.post("/articles", json={"url": URL + "?utm_source=feed"})
    assert created.status_code == 201, created.text
    article = created.json()
    assert article["source"] == "donaubote.example"  # the URL's host, as for texts
    assert article["url"] == URL
    assert article["title"] == "Hochwasser in Passau: Sieben Tote"
    assert article["published_at"] == "2024-06-03T00:00:00Z"
    assert "Jürgen Dupper" in article["text"]
    assert "Cookies" not in article["text"]

    # The same URL is the same article: not fetched again.
    again = client.post("/articles", json={"url": URL})
    assert again.status_code == 200
    assert again.json()["id"] == article["id"]
    batch = client.post("/articles/batch", json={"items": [{"url": URL + "#comments"}]}).json()
    assert batch["items"][0] == {
        "index": 0,
        "status": "existing",
        "article_id": article["id"],
        "error": None,
    }
    assert route.call_count == 1


def test_what_the_client_sends_wins_over_the_page(
    client: TestClient, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(URL).respond(200, headers=HTML, text=GERMAN)
    fields = {"url": URL, "title": "Eigener Titel", "published_at": "2024-06-02T22:00:00+02:00"}
    article = client.post("/articles", json={**fields, "source": "Donaubote"}).json()
    assert article["title"] == "Eigener Titel"
    assert article["published_at"] == "2024-06-02T20:00:00Z"
    assert article["source"] == "donaubote"


def test_text_and_url_together_store_the_text_without_fetching(
    client: TestClient, respx_mock: respx.MockRouter
) -> None:
    response = client.post("/articles", json={"url": URL, "text": "Der Text des Kunden."})
    assert response.status_code == 201
    assert response.json()["text"] == "Der Text des Kunden."
    assert not respx_mock.calls


@pytest.mark.parametrize("path", ["/score", "/articles"])
def test_neither_text_nor_url_is_a_validation_error(client: TestClient, path: str) -> None:
    response = client.post(path, json={"source": "a.example"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert "`text` is required unless `url` is given" in str(error["details"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://intranet.example/",  # a public-looking name that resolves to 10.0.0.5
        "http://user:pw@donaubote.example/",
        "http://donaubote.example:8080/",
    ],
)
def test_blocked_urls_get_422_url_blocked(
    client: TestClient, respx_mock: respx.MockRouter, dns: dict[str, list[str]], url: str
) -> None:
    dns["intranet.example"] = ["10.0.0.5"]
    for path in ("/score", "/articles"):
        response = client.post(path, json={"url": url})
        assert response.status_code == 422, response.text
        assert error_of(response)["code"] == "url_blocked"
    assert not respx_mock.calls


def test_credentials_are_not_echoed(client: TestClient) -> None:
    response = client.post("/score", json={"url": "http://user:secret@donaubote.example/a"})
    assert error_of(response)["details"]["url"] == "http://***@donaubote.example/a"
    assert "secret" not in response.text


def test_other_schemes_are_not_urls_of_articles(client: TestClient) -> None:
    response = client.post("/score", json={"url": "ftp://donaubote.example/file.txt"})
    assert response.status_code == 422
    assert error_of(response)["code"] == "validation_error"


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        (httpx.Response(404, text="not here"), 422, "upstream_not_found"),
        (httpx.Response(500, text="broken"), 502, "upstream_error"),
        (httpx.ReadTimeout("slow"), 504, "upstream_timeout"),
        (httpx.ConnectError("refused"), 502, "upstream_unreachable"),
        (httpx.Response(200, headers=HTML, text=GERMAN * 3), 413, "upstream_too_large"),
        (
            httpx.Response(200, headers={"content-type": "application/pdf"}),
            422,
            "unsupported_content_type",
        ),
        (httpx.Response(200, headers=HTML, text="<nav>Home</nav>"), 422, "not_an_article"),
        (httpx.Response(302, headers={"location": "http://10.0.0.5/"}), 422, "url_blocked"),
    ],
)
def test_fetch_failures_in_the_one_error_shape(
    small_limits: TestClient,
    respx_mock: respx.MockRouter,
    answer: httpx.Response | Exception,
    status: int,
    code: str,
) -> None:
    respx_mock.get(URL).mock(side_effect=[answer])
    response = small_limits.post("/score", json={"url": URL})
    assert response.status_code == status, response.text
    error = error_of(response)
    assert error["code"] == code
    assert error["details"]["url"]


def test_batch_fetches_items_by_url_and_rejects_only_the_failing_ones(
    client: TestClient, respx_mock: respx.MockRouter, dns: dict[str, list[str]]
) -> None:
    dns["intranet.example"] = ["10.0.0.5"]
    respx_mock.get(URL).respond(200, headers=HTML, text=GERMAN)
    respx_mock.get("https://harbour.example/storm").respond(200, headers=HTML, text=ENGLISH)
    respx_mock.get("https://harbour.example/gone").respond(404)
    items = [
        {"url": URL},
        {"url": "https://harbour.example/gone"},
        {"url": "http://intranet.example/"},
        {"source": "a.example", "text": "Ein Text ohne URL."},
        {"url": "https://harbour.example/storm", "source": "Harbour Herald"},
        {"source": "nothing.example"},
    ]

    result = client.post("/articles/batch", json={"items": items})

    assert result.status_code == 200, result.text
    body = result.json()
    statuses = [(item["status"], (item["error"] or {}).get("code")) for item in body["items"]]
    assert statuses == [
        ("created", None),
        ("rejected", "upstream_not_found"),
        ("rejected", "url_blocked"),
        ("created", None),
        ("created", None),
        ("rejected", "validation_error"),
    ]
    storm = client.get(f"/articles/{body['items'][4]['article_id']}").json()
    assert storm["source"] == "harbour herald"
    assert storm["title"] == "Storm leaves 40,000 homes without power in Cornwall"


def test_score_by_url_and_store(client: TestClient, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(URL).respond(200, headers=HTML, text=GERMAN)
    response = client.post("/score", json={"url": URL, "store": True})
    report = response.json()
    assert report["stored"]["status"] == "created"
    assert report["fetched"]["published_at"]
    assert as_documented(response.content) == response.content
    stored = client.get(f"/articles/{report['stored']['article_id']}").json()
    assert stored["text"] == report["fetched"]["text"]
    assert stored["title"] == "Hochwasser in Passau: Sieben Tote"


def test_a_title_sent_with_a_lone_surrogate_is_echoed_with_a_replacement_character(
    client: TestClient, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(URL).respond(200, headers=HTML, text=GERMAN)
    body = json.dumps({"url": URL, "title": "Flut \ud800 in Passau"})  # sent as \\ud800

    response = client.post("/score", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 200, response.text
    assert response.json()["fetched"]["title"] == "Flut \ufffd in Passau"


def test_allowed_hosts_and_ports_open_a_local_page(
    database_url: str, engine: Engine, respx_mock: respx.MockRouter
) -> None:
    settings = Settings(
        database_url=database_url,
        fetch_allowed_hosts=["127.0.0.1"],
        fetch_allowed_ports=[80, 443, 8765],
    )
    respx_mock.get("http://127.0.0.1:8765/passau.html").respond(200, headers=HTML, text=GERMAN)
    with TestClient(create_app(settings)) as client:
        response = client.post("/score", json={"url": "http://127.0.0.1:8765/passau.html"})
        blocked = client.post("/score", json={"url": "http://169.254.169.254/latest/meta-data/"})
    assert response.status_code == 200, response.text
    assert blocked.status_code == 422


LONG_URL = "https://donaubote.example/" + "p" * 65_600


@pytest.mark.parametrize("path", ["/score", "/articles"])
def test_an_overlong_url_is_refused_before_anything_is_fetched(
    client: TestClient, respx_mock: respx.MockRouter, path: str
) -> None:
    response = client.post(path, json={"url": LONG_URL})

    assert response.status_code == 422
    assert error_of(response)["code"] == "validation_error"
    assert not respx_mock.calls


def test_an_overlong_url_rejects_its_batch_item_only(client: TestClient) -> None:
    good = {"source": "ok.example", "text": "Ein guter Artikel über das Hochwasser in Passau."}
    response = client.post("/articles/batch", json={"items": [good, {"url": LONG_URL}]})

    assert response.status_code == 200, response.text
    statuses = [item["status"] for item in response.json()["items"]]
    assert statuses == ["created", "rejected"]
    assert client.get("/articles", params={"source": "ok.example"}).json()["items"]
