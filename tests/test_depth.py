"""The claims of the vanishing and exploding through depth page, asserted on the results it shows."""

import numpy as np
import pytest

SCALES = (0.5, 1.0, 1.5)


@pytest.fixture(scope="module")
def linear(result):
    return result("depth_linear")


@pytest.fixture(scope="module")
def sweep(result):
    return result("depth_lr_sweep")


@pytest.fixture(scope="module")
def rand(result):
    return result("depth_random")


@pytest.mark.parametrize("s", SCALES)
def test_forward_and_backward_follow_s_to_the_power_of_depth(linear, s):
    key, L = f"s{s:g}", linear.values["depth"]
    np.testing.assert_allclose(linear[f"{key}.forward"], s ** np.arange(L + 1), rtol=1e-12)
    np.testing.assert_allclose(linear[f"{key}.backward"], s ** (L - np.arange(L + 1)), rtol=1e-12)
    assert linear.values[f"{key}.output_factor"] == pytest.approx(s**L, rel=1e-12)
    assert linear.values[f"{key}.input_grad_factor"] == pytest.approx(s**L, rel=1e-12)


@pytest.mark.parametrize("s", SCALES)
def test_weight_gradients_are_the_same_in_every_layer(linear, s):
    key = f"s{s:g}"
    assert linear.values[f"{key}.dW_spread"] == pytest.approx(1.0, abs=1e-9)
    assert linear.values[f"{key}.dW"] == pytest.approx(
        linear.values[f"{key}.dW_predicted"], rel=1e-9
    )


def test_weight_gradients_explode_and_vanish_together(linear):
    assert linear.values["dW_ratio_1.5_to_1"] > 1000
    assert linear.values["dW_ratio_1_to_0.5"] > 100


def test_identity_start_reaches_the_minimum_fast(linear):
    assert 0 < linear.values["s1.steps_to_min"] < 200


def test_exploding_start_diverges_instead_of_oscillating(linear):
    assert linear.values["s1.5.diverged"]
    assert linear.values["s1.5.diverged_at"] <= 5


def test_vanishing_start_plateaus_twice_then_reaches_the_minimum(linear):
    v = linear.values
    assert v["s0.5.steps_to_leave_start"] > 5 * v["s1.steps_to_min"]
    assert v["s0.5.steps_on_second_plateau"] > 1000
    assert v["s0.5.second_plateau_excess"] == pytest.approx(v["rank_one_excess"], rel=0.05)
    assert v["s0.5.steps_to_min"] > 20 * v["s1.steps_to_min"]
    assert v["s0.5.final_excess"] < v["tolerance"] * v["min_cost"]


def test_curvature_limits_order_the_starts(sweep):
    v = sweep.values
    assert (
        v["s1.5.lr_limit_at_start"] < 1e-3 < v["s1.lr_limit_at_start"] < v["s0.5.lr_limit_at_start"]
    )
    assert 0.03 < v["lr_limit_at_minimum"] < 0.1


def test_exploding_start_diverges_from_0_01_up_and_never_oscillates(sweep):
    for lr in sweep["lrs"]:
        outcome = sweep.values[f"s1.5.lr{lr:g}.outcome"]
        assert (outcome == "diverged") == (lr >= 0.01)
        if outcome != "diverged":
            assert sweep.values[f"s1.5.lr{lr:g}.rises"] == 0


def test_one_big_step_turns_exploding_into_vanishing(sweep, linear):
    v = sweep.values
    assert v["s1.5.lr0.001.cost_after_one_step"] == pytest.approx(
        linear.values["s0.5.initial_cost"], rel=0.01
    )
    assert v["s1.5.lr0.001.final_excess"] > 1.0


def test_flipped_determinant_traps_the_cost_at_the_rank_one_level(sweep):
    v = sweep.values
    assert v["s1.5.lr0.003.outcome"] == "trapped" and v["s1.5.lr0.003.det_sign"] < 0
    assert v["s1.5.lr0.003.final_excess"] == pytest.approx(v["rank_one_excess"], rel=0.05)


def test_small_learning_rate_brings_exploding_start_near_the_minimum(sweep):
    assert sweep.values["s1.5.lr0.0003.final_excess"] < 0.02 * sweep.values["min_cost"]


def test_vanishing_start_needs_a_larger_but_bounded_learning_rate(sweep):
    v = sweep.values
    assert v["s0.5.lr0.01.outcome"] == "above minimum"
    assert v["s0.5.lr0.03.outcome"] == "minimum"
    assert v["s0.5.lr0.03.steps_to_min"] > 10 * v["s1.lr0.03.steps_to_min"]
    assert 0.03 < v["lr_limit_at_minimum"] < 0.1 and v["s0.5.lr0.1.outcome"] == "oscillating"


def test_oscillation_comes_from_the_learning_rate_not_the_start(sweep):
    for s in ("0.5", "1"):
        assert sweep.values[f"s{s}.lr0.1.outcome"] == "oscillating"
        assert sweep.values[f"s{s}.lr0.1.final_excess"] > 0.01
    tail_a, tail_b = sweep["s0.5.lr0.1.costs"][-8:], sweep["s1.lr0.1.costs"][-8:]
    np.testing.assert_allclose(tail_a[4:], tail_a[:4], rtol=1e-3)  # a cycle of four costs
    np.testing.assert_allclose(
        np.sort(tail_a[:4]), np.sort(tail_b[:4]), rtol=1e-3
    )  # the same cycle
    assert sweep.values["s1.lr0.1.rises"] > sweep.values["steps"] // 3


def test_identity_start_converges_over_a_wide_range(sweep):
    for lr in (3e-4, 1e-3, 3e-3, 1e-2, 3e-2):
        assert sweep.values[f"s1.lr{lr:g}.outcome"] == "minimum"


@pytest.mark.parametrize("case,s", [("0.5", 0.5), ("1", 1.0), ("1.5", 1.5)])
def test_random_products_follow_s_to_the_l_on_average(rand, case, s):
    draws, l = rand.values["draws"], rand.values["shown_at"]
    log_f = rand[f"{case}.log_forward"][:, l]
    # mean of log factor against the chi-square prediction, within 6 standard errors
    predicted = np.log(rand.values[f"{case}.l{l}.geo_mean_predicted"])
    assert abs(log_f.mean() - predicted) < 6 * log_f.std() / np.sqrt(draws)
    assert rand.values[f"{case}.l{l}.mean_square"] == pytest.approx(s ** (2 * l), rel=0.3)


@pytest.mark.parametrize("case", ["0.5", "1", "1.5"])
def test_random_spread_grows_like_root_depth_as_predicted(rand, case):
    draws = rand.values["draws"]
    for l in (rand.values["shown_at"], rand.values["depth"]):
        measured, predicted = (
            rand.values[f"{case}.l{l}.log_std"],
            rand.values[f"{case}.l{l}.log_std_predicted"],
        )
        assert abs(measured - predicted) < 6 * predicted / np.sqrt(2 * draws)
        backward = rand.values[f"{case}.l{l}.log_std_backward"]
        assert abs(backward - predicted) < 6 * predicted / np.sqrt(2 * draws)
    assert rand.values[f"{case}.l50.log_std"] > 1.8 * rand.values[f"{case}.l9.log_std"]


def test_typical_draw_drifts_below_the_mean(rand):
    assert rand.values["1.l50.geo_mean"] < 0.85
    assert rand.values["1.l50.p10"] < 0.5 and rand.values["1.l50.p90"] > 1.3


def test_orthogonal_products_keep_every_length(rand):
    assert rand.values["orthogonal.l50.log_std"] < 1e-12
    assert np.abs(rand["orthogonal.log_forward"]).max() < 1e-12
