"""The claims of the Pennington, Schoenholz & Ganguli (2017) page, asserted on the result it shows,
and the pieces of its prediction checked against independent computations."""

import numpy as np
import pytest

from initdoc import schemes
from initdoc.experiments import mean_field
from initdoc.experiments.pennington import (
    NETWORKS,
    RELU_MOMENTS,
    S1,
    critical_point,
    judge,
    length_slope,
    ratio,
    spread,
    tanh_moments,
    variance_per_layer,
)

DEPTHS = (1, 2, 4, 8, 16, 32, 64)
CASES = ("tanh_small", "tanh_large", "relu")
PER_LAYER = {
    "tanh_small_orthogonal": 0.002,
    "tanh_small_gaussian": 1.002,
    "tanh_large_orthogonal": 0.3,
    "tanh_large_gaussian": 1.3,
    "relu_orthogonal": 1.0,
    "relu_gaussian": 2.0,
}


def outcomes(factor: float, seed=0) -> dict[str, str]:
    """The verdicts on made-up spreads: `factor` times the prediction, 5% noise per network."""
    rng = np.random.default_rng(seed)
    L = np.array(DEPTHS, float)
    spreads = {
        case: factor * per * L * rng.normal(1, 0.05, (NETWORKS, len(DEPTHS)))
        for case, per in PER_LAYER.items()
    }
    return {k: v["outcome"] for k, v in judge(spreads, DEPTHS, PER_LAYER).items()}


def test_the_verdicts_can_go_either_way():
    assert set(outcomes(1.0).values()) == {"agrees"}
    # Ten times the prediction: the small-q* orthogonal spectrum ends above 1, the rest grow too
    # fast; a tenth of it: the rest grow too slowly (the isometry verdict is then only stronger).
    assert set(outcomes(10.0).values()) == {"disagrees"}
    slow = outcomes(0.1)
    assert slow.pop("isometry") == "agrees" and set(slow.values()) == {"disagrees"}


def test_the_spread_from_traces_is_the_variance_of_the_squared_singular_values():
    J = np.random.default_rng(0).standard_normal((50, 50))
    lam = np.linalg.svd(J, compute_uv=False) ** 2
    assert np.isclose(spread(J), lam.var() / lam.mean() ** 2)


def test_a_product_of_orthogonal_matrices_is_an_isometry():
    rng = np.random.default_rng(0)
    J = np.eye(64)
    for _ in range(32):
        J = J @ schemes.orthogonal()(rng, (64, 64))
    assert abs(spread(J)) < 1e-10


def test_a_product_of_gaussian_matrices_spreads_by_one_per_layer():
    """Linear Gaussian layers (μ₂/μ₁² = 1, s₁ = −1): Var = L, as the Saxe page's products show.
    Five products of four 300 × 300 matrices; the finite-width excess is about L²/n."""
    rng = np.random.default_rng(0)
    measured = []
    for _ in range(5):
        J = np.eye(300)
        for _ in range(4):
            J = J @ schemes.lecun_normal()(rng, (300, 300))
        measured.append(spread(J))
    assert abs(np.mean(measured) / variance_per_layer(1, 1, S1["gaussian"]) / 4 - 1) < 0.1


def test_the_formula_for_linear_and_relu_layers():
    assert variance_per_layer(1, 1, S1["orthogonal"]) == 0
    assert variance_per_layer(1, 1, S1["gaussian"]) == 1
    assert variance_per_layer(*RELU_MOMENTS, S1["orthogonal"]) == 1
    assert variance_per_layer(*RELU_MOMENTS, S1["gaussian"]) == 2


def test_the_relu_moments_are_those_of_a_fair_coin():
    h = np.random.default_rng(0).standard_normal(1_000_000)
    d2 = (h > 0).astype(float)  # relu'(h)²
    n = h.size
    for k, mu in zip((1, 2), RELU_MOMENTS):
        assert abs(np.mean(d2**k) - mu) < 6 * 0.5 / np.sqrt(n)


def test_tanh_moments_match_their_small_q_expansion_and_a_monte_carlo():
    """tanh'² ≈ 1 − 2h², so μ₂/μ₁² − 1 = Var(tanh'²)/μ₁² ≈ 4 Var(h²) = 8q² for small q."""
    mu1, mu2 = tanh_moments(1e-3)
    assert abs((mu2 / mu1**2 - 1) / (8e-6) - 1) < 0.02
    q = 0.5
    h = np.random.default_rng(0).normal(0, np.sqrt(q), 1_000_000)
    d2 = 1 / np.cosh(h) ** 4
    for k, mu in zip((1, 2), tanh_moments(q)):
        assert abs(np.mean(d2**k) - mu) < 6 * np.std(d2**k) / np.sqrt(h.size)


@pytest.mark.parametrize("q", [1 / 64, 0.5, 2.0])
def test_the_critical_point_has_the_fixed_point_it_was_asked_for(q):
    sigma_w2, sigma_b2 = critical_point(q)
    assert np.isclose(mean_field.q_star(sigma_w2, sigma_b2), q)
    assert np.isclose(mean_field.chi_1(sigma_w2, sigma_b2), 1)
    assert np.isclose(mean_field.critical_sigma_w2(sigma_b2), sigma_w2)
    assert sigma_b2 > 0
    assert np.isclose(length_slope(q), np.exp(-1 / mean_field.xi_q(sigma_w2, sigma_b2)))


def test_the_ratio_weighs_every_depth_alike():
    spreads = np.array([[2.0, 4.0, 8.0], [1.0, 2.0, 12.0]])
    assert np.allclose(ratio(spreads, (1, 2, 4), 2.0), [1.0, 5 / 6])


# The result the page shows.


def test_the_page_verdicts_agree_with_the_paper(pennington_result):
    assert {v["outcome"] for v in pennington_result.verdicts.values()} == {"agrees"}


def test_every_setting_follows_the_formula_at_every_depth(pennington_result):
    for point in CASES:
        for init in S1:
            by_depth = pennington_result[f"{point}_{init}.ratio_by_depth"]
            assert np.all(np.abs(by_depth - 1) < 0.15), (point, init, by_depth)


def test_the_orthogonal_small_q_spectrum_is_a_peak_at_one_with_one_outlier(pennington_result):
    v = pennington_result.values
    case = "tanh_small_orthogonal"
    assert v[f"{case}.near_one"] > 0.99 and v[f"{case}.below_tenth"] == 0
    # the one small singular value per network is the signal's length relaxing to q*
    outlier = v["tanh_small.outlier_predicted"]
    assert outlier / 1.6 < v[f"{case}.smallest_min"] <= v[f"{case}.smallest_max"] < outlier * 1.6
    assert v[f"{case}.second_smallest_min"] > 3 * v[f"{case}.smallest_max"]


def test_gaussian_weights_and_relu_spread_the_spectrum_over_decades(pennington_result):
    v = pennington_result.values
    for case in ("tanh_small_gaussian", "relu_orthogonal", "relu_gaussian"):
        assert v[f"{case}.near_one"] < 0.1 and v[f"{case}.below_tenth"] > 0.5, case
        assert v[f"{case}.largest_max"] > 10, case
    # relu's diagonal of 0s and 1s projects out about half the directions: exact zeros
    assert v["relu_orthogonal.smallest_max"] < 1e-12


def test_only_the_nearly_isometric_setting_sits_visibly_off_the_prediction(pennington_result):
    v = pennington_result.values
    for point in CASES:
        for init in S1:
            if (point, init) != ("tanh_small", "orthogonal"):
                assert abs(v[f"{point}_{init}.ratio"] - 1) < 0.05, (point, init)


def test_the_outlier_singular_vector_lies_along_the_input():
    """One orthogonal tanh network at q* = 1/64, built as the experiment builds it: the smallest
    singular value's input-side vector is h_0's direction, and the value is the length slope^L."""
    rng = np.random.default_rng(0)
    q, n, depth = 1 / 64, 128, 32
    sigma_w2, sigma_b2 = critical_point(q)
    h = h0 = rng.standard_normal(n) * np.sqrt(q)
    J = np.eye(n)
    for _ in range(depth):
        W = schemes.orthogonal()(rng, (n, n)) * np.sqrt(sigma_w2)
        J = (J * mean_field.d_tanh(h)) @ W
        h = np.tanh(h) @ W + rng.standard_normal(n) * np.sqrt(sigma_b2)
    U, s, _ = np.linalg.svd(J)
    assert abs(U[:, -1] @ h0) / np.linalg.norm(h0) > 0.95
    assert abs(np.log(s[-1] / length_slope(q) ** depth)) < np.log(1.5)
