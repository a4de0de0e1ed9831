"""Story peers: words and names many stored stories share are no evidence of the same story."""

from service.analysis.params import Thresholds
from service.analysis.peers import eligible, story_terms
from service.analysis.pipeline import analyze, choose_peers
from service.analysis.records import Candidate

BERLIN = (
    "On Friday, lawmakers in Berlin passed the budget for next year. The budget sets aside more "
    "money for schools, roads and railways. It is sound, said finance minister Lindner, while "
    "the opposition said the budget was unfair."
)
VIENNA = BERLIN.replace("Berlin", "Vienna").replace("Lindner", "Brunner")
BERLIN_AGAIN = (
    "In Berlin, finance minister Lindner defended the budget. On Friday lawmakers approved it, "
    "and Lindner spoke of a sound budget."
)


def chosen(topic_words: frozenset[str] = frozenset()) -> list[int]:
    return chosen_for(BERLIN, {1: VIENNA, 2: BERLIN_AGAIN}, topic_words)


def chosen_for(text: str, others: dict[int, str], topic_words: frozenset[str]) -> list[int]:
    """The ids of `others` (texts by id, each of its own source) chosen as peers of `text`."""
    peers = choose_peers(
        analyze(text, "en"),
        candidates_of(others),
        own_source="me",
        own_hash="hash-self",
        published_at=None,
        thresholds=Thresholds(),
        topic_words=topic_words,
    )
    return [candidate.article_id for candidate, _ in peers]


def candidates_of(others: dict[int, str]) -> list[Candidate]:
    """`others` (texts by id) as candidates, each of its own source and text."""
    return [
        Candidate(i, f"source-{i}.example", analyze(other, "en").features, f"hash-{i}")
        for i, other in others.items()
    ]


def test_a_story_worded_alike_on_the_same_topic_is_a_peer_while_its_words_are_rare() -> None:
    assert chosen() == [1, 2]


def test_topic_words_leave_only_the_report_of_the_same_story() -> None:
    shared = {t for t, _ in analyze(BERLIN, "en").features.words}
    shared &= {t for t, _ in analyze(VIENNA, "en").features.words}

    assert chosen(frozenset(shared)) == [2]


SUMMIT = (
    "Chancellor Olaf Scholz met President Emmanuel Macron in Berlin on Tuesday. Scholz and "
    "Macron agreed on a new fund for Ukraine. Energy minister Kristina Oberhauser said the fund "
    "would grow to 40 billion euros."
)
SUMMIT_AGAIN = (
    "Kristina Oberhauser, the energy minister, said the fund agreed by Scholz and Macron would "
    "reach 40 billion euros."
)
TOPIC = frozenset({"olaf", "scholz", "emmanuel", "macron", "berlin"})
TRADE_FAIR = (
    "In Berlin, Olaf Scholz and Emmanuel Macron opened a trade fair on Tuesday. Scholz praised "
    "the visitors, Macron the exhibitors."
)


def test_names_many_stored_articles_hold_are_no_evidence_of_the_same_story() -> None:
    """The names of a topic (a capital, heads of state) are in many stored stories; the
    story's own names ("Oberhauser") tell it apart."""
    others = {1: TRADE_FAIR, 2: SUMMIT_AGAIN}

    assert chosen_for(SUMMIT, others, frozenset()) == [2, 1]
    assert chosen_for(SUMMIT, others, TOPIC) == [2]


def test_another_articles_own_names_weigh_as_little_as_the_common_share_of_ours() -> None:
    """Whether the capitals a report lists are common is not known when it is compared; they
    count at the share of the article's own names that tell its story (four of nine here), so
    that a report naming many of them does not lose the story it shares."""
    listing = (
        "Kristina Oberhauser said the fund would help. Ministers from Paris, Rome, Madrid, "
        "Warsaw, Vienna, Prague, Lisbon, Oslo, Dublin, Tallinn and Athens attended, as did "
        "Scholz and Macron."
    )

    assert chosen_for(SUMMIT, {1: listing}, TOPIC) == [1]


def test_only_candidates_of_other_sources_texts_and_days_are_eligible() -> None:
    day = 86400.0
    near, far, own, same_text = (
        Candidate(i, source, analyze(BERLIN_AGAIN, "en").features, digest, published)
        for i, source, digest, published in [
            (1, "a.example", "hash-1", 10 * day),
            (2, "b.example", "hash-2", 30 * day),
            (3, "me", "hash-3", 10 * day),
            (4, "c.example", "hash-self", 10 * day),
        ]
    )
    found = eligible(
        [near, far, own, same_text],
        own_source="me",
        own_hash="hash-self",
        published_at=11 * day,
        thresholds=Thresholds(story_window_days=3),
    )

    assert [c.article_id for c in found] == [1]


def test_the_story_terms_are_the_words_a_candidate_shares_and_every_name() -> None:
    article = analyze(SUMMIT, "en")
    candidates = candidates_of({1: SUMMIT_AGAIN})
    held = {t for t, _ in candidates[0].features.words}

    terms = story_terms(article, candidates)

    words = [t for t, _ in article.features.words]
    names = {"kristina", "oberhauser", "olaf", "scholz", "emmanuel", "macron", "berlin", "ukraine"}
    assert set(terms) == {t for t in words if t in held} | names
    assert "tuesday" in words
    assert "tuesday" not in terms  # no candidate writes it


def test_topic_words_outside_the_story_terms_change_no_choice() -> None:
    """The caller asks the store only about the story terms: whatever the store would say of
    the article's other words, the same peers are chosen."""
    article = analyze(SUMMIT, "en")
    others = {1: TRADE_FAIR, 2: SUMMIT_AGAIN, 3: VIENNA}
    candidates = candidates_of(others)
    everything = frozenset(t for t, _ in article.features.words) | TOPIC
    asked = frozenset(story_terms(article, candidates))

    for topic in (everything, TOPIC | {"fund", "tuesday"}, frozenset({"energy", "tuesday"})):
        assert chosen_for(SUMMIT, others, topic) == chosen_for(SUMMIT, others, topic & asked)
