"""Every "what to use" on the site, measured both ways over the depth it is recommended for.

A recommendation is a scheme for an activation at a depth. Each is measured as the probe measures
(square layers, standard-normal inputs, a standard-normal error at a linear output): forward, the
second moment E[z²] of the last hidden layer over the first's; backward, E[δ²] (δ = ∂L/∂z) of the
first hidden layer over the last's. Each ratio comes from `draws` independent networks, reported as
the median and the smallest and largest draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from initdoc import nn, probe, schemes
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result


@dataclass(frozen=True)
class Recommendation:
    """A scheme offered for an activation, and the depth (hidden layers) it is offered for."""

    activation: str
    scheme: str  # as the pages name it
    init: schemes.Initializer
    depth: int
    where: str  # the page that recommends it


LEAKY_HE = schemes.variance_scaling(2 / (1 + nn.LEAKY_SLOPE**2), "fan_in", "normal")
TANH_GAIN = schemes.variance_scaling(schemes.gain("tanh") ** 2, "fan_avg", "normal")
TORCH_DEFAULT = schemes.variance_scaling(1 / 3, "fan_in", "uniform")  # nn.Linear's U(±1/√n_in)

RECOMMENDATIONS = {
    "relu_he": Recommendation("relu", "He", schemes.he_normal(), 30, "he.md"),
    "leaky_relu_he": Recommendation("leaky_relu", "He for leaky relu", LEAKY_HE, 30, "he.md"),
    "tanh_glorot": Recommendation("tanh", "Glorot", schemes.glorot_normal(), 5, "xavier.md"),
    "tanh_lecun": Recommendation("tanh", "LeCun", schemes.lecun_normal(), 5, "xavier.md"),
    "tanh_glorot_deep": Recommendation("tanh", "Glorot", schemes.glorot_normal(), 50, "xavier.md"),
    "tanh_gain_deep": Recommendation("tanh", "Glorot × 5/3", TANH_GAIN, 50, "xavier.md"),
    "sigmoid_glorot": Recommendation(
        "sigmoid", "Glorot", schemes.glorot_normal(), 5, "cheat-sheet.md"
    ),
    "sigmoid_glorot_deep": Recommendation(
        "sigmoid", "Glorot", schemes.glorot_normal(), 30, "cheat-sheet.md"
    ),
    "identity_lecun": Recommendation("identity", "LeCun", schemes.lecun_normal(), 50, "depth.md"),
    "identity_orthogonal": Recommendation(
        "identity", "orthogonal", schemes.orthogonal(), 50, "depth.md"
    ),
    "relu_torch_default": Recommendation(
        "relu", "PyTorch's nn.Linear default", TORCH_DEFAULT, 10, "cheat-sheet.md"
    ),
}


def signal(rng, rec: Recommendation, width: int, batch: int) -> tuple[np.ndarray, np.ndarray]:
    """E[z²] and E[δ²] of the hidden layers of one network drawn under `rec`."""
    sizes = [width] * (rec.depth + 2)
    params = nn.init_params(rng, sizes, rec.init)
    z2, d2 = probe.signal(params, rec.activation, rng, batch)
    return z2[: rec.depth], d2[: rec.depth]


@experiment("recommendations", seed=0, width=256, batch=256, draws=10)
def recommendations(rng, width, batch, draws) -> Result:
    """Forward and backward ratios over the depth of every recommendation, from `draws` networks."""
    res = Result(values={"width": width, "batch": batch, "draws": draws})
    for key, rec in RECOMMENDATIONS.items():
        signals = [signal(rng, rec, width, batch) for _ in range(draws)]
        measured = np.array([(z2[-1] / z2[0], d2[0] / d2[-1]) for z2, d2 in signals])
        res.arrays.update({key: measured, f"{key}.z2": signals[0][0], f"{key}.d2": signals[0][1]})
        res.values[f"{key}.depth"] = rec.depth
        for column, direction in enumerate(("forward", "backward")):
            r = measured[:, column]
            median = float(np.median(r))
            res.values.update(
                {
                    f"{key}.{direction}": median,
                    f"{key}.{direction}_low": float(r.min()),
                    f"{key}.{direction}_high": float(r.max()),
                    f"{key}.{direction}_per_layer": median ** (1 / (rec.depth - 1)),
                    f"{key}.{direction}_fate": probe.fate(median),
                }
            )
    return res
