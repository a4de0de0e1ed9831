"""The article store over HTTP: idempotent writes, batches, reads, paging and errors."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

ARTICLE = {
    "source": "Tageskurier",
    "title": "Bahnstreik legt Fernverkehr lahm",
    "text": "Die GDL streikt erneut. Rund 80 Prozent der Fernzüge fallen aus, sagte die Bahn.",
    "url": "https://tageskurier.example/wirtschaft/streik?utm_source=feed#top",
    "language": "de",
    "published_at": "2024-03-12T06:10:00+01:00",
}


def article(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "source": f"outlet-{number % 5}.example",
        "text": f"Meldung Nummer {number}: Der Stadtrat beschloss {number} neue Radwege.",
        "published_at": f"2024-01-{1 + number % 28:02d}T12:00:00Z",
        **changes,
    }


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert set(error) == {"code", "message", "details"}
    return error


def test_create_stores_normalised_article(client: TestClient) -> None:
    response = client.post("/articles", json=ARTICLE)

    assert response.status_code == 201
    stored = response.json()
    assert stored["source"] == "tageskurier"
    assert stored["url"] == "https://tageskurier.example/wirtschaft/streik"
    assert stored["published_at"] == "2024-03-12T05:10:00Z"
    assert client.get(f"/articles/{stored['id']}").json() == stored


def test_same_article_twice_is_stored_once(client: TestClient) -> None:
    first = client.post("/articles", json=ARTICLE)
    again = client.post("/articles", json=ARTICLE)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert len(client.get("/articles").json()["items"]) == 1


def test_same_url_is_the_same_article(client: TestClient) -> None:
    first = client.post("/articles", json=ARTICLE).json()
    edited = {**ARTICLE, "text": ARTICLE["text"] + " Update: Der Streik endet am Abend."}

    response = client.post("/articles", json=edited)

    assert response.status_code == 200
    assert response.json()["id"] == first["id"]


def test_same_text_with_other_whitespace_from_same_source_is_the_same_article(
    client: TestClient,
) -> None:
    plain = {"source": "a.example", "text": "Zwei Sätze.   Und noch einer."}
    reflowed = {"source": "A.Example", "text": "Zwei Sätze.\r\nUnd noch einer.\n"}

    first = client.post("/articles", json=plain)
    second = client.post("/articles", json=reflowed)

    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]


def test_same_text_from_another_source_is_another_article(client: TestClient) -> None:
    first = client.post("/articles", json={"source": "a.example", "text": "Gleicher Text."})
    second = client.post("/articles", json={"source": "b.example", "text": "Gleicher Text."})

    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]


def test_source_defaults_to_the_url_host(client: TestClient) -> None:
    body = {"text": "Ein Text.", "url": "https://WWW.Rheinblick.example/a"}

    response = client.post("/articles", json=body)

    assert response.status_code == 201
    assert response.json()["source"] == "rheinblick.example"


def test_batch_stores_valid_items_and_reports_invalid_ones(client: TestClient) -> None:
    items: list[Any] = [article(number) for number in range(50)]
    items[3] = {"source": "x.example", "text": "   \n\t "}
    items[17] = {"text": "Ohne Quelle und ohne URL."}
    items[41] = ["not", "an", "object"]

    response = client.post("/articles/batch", json={"items": items})

    assert response.status_code == 200
    result = response.json()
    assert (result["created"], result["existing"], result["rejected"]) == (47, 0, 3)
    rejected = {
        item["index"]: item["error"] for item in result["items"] if item["status"] == "rejected"
    }
    assert set(rejected) == {3, 17, 41}
    assert all(
        error["code"] == "validation_error" and error["details"] for error in rejected.values()
    )
    assert rejected[17]["details"][0]["message"].endswith(
        "`source` is required unless `url` names a host"
    )
    listed = client.get("/articles", params={"limit": 100}).json()["items"]
    assert len(listed) == 47


def test_batch_repeated_is_idempotent_and_reports_existing(client: TestClient) -> None:
    items = [article(number) for number in range(5)]
    client.post("/articles/batch", json={"items": items})

    result = client.post("/articles/batch", json={"items": [*items, items[0]]}).json()

    assert (result["created"], result["existing"]) == (0, 6)
    assert result["items"][5]["article_id"] == result["items"][0]["article_id"]


def test_batch_over_the_limit_is_refused_whole(client: TestClient) -> None:
    limit = client.app.state.settings.max_batch_items  # type: ignore[attr-defined]
    items = [article(number) for number in range(limit + 1)]

    response = client.post("/articles/batch", json={"items": items})

    error = assert_error(response, 422, "batch_too_large")
    assert error["details"] == {"limit": limit, "items": limit + 1}
    assert client.get("/articles").json()["items"] == []


def test_list_pages_newest_first_with_a_cursor(client: TestClient) -> None:
    client.post("/articles/batch", json={"items": [article(number) for number in range(7)]})

    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/articles", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert len(seen) == 7
    assert seen == sorted(seen, reverse=True)
    assert "text" not in page["items"][0]


def test_list_filters_by_source_and_publication_time(client: TestClient) -> None:
    client.post("/articles/batch", json={"items": [article(number) for number in range(10)]})

    by_source = client.get("/articles", params={"source": "Outlet-1.example"}).json()["items"]
    in_window = client.get(
        "/articles", params={"since": "2024-01-03T00:00:00Z", "until": "2024-01-05T00:00:00Z"}
    ).json()["items"]

    assert {item["source"] for item in by_source} == {"outlet-1.example"}
    assert len(by_source) == 2
    assert sorted(item["published_at"][:10] for item in in_window) == ["2024-01-03", "2024-01-04"]


def test_delete_removes_the_article(client: TestClient) -> None:
    created = client.post("/articles", json=ARTICLE).json()

    assert client.delete(f"/articles/{created['id']}").status_code == 204
    assert_error(client.get(f"/articles/{created['id']}"), 404, "not_found")
    assert_error(client.delete(f"/articles/{created['id']}"), 404, "not_found")
    assert client.post("/articles", json=ARTICLE).status_code == 201


@pytest.mark.parametrize("article_id", ["0", "99999", str(2**40), "abc"])
def test_unknown_or_impossible_ids_are_client_errors(client: TestClient, article_id: str) -> None:
    response = client.get(f"/articles/{article_id}")

    assert response.status_code in (404, 422)
    assert response.json()["error"]["code"] in ("not_found", "validation_error")


def test_unknown_id_is_404(client: TestClient) -> None:
    error = assert_error(client.get("/articles/12345"), 404, "not_found")
    assert error["details"] == {"id": 12345}


def test_json_array_where_an_object_belongs_is_422(client: TestClient) -> None:
    assert_error(client.post("/articles", json=[ARTICLE]), 422, "validation_error")


def test_whitespace_only_text_is_422(client: TestClient) -> None:
    error = assert_error(
        client.post("/articles", json={**ARTICLE, "text": " \n\t\u00a0 "}), 422, "validation_error"
    )
    assert error["details"][0]["loc"] == ["body", "text"]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/articles", content=b'{"text": "abc"', headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    "changes",
    [
        {"language": "German"},
        {"url": "ftp://example.org/a"},
        {"published_at": "yesterday"},
        {"unknown_field": 1},
        {"text": 42},
        {"source": "  "},
    ],
)
def test_invalid_fields_are_422(client: TestClient, changes: dict[str, Any]) -> None:
    assert_error(client.post("/articles", json={**ARTICLE, **changes}), 422, "validation_error")


def test_text_over_the_limit_is_422_with_its_own_code(client: TestClient) -> None:
    limit = client.app.state.settings.max_text_chars  # type: ignore[attr-defined]

    response = client.post("/articles", json={**ARTICLE, "text": "a" * (limit + 1)})

    error = assert_error(response, 422, "text_too_long")
    assert error["details"]["limit"] == limit


def test_control_characters_are_cleaned_not_fatal(client: TestClient) -> None:
    body = b'{"source": "s.example", "text": "Null\\u0000 und\\u0007 Klingel."}'

    response = client.post("/articles", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 201
    assert response.json()["text"] == "Null und Klingel."


@pytest.mark.parametrize("text", ["\u0000\u0001", " \u0000 \u0001 ", "\u200b\ufeff\u2060"])
def test_text_of_only_invisible_characters_is_422(client: TestClient, text: str) -> None:
    assert_error(client.post("/articles", json={**ARTICLE, "text": text}), 422, "validation_error")


def test_control_characters_in_the_source_are_dropped(client: TestClient) -> None:
    response = client.post("/articles", json={"source": "a\u0000.example", "text": "Ein Text."})
    listed = client.get("/articles", params={"source": "\u0000"})

    assert response.json()["source"] == "a.example"
    assert listed.status_code == 200


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_times_without_a_utc_equivalent_are_rejected_not_fatal(
    client: TestClient, moment: str
) -> None:
    single = client.post("/articles", json={**ARTICLE, "published_at": moment})
    batch = client.post(
        "/articles/batch",
        json={"items": [{**ARTICLE, "published_at": moment}, {"source": "b", "text": "Gut."}]},
    )
    listed = client.get("/articles", params={"since": moment})

    assert_error(single, 422, "validation_error")
    assert batch.json()["rejected"] == 1
    assert batch.json()["created"] == 1
    assert_error(listed, 422, "invalid_input")


def test_language_tags_are_reduced_to_the_primary_code(client: TestClient) -> None:
    response = client.post("/articles", json={**ARTICLE, "language": "de-DE"})
    assert response.json()["language"] == "de"


def test_lone_surrogate_is_replaced_not_fatal(client: TestClient) -> None:
    body = b'{"source": "s.example", "text": "kaputt \\ud800 hier"}'

    response = client.post("/articles", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 201
    assert response.json()["text"] == "kaputt \ufffd hier"


def test_twenty_megabyte_body_is_413(client: TestClient) -> None:
    body = b'{"source": "s", "text": "' + b"a" * 20_000_000 + b'"}'

    response = client.post("/articles", content=body, headers={"content-type": "application/json"})

    assert_error(response, 413, "payload_too_large")


def test_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks():  # no Content-Length: the limit must hold while the body streams in
        yield b'{"source": "s", "text": "'
        for _ in range(100):
            yield b"a" * 100_000
        yield b'"}'

    response = client.post(
        "/articles", content=chunks(), headers={"content-type": "application/json"}
    )

    assert_error(response, 413, "payload_too_large")
    assert client.get("/articles").json()["items"] == []


def test_unknown_route_and_method_use_the_error_shape(client: TestClient) -> None:
    assert_error(client.get("/nowhere"), 404, "not_found")
    assert_error(client.put("/articles"), 405, "method_not_allowed")


@pytest.mark.parametrize("cursor", ["bm9wZQ", "YmVmb3JlOiA1", "%%%"])
def test_bad_cursor_is_422(client: TestClient, cursor: str) -> None:
    assert_error(client.get("/articles", params={"cursor": cursor}), 422, "invalid_cursor")


@pytest.mark.parametrize("value", ["0.5", "1700000000", "-3"])
def test_a_bare_number_is_not_a_time(client: TestClient, value: str) -> None:
    listed = client.get("/articles", params={"since": value})
    stored = client.post(
        "/articles", json={"source": "a.example", "text": "Ein Text.", "published_at": value}
    )
    as_number = client.post(
        "/articles", json={"source": "a.example", "text": "Ein Text.", "published_at": 1.5}
    )

    assert listed.status_code == 422
    assert stored.status_code == 422
    assert as_number.status_code == 422
