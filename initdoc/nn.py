"""A numpy multilayer perceptron of any depth and width: forward pass, cost and backward pass.

Layout follows JAX/Keras: weight layer l has `W` of shape (n_in, n_out) and `b` of shape
(n_out,), and computes z = a_prev @ W + b, a = f(z); a batch is a stack of rows. Layers are
numbered l = 1..L and the input is a[0] = x. A network is plain data: `params`, a list of
(W, b) pairs with params[l - 1] for layer l, and one activation name per layer.

A stack of S networks of the same shape trains in one pass: give every W a leading axis,
(S, n_in, n_out), and every b the shape (S, 1, n_out). The input is shared, (batch, n_in), or
per network, (S, batch, n_in); costs then come one per network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from initdoc.errors import UserError, unknown

Array = np.ndarray
Params = list[tuple[Array, Array]]  # [(W1, b1), ..., (WL, bL)]
Initializer = Callable[[np.random.Generator, tuple[int, int]], Array]

LEAKY_SLOPE = 0.01


# Activations. Derivatives are functions of z. At a kink we take the left slope:
# relu'(0) = 0 and leaky_relu'(0) = LEAKY_SLOPE, so a relu unit with z exactly 0 (as under
# zero initialization) passes no gradient back. Backpropagation reads the derivative off the
# stored activation a = f(z) where it can (tanh: 1 - a², sigmoid: a(1 - a)), to the same bits
# as f'(z) and without evaluating f again.


def identity(z: Array) -> Array:
    return z


def d_identity(z: Array) -> Array:
    return np.ones_like(z)


def relu(z: Array) -> Array:
    return np.maximum(z, 0)


def d_relu(z: Array) -> Array:
    """1 where z > 0, else 0 (including z = 0 exactly)."""
    return (z > 0).astype(z.dtype)


def leaky_relu(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def d_leaky_relu(z: Array) -> Array:
    """1 where z > 0, else LEAKY_SLOPE (including z = 0 exactly)."""
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


def tanh(z: Array) -> Array:
    return np.tanh(z)


def d_tanh(z: Array) -> Array:
    return 1 - np.tanh(z) ** 2


def sigmoid(z: Array) -> Array:
    """1 / (1 + exp(-z)), computed via exp(-|z|) so that exp never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def d_sigmoid(z: Array) -> Array:
    s = sigmoid(z)
    return s * (1 - s)


def softmax(z: Array) -> Array:
    """Row-wise exp(z) / sum(exp(z)), shifted by the row maximum so that exp never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def d_softmax(z: Array) -> Array:
    """The Jacobian per row, shape (batch, n, n): J[i, j] = ds_i/dz_j = s_i (delta_ij - s_j)."""
    s = softmax(z)
    return s[..., :, None] * (np.eye(z.shape[-1], dtype=z.dtype) - s[..., None, :])


def backprop_softmax(z: Array, da: Array) -> Array:
    """dL/dz = J^T da without building J: s * (da - sum(da * s))."""
    s = softmax(z)
    return s * (da - (da * s).sum(axis=-1, keepdims=True))


# dL/dz = f'(z) * dL/da from z, the activation a = f(z) and da, with one new array.


def _through_identity(z: Array, a: Array, da: Array) -> Array:
    return da.copy()


def _through_relu(z: Array, a: Array, da: Array) -> Array:
    return np.multiply(da, z > 0, dtype=da.dtype)


def _through_leaky_relu(z: Array, a: Array, da: Array) -> Array:
    dz = np.multiply(da, LEAKY_SLOPE)
    np.copyto(dz, da, where=z > 0)
    return dz


def _through_tanh(z: Array, a: Array, da: Array) -> Array:
    dz = np.multiply(a, a)
    np.subtract(1, dz, out=dz)
    dz *= da
    return dz


def _through_sigmoid(z: Array, a: Array, da: Array) -> Array:
    dz = np.subtract(1, a)
    dz *= a
    dz *= da
    return dz


def _through_softmax(z: Array, a: Array, da: Array) -> Array:
    dz = da * a
    total = dz.sum(axis=-1, keepdims=True)
    np.subtract(da, total, out=dz)
    dz *= a
    return dz


@dataclass(frozen=True)
class Activation:
    """An activation f, its derivative df(z), and `backprop(z, a, da) -> dz` through a = f(z)."""

    name: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    backprop: Callable[[Array, Array, Array], Array]


ACTIVATIONS = {
    act.name: act
    for act in [
        Activation("identity", identity, d_identity, _through_identity),
        Activation("relu", relu, d_relu, _through_relu),
        Activation("leaky_relu", leaky_relu, d_leaky_relu, _through_leaky_relu),
        Activation("tanh", tanh, d_tanh, _through_tanh),
        Activation("sigmoid", sigmoid, d_sigmoid, _through_sigmoid),
        Activation("softmax", softmax, d_softmax, _through_softmax),
    ]
}


def get_activation(name: str) -> Activation:
    """The activation called `name`; UserError naming the known ones otherwise."""
    if name not in ACTIVATIONS:
        raise UserError(unknown("activation", name, ACTIVATIONS))
    return ACTIVATIONS[name]


# Losses, averaged over the batch (m rows) and summed over output units. Each is a function
# of the output layer's (z, a) and the targets y; cross-entropies read the logits z for stability.
# A stack of networks gets one value per network.


def _rows(a: Array) -> int:
    """m, the number of rows in the batch (the axis before the units)."""
    return a.shape[-2]


def _batch_mean(terms: Array) -> float | Array:
    """Sum over rows and units, divided by the rows: a float, or one per network of a stack."""
    total = terms.sum(axis=(-2, -1)) / _rows(terms)
    return float(total) if total.ndim == 0 else total


def binary_cross_entropy(z: Array, a: Array, y: Array) -> float | Array:
    """-[y log a + (1-y) log(1-a)] with a = sigmoid(z), as log(1 + exp(-|z|)) + max(z, 0) - y z."""
    return _batch_mean(np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0) - y * z)


def softmax_cross_entropy(z: Array, a: Array, y: Array) -> float | Array:
    """-sum(y log softmax(z)) as logsumexp(z) - y.z, for rows y that are one-hot or sum to 1."""
    top = z.max(axis=-1, keepdims=True)
    log_sum_exp = top + np.log(np.exp(z - top).sum(axis=-1, keepdims=True))
    return _batch_mean(log_sum_exp - (y * z).sum(axis=-1, keepdims=True))


def mse(z: Array, a: Array, y: Array) -> float | Array:
    """Half the squared error summed over output units, averaged over the batch."""
    return _batch_mean(0.5 * (a - y) ** 2)


def _ratio(num: Array, den: Array) -> Array:
    """num / den, taken as 0 where num is 0 (that term is absent from the loss)."""
    with np.errstate(divide="ignore"):
        return np.divide(num, den, out=np.zeros_like(den), where=num != 0)


def d_binary_cross_entropy(a: Array, y: Array) -> Array:
    """dL/da = ((1-y)/(1-a) - y/a) / m; infinite where a saturated to exactly 0 or 1."""
    return (_ratio(1 - y, 1 - a) - _ratio(y, a)) / _rows(a)


def d_softmax_cross_entropy(a: Array, y: Array) -> Array:
    """dL/da = -(y / a) / m; infinite where a class with y > 0 got probability exactly 0."""
    return -_ratio(y, a) / _rows(a)


def d_mse(a: Array, y: Array) -> Array:
    return (a - y) / _rows(a)


@dataclass(frozen=True)
class Loss:
    """A loss `value(z, a, y)`, its gradient `grad_a(a, y)` = dL/da, and the output it needs.

    `output` names the output activation the loss is defined for (None: any). For those
    pairs dL/dz simplifies to (a - y) / m, which backward uses instead of f'(z) * dL/da.
    """

    name: str
    value: Callable[[Array, Array, Array], float]
    grad_a: Callable[[Array, Array], Array]
    output: str | None


LOSSES = {
    loss.name: loss
    for loss in [
        Loss("binary_cross_entropy", binary_cross_entropy, d_binary_cross_entropy, "sigmoid"),
        Loss("softmax_cross_entropy", softmax_cross_entropy, d_softmax_cross_entropy, "softmax"),
        Loss("mse", mse, d_mse, None),
    ]
}


def get_loss(name: str, output_activation: str | None = None) -> Loss:
    """The loss called `name`, checked against the network's output activation if given."""
    if name not in LOSSES:
        raise UserError(unknown("loss", name, LOSSES))
    loss = LOSSES[name]
    if output_activation is not None and loss.output not in (None, output_activation):
        raise UserError(f"{name} needs a {loss.output} output layer, not {output_activation}")
    return loss


def _targets(loss: Loss, y, z: Array) -> Array:
    """y shaped like z (or like one network's z, for a stack) in z's dtype; class labels become
    one-hot rows."""
    y = np.asarray(y)
    if loss.output == "softmax" and y.shape == z.shape[:-1][-y.ndim :]:
        return np.eye(z.shape[-1], dtype=z.dtype)[y]
    y = y.astype(z.dtype, copy=False)
    return y.reshape(z.shape) if y.size == z.size else y.reshape(z.shape[-2:])


# The network.


def init_params(
    rng: np.random.Generator,
    sizes: Sequence[int],
    scheme: Initializer,
    bias: float = 0.0,
    dtype=np.float64,
) -> Params:
    """Layers sizes[0] -> sizes[1] -> ...: W = scheme(rng, (n_in, n_out)), b filled with `bias`."""
    return [
        (np.asarray(scheme(rng, (n_in, n_out)), dtype=dtype), np.full(n_out, bias, dtype=dtype))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


@dataclass
class Record:
    """A forward pass: z[l] and a[l] for l = 1..L, with a[0] = x and z[0] = None."""

    activations: list[str]
    z: list[Array | None]
    a: list[Array]


@dataclass
class Gradients:
    """A backward pass: parameter gradients, and dL/dz, dL/da at every layer."""

    params: Params  # [(dW1, db1), ..., (dWL, dbL)], aligned with params
    dz: list[Array | None]  # dz[l] = dL/dz[l] for l = 1..L; dz[0] = None
    da: list[Array | None]  # da[l] = dL/da[l] for l = 0..L; da[0] = dL/dx (None if not asked)


def _affine(a: Array, W: Array, b: Array) -> Array:
    """z = a @ W + b, adding b into the product in place when that gives the same array."""
    z = a @ W
    if b.dtype == z.dtype and np.broadcast_shapes(z.shape, b.shape) == z.shape:
        z += b
        return z
    return z + b


def forward(params: Params, activations: Sequence[str], x) -> Record:
    """Run x through every layer, keeping each z and a; x is cast to the weights' dtype."""
    if len(activations) != len(params):
        raise UserError(f"{len(params)} layers but {len(activations)} activations")
    fs = [get_activation(name).f for name in activations]
    a = np.asarray(x, dtype=params[0][0].dtype)
    record = Record(list(activations), z=[None], a=[a])
    for (W, b), f in zip(params, fs):
        z = _affine(a, W, b)
        a = f(z)
        record.z.append(z)
        record.a.append(a)
    return record


def cost(record: Record, y, loss: str) -> float | Array:
    """The loss of a forward pass against targets y (labels or one-hot rows for softmax); for a
    stack of networks, one loss per network."""
    spec = get_loss(loss, record.activations[-1])
    z, a = record.z[-1], record.a[-1]
    return spec.value(z, a, _targets(spec, y, z))


def backward(
    params: Params, record: Record, y, loss: str, *, input_gradient: bool = True
) -> Gradients:
    """Backpropagate the loss of `record` to every parameter and every layer's z and a.

    input_gradient=False skips dL/dx (da[0] is None then), a matrix product that training, which
    never updates x, does not need.
    """
    spec = get_loss(loss, record.activations[-1])
    L = len(params)
    z, a = record.z[L], record.a[L]
    y = _targets(spec, y, z)
    dz, da, grads = [None] * (L + 1), [None] * (L + 1), [None] * L
    da[L] = spec.grad_a(a, y)
    if spec.output is not None:
        dz[L] = (a - y) / _rows(a)  # f'(z) * dL/da, simplified for sigmoid + BCE, softmax + CE
    for l in range(L, 0, -1):
        if dz[l] is None:
            through = get_activation(record.activations[l - 1]).backprop
            dz[l] = through(record.z[l], record.a[l], da[l])
        W, b = params[l - 1]
        dW = record.a[l - 1].swapaxes(-1, -2) @ dz[l]  # a^T dz, network by network in a stack
        grads[l - 1] = (dW, dz[l].sum(axis=-2).reshape(b.shape))
        if l > 1 or input_gradient:
            da[l - 1] = dz[l] @ W.swapaxes(-1, -2)
    return Gradients(grads, dz, da)
