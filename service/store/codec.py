"""Stored analyses: compact JSON without the texts, which are sliced from the article on load."""

from typing import Any

from service.analysis.claims import content_terms
from service.analysis.records import Analysis, Claim, DateRef, Mention, Quantity, Sentence


def dump_analysis(analysis: Analysis) -> dict[str, Any]:
    return {
        "language": analysis.language,
        "sentences": [[s.start, s.end] for s in analysis.sentences],
        "claims": [_dump_claim(claim) for claim in analysis.claims],
        "names": list(analysis.name_keys),
        "mentions": [[m.start, m.end, m.key] for m in analysis.mentions],
    }


def load_analysis(data: dict[str, Any], text: str) -> Analysis:
    sentences = tuple(
        Sentence(index, start, end, text[start:end])
        for index, (start, end) in enumerate(data["sentences"])
    )
    claims = tuple(_load_claim(index, raw, text) for index, raw in enumerate(data["claims"]))
    mentions = tuple(Mention(s, e, text[s:e], key) for s, e, key in data.get("mentions", ()))
    return Analysis(
        data["language"], sentences, claims, tuple(data["names"]), content_terms(text), mentions
    )


def _dump_claim(claim: Claim) -> list[Any]:
    return [
        claim.start,
        claim.end,
        claim.negated,
        claim.attribution,
        claim.quoted,
        [[m.start, m.end, m.key] for m in claim.mentions],
        [[q.start, q.end, q.value, q.unit, q.approximate] for q in claim.quantities],
        [[d.start, d.end, d.year, d.month, d.day] for d in claim.dates],
    ]


def _load_claim(index: int, raw: list[Any], text: str) -> Claim:
    start, end, negated, attribution, quoted, mentions, quantities, dates = raw
    return Claim(
        index=index,
        start=start,
        end=end,
        text=text[start:end],
        mentions=tuple(Mention(s, e, text[s:e], key) for s, e, key in mentions),
        quantities=tuple(
            Quantity(s, e, text[s:e], value, unit, approx)
            for s, e, value, unit, approx in quantities
        ),
        dates=tuple(DateRef(s, e, text[s:e], y, m, d) for s, e, y, m, d in dates),
        negated=negated,
        attribution=attribution,
        quoted=quoted,
    )
