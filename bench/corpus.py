"""A reproducible corpus of story clusters in German and English.

Each story has a cast (people, places, an organisation), facts (a toll, a count, a date) and
3-12 articles from different outlets; most articles agree on the facts, some misspell a name or
get a number wrong, some are near-copies of another (syndicated wire copy). Filler sentences
draw words from a Zipf-distributed vocabulary, so word frequencies look like news text.
"""

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

_SYLLABLES = (
    "ka ro mi ne lu sa to ve ri na do be li mo ra ke si pa zu ha ne wo ta ge lo vi sch ber".split()
)
_GERMAN_WORDS = """Regierung Bericht Woche Stadt Land Polizei Angaben Zeit Jahr Menschen Leute Frage
Grund Ende Teil Lage Kritik Plan Ziel Hilfe Schutz Markt Preis Kosten Wahl Partei Gericht Urteil
Streit Gespräch Treffen Erklärung Sprecher Minister Behörde Zahl Anfang Ort Straße Haus Schule
wichtig neu groß klein hoch erst weit lang stark schwer deutlich schnell bereits weiterhin erneut
sagte erklärte berichtete meldete forderte kündigte warnte betonte bestätigte gab ging kam stand
""".split()
_ENGLISH_WORDS = """government report week city country police officials time year people question
reason end part situation criticism plan goal aid protection market price costs election party
court ruling dispute talks meeting statement spokesman minister authority number start place
street house school important new large small high first far long strong difficult clear quickly
already still again said explained reported announced demanded warned stressed confirmed
""".split()
_FIRST = (
    "Anna Jonas Maria Lukas Olga Dmitri Sofia Ivan Clara Pavel Marta Oleh Julia Tomas Irina".split()
)
_OUTLET_WORDS = (
    "kurier zeitung post blatt news wire report herald tribune journal bote rundschau".split()
)

DE_TEMPLATES = (
    "Nach Angaben von {org} sind am {date_de} in {place} {toll} Menschen getötet worden.",
    "{person} sagte, die Lage in {place} sei ernst.",
    "Die {org} meldete {count} Festnahmen in {place}.",
    "„Wir werden alles aufklären“, erklärte {person} am Abend.",
    "{person} und {person2} trafen sich in {place} zu Gesprächen.",
)
EN_TEMPLATES = (
    "{toll} people were killed in {place} on {date_en}, {org} said.",
    "{person} said the situation in {place} was serious.",
    "The {org} reported {count} arrests in {place}.",
    '"We will find out what happened," {person} said in the evening.',
    "{person} and {person2} met in {place} for talks.",
)


@dataclass(frozen=True, slots=True)
class Story:
    id: int
    people: tuple[str, ...]
    places: tuple[str, ...]
    org: str
    toll: int
    count: int
    day: datetime


def outlets(rng: random.Random, n: int = 400) -> list[str]:
    names = set()
    while len(names) < n:
        names.add(f"{_word(rng, 2)}-{rng.choice(_OUTLET_WORDS)}.example")
    return sorted(names)


def generate(n_articles: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`n_articles` article dicts (as POST /articles/batch takes them), story by story."""
    rng = random.Random(seed)
    sources = outlets(rng)
    vocabulary = {
        "de": _vocabulary(rng, _GERMAN_WORDS, capitalise=True),
        "en": _vocabulary(rng, _ENGLISH_WORDS, capitalise=False),
    }
    produced = 0
    for story_id in itertools.count():
        story = _story(rng, story_id)
        size = min(rng.randint(3, 12), n_articles - produced)
        for article in _articles(rng, story, size, sources, vocabulary):
            yield article
            produced += 1
        if produced >= n_articles:
            return


def _vocabulary(
    rng: random.Random, seeds: list[str], *, capitalise: bool
) -> tuple[list[str], list[float]]:
    words = list(dict.fromkeys(seeds))
    while len(words) < 5000:
        word = _word(rng, rng.randint(2, 4))
        words.append(word.capitalize() if capitalise and rng.random() < 0.3 else word)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))  # Zipf
    return words, weights


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


def _name(rng: random.Random) -> str:
    return _word(rng, rng.randint(2, 3)).capitalize() + rng.choice(
        ["enko", "ow", "ski", "ner", "ini", "ard", ""]
    )


def _story(rng: random.Random, story_id: int) -> Story:
    people = tuple(f"{rng.choice(_FIRST)} {_name(rng)}" for _ in range(rng.randint(2, 4)))
    places = tuple(_name(rng) for _ in range(rng.randint(1, 2)))
    day = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 330))
    return Story(
        story_id,
        people,
        places,
        f"{_name(rng)}-Behörde",
        rng.randint(2, 300),
        rng.randint(3, 90),
        day,
    )


def _articles(rng, story, size, sources, vocabulary) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    chosen = rng.sample(sources, size)
    wire: str | None = None
    for index, source in enumerate(chosen):
        language = "de" if rng.random() < 0.7 else "en"
        if wire is not None and rng.random() < 0.2:
            text = _near_copy(rng, wire)  # syndicated: the wire text with a small edit
        else:
            text = _text(rng, story, language, vocabulary[language])
            wire = wire or text
        published = story.day + timedelta(hours=rng.randint(0, 36))
        yield {
            "source": source,
            "url": f"https://{source}/{story.id}/{index}",
            "title": f"{story.places[0]}: {story.people[0]}",
            "text": text,
            "language": language,
            "published_at": published.isoformat(),
        }


def _text(
    rng: random.Random, story: Story, language: str, vocabulary: tuple[list[str], list[float]]
) -> str:
    templates = DE_TEMPLATES if language == "de" else EN_TEMPLATES
    wrong = rng.random() < 0.1
    person = story.people[0]
    if rng.random() < 0.1:  # an occasional misspelling of the lead name
        first, last = person.split(" ", 1)
        position = rng.randrange(1, len(last) - 1)
        person = f"{first} {last[:position]}{last[position + 1 :]}"
    facts = {
        "person": person,
        "person2": rng.choice(story.people[1:]),
        "place": rng.choice(story.places),
        "org": story.org,
        "toll": story.toll + (rng.randint(1, 9) if wrong else 0),
        "count": story.count,
        "date_de": f"{story.day.day}. {_MONTHS_DE[story.day.month - 1]}",
        "date_en": f"{_MONTHS_EN[story.day.month - 1]} {story.day.day}",
    }
    sentences = []
    target = rng.randint(2000, 5000)
    while sum(len(s) + 1 for s in sentences) < target:
        if rng.random() < 0.35:
            sentences.append(rng.choice(templates).format(**facts))
        else:
            sentences.append(_filler(rng, vocabulary, facts))
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def _filler(
    rng: random.Random, vocabulary: tuple[list[str], list[float]], facts: dict[str, Any]
) -> str:
    words, weights = vocabulary
    picked = rng.choices(words, cum_weights=weights, k=rng.randint(8, 20))
    if rng.random() < 0.3:
        picked.insert(rng.randrange(len(picked)), facts["place"])
    sentence = " ".join(picked)
    return sentence[0].upper() + sentence[1:] + "."


def _near_copy(rng: random.Random, text: str) -> str:
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 2:
        paragraphs.pop(rng.randrange(len(paragraphs)))
    return "\n\n".join(paragraphs)


_MONTHS_DE = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
_MONTHS_EN = (
    "January February March April May June July August September October November December".split()
)
