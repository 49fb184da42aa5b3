"""The matching library on hand-built pairs and on generated markets with known good matches."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import lil_matrix
from sklearn.metrics import ndcg_score

from aileague.outcomes.matching import (
    COMPONENTS,
    PartnerInterests,
    ProjectFeatures,
    Weights,
    assign_introductions,
    encode,
    evaluation,
    explain,
    greedy_introductions,
    score_matrix,
    top_partners,
    top_projects,
)
from aileague.outcomes.matching.assignment import units
from aileague.outcomes.matching.evaluation import ndcg_at_k, precision_at_k, recall_at_k
from aileague.outcomes.matching.market import pair_values
from aileague.outcomes.matching.synthetic import generate

ASEAN = {"ASEAN": ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN")}

INVESTOR = PartnerInterests(
    tracks=frozenset({"ecommerce"}),
    countries=frozenset({"ASEAN"}),
    tags=frozenset({"OCR", "computer vision"}),
    readiness_min=5,
    readiness_max=8,
    ticket_min=1_000_000,
    ticket_max=10_000_000,
)
FIT = ProjectFeatures(
    track="ecommerce",
    country="VN",
    tags=frozenset({"ocr", "NLP"}),
    readiness=7,
    seeking=5_000_000,
)


def only(market, partner=0, project=0):
    (match,) = [m for m in top_projects(market, k=100)[partner] if m.project == project]
    return match


# --- the formula on hand-built pairs -------------------------------------------------------


def test_a_pair_inside_every_interest_scores_its_weighted_components():
    match = only(encode([INVESTOR], [FIT], regions=ASEAN))
    # Tags: one shared of two each, cosine 1 / sqrt(2 · 2).
    assert {c: round(v, 12) for c, v in match.values.items()} == {
        "track": 1.0,
        "country": 1.0,
        "tags": 0.5,
        "readiness": 1.0,
        "ticket": 1.0,
        "prior": 0.0,
    }
    assert round(match.score, 12) == 0.85  # (3 + 2 + 2·0.5 + 1 + 1.5) / 10
    assert round(sum(match.contributions.values()), 12) == round(match.score, 12)


def test_readiness_outside_the_range_loses_a_third_per_level():
    project = ProjectFeatures(track="ecommerce", country="VN", readiness=3)
    assert round(only(encode([INVESTOR], [project])).values["readiness"], 12) == round(1 / 3, 12)
    project = ProjectFeatures(track="ecommerce", country="VN", readiness=9)
    assert round(only(encode([INVESTOR], [project])).values["readiness"], 12) == round(2 / 3, 12)


def test_ticket_penalty_is_the_log_distance_outside_the_range():
    above = ProjectFeatures(track="x", country="VN", seeking=50_000_000)
    far_below = ProjectFeatures(track="x", country="VN", seeking=50_000)
    unknown = ProjectFeatures(track="x", country="VN", seeking=None)
    market = encode([INVESTOR], [above, far_below, unknown])
    values = [
        m.values["ticket"] for m in sorted(top_projects(market, k=3)[0], key=lambda m: m.project)
    ]
    assert [round(v, 6) for v in values] == [round(1 - math.log10(5), 6), 0.0, 0.5]


def test_pilot_sites_ignore_tickets():
    site = PartnerInterests(ticket_min=1_000_000, ticket_max=2_000_000, uses_tickets=False)
    project = ProjectFeatures(track="x", country="VN", seeking=900_000_000)
    assert only(encode([site], [project])).values["ticket"] == 0.5


def test_unstated_interests_are_neutral_between_match_and_mismatch():
    open_partner = PartnerInterests()
    match = only(encode([open_partner], [FIT]))
    assert match.values == {
        "track": 0.5,
        "country": 0.5,
        "tags": 0.5,
        "readiness": 1.0,
        "ticket": 0.5,
        "prior": 0.0,
    }


def test_a_target_country_counts_less_than_the_home_country_and_asean_expands():
    partner = PartnerInterests(countries=frozenset({"ASEAN"}))
    home = ProjectFeatures(track="x", country="TH")
    targets = ProjectFeatures(track="x", country="CN", target_countries=frozenset({"VN"}))
    neither = ProjectFeatures(track="x", country="CN", target_countries=frozenset({"CN"}))
    ranked = top_projects(encode([partner], [neither, targets, home], regions=ASEAN), k=3)[0]
    assert [(m.project, m.values["country"]) for m in ranked] == [(2, 1.0), (1, 0.75), (0, 0.0)]


def test_tags_compare_case_and_space_insensitively():
    partner = PartnerInterests(tags=frozenset({"Computer  Vision"}))
    project = ProjectFeatures(track="x", country="VN", tags=frozenset({"computer vision"}))
    assert only(encode([partner], [project])).values["tags"] == 1.0


def test_explain_names_the_interests_met_strongest_first():
    project = ProjectFeatures(**{**FIT.__dict__, "prior": 1.0})
    match = only(encode([INVESTOR], [project], regions=ASEAN))
    reasons = explain(INVESTOR, project, match, regions=ASEAN)
    assert [(r.code, r.detail) for r in reasons] == [
        ("track", {"track": "ecommerce"}),
        ("home_country", {"country": "VN"}),
        ("ticket", {"seeking": 5_000_000, "min": 1_000_000, "max": 10_000_000}),
        ("tags", {"tags": ["ocr"]}),
        ("readiness", {"level": 7, "min": 5, "max": 8}),
        ("prior", {"prior": 1.0}),
    ]


def test_explain_gives_no_reason_for_what_the_partner_did_not_ask():
    project = ProjectFeatures(track="other", country="CN", readiness=2)
    match = only(encode([INVESTOR], [project], regions=ASEAN))
    assert explain(INVESTOR, project, match, regions=ASEAN) == []


def test_weights_must_be_non_negative():
    with pytest.raises(ValueError):
        encode([INVESTOR], [FIT], weights=Weights(track=-1.0))


# --- ranking on generated markets ------------------------------------------------------------


@pytest.fixture(scope="module")
def market_2026():
    synthetic = generate(seed=2026)
    return synthetic, encode(synthetic.partners, synthetic.projects)


def ranked_lists(market, k=10):
    return [[m.project for m in matches] for matches in top_projects(market, k=k)]


def figures(ranked, relevant):
    return (
        round(precision_at_k(ranked, relevant, k=5), 3),
        round(recall_at_k(ranked, relevant, k=5), 3),
        round(recall_at_k(ranked, relevant, k=10), 3),
        round(ndcg_at_k(ranked, relevant, k=10), 3),
    )


def single_feature(synthetic, feature):
    weights = Weights(**{c: float(c == feature) for c in COMPONENTS})
    return ranked_lists(encode(synthetic.partners, synthetic.projects, weights=weights))


def test_generated_market_has_the_planted_matches(market_2026):
    synthetic, _ = market_2026
    assert (len(synthetic.partners), len(synthetic.projects)) == (200, 3000)
    # 1000 planted matches plus 93 random projects that happen to satisfy a partner.
    assert sum(map(len, synthetic.relevant)) == 1093


def test_recommender_finds_known_good_matches_far_above_baselines(market_2026):
    synthetic, market = market_2026
    rng = np.random.default_rng(2026)
    random = [list(rng.permutation(market.n_projects)[:10]) for _ in synthetic.partners]
    # (precision@5, recall@5, recall@10, NDCG@10)
    assert figures(ranked_lists(market), synthetic.relevant) == (0.815, 0.759, 0.919, 0.903)
    assert figures(random, synthetic.relevant) == (0.002, 0.002, 0.004, 0.003)
    assert figures(single_feature(synthetic, "track"), synthetic.relevant) == (
        0.014,
        0.013,
        0.024,
        0.021,
    )
    # Tags are the strongest single feature, and still far behind.
    assert figures(single_feature(synthetic, "tags"), synthetic.relevant) == (
        0.309,
        0.284,
        0.393,
        0.385,
    )


@pytest.mark.parametrize("seed", [7, 11])
def test_recommender_beats_every_single_feature_on_other_seeds(seed):
    synthetic = generate(seed=seed)
    ours = figures(ranked_lists(encode(synthetic.partners, synthetic.projects)), synthetic.relevant)
    assert ours[0] >= 0.75
    for feature in COMPONENTS:
        theirs = figures(single_feature(synthetic, feature), synthetic.relevant)
        assert ours[0] >= 2.5 * theirs[0]
        assert ours[3] >= 2 * theirs[3]


def test_ndcg_agrees_with_scikit_learn():
    rng = np.random.default_rng(3)
    scores = rng.random((20, 30))
    truth = (rng.random((20, 30)) < 0.2).astype(float)
    truth[:, 0] = 1.0  # every user has a relevant item
    ranked = [list(np.argsort(-row, kind="stable")) for row in scores]
    relevant = [set(np.flatnonzero(row)) for row in truth]
    ours = ndcg_at_k(ranked, relevant, k=10)
    assert round(ours, 12) == round(ndcg_score(truth, scores, k=10), 12)


def test_evaluation_docstring_examples():
    assert doctest.testmod(evaluation).failed == 0


def test_grid_and_pair_scores_agree(market_2026):
    synthetic, market = market_2026
    scores = score_matrix(market, np.arange(20))
    for matches in top_projects(market, k=10)[:20]:
        for m in matches:
            assert m.score == scores[m.partner, m.project]
    by_project = top_partners(market, k=5)
    full = score_matrix(market)
    for j in (0, 17, 2999):
        expected = sorted(range(market.n_partners), key=lambda p: (-full[p, j], p))[:5]
        assert [m.partner for m in by_project[j]] == expected
        assert [m.score for m in by_project[j]] == [full[p, j] for p in expected]


def test_ties_go_to_the_lower_index():
    projects = [ProjectFeatures(track="x", country="VN") for _ in range(6)]
    assert ranked_lists(encode([PartnerInterests()], projects), k=4) == [[0, 1, 2, 3]]


def test_adding_an_irrelevant_project_does_not_change_the_others_order():
    synthetic = generate(seed=5, n_partners=40, n_background=300)
    before = ranked_lists(encode(synthetic.partners, synthetic.projects), k=20)
    stray = ProjectFeatures(track=999, country="CN", tags=frozenset({"nothing"}), readiness=1)
    after = ranked_lists(encode(synthetic.partners, [*synthetic.projects, stray]), k=21)
    stray_index = len(synthetic.projects)
    assert [[j for j in ranked if j != stray_index][:20] for ranked in after] == before


def test_a_project_outside_every_interest_never_ranks_above_one_inside_all():
    synthetic = generate(seed=9, n_partners=60, n_background=600)
    market = encode(synthetic.partners, synthetic.projects)
    n_p, n_j = market.n_partners, market.n_projects
    rows, cols = np.repeat(np.arange(n_p), n_j), np.tile(np.arange(n_j), n_p)
    track, country, tags, readiness, ticket, _ = pair_values(market, rows, cols).reshape(
        6, n_p, n_j
    )
    scores = score_matrix(market)
    checked = 0
    for p, partner in enumerate(synthetic.partners):
        inside = (readiness[p] == 1.0) & (ticket[p] == 1.0 if partner.states_ticket else True)
        outside = np.ones(n_j, dtype=bool)
        for stated, value in [
            (partner.tracks, track[p]),
            (partner.countries, country[p]),
            (partner.tags, tags[p]),
        ]:
            if stated:
                inside &= value > 0
                outside &= value == 0
        if partner.states_readiness:
            outside &= readiness[p] < 1.0
        if partner.states_ticket:
            outside &= ticket[p] < 1.0
        if inside.any() and outside.any():
            checked += 1
            assert scores[p, outside].max() < scores[p, inside].min()
    assert checked == 60


def test_excluded_pairs_never_appear():
    synthetic = generate(seed=4, n_partners=10, n_background=50)
    first = ranked_lists(encode(synthetic.partners, synthetic.projects), k=3)
    excluded = [(p, ranked[0]) for p, ranked in enumerate(first)]
    market = encode(synthetic.partners, synthetic.projects, exclude=excluded)
    again = ranked_lists(market, k=2)
    assert again == [ranked[1:3] for ranked in first]
    for p, j in excluded:
        assert p not in [m.partner for m in top_partners(market, k=10)[j]]


# --- introductions under capacity ------------------------------------------------------------


def total_units(matches):
    return int(units([m.score for m in matches]).sum())


def test_capacity_variant_beats_greedy_where_greedy_is_short_sighted():
    # Both partners like project 0 best; only partner 0 also fits project 1.
    partners = [
        PartnerInterests(tracks=frozenset({"a", "b"})),
        PartnerInterests(tracks=frozenset({"a"})),
    ]
    projects = [ProjectFeatures(track="a", country="VN", prior=1.0), ProjectFeatures("b", "VN")]
    market = encode(partners, projects)
    greedy = greedy_introductions(market, partner_capacity=1, project_capacity=1)
    best = assign_introductions(market, partner_capacity=1, project_capacity=1)
    assert [(m.partner, m.project) for m in greedy] == [(0, 0), (1, 1)]
    assert [(m.partner, m.project) for m in best] == [(0, 1), (1, 0)]
    assert (total_units(greedy), total_units(best)) == (1_100_000, 1_400_000)


def milp_optimum(market, c, m, min_score=0.0):
    scores = score_matrix(market)
    rows, cols = np.nonzero(np.isfinite(scores) & (scores >= min_score) & (scores > 0))
    weights = units(scores[rows, cols])
    n_p, n_j = market.n_partners, market.n_projects
    a = lil_matrix((n_p + n_j, len(rows)))
    for e, (p, j) in enumerate(zip(rows, cols, strict=True)):
        a[p, e] = 1
        a[n_p + j, e] = 1
    bounds = np.concatenate([np.full(n_p, c), np.full(n_j, m)])
    result = milp(
        -weights.astype(float),
        constraints=LinearConstraint(a.tocsr(), 0, bounds),
        integrality=np.ones(len(rows)),
        bounds=(0, 1),
    )
    return int(round(-result.fun))


@pytest.mark.parametrize(("seed", "c", "m"), [(1, 1, 1), (2, 3, 2), (3, 2, 4)])
def test_capacity_variant_is_optimal_and_respects_capacities(seed, c, m):
    synthetic = generate(seed=seed, n_partners=12, planted_per_partner=2, n_background=20)
    market = encode(synthetic.partners, synthetic.projects)
    best = assign_introductions(market, partner_capacity=c, project_capacity=m)
    greedy = greedy_introductions(market, partner_capacity=c, project_capacity=m)
    partners = np.bincount([x.partner for x in best], minlength=market.n_partners)
    projects = np.bincount([x.project for x in best], minlength=market.n_projects)
    assert partners.max() <= c
    assert projects.max() <= m
    assert len({(x.partner, x.project) for x in best}) == len(best)
    assert total_units(best) == milp_optimum(market, c, m)
    assert total_units(best) >= total_units(greedy)


def test_capacity_variant_on_a_generated_market_beats_or_equals_greedy(market_2026):
    _, market = market_2026
    best = assign_introductions(market, partner_capacity=3, project_capacity=1, min_score=0.5)
    greedy = greedy_introductions(market, partner_capacity=3, project_capacity=1, min_score=0.5)
    assert len(best) == 600
    assert min(x.score for x in best) >= 0.5
    assert total_units(best) >= total_units(greedy)


def test_capacity_variant_accepts_capacities_per_side_and_never_forces_excluded_pairs():
    partners = [PartnerInterests(tracks=frozenset({"a"}))] * 2
    projects = [ProjectFeatures("a", "VN"), ProjectFeatures("a", "TH")]
    market = encode(partners, projects, exclude=[(0, 0)])
    best = assign_introductions(market, partner_capacity=[2, 0], project_capacity=[5, 5])
    assert [(m.partner, m.project) for m in best] == [(0, 1)]
