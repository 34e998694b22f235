"""The claims of the normalization page, asserted on the result it shows."""

import numpy as np
import pytest

from initdoc.experiments.normalization import DRAWS, GAINS, backward_verdicts

NORMALIZED = ("batch", "layer")


def made_up_backward(log10_ratio, spread=0.3, seed=0):
    """Backward ratios (gains × draws) of 10^log10_ratio, scattered by `spread` decades."""
    rng = np.random.default_rng(seed)
    return 10 ** (log10_ratio + rng.normal(0, spread, (len(GAINS), DRAWS)))


def test_the_batch_norm_verdict_can_go_either_way():
    def outcome(backward):
        return backward_verdicts(backward)["batch_gradients_explode"]["outcome"]

    assert outcome(made_up_backward(2.6)) == "agrees"
    assert outcome(made_up_backward(0.0)) == "disagrees"
    assert outcome(made_up_backward(1.0, spread=1.0)) == "inconclusive"


# The result the page shows.


def median(result, key):
    return np.median(result[key], axis=1)


def test_without_normalization_the_signal_follows_the_gain_squared_per_layer(normalization_result):
    gains, layers = normalization_result["gains"], normalization_result.values["depth"] - 1
    for way in ("forward", "backward"):
        slope = np.polyfit(np.log(gains), np.log(median(normalization_result, f"none.{way}")), 1)[0]
        assert abs(slope - 2 * layers) < 0.1 * 2 * layers, way
    v = normalization_result.values
    assert v["none.g0.25.forward"] < 1e-15 and v["none.g4.forward"] > 1e15


@pytest.mark.parametrize("kind", NORMALIZED)
def test_with_normalization_the_forward_signal_ignores_the_gain(normalization_result, kind):
    forward = median(normalization_result, f"{kind}.forward")
    assert np.all(np.abs(np.log(forward)) < np.log(1.25))


def test_batch_norm_gradients_explode_at_every_gain_and_layer_norm_ones_do_not(
    normalization_result,
):
    assert normalization_result.verdicts["batch_gradients_explode"]["outcome"] == "agrees"
    assert np.all(median(normalization_result, "batch.backward") > 100)
    assert np.all(median(normalization_result, "layer.backward") < 1.5)


@pytest.mark.parametrize("kind", NORMALIZED)
def test_the_weight_gradient_scales_like_one_over_the_gain(normalization_result, kind):
    assert abs(normalization_result.values[f"{kind}.grad_slope"] + 1) < 0.15
    assert normalization_result.values["none.grad_slope"] > 10


def test_without_normalization_only_the_gain_near_one_trains_with_sgd(normalization_result):
    v = normalization_result.values
    for g in ("0.25", "0.5"):
        assert abs(v[f"sgd.none.g{g}.final"] - v["chance"]) < 0.01
    assert v["sgd.none.g1.final"] < v["chance"] / 2
    for g in ("2", "4"):
        assert v[f"sgd.none.g{g}.diverged"] == v["seeds"]
    assert v["adam.none.g4.diverged"] == 0 and v["adam.none.g4.final"] > 100 * v["chance"]


@pytest.mark.parametrize("opt", ("sgd", "adam"))
@pytest.mark.parametrize("kind", NORMALIZED)
def test_with_normalization_no_gain_diverges(normalization_result, opt, kind):
    final = normalization_result[f"{opt}.{kind}.final"]
    assert np.isfinite(final).all()


def test_with_normalization_every_gain_trains_but_layer_norm_at_the_smallest_with_sgd(
    normalization_result,
):
    v = normalization_result.values
    stalled = {
        (opt, kind, f"{g:g}")
        for opt in ("sgd", "adam")
        for kind in NORMALIZED
        for g in normalization_result["train_gains"]
        if v[f"{opt}.{kind}.g{g:g}.final"] > 0.9 * v["chance"]
    }
    assert stalled == {("sgd", "layer", "0.25")}


@pytest.mark.parametrize("kind", NORMALIZED)
def test_with_adam_the_final_cost_rises_with_the_gain(normalization_result, kind):
    finals = [
        normalization_result.values[f"adam.{kind}.g{g:g}.final"]
        for g in normalization_result["train_gains"]
    ]
    assert finals == sorted(finals)


def test_with_sgd_the_scale_still_changes_the_result(normalization_result):
    v = normalization_result.values
    assert v["sgd.batch.g0.25.final"] < v["sgd.batch.g4.final"] / 2
    assert abs(v["sgd.layer.g0.25.final"] - v["chance"]) < 0.1
    assert v["sgd.layer.g1.final"] < v["chance"] / 2
