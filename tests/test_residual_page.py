"""The claims of the residual networks page, asserted on the results it shows."""

import numpy as np
import pytest

from initdoc.experiments.residual import VARIANTS, predicted_growth, signal_verdicts

ZERO_STARTS = ("fixup", "rezero", "zero_gamma")
BOUNDED = ("fixup", "rezero", "scaled", "zero_gamma", "preln", "preln_scaled")


def made_up_per_block(factor, blocks=50, draws=30, spread=0.05, seed=0):
    """Per-block growth factors (blocks × draws) scattered around `factor`."""
    rng = np.random.default_rng(seed)
    return factor + rng.normal(0, spread, (blocks, draws))


def test_the_signal_verdict_can_go_either_way():
    def outcome(per_block):
        return signal_verdicts(per_block)["he_doubles"]["outcome"]

    assert outcome(made_up_per_block(2.0)) == "agrees"
    assert outcome(made_up_per_block(1.5)) == "disagrees"  # growth, but not doubling
    assert outcome(made_up_per_block(1.0)) == "disagrees"
    # Networks that scatter widely around the margin's edge leave it open.
    assert outcome(made_up_per_block(1.9, draws=5, spread=2.0)) == "inconclusive"


def test_the_predictions_follow_the_second_moments_that_add():
    assert predicted_growth("he", 10) == 2**10
    assert predicted_growth("scaled", 200) < np.e < predicted_growth("scaled", 200) + 0.01
    assert predicted_growth("batchnorm", 200) == 201 and predicted_growth("preln", 200) == 401
    assert {predicted_growth(v, 200) for v in ZERO_STARTS} == {1.0}


# The result the page shows.


def test_he_branches_double_the_stream_at_every_block(residual_signal_result):
    assert residual_signal_result.verdicts["he_doubles"]["outcome"] == "agrees"
    v = residual_signal_result.values
    for L in residual_signal_result["depths"]:
        for way in ("forward", "backward"):
            # within a factor 1.25 per block of 2^L: exponential, as predicted, in both directions
            assert 1.6**L < v[f"he.L{L}.{way}"] < 2.5**L


def test_every_start_follows_its_prediction(residual_signal_result):
    v = residual_signal_result.values
    for variant in VARIANTS:
        if variant == "he":
            continue
        for L in residual_signal_result["depths"]:
            measured, predicted = v[f"{variant}.L{L}.forward"], v[f"{variant}.L{L}.predicted"]
            assert abs(np.log(measured / predicted)) < np.log(1.2), (variant, L)


def test_he_lies_below_its_mean_prediction_at_depth(residual_signal_result):
    v = residual_signal_result.values
    assert v["he.L200.forward"] < v["he.L200.predicted"] / 10


def test_zero_starts_are_the_identity_forward_and_backward(residual_signal_result):
    for variant in ZERO_STARTS:
        for way in ("forward", "backward"):
            assert np.allclose(residual_signal_result[f"{variant}.{way}"], 1.0)


def test_batch_norm_gradients_grow_faster_than_the_stream_but_polynomially(residual_signal_result):
    depths = residual_signal_result["depths"]
    forward = np.median(residual_signal_result["batchnorm.forward"], axis=1)
    backward = np.median(residual_signal_result["batchnorm.backward"], axis=1)
    assert (backward > 5 * forward).all() and (backward > 10 * forward)[depths >= 50].all()
    slope = np.polyfit(np.log(depths), np.log(backward), 1)[0]
    assert 1 < slope < 4  # a power of L, far from 2^L
    assert backward[-1] < 1e-40 * np.median(residual_signal_result["he.backward"][-1])


def test_scaled_branches_stay_below_e(residual_signal_result):
    for variant in ("scaled", "preln_scaled"):
        assert np.median(residual_signal_result[f"{variant}.forward"], axis=1).max() < 3.5
    assert residual_signal_result.values["scaled.L200.forward"] < np.e * 1.1


def test_he_branches_do_not_train_with_sgd_or_adam(residual_training_result):
    v = residual_training_result.values
    assert v["sgd.he.diverged"] == v["seeds"]
    assert v["sgd.he.first"] > 100 * v["chance"]
    assert v["adam.he.diverged"] == 0 and v["adam.he.final"] > v["chance"]
    others = [v[f"adam.{k}.accuracy"] for k in VARIANTS if k != "he"]
    assert v["adam.he.accuracy"] < min(others)


def test_batch_norm_starts_high_and_zero_gamma_beats_it(residual_training_result):
    v = residual_training_result.values
    assert v["sgd.batchnorm.first"] > 2 * v["chance"]
    assert v["adam.batchnorm.accuracy"] < v["adam.zero_gamma.accuracy"] - 0.1


@pytest.mark.parametrize("variant", BOUNDED)
def test_bounded_starts_train_with_adam(residual_training_result, variant):
    v = residual_training_result.values
    assert v[f"adam.{variant}.diverged"] == 0
    assert v[f"adam.{variant}.final"] < v["chance"] / 2
    assert v[f"adam.{variant}.accuracy"] > 0.7


def test_scaled_branches_diverge_with_sgd_where_zero_and_normalized_starts_do_not(
    residual_training_result,
):
    v = residual_training_result.values
    assert v["sgd.scaled.diverged"] >= 1
    for variant in (*ZERO_STARTS, "batchnorm", "preln", "preln_scaled"):
        assert v[f"sgd.{variant}.diverged"] == 0, variant
