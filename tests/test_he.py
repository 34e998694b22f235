"""The claims of the He/Kaiming page, asserted on the results it shows."""

import numpy as np
import pytest

from initdoc import theory


def test_relu_keeps_half_the_second_moment_of_a_normal(he_signal_result):
    # E[relu(z)²] / Var(z): the numerator has std sqrt(E[relu(z)^4] - 1/4)/sqrt(n) = sqrt(1.25)/sqrt(n)
    n = he_signal_result.values["n_normal"]
    assert he_signal_result.values["relu_moment_normal"] == pytest.approx(
        0.5, abs=6 * np.sqrt(1.25 / n) + 6 * np.sqrt(2 / n)
    )


def test_relu_keeps_half_inside_the_network_on_average(he_signal_result):
    kept = he_signal_result["he.kept"]
    assert kept.mean() == pytest.approx(0.5, abs=0.03)
    assert (
        he_signal_result.values["he.kept_min"] < 0.4
        and he_signal_result.values["he.kept_max"] > 0.6
    )  # single layers scatter


@pytest.mark.parametrize("key", ["xavier", "glorot"])
def test_xavier_halves_the_signal_every_layer(he_signal_result, key):
    assert he_signal_result.values[f"{key}.factor"] == pytest.approx(0.5, abs=0.05)
    assert he_signal_result.values[f"{key}.grad_factor"] == pytest.approx(0.5, abs=0.05)
    assert he_signal_result.values[f"{key}.forward_ratio_max"] < 1e-6
    assert he_signal_result.values[f"{key}.backward_ratio_max"] < 1e-6


def test_he_holds_the_signal(he_signal_result):
    assert he_signal_result.values["he.factor"] == pytest.approx(1.0, abs=0.05)
    assert he_signal_result.values["he.grad_factor"] == pytest.approx(1.0, abs=0.05)
    for ratio in ("forward_ratio", "backward_ratio"):
        assert (
            he_signal_result.values[f"he.{ratio}_min"] > 0.1
            and he_signal_result.values[f"he.{ratio}_max"] < 10
        )


def test_he_is_xavier_times_two_per_layer_with_the_same_draws(he_signal_result):
    ratio = he_signal_result["he.a2"] / he_signal_result["xavier.a2"]
    powers = 2.0 ** np.arange(he_signal_result.values["depth"])
    assert ratio == pytest.approx(np.broadcast_to(powers, ratio.shape), rel=1e-4)
    assert he_signal_result.values["he_to_xavier_forward"] == pytest.approx(
        2.0 ** he_signal_result.values["n_hidden"], rel=1e-4
    )


def test_he_prevents_vanishing_gradients(he_signal_result):
    assert he_signal_result.values["xavier.backward_ratio"] < 1e-6
    assert 0.1 < he_signal_result.values["he.backward_ratio"] < 10


def test_he_doubles_xavier_but_not_glorot(he_signal_result):
    n_x, width = he_signal_result.values["n_x"], he_signal_result.values["width"]
    assert he_signal_result.values["he_over_xavier"] == pytest.approx(2.0)
    assert he_signal_result.values["he_over_glorot_first"] == pytest.approx((n_x + width) / n_x)
    assert he_signal_result.values["he_over_glorot_first"] != pytest.approx(2.0)
    assert he_signal_result.values["he_over_glorot_hidden"] == pytest.approx(2.0)
    assert he_signal_result.values["he_over_glorot_last"] == pytest.approx((width + 1) / width)
    assert theory.he_variance(width) == pytest.approx(2 / width)


@pytest.mark.parametrize("depth", [22, 30])
def test_xavier_starts_at_the_cost_of_a_coin_flip(he_training_result, depth):
    for key in ("xavier", "glorot"):
        assert he_training_result.values[f"d{depth}.{key}.initial_cost"] == pytest.approx(
            np.log(2), abs=1e-3
        )


@pytest.mark.parametrize("depth", [22, 30])
def test_he_leaves_the_plateau_far_sooner(he_training_result, depth):
    he = he_training_result.values[f"d{depth}.he.leave_max"]
    assert he_training_result.values[f"d{depth}.he.all_left"]
    for key in ("xavier", "glorot"):
        assert he_training_result.values[f"d{depth}.{key}.leave_min"] > 3 * he


@pytest.mark.parametrize("depth", [22, 30])
def test_xavier_does_not_stall_for_good_here(he_training_result, depth):
    for key in ("xavier", "glorot", "he"):
        assert he_training_result.values[f"d{depth}.{key}.all_left"]
        assert he_training_result.values[f"d{depth}.{key}.min_accuracy"] > 0.95


def test_the_plateau_grows_with_depth(he_training_result):
    for key in ("xavier", "glorot"):
        assert (
            he_training_result.values[f"d30.{key}.leave_min"]
            > he_training_result.values[f"d22.{key}.leave_max"]
        )


# The He et al. (2015) paper page: its "agrees?" column.


def test_paper_premises_agree(he_signal_result):
    v = he_signal_result.values
    assert abs(v["relu_moment_normal"] - 0.5) < 0.01 and v["halving_agrees"] == "yes"
    assert abs(v["he.factor"] - 1) < 0.05 and abs(v["he.grad_factor"] - 1) < 0.05
    assert v["he_keeps_agrees"] == "yes"
    assert abs(v["xavier.factor"] - 0.5) < 0.05 and abs(v["xavier.grad_factor"] - 0.5) < 0.05
    assert v["xavier_halves_agrees"] == "yes"


def test_paper_at_22_layers_agrees_both_converge_he_first(he_training_result):
    v = he_training_result.values
    assert v["d22.xavier.all_left"] and v["d22.he.all_left"]
    assert v["d22.he.leave_max"] < v["d22.xavier.leave_min"]
    assert v["shallow_agrees"] == "yes"


def test_paper_at_30_layers_disagrees_xavier_does_not_stall(he_training_result):
    v = he_training_result.values
    assert v["d30.xavier.all_left"] and v["d30.he.all_left"]
    assert v["d30.xavier.min_accuracy"] > 0.9
    assert v["deep_agrees"] == "no"
