"""Tests for initdoc.residual: gradients against finite differences, an MLP against `nn`, a
residual block worked out by hand, stacks, and training."""

import numpy as np
import pytest
from test_nn import numeric_gradient, relative_error

from initdoc import nn, residual, schemes, train
from initdoc.residual import Act, Gain, Linear, Norm, Residual

N_IN, WIDTH, N_OUT, BATCH = 3, 4, 3, 6
TARGETS = {
    "softmax_cross_entropy": lambda rng: rng.integers(0, N_OUT, BATCH),
    "binary_cross_entropy": lambda rng: rng.integers(0, 2, (BATCH, N_OUT)).astype(float),
    "mse": lambda rng: rng.normal(size=(BATCH, N_OUT)),
}


def every_layer(kind="layer"):
    """A network holding every kind of layer, two residual blocks, one with a normalization."""
    return (
        Linear(N_IN, WIDTH, "lecun_normal"),
        Residual(
            (
                Act("tanh"),
                Linear(WIDTH, WIDTH),
                Norm(kind, WIDTH),
                Act("relu"),
                Linear(WIDTH, WIDTH),
                Gain(0.7),
            )
        ),
        Residual((Norm(kind, WIDTH), Linear(WIDTH, WIDTH), Act("tanh"), Linear(WIDTH, WIDTH))),
        Linear(WIDTH, N_OUT, "lecun_normal"),
    )


def close(numeric, analytic):
    """Equal up to finite-difference error (a gradient that is zero, as a bias's before a batch
    normalization, is zero up to rounding)."""
    return relative_error(numeric, analytic) < 1e-6 or np.abs(analytic).max() < 1e-12


def randomized(params, rng):
    """Every parameter moved off its starting value (biases, γ and g included)."""
    return [(p + rng.normal(0, 0.3, p.shape), q + rng.normal(0, 0.3, q.shape)) for p, q in params]


@pytest.mark.parametrize("loss", list(TARGETS))
@pytest.mark.parametrize("kind", ["layer", "batch"])
def test_gradients_match_finite_differences(kind, loss):
    rng = np.random.default_rng(0)
    net = every_layer(kind)
    params = randomized(residual.init_params(rng, net), rng)
    x, y = rng.normal(size=(BATCH, N_IN)), TARGETS[loss](rng)
    _, grads, record = residual.cost_and_grads(net, params, x, y, loss)

    def again():
        return residual.cost_and_grads(net, params, x, y, loss)[0]

    for (p, q), (dp, dq) in zip(params, grads.params):
        assert close(numeric_gradient(again, p), dp)
        assert close(numeric_gradient(again, q), dq)
    for k in range(len(net) + 1):  # the gradient at every tapped signal, input included
        signal = record.stream[k].copy()

        def from_signal(k=k, signal=signal):
            rest = (
                residual.forward(
                    net[k:], params[sum(1 for _ in residual.parametric(net[:k])) :], signal
                ).out
                if k < len(net)
                else signal
            )
            a = nn.get_activation(residual.OUTPUTS[loss]).f(rest)
            return nn.get_loss(loss).value(rest, a, residual.targets(y, rest, loss))

        assert close(numeric_gradient(from_signal, signal), grads.stream[k])


def test_an_mlp_is_the_nn_network():
    rng = np.random.default_rng(1)
    sizes, acts = [N_IN, 5, 5, N_OUT], ["tanh", "relu", "softmax"]
    net = residual.mlp(sizes, "tanh")
    net = (*net[:3], Act("relu"), net[4])  # tanh, then relu
    params = randomized(residual.init_params(rng, net), rng)
    x, y = rng.normal(size=(BATCH, N_IN)), rng.integers(0, N_OUT, BATCH)
    cost, grads, _ = residual.cost_and_grads(net, params, x, y, "softmax_cross_entropy")
    record = nn.forward(params, acts, x)
    expected = nn.backward(params, record, y, "softmax_cross_entropy")
    assert cost == pytest.approx(nn.cost(record, y, "softmax_cross_entropy"), rel=1e-12)
    for (dW, db), (eW, eb) in zip(grads.params, expected.params):
        assert np.allclose(dW, eW, rtol=1e-12, atol=1e-14) and np.allclose(db, eb, atol=1e-14)


def test_a_residual_block_by_hand():
    # x + g·(relu(x) W1) W2 with 1 × 1 weights: x = -1 gives x, x = 2 gives 2 + g·2·w1·w2.
    net = (Residual((Act("relu"), Linear(1, 1), Linear(1, 1), Gain())),)
    params = [
        (np.array([[3.0]]), np.zeros(1)),
        (np.array([[0.5]]), np.zeros(1)),
        (np.array([2.0]), np.zeros(1)),
    ]
    out = residual.forward(net, params, np.array([[-1.0], [2.0]])).out
    assert out.tolist() == [[-1.0], [2.0 + 2.0 * 2.0 * 3.0 * 0.5]]


def test_zero_last_layers_make_the_network_the_identity_and_still_learn():
    rng = np.random.default_rng(2)
    blocks = 10

    def branch(width, _):
        return (Act("relu"), Linear(width, width), Act("relu"), Linear(width, width, "zeros"))

    net = residual.resnet(N_IN, WIDTH, N_OUT, blocks, branch=branch)
    params = residual.init_params(rng, net)
    x, y = rng.normal(size=(BATCH, N_IN)), rng.integers(0, N_OUT, BATCH)
    _, grads, record = residual.cost_and_grads(net, params, x, y, "softmax_cross_entropy")
    assert all(np.array_equal(s, record.stream[1]) for s in record.stream[1:-1])
    second_layers = grads.params[2:-1:2]  # every branch's last linear layer
    assert all(np.abs(dW).max() > 0 for dW, _ in second_layers)  # zero weights, nonzero gradient
    first_layers = grads.params[1:-1:2]
    assert all(np.abs(dW).max() == 0 for dW, _ in first_layers)  # until the last layer moves


def test_the_second_moment_doubles_per_he_block():
    # relu(x) W1 → relu → W2, both He: each branch adds a copy of the stream's second moment.
    rng = np.random.default_rng(3)
    width, blocks = 256, 8

    def branch(w, _):
        return (Act("relu"), Linear(w, w), Act("relu"), Linear(w, w))

    net = residual.resnet(width, width, 1, blocks, branch=branch)
    params = residual.init_params(rng, net, stack=20)
    record = residual.forward(net, params, rng.standard_normal((200, width)))
    per_block = [
        np.mean(b**2) / np.mean(a**2) for a, b in zip(record.stream[1:-2], record.stream[2:-1])
    ]
    assert np.mean(per_block) == pytest.approx(2.0, rel=0.03)


@pytest.mark.parametrize("optimizer", [train.SGD(0.1), train.Adam(0.01)])
def test_a_stack_trains_each_network_as_it_would_train_alone(optimizer):
    rng = np.random.default_rng(4)
    net = every_layer("batch")
    x, y = rng.normal(size=(12, N_IN)), rng.integers(0, N_OUT, 12)
    nets = [residual.init_params(np.random.default_rng(s), net) for s in range(3)]
    stack = residual.init_params(np.random.default_rng(99), net, stack=3)
    for i in range(len(stack)):  # the same three networks, stacked
        stack[i] = (
            np.stack([n[i][0].reshape(stack[i][0].shape[1:]) for n in nets]),
            np.stack([n[i][1].reshape(stack[i][1].shape[1:]) for n in nets]),
        )
    run = residual.train(
        net,
        stack,
        x,
        y,
        "softmax_cross_entropy",
        optimizer=optimizer,
        steps=8,
        batch_size=4,
        rng=np.random.default_rng(5),
    )
    for s, params in enumerate(nets):
        alone = residual.train(
            net,
            params,
            x,
            y,
            "softmax_cross_entropy",
            optimizer=optimizer,
            steps=8,
            batch_size=4,
            rng=np.random.default_rng(5),
        )
        assert np.allclose(run.costs[:, s], alone.costs, rtol=1e-10)
    assert run.costs[-1].mean() < run.costs[0].mean()


def test_a_diverging_network_is_recorded_and_the_others_train_on():
    rng = np.random.default_rng(6)
    net = residual.mlp([N_IN, WIDTH, N_OUT], "relu")
    params = residual.init_params(rng, net, stack=2)
    params[0] = (params[0][0] * np.array([1.0, 1e200])[:, None, None], params[0][1])
    x, y = rng.normal(size=(BATCH, N_IN)), rng.integers(0, N_OUT, BATCH)
    run = residual.train(
        net, params, x, y, "softmax_cross_entropy", optimizer=train.SGD(1e3), steps=5
    )
    assert run.diverged.tolist() == [False, True]
    assert np.isnan(run.costs[run.diverged_at[1] :, 1]).all() and np.isfinite(run.costs[:, 0]).all()


def test_init_params_shapes_and_starting_values():
    net = (Linear(2, 3, schemes.zeros()), Norm("layer", 3, gamma=0.0), Gain(0.25))
    one = residual.init_params(np.random.default_rng(0), net)
    assert [(p.shape, q.shape) for p, q in one] == [((2, 3), (3,)), ((3,), (3,)), ((1,), (1,))]
    assert one[1][0].tolist() == [0.0] * 3 and one[2][0].tolist() == [0.25]
    stack = residual.init_params(np.random.default_rng(0), net, stack=4, dtype=np.float32)
    assert [(p.shape, q.shape) for p, q in stack] == [
        ((4, 2, 3), (4, 1, 3)),
        ((4, 1, 3), (4, 1, 3)),
        ((4, 1, 1), (4, 1, 1)),
    ]
    assert {p.dtype for pair in stack for p in pair} == {np.dtype(np.float32)}
