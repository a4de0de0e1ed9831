"""The review page at GET /: served with its assets and headers, and driven in headless Chromium.

The browser tests need Debian's `chromium` at /usr/bin/chromium (`.ci/run` installs it) and the
`playwright` package (a dev dependency); they skip with the reason when either is missing.
"""

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from bench.load import free_port
from service.main import create_app
from service.settings import Settings
from service.store import migrate
from tests.api.review_corpus import CORPUS, DRAFT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DRAFT_SOURCE = "schnellnews.example"


def test_the_page_is_served_with_a_strict_content_security_policy(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<script src="/static/review.js" defer></script>' in response.text
    assert '<label for="text"' in response.text
    assert 'aria-live="polite"' in response.text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("review.js", "text/javascript"), ("review.css", "text/css"), ("favicon.svg", "image/svg")],
)
def test_the_page_assets_are_served(client: TestClient, name: str, media_type: str) -> None:
    response = client.get(f"/static/{name}")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["content-security-policy"]


@pytest.mark.parametrize("name", ["missing.js", "..%2Fschemas.py", "index.html"])
def test_only_the_page_assets_are_served(client: TestClient, name: str) -> None:
    response = client.get(f"/static/{name}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_page_is_not_part_of_the_api_contract(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert "/" not in paths
    assert not [path for path in paths if path.startswith("/static")]


# --- In the browser -----------------------------------------------------------------------------


@contextmanager
def serving(path: Path, **settings: Any) -> Iterator[str]:
    """The real app served over HTTP by uvicorn (in a thread), on a SQLite file of its own."""
    url = f"sqlite:///{path / 'crosscheck.db'}"
    migrate.upgrade(url)
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(database_url=url, **settings)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not served.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("uvicorn did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        served.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The served app with the story's corpus stored."""
    with serving(tmp_path_factory.mktemp("review-page")) as base:
        for article in CORPUS:
            assert httpx.post(f"{base}/articles", json=article).status_code == 201
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (Debian package `chromium`; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as playwright:
        # Never Playwright's own browser download: the system Chromium, in a fresh profile.
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Any, server: str, locale: str) -> tuple[Any, list[str]]:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 1240})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(server + "/")
    return page, errors


def visible_popover(page: Any) -> Any:
    popover = page.locator(".popover:not([hidden])")
    popover.wait_for(state="visible", timeout=30000)
    return popover


def test_an_editor_scores_a_draft_and_reads_the_evidence(browser: Any, server: str) -> None:
    report = httpx.post(f"{server}/score", json={"text": DRAFT, "source": DRAFT_SOURCE}).json()
    page, errors = open_page(browser, server, "de-DE")

    page.get_by_label("Text des Artikels").fill(DRAFT)
    page.get_by_label("Medium (optional)").fill(DRAFT_SOURCE)
    page.get_by_role("button", name="Prüfen").click()
    page.locator("#article-text mark.claim").first.wait_for(timeout=30000)

    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("#status").text_content().startswith("Geprüft:")
    # The draft starts with an emoji (two UTF-16 units, one code point): highlights must not shift.
    marks = page.locator("#article-text mark.claim")
    assert [mark.text_content() for mark in marks.all()] == [c["text"] for c in report["claims"]]
    assert page.evaluate("codePointOffsets('a\U0001f534b')") == [0, 1, 3, 4]
    drift = page.locator('#article-text mark.flag[data-types~="spelling_drift"]')
    assert [mark.text_content() for mark in drift.all()] == ["Lecorno", "Lecorno"]

    contradicted = page.locator('#article-text mark.claim[data-verdict="contradicted"]')
    assert contradicted.count() == 1
    assert "60 Haubitzen" in contradicted.text_content()
    _tab_to(page, '#article-text mark.claim[data-verdict="contradicted"]')
    popover = visible_popover(page)
    assert popover.get_attribute("id") == contradicted.get_attribute("aria-describedby")
    evidence = popover.text_content()
    assert "widersprochen" in evidence
    assert "hier „60“, anderswo „40“" in evidence
    assert "tageskurier.example" in evidence
    assert "bis zum Frühjahr 40 Haubitzen vom Typ Caesar" in evidence
    assert "Ähnlichkeit 1,00" in evidence
    screenshot = _save_screenshot(page, "review-page.png")

    page.keyboard.press("Escape")
    assert page.locator(".popover:not([hidden])").count() == 0

    drift.first.hover()
    flag = visible_popover(page).text_content()
    assert "gefunden „Lecorno“ → erwartet „Lecornu“" in flag
    assert "by 3 independent sources" in flag
    panel = page.locator("#panel").text_content()
    assert "Abweichende Schreibung (2)" in panel
    assert "danube-daily.example" in panel
    assert errors == []
    print(f"screenshot: {screenshot}")


def test_errors_from_the_api_are_shown_in_words(browser: Any, server: str) -> None:
    page, errors = open_page(browser, server, "en-GB")

    page.get_by_role("button", name="Score").click()
    assert "Paste the article's text" in page.get_by_role("alert").text_content()

    # A URL the service will not fetch: the API's 422 url_blocked, in words.
    page.get_by_label("… or its address (URL)").fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_role("button", name="Score").click()
    alert = page.get_by_role("alert")
    page.locator("#error p + p").wait_for(state="attached", timeout=30000)
    assert "The service does not fetch this address" in alert.text_content()
    assert "not a public address" in alert.text_content()
    assert page.locator("#result").is_hidden()
    # The browser logs the failed request itself; the page adds nothing else.
    assert [e for e in errors if "422" not in e] == []


def test_overlapping_marks_nest_and_article_text_stays_text(browser: Any, server: str) -> None:
    """Two overlapping flags, one running across a claim boundary, after astral characters; the
    text holds markup that must never become markup."""
    text = "𝔸😀 <img src=x onerror=alert(1)> says 5. Then Lecorno spoke 𝔹."
    first_end = text.index("5.") + 2  # Python counts code points, as the API does
    report = {
        "score": 0.5,
        "language": "en",
        "source": {"name": None, "reliability": None, "prior": None},
        "peers": [],
        "voices": [],
        "claims": [
            _claim(text, 3, first_end, "contradicted"),
            _claim(text, first_end + 1, len(text), "unverified"),
        ],
        "flags": [
            _flag(text, first_end - 2, first_end + 6, "translation_artifact"),
            _flag(text, first_end + 6, first_end + 13, "spelling_drift"),
            _flag(text, first_end + 11, first_end + 13, "spelling_drift"),
        ],
    }
    page, errors = open_page(browser, server, "en-GB")

    page.evaluate("([text, report]) => showReport(text, report)", [text, report])

    article = page.locator("#article-text")
    assert article.text_content() == text
    assert page.locator("#article-text img").count() == 0
    claims = page.locator("#article-text > mark.claim")
    assert [c.text_content() for c in claims.all()] == [c["text"] for c in report["claims"]]
    # The artifact flag is cut at the claim boundaries into three pieces, one tab stop; the two
    # overlapping drift flags merge into one mark that explains both.
    pieces = page.locator('#article-text mark.flag[data-cluster="0"]')
    assert [p.text_content() for p in pieces.all()] == ["5.", " ", "Then "]
    assert [p.get_attribute("tabindex") for p in pieces.all()] == ["0", "-1", "-1"]
    merged = page.locator('#article-text mark.flag[data-cluster="1"]')
    assert merged.text_content() == "Lecorno"
    merged.focus()
    assert visible_popover(page).locator(".flag-detail").count() == 2
    assert errors == []


def _claim(text: str, start: int, end: int, verdict: str) -> dict[str, Any]:
    return {
        "text": "".join(list(text)[start:end]),
        "start": start,
        "end": end,
        "verdict": verdict,
        "agreement": 0.0,
        "evidence": [],
        "conflicts": [],
    }


def _flag(text: str, start: int, end: int, kind: str) -> dict[str, Any]:
    return {
        "type": kind,
        "subtype": "peers",
        "start": start,
        "end": end,
        "found": "".join(list(text)[start:end]),
        "expected": None,
        "confidence": 0.5,
        "message": "A message.",
        "evidence": {"count": 0, "sources": []},
    }


def _tab_to(page: Any, selector: str) -> None:
    page.locator("#submit").focus()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    pytest.fail(f"Tab never reached {selector}")


def _save_screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def test_with_keys_configured_the_page_sends_the_key_it_is_given(
    browser: Any, tmp_path: Path
) -> None:
    key = "review-desk-read-key-0123"
    keys = [{"sha256": hashlib.sha256(key.encode()).hexdigest(), "scopes": ["read"]}]
    with serving(tmp_path, api_keys=keys) as base:
        page, errors = open_page(browser, base, "en-GB")
        page.get_by_label("Article text").fill(DRAFT)

        page.get_by_role("button", name="Score").click()
        alert = page.get_by_role("alert")
        page.locator("#error p + p").wait_for(state="attached", timeout=30000)
        assert "The service needs an API key with read access" in alert.text_content()

        page.get_by_label("API key (if required)").fill(key)
        page.get_by_role("button", name="Score").click()
        page.locator("#result").wait_for(state="visible", timeout=30000)
        assert page.get_by_role("alert").is_hidden()
        assert [e for e in errors if "401" not in e] == []
