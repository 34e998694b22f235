"""LSUV, layer-sequential unit-variance initialization (Mishkin & Matas, 2016).

Start from orthogonal weights; then, from the first layer to the last, divide the layer's W by the standard
deviation of its output z on a batch until Var(z) is within `tol` of 1 or `max_iter` rescalings are spent.
The output measured is z = a_prev @ W + b, before the nonlinearity, as in the authors' Caffe script.
"""

from __future__ import annotations

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
):
    """LSUV weights, and per layer the list of Var(z) measured before each rescaling and after the last."""
    params = nn.init_params(rng, sizes, schemes.orthogonal(), dtype=dtype)
    a = np.asarray(x_batch, dtype=dtype)
    history = []
    for l, ((W, b), activation) in enumerate(zip(params, activations)):
        variances = [float(np.var(a @ W + b))]
        while abs(variances[-1] - 1) >= tol and len(variances) <= max_iter:
            W = W / np.sqrt(variances[-1])
            variances.append(float(np.var(a @ W + b)))
        params[l] = (W, b)
        history.append(variances)
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
) -> nn.Params:
    """Orthogonal weights rescaled layer by layer until each layer's output variance on x_batch is 1 ± tol."""
    return lsuv_with_history(rng, sizes, activations, x_batch, tol, max_iter, dtype)[0]
