"""Properties of the analysis core for any Unicode text: it finishes, every offset lies inside
the text and slices it exactly, and the same input gives the same output."""

import itertools
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service.analysis.normalize import normalize_with_offsets
from service.analysis.params import Thresholds
from service.analysis.pipeline import analyze, judge
from service.analysis.records import Analysis, Report

# The README's longer run raises it (CROSSCHECK_FUZZ_EXAMPLES=500).
EXAMPLES = int(os.environ.get("CROSSCHECK_FUZZ_EXAMPLES", "20"))
# What news text scraped from the web and sent through JSON contains besides letters.
AWKWARD = [
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u200d",  # zero-width joiner
    "\u0301",  # combining acute accent
    "\u0308\u0323",  # stacked combining marks
    "\ufeff",
    "\x00",
    "\x1b",
    "\x85",
    "\r\n",
    "\r",
    "\t",
    "\u2028",
    "👩‍👩‍👧",
    "🇩🇪",
    "\ud800",  # lone surrogates, as JSON escapes produce them
    "\udfff",
    "\ud83d",
    "ﬁ",
    "Å",  # decomposes and recomposes under NFC
    "\u0958",  # excluded from NFC composition
    "«",
    "„",
    "“",
    "...",
    ". ",
    "? ",
    "\n\n",
]
WORDS = [
    "Witali",
    "Klitschko",
    "Kyjiw",
    "sagte",
    "5",
    "1.250",
    "2,5",
    "Prozent",
    "März",
    "27.",
    "2024",
    "Menschen",
    "getötet",
    "nicht",
    "Dr.",
    "Sergej",
    "Schoigu",
    "said",
    "people",
    "killed",
    "Siehe auch:",
    "00:00",
]
pieces = st.one_of(
    st.sampled_from(AWKWARD),
    st.sampled_from(WORDS).map(lambda word: word + " "),
    st.characters(),
    st.text(max_size=5),
)
texts = st.lists(pieces, max_size=60).map("".join)
languages = st.sampled_from(["de", "en", None])


def run(text: str, language: str | None) -> tuple[str, tuple[int, ...], Analysis, Report]:
    normalized, offsets = normalize_with_offsets(text)
    analysis = analyze(normalized, language)
    report = judge(normalized, analysis, [], {}, weights={}, thresholds=Thresholds())
    return normalized, offsets, analysis, report


def assert_spans_slice(normalized: str, analysis: Analysis, report: Report) -> None:
    spans = [
        *analysis.sentences,
        *analysis.claims,
        *analysis.mentions,
        *(part for claim in analysis.claims for part in claim.mentions),
        *(part for claim in analysis.claims for part in claim.quantities),
        *(part for claim in analysis.claims for part in claim.dates),
    ]
    for span in spans:
        assert 0 <= span.start <= span.end <= len(normalized)
        assert normalized[span.start : span.end] == span.text
    for flag in report.flags:
        assert 0 <= flag.start <= flag.end <= len(normalized)
        assert normalized[flag.start : flag.end] == flag.found


def assert_offsets_map_back(text: str, normalized: str, offsets: tuple[int, ...]) -> None:
    assert len(offsets) == len(normalized) + 1
    assert offsets[-1] == len(text)
    assert all(a <= b for a, b in itertools.pairwise(offsets))


@given(text=texts, language=languages)
@example(text="\n\u0301Witali Witali 0", language="de")  # once mapped back to the line break
@example(text="\t\u0308\u03235 Siehe auch: ", language="de")  # marks reordered after a tab
@settings(max_examples=EXAMPLES * 10, deadline=None)
def test_any_text_is_analysed_within_its_bounds(text: str, language: str | None) -> None:
    normalized, offsets, analysis, report = run(text, language)

    assert_offsets_map_back(text, normalized, offsets)
    assert_spans_slice(normalized, analysis, report)
    for result in report.claims:
        start, end = offsets[result.claim.start], offsets[result.claim.end]
        assert 0 <= start <= end <= len(text)
        assert normalize_with_offsets(text[start:end])[0] == result.claim.text


@given(text=texts, language=languages)
@settings(max_examples=EXAMPLES * 3, deadline=None)
def test_the_same_text_gives_the_same_analysis_and_report(text: str, language: str | None) -> None:
    first = run(text, language)
    second = run(text, language)

    assert first == second


@given(
    unit=st.lists(pieces, min_size=1, max_size=6).map("".join).filter(bool),
    length=st.integers(min_value=20_000, max_value=100_000),
)
@settings(
    max_examples=max(4, EXAMPLES // 5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_a_line_of_100k_characters_is_analysed(unit: str, length: int) -> None:
    text = (unit * (length // len(unit) + 1))[:length]

    normalized, offsets, analysis, report = run(text, "de")

    assert_offsets_map_back(text, normalized, offsets)
    assert_spans_slice(normalized, analysis, report)


def test_many_names_on_one_line_are_flagged_in_linear_time() -> None:
    # Checking each name's line for residue once per name took minutes here.
    text = "Ab " * 15_000

    normalized, _, analysis, report = run(text, "de")

    assert_spans_slice(normalized, analysis, report)
