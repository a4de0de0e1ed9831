"""Story peers: words many stored stories share are no evidence of the same story."""

from service.analysis.params import Thresholds
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
    article = analyze(BERLIN, "en")
    candidates = [
        Candidate(1, "vienna.example", analyze(VIENNA, "en").features, "hash-1"),
        Candidate(2, "berlin.example", analyze(BERLIN_AGAIN, "en").features, "hash-2"),
    ]
    peers = choose_peers(
        article,
        candidates,
        own_source="me",
        own_hash="hash-self",
        published_at=None,
        thresholds=Thresholds(),
        topic_words=topic_words,
    )
    return [candidate.article_id for candidate, _ in peers]


def test_a_story_worded_alike_on_the_same_topic_is_a_peer_while_its_words_are_rare() -> None:
    assert chosen() == [1, 2]


def test_topic_words_leave_only_the_report_of_the_same_story() -> None:
    shared = {t for t, _ in analyze(BERLIN, "en").features.words}
    shared &= {t for t, _ in analyze(VIENNA, "en").features.words}

    assert chosen(frozenset(shared)) == [2]
