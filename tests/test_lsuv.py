"""LSUV (Mishkin & Matas, 2016): the algorithm, and the claims of its page asserted on the result it shows."""

import numpy as np
import pytest

import initdoc.experiments.lsuv  # noqa: F401  (registers the "lsuv" experiment whatever the test order)
from initdoc import nn
from initdoc.lsuv import lsuv, lsuv_with_history

CASES = [
    ([5, 40, 40, 40, 3], ["relu"] * 3 + ["identity"]),
    ([8, 30, 60, 20, 1], ["tanh"] * 3 + ["sigmoid"]),
]


@pytest.mark.parametrize("sizes, activations", CASES)
def test_every_layer_output_has_unit_variance_on_the_batch(sizes, activations):
    x = np.random.default_rng(1).standard_normal((200, sizes[0])) * 3.0
    params = lsuv(np.random.default_rng(0), sizes, activations, x, tol=0.1)
    for z in nn.forward(params, activations, x).z[1:]:
        assert abs(np.var(z) - 1) < 0.1


@pytest.mark.parametrize("sizes, activations", CASES)
def test_lsuv_rescales_orthogonal_weights_once_per_layer(sizes, activations):
    x = np.random.default_rng(1).standard_normal((200, sizes[0]))
    params, history = lsuv_with_history(np.random.default_rng(0), sizes, activations, x, tol=0.01)
    assert [len(h) for h in history] == [2] * len(
        params
    )  # one rescaling: z is linear in W and b = 0
    for (W, b), (n_in, n_out) in zip(params, zip(sizes[:-1], sizes[1:])):
        gram = W.T @ W if n_in >= n_out else W @ W.T  # orthogonal up to one scale factor
        np.testing.assert_allclose(gram, gram[0, 0] * np.eye(len(gram)), atol=1e-12)
        assert np.all(b == 0)


def test_max_iter_zero_leaves_the_orthogonal_start():
    x = np.random.default_rng(1).standard_normal((50, 4))
    params, history = lsuv_with_history(
        np.random.default_rng(0), [4, 6, 6], ["tanh", "tanh"], x, max_iter=0
    )
    assert [len(h) for h in history] == [1, 1]
    np.testing.assert_allclose(params[1][0].T @ params[1][0], np.eye(6), atol=1e-12)


def test_the_experiment_networks_have_unit_variance_in_every_layer(lsuv_result):
    for hidden in ("relu", "tanh"):
        np.testing.assert_allclose(lsuv_result[f"{hidden}.lsuv.variance"], 1, atol=1e-12)
        assert lsuv_result.values[f"{hidden}.lsuv.max_rescalings"] == 1
        assert np.all(lsuv_result[f"{hidden}.lsuv.rescalings"] == 1)
    assert lsuv_result.values["unit_variance_agrees"] == "yes"


def test_without_rescaling_the_relu_signal_dies_and_he_keeps_it(lsuv_result):
    for name in ("glorot_normal", "orthogonal"):
        assert lsuv_result.values[f"relu.{name}.variance_last_hidden"] < 1e-6
        assert np.all(np.diff(np.log(lsuv_result[f"relu.{name}.variance"][:-1])) < 0)
    assert lsuv_result.values["relu.he_normal.variance_last_hidden"] > 0.1


def test_tanh_xavier_and_orthogonal_variance_stays_small_but_steady(lsuv_result):
    for name in ("glorot_normal", "orthogonal"):
        v = lsuv_result[f"tanh.{name}.variance"]
        assert v.min() > 0.01 and v.max() < 0.2


def test_lsuv_trains_deep_relu_and_tanh_networks(lsuv_result):
    for hidden in ("relu", "tanh"):
        assert lsuv_result.values[f"{hidden}.lsuv.test_accuracy"] >= 0.9
        assert not lsuv_result.values[f"{hidden}.lsuv.diverged"]
    assert lsuv_result.values["trains_agrees"] == "yes"


def test_lsuv_ties_the_best_standard_start_within_noise_without_beating_it(lsuv_result):
    v = lsuv_result.values
    for hidden in ("relu", "tanh"):
        others = [
            v[f"{hidden}.{n}.test_accuracy"] for n in ("glorot_normal", "he_normal", "orthogonal")
        ]
        assert v[f"{hidden}.best_standard_accuracy"] == max(others)
        diff, se = v[f"{hidden}.lsuv_vs_best"], v[f"{hidden}.difference_se"]
        assert -2 * se <= diff <= 0
    assert v["relu.best_standard"] == "He normal" and v["tanh.best_standard"] == "orthogonal"
    assert v["accuracy_agrees"] == "yes"


def test_lsuv_ends_with_the_lowest_training_cost(lsuv_result):
    for hidden in ("relu", "tanh"):
        costs = {
            n: lsuv_result.values[f"{hidden}.{n}.final_cost"]
            for n in ("glorot_normal", "he_normal", "orthogonal", "lsuv")
        }
        assert min(costs, key=costs.get) == "lsuv"


def test_speed_is_split_between_tanh_and_relu(lsuv_result):
    v = lsuv_result.values
    assert 0 < v["tanh.lsuv.steps_to_level"] < v["tanh.he_normal.steps_to_level"]
    assert v["relu.lsuv.steps_to_level"] > v["relu.he_normal.steps_to_level"] > 0


def test_tanh_orthogonal_learns_where_xavier_does_not(lsuv_result):
    assert lsuv_result.values["tanh.orthogonal.test_accuracy"] > 0.9
    assert lsuv_result.values["tanh.glorot_normal.test_accuracy"] < 0.6
