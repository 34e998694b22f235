"""The claims of the vanishing and exploding through depth page, asserted on its results."""

import numpy as np
import pytest

SCALES = (0.5, 1.0, 1.5)


@pytest.mark.parametrize("s", SCALES)
def test_forward_and_backward_follow_s_to_the_power_of_depth(depth_linear_result, s):
    key, L = f"s{s:g}", depth_linear_result.values["depth"]
    np.testing.assert_allclose(
        depth_linear_result[f"{key}.forward"], s ** np.arange(L + 1), rtol=1e-12
    )
    np.testing.assert_allclose(
        depth_linear_result[f"{key}.backward"], s ** (L - np.arange(L + 1)), rtol=1e-12
    )
    assert depth_linear_result.values[f"{key}.output_factor"] == pytest.approx(s**L, rel=1e-12)
    assert depth_linear_result.values[f"{key}.input_grad_factor"] == pytest.approx(s**L, rel=1e-12)


@pytest.mark.parametrize("s", SCALES)
def test_weight_gradients_are_the_same_in_every_layer(depth_linear_result, s):
    key = f"s{s:g}"
    assert depth_linear_result.values[f"{key}.dW_spread"] == pytest.approx(1.0, abs=1e-9)
    assert depth_linear_result.values[f"{key}.dW"] == pytest.approx(
        depth_linear_result.values[f"{key}.dW_predicted"], rel=1e-9
    )


def test_weight_gradients_explode_and_vanish_together(depth_linear_result):
    assert depth_linear_result.values["dW_ratio_1.5_to_1"] > 1000
    assert depth_linear_result.values["dW_ratio_1_to_0.5"] > 100


def test_identity_start_reaches_the_minimum_fast(depth_linear_result):
    assert 0 < depth_linear_result.values["s1.steps_to_min"] < 200


def test_exploding_start_diverges_instead_of_oscillating(depth_linear_result):
    assert depth_linear_result.values["s1.5.diverged"]
    assert depth_linear_result.values["s1.5.diverged_at"] <= 5


def test_vanishing_start_plateaus_twice_then_reaches_the_minimum(depth_linear_result):
    v = depth_linear_result.values
    assert v["s0.5.steps_to_leave_start"] > 5 * v["s1.steps_to_min"]
    assert v["s0.5.steps_on_second_plateau"] > 1000
    assert v["s0.5.second_plateau_excess"] == pytest.approx(v["rank_one_excess"], rel=0.05)
    assert v["s0.5.steps_to_min"] > 20 * v["s1.steps_to_min"]
    assert v["s0.5.final_excess"] < v["tolerance"] * v["min_cost"]


def test_curvature_limits_order_the_starts(depth_lr_sweep_result):
    v = depth_lr_sweep_result.values
    assert (
        v["s1.5.lr_limit_at_start"] < 1e-3 < v["s1.lr_limit_at_start"] < v["s0.5.lr_limit_at_start"]
    )
    assert 0.03 < v["lr_limit_at_minimum"] < 0.1


def test_exploding_start_diverges_from_0_01_up_and_never_oscillates(depth_lr_sweep_result):
    for lr in depth_lr_sweep_result["lrs"]:
        outcome = depth_lr_sweep_result.values[f"s1.5.lr{lr:g}.outcome"]
        assert (outcome == "diverged") == (lr >= 0.01)
        if outcome != "diverged":
            assert depth_lr_sweep_result.values[f"s1.5.lr{lr:g}.rises"] == 0


def test_one_big_step_turns_exploding_into_vanishing(depth_lr_sweep_result, depth_linear_result):
    v = depth_lr_sweep_result.values
    assert v["s1.5.lr0.001.cost_after_one_step"] == pytest.approx(
        depth_linear_result.values["s0.5.initial_cost"], rel=0.01
    )
    assert v["s1.5.lr0.001.final_excess"] > 1.0


def test_flipped_determinant_traps_the_cost_at_the_rank_one_level(depth_lr_sweep_result):
    v = depth_lr_sweep_result.values
    assert v["s1.5.lr0.003.outcome"] == "trapped" and v["s1.5.lr0.003.det_sign"] < 0
    assert v["s1.5.lr0.003.final_excess"] == pytest.approx(v["rank_one_excess"], rel=0.05)


def test_small_learning_rate_brings_exploding_start_near_the_minimum(depth_lr_sweep_result):
    assert (
        depth_lr_sweep_result.values["s1.5.lr0.0003.final_excess"]
        < 0.02 * depth_lr_sweep_result.values["min_cost"]
    )


def test_vanishing_start_needs_a_larger_but_bounded_learning_rate(depth_lr_sweep_result):
    v = depth_lr_sweep_result.values
    assert v["s0.5.lr0.01.outcome"] == "above minimum"
    assert v["s0.5.lr0.03.outcome"] == "minimum"
    assert v["s0.5.lr0.03.steps_to_min"] > 10 * v["s1.lr0.03.steps_to_min"]
    assert 0.03 < v["lr_limit_at_minimum"] < 0.1 and v["s0.5.lr0.1.outcome"] == "oscillating"


def test_oscillation_comes_from_the_learning_rate_not_the_start(depth_lr_sweep_result):
    for s in ("0.5", "1"):
        assert depth_lr_sweep_result.values[f"s{s}.lr0.1.outcome"] == "oscillating"
        assert depth_lr_sweep_result.values[f"s{s}.lr0.1.final_excess"] > 0.01
    tail_a, tail_b = (
        depth_lr_sweep_result["s0.5.lr0.1.costs"][-8:],
        depth_lr_sweep_result["s1.lr0.1.costs"][-8:],
    )
    np.testing.assert_allclose(tail_a[4:], tail_a[:4], rtol=1e-3)  # a cycle of four costs
    np.testing.assert_allclose(
        np.sort(tail_a[:4]), np.sort(tail_b[:4]), rtol=1e-3
    )  # the same cycle
    assert (
        depth_lr_sweep_result.values["s1.lr0.1.rises"] > depth_lr_sweep_result.values["steps"] // 3
    )


def test_identity_start_converges_over_a_wide_range(depth_lr_sweep_result):
    for lr in (3e-4, 1e-3, 3e-3, 1e-2, 3e-2):
        assert depth_lr_sweep_result.values[f"s1.lr{lr:g}.outcome"] == "minimum"


@pytest.mark.parametrize("case,s", [("0.5", 0.5), ("1", 1.0), ("1.5", 1.5)])
def test_random_products_follow_s_to_the_l_on_average(depth_random_result, case, s):
    draws, l = depth_random_result.values["draws"], depth_random_result.values["shown_at"]
    log_f = depth_random_result[f"{case}.log_forward"][:, l]
    # mean of log factor against the chi-square prediction, within 6 standard errors
    predicted = np.log(depth_random_result.values[f"{case}.l{l}.geo_mean_predicted"])
    assert abs(log_f.mean() - predicted) < 6 * log_f.std() / np.sqrt(draws)
    assert depth_random_result.values[f"{case}.l{l}.mean_square"] == pytest.approx(
        s ** (2 * l), rel=0.3
    )


@pytest.mark.parametrize("case", ["0.5", "1", "1.5"])
def test_random_spread_grows_like_root_depth_as_predicted(depth_random_result, case):
    draws = depth_random_result.values["draws"]
    for l in (depth_random_result.values["shown_at"], depth_random_result.values["depth"]):
        measured, predicted = (
            depth_random_result.values[f"{case}.l{l}.log_std"],
            depth_random_result.values[f"{case}.l{l}.log_std_predicted"],
        )
        assert abs(measured - predicted) < 6 * predicted / np.sqrt(2 * draws)
        backward = depth_random_result.values[f"{case}.l{l}.log_std_backward"]
        assert abs(backward - predicted) < 6 * predicted / np.sqrt(2 * draws)
    assert (
        depth_random_result.values[f"{case}.l50.log_std"]
        > 1.8 * depth_random_result.values[f"{case}.l9.log_std"]
    )


def test_typical_draw_drifts_below_the_mean(depth_random_result):
    assert depth_random_result.values["1.l50.geo_mean"] < 0.85
    assert (
        depth_random_result.values["1.l50.p10"] < 0.5
        and depth_random_result.values["1.l50.p90"] > 1.3
    )


def test_orthogonal_products_keep_every_length(depth_random_result):
    assert depth_random_result.values["orthogonal.l50.log_std"] < 1e-12
    assert np.abs(depth_random_result["orthogonal.log_forward"]).max() < 1e-12


def test_the_exponential_verdict_can_go_either_way():
    from initdoc.experiments.depth import EXPONENTIAL, exponential_deviation

    exact = {s: s**9 for s in (0.5, 1.0, 1.5)}
    assert EXPONENTIAL.judge(exponential_deviation(exact, 9))["outcome"] == "agrees"
    off = {**exact, 1.5: 1.5**9 * 1.01}  # one percent off: not s^L
    assert EXPONENTIAL.judge(exponential_deviation(off, 9))["outcome"] == "disagrees"


def test_the_exponential_verdict_is_the_pages(depth_linear_result):
    assert depth_linear_result.verdicts["exponential"]["outcome"] == "agrees"
