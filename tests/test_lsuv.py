"""LSUV (Mishkin & Matas, 2016): the algorithm, and the claims of its page asserted on the result
it shows."""

import numpy as np
import pytest

from initdoc import nn
from initdoc.experiments.lsuv import HIDDEN, STANDARD, STARTS, lsuv_verdicts, start
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


def test_fresh_minibatches_make_the_loop_iterate_and_stop_within_tol():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2000, 10)) * 2.0
    sizes, activations = [10] + [30] * 8 + [2], ["relu"] * 8 + ["identity"]
    params, history = lsuv_with_history(rng, sizes, activations, x, tol=0.05, batch_size=16)
    assert max(len(h) for h in history) > 2  # a new batch after a rescaling is off again
    for h in history:
        assert abs(h[-1] - 1) < 0.05 or len(h) == 11  # stopped within tol, or spent max_iter
    for z in nn.forward(params, activations, x).z[1:]:  # on all the data: near 1, not exactly
        assert 0.5 < np.var(z) < 2


def test_lsuv_keeps_the_dtype_it_is_given():
    x = np.random.default_rng(1).standard_normal((64, 5)).astype(np.float32)
    params = lsuv(np.random.default_rng(0), [5, 7, 3], ["tanh", "identity"], x, dtype=np.float32)
    assert all(W.dtype == np.float32 and b.dtype == np.float32 for W, b in params)


def test_lsuv_starts_from_the_matrices_of_the_orthogonal_start_of_the_same_seed():
    x = np.random.default_rng(1).standard_normal((300, 6)).astype(np.float32)
    sizes, activations = [6, 12, 12, 3], ["tanh", "tanh", "softmax"]
    orthogonal, _ = start(3, "orthogonal", sizes, activations, x, 0.1, 10, 32)
    rescaled, _ = start(3, "lsuv", sizes, activations, x, 0.1, 10, 32)
    for (W0, _), (W1, _) in zip(orthogonal, rescaled):
        ratio = W1 / W0
        np.testing.assert_allclose(ratio, ratio.flat[0], rtol=1e-5)


# Made-up results on both sides of every verdict's margin.


def made_up_accuracy(lsuv_mean, best_mean, spread=0.005, seeds=5):
    rng = np.random.default_rng(0)
    acc = {name: best_mean - 0.05 + rng.normal(0, spread, seeds) for name in STANDARD}
    acc["he_normal"] = best_mean + rng.normal(0, spread, seeds)
    acc["lsuv"] = lsuv_mean + rng.normal(0, spread, seeds)
    return acc


def outcomes(deviation, lsuv_mean, best_mean, spread=0.005):
    found = lsuv_verdicts(
        deviation, {h: made_up_accuracy(lsuv_mean, best_mean, spread) for h in HIDDEN}
    )
    return {k: v["outcome"] for k, v in found.items()}


def test_lsuv_verdicts_can_go_either_way():
    small = np.full(10, 0.02) + np.linspace(0, 0.01, 10)
    assert set(outcomes(small, 0.92, 0.91).values()) == {"agrees"}
    large = np.full(10, 0.3) + np.linspace(0, 0.05, 10)
    assert set(outcomes(large, 0.5, 0.9).values()) == {"disagrees"}
    # Five seeds scattered as widely as the margin leave "better or equal" open.
    assert outcomes(small, 0.905, 0.91, spread=0.02)["not_worse_relu"] == "inconclusive"


# The result the page shows.


def test_the_verdicts_are_those_of_the_arrays_shown(lsuv_result):
    deviation = np.concatenate(
        [np.abs(lsuv_result[f"{h}.lsuv.variance"] - 1).max(axis=1) for h in HIDDEN]
    )
    accuracy = {h: {n: lsuv_result[f"{h}.{n}.test_accuracy"] for n in STARTS} for h in HIDDEN}
    again = lsuv_verdicts(deviation, accuracy)
    assert again == {k: lsuv_result.verdicts[k] for k in again}


def test_the_loop_iterates_on_fresh_minibatches(lsuv_result):
    assert lsuv_result.values["relu.lsuv.max_trials"] > 2
    assert lsuv_result.values["relu.lsuv.mean_trials"] > 1


def test_without_rescaling_the_relu_signal_dies_and_he_keeps_it(lsuv_result):
    for name in ("glorot_normal", "orthogonal"):
        v = lsuv_result[f"relu.{name}.variance"]
        assert np.all(v[:, -2] < 1e-4)
        assert np.all(np.diff(np.log(np.median(v[:, :-1], axis=0))) < 0)
    assert 0.1 < lsuv_result.values["relu.he_normal.variance_last_hidden"] < 10


def test_tanh_xavier_and_orthogonal_variance_falls_like_one_over_2l(lsuv_result):
    # The page: close to 1/(2l), the law the Xavier page derives for tanh with n Var(W) = 1.
    layers = lsuv_result["layers"][:-1]
    deep = layers >= 5
    for name in ("glorot_normal", "orthogonal"):
        v = np.median(lsuv_result[f"tanh.{name}.variance"][:, :-1], axis=0)
        assert np.all(np.abs(np.log(v[deep] * 2 * layers[deep])) < np.log(1.5))
