"""Aggregation of jury reviews: exact small cases, edge cases and simulated juries."""

import numpy as np
import pytest
from scipy.stats import kendalltau, spearmanr, trim_mean

from aileague.judging.methods.aggregation import METHODS, aggregate

# Judge 0 reviews entries 0, 1, 3; judge 1 reviews entries 1, 2, 3. On the shared entries
# judge 0 is 2 and 0 points higher, so the fitted offsets differ by 1.
SMALL = {
    "entry": [0, 1, 1, 2, 3, 3],
    "judge": [0, 0, 1, 1, 0, 1],
    "score": [6.0, 8.0, 6.0, 4.0, 7.0, 7.0],
}


def simulated_jury(seed, *, n_entries=300, n_judges=60, reviews=3, severity=1.0, noise=0.7):
    """True qualities, and `reviews` reviews per entry by distinct random judges."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(6.0, 1.2, n_entries)
    offset = rng.normal(0.0, severity, n_judges)
    judge = np.argsort(rng.random((n_entries, n_judges)), axis=1)[:, :reviews].ravel()
    entry = np.repeat(np.arange(n_entries), reviews)
    score = quality[entry] + offset[judge] + rng.normal(0.0, noise, entry.size)
    return quality, entry, judge, score


def test_judge_offset_small_case_matches_hand_computed_least_squares():
    # Offsets minimise ((2 - d)**2 + d**2) / 2 in d = o0 - o1, so d = 1 and o = (0.5, -0.5).
    # RSS = 1 with 6 reviews and 4 + 2 - 1 = 5 parameters, so sigma2 = 1.
    result = aggregate(**SMALL, n_entries=4, n_judges=2)

    assert result.method == "judge_offset"
    assert result.raw_mean.tolist() == [6.0, 7.0, 4.0, 7.0]
    assert result.score == pytest.approx([5.5, 7.0, 4.5, 7.0], abs=1e-12)
    assert result.judge_offset == pytest.approx([0.5, -0.5], abs=1e-12)
    # var = (n_e * sigma2 + sum_j sigma2 / m_j) / n_e**2 with m_j = 3.
    expected_var = [(1 + 1 / 3) / 1, (2 + 2 / 3) / 4, (1 + 1 / 3) / 1, (2 + 2 / 3) / 4]
    assert result.stderr == pytest.approx(np.sqrt(expected_var), abs=1e-12)
    assert result.n_reviews.tolist() == [1, 2, 1, 2]
    # Judge-adjusted reviews of entry 1 are 7.5 and 6.5, of entry 3 are 6.5 and 7.5.
    assert result.spread == pytest.approx([0.0, 1.0, 0.0, 1.0], abs=1e-12)
    assert result.flagged.tolist() == [False, False, False, False]
    assert result.components == 1


def test_mean_small_case_uses_pooled_within_entry_variance():
    result = aggregate(**SMALL, n_entries=4, n_judges=2, method="mean")

    assert result.score.tolist() == [6.0, 7.0, 4.0, 7.0]
    # Deviations: entry 1 is +-1, entry 3 is 0; 6 reviews - 4 entries = 2 dof, sigma2 = 1.
    assert result.stderr == pytest.approx([1.0, np.sqrt(0.5), 1.0, np.sqrt(0.5)], abs=1e-12)
    assert result.spread.tolist() == [0.0, 2.0, 0.0, 0.0]
    assert result.judge_offset is None


def test_entries_without_reviews_are_nan_and_never_flagged():
    for method in METHODS:
        result = aggregate(
            [0, 0, 2],
            [0, 1, 1],
            [5.0, 9.0, 3.0],
            n_entries=4,
            n_judges=3,
            method=method,
            disagreement=1.0,
        )

        assert np.isnan(result.raw_mean[[1, 3]]).all()
        assert np.isnan(result.score[[1, 3]]).all()
        assert np.isnan(result.stderr[[1, 3]]).all()
        assert np.isnan(result.spread[[1, 3]]).all()
        assert result.flagged[[1, 3]].tolist() == [False, False]
        assert result.n_reviews.tolist() == [2, 0, 1, 0]
        if result.judge_offset is not None:
            assert np.isnan(result.judge_offset[2])


def test_no_reviews_at_all_gives_all_nan():
    for method in METHODS:
        result = aggregate([], [], [], n_entries=3, n_judges=2, method=method)

        assert np.isnan(result.score).all()
        assert np.isnan(result.raw_mean).all()
        assert result.flagged.tolist() == [False, False, False]
        assert result.components == 0


def test_entry_with_large_disagreement_is_flagged_for_an_extra_review():
    entry = [0, 0, 0, 1, 1, 1]
    judge = [0, 1, 2, 0, 1, 2]
    score = [2.0, 5.0, 9.0, 6.0, 6.5, 7.0]

    result = aggregate(entry, judge, score, n_entries=2, n_judges=3, method="mean")

    assert result.spread.tolist() == [7.0, 1.0]
    assert result.flagged.tolist() == [True, False]
    strict = aggregate(
        entry, judge, score, n_entries=2, n_judges=3, method="mean", disagreement=7.0
    )
    assert strict.flagged.tolist() == [False, False]


def test_judge_offset_does_not_flag_disagreement_explained_by_severity():
    # Judge 1 is consistently 4 points harsher than judge 0; their raw reviews differ by 4.
    entry = [0, 0, 1, 1, 2, 2]
    judge = [0, 1, 0, 1, 0, 1]
    score = [9.0, 5.0, 7.0, 3.0, 8.0, 4.0]

    raw = aggregate(entry, judge, score, n_entries=3, n_judges=2, method="mean")
    calibrated = aggregate(entry, judge, score, n_entries=3, n_judges=2)

    assert raw.flagged.tolist() == [True, True, True]
    assert calibrated.flagged.tolist() == [False, False, False]
    assert calibrated.judge_offset == pytest.approx([2.0, -2.0], abs=1e-12)
    assert calibrated.score == pytest.approx([7.0, 5.0, 6.0], abs=1e-12)


@pytest.mark.parametrize("trim", [0.0, 0.1, 0.2, 1 / 3, 0.4])
def test_trimmed_mean_matches_scipy_per_entry(trim):
    rng = np.random.default_rng(7)
    counts = rng.integers(1, 9, size=50)
    entry = rng.permutation(np.repeat(np.arange(50), counts))
    score = rng.normal(5.0, 2.0, entry.size).round(1)  # rounding makes ties
    judge = rng.integers(0, 20, entry.size)

    result = aggregate(
        entry, judge, score, n_entries=50, n_judges=20, method="trimmed_mean", trim=trim
    )

    expected = [trim_mean(score[entry == e], trim) for e in range(50)]
    assert result.score == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_trimmed_mean_of_three_reviews_with_a_third_cut_is_the_median():
    result = aggregate(
        [0, 0, 0],
        [0, 1, 2],
        [1.0, 7.0, 8.0],
        n_entries=1,
        n_judges=3,
        method="trimmed_mean",
        trim=1 / 3,
    )

    assert result.score.tolist() == [7.0]


def test_zscore_standardises_each_judge_and_maps_back_to_the_scale():
    # Judge 0 uses 2..6, judge 1 uses 6..10 on the same three entries: identical z-scores.
    entry = [0, 1, 2, 0, 1, 2]
    judge = [0, 0, 0, 1, 1, 1]
    score = [2.0, 4.0, 6.0, 6.0, 8.0, 10.0]

    result = aggregate(entry, judge, score, n_entries=3, n_judges=2, method="zscore")

    global_mean, global_std = np.mean(score), np.std(score)
    z = np.array([-1.0, 0.0, 1.0]) * np.sqrt(3 / 2)
    assert result.score == pytest.approx(global_mean + global_std * z, abs=1e-12)
    assert result.judge_offset == pytest.approx([-2.0, 2.0], abs=1e-12)
    assert result.spread == pytest.approx([0.0, 0.0, 0.0], abs=1e-12)


def test_zscore_takes_a_single_review_judge_at_face_value_and_a_flat_judge_as_average():
    # Judge 2 has one review: standardised with the global mean and deviation, i.e. unchanged.
    # Judge 1 gives everything 5: no preference, each review maps to the global mean.
    entry = [0, 1, 0, 1, 2]
    judge = [0, 0, 1, 1, 2]
    score = [3.0, 7.0, 5.0, 5.0, 9.0]

    result = aggregate(entry, judge, score, n_entries=3, n_judges=3, method="zscore")

    mean, std = np.mean(score), np.std(score)
    assert result.score[2] == pytest.approx(9.0, abs=1e-12)
    assert result.score[0] == pytest.approx(((mean - std) + mean) / 2, abs=1e-12)
    assert result.score[1] == pytest.approx(((mean + std) + mean) / 2, abs=1e-12)


def test_zscore_is_invariant_to_an_affine_rescaling_of_one_judge():
    _, entry, judge, score = simulated_jury(3, n_entries=60, n_judges=12)
    before = aggregate(entry, judge, score, n_entries=60, n_judges=12, method="zscore")
    rescaled = np.where(judge == 4, 2.5 * score - 3.0, score)

    after = aggregate(entry, judge, rescaled, n_entries=60, n_judges=12, method="zscore")

    # The global mean and deviation move, so scores change, but only by one affine map.
    slope, intercept = np.polyfit(before.score, after.score, 1)
    assert after.score == pytest.approx(slope * before.score + intercept, abs=1e-9)
    assert slope > 0


def test_adding_a_constant_to_one_judge_shifts_judge_offset_scores_uniformly():
    _, entry, judge, score = simulated_jury(5, n_entries=80, n_judges=16)
    before = aggregate(entry, judge, score, n_entries=80, n_judges=16)
    shifted = np.where(judge == 7, score + 2.0, score)

    after = aggregate(entry, judge, shifted, n_entries=80, n_judges=16)

    # Offsets sum to zero, so every quality moves by 2 / n_judges and the ranking stays.
    assert after.score - before.score == pytest.approx(np.full(80, 2.0 / 16), abs=1e-9)
    assert np.argsort(after.score).tolist() == np.argsort(before.score).tolist()
    assert after.judge_offset[7] - before.judge_offset[7] == pytest.approx(2.0 - 2.0 / 16)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_is_equivariant_to_shifting_all_scores(method):
    _, entry, judge, score = simulated_jury(11, n_entries=40, n_judges=10)
    before = aggregate(entry, judge, score, n_entries=40, n_judges=10, method=method)

    after = aggregate(entry, judge, score + 1.5, n_entries=40, n_judges=10, method=method)

    assert after.score == pytest.approx(before.score + 1.5, abs=1e-9)
    assert after.stderr == pytest.approx(before.stderr, abs=1e-9)
    assert after.flagged.tolist() == before.flagged.tolist()


@pytest.mark.parametrize("method", METHODS)
def test_every_method_ignores_the_order_of_reviews(method):
    _, entry, judge, score = simulated_jury(13, n_entries=40, n_judges=10)
    order = np.random.default_rng(0).permutation(entry.size)
    before = aggregate(entry, judge, score, n_entries=40, n_judges=10, method=method)

    after = aggregate(
        entry[order], judge[order], score[order], n_entries=40, n_judges=10, method=method
    )

    assert after.score == pytest.approx(before.score, abs=1e-9)
    assert after.spread == pytest.approx(before.spread, abs=1e-12)


def test_components_count_disconnected_panels_and_offsets_sum_to_zero_in_each():
    # Panel A: judges 0, 1 on entries 0, 1. Panel B: judges 2, 3 on entries 2, 3. Judge 4 idle.
    entry = [0, 0, 1, 1, 2, 2, 3, 3]
    judge = [0, 1, 0, 1, 2, 3, 2, 3]
    score = [7.0, 5.0, 6.0, 5.0, 3.0, 4.0, 8.0, 8.0]

    result = aggregate(entry, judge, score, n_entries=4, n_judges=5)

    assert result.components == 2
    assert result.judge_offset[0] + result.judge_offset[1] == pytest.approx(0.0, abs=1e-12)
    assert result.judge_offset[2] + result.judge_offset[3] == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(result.judge_offset[4])


def test_invalid_input_is_rejected():
    with pytest.raises(ValueError, match="unknown method"):
        aggregate([0], [0], [1.0], n_entries=1, n_judges=1, method="median")
    with pytest.raises(ValueError, match="out of range"):
        aggregate([1], [0], [1.0], n_entries=1, n_judges=1)
    with pytest.raises(ValueError, match="finite"):
        aggregate([0], [0], [np.nan], n_entries=1, n_judges=1)
    with pytest.raises(ValueError, match="same length"):
        aggregate([0, 0], [0], [1.0], n_entries=1, n_judges=1)
    with pytest.raises(ValueError, match="trim"):
        aggregate([0], [0], [1.0], n_entries=1, n_judges=1, method="trimmed_mean", trim=0.5)


def test_calibrated_ranking_beats_the_raw_mean_on_simulated_juries():
    # 30 juries: 300 entries, 60 judges with severity ~ N(0, 1), noise ~ N(0, 0.7), 3 reviews
    # per entry by distinct random judges.
    figures = {method: {"spearman": [], "kendall": []} for method in METHODS}
    for seed in range(30):
        quality, entry, judge, score = simulated_jury(seed)
        for method in METHODS:
            result = aggregate(entry, judge, score, n_entries=300, n_judges=60, method=method)
            figures[method]["spearman"].append(spearmanr(result.score, quality).statistic)
            figures[method]["kendall"].append(kendalltau(result.score, quality).statistic)
            assert result.components == 1

    raw_rho = np.array(figures["mean"]["spearman"])
    raw_tau = np.array(figures["mean"]["kendall"])
    offset_rho = np.array(figures["judge_offset"]["spearman"])
    offset_tau = np.array(figures["judge_offset"]["kendall"])
    zscore_rho = np.array(figures["zscore"]["spearman"])
    # Measured: mean Spearman 0.845 raw, 0.921 z-score, 0.932 judge offset.
    assert raw_rho.mean() < 0.86
    assert offset_rho.mean() > 0.92
    assert offset_rho.mean() - raw_rho.mean() > 0.07
    assert offset_tau.mean() - raw_tau.mean() > 0.07
    assert int((offset_rho > raw_rho).sum()) == 30
    assert int((offset_tau > raw_tau).sum()) == 30
    assert int((zscore_rho > raw_rho).sum()) == 30
    assert offset_rho.mean() > zscore_rho.mean()


def test_judge_offset_stderr_matches_the_actual_error_on_a_simulated_jury():
    quality, entry, judge, score = simulated_jury(99, n_entries=2000, n_judges=300)

    result = aggregate(entry, judge, score, n_entries=2000, n_judges=300)

    # The quality scale's origin is arbitrary (offsets sum to zero), so compare centred errors.
    error = result.score - quality
    actual = np.std(error - error.mean())
    assert 0.9 < np.mean(result.stderr) / actual < 1.1


def test_ten_thousand_entries_times_three_reviews_aggregate_in_one_pass():
    quality, entry, judge, score = simulated_jury(1, n_entries=10_000, n_judges=2_000)

    result = aggregate(entry, judge, score, n_entries=10_000, n_judges=2_000)

    assert result.components == 1
    assert spearmanr(result.score, quality).statistic > 0.93
