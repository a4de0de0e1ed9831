"""Reading articles from disk for `crosscheck ingest`: JSON Lines, JSON, and plain text files."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".jsonl", ".ndjson", ".json", ".txt")


@dataclass(frozen=True, slots=True)
class FileItem:
    """One article read from disk, or the reason it could not be read."""

    origin: str
    data: dict[str, Any] | None = None
    error: str | None = None


def expand(paths: list[Path]) -> list[Path]:
    """Files named directly, and the article files inside named folders (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES))
        else:
            files.append(path)
    return files


def read_items(path: Path, *, defaults: dict[str, Any]) -> Iterator[FileItem]:
    """The articles in one file; `defaults` fill fields an item does not set (e.g. `source`)."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield FileItem(str(path), error=f"cannot read file: {exc}")
        return
    if path.suffix in (".jsonl", ".ndjson"):
        yield from _json_lines(path, content, defaults)
    elif path.suffix == ".json":
        yield from _json_document(path, content, defaults)
    else:
        yield FileItem(str(path), data={**defaults, "text": content})


def read_urls(path: Path, *, defaults: dict[str, Any]) -> Iterator[FileItem]:
    """One article to fetch per line of a list of URLs (blank lines and # comments skipped)."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield FileItem(str(path), error=f"cannot read file: {exc}")
        return
    for number, line in enumerate(content.splitlines(), start=1):
        url = line.strip()
        if url and not url.startswith("#"):
            yield FileItem(f"{path}:{number}", data={**defaults, "url": url})


def _json_lines(path: Path, content: str, defaults: dict[str, Any]) -> Iterator[FileItem]:
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip():
            yield _parsed(f"{path}:{number}", line, defaults)


def _json_document(path: Path, content: str, defaults: dict[str, Any]) -> Iterator[FileItem]:
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        yield FileItem(str(path), error=f"invalid JSON: {exc}")
        return
    documents = document if isinstance(document, list) else [document]
    for number, item in enumerate(documents):
        yield _item(f"{path}[{number}]", item, defaults)


def _parsed(origin: str, raw: str, defaults: dict[str, Any]) -> FileItem:
    try:
        return _item(origin, json.loads(raw), defaults)
    except json.JSONDecodeError as exc:
        return FileItem(origin, error=f"invalid JSON: {exc}")


def _item(origin: str, item: Any, defaults: dict[str, Any]) -> FileItem:
    if not isinstance(item, dict):
        return FileItem(origin, error="an article must be a JSON object")
    return FileItem(origin, data={**defaults, **item})
