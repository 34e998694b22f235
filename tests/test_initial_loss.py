"""The claims of the last layer and initial loss page, asserted on the result it shows."""

import math

import numpy as np

from initdoc import nn, schemes
from initdoc.experiments.initial_loss import LAST, small_logit_loss
from initdoc.probe import expected_initial_loss

OTHERS = ("he", "zero", "prior")


def test_equal_logits_cost_ln_c_and_the_expansion_holds_for_small_logits():
    rng = np.random.default_rng(0)
    s = np.array([1e-3, 0.1, 0.3])
    assert np.allclose(
        expected_initial_loss(s, 10, 20_000, rng), small_logit_loss(s, 10), atol=2e-3
    )
    assert small_logit_loss(np.array([0.0]), 10)[0] == math.log(10)


def test_a_zero_last_layer_passes_no_gradient_below_it_in_the_first_step():
    rng = np.random.default_rng(0)
    params = nn.init_params(rng, [5, 4, 3], schemes.he_normal())
    params[-1] = (np.zeros_like(params[-1][0]), np.zeros_like(params[-1][1]))
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 3, 8)
    record = nn.forward(params, ["relu", "softmax"], X)
    assert np.isclose(nn.cost(record, y, "softmax_cross_entropy"), math.log(3))
    grads = nn.backward(params, record, y, "softmax_cross_entropy")
    (dW1, db1), (dW2, _) = grads.params
    assert np.all(dW1 == 0) and np.all(db1 == 0) and np.abs(dW2).max() > 0


# The result the page shows.


def test_the_expected_loss_grows_from_ln_c_to_proportional_to_s(initial_loss_result):
    s, expected = initial_loss_result["scales"], initial_loss_result["expected"]
    v = initial_loss_result.values
    assert abs(expected[0] - v["ln_c"]) < 0.01
    assert np.all(np.diff(expected) > -0.01)
    slope = np.polyfit(np.log(s[-8:]), np.log(expected[-8:]), 1)[0]
    assert 0.9 < slope < 1.1
    assert v["ln_c"] < v["expected.s1"] < v["expected.s3"] < v["expected.s10"]


def test_each_start_begins_where_the_formula_says(initial_loss_result):
    v = initial_loss_result.values
    assert np.isclose(v["zero.first"], v["ln_c"])
    assert abs(v["prior.first"] - v["prior_loss"]) < 0.25 and v["prior_loss"] < v["ln_c"]
    assert v["ln_c"] < v["he.first"] < 1.5 * v["ln_c"]
    assert v["normal.first"] > 3 * v["ln_c"]


def test_the_classes_are_imbalanced_and_the_bias_is_their_log_frequency(initial_loss_result):
    v = initial_loss_result.values
    frequencies = initial_loss_result["frequencies"]
    assert np.all(np.diff(frequencies) < 0) and v["most"] > 10 * v["least"]
    assert np.isclose(v["prior_bias_0"], math.log(frequencies[0]))
    p = v["base_rate"]
    assert np.isclose(v["binary_bias"], math.log(p / (1 - p)))
    assert v["binary_prior"] < v["binary_zero_bias"] == math.log(2)


def test_a_large_last_layer_fits_fastest_but_ends_overconfident(initial_loss_result):
    v = initial_loss_result.values
    costs = {k: np.median(initial_loss_result[f"{k}.costs"][20:30], axis=1) for k in LAST}
    for other in OTHERS:
        assert (costs["normal"] < costs[other]).all(), other  # below the others within steps
        assert v["normal.final"] < v[f"{other}.final"]
        assert v["normal.heldout_loss"] > 2 * v[f"{other}.heldout_loss"]
        assert abs(v["normal.heldout_accuracy"] - v[f"{other}.heldout_accuracy"]) < 0.05


def test_the_fixes_are_no_speed_up_here(initial_loss_result):
    v = initial_loss_result.values
    for fix in ("zero", "prior"):
        assert v[f"{fix}.first_steps"] >= v["he.first_steps"]
    assert abs(v["prior.final"] - v["zero.final"]) < 0.05
