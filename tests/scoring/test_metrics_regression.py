"""Regression metrics equal scikit-learn's on generated data; SMAPE equals its definition."""

from __future__ import annotations

import math
import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

from aileague.scoring.metrics import regression
from tests.scoring.examples.common import REAL
from tests.scoring.examples.regression import regression_cases

TOLERANCE = 1e-9
FEW = settings(max_examples=100, deadline=None, database=None)

PARITY_TESTED = {"mse", "rmse", "mae", "r2", "rmsle", "mape", "smape"}

ABOVE_MINUS_ONE = st.floats(-1.0, 1e6, exclude_min=True, allow_nan=False)


def close(ours: float, reference: float) -> bool:
    return math.isclose(ours, reference, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def smape_by_definition(y_true, y_pred) -> float:
    """SMAPE written out row by row: mean of 2|ŷ − y| / (|y| + |ŷ|), 0 where both are 0."""
    terms = []
    for truth, guess in zip(y_true, y_pred, strict=True):
        scale = abs(truth) + abs(guess)
        terms.append(0.0 if scale == 0 else 2 * abs(guess - truth) / scale)
    return math.fsum(terms) / len(terms)


@st.composite
def constant_or_not(draw, elements=REAL, min_size=1):
    """Like regression_cases, but a third of the targets are constant (R²'s 0/0)."""
    y_true, y_pred = draw(
        regression_cases(elements=elements).filter(lambda a: a[0].size >= min_size)
    )
    if draw(st.integers(0, 2)) == 0:
        y_true = np.full_like(y_true, y_true[0])
        if draw(st.booleans()):
            y_pred = y_true.copy()
    return y_true, y_pred


@FEW
@given(regression_cases())
def test_mse_rmse_mae_equal_sklearn(case):
    y_true, y_pred = case
    assert close(
        regression.mean_squared_error(y_true, y_pred), sk.mean_squared_error(y_true, y_pred)
    )
    expected = sk.root_mean_squared_error(y_true, y_pred)
    assert close(regression.root_mean_squared_error(y_true, y_pred), expected)
    expected = sk.mean_absolute_error(y_true, y_pred)
    assert close(regression.mean_absolute_error(y_true, y_pred), expected)


@FEW
@given(constant_or_not(min_size=2))
def test_r2_equals_sklearn_including_constant_targets(case):
    y_true, y_pred = case
    ours = regression.r2_score(y_true, y_pred)  # never warns, even when it overflows
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        assert close(ours, sk.r2_score(y_true, y_pred))


def test_r2_of_a_constant_target_follows_sklearn_force_finite():
    y_true = np.array([3.0, 3.0, 3.0])
    assert regression.r2_score(y_true, y_true.copy()) == 1.0 == sk.r2_score(y_true, y_true)
    y_pred = np.array([3.0, 3.0, 4.0])
    assert regression.r2_score(y_true, y_pred) == 0.0 == sk.r2_score(y_true, y_pred)


def test_r2_of_one_row_raises_where_sklearn_returns_nan():
    with pytest.raises(ValueError, match="two rows"):
        regression.r2_score(np.array([1.0]), np.array([2.0]))


@FEW
@given(regression_cases(elements=ABOVE_MINUS_ONE))
def test_rmsle_equals_sklearn_root_of_mean_squared_log_error(case):
    y_true, y_pred = case
    ours = regression.root_mean_squared_log_error(y_true, y_pred)
    assert close(ours, sk.root_mean_squared_log_error(y_true, y_pred))
    assert close(ours, math.sqrt(sk.mean_squared_log_error(y_true, y_pred)))


@pytest.mark.parametrize("bad", [-1.0, -2.5])
def test_rmsle_refuses_values_of_minus_one_or_less_as_sklearn(bad):
    with pytest.raises(ValueError, match="greater than -1"):
        regression.root_mean_squared_log_error(np.array([1.0, bad]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="greater than -1"):
        regression.root_mean_squared_log_error(np.array([1.0, 1.0]), np.array([bad, 1.0]))
    with pytest.raises(ValueError, match="-1"):
        sk.root_mean_squared_log_error([1.0, bad], [1.0, 1.0])


@FEW
@given(constant_or_not())
def test_mape_equals_sklearn_including_zero_targets(case):
    y_true, y_pred = case
    expected = sk.mean_absolute_percentage_error(y_true, y_pred)
    assert close(regression.mean_absolute_percentage_error(y_true, y_pred), expected)


def test_mape_divides_by_epsilon_for_a_zero_target_as_sklearn():
    y_true, y_pred = np.array([0.0, 2.0]), np.array([1.0, 1.0])
    expected = (1 / np.finfo(np.float64).eps + 0.5) / 2
    assert regression.mean_absolute_percentage_error(y_true, y_pred) == expected
    assert sk.mean_absolute_percentage_error(y_true, y_pred) == expected


@FEW
@given(constant_or_not())
def test_smape_equals_its_definition_row_by_row(case):
    y_true, y_pred = case
    expected = smape_by_definition(y_true.tolist(), y_pred.tolist())
    assert close(regression.symmetric_mean_absolute_percentage_error(y_true, y_pred), expected)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "expected"),
    [
        ([100.0], [110.0], 20 / 210),  # 2·10 / (100 + 110)
        ([100.0], [50.0], 2 / 3),  # over- and under-forecasting by the same ratio differ
        ([50.0], [100.0], 2 / 3),  # but swapping y and ŷ does not: it is symmetric
        ([0.0], [0.0], 0.0),  # 0/0 counts as a perfect row
        ([0.0], [5.0], 2.0),  # one side 0: the maximum
        ([1.0], [-1.0], 2.0),  # opposite signs: the maximum
        ([-4.0], [-2.0], 2 / 3),  # negative values use absolute values
        ([100.0, 0.0, 1.0], [110.0, 0.0, -1.0], (20 / 210 + 0.0 + 2.0) / 3),
    ],
)
def test_smape_documented_values(y_true, y_pred, expected):
    ours = regression.symmetric_mean_absolute_percentage_error(np.array(y_true), np.array(y_pred))
    assert ours == pytest.approx(expected, rel=1e-15)
    assert smape_by_definition(y_true, y_pred) == pytest.approx(expected, rel=1e-15)


@FEW
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=REAL))
def test_smape_stays_within_zero_and_two(y_true):
    y_pred = y_true[::-1].copy()
    assert 0.0 <= regression.symmetric_mean_absolute_percentage_error(y_true, y_pred) <= 2.0


def test_shapes_must_match():
    with pytest.raises(ValueError, match="shape"):
        regression.mean_absolute_error(np.array([1.0, 2.0]), np.array([1.0]))
