"""Biases: what their starting values do to a deep relu network, unit by unit, before training."""

from __future__ import annotations

import math

import numpy as np

from initdoc import nn, schemes
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

# The starts compared, in page order: key -> (label, weights, biases). "torch" is what PyTorch's
# nn.Linear draws by default: U(±1/√n_in) for both.
STARTS = {
    "zero": ("He weights, biases 0", "he", "zero"),
    "const": ("He weights, biases 0.01", "he", "const"),
    "normal": ("He weights, biases N(0, 1)", "he", "normal"),
    "torch": ("PyTorch's default: weights and biases U(±1/√n_in)", "torch", "torch"),
    "he_torch": ("He weights, PyTorch's default biases", "he", "torch"),
}
CONSTANT = 0.01


def draw(rng, start: str, sizes) -> nn.Params:
    """The weights and biases of `start` for layers sizes[0] → sizes[1] → ..."""
    _, weights, biases = STARTS[start]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / math.sqrt(n_in)
        W = (
            schemes.he_normal()(rng, (n_in, n_out))
            if weights == "he"
            else (rng.uniform(-bound, bound, (n_in, n_out)))
        )
        b = {
            "zero": np.zeros(n_out),
            "const": np.full(n_out, CONSTANT),
            "normal": rng.standard_normal(n_out),
            "torch": rng.uniform(-bound, bound, n_out),
        }[biases]
        params.append((W, b))
    return params


def census(params: nn.Params, x: np.ndarray) -> dict[str, np.ndarray]:
    """Per hidden layer: the share of relu units that are 0 on every input (dead), and how much
    the layer's output depends on the input: the spread of each unit over the inputs, over its
    root mean square, averaged over the units that are not dead."""
    L = len(params)
    record = nn.forward(params, ["relu"] * L, x)
    dead, dependence = [], []
    for a in record.a[1:]:
        alive = (a > 0).any(axis=0)
        dead.append(1 - alive.mean())
        rms = np.sqrt(np.mean(a[:, alive] ** 2, axis=0))
        dependence.append(float(np.mean(a[:, alive].std(axis=0) / rms)) if alive.any() else 0.0)
    return {"dead": np.array(dead), "dependence": np.array(dependence)}


@experiment("biases", seed=0, width=100, depth=20, batch=1000, draws=5)
def biases(rng, width, depth, batch, draws) -> Result:
    """Relu networks of 20 layers, 100 units wide, from five starts of weights and biases, on
    standard-normal inputs: dead units and input dependence, layer by layer."""
    sizes = [width] * (depth + 1)
    res = Result(
        arrays={"layers": np.arange(1, depth + 1)},
        values={
            "width": width,
            "depth": depth,
            "batch": batch,
            "draws": draws,
            "constant": CONSTANT,
            "torch_bound": 1 / math.sqrt(width),
        },
    )
    for start in STARTS:
        runs = [
            census(draw(rng, start, sizes), rng.standard_normal((batch, width)))
            for _ in range(draws)
        ]
        for key in ("dead", "dependence"):
            values = np.stack([r[key] for r in runs])  # draws × layers
            res.arrays[f"{start}.{key}"] = values
            res.values[f"{start}.{key}.first"] = float(np.median(values[:, 0]))
            res.values[f"{start}.{key}.last"] = float(np.median(values[:, -1]))
    return res
