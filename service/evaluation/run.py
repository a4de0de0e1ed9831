"""Build the labelled set from the stories, and measure the flaggers on it."""

import json
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from service.analysis.flags import consensus_of, find_flags
from service.analysis.pipeline import PeerAnalysis, analyze
from service.analysis.records import Flag
from service.evaluation.perturb import PERTURBATIONS, Gold

__all__ = ["PERTURBATIONS", "Case", "Gold", "Tally"]

SEED = 20240322
FLAG_TYPES = ("spelling_drift", "translation_artifact", "scraping_residue")


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    story: str
    source: str
    language: str
    perturbation: str | None
    text: str
    gold: list[Gold] = field(default_factory=list)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def packaged(name: str) -> Path:
    return Path(str(resources.files("service.evaluation").joinpath(name)))


def load_stories(path: Path | None = None) -> list[dict[str, Any]]:
    lines = (path or packaged("stories.jsonl")).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def build_cases(stories: list[dict[str, Any]], seed: int = SEED) -> list[Case]:
    """Every article clean, and once with each perturbation that applies to it."""
    rng = random.Random(seed)
    cases = []
    for article in stories:
        base = f"{article['story']}/{article['source']}/{article['language']}"
        cases.append(
            Case(
                f"{base}/clean",
                article["story"],
                article["source"],
                article["language"],
                None,
                article["text"],
            )
        )
        names = peer_names(stories, article)
        for kind, perturb in PERTURBATIONS.items():
            perturbed = perturb(article["text"], article["language"], rng, names)
            if perturbed is not None:
                text, gold = perturbed
                cases.append(
                    Case(
                        f"{base}/{kind}",
                        article["story"],
                        article["source"],
                        article["language"],
                        kind,
                        text,
                        gold,
                    )
                )
    return cases


def peer_names(stories: list[dict[str, Any]], article: dict[str, Any]) -> frozenset[str]:
    """Names the other same-language articles of the story use."""
    return frozenset(
        mention.text
        for other in stories
        if other["story"] == article["story"]
        and other is not article
        and other["language"] == article["language"]
        for mention in analyze(other["text"], other["language"]).mentions
    )


def write_cases(cases: list[Case], path: Path) -> None:
    lines = [json.dumps({**asdict(case)}, ensure_ascii=False) for case in cases]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_cases(path: Path | None = None) -> list[Case]:
    lines = (path or packaged("labelled.jsonl")).read_text(encoding="utf-8").splitlines()
    cases = []
    for line in filter(str.strip, lines):
        raw = json.loads(line)
        cases.append(Case(**{**raw, "gold": [Gold(**gold) for gold in raw["gold"]]}))
    return cases


def flags_for(case: Case, stories: list[dict[str, Any]]) -> tuple[Flag, ...]:
    """The case's flags, with the other articles of its story (their clean texts) as peers."""
    others = [
        a
        for a in stories
        if a["story"] == case.story and (a["source"], a["language"]) != (case.source, case.language)
    ]
    peers = tuple(
        PeerAnalysis.of(analyze(article["text"], article["language"])).peer(
            n, article["source"], 1.0, n
        )
        for n, article in enumerate(others)
    )
    return find_flags(case.text, analyze(case.text, case.language), consensus_of(peers))


def evaluate(cases: list[Case], stories: list[dict[str, Any]]) -> dict[str, Tally]:
    """Precision and recall per flag type and per type/subtype, by overlapping spans."""
    tallies: dict[str, Tally] = {}
    for case in cases:
        predicted = flags_for(case, stories)
        for key, (tp, fp, fn) in _match(predicted, case.gold).items():
            tally = tallies.setdefault(key, Tally())
            tally.tp, tally.fp, tally.fn = tally.tp + tp, tally.fp + fp, tally.fn + fn
    return dict(sorted(tallies.items()))


def figures(cases: list[Case], tallies: dict[str, Tally]) -> dict[str, Any]:
    return {
        "cases": len(cases),
        "flags": {
            key: {"precision": t.precision, "recall": t.recall, "tp": t.tp, "fp": t.fp, "fn": t.fn}
            for key, t in tallies.items()
        },
    }


def _match(predicted: tuple[Flag, ...], gold: list[Gold]) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, Counter[str]] = {}
    for level in ("type", "subtype"):
        unmatched = list(gold)
        for flag in predicted:
            key = flag.type if level == "type" else f"{flag.type}/{flag.subtype}"
            hit = next(
                (
                    g
                    for g in unmatched
                    if _same(flag, g, level) and flag.start < g.end and g.start < flag.end
                ),
                None,
            )
            counts.setdefault(key, Counter())["tp" if hit else "fp"] += 1
            if hit:
                unmatched.remove(hit)
        for g in unmatched:
            key = g.type if level == "type" else f"{g.type}/{g.subtype}"
            counts.setdefault(key, Counter())["fn"] += 1
    return {key: (c["tp"], c["fp"], c["fn"]) for key, c in counts.items()}


def _same(flag: Flag, gold: Gold, level: str) -> bool:
    if level == "type":
        return flag.type == gold.type
    return (flag.type, flag.subtype) == (gold.type, gold.subtype) or (
        flag.type == gold.type == "spelling_drift"
    )
