"""The claims of the Hanin & Rolnick (2018) page, asserted on the result it shows."""

import numpy as np

from initdoc.experiments.hanin_rolnick import (
    NETWORKS,
    judge,
    predicted_log_variance,
    variance_estimate,
)

WIDTHS = {
    "he": [64] * 17,
    "lecun": [64] * 17,
    "narrow": [32] * 65,
    "alternating": [32] + [25, 100] * 32,
    "constant": [32] + [40] * 64,
}


def made_up(rng, mean, var_log):
    """M (networks × 2) with M_0 = 1 and log M_L normal, of the given mean of M_L and variance."""
    logs = rng.normal(np.log(mean) - var_log / 2, np.sqrt(var_log), NETWORKS)
    return np.stack([np.ones(NETWORKS), np.exp(logs)], axis=1)


def outcomes(he, lecun, narrow, alternating, constant, resnet, seed=0):
    rng = np.random.default_rng(seed)
    constant_runs = made_up(rng, 1, constant)
    runs = {
        "he": made_up(rng, *he),
        "lecun": made_up(rng, *lecun),
        "narrow": made_up(rng, 1, narrow),
        # the same draws rescaled: a ratio of spreads known exactly, (alternating / constant)
        "alternating": constant_runs ** np.sqrt(alternating / constant),
        "constant": constant_runs,
        "resnet": made_up(rng, 1, resnet),
    }
    return {k: v["outcome"] for k, v in judge(runs, WIDTHS).items()}


def test_the_verdicts_can_go_either_way():
    paper = outcomes((1, 0.2), (0.5**16, 0.2), 10, 8, 8, 0.1)
    assert set(paper.values()) == {"agrees"}
    other = outcomes((2, 0.2), (0.9**16, 0.2), 20, 16, 8, 5)
    assert set(other.values()) == {"disagrees"}


def test_the_prediction_is_five_times_the_sum_of_reciprocal_widths():
    assert np.isclose(predicted_log_variance([32] * 65), 5 * 64 / 32)
    assert np.isclose(
        predicted_log_variance(WIDTHS["alternating"]), predicted_log_variance(WIDTHS["constant"])
    )


def test_the_variance_estimate_has_a_standard_error_that_shrinks_with_n():
    rng = np.random.default_rng(0)
    small, large = (
        variance_estimate(rng.normal(size=100)),
        variance_estimate(rng.normal(size=10_000)),
    )
    assert abs(large[0] - 1) < 5 * large[1] and large[1] < small[1] / 5


# The result the page shows.


def test_the_first_failure_mode_and_the_residual_network_agree_with_the_paper(
    hanin_rolnick_result,
):
    verdicts = hanin_rolnick_result.verdicts
    assert verdicts["lecun_mean_halves"]["outcome"] == "agrees"
    assert verdicts["resnet_no_fluctuations"]["outcome"] == "agrees"
    assert verdicts["he_mean_kept"]["outcome"] != "disagrees"


def test_the_spreads_lie_at_or_above_the_large_width_prediction(hanin_rolnick_result):
    v = hanin_rolnick_result.values
    for k in ("narrow", "constant", "alternating"):
        assert v[f"{k}.var_log"] > 0.95 * v[f"{k}.predicted_var_log"], k
    assert v["alternating.var_log"] > v["constant.var_log"]


def test_the_spread_grows_at_least_like_five_over_n_and_most_for_narrow_layers(
    hanin_rolnick_result,
):
    layers = hanin_rolnick_result["layers"]
    excess = []
    for n in hanin_rolnick_result["grid_widths"]:
        slope = np.polyfit(layers, hanin_rolnick_result[f"w{n}.var_log"], 1)[0]
        excess.append(slope / (5 / n))
    assert all(e > 0.9 for e in excess) and all(e < 1.25 for e in excess[1:])
    assert excess[0] == max(excess) and excess[0] > 1.25  # width 16: far above the prediction


def test_the_sample_mean_holds_for_wide_layers_but_not_for_narrow_ones(hanin_rolnick_result):
    for n in (64, 128):
        assert np.all(np.abs(hanin_rolnick_result[f"w{n}.mean"] - 1) < 0.3), n
    assert hanin_rolnick_result["w16.mean"][-1] < 0.5


def test_the_narrow_network_spread_is_near_its_prediction(hanin_rolnick_result):
    v = hanin_rolnick_result.values
    assert abs(v["narrow.var_log"] / v["narrow.predicted_var_log"] - 1) < 0.15
    assert v["resnet.var_log"] < v["narrow.var_log"] / 10
