"""The claims of the Schoenholz et al. (2017) page, asserted on the results it shows."""

import numpy as np
import pytest

from initdoc.experiments import (
    mean_field as mf,
)  # importing it also registers "mean_field" and "trainability"


def test_quadrature_matches_monte_carlo():
    # An independent estimate of the variance map: 10⁶ normal samples, a 6-sigma bound from their spread.
    z = np.random.default_rng(0).standard_normal(1_000_000)
    for q in (0.2, 1.0, 3.0):
        samples = np.tanh(np.sqrt(q) * z) ** 2
        bound = 6 * samples.std() / np.sqrt(z.size)
        assert abs(mf.gauss(lambda u: np.tanh(u) ** 2, q) - samples.mean()) < bound


def test_q_star_is_a_fixed_point():
    for s in (1.0, 1.76, 4.0):
        q = mf.q_star(s, 0.05)
        assert s * mf.gauss(lambda u: np.tanh(u) ** 2, q) + 0.05 == pytest.approx(q, rel=1e-10)


def test_critical_point_matches_the_paper(mean_field_result):
    v = mean_field_result.values
    assert mf.chi_1(v["critical_sigma_w2"], v["sigma_b2"]) == pytest.approx(1, abs=1e-9)
    assert abs(v["critical_sigma_w2"] - v["paper_critical_sigma_w2"]) < 0.005
    assert v["critical_agrees"] == "yes"


def test_chi_1_separates_ordered_from_chaotic(mean_field_result):
    s, c, critical = (
        mean_field_result["sigma_w2"],
        mean_field_result["c_star"],
        mean_field_result.values["critical_sigma_w2"],
    )
    assert np.all(c[s < critical] == 1) and np.all(c[s > critical] < 1)
    assert np.all(np.diff(mean_field_result["chi_1"]) > 0)
    assert mean_field_result.values["phases_agree"] == "yes"


def test_xi_c_is_minus_one_over_log_chi_1_in_the_ordered_phase(mean_field_result):
    ordered = mean_field_result["sigma_w2"] < mean_field_result.values["critical_sigma_w2"]
    np.testing.assert_allclose(
        mean_field_result["xi_c"][ordered],
        -1 / np.log(mean_field_result["chi_1"][ordered]),
        rtol=1e-6,
    )


def test_xi_c_diverges_at_the_edge_of_chaos(mean_field_result):
    v = mean_field_result.values
    s = mean_field_result["sigma_w2"]
    assert abs(v["xi_c_peak_at"] - v["critical_sigma_w2"]) <= s[1] - s[0]
    assert v["xi_c_near_critical"] > 10 * max(v["xi_c_at_1"], v["xi_c_at_4"])
    assert v["divergence_agrees"] == "yes"
    assert np.all(mean_field_result["xi_q"] < 2)  # the page: ξ_q stays below 2 layers


def test_a_finite_network_follows_the_recursion(mean_field_result):
    v, n = mean_field_result.values, mean_field_result.values["width"]
    for key in ("sim1.3", "sim2.5"):
        assert abs(v[f"{key}.q_measured"] - v[f"{key}.q_star"]) < 0.1 * v[f"{key}.q_star"]
        # Each layer's sample correlation errs by about (1 - c²)/√n; the map shrinks old errors by e^(-1/ξ_c)
        # per layer, so they settle to an AR(1) spread of that error / √(1 - ρ²). Allow 4 of those.
        c = mean_field_result[f"{key}.c_theory"]
        rho = np.exp(-1 / mf.xi_c(v[f"{key}.sigma_w2"], v["sigma_b2"]))
        bound = 4 * (1 - c.min() ** 2) / np.sqrt(n) / np.sqrt(1 - rho**2)
        assert np.abs(mean_field_result[f"{key}.c"] - c).max() < bound


def recount(trainability_result, steps):
    k = list(trainability_result["checkpoints"]).index(steps)
    trained = trainability_result["accuracy"][k] >= trainability_result.values["trained_at"]
    shallow = trainability_result["depths"][:, None] < trainability_result["six_xi_c"][None, :]
    return trained, shallow


def test_trainability_counts_are_what_the_page_quotes(trainability_result):
    for steps in trainability_result["checkpoints"]:
        trained, shallow = recount(trainability_result, steps)
        assert (trained & ~shallow).sum() == trainability_result.values[
            f"steps{steps}.deep_trained"
        ]
        assert (trained & shallow).sum() == trainability_result.values[
            f"steps{steps}.shallow_trained"
        ]
    assert trainability_result.values["n_deep"] == (~shallow).sum() > 0


def test_networks_beyond_six_xi_c_mostly_do_not_train(trainability_result):
    v = trainability_result.values
    trained, shallow = recount(trainability_result, 600)
    deep_trained = (
        trained & ~shallow
    ).sum()  # 0 or 1 depending on the CPU's BLAS kernels: see the page's note
    assert deep_trained <= (~shallow).sum() / 10
    assert v["steps600.deep_agrees"] == ("yes" if deep_trained == 0 else "partly")
    assert v["steps600.deep_best_depth"] > v["steps600.deep_best_six_xi_c"]
    assert (v["steps600.deep_accuracy_max"] >= v["trained_at"]) == (deep_trained > 0)


def test_networks_within_six_xi_c_train_only_partly(trainability_result):
    v = trainability_result.values
    trained, shallow = recount(trainability_result, 600)
    assert shallow.sum() / 2 < (trained & shallow).sum() < shallow.sum()
    assert v["steps600.shallow_agrees"] == "partly"
    assert v["steps600.shallow_trained"] > v["steps150.shallow_trained"]  # the learned region grows


def test_chaotic_networks_stop_well_below_the_line(trainability_result):
    v = trainability_result.values
    assert v["steps600.chaotic_deepest_trained"] < v["chaotic_six_xi_c_min"]
    chaotic = trainability_result["sigma_w2"] >= v["chaotic_from"]
    assert (
        trainability_result["steps600.deepest_trained"][chaotic].max()
        == v["steps600.chaotic_deepest_trained"]
    )
