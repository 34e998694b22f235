"""LSUV, layer-sequential unit-variance initialization (Mishkin & Matas, 2016).

Start from orthogonal weights; then, from the first layer to the last, divide the layer's W by the
standard deviation of its output z on a batch until Var(z) is within `tol` of 1 or `max_iter`
rescalings are spent. The output measured is z = a_prev @ W + b, before the nonlinearity, as in the
authors' Caffe script. By default every trial measures the same batch, so with zero biases one
rescaling is exact; with `batch_size`, every trial draws a fresh minibatch from the data, as the
authors' data layer does, and the loop has something to iterate on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from initdoc import nn, schemes


def lsuv_with_history(
    rng: np.random.Generator,
    sizes: Sequence[int],
    activations: Sequence[str],
    x_batch,
    tol: float = 0.1,
    max_iter: int = 10,
    dtype=np.float64,
    *,
    batch_size: int | None = None,
):
    """LSUV weights, and per layer the list of Var(z) measured before each rescaling and after the
    last. With batch_size, each measurement is on a fresh minibatch of that many rows of x_batch."""
    params = nn.init_params(rng, sizes, schemes.orthogonal(), dtype=dtype)
    data = np.asarray(x_batch, dtype=dtype)
    a = data
    history = []

    def output_variance(l: int, W, b) -> float:
        if batch_size is None:
            return float(np.var(a @ W + b))
        rows = data[rng.choice(len(data), batch_size, replace=False)]
        below = nn.forward(params[:l], activations[:l], rows).a[-1] if l else rows
        return float(np.var(below @ W + b))

    for l, ((W, b), activation) in enumerate(zip(params, activations)):
        variances = [output_variance(l, W, b)]
        while abs(variances[-1] - 1) >= tol and len(variances) <= max_iter:
            W = W / math.sqrt(variances[-1])  # a Python float keeps W in its dtype
            variances.append(output_variance(l, W, b))
        params[l] = (W, b)
        history.append(variances)
        if batch_size is None:
            a = nn.forward([(W, b)], [activation], a).a[-1]
    return params, history


def lsuv(
    rng: np.random.Generator,
    sizes: Sequence[int],
    activations: Sequence[str],
    x_batch,
    tol: float = 0.1,
    max_iter: int = 10,
    dtype=np.float64,
    *,
    batch_size: int | None = None,
) -> nn.Params:
    """Orthogonal weights rescaled layer by layer until each layer's output variance on x_batch (or
    on a fresh minibatch of batch_size rows of it) is 1 ± tol."""
    run = (rng, sizes, activations, x_batch, tol, max_iter, dtype)
    return lsuv_with_history(*run, batch_size=batch_size)[0]
