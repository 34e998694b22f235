"""Networks built from blocks: linear layers, activations, normalization, gains and residual
connections, with a forward and a backward pass and a training loop.

A network is a tuple of layers. `Residual(branch)` maps x to x + branch(x), the branch being a
tuple of layers itself; `Linear` computes x @ W + b; `Act` applies an `nn` activation; `Norm` is a
layer or batch normalization (`norm`); `Gain` computes g·x + c with two learnable scalars (the α of
SkipInit and ReZero, Fixup's multiplier and bias). The layers say how their parameters start; the
parameters themselves are plain data, a list of pairs in the order the layers come (a residual
branch's in place): (W, b), (γ, β) or (g, c). That is the form `train`'s optimizers update.

As in `nn`, a stack of S networks of the same shape runs in one pass: every parameter gets a
leading axis (W of shape (S, n_in, n_out), b, γ and β of shape (S, 1, n), g and c of (S, 1, 1)).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from initdoc import nn, norm, schemes
from initdoc.errors import UserError
from initdoc.nn import Array, Params
from initdoc.train import Optimizer, TrainResult


@dataclass(frozen=True)
class Linear:
    """x @ W + b: W drawn by the scheme `init` (a name or an initializer) times `scale`, b = 0."""

    n_in: int
    n_out: int
    init: str | Callable = "he_normal"
    scale: float = 1.0


@dataclass(frozen=True)
class Act:
    """An activation of `nn`, applied unit by unit."""

    name: str


@dataclass(frozen=True)
class Norm:
    """Layer or batch normalization of n units (`kind` 'layer' or 'batch'); γ starts at `gamma`."""

    kind: str
    n: int
    gamma: float = 1.0


@dataclass(frozen=True)
class Gain:
    """g·x + c with two learnable scalars; g starts at `value`, c at 0."""

    value: float = 1.0


@dataclass(frozen=True)
class Residual:
    """x + branch(x)."""

    branch: tuple


Layer = Linear | Act | Norm | Gain | Residual
Network = tuple


def parametric(net: Network) -> Iterator[Linear | Norm | Gain]:
    """The layers that hold parameters, in the order of the parameter list."""
    for layer in net:
        if isinstance(layer, Residual):
            yield from parametric(layer.branch)
        elif not isinstance(layer, Act):
            yield layer


@functools.cache
def _scheme(name: str) -> schemes.Initializer:
    """schemes.get(name), looked up once: a stack of many networks draws each layer many times."""
    return schemes.get(name)


def init_params(
    rng: np.random.Generator, net: Network, stack: int | None = None, dtype=np.float64
) -> Params:
    """Draw the parameters of `net` (one network, or `stack` networks drawn one after another)."""
    if stack is not None:  # b, γ, β (n,) become (1, n); g and c (1,) become (1, 1)
        nets = [init_params(rng, net, None, dtype) for _ in range(stack)]
        lift = [
            [tuple(p if p.ndim == 2 else p.reshape(1, -1) for p in pair) for pair in layer]
            for layer in zip(*nets)
        ]  # lift[i]: layer i's pairs, one per network
        return [
            (np.stack([W for W, _ in pairs]), np.stack([b for _, b in pairs])) for pairs in lift
        ]

    params = []
    for layer in parametric(net):
        if isinstance(layer, Linear):
            init = _scheme(layer.init) if isinstance(layer.init, str) else layer.init
            W = layer.scale * np.asarray(init(rng, (layer.n_in, layer.n_out)), dtype=np.float64)
            params.append((W.astype(dtype), np.zeros(layer.n_out, dtype)))
        elif isinstance(layer, Norm):
            norm.check(layer.kind)
            params.append((np.full(layer.n, layer.gamma, dtype), np.zeros(layer.n, dtype)))
        else:
            params.append((np.full(1, layer.value, dtype), np.zeros(1, dtype)))
    return params


@dataclass
class Record:
    """A forward pass: the output, the tape the backward pass reads, and `stream[k]`, the signal
    after the k-th top-level layer (stream[0] is the input)."""

    out: Array
    tape: list
    stream: list[Array]


def forward(net: Network, params: Params, x) -> Record:
    """Run x through `net`; x is cast to the parameters' dtype."""
    if len(params) != sum(1 for _ in parametric(net)):
        raise UserError(f"{len(params)} parameter pairs for {sum(1 for _ in parametric(net))}")
    x = np.asarray(x, dtype=params[0][0].dtype)
    tape: list = []
    stream = [x]
    index = 0
    for layer in net:
        x, index = _run(layer, params, index, x, tape)
        tape.append(("tap", None, None, None))
        stream.append(x)
    return Record(x, tape, stream)


def _run(layer: Layer, params: Params, index: int, x: Array, tape: list) -> tuple[Array, int]:
    """Apply one layer, writing what its backward pass needs to the tape."""
    if isinstance(layer, Residual):
        tape.append(("fork", layer, None, None))
        f = x
        for inner in layer.branch:
            f, index = _run(inner, params, index, f, tape)
        tape.append(("join", layer, None, None))
        return x + f, index
    if isinstance(layer, Act):
        a = nn.get_activation(layer.name).f(x)
        tape.append(("layer", layer, (x, a), None))
        return a, index
    first, second = params[index]
    if isinstance(layer, Linear):
        tape.append(("layer", layer, x, index))
        return x @ first + second, index + 1
    if isinstance(layer, Norm):
        y, cache = norm.forward(layer.kind, x, first, second)
        tape.append(("layer", layer, cache, index))
        return y, index + 1
    tape.append(("layer", layer, x, index))
    return first * x + second, index + 1


def _scalar_grad(terms: Array, like: Array) -> Array:
    """Sum over rows and units, shaped like a scalar parameter (one per network)."""
    return terms.sum(axis=(-2, -1)).reshape(like.shape)


@dataclass
class Gradients:
    """A backward pass: parameter gradients aligned with params; stream[k] = dL/d stream[k]."""

    params: Params
    stream: list[Array]


def backward(net: Network, params: Params, record: Record, dout: Array) -> Gradients:
    """Backpropagate dL/d(output) = dout to every parameter and every tapped signal."""
    grads: list = [None] * len(params)
    skips: list[Array] = []
    dstream: list[Array] = []
    dy = dout
    for kind, layer, cache, index in reversed(record.tape):
        if kind == "tap":
            dstream.append(dy)
        elif kind == "join":
            skips.append(dy)  # the skip path carries dy unchanged past the branch
        elif kind == "fork":
            dy = dy + skips.pop()
        elif isinstance(layer, Act):
            dy = nn.get_activation(layer.name).backprop(*cache, dy)
        elif isinstance(layer, Linear):
            W, b = params[index]
            grads[index] = (cache.swapaxes(-1, -2) @ dy, dy.sum(axis=-2).reshape(b.shape))
            dy = dy @ W.swapaxes(-1, -2)
        elif isinstance(layer, Norm):
            dy, dgamma, dbeta = norm.backward(dy, cache, params[index][0])
            grads[index] = (dgamma, dbeta)
        else:
            g, c = params[index]
            grads[index] = (_scalar_grad(dy * cache, g), _scalar_grad(dy, c))
            dy = g * dy
    dstream.append(dy)
    return Gradients(grads, dstream[::-1])


OUTPUTS = {"softmax_cross_entropy": "softmax", "binary_cross_entropy": "sigmoid", "mse": "identity"}


def targets(y, z: Array, loss: str) -> Array:
    """y in z's dtype, as rows of units; whole-number class labels become one-hot rows for a
    softmax output."""
    y = np.asarray(y)
    if loss == "softmax_cross_entropy" and np.issubdtype(y.dtype, np.integer):
        return np.eye(z.shape[-1], dtype=z.dtype)[y]
    y = y.astype(z.dtype)
    return y.reshape(-1, 1) if y.ndim == 1 else y


def cost_and_grads(net: Network, params: Params, x, y, loss: str):
    """(cost, Gradients, Record): the loss of `net`'s output (read as the logits of the loss's
    output activation) against y, and its gradients. A stack gives one cost per network."""
    if loss not in OUTPUTS:
        raise UserError(f"unknown loss '{loss}'; known: {', '.join(OUTPUTS)}")
    record = forward(net, params, x)
    z = record.out
    a = nn.get_activation(OUTPUTS[loss]).f(z)
    t = targets(y, z, loss)
    cost = nn.get_loss(loss).value(z, a, t)
    dz = (a - t) / z.shape[-2]  # dL/dz for each loss with its own output activation
    return cost, backward(net, params, record, dz), record


def _finite_networks(params: Params, stacked: bool) -> Array | bool:
    """Whether each network's parameters are all finite."""
    if not stacked:
        return all(np.isfinite(p).all() for pair in params for p in pair)
    return np.logical_and.reduce(
        [np.isfinite(p).all(axis=(-2, -1)) for pair in params for p in pair]
    )


def batches(n: int, size: int | None, rng: np.random.Generator | None) -> Iterator:
    """Row indices for each step: all rows (size None), or minibatches of a fresh order each
    epoch (drawn from rng; data order if rng is None)."""
    while True:
        if size is None:
            yield slice(None)
            continue
        order = np.arange(n) if rng is None else rng.permutation(n)
        for start in range(0, n, size):
            yield order[start : start + size]


def train(
    net: Network,
    params: Params,
    x,
    y,
    loss: str,
    *,
    optimizer: Optimizer,
    steps: int,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
) -> TrainResult:
    """`steps` updates of `optimizer` on minibatches; costs[t] is the cost before update t.

    As `train.train` does: a network whose cost or parameters stop being finite is marked
    diverged at that step and carries NaN from then on (its costs too), while a stack trains on.
    """
    x, y = np.asarray(x), np.asarray(y)
    stacked = params[0][0].ndim == 3
    S = params[0][0].shape[0] if stacked else 1
    costs = np.full((steps, S), np.nan)
    diverged_at = np.full(S, -1)
    state = optimizer.init(params)
    rows_per_step = batches(len(x), batch_size, rng)
    with np.errstate(all="ignore"):  # overflow is an expected outcome here, not a bug
        for step in range(steps):
            rows = next(rows_per_step)
            cost, grads, _ = cost_and_grads(net, params, x[rows], y[rows], loss)
            bad = (diverged_at < 0) & ~(np.isfinite(cost) & _finite_networks(params, stacked))
            diverged_at[bad] = step
            costs[step] = np.where(diverged_at >= 0, np.nan, cost)
            if (diverged_at >= 0).all():
                break
            params, state = optimizer.update(params, grads.params, state)
    diverged_at[(diverged_at < 0) & ~_finite_networks(params, stacked)] = steps
    if not stacked:
        at = int(diverged_at[0])
        return TrainResult(costs[:, 0], [], params, at >= 0, at if at >= 0 else None)
    return TrainResult(costs, [], params, diverged_at >= 0, diverged_at)


def resnet(
    n_in: int,
    width: int,
    n_out: int,
    blocks: int,
    *,
    branch: Callable[[int, int], tuple],
    head_init: str | Callable = "lecun_normal",
    head_scale: float = 1.0,
) -> Network:
    """A linear stem n_in → width, `blocks` residual blocks x + branch(width, blocks)(x), and a
    linear head width → n_out (LeCun by default: it reads the stream, not a relu's output)."""
    body = tuple(Residual(branch(width, blocks)) for _ in range(blocks))
    stem = Linear(n_in, width, "lecun_normal")
    return (stem, *body, Linear(width, n_out, head_init, head_scale))


def mlp(sizes, activation: str, *, init="he_normal", normalize: str | None = None) -> Network:
    """A plain MLP; with `normalize`, a normalization between each hidden linear layer and its
    activation (the place of batch normalization in Ioffe & Szegedy, 2015)."""
    layers: list = []
    pairs = list(zip(sizes[:-1], sizes[1:]))
    for i, (n_in, n_out) in enumerate(pairs):
        layers.append(Linear(n_in, n_out, init))
        if i < len(pairs) - 1:
            if normalize is not None:
                layers.append(Norm(normalize, n_out))
            layers.append(Act(activation))
    return tuple(layers)
