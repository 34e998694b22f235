"""The claims of the zero and constant initialization page, asserted on the result it shows."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def res(result):
    return result("symmetry")


@pytest.mark.parametrize("case", ["zero_relu", "zero_tanh"])
def test_zero_weights_with_relu_or_tanh_never_move(res, case):
    assert res.values[f"{case}.W1_change"] == 0.0
    assert res.values[f"{case}.W2_change"] == 0.0
    assert np.all(res[f"{case}.W1"] == 0) and np.all(res[f"{case}.W2"] == 0)


@pytest.mark.parametrize("case", ["zero_relu", "zero_tanh"])
def test_frozen_network_predicts_the_base_rate(res, case):
    assert res.values[f"{case}.accuracy"] == pytest.approx(res.values["majority_share"])
    assert res.values[f"{case}.final_cost"] == pytest.approx(res.values["base_rate_cost"], abs=1e-6)
    assert np.ptp(res[f"{case}.prob"]) == 0  # the same output everywhere: no boundary


@pytest.mark.parametrize("case", ["zero_sigmoid", "constant_tanh"])
def test_equal_units_move_but_stay_identical_bit_for_bit(res, case):
    assert res.values[f"{case}.W1_change"] > 0.1
    assert np.all(res[f"{case}.spread"] == 0)
    assert res.values[f"{case}.final_spread"] == 0
    hidden = res[f"{case}.hidden_on_grid"]
    assert np.all(hidden == hidden[:, :1])


@pytest.mark.parametrize("case", ["zero_sigmoid", "constant_tanh"])
def test_identical_units_draw_a_straight_boundary(res, case):
    w = res[f"{case}.final_W1"][:, 0]
    side = int(round(np.sqrt(res[f"{case}.prob"].size)))
    xs = np.linspace(-5, 5, side)
    xx, yy = np.meshgrid(xs, xs)
    projection = xx.ravel() * w[0] + yy.ravel() * w[1]
    prob = res[f"{case}.prob"].ravel()[np.argsort(projection, kind="stable")]
    steps = np.diff(prob)
    assert np.all(steps >= -1e-12) or np.all(steps <= 1e-12)  # a function of x·w alone
    assert res.values[f"{case}.accuracy"] <= res.values["majority_share"]


@pytest.mark.parametrize("case", ["zero_w_random_b_tanh", "constant_w_random_b_tanh"])
def test_random_biases_break_the_symmetry(res, case):
    assert res.values[f"{case}.final_spread"] > 1.0
    assert res.values[f"{case}.accuracy"] > res.values["majority_share"] + 0.2


def test_zero_weights_random_biases_plateau_before_learning(res):
    slow = res.values["zero_w_random_b_tanh.steps_to_half"]
    fast = res.values["random_tanh.steps_to_half"]
    assert fast > 0 and slow > 5 * fast


def test_random_weights_learn_the_circle(res):
    assert res.values["random_tanh.accuracy"] > 0.95


def test_balanced_classes_make_zero_a_stationary_point(res):
    assert res.values["balanced_zero_sigmoid.first_grad"] < 1e-15  # rounding error only
    assert res.values["balanced_zero_sigmoid.W1_change"] < 1e-3
    assert res.values["balanced_zero_sigmoid.final_cost"] == pytest.approx(np.log(2), abs=1e-6)
