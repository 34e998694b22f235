"""Gradient descent on an `nn` network: optimizers, and a loop that records what happened.

An optimizer holds only hyperparameters. Its state lives outside it: `state = opt.init(params)`,
then `params, state = opt.update(params, grads, state)` returns new arrays and never mutates.
The loop trains one network, or a stack of S networks in one pass (see `nn`): then every cost,
and whether and when training diverged, comes one per network.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from initdoc import nn
from initdoc.errors import UserError
from initdoc.nn import Array, Params


def _flat(params: Params) -> list[Array]:
    """[(W1, b1), (W2, b2)] -> [W1, b1, W2, b2]."""
    return [array for pair in params for array in pair]


def _pairs(arrays: list[Array]) -> Params:
    """[W1, b1, W2, b2] -> [(W1, b1), (W2, b2)]."""
    return list(zip(arrays[0::2], arrays[1::2]))


def _step(p: Array, lr: float, g: Array) -> Array:
    """p - lr * g as a new array, with no temporary beside it."""
    new = np.multiply(g, lr)
    return np.subtract(p, new, out=new)


def _decayed(v: Array, beta: float, g: Array) -> Array:
    """beta * v + g as a new array, with no temporary beside it."""
    new = np.multiply(v, beta)
    new += g
    return new


@dataclass(frozen=True)
class SGD:
    """Plain gradient descent: w <- w - lr * g."""

    lr: float

    def init(self, params: Params) -> None:
        return None

    def update(self, params: Params, grads: Params, state: None) -> tuple[Params, None]:
        return _pairs([_step(p, self.lr, g) for p, g in zip(_flat(params), _flat(grads))]), state


@dataclass(frozen=True)
class Momentum:
    """Heavy-ball momentum: v <- beta * v + g, then w <- w - lr * v."""

    lr: float
    beta: float = 0.9

    def init(self, params: Params) -> list[Array]:
        return [np.zeros_like(p) for p in _flat(params)]

    def update(self, params: Params, grads: Params, state: list[Array]):
        velocity = [_decayed(v, self.beta, g) for v, g in zip(state, _flat(grads))]
        return _pairs([_step(p, self.lr, v) for p, v in zip(_flat(params), velocity)]), velocity


@dataclass(frozen=True)
class AdamState:
    """Adam's step count t and moving averages m of g and v of g**2."""

    t: int
    m: list[Array]
    v: list[Array]


@dataclass(frozen=True)
class Adam:
    """Adam (Kingma & Ba, 2015): w <- w - lr * m_hat / (sqrt(v_hat) + eps), bias-corrected."""

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def init(self, params: Params) -> AdamState:
        zeros = [np.zeros_like(p) for p in _flat(params)]
        return AdamState(0, zeros, zeros)

    def update(self, params: Params, grads: Params, state: AdamState) -> tuple[Params, AdamState]:
        t, g = state.t + 1, _flat(grads)
        m = [self.beta1 * m_i + (1 - self.beta1) * g_i for m_i, g_i in zip(state.m, g)]
        v = [self.beta2 * v_i + (1 - self.beta2) * g_i**2 for v_i, g_i in zip(state.v, g)]
        m_hat = [m_i / (1 - self.beta1**t) for m_i in m]
        v_hat = [v_i / (1 - self.beta2**t) for v_i in v]
        new = [
            p - self.lr * mh / (np.sqrt(vh) + self.eps)
            for p, mh, vh in zip(_flat(params), m_hat, v_hat)
        ]
        return _pairs(new), AdamState(t, m, v)


Optimizer = SGD | Momentum | Adam


@dataclass
class Snapshot:
    """The network at the start of one step, before that step's update."""

    step: int
    params: Params  # copies
    grads: Params  # [(dW, db)] at these params on this step's batch, copies
    cost: float | Array  # equals costs[step]


@dataclass
class TrainResult:
    """What a training run did.

    costs[t] is the cost on step t's batch just before update t (the full training set
    when batch_size is None), so costs[0] is the initial cost. If training diverged,
    costs[diverged_at] is the offending cost and every later entry is NaN.

    For a stack of S networks, costs has shape (steps, S), and diverged and diverged_at are
    arrays of S entries (diverged_at is -1 for a network that did not diverge); a diverged
    network's later costs are NaN while the others train on.
    """

    costs: Array
    snapshots: list[Snapshot]
    final_params: Params
    diverged: bool | Array
    diverged_at: int | Array | None


def _copy(params: Params) -> Params:
    return [(W.copy(), b.copy()) for W, b in params]


def _finite(params: Params) -> bool:
    return all(np.isfinite(p).all() for p in _flat(params))


def _finite_networks(params: Params) -> Array:
    """For a stack: whether each network's parameters are all finite."""
    return np.logical_and.reduce([np.isfinite(p).all(axis=(-2, -1)) for p in _flat(params)])


def _batches(n: int, batch_size: int | None, rng) -> Iterator:
    """Row indices for each step: all rows, or minibatches of a fresh order each epoch.

    rng is None (data order), a Generator (one order), or a list of Generators, one per network
    of a stack: each network then gets its own order, rows of shape (S, batch)."""
    if batch_size is None:
        while True:
            yield slice(None)
    while True:
        if isinstance(rng, (list, tuple)):
            order = np.stack([r.permutation(n) for r in rng])
        else:
            order = np.arange(n) if rng is None else rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[..., start : start + batch_size]


def train(
    params: Params,
    activations: list[str],
    loss: str,
    x,
    y,
    *,
    optimizer: Optimizer,
    steps: int | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    rng: np.random.Generator | list[np.random.Generator] | None = None,
    snapshot_at: Iterable[int] = (),
) -> TrainResult:
    """Run `steps` updates (or `epochs` passes over x) and return a TrainResult.

    batch_size=None is full-batch gradient descent. Otherwise each epoch splits the rows into
    ceil(n / batch_size) minibatches (the last may be smaller), shuffled by `rng` or, if rng is
    None, in data order. Training stops early, without raising, at the first step whose cost
    or parameters are NaN or inf; diverged_at is that step (== steps if the last update did it).
    `params` is not modified.

    A stack of networks (W of shape (S, n_in, n_out)) shares one batch order, or takes one
    generator per network in `rng` (equal seeds give equal orders); a network that diverges is
    marked and left to carry NaN while the others train on, until all have diverged.
    """
    x, y = np.asarray(x), np.asarray(y)
    if (steps is None) == (epochs is None):
        raise UserError("give exactly one of steps and epochs")
    if steps is None:
        steps = epochs * (1 if batch_size is None else math.ceil(len(x) / batch_size))
    snapshot_at = set(snapshot_at)
    if not all(0 <= step < steps for step in snapshot_at):
        raise UserError(f"snapshot steps must lie in [0, {steps}): {sorted(snapshot_at)}")

    if np.ndim(params[0][0]) == 3:
        run = (params, activations, loss, x, y, optimizer, steps, batch_size, rng, snapshot_at)
        return _train_stack(*run)
    costs = np.full(steps, np.nan)
    snapshots = []
    diverged_at = None
    state = optimizer.init(params)
    batches = _batches(len(x), batch_size, rng)
    with np.errstate(all="ignore"):  # overflow is an expected outcome here, not a bug
        for step in range(steps):
            rows = next(batches)
            record = nn.forward(params, activations, x[rows])
            costs[step] = nn.cost(record, y[rows], loss)
            if not (np.isfinite(costs[step]) and _finite(params)):
                diverged_at = step
                break
            grads = nn.backward(params, record, y[rows], loss, input_gradient=False).params
            if step in snapshot_at:
                snapshots.append(Snapshot(step, _copy(params), _copy(grads), float(costs[step])))
            params, state = optimizer.update(params, grads, state)
    if diverged_at is None and not _finite(params):
        diverged_at = steps
    return TrainResult(costs, snapshots, params, diverged_at is not None, diverged_at)


def _train_stack(params, activations, loss, x, y, optimizer, steps, batch_size, rng, snapshot_at):
    """train() for a stack of networks: costs of shape (steps, S), divergence per network."""
    costs = np.full((steps, params[0][0].shape[0]), np.nan)
    snapshots = []
    diverged_at = np.full(costs.shape[1], -1)
    state = optimizer.init(params)
    batches = _batches(len(x), batch_size, rng)
    with np.errstate(all="ignore"):  # overflow is an expected outcome here, not a bug
        for step in range(steps):
            rows = next(batches)
            record = nn.forward(params, activations, x[rows])
            cost = nn.cost(record, y[rows], loss)
            bad = (diverged_at < 0) & ~(np.isfinite(cost) & _finite_networks(params))
            diverged_at[bad] = step
            costs[step] = np.where(diverged_at >= 0, np.nan, cost)
            if (diverged_at >= 0).all():
                break
            grads = nn.backward(params, record, y[rows], loss, input_gradient=False).params
            if step in snapshot_at:
                snapshots.append(Snapshot(step, _copy(params), _copy(grads), costs[step].copy()))
            params, state = optimizer.update(params, grads, state)
    diverged_at[(diverged_at < 0) & ~_finite_networks(params)] = steps
    return TrainResult(costs, snapshots, params, diverged_at >= 0, diverged_at)
