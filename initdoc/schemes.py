"""Weight initializers: one variance-scaling core, and the named schemes built on it.

A dense weight has shape (fan_in, fan_out) and its layer computes `x @ W + b`, as in JAX and Keras.
A convolution kernel has shape (*receptive_field, in_channels, out_channels), so its fans are the
receptive-field size times shape[-2] (fan_in) and times shape[-1] (fan_out).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from numbers import Integral
from typing import Protocol

import numpy as np
import numpy.typing as npt

from initdoc.errors import UserError, unknown

Shape = tuple[int, ...]


def _standard_normal_pdf(x: float) -> float:
    """φ(x), the density of N(0, 1)."""
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _standard_normal_cdf(x: float) -> float:
    """Φ(x), the cumulative distribution of N(0, 1)."""
    return (1 + math.erf(x / math.sqrt(2))) / 2


TRUNCATED_NORMAL_STD = math.sqrt(
    1 - 4 * _standard_normal_pdf(2) / (_standard_normal_cdf(2) - _standard_normal_cdf(-2))
)
"""The std of N(0, 1) truncated to [-2, 2], about 0.8796; dividing by it restores variance 1."""

_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("normal", "truncated_normal", "uniform")


class Initializer(Protocol):
    """`init(rng, shape, dtype=np.float64)` returns a new array of that shape."""

    def __call__(
        self, rng: np.random.Generator, shape: Shape, dtype: npt.DTypeLike = np.float64
    ) -> np.ndarray: ...


def _choose(what: str, value: object, known: list[str] | tuple[str, ...]) -> None:
    """Raise a UserError (a ValueError) naming `value` and listing `known` unless it is one."""
    if value not in known:
        raise UserError(unknown(what, value, known))


def _checked(shape: object) -> Shape:
    """`shape` as a tuple of ints, or a UserError saying what is wrong and what is accepted."""
    problem = None
    if not isinstance(shape, (tuple, list)):
        problem = f"it is a {type(shape).__name__}, not a tuple"
    elif not all(isinstance(size, Integral) and not isinstance(size, bool) for size in shape):
        problem = "its sizes must be ints"
    elif len(shape) < 2:
        problem = f"it has {len(shape)} dim(s), and a weight has at least 2"
    elif min(shape) < 1:
        problem = "every size must be positive"
    if problem:
        raise UserError(
            f"bad shape {shape!r}: {problem}; expected a tuple of positive ints, "
            "(fan_in, fan_out) or (*receptive_field, in_channels, out_channels)"
        )
    return tuple(int(size) for size in shape)


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a dense (fan_in, fan_out) or conv (*field, in, out) shape."""
    shape = _checked(shape)
    receptive_field = math.prod(shape[:-2])
    return receptive_field * shape[-2], receptive_field * shape[-1]


def _initializer(draw: Callable[[np.random.Generator, Shape], np.ndarray]) -> Initializer:
    """Give `draw(rng, shape) -> float64 array` the checks and dtype cast every scheme shares."""

    def init(
        rng: np.random.Generator, shape: Shape, dtype: npt.DTypeLike = np.float64
    ) -> np.ndarray:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"rng must be a numpy.random.Generator, e.g. np.random.default_rng(0); "
                f"got {type(rng).__name__}"
            )
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise UserError(f"dtype must be floating, such as float32 or float64; got {dtype}")
        return draw(rng, _checked(shape)).astype(dtype, copy=False)

    return init


def _truncated_standard_normal(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """N(0, 1) conditioned on [-2, 2]: redraw the samples outside until none is left."""
    samples = rng.standard_normal(math.prod(shape))
    outside = np.flatnonzero(np.abs(samples) > 2)
    while outside.size:
        samples[outside] = rng.standard_normal(outside.size)
        outside = outside[np.abs(samples[outside]) > 2]
    return samples.reshape(shape)


def variance_scaling(scale: float, mode: str, distribution: str) -> Initializer:
    """Draw from `distribution` with variance scale / n, n = fan_in, fan_out or their mean."""
    _choose("mode", mode, _MODES)
    _choose("distribution", distribution, _DISTRIBUTIONS)
    if not scale > 0:
        raise UserError(f"scale must be a positive number; got {scale!r}")

    def draw(rng: np.random.Generator, shape: Shape) -> np.ndarray:
        fan_in, fan_out = fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        variance = scale / n
        if distribution == "normal":
            return rng.standard_normal(shape) * math.sqrt(variance)
        if distribution == "truncated_normal":
            stretch = math.sqrt(variance) / TRUNCATED_NORMAL_STD
            return _truncated_standard_normal(rng, shape) * stretch
        limit = math.sqrt(3 * scale / n)  # U(-limit, limit) has variance limit² / 3
        return rng.uniform(-limit, limit, shape)

    return _initializer(draw)


def zeros() -> Initializer:
    """Every weight 0."""
    return _initializer(lambda rng, shape: np.zeros(shape))


def ones() -> Initializer:
    """Every weight 1."""
    return _initializer(lambda rng, shape: np.ones(shape))


def constant(value: float) -> Initializer:
    """Every weight `value`."""
    return _initializer(lambda rng, shape: np.full(shape, value, dtype=np.float64))


def normal(mean: float = 0.0, std: float = 1.0) -> Initializer:
    """N(mean, std²), whatever the fans."""
    return _initializer(lambda rng, shape: rng.normal(mean, std, shape))


def uniform(limit: float = 1.0) -> Initializer:
    """U(-limit, limit), whatever the fans."""
    return _initializer(lambda rng, shape: rng.uniform(-limit, limit, shape))


def lecun_normal() -> Initializer:
    """N(0, 1/fan_in) (LeCun et al., 1998)."""
    return variance_scaling(1.0, "fan_in", "normal")


def lecun_uniform() -> Initializer:
    """Uniform with variance 1/fan_in (LeCun et al., 1998)."""
    return variance_scaling(1.0, "fan_in", "uniform")


def glorot_normal() -> Initializer:
    """N(0, 2/(fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    return variance_scaling(1.0, "fan_avg", "normal")


def glorot_uniform() -> Initializer:
    """Uniform with variance 2/(fan_in + fan_out) (Glorot & Bengio, 2010)."""
    return variance_scaling(1.0, "fan_avg", "uniform")


def he_normal() -> Initializer:
    """N(0, 2/fan_in), for ReLU layers (He et al., 2015)."""
    return variance_scaling(2.0, "fan_in", "normal")


def he_uniform() -> Initializer:
    """Uniform with variance 2/fan_in, for ReLU layers (He et al., 2015)."""
    return variance_scaling(2.0, "fan_in", "uniform")


def orthogonal(gain: float = 1.0) -> Initializer:
    """gain × a random orthogonal (prod(shape[:-1]), shape[-1]) matrix (Saxe et al., 2014)."""

    def draw(rng: np.random.Generator, shape: Shape) -> np.ndarray:
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
        q = q * np.sign(np.diag(r))  # fixes QR's arbitrary signs so that Q is uniformly distributed
        if rows < cols:
            q = q.T  # a wide matrix can only have orthonormal rows
        return gain * q.reshape(shape)

    return _initializer(draw)


def identity(gain: float = 1.0) -> Initializer:
    """gain × the identity matrix; square 2-D shapes only."""

    def draw(rng: np.random.Generator, shape: Shape) -> np.ndarray:
        if len(shape) != 2 or shape[0] != shape[1]:
            raise UserError(f"identity needs a square 2-D shape (n, n); got {shape}")
        return gain * np.eye(shape[0])

    return _initializer(draw)


xavier_normal = glorot_normal
xavier_uniform = glorot_uniform
kaiming_normal = he_normal
kaiming_uniform = he_uniform

_SCHEMES: dict[str, Callable[..., Initializer]] = {
    "zeros": zeros,
    "ones": ones,
    "constant": constant,
    "normal": normal,
    "uniform": uniform,
    "variance_scaling": variance_scaling,
    "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform,
    "glorot_normal": glorot_normal,
    "glorot_uniform": glorot_uniform,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "kaiming_normal": kaiming_normal,
    "kaiming_uniform": kaiming_uniform,
    "orthogonal": orthogonal,
    "identity": identity,
}


def names() -> list[str]:
    """Every registered scheme name, aliases included, sorted."""
    return sorted(_SCHEMES)


def get(name: str, **params) -> Initializer:
    """The scheme registered as `name`, built with `params`."""
    _choose("scheme", name, names())
    scheme = _SCHEMES[name]
    signature = inspect.signature(scheme)
    try:
        signature.bind(**params)
    except TypeError as err:
        takes = ", ".join(signature.parameters) or "no parameters"
        raise UserError(f"scheme {name!r}: {err}; it takes: {takes}") from err
    return scheme(**params)


_FIXED_GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "sigmoid": 1.0,
    "tanh": 5 / 3,
    "relu": math.sqrt(2),
    "selu": 3 / 4,
}


def gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor to multiply a weight std by for `nonlinearity` (PyTorch's calculate_gain).

    Derived: linear/identity 1 (nothing to undo); relu √2 (it zeroes half of a symmetric
    input, halving the second moment); leaky_relu √(2 / (1 + slope²)) with slope `param`,
    default 0.01. Empirical choices: tanh 5/3 and selu 3/4; sigmoid 1 is a convention.
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2 / (1 + slope**2))
    _choose("nonlinearity", nonlinearity, sorted([*_FIXED_GAINS, "leaky_relu"]))
    if param is not None:
        raise UserError(f"only 'leaky_relu' takes a param; {nonlinearity!r} does not")
    return _FIXED_GAINS[nonlinearity]
