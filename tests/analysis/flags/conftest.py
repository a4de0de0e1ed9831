"""Run the flaggers on texts written for the tests, with peers built from more such texts."""

from collections.abc import Callable

import pytest

from service.analysis.flags import consensus_of, find_flags
from service.analysis.pipeline import PeerAnalysis, analyze
from service.analysis.records import Flag

FlagRun = Callable[..., list[Flag]]


@pytest.fixture
def flags() -> FlagRun:
    def run(
        text: str,
        language: str = "de",
        peers: tuple[str, ...] = (),
        peer_language: str | None = None,
    ) -> list[Flag]:
        peer_records = tuple(
            PeerAnalysis.of(analyze(peer, peer_language or language)).peer(
                n, f"peer{n}.example", 1.0, n
            )
            for n, peer in enumerate(peers)
        )
        found = find_flags(text, analyze(text, language), consensus_of(peer_records))
        assert all(text[f.start : f.end] == f.found for f in found)
        return list(found)

    return run


def kinds(found: list[Flag]) -> list[tuple[str, str, str | None]]:
    return [(f.subtype, f.found, f.expected) for f in found]
