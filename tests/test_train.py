"""Tests for initdoc.train: optimizers reduce the cost, snapshots, divergence, determinism."""

import warnings

import numpy as np
import pytest

from initdoc import nn, schemes, train

ACTIVATIONS = ["tanh", "sigmoid"]
LOSS = "binary_cross_entropy"


def separable_problem(seed=0, n=100, dtype=np.float64):
    """Two Gaussian blobs in 2-D, far enough apart to be linearly separable, and a 2-8-1 net."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 2)) + np.where(y[:, None] == 1, 2.5, -2.5)
    params = nn.init_params(
        rng, [2, 8, 1], lambda rng, shape: rng.normal(0, 0.5, shape), dtype=dtype
    )
    return params, x, y


def full_cost(params, x, y):
    return nn.cost(nn.forward(params, ACTIVATIONS, x), y, LOSS)


@pytest.mark.parametrize(
    "optimizer", [train.SGD(lr=0.5), train.Momentum(lr=0.1, beta=0.9), train.Adam(lr=0.05)]
)
def test_optimizers_reduce_the_cost(optimizer):
    params, x, y = separable_problem()
    result = train.train(params, ACTIVATIONS, LOSS, x, y, optimizer=optimizer, steps=100)
    initial = full_cost(params, x, y)
    assert result.costs[0] == initial
    assert full_cost(result.final_params, x, y) < 0.1 * initial
    assert not result.diverged and result.diverged_at is None
    assert result.costs.shape == (100,) and np.all(np.isfinite(result.costs))


def one_weight(value: float):
    return [(np.array([[value]]), np.array([0.0]))]


def steps(optimizer, grads: list[float], w0: float = 1.0) -> list[float]:
    """The weight after each update with these gradients, starting from w0."""
    params, state, path = one_weight(w0), optimizer.init(one_weight(w0)), []
    for g in grads:
        params, state = optimizer.update(params, one_weight(g), state)
        path.append(float(params[0][0][0, 0]))
    return path


def test_update_rules_worked_by_hand():
    """Two steps of each optimizer on one weight, with gradients 2 then -1, done by hand."""
    assert steps(train.SGD(lr=0.1), [2, -1]) == pytest.approx([0.8, 0.9])
    # momentum: v1 = 2, w1 = 1 - 0.1·2; v2 = 0.5·2 - 1 = 0, w2 = w1
    assert steps(train.Momentum(lr=0.1, beta=0.5), [2, -1]) == pytest.approx([0.8, 0.8])
    # Adam, β1 = 0.5, β2 = 0.75, eps negligible: m1 = 1, v1 = 1, m̂1 = 2, v̂1 = 4: the step is
    # lr·2/2 = lr; m2 = 0.5 - 0.5 = 0: no second step
    adam = train.Adam(lr=0.1, beta1=0.5, beta2=0.75, eps=1e-12)
    assert steps(adam, [2, -1]) == pytest.approx([0.9, 0.9])
    # with a constant gradient every bias-corrected step is lr, whatever its size
    assert steps(train.Adam(lr=0.01, eps=1e-15), [1e-6] * 3) == pytest.approx([0.99, 0.98, 0.97])


def test_minibatches_reduce_the_cost_and_count_steps_per_epoch():
    params, x, y = separable_problem()
    result = train.train(
        params,
        ACTIVATIONS,
        LOSS,
        x,
        y,
        optimizer=train.SGD(lr=0.5),
        epochs=5,
        batch_size=16,
        rng=np.random.default_rng(1),
    )
    assert result.costs.shape == (5 * 7,)  # 100 rows = 6 batches of 16 and one of 4
    assert full_cost(result.final_params, x, y) < 0.1 * full_cost(params, x, y)


def flat(params):
    return np.concatenate([p.ravel() for pair in params for p in pair])


def test_snapshots_are_copies_at_the_requested_steps():
    params, x, y = separable_problem()
    initial = flat(params)
    result = train.train(
        params,
        ACTIVATIONS,
        LOSS,
        x,
        y,
        optimizer=train.SGD(lr=0.5),
        steps=20,
        snapshot_at=[10, 0, 19],
    )
    assert [s.step for s in result.snapshots] == [0, 10, 19]
    assert np.array_equal(flat(result.snapshots[0].params), initial)
    for snapshot in result.snapshots:
        assert snapshot.cost == result.costs[snapshot.step]
        record = nn.forward(snapshot.params, ACTIVATIONS, x)
        assert np.array_equal(
            flat(snapshot.grads), flat(nn.backward(snapshot.params, record, y, LOSS).params)
        )

    kept = [flat(s.params) for s in result.snapshots]
    for W, b in params + result.final_params:
        W += 1.0
        b += 1.0
    assert all(np.array_equal(flat(s.params), k) for s, k in zip(result.snapshots, kept))


def test_train_does_not_modify_its_input():
    params, x, y = separable_problem()
    original = [(W.copy(), b.copy()) for W, b in params]
    train.train(params, ACTIVATIONS, LOSS, x, y, optimizer=train.Adam(lr=0.05), steps=5)
    assert all(
        np.array_equal(W, W0) and np.array_equal(b, b0)
        for (W, b), (W0, b0) in zip(params, original)
    )


def linear_regression(scale=1.0):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3))
    y = x @ rng.normal(size=(3, 1))
    params = [
        (scale * rng.normal(size=(3, 4)), np.zeros(4)),
        (scale * rng.normal(size=(4, 1)), np.zeros(1)),
    ]
    return params, x, y


def run_without_warnings(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return train.train(**kwargs)


def test_a_huge_learning_rate_diverges_quietly():
    params, x, y = linear_regression()
    result = run_without_warnings(
        params=params,
        activations=["identity", "identity"],
        loss="mse",
        x=x,
        y=y,
        optimizer=train.SGD(lr=10.0),
        steps=1000,
    )
    assert result.diverged
    step = result.diverged_at
    assert 0 < step < 1000
    assert np.all(np.isfinite(result.costs[:step]))
    assert not np.isfinite(result.costs[step])
    assert np.all(np.isnan(result.costs[step + 1 :]))


def test_huge_weights_diverge_at_step_zero():
    params, x, y = linear_regression(scale=1e200)
    result = run_without_warnings(
        params=params,
        activations=["relu", "identity"],
        loss="mse",
        x=x,
        y=y,
        optimizer=train.SGD(lr=0.1),
        steps=10,
        snapshot_at=[0, 5],
    )
    assert result.diverged and result.diverged_at == 0
    assert result.snapshots == []
    assert np.all(np.isnan(result.costs[1:]))


@pytest.mark.parametrize("optimizer", [train.Momentum(lr=0.1), train.Adam(lr=0.05)])
def test_same_seed_same_bytes(optimizer):
    def run():
        params, x, y = separable_problem(seed=4)
        return train.train(
            params,
            ACTIVATIONS,
            LOSS,
            x,
            y,
            optimizer=optimizer,
            steps=30,
            batch_size=10,
            rng=np.random.default_rng(7),
            snapshot_at=[29],
        )

    first, second = run(), run()
    assert first.costs.tobytes() == second.costs.tobytes()
    for (W1, b1), (W2, b2) in zip(first.final_params, second.final_params):
        assert W1.tobytes() == W2.tobytes() and b1.tobytes() == b2.tobytes()


@pytest.mark.parametrize(
    "optimizer", [train.SGD(lr=0.5), train.Momentum(lr=0.1), train.Adam(lr=0.05)]
)
def test_float32_training_stays_float32(optimizer):
    params, x, y = separable_problem(dtype=np.float32)
    result = train.train(
        params, ACTIVATIONS, LOSS, x, y, optimizer=optimizer, steps=5, snapshot_at=[4]
    )
    arrays = [p for pair in result.final_params + result.snapshots[0].grads for p in pair]
    assert {a.dtype for a in arrays} == {np.dtype(np.float32)}


def test_bad_arguments_raise():
    params, x, y = separable_problem()
    common = dict(
        params=params, activations=ACTIVATIONS, loss=LOSS, x=x, y=y, optimizer=train.SGD(lr=0.1)
    )
    with pytest.raises(ValueError, match="exactly one"):
        train.train(**common, steps=5, epochs=1)
    with pytest.raises(ValueError, match="exactly one"):
        train.train(**common)
    with pytest.raises(ValueError, match="snapshot"):
        train.train(**common, steps=5, snapshot_at=[5])


def _stack(nets):
    return [
        (np.stack([p[l][0] for p in nets]), np.stack([p[l][1][None, :] for p in nets]))
        for l in range(len(nets[0]))
    ]


@pytest.mark.parametrize("optimizer", [train.SGD(0.1), train.Momentum(0.05), train.Adam(0.01)])
def test_a_stack_trains_each_network_as_it_would_train_alone(optimizer):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    sizes, acts = [3, 8, 8, 1], ["tanh", "tanh", "sigmoid"]
    nets = [
        nn.init_params(np.random.default_rng(s), sizes, schemes.glorot_normal()) for s in (1, 2)
    ]
    orders = [np.random.default_rng(7), np.random.default_rng(8)]
    run = train.train(
        _stack(nets),
        acts,
        "binary_cross_entropy",
        x,
        y,
        optimizer=optimizer,
        steps=30,
        batch_size=16,
        rng=orders,
        snapshot_at=[5],
    )
    assert run.costs.shape == (30, 2) and not run.diverged.any()
    for s, seed in enumerate((7, 8)):
        alone = train.train(
            nets[s],
            acts,
            "binary_cross_entropy",
            x,
            y,
            optimizer=optimizer,
            steps=30,
            batch_size=16,
            rng=np.random.default_rng(seed),
            snapshot_at=[5],
        )
        np.testing.assert_allclose(run.costs[:, s], alone.costs, rtol=1e-10)
        np.testing.assert_allclose(run.final_params[0][0][s], alone.final_params[0][0], rtol=1e-9)
        assert run.snapshots[0].cost[s] == pytest.approx(alone.snapshots[0].cost, rel=1e-10)


def test_one_diverging_network_of_a_stack_leaves_the_others_training():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 2)), rng.normal(size=(20, 1))
    sizes, acts = [2, 4, 1], ["identity", "identity"]
    nets = [
        nn.init_params(np.random.default_rng(s), sizes, schemes.glorot_normal()) for s in (1, 2)
    ]
    nets[1] = [(W * 1e200, b) for W, b in nets[1]]  # overflows in its first steps
    run = train.train(_stack(nets), acts, "mse", x, y, optimizer=train.SGD(0.01), steps=10)
    assert list(run.diverged) == [False, True]
    assert run.diverged_at[0] == -1 and 0 <= run.diverged_at[1] < 10
    assert np.isfinite(run.costs[:, 0]).all() and np.isnan(run.costs[run.diverged_at[1] :, 1]).all()
    assert run.costs[-1, 0] < run.costs[0, 0]
