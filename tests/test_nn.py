"""Tests for initdoc.nn: gradients against finite differences and a by-hand net, stability,
dtypes."""

import math
from functools import partial

import numpy as np
import pytest

from initdoc import nn

ACTIVATIONS = ["identity", "relu", "leaky_relu", "tanh", "sigmoid", "softmax"]
OUTPUTS = {"binary_cross_entropy": "sigmoid", "softmax_cross_entropy": "softmax", "mse": "identity"}
N_OUT = 3
BATCH = 5


def strict():
    """Raise on every floating-point problem except underflow: exp(-1000) rounding to 0 is exact."""
    return np.errstate(all="raise", under="ignore")


def normal_init(rng, shape):
    return rng.normal(0.0, 1.0 / math.sqrt(shape[0]), shape)


def make_net(hidden, loss, seed=0, sizes=(4, 6, 5, N_OUT), dtype=np.float64):
    """A small net with two `hidden` layers, its loss's natural output, random x and targets."""
    rng = np.random.default_rng(seed)
    params = nn.init_params(rng, sizes, normal_init, dtype=dtype)
    params = [(W, rng.normal(0, 0.5, b.shape).astype(dtype)) for W, b in params]
    activations = [hidden] * (len(sizes) - 2) + [OUTPUTS[loss]]
    x = rng.normal(size=(BATCH, sizes[0])).astype(dtype)
    if loss == "softmax_cross_entropy":
        y = rng.integers(0, sizes[-1], BATCH)
    elif loss == "binary_cross_entropy":
        y = rng.integers(0, 2, (BATCH, sizes[-1]))
    else:
        y = rng.normal(size=(BATCH, sizes[-1]))
    return params, activations, x, y


# An independent reference: the loss written on the output a, and the net run from any layer.


def reference_loss(loss, a, y):
    m = len(a)
    if loss == "softmax_cross_entropy":
        y = np.eye(a.shape[1])[y]
        return -np.sum(y * np.log(a)) / m
    if loss == "binary_cross_entropy":
        return -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / m
    return 0.5 * np.sum((a - y) ** 2) / m


def reference_functions():
    return {
        "identity": lambda z: z,
        "relu": lambda z: np.where(z > 0, z, 0.0),
        "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
        "tanh": np.tanh,
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
    }


def loss_from_a(params, activations, loss, y, l, a):
    """The loss as a function of layer l's activation a[l]."""
    f = reference_functions()
    for (W, b), name in zip(params[l:], activations[l:]):
        a = f[name](a @ W + b)
    return reference_loss(loss, a, y)


def loss_from_z(params, activations, loss, y, l, z):
    """The loss as a function of layer l's pre-activation z[l]."""
    a = reference_functions()[activations[l - 1]](z)
    return loss_from_a(params, activations, loss, y, l, a)


def numeric_gradient(f, x, h=1e-6):
    """Central differences of the scalar f() with respect to each entry of x, in place."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = f()
        x[i] = saved - h
        down = f()
        x[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12)


@pytest.mark.parametrize("loss", list(OUTPUTS))
@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_gradients_match_finite_differences(hidden, loss):
    params, activations, x, y = make_net(hidden, loss)
    record = nn.forward(params, activations, x)
    grads = nn.backward(params, record, y, loss)
    L = len(params)

    def cost():
        return nn.cost(nn.forward(params, activations, x), y, loss)

    for (W, b), (dW, db) in zip(params, grads.params):
        assert relative_error(numeric_gradient(cost, W), dW) < 1e-6
        assert relative_error(numeric_gradient(cost, b), db) < 1e-6
    for l in range(1, L + 1):
        z = record.z[l].copy()
        numeric = numeric_gradient(partial(loss_from_z, params, activations, loss, y, l, z), z)
        assert relative_error(numeric, grads.dz[l]) < 1e-6
    for l in range(0, L + 1):
        a = record.a[l].copy()
        numeric = numeric_gradient(partial(loss_from_a, params, activations, loss, y, l, a), a)
        assert relative_error(numeric, grads.da[l]) < 1e-6
    assert grads.dz[0] is None


@pytest.mark.parametrize("loss", list(OUTPUTS))
def test_cost_matches_the_loss_written_on_a(loss):
    params, activations, x, y = make_net("tanh", loss)
    record = nn.forward(params, activations, x)
    assert nn.cost(record, y, loss) == pytest.approx(reference_loss(loss, record.a[-1], y))


def test_mse_is_half_the_squared_error_summed_over_outputs_averaged_over_the_batch():
    record = nn.Record(
        ["identity"], z=[None, np.array([[1.0, 2.0]])], a=[None, np.array([[1.0, 2.0]])]
    )
    assert nn.cost(record, np.array([[0.0, 0.0]]), "mse") == 0.5 * (1 + 4)


@pytest.mark.parametrize("name", ["identity", "relu", "leaky_relu", "tanh", "sigmoid"])
def test_elementwise_derivatives_match_finite_differences(name):
    act = nn.get_activation(name)
    z = np.linspace(-3, 3, 10)  # avoids the kink at 0
    h = 1e-6
    assert np.allclose(act.df(z), (act.f(z + h) - act.f(z - h)) / (2 * h), atol=1e-8)


def test_kinks_take_the_left_slope():
    zero = np.zeros(3)
    assert np.all(nn.d_relu(zero) == 0.0)
    assert np.all(nn.d_leaky_relu(zero) == nn.LEAKY_SLOPE)
    assert np.all(nn.relu(zero) == 0.0)


def test_softmax_jacobian_and_backprop_agree():
    rng = np.random.default_rng(1)
    z, da = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    jacobian = nn.d_softmax(z)
    h = 1e-6
    for j in range(5):
        step = np.zeros(5)
        step[j] = h
        column = (nn.softmax(z + step) - nn.softmax(z - step)) / (2 * h)
        assert np.allclose(jacobian[:, :, j], column, atol=1e-8)
    assert np.allclose(nn.backprop_softmax(z, da), np.einsum("bij,bi->bj", jacobian, da))


def test_sigmoid_and_softmax_are_stable_at_extremes():
    z = np.array([[-1000.0, 0.0, 1000.0]])
    with strict():
        assert nn.sigmoid(z).tolist() == [[0.0, 0.5, 1.0]]
        assert np.all(np.isfinite(nn.d_sigmoid(z)))
        assert nn.softmax(z).tolist() == [[0.0, 0.0, 1.0]]
        assert nn.softmax(z.astype(np.float32)).dtype == np.float32


def test_cross_entropies_are_finite_and_right_at_extremes():
    z = np.array([[1000.0], [1000.0], [-1000.0], [-1000.0]])
    y = np.array([1, 0, 1, 0])
    bce = nn.get_loss("binary_cross_entropy")
    with strict():
        assert bce.value(z, nn.sigmoid(z), y.reshape(z.shape)) == pytest.approx(
            (0 + 1000 + 1000 + 0) / 4
        )
        logits = np.array([[1000.0, -1000.0, 0.0]])
        record = nn.Record(["softmax"], z=[None, logits], a=[None, nn.softmax(logits)])
        assert nn.cost(record, np.array([0]), "softmax_cross_entropy") == pytest.approx(0.0)
        assert nn.cost(record, np.array([1]), "softmax_cross_entropy") == pytest.approx(2000.0)


def test_backward_is_finite_through_a_saturated_sigmoid_output():
    params = [(np.array([[1000.0]]), np.array([0.0]))]
    x, y = np.array([[1.0], [-1.0]]), np.array([0, 0])
    with strict():
        record = nn.forward(params, ["sigmoid"], x)
        grads = nn.backward(params, record, y, "binary_cross_entropy")
    assert grads.dz[1].tolist() == [[0.5], [0.0]]
    assert np.all(np.isfinite(grads.params[0][0]))


@pytest.mark.parametrize("loss", list(OUTPUTS))
@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_float32_stays_float32(hidden, loss):
    params, activations, x, y = make_net(hidden, loss, dtype=np.float32)
    with strict():
        record = nn.forward(params, activations, x.astype(np.float64))  # cast to the weights' dtype
        grads = nn.backward(params, record, y, loss)
    arrays = (
        record.a
        + record.z[1:]
        + grads.dz[1:]
        + grads.da
        + [p for pair in grads.params for p in pair]
    )
    assert {array.dtype for array in arrays} == {np.dtype(np.float32)}
    assert math.isfinite(nn.cost(record, y, loss))


def test_init_params_shapes_bias_and_dtype():
    params = nn.init_params(
        np.random.default_rng(0), [3, 4, 2], normal_init, bias=0.1, dtype=np.float32
    )
    assert [(W.shape, b.shape) for W, b in params] == [((3, 4), (4,)), ((4, 2), (2,))]
    assert all(W.dtype == b.dtype == np.float32 for W, b in params)
    assert all(np.all(b == np.float32(0.1)) for _, b in params)


def test_forward_records_every_layer():
    params, activations, x, _ = make_net("relu", "mse")
    record = nn.forward(params, activations, x)
    assert record.a[0] is x and record.z[0] is None
    assert [a.shape for a in record.a] == [(5, 4), (5, 6), (5, 5), (5, 3)]
    assert np.array_equal(record.a[1], np.maximum(record.z[1], 0))


def test_unknown_names_and_mismatches_raise():
    with pytest.raises(ValueError, match="known: identity, relu"):
        nn.get_activation("swish")
    with pytest.raises(ValueError, match="known: binary_cross_entropy"):
        nn.get_loss("hinge")
    params, activations, x, y = make_net("tanh", "mse")
    with pytest.raises(ValueError, match="needs a sigmoid output"):
        nn.cost(nn.forward(params, activations, x), y, "binary_cross_entropy")
    with pytest.raises(ValueError, match="activations"):
        nn.forward(params, activations[:-1], x)


def test_matches_a_by_hand_net_with_scalar_loops():
    """micrograd-style: a 3-4-2 tanh + softmax net worked out one example and one unit at a time."""
    params, activations, x, labels = make_net(
        "tanh", "softmax_cross_entropy", seed=3, sizes=(3, 4, 2)
    )
    (W1, b1), (W2, b2) = params
    m = len(x)
    total = 0.0
    dW1, db1, dW2, db2 = np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)
    for i in range(m):
        h = [math.tanh(sum(x[i, k] * W1[k, j] for k in range(3)) + b1[j]) for j in range(4)]
        logits = [sum(h[j] * W2[j, c] for j in range(4)) + b2[c] for c in range(2)]
        exps = [math.exp(v) for v in logits]
        probs = [e / sum(exps) for e in exps]
        total += -math.log(probs[labels[i]])
        for c in range(2):
            dlogit = (probs[c] - (c == labels[i])) / m
            db2[c] += dlogit
            for j in range(4):
                dW2[j, c] += h[j] * dlogit
        for j in range(4):
            dh = sum((probs[c] - (c == labels[i])) / m * W2[j, c] for c in range(2))
            dpre = dh * (1 - h[j] ** 2)
            db1[j] += dpre
            for k in range(3):
                dW1[k, j] += x[i, k] * dpre
    record = nn.forward(params, activations, x)
    grads = nn.backward(params, record, labels, "softmax_cross_entropy")
    assert nn.cost(record, labels, "softmax_cross_entropy") == pytest.approx(total / m, rel=1e-12)
    for got, want in zip([p for pair in grads.params for p in pair], [dW1, db1, dW2, db2]):
        assert np.allclose(got, want, rtol=1e-10, atol=1e-14)


# A stack of networks: every W has a leading axis, and each network's cost and gradients are
# those it would have alone.


def stack(nets):
    """Stack networks of one shape: W to (S, n_in, n_out), b to (S, 1, n_out)."""
    return [
        (np.stack([p[l][0] for p in nets]), np.stack([p[l][1][None, :] for p in nets]))
        for l in range(len(nets[0]))
    ]


@pytest.mark.parametrize("shared_x", [True, False])
@pytest.mark.parametrize("loss", list(OUTPUTS))
@pytest.mark.parametrize("hidden", ["relu", "tanh", "softmax"])
def test_a_stack_computes_what_each_network_computes_alone(hidden, loss, shared_x):
    nets = [make_net(hidden, loss, seed=s) for s in range(3)]
    params = stack([n[0] for n in nets])
    activations, x, y = nets[0][1], nets[0][2], nets[0][3]
    xs = x if shared_x else np.stack([n[2] for n in nets])
    ys = y if shared_x else np.stack([n[3] for n in nets])
    record = nn.forward(params, activations, xs)
    grads = nn.backward(params, record, ys, loss)
    costs = nn.cost(record, ys, loss)
    assert costs.shape == (3,)
    for s, (alone, *_rest) in enumerate(nets):
        xa, ya = (x, y) if shared_x else (nets[s][2], nets[s][3])
        rec = nn.forward(alone, activations, xa)
        g = nn.backward(alone, rec, ya, loss)
        assert costs[s] == pytest.approx(nn.cost(rec, ya, loss), rel=1e-12)
        for (dW, db), (dW1, db1) in zip(grads.params, g.params):
            np.testing.assert_allclose(dW[s], dW1, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(db[s, 0], db1, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", list(OUTPUTS))
def test_stacked_gradients_match_finite_differences(loss):
    nets = [make_net("tanh", loss, seed=s) for s in range(2)]
    params = stack([n[0] for n in nets])
    activations, x, y = nets[0][1:]
    grads = nn.backward(params, nn.forward(params, activations, x), y, loss)

    def total():
        return nn.cost(nn.forward(params, activations, x), y, loss).sum()

    for (W, b), (dW, db) in zip(params, grads.params):
        assert relative_error(numeric_gradient(total, W), dW) < 1e-6
        assert relative_error(numeric_gradient(total, b), db) < 1e-6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_backprop_from_the_stored_activation_gives_the_bits_of_df_times_da(name, dtype):
    rng = np.random.default_rng(2)
    z = rng.normal(0, 3, (6, 4)).astype(dtype)
    z[0] = 0.0  # the kinks of relu and leaky relu
    da = rng.normal(size=z.shape).astype(dtype)
    act = nn.get_activation(name)
    dz = act.backprop(z, act.f(z), da)
    expected = nn.backprop_softmax(z, da) if name == "softmax" else act.df(z) * da
    assert dz.dtype == dtype
    assert dz.tobytes() == expected.tobytes()
    assert dz is not da


@pytest.mark.parametrize("loss", list(OUTPUTS))
def test_skipping_the_input_gradient_changes_nothing_else(loss):
    params, activations, x, y = make_net("tanh", loss)
    record = nn.forward(params, activations, x)
    full = nn.backward(params, record, y, loss)
    lean = nn.backward(params, record, y, loss, input_gradient=False)
    assert lean.da[0] is None and full.da[0].shape == x.shape
    for (dW, db), (dW_full, db_full) in zip(lean.params, full.params):
        assert dW.tobytes() == dW_full.tobytes() and db.tobytes() == db_full.tobytes()
    assert all(a.tobytes() == b.tobytes() for a, b in zip(lean.da[1:], full.da[1:]))


def test_forward_adds_a_bias_that_broadcasts_beyond_the_product():
    rng = np.random.default_rng(3)
    W = rng.normal(size=(4, 3))
    b = rng.normal(size=(2, 1, 3))  # one bias per network of a stack sharing W
    x = rng.normal(size=(5, 4))
    record = nn.forward([(W, b)], ["identity"], x)
    assert record.z[1].shape == (2, 5, 3)
    assert record.z[1].tobytes() == (x @ W + b).tobytes()
