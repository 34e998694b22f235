"""The claims of the Schoenholz et al. (2017) page, asserted on the results it shows."""

import numpy as np
import pytest

from initdoc.experiments import (
    mean_field as mf,
)  # importing it also registers "mean_field" and "trainability"


def test_quadrature_matches_monte_carlo():
    # An independent estimate of the variance map: 10⁶ normal samples, a 6-sigma bound from their
    # spread.
    z = np.random.default_rng(0).standard_normal(1_000_000)
    for q in (0.2, 1.0, 3.0):
        samples = np.tanh(np.sqrt(q) * z) ** 2
        bound = 6 * samples.std() / np.sqrt(z.size)
        assert abs(mf.gauss(lambda u: np.tanh(u) ** 2, q) - samples.mean()) < bound


def test_q_star_is_a_fixed_point():
    for s in (1.0, 1.76, 4.0):
        q = mf.q_star(s, 0.05)
        assert s * mf.gauss(lambda u: np.tanh(u) ** 2, q) + 0.05 == pytest.approx(q, rel=1e-10)


def test_theory_verdicts_can_go_either_way():
    judge = {c.key: c for c in (mf.CRITICAL, mf.CHAOTIC_PHASE, mf.DIVERGES)}
    assert judge["critical"].judge(1.7612)["outcome"] == "agrees"
    assert judge["critical"].judge(1.80)["outcome"] == "disagrees"
    assert judge["chaotic_phase"].judge(0.993)["outcome"] == "agrees"
    assert judge["chaotic_phase"].judge(1.0)["outcome"] == "disagrees"
    assert judge["xi_c_diverges"].judge(40.0)["outcome"] == "agrees"
    assert judge["xi_c_diverges"].judge(3.0)["outcome"] == "disagrees"
    finite = mf.FINITE_WIDTH[1.3]
    assert finite.judge([1.01, 0.99, 1.0, 1.02, 0.98])["outcome"] == "agrees"
    assert finite.judge([1.3, 1.25, 1.28, 1.31, 1.27])["outcome"] == "disagrees"
    assert finite.judge([1.0, 1.1, 0.95, 1.05, 1.02])["outcome"] == "inconclusive"


def test_critical_point_matches_the_paper(mean_field_result):
    v = mean_field_result.values
    assert mf.chi_1(v["critical_sigma_w2"], v["sigma_b2"]) == pytest.approx(1, abs=1e-9)
    assert mean_field_result.verdicts["critical"]["outcome"] == "agrees"


def test_chi_1_separates_ordered_from_chaotic(mean_field_result):
    s, c, critical = (
        mean_field_result["sigma_w2"],
        mean_field_result["c_star"],
        mean_field_result.values["critical_sigma_w2"],
    )
    assert np.all(c[s < critical] == 1) and np.all(c[s > critical] < 1)
    assert np.all(np.diff(mean_field_result["chi_1"]) > 0)
    assert mean_field_result.verdicts["chaotic_phase"]["outcome"] == "agrees"


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
    assert mean_field_result.verdicts["xi_c_diverges"]["outcome"] == "agrees"
    assert np.all(mean_field_result["xi_q"] < 2)  # the page: ξ_q stays below 2 layers


def test_a_finite_network_follows_the_recursion(mean_field_result):
    v, n = mean_field_result.values, mean_field_result.values["width"]
    for key in ("sim1.3", "sim2.5"):
        verdict = mean_field_result.verdicts[f"finite_width_q_{key[3:].replace('.', '_')}"]
        assert verdict["outcome"] == "agrees"
        # Each layer's sample correlation errs by about (1 - c²)/√n; the map shrinks old errors by
        # e^(-1/ξ_c) per layer, so they settle to an AR(1) spread of that error / √(1 - ρ²).
        # Allow 4 of those.
        c = mean_field_result[f"{key}.c_theory"]
        rho = np.exp(-1 / mf.xi_c(v[f"{key}.sigma_w2"], v["sigma_b2"]))
        bound = 4 * (1 - c.min() ** 2) / np.sqrt(n) / np.sqrt(1 - rho**2)
        assert np.abs(mean_field_result[f"{key}.c"] - c).max() < bound


# The trainability map: made-up outcomes on both sides of every verdict's margin.

DEPTHS = np.array(mf.DEPTHS)
SIGMA = np.array(mf.SIGMA_W2S)
SIX_XI = np.array([6 * mf.xi_c(s, 0.05) for s in SIGMA])
CRITICAL = mf.critical_sigma_w2(0.05)


def made_up(trained_cells: np.ndarray, seeds: int = 2) -> np.ndarray:
    return np.repeat(trained_cells[..., None], seeds, axis=-1)


def judged(trained):
    found = mf.trainability_verdicts(DEPTHS, SIGMA, SIX_XI, trained, CRITICAL)
    return {k: v["outcome"] for k, v in found.items()}


def test_trainability_verdicts_can_go_either_way():
    as_the_paper_says = made_up(DEPTHS[:, None] < SIX_XI[None, :])
    found = judged(as_the_paper_says)
    assert found["beyond_line"] == found["within_line"] == "agrees"
    assert found["ordered_beats_depth"] == found["chaotic_beats_depth"] == "agrees"
    everything = judged(made_up(np.ones((len(DEPTHS), len(SIGMA)), bool)))
    assert everything["beyond_line"] == "disagrees" and everything["within_line"] == "agrees"
    nothing = judged(made_up(np.zeros((len(DEPTHS), len(SIGMA)), bool)))
    assert nothing["beyond_line"] == "agrees" and nothing["within_line"] == "disagrees"
    only_shallow = made_up(np.broadcast_to((DEPTHS <= 13)[:, None], (len(DEPTHS), len(SIGMA))))
    found = judged(only_shallow)  # depth decides alone: ξ_c only gets in the way
    assert found["ordered_beats_depth"] == found["chaotic_beats_depth"] == "disagrees"


def test_the_best_one_number_rule_is_found():
    trained = made_up(np.broadcast_to((DEPTHS <= 19)[:, None], (len(DEPTHS), len(SIGMA))))
    depth = np.broadcast_to(DEPTHS[:, None, None], trained.shape)
    threshold, predicted = mf.best_threshold_rule(depth, trained)
    assert threshold == 19 and (predicted == trained).all()
    nothing = np.zeros_like(trained)
    assert mf.best_threshold_rule(depth, nothing)[0] == -np.inf


# The trainability map the page shows.


def test_the_trainability_verdicts_are_those_of_the_map_shown(trainability_result):
    r = trainability_result
    trained = r["accuracy"][-1] >= r.values["trained_at"]
    critical = r.values["critical_sigma_w2"]
    again = mf.trainability_verdicts(r["depths"], r["sigma_w2"], r["six_xi_c"], trained, critical)
    assert again == {k: r.verdicts[k] for k in again}


def test_the_counts_the_page_quotes(trainability_result):
    r = trainability_result
    shallow = r["depths"][:, None] < r["six_xi_c"][None, :]
    for k, steps in enumerate(r["checkpoints"]):
        trained = r["accuracy"][k] >= r.values["trained_at"]
        assert (trained & shallow[..., None]).sum() == r.values[f"steps{steps}.shallow_trained"]
        assert (trained & ~shallow[..., None]).sum() == r.values[f"steps{steps}.deep_trained"]
    assert r.values["n_deep"] + r.values["n_shallow"] == r.values["n_networks"]


def test_the_learned_region_grows_with_training(trainability_result):
    first, last = trainability_result["checkpoints"]
    v = trainability_result.values
    assert v[f"steps{last}.shallow_trained"] > v[f"steps{first}.shallow_trained"]
