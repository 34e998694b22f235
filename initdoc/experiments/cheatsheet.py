"""The framework cheat sheet: gains, truncation, PyTorch's defaults and tanh's gain in depth."""

from __future__ import annotations

import math

import numpy as np

from initdoc import nn, schemes
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result


def truncated_variance(bound: float) -> float:
    """Var of N(0, 1) cut to [-bound, bound] without rescaling: 1 - 2 b φ(b) / (2 Φ(b) - 1)."""
    density = math.exp(-bound * bound / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(bound / math.sqrt(2))
    return 1 - 2 * bound * density / mass


def hidden_z2(rng, sizes: list[int], activation: str, init, batch: int) -> np.ndarray:
    """E[z_l²] of every layer of a stack with `activation` after each layer, on N(0, 1) inputs."""
    params = nn.init_params(rng, sizes, init)
    record = nn.forward(
        params, [activation] * (len(sizes) - 1), rng.standard_normal((batch, sizes[0]))
    )
    return np.array([np.mean(z**2) for z in record.z[1:]])


TRUNC_NORMAL_STDS = (0.02, 0.5, 1.0, 2.0)  # the std= of PyTorch's trunc_normal_ in the table
# How tests/test_frameworks.py compares a framework's draws with initdoc's (the page states it).
PARITY_DRAWS = 240_000  # numbers drawn a side
PARITY_SIGMAS = 6  # a variance agrees within this many standard errors
PARITY_ALPHA = 0.001  # the level of the two-sample Kolmogorov–Smirnov tests


@experiment(
    "cheatsheet", seed=0, stds=TRUNC_NORMAL_STDS, width=100, depth=10, tanh_depth=30, batch=1000
)
def cheatsheet(rng, stds, width, depth, tanh_depth, batch) -> Result:
    """Gains, the truncation constant, trunc_normal_, nn.Linear's default, tanh's gain in depth."""
    res = Result(
        values={
            "leaky_slope": nn.LEAKY_SLOPE,
            "truncated_std": schemes.TRUNCATED_NORMAL_STD,
            "truncated_variance": schemes.TRUNCATED_NORMAL_STD**2,
            "width": width,
            "depth": depth,
            "batch": batch,
            "parity_draws": PARITY_DRAWS,
            "parity_sigmas": PARITY_SIGMAS,
            "parity_alpha": PARITY_ALPHA,
        }
    )
    for name in ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"):
        res.values[f"gain_{name}"] = schemes.gain(name)
    # PyTorch's trunc_normal_(std=s) cuts at the absolute bounds ±2: at ±2/s standard deviations.
    for s in stds:
        res.values["torch_trunc.std_" + f"{s:g}".replace(".", "_")] = truncated_variance(2 / s)
    # nn.Linear: kaiming_uniform_(a=√5) draws Var(W) = gain(leaky_relu, √5)² / fan_in = 1/(3 n_in).
    ratio = schemes.gain("leaky_relu", math.sqrt(5)) ** 2
    res.values.update(
        {
            "torch_linear_vs_lecun": ratio,
            "torch_linear_vs_he": ratio / 2,
            "torch_linear_bound_times_sqrt_fan_in": math.sqrt(3 * ratio),
        }
    )
    z2 = hidden_z2(
        rng,
        [width] * (depth + 1),
        "relu",
        schemes.variance_scaling(ratio, "fan_in", "uniform"),
        batch,
    )
    res.arrays["torch_default_relu_z2"] = z2
    res.values.update(
        {
            "torch_default_relu_rate": float((z2[-1] / z2[0]) ** (1 / (depth - 1))),
            "torch_default_relu_predicted_rate": ratio / 2,
            "torch_default_relu_total": float(z2[-1] / z2[0]),
        }
    )
    # A deep tanh stack with Glorot's variance times gain², for gain 1 and PyTorch's 5/3.
    res.values["tanh_depth"] = tanh_depth
    for name, gain in (("gain_1", 1.0), ("gain_tanh", schemes.gain("tanh"))):
        init = schemes.variance_scaling(gain**2, "fan_avg", "normal")
        z2 = hidden_z2(rng, [width] * (tanh_depth + 1), "tanh", init, batch)
        res.arrays[f"tanh_{name}_z2"] = z2
        res.values[f"tanh_{name}_total"] = float(z2[-1] / z2[0])
    return res
