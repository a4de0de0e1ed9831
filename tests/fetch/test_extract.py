"""From fetched bytes to an article: charsets, boilerplate, metadata, content types."""

from datetime import UTC, datetime

import pytest

from service.errors import NotAnArticle, UnsupportedContent
from service.fetch.client import Page
from service.fetch.extract import decode, extract
from tests.factories import page

GERMAN = page("passau_de.html")
ENGLISH = page("storm_en.html")
UMLAUTS = "Oberbürgermeister Jürgen Dupper sprach am Montag von der schwersten Flut seit 2013."


def html(body: bytes, charset: str | None = None, content_type: str = "text/html") -> Page:
    return Page(url="https://news.example/a", content_type=content_type, charset=charset, body=body)


def test_only_the_article_comes_back_from_a_page_full_of_boilerplate() -> None:
    article = extract(html(GERMAN.encode(), "utf-8"), min_chars=200)

    assert UMLAUTS in article.text
    assert "rund 400 Menschen ihre Wohnungen verlassen" in article.text
    for furniture in (
        "Startseite",
        "Cookies",
        "Alle akzeptieren",
        "Mehr zum Thema",
        "Pegelstände in ganz Bayern",
        "Newsletter",
        "abonnieren",
        "Impressum",
        "Verlag GmbH",
    ):
        assert furniture not in article.text
    assert article.title == "Hochwasser in Passau: Sieben Tote"
    assert article.published_at == datetime(2024, 6, 3, tzinfo=UTC)


def test_english_page_metadata_and_text() -> None:
    article = extract(html(ENGLISH.encode()), min_chars=200)

    assert article.text.startswith("Storm leaves 40,000 homes")
    assert "Engineers restored electricity to 25,000 homes" in article.text
    for furniture in ("We use cookies", "Related stories", "Ferry passengers face", "Copyright"):
        assert furniture not in article.text
    assert article.title == "Storm leaves 40,000 homes without power in Cornwall"
    assert article.published_at == datetime(2024, 11, 24, tzinfo=UTC)


def _legacy(text: str, *, meta: str | None) -> bytes:
    """The German page as a windows-1252 site serves it, with `meta` as its <meta charset>."""
    declared = f'<meta charset="{meta}">' if meta else ""
    return text.replace('<meta charset="utf-8">', declared).encode("windows-1252")


@pytest.mark.parametrize(
    ("header", "meta"),
    [
        ("utf-8", None),  # declared wrongly in the header, nothing in the page
        (None, None),  # declared nowhere
        (None, "windows-1252"),  # declared in the page only
        ("iso-8859-1", None),  # declared as Latin-1, which browsers read as windows-1252
        ("no-such-charset", "utf-8"),  # declared wrongly twice, once as nonsense
    ],
)
def test_german_windows_1252_page_keeps_its_umlauts(header: str | None, meta: str | None) -> None:
    article = extract(html(_legacy(GERMAN, meta=meta), header), min_chars=200)
    assert UMLAUTS in article.text
    assert "\ufffd" not in article.text


def test_utf8_page_declared_as_latin1_is_read_as_utf8() -> None:
    article = extract(html(GERMAN.encode(), "iso-8859-1"), min_chars=200)
    assert UMLAUTS in article.text


def test_decode_prefers_a_byte_order_mark() -> None:
    assert decode("\ufeffGrüße".encode("utf-8"), "windows-1252") == "Grüße"
    assert decode("Grüße".encode("utf-16"), None) == "Grüße"


def test_plain_text_is_taken_as_it_is() -> None:
    text = "Zeile eins über die Flut.\n\nZeile zwei mit Maßnahmen. " * 5
    article = extract(
        html(text.encode("windows-1252"), None, content_type="text/plain"), min_chars=50
    )
    assert article.text == text
    assert article.title is None


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json"])
def test_other_content_types_are_refused(content_type: str) -> None:
    with pytest.raises(UnsupportedContent) as raised:
        extract(html(b"%PDF-1.7 ...", None, content_type=content_type), min_chars=10)
    assert raised.value.details["content_type"] == content_type


def test_html_without_a_content_type_is_recognised() -> None:
    assert UMLAUTS in extract(html(GERMAN.encode(), None, content_type=""), min_chars=200).text
    with pytest.raises(UnsupportedContent):
        extract(html(b"\x89PNG\r\n", None, content_type=""), min_chars=10)


@pytest.mark.parametrize(
    "body",
    [
        "<html><body><nav><a href='/'>Home</a></nav><footer>Impressum</footer></body></html>",
        "<html><body><p>Bitte melden Sie sich an.</p></body></html>",
        "",
    ],
)
def test_pages_without_article_text_are_not_articles(body: str) -> None:
    with pytest.raises(NotAnArticle):
        extract(html(body.encode(), "utf-8"), min_chars=200)
