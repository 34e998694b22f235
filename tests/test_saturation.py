"""The claims of the saturation page, asserted on the results it shows."""

import math

import numpy as np
import pytest

N_INS = (10, 100, 1000)


def test_thresholds_are_where_the_derivative_is_one_percent_of_its_maximum(saturation_units_result):
    from initdoc import nn

    t_sig, t_tanh = (
        saturation_units_result.values["sigmoid.threshold"],
        saturation_units_result.values["tanh.threshold"],
    )
    assert nn.d_sigmoid(np.array(t_sig)) == pytest.approx(0.01 * 0.25, rel=1e-9)
    assert nn.d_tanh(np.array(t_tanh)) == pytest.approx(0.01, rel=1e-9)


@pytest.mark.parametrize("n_in", N_INS)
@pytest.mark.parametrize("kind", ["standardized", "ones"])
def test_variance_of_z_is_n_in_times_mean_square_input(saturation_units_result, n_in, kind):
    v = saturation_units_result.values
    key = f"n{n_in}.normal.{kind}"
    # z is a sum of Gaussian weights: Var(z) estimated from k values has relative error sqrt(2/k)
    k = v[
        "n_out"
    ]  # the weight columns are the independent draws, whatever the number of inputs rows
    assert abs(v[f"{key}.var_z"] / v[f"{key}.var_z_predicted"] - 1) < 6 * math.sqrt(2 / k)
    assert v[f"{key}.var_z_predicted"] == pytest.approx(n_in, rel=0.1)


def test_all_ones_inputs_have_zero_variance_yet_z_does_not(saturation_units_result):
    assert saturation_units_result.values["n1000.normal.ones.var_x"] == 0
    assert saturation_units_result.values["n1000.normal.ones.var_z"] > 500


@pytest.mark.parametrize("n_in", N_INS)
def test_lecun_weights_keep_var_z_near_one(saturation_units_result, n_in):
    assert saturation_units_result.values[f"n{n_in}.lecun.standardized.var_z"] == pytest.approx(
        1.0, rel=0.1
    )


@pytest.mark.parametrize("n_in", N_INS)
@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_saturated_share_matches_the_gaussian_prediction(saturation_units_result, n_in, act):
    v = saturation_units_result.values
    measured = v[f"n{n_in}.normal.standardized.{act}.saturated"]
    predicted = v[f"n{n_in}.normal.standardized.{act}.saturated_predicted"]
    # pairs are correlated through the n_out weight columns: bound by the number of units
    assert (
        abs(measured - predicted) < 6 * math.sqrt(predicted * (1 - predicted) / v["n_out"]) + 1e-3
    )


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_saturation_grows_with_n_in(saturation_units_result, act):
    shares = [
        saturation_units_result.values[f"n{n}.normal.standardized.{act}.saturated"] for n in N_INS
    ]
    assert shares[0] < shares[1] < shares[2]
    assert shares[2] > 0.8
    assert saturation_units_result.values[f"n1000.lecun.standardized.{act}.saturated"] < 0.01


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_mean_derivative_falls_like_one_over_root_n_in(saturation_units_result, act):
    v = saturation_units_result.values
    for n_in in N_INS:
        key = f"n{n_in}.normal.standardized.{act}"
        assert v[f"{key}.mean_slope"] == pytest.approx(v[f"{key}.mean_slope_predicted"], rel=0.1)
    key = f"n1000.normal.standardized.{act}"
    assert v[f"{key}.mean_slope"] == pytest.approx(v[f"{key}.mean_slope_asymptote"], rel=0.1)
    ratio = (
        v[f"n100.normal.standardized.{act}.mean_slope"]
        / v[f"n1000.normal.standardized.{act}.mean_slope"]
    )
    assert ratio == pytest.approx(math.sqrt(10), rel=0.15)  # not exponential


def test_too_small_weights_do_not_saturate_a_sigmoid(saturation_units_result):
    v = saturation_units_result.values
    assert v["small.sigmoid.saturated"] == 0
    assert v["small.sigmoid.mean_slope"] == pytest.approx(0.25, rel=1e-3)
    assert v["small.sigmoid.corr"] > 0.99999
    assert v["small.sigmoid.max_gap_to_line"] < 1e-3


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_n01_first_layer_learns_slower(saturation_training_result, act):
    v = saturation_training_result.values
    slow, fast = v[f"{act}.normal.steps_to_goal"], v[f"{act}.lecun.steps_to_goal"]
    assert fast > 0
    assert slow == -1 or slow > 3 * fast
    assert v[f"{act}.normal.cost_at_end"] > 10 * v[f"{act}.lecun.cost_at_end"]
    assert not v[f"{act}.normal.diverged"]


def test_sigmoid_network_is_slow_but_not_stopped(saturation_training_result):
    v = saturation_training_result.values
    assert 0 < v["sigmoid.normal.steps_to_goal"] < v["steps"]
    assert v["tanh.normal.steps_to_goal"] == -1
    costs = saturation_training_result["tanh.normal.costs"]
    assert costs[-1] < 0.5 * costs[0]  # still learning


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_saturated_units_stay_saturated(saturation_training_result, act):
    v = saturation_training_result.values
    assert v[f"{act}.normal.saturated_at_start"] > 0.5
    assert abs(v[f"{act}.normal.saturated_at_end"] - v[f"{act}.normal.saturated_at_start"]) < 0.05
    assert v[f"{act}.lecun.saturated_at_start"] < 0.01


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_gradient_and_relative_step_are_smaller(saturation_training_result, act):
    v = saturation_training_result.values
    assert v[f"{act}.grad_W1_ratio"] > 1.5
    assert v[f"{act}.relative_step_ratio"] > 20


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_tiny_first_layer_learns_about_as_fast(saturation_training_result, act):
    v = saturation_training_result.values
    assert v[f"{act}.small.saturated_at_start"] == 0
    assert 0 < v[f"{act}.small.steps_to_goal"] < 1.5 * v[f"{act}.lecun.steps_to_goal"]
    assert v[f"{act}.small.accuracy"] == 1.0
