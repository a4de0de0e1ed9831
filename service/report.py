"""The person-readable report of `crosscheck score`: one claim per line, coloured by verdict."""

from rich.console import Console
from rich.markup import escape

from service.api.schemas import ScoreResponse

MAX_PEERS = 10
_STYLE = {"supported": "green", "contradicted": "bold red", "mixed": "yellow", "unverified": "dim"}
_MARK = {"supported": "✓", "contradicted": "✗", "mixed": "~", "unverified": "?"}


def print_report(response: ScoreResponse, console: Console) -> None:
    source = response.source
    rating = f"{source.reliability:.2f}" if source.reliability is not None else "not learned yet"
    console.print(
        f"[bold]score {response.score:.2f}[/bold]  language {response.language or '?'}  "
        f"source {escape(source.name or '-')} (reliability {rating})"
    )
    voices = {voice.id: voice for voice in response.voices}
    console.print(f"{len(response.peers)} peers in {len(voices)} independent voices")
    for peer in response.peers[:MAX_PEERS]:
        line = f"#{peer.article_id} {escape(peer.source)} {peer.similarity:.2f} voice {peer.voice}"
        console.print(f"  [dim]{line}[/dim]")
    if len(response.peers) > MAX_PEERS:
        console.print(f"  [dim]... and {len(response.peers) - MAX_PEERS} more[/dim]")
    for claim in response.claims:
        style = _STYLE[claim.verdict]
        text = " ".join(claim.text.split())
        console.print(
            f"[{style}]{_MARK[claim.verdict]} {claim.verdict:<12} {claim.agreement:.2f}[/{style}] "
            f"{escape(text[:140])}"
        )
        for conflict in claim.conflicts:
            console.print(
                f"    [red]{conflict.kind}: says {escape(conflict.found)}, "
                f"{', '.join(conflict.sources)} say {escape(conflict.expected)}[/red]"
            )
    _print_flags(response, console)


def _print_flags(response: ScoreResponse, console: Console) -> None:
    if response.flags:
        console.print(f"[bold]{len(response.flags)} flags[/bold]")
    for flag in response.flags:
        expected = f" -> {escape(flag.expected)}" if flag.expected else ""
        console.print(
            f"  [magenta]{flag.type}/{flag.subtype}[/magenta] {flag.confidence:.2f} "
            f"“{escape(' '.join(flag.found.split())[:80])}”{expected}"
        )
