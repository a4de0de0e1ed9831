"""From fetched bytes to an article: the charset, then the main text and its metadata."""

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import charset_normalizer
import trafilatura

from service.errors import NotAnArticle, UnsupportedContent
from service.fetch.client import Page

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_LOOKS_LIKE_HTML = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)", re.IGNORECASE | re.DOTALL
)
# Browsers read these labels as windows-1252, and so do news pages that declare them.
_WINDOWS_1252_ALIASES = frozenset({"iso8859-1", "latin-1", "latin_1", "ascii", "us-ascii"})
_SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the page says: its main text and, when the page tells, title and publication time."""

    text: str
    title: str | None
    published_at: datetime | None
    url: str


def extract(page: Page, *, min_chars: int) -> Extracted:
    """The article in `page`; plain text is taken as it is, HTML through trafilatura."""
    media_type = page.content_type or ("text/html" if _LOOKS_LIKE_HTML.match(page.body) else "")
    if media_type == "text/plain":
        return _checked(Extracted(decode(page.body, page.charset), None, None, page.url), min_chars)
    if media_type not in HTML_TYPES:
        raise UnsupportedContent(
            f"the page is {media_type or 'of no declared type'}, not HTML or plain text",
            details={"url": page.url, "content_type": media_type or None},
        )
    html = decode(page.body, page.charset, sniff_meta=True)
    document = trafilatura.bare_extraction(
        html,
        url=page.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        # Dates in the markup only: a date mentioned in the text is not the publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None:
        raise _not_an_article(page.url, 0, min_chars)
    text = document.text or ""
    return _checked(
        Extracted(text, document.title or None, _date(document.date), page.url), min_chars
    )


def decode(body: bytes, declared: str | None, *, sniff_meta: bool = False) -> str:
    """The text of `body`: BOM first; then valid UTF-8 wins over any declaration (pages that
    are UTF-8 but say Latin-1 are common, and non-ASCII Latin-1 is never valid UTF-8); then
    the header's charset, the <meta> charset, and a statistical guess."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    candidates = ["utf-8", declared, _meta_charset(body) if sniff_meta else None]
    for encoding in filter(None, candidates):
        text = _strict(body, encoding)
        if text is not None:
            return text
    guess = charset_normalizer.from_bytes(body).best()
    if guess is not None:
        return str(guess)
    return body.decode("windows-1252", errors="replace")


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name in _WINDOWS_1252_ALIASES:
        name = "windows-1252"
    try:
        return body.decode(name)
    except (UnicodeDecodeError, ValueError):
        return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _checked(article: Extracted, min_chars: int) -> Extracted:
    length = len(article.text.strip())
    if length < min_chars:
        raise _not_an_article(article.url, length, min_chars)
    return article


def _not_an_article(url: str, length: int, min_chars: int) -> NotAnArticle:
    return NotAnArticle(
        f"no article text found on the page ({length} characters; at least {min_chars} needed)",
        details={"url": url, "length": length, "min_chars": min_chars},
    )
