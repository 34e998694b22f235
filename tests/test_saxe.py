"""The claims of the Saxe, McClelland & Ganguli (2014) page, asserted on the result it shows."""

import numpy as np
import pytest

from initdoc.experiments.saxe import (
    epochs_to_threshold,
    loglog_slope,
)  # importing it also registers "saxe"

DEPTHS = (1, 4, 16, 64)


def medians(saxe_result, init):
    epochs = saxe_result[f"{init}.epochs"].astype(float)
    return np.median(np.where(epochs >= 0, epochs, np.inf), axis=0)


def test_one_gaussian_matrix_follows_marchenko_pastur(saxe_result):
    v = saxe_result.values
    assert (
        abs(v["gaussian.L1.max"] - 2) < 0.1
    )  # the edge of the law; finite-n fluctuations ~ n^(-2/3)
    assert v["gaussian.L1.median"] < 1 and v["gaussian.L1.fraction_small"] > 0
    assert v["marchenko_pastur_agrees"] == "yes"


def test_gaussian_products_collapse_most_singular_values_and_stretch_a_few(saxe_result):
    v = saxe_result.values
    assert [v[f"gaussian.L{L}.median"] for L in DEPTHS] == sorted(
        (v[f"gaussian.L{L}.median"] for L in DEPTHS), reverse=True
    )
    assert (
        v["gaussian.L64.fraction_small"] > 0.5 and v["gaussian.L64.max"] > 5 * v["gaussian.L1.max"]
    )
    assert v["gaussian_spectrum_agrees"] == "yes"


def test_orthogonal_products_are_exact_isometries(saxe_result):
    for L in DEPTHS:
        s = saxe_result[f"orthogonal.L{L}.singular_values"]
        assert np.abs(s - 1).max() < 1e-12
    assert saxe_result.values["orthogonal_spectrum_agrees"] == "yes"


def test_gaussian_learning_time_grows_then_runs_out_of_budget(saxe_result):
    gauss = medians(saxe_result, "gaussian")
    reached = np.isfinite(gauss)
    assert np.all(np.diff(gauss[reached]) > 0)
    first = saxe_result.values["gaussian.first_unreached"]
    assert not reached[
        saxe_result["n_layers"] >= first
    ].any()  # every deeper network ran out of budget too
    assert gauss[reached][-1] > 10 * gauss[0]
    assert saxe_result.values["gaussian_grows_agrees"] == "yes"


def test_orthogonal_is_faster_than_gaussian_beyond_the_shallowest_depth(saxe_result):
    assert np.all(medians(saxe_result, "orthogonal")[1:] < medians(saxe_result, "gaussian")[1:])
    assert (saxe_result["orthogonal.epochs"] >= 0).all()


def test_orthogonal_learning_time_is_not_depth_independent_here(saxe_result):
    v = saxe_result.values
    slope, se = loglog_slope(saxe_result["n_layers"], saxe_result["orthogonal.epochs"])
    assert slope == pytest.approx(v["orthogonal.slope"]) and se == pytest.approx(
        v["orthogonal.slope_se"]
    )
    assert v["orthogonal.slope"] > 2 * v["orthogonal.slope_se"] > 0
    assert (
        v["orthogonal.deep_slope"] > 2 * v["orthogonal.deep_slope_se"]
    )  # still growing in the deeper half
    assert v["orthogonal.deep"] > v["orthogonal.shallow"]
    assert v["orthogonal_flat_agrees"] == "no"


def test_gap_is_large_at_six_layers_and_grows_deeper(saxe_result):
    v = saxe_result.values
    assert v["gap_at6"] > 2  # not "modest"
    assert not np.isfinite(
        medians(saxe_result, "gaussian")[-1]
    )  # magnified: Gaussian never finishes at the deepest
    assert v["gap_agrees"] == "partly"


def test_gradient_descent_matches_the_closed_form_for_one_matrix():
    # One matrix, E = ½‖T − W‖²: W_t − T = (1 − η)^t (W_0 − T), so the epoch to reach 1% of E(0) is known.
    T = np.diag([2.0, 1.0])
    W0 = np.zeros((1, 2, 2))
    eta = np.array([0.1])
    t = epochs_to_threshold([W0], T, eta, 0.01, 1000)[0]
    assert t == int(np.ceil(np.log(0.01) / (2 * np.log(0.9))))


def test_gradient_of_a_deep_product_matches_finite_differences():
    rng = np.random.default_rng(1)
    Ws = [rng.standard_normal((1, 3, 3)) * 0.5 for _ in range(3)]
    T = rng.standard_normal((3, 3))
    # one step with a tiny rate changes E by -η‖∇E‖²; compare with E computed directly
    E = lambda ws: 0.5 * np.sum((ws[0][0] @ ws[1][0] @ ws[2][0] - T) ** 2)
    eps = 1e-6
    grads = []
    for l in range(3):
        g = np.zeros((3, 3))
        for i in range(3):
            for j in range(3):
                up = [w.copy() for w in Ws]
                up[l][0, i, j] += eps
                down = [w.copy() for w in Ws]
                down[l][0, i, j] -= eps
                g[i, j] = (E(up) - E(down)) / (2 * eps)
        grads.append(g)
    eta = 1e-4
    target_after = E([w - eta * g[None] for w, g in zip(Ws, grads)])
    # epochs_to_threshold takes exactly one step before checking again: threshold just above E after one step
    threshold = (target_after + 1e-9) / (0.5 * np.sum(T**2))
    assert epochs_to_threshold(Ws, T, np.array([eta]), threshold, 1)[0] == 1
    threshold_below = (target_after - 1e-7) / (0.5 * np.sum(T**2))
    assert epochs_to_threshold(Ws, T, np.array([eta]), threshold_below, 1)[0] == -1
