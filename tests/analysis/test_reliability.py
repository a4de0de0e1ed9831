"""Truth discovery: sources agreeing with well-supported consensus gain weight."""

from service.analysis.reliability import Check, estimate_reliability


def test_a_source_contradicted_by_independent_voices_loses_weight() -> None:
    checks = [
        Check("wire", ((("paper",), +1), (("radio",), +1), (("farm",), -1))),
        Check("paper", ((("wire",), +1), (("radio",), +1), (("farm",), -1))),
        Check("farm", ((("wire",), -1), (("paper",), -1), (("radio",), -1))),
        Check("radio", ((("wire",), +1), (("paper",), +1))),
    ]

    estimates = estimate_reliability(checks, {})

    assert estimates["farm"].reliability < 0.3
    assert min(estimates[s].reliability for s in ("wire", "paper", "radio")) > 0.7
    assert estimates["farm"].claims > 0


def test_priors_hold_without_evidence_and_yield_to_it() -> None:
    checks = [Check("rated-high", ((("a",), -1), (("b",), -1), (("c",), -1)))] * 5

    estimates = estimate_reliability(checks, {"rated-high": 0.9, "unused": 0.8})

    assert estimates["unused"].reliability == 0.8
    assert estimates["unused"].claims == 0
    assert estimates["rated-high"].reliability < 0.5


def test_no_checks_means_defaults() -> None:
    assert estimate_reliability([], {}) == {}
