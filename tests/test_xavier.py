"""The claims of the Xavier/Glorot page, asserted on the result it shows."""

import numpy as np
import pytest

from initdoc import probe, theory
from initdoc.experiments import xavier as xavier_experiment

GOOD = ["lecun", "glorot_normal", "glorot_uniform"]


def test_glorot_variance_is_the_harmonic_mean_of_the_variances_not_of_the_fans(xavier_result):
    n_in, n_out = xavier_result.values["n_x"], xavier_result.values["width"]
    assert theory.is_harmonic_mean_of_fans() is False
    assert xavier_result.values["is_harmonic_mean_of_fans"] is False
    hm_variances = 2 / (1 / theory.lecun_variance(n_in) + 1 / theory.lecun_variance(n_out))
    assert xavier_result.values["glorot_var"] == pytest.approx(hm_variances, rel=1e-12)
    assert xavier_result.values["glorot_var"] == pytest.approx(
        xavier_result.values["harmonic_mean_of_variances"], rel=1e-12
    )
    assert xavier_result.values["harmonic_mean_of_fans"] > 1000 * xavier_result.values["glorot_var"]


@pytest.mark.parametrize("key", ["lecun", "glorot_normal"])
def test_first_layer_variance_matches_the_rule(xavier_result, key):
    # Var(z_1) = n_x Var(W) E[x²]; the sample variance of n·m products has relative std
    # ≈ sqrt(2/(m·n)) + sqrt(2/(n_x·n))
    n, m, n_x = (
        xavier_result.values["width"],
        xavier_result.values["m"],
        xavier_result.values["n_x"],
    )
    rel = 6 * (np.sqrt(2 / (m * n)) + np.sqrt(2 / (n_x * n)) + np.sqrt(2 / (m * n_x)))
    assert xavier_result.values[f"{key}.var_z1"] == pytest.approx(
        xavier_result.values[f"{key}.predicted_var_z1"], rel=rel
    )


def test_glorot_first_layer_is_larger_than_lecun_when_n_in_exceeds_n_out(xavier_result):
    assert xavier_result.values["n_x"] > xavier_result.values["width"]
    assert xavier_result.values["glorot_normal.var_z1"] > 1.3 * xavier_result.values["lecun.var_z1"]
    assert (
        xavier_result.values["glorot_normal.saturated_1"]
        > xavier_result.values["lecun.saturated_1"]
    )


def test_unit_normal_weights_saturate_tanh(xavier_result):
    assert xavier_result.values["normal_1.var_z1"] == pytest.approx(
        xavier_result.values["n_x"], rel=0.05
    )
    assert xavier_result.values["normal_1.saturated_1"] > 0.8
    assert xavier_result.values["normal_1.saturated_L"] > 0.8
    assert xavier_result["normal_1.var_a"].min() > 0.9  # every layer's activations pile up at ±1


def test_unit_normal_gradients_grow_towards_the_input(xavier_result):
    assert xavier_result.values["normal_1.backward_factor"] > 3
    assert np.all(np.diff(xavier_result["normal_1.var_g"]) < 0)  # larger in every lower layer


@pytest.mark.parametrize("key", ["normal_small", "standard"])
def test_small_scales_shrink_both_ways_every_layer(xavier_result, key):
    assert np.all(np.diff(xavier_result[f"{key}.var_a"]) < 0)
    assert np.all(
        np.diff(xavier_result[f"{key}.var_g"]) > 0
    )  # gradients smaller in every lower layer
    assert xavier_result.values[f"{key}.forward_ratio"] < 0.05
    assert xavier_result.values[f"{key}.backward_ratio"] < 0.05


def test_small_normal_loses_about_n_times_its_variance_per_layer(xavier_result):
    per_layer = xavier_result.values["width"] * 0.01**2
    factors = (
        xavier_result["normal_small.var_a"][2:] / xavier_result["normal_small.var_a"][1:-1]
    )  # deep layers: tanh ≈ identity
    assert factors == pytest.approx(per_layer, rel=0.1)


def test_standard_rule_loses_about_a_third_per_layer(xavier_result):
    factors = xavier_result["standard.var_a"][1:] / xavier_result["standard.var_a"][:-1]
    assert np.all(
        (factors > 0.25) & (factors < 0.34)
    )  # 1/3 from the weights, a little less after tanh


@pytest.mark.parametrize("key", GOOD)
def test_lecun_and_glorot_do_not_keep_tanh_variance_the_same(xavier_result, key):
    var_a = xavier_result[f"{key}.var_a"]
    assert np.all(np.diff(var_a) < 0)  # falls in every layer
    assert xavier_result.values[f"{key}.forward_ratio"] < 0.5
    assert (
        xavier_result.values[f"{key}.forward_ratio"]
        > 10 * xavier_result.values["standard.forward_ratio"]
    )  # but far slower


@pytest.mark.parametrize("key", GOOD)
def test_lecun_and_glorot_gradients_shrink_mildly_towards_the_input(xavier_result, key):
    assert 0.1 < xavier_result.values[f"{key}.backward_ratio"] < 0.5
    assert (
        xavier_result.values[f"{key}.backward_ratio"]
        > 10 * xavier_result.values["standard.backward_ratio"]
    )


@pytest.mark.parametrize(
    "key", ["normal_1", "normal_small", "standard", "lecun", "glorot_normal", "tanh_gain"]
)
def test_normal_z_prediction_matches_the_measurement(xavier_result, key):
    assert xavier_result[f"{key}.var_a"] == pytest.approx(
        xavier_result[f"{key}.predicted_var_a"], rel=0.05
    )
    var_g = xavier_result[f"{key}.var_g"]
    assert var_g / var_g[-1] == pytest.approx(xavier_result[f"{key}.predicted_var_g"], rel=0.15)


def test_deep_lecun_variance_keeps_falling_as_one_over_2l(xavier_result):
    var_a = xavier_result["deep.lecun.var_a"]
    assert np.all(var_a[::5][1:] < var_a[::5][:-1])  # still falling, every five layers
    assert xavier_result.values["deep.lecun.ratio"] < 0.05
    assert xavier_result.values["deep.lecun.twice_l_var"] == pytest.approx(1.0, rel=0.3)
    assert xavier_result.values["deep.lecun.vs_predicted"] == pytest.approx(1.0, rel=0.3)


def test_tanh_gain_holds_the_variance(xavier_result):
    assert xavier_result.values["deep.tanh_gain.late_ratio"] == pytest.approx(1.0, abs=0.05)
    assert (
        xavier_result.values["tanh_gain.forward_ratio"]
        > 2 * xavier_result.values["lecun.forward_ratio"]
    )
    assert (
        xavier_result.values["tanh_gain.saturated_1"]
        > 5 * xavier_result.values["lecun.saturated_1"]
    )
    assert xavier_result.values["tanh_gain.backward_factor"] > 1


def test_activations_have_mean_zero(xavier_result):
    # |mean| / std of m·n samples: ~1/sqrt(m·n) if the units were independent;
    # allow correlated units (1/sqrt(m))
    bound = 6 / np.sqrt(xavier_result.values["m"])
    for key in ("normal_1", "normal_small", "standard", *GOOD, "tanh_gain"):
        assert xavier_result.values[f"{key}.max_mean_over_std"] < bound


def test_glorot_normal_and_uniform_agree(xavier_result):
    assert xavier_result["glorot_uniform.var_a"] == pytest.approx(
        xavier_result["glorot_normal.var_a"], rel=0.05
    )


# A deep tanh stack, forward and backward, for every gain (the tanh_gain experiment).


def test_gain_one_lets_both_directions_fade(tanh_gain_result):
    v = tanh_gain_result.values
    assert v["gain_1.forward_high"] < probe.VANISH and v["gain_1.backward_high"] < probe.VANISH
    assert v["gain_1.q_star"] == 0 and v["gain_1.chi1"] == pytest.approx(1.0, abs=1e-6)


def test_gain_five_thirds_holds_forward_and_explodes_backward(tanh_gain_result):
    v, z2 = tanh_gain_result.values, tanh_gain_result["gain_tanh.z2"]
    assert v["gain_tanh.forward_low"] > probe.VANISH
    assert z2[-1] / z2[9] == pytest.approx(1.0, abs=0.2)  # flat after the first layers' drop
    assert v["gain_tanh.backward_low"] > 100 * probe.EXPLODE
    # mean field predicts the per-layer growth of the gradient, away from the output
    assert v["gain_tanh.backward_per_layer"] == pytest.approx(v["gain_tanh.chi1"], rel=0.05)


def test_raising_the_gain_raises_both_ratios(tanh_gain_result):
    forward = np.median(tanh_gain_result["forward"], axis=1)
    backward = np.median(tanh_gain_result["backward"], axis=1)
    assert np.all(np.diff(forward) > 0) and np.all(np.diff(backward) > 0)


def test_the_balanced_gain_is_the_first_whose_gradient_grows(tanh_gain_result):
    v, gains = tanh_gain_result.values, list(tanh_gain_result["gains"])
    backward = np.median(tanh_gain_result["backward"], axis=1)
    i = gains.index(v["balanced_gain"])
    assert backward[i - 1] < 1 < backward[i]
    assert v["balanced_forward"] > probe.VANISH and v["balanced_backward"] < probe.EXPLODE
    assert v["balanced_chi1"] > 1  # so the balance holds at this depth only


@pytest.mark.parametrize("gain", [1.05, 1.2, 5 / 3])
def test_every_gain_above_one_is_chaotic(gain):
    assert xavier_experiment.tanh_fixed_point(gain**2)[1] > 1


@pytest.mark.parametrize("sigma_w2", [1.5, 25 / 9, 4.0])
def test_tanh_fixed_point_against_gauss_hermite(sigma_w2):
    """q* solves q = σ² E[tanh²(√q ξ)], checked with an independent quadrature."""
    q_star, chi1 = xavier_experiment.tanh_fixed_point(sigma_w2)
    x, w = np.polynomial.hermite_e.hermegauss(201)
    w = w / w.sum()  # E over ξ ~ N(0, 1)
    assert sigma_w2 * w @ np.tanh(np.sqrt(q_star) * x) ** 2 == pytest.approx(q_star, rel=1e-6)
    assert sigma_w2 * w @ np.cosh(np.sqrt(q_star) * x) ** -4 == pytest.approx(chi1, rel=1e-6)


def test_the_keeps_verdict_can_go_either_way():
    from initdoc.experiments.xavier import KEEPS_VARIANCE

    rng = np.random.default_rng(0)
    assert KEEPS_VARIANCE.judge(1.0 + rng.normal(0, 0.02, 10))["outcome"] == "agrees"
    assert KEEPS_VARIANCE.judge(0.3 + rng.normal(0, 0.02, 10))["outcome"] == "disagrees"
    assert KEEPS_VARIANCE.judge(0.8 + rng.normal(0, 0.05, 10))["outcome"] == "inconclusive"


def test_xavier_does_not_keep_the_variance_over_any_draw(xavier_keeps_result, xavier_result):
    ratios = xavier_keeps_result["ratios"]
    assert ratios.max() < 0.8 and xavier_keeps_result.verdicts["same_variance"]["outcome"] == (
        "disagrees"
    )
    # the single network the page's figures show is one of the same kind
    assert ratios.min() / 2 < xavier_result.values["lecun.forward_ratio"] < ratios.max() * 2
