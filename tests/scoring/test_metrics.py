"""Every metric agrees with its reference library, and the whole registry obeys common laws.

Parity runs on generated data (hypothesis); the laws (row order does not matter, a perfect
prediction reaches the optimum, values stay within the bounds) run over every registered metric,
so a new metric is checked the day it is added.
"""

from __future__ import annotations

import doctest
import importlib
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import CHRF
from sklearn import metrics as sk

from aileague.scoring import metrics, ranking
from aileague.scoring.metrics import METRICS, get_metric, known_metric_names

TOLERANCE = 1e-9
FEW = settings(max_examples=60, deadline=None, database=None)


def close(ours: float, reference: float) -> bool:
    return math.isclose(ours, reference, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


from tests.scoring.examples import examples_for  # noqa: E402
from tests.scoring.examples.binary_probability import binary_cases  # noqa: E402
from tests.scoring.examples.common import TEXT  # noqa: E402,F401
from tests.scoring.examples.multiclass_label import label_cases  # noqa: E402
from tests.scoring.examples.regression import regression_cases  # noqa: E402
from tests.scoring.examples.text import text_cases  # noqa: E402

# --- Parity with the reference libraries -------------------------------------------------------


@FEW
@given(binary_cases())
def test_roc_auc_equals_sklearn_with_tied_scores(case):
    y_true, y_score = case
    assert close(metrics.roc_auc_score(y_true, y_score), sk.roc_auc_score(y_true, y_score))


def test_roc_auc_counts_a_tie_between_classes_as_one_half():
    y_true = np.array([0, 1, 0, 1])
    y_score = np.array([0.5, 0.5, 0.2, 0.9])
    assert metrics.roc_auc_score(y_true, y_score) == 0.875
    assert sk.roc_auc_score(y_true, y_score) == 0.875


def test_roc_auc_of_constant_scores_is_one_half():
    assert metrics.roc_auc_score(np.array([0, 1, 1, 0]), np.full(4, 0.3)) == 0.5


def test_roc_auc_refuses_a_reference_with_one_class():
    with pytest.raises(ValueError, match="both classes"):
        metrics.roc_auc_score(np.array([1, 1]), np.array([0.2, 0.8]))


@FEW
@given(binary_cases())
def test_log_loss_equals_sklearn_including_clipped_zero_and_one(case):
    y_true, y_prob = case
    assert close(metrics.log_loss(y_true, y_prob), sk.log_loss(y_true, y_prob, labels=[0, 1]))


@FEW
@given(label_cases())
def test_accuracy_equals_sklearn(case):
    y_true, y_pred, _ = case
    assert close(metrics.accuracy_score(y_true, y_pred), sk.accuracy_score(y_true, y_pred))


@FEW
@given(label_cases())
def test_f1_macro_equals_sklearn_over_the_labels_present_in_truth_or_prediction(case):
    y_true, y_pred, n_labels = case
    present = np.union1d(y_true, y_pred)
    expected = sk.f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0.0)
    assert close(metrics.f1_macro_score(y_true, y_pred, n_labels=n_labels), expected)
    # n_labels only sizes the count arrays: inferring it gives the same value.
    assert metrics.f1_macro_score(y_true, y_pred) == metrics.f1_macro_score(
        y_true, y_pred, n_labels=n_labels
    )


def test_f1_macro_leaves_out_a_label_nobody_used():
    # Label 2 is in neither array: it is left out, as scikit-learn does by default.
    y_true = np.array([0, 0, 1, 1])
    y_pred = np.array([0, 1, 1, 1])
    assert metrics.f1_macro_score(y_true, y_pred, n_labels=3) == 0.7333333333333334
    assert sk.f1_score(y_true, y_pred, average="macro") == 0.7333333333333334
    # Counting it as a zero would punish every team for a label the test set does not contain.
    all_labels = sk.f1_score(y_true, y_pred, labels=[0, 1, 2], average="macro", zero_division=0.0)
    assert all_labels == pytest.approx(0.4888888888888889, abs=1e-15)


def test_f1_macro_counts_a_label_only_predicted_as_zero():
    # Label 2 is predicted once but never true: it is present, with F1 0.
    y_true = np.array([0, 1, 1])
    y_pred = np.array([0, 1, 2])
    assert metrics.f1_macro_score(y_true, y_pred, n_labels=3) == pytest.approx(
        (1.0 + 2 / 3 + 0.0) / 3, abs=1e-15
    )


@FEW
@given(regression_cases())
def test_rmse_equals_sklearn(case):
    y_true, y_pred = case
    expected = sk.root_mean_squared_error(y_true, y_pred)
    assert close(metrics.root_mean_squared_error(y_true, y_pred), expected)


@FEW
@given(regression_cases())
def test_mse_equals_sklearn(case):
    y_true, y_pred = case
    assert close(metrics.mean_squared_error(y_true, y_pred), sk.mean_squared_error(y_true, y_pred))


@FEW
@given(regression_cases())
def test_mae_equals_sklearn(case):
    y_true, y_pred = case
    expected = sk.mean_absolute_error(y_true, y_pred)
    assert close(metrics.mean_absolute_error(y_true, y_pred), expected)


@FEW
@given(text_cases())
def test_chrf_equals_sacrebleu_corpus_chrf(case):
    references, hypotheses = case
    expected = CHRF().corpus_score(hypotheses, [references]).score
    assert close(metrics.chrf_score(references, hypotheses), expected)


@FEW
@given(text_cases())
def test_chrf_plus_plus_equals_sacrebleu_with_word_order_two(case):
    references, hypotheses = case
    expected = CHRF(word_order=2).corpus_score(hypotheses, [references]).score
    assert close(metrics.chrf_score(references, hypotheses, word_order=2), expected)


def test_chrf_takes_references_first_and_hypotheses_second():
    # chrF weights recall twice as much as precision (beta=2), so swapping the arguments shows.
    references, hypotheses = ["the cat sat on the mat"], ["the cat"]
    ours = metrics.chrf_score(references, hypotheses)
    assert ours == CHRF().corpus_score(hypotheses, [references]).score
    assert ours != CHRF().corpus_score(references, [hypotheses]).score


def test_chrf_signature_names_the_metric_the_sacrebleu_version_and_the_normalisation():
    # chrF++ and the other text metrics' signatures: tests/scoring/test_metrics_text.py.
    version = importlib.import_module("sacrebleu").__version__
    assert metrics.chrf_signature() == f"chrf|sacrebleu:{version}|nfc"


PARITY_TESTED = {"roc_auc", "log_loss", "accuracy", "f1_macro", "rmse", "mse", "mae", "chrf"}


def test_every_registered_metric_has_a_parity_test():
    """Each test module of a metric family lists the metrics it checks in PARITY_TESTED."""
    tested: set[str] = set()
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"tests.scoring.{path.stem}")
        tested |= getattr(module, "PARITY_TESTED", set())
    assert sorted(set(METRICS) - tested) == []


@pytest.mark.parametrize("name", sorted(METRICS))
def test_reference_library_named_by_each_metric_exists(name):
    module_name, _, attribute = METRICS[name].reference.rpartition(".")
    assert callable(getattr(importlib.import_module(module_name), attribute))


# --- Laws over the whole registry --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(METRICS))
def test_direction_follows_the_scikit_learn_naming_convention(name):
    metric = METRICS[name]
    function = metric.func.__name__
    assert function.endswith(("_score", "_error", "_loss"))
    assert metric.higher_is_better == function.endswith("_score")


@pytest.mark.parametrize("name", sorted(METRICS))
def test_optimum_is_the_bound_in_the_metric_direction(name):
    metric = METRICS[name]
    expected = metric.upper_bound if metric.higher_is_better else metric.lower_bound
    assert metric.optimum == expected
    assert metric.lower_bound < metric.upper_bound


@pytest.mark.parametrize("name", sorted(METRICS))
def test_row_order_does_not_change_the_value(name):
    metric = METRICS[name]
    examples = examples_for(metric)

    @FEW
    @given(st.data())
    def check(data):
        args = data.draw(examples.cases(metric))
        order = data.draw(st.permutations(range(examples.rows(args))))
        assert close(metric(*examples.reorder(args, order)), metric(*args))

    check()


@pytest.mark.parametrize(
    "name", sorted(name for name, metric in METRICS.items() if metric.exact_in_any_order)
)
def test_a_metric_exact_in_any_order_gives_the_same_bits_for_every_row_order(name):
    """The flag lets a shuffled file be scored in its own order (``kinds.base.Aligned``)."""
    metric = METRICS[name]
    examples = examples_for(metric)

    @FEW
    @given(st.data())
    def check(data):
        args = data.draw(examples.cases(metric))
        order = data.draw(st.permutations(range(examples.rows(args))))
        assert metric(*examples.reorder(args, order)) == metric(*args)

    check()


def test_the_metrics_exact_in_any_order_are_the_counting_ones():
    exact = {name for name, metric in METRICS.items() if metric.exact_in_any_order}
    assert {"roc_auc", "roc_auc_ovr", "average_precision", "accuracy", "f1_macro"} <= exact
    assert not exact & {"log_loss", "rmse", "mae", "r2", "bleu", "ndcg"}


@pytest.mark.parametrize("name", sorted(METRICS))
def test_perfect_prediction_reaches_the_optimum(name):
    metric = METRICS[name]
    examples = examples_for(metric)

    @FEW
    @given(examples.cases(metric))
    def check(args):
        # log_loss clips probabilities to [eps, 1 - eps], so "perfect" is eps-close to 0.
        assert metric(*examples.perfect(args)) == pytest.approx(metric.optimum, abs=1e-12)

    check()


@pytest.mark.parametrize("name", sorted(METRICS))
def test_value_stays_within_the_declared_bounds(name):
    metric = METRICS[name]
    examples = examples_for(metric)

    @FEW
    @given(examples.cases(metric))
    def check(args):
        value = metric(*args)
        assert metric.lower_bound <= value <= metric.upper_bound
        assert isinstance(value, float)

    check()


@pytest.mark.parametrize("name", known_metric_names())
def test_every_known_name_resolves_to_a_metric_of_that_name(name):
    # ``ndcg@k`` is asked for as ``ndcg@3``; ``mrr`` and ``mrr@k`` are both known names.
    asked = name.replace("@k", "@3")
    metric = get_metric(asked)
    assert (metric.name, metric.kinds) == (asked, METRICS[name.partition("@")[0]].kinds)


def test_get_metric_names_the_known_metrics_when_asked_for_an_unknown_one():
    with pytest.raises(KeyError) as raised:
        get_metric("blue")
    assert raised.value.args == (
        f"unknown metric 'blue'; known: {', '.join(known_metric_names())}",
    )
    assert "roc_auc" in known_metric_names()


# --- The examples in the docstrings are tests too ----------------------------------------------


def _scoring_modules():
    import importlib
    import pkgutil

    import aileague.scoring as package

    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]


SCORING_MODULES = _scoring_modules()


@pytest.mark.parametrize("module", SCORING_MODULES, ids=lambda module: module.__name__)
def test_docstring_examples_of_scoring_modules_pass(module):
    result = doctest.testmod(module, verbose=False, report=False)
    assert result.failed == 0


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_registered_metric_has_a_docstring_example(name):
    assert ">>>" in (METRICS[name].func.__doc__ or "")


def test_ranking_docstrings_carry_examples():
    assert doctest.testmod(ranking, report=False).attempted == 3
