"""Batch and layer normalization: forward and backward passes, for one network or a stack.

Both compute y = γ x̂ + β with x̂ = (x − μ) / √(σ² + eps). Layer normalization takes μ and σ² of
each row over its units (the last axis); batch normalization takes them of each unit over the
rows of the batch (the axis before the units), as in training mode. γ and β have one entry per
unit, shaped (n,) for one network or (S, 1, n) for a stack of S, like a bias in `nn`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from initdoc.errors import UserError, unknown

Array = np.ndarray
EPS = 1e-5  # the default of PyTorch's LayerNorm and BatchNorm1d
AXES = {"layer": -1, "batch": -2}  # the axis each kind takes its statistics over


@dataclass
class Cache:
    """What the backward pass needs from the forward pass."""

    x_hat: Array
    inv_std: Array  # 1 / √(σ² + eps), with the reduced axis kept
    axis: int


def check(kind: str) -> int:
    """The axis of normalization `kind`; UserError naming the known kinds otherwise."""
    if kind not in AXES:
        raise UserError(unknown("normalization", kind, AXES))
    return AXES[kind]


def forward(kind: str, x: Array, gamma: Array, beta: Array, eps: float = EPS):
    """(γ x̂ + β, cache) for normalization `kind` ('layer' or 'batch')."""
    axis = check(kind)
    mean = x.mean(axis=axis, keepdims=True)
    centred = x - mean
    inv_std = 1 / np.sqrt((centred**2).mean(axis=axis, keepdims=True) + eps)
    x_hat = centred * inv_std
    return gamma * x_hat + beta, Cache(x_hat, inv_std, axis)


def _param_grad(terms: Array, like: Array) -> Array:
    """Sum a per-row quantity over the rows of the batch, shaped like γ or β."""
    return terms.sum(axis=-2).reshape(like.shape)


def backward(dy: Array, cache: Cache, gamma: Array) -> tuple[Array, Array, Array]:
    """(dL/dx, dL/dγ, dL/dβ) from dL/dy.

    With g = dL/dx̂ = γ dy and means over the normalized axis:
    dL/dx = (g − mean(g) − x̂ mean(g x̂)) / √(σ² + eps).
    """
    x_hat, axis = cache.x_hat, cache.axis
    g = dy * gamma
    dx = cache.inv_std * (
        g - g.mean(axis=axis, keepdims=True) - x_hat * (g * x_hat).mean(axis=axis, keepdims=True)
    )
    return dx, _param_grad(dy * x_hat, gamma), _param_grad(dy, gamma)
