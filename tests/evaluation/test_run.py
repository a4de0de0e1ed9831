"""The labelled set is what the generator makes, and the flaggers meet their targets on it."""

from service.evaluation import run as evaluation

TARGET_PRECISION = 0.9
TARGET_RECALL = 0.85


def test_committed_labelled_set_is_the_generated_one() -> None:
    stories = evaluation.load_stories()
    assert evaluation.build_cases(stories) == evaluation.load_cases()


def test_every_flag_type_meets_its_targets() -> None:
    stories = evaluation.load_stories()
    tallies = evaluation.evaluate(evaluation.load_cases(), stories)

    for flag_type in evaluation.FLAG_TYPES:
        tally = tallies[flag_type]
        assert tally.tp > 20, flag_type
        assert tally.precision >= TARGET_PRECISION, (flag_type, tally)
        assert tally.recall >= TARGET_RECALL, (flag_type, tally)


def test_every_perturbation_kind_is_represented() -> None:
    kinds = {case.perturbation for case in evaluation.load_cases()}
    assert kinds == {None, *evaluation.PERTURBATIONS}
