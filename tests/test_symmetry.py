"""The claims of the zero and constant initialization page, asserted on the result it shows."""

import math

import numpy as np
import pytest


@pytest.mark.parametrize("case", ["zero_relu", "zero_tanh"])
def test_zero_weights_with_relu_or_tanh_never_move(symmetry_result, case):
    assert symmetry_result.values[f"{case}.W1_change"] == 0.0
    assert symmetry_result.values[f"{case}.W2_change"] == 0.0
    assert np.all(symmetry_result[f"{case}.W1"] == 0) and np.all(symmetry_result[f"{case}.W2"] == 0)


@pytest.mark.parametrize("case", ["zero_relu", "zero_tanh"])
def test_frozen_network_predicts_the_base_rate(symmetry_result, case):
    assert symmetry_result.values[f"{case}.accuracy"] == pytest.approx(
        symmetry_result.values["majority_share"]
    )
    assert symmetry_result.values[f"{case}.final_cost"] == pytest.approx(
        symmetry_result.values["base_rate_cost"], abs=1e-6
    )
    assert np.ptp(symmetry_result[f"{case}.prob"]) == 0  # the same output everywhere: no boundary


@pytest.mark.parametrize("case", ["zero_sigmoid", "constant_tanh"])
def test_equal_units_move_but_stay_identical_bit_for_bit(symmetry_result, case):
    assert symmetry_result.values[f"{case}.W1_change"] > 0.1
    assert np.all(symmetry_result[f"{case}.spread"] == 0)
    assert symmetry_result.values[f"{case}.final_spread"] == 0
    hidden = symmetry_result[f"{case}.hidden_on_grid"]
    assert np.all(hidden == hidden[:, :1])


@pytest.mark.parametrize("case", ["zero_sigmoid", "constant_tanh"])
def test_identical_units_draw_a_straight_boundary(symmetry_result, case):
    w = symmetry_result[f"{case}.final_W1"][:, 0]
    side = math.isqrt(symmetry_result[f"{case}.prob"].size)
    xs = np.linspace(-5, 5, side)
    xx, yy = np.meshgrid(xs, xs)
    projection = xx.ravel() * w[0] + yy.ravel() * w[1]
    prob = symmetry_result[f"{case}.prob"].ravel()[np.argsort(projection, kind="stable")]
    steps = np.diff(prob)
    assert np.all(steps >= -1e-12) or np.all(steps <= 1e-12)  # a function of x·w alone
    assert symmetry_result.values[f"{case}.accuracy"] <= symmetry_result.values["majority_share"]


@pytest.mark.parametrize("case", ["zero_w_random_b_tanh", "constant_w_random_b_tanh"])
def test_random_biases_break_the_symmetry(symmetry_result, case):
    assert symmetry_result.values[f"{case}.final_spread"] > 1.0
    assert (
        symmetry_result.values[f"{case}.accuracy"] > symmetry_result.values["majority_share"] + 0.2
    )


def test_zero_weights_random_biases_plateau_before_learning(symmetry_result):
    slow = symmetry_result.values["zero_w_random_b_tanh.steps_to_half"]
    fast = symmetry_result.values["random_tanh.steps_to_half"]
    assert fast > 0 and slow > 5 * fast


def test_random_weights_learn_the_circle(symmetry_result):
    assert symmetry_result.values["random_tanh.accuracy"] > 0.95


def test_balanced_classes_make_zero_a_stationary_point(symmetry_result):
    assert symmetry_result.values["balanced_zero_sigmoid.first_grad"] < 1e-15  # rounding error only
    assert symmetry_result.values["balanced_zero_sigmoid.W1_change"] < 1e-3
    assert symmetry_result.values["balanced_zero_sigmoid.final_cost"] == pytest.approx(
        np.log(2), abs=1e-6
    )
