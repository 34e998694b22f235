"""Saturation: N(0, 1) weights into sigmoid and tanh layers with many inputs, and what it does
to training."""

from __future__ import annotations

import math

import numpy as np

from initdoc import data, nn, schemes, train
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

ACTIVATIONS = ("sigmoid", "tanh")
# A unit is saturated where f'(z) < SATURATED × the largest f' (1/4 for sigmoid, 1 for tanh).
SATURATED = 0.01
MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}


def threshold(activation: str) -> float:
    """The |z| beyond which f'(z) < SATURATED × max f'."""
    # 4σ(1−σ) = 1 − (2σ−1)² and 1 − tanh², so both solve u² = 1 − SATURATED
    root = math.sqrt(1 - SATURATED)
    return 2 * math.atanh(root) if activation == "sigmoid" else math.atanh(root)


def slope(activation: str, z: np.ndarray) -> np.ndarray:
    return nn.get_activation(activation).df(z)


def predicted_saturated(activation: str, variance: float) -> float:
    """P(|z| > threshold) for z ~ N(0, variance)."""
    return math.erfc(threshold(activation) / math.sqrt(2 * variance))


def predicted_mean_slope(activation: str, variance: float, points: int = 20001) -> float:
    """E[f'(z)] for z ~ N(0, variance), by the trapezoid rule over ±12 standard deviations."""
    std = math.sqrt(variance)
    z = np.linspace(-12 * std, 12 * std, points)
    density = np.exp(-0.5 * (z / std) ** 2) / (std * math.sqrt(2 * math.pi))
    return float(np.trapezoid(slope(activation, z) * density, z))


@experiment("saturation_units", seed=0, n_ins=(10, 100, 1000), m=500, n_out=200, bins=60)
def saturation_units(rng, n_ins, m, n_out, bins) -> Result:
    """z = x W for N(0, 1) and N(0, 1/n_in) weights: its variance, and how many sigmoid and tanh
    units saturate."""
    res = Result(
        arrays={"n_ins": np.array(n_ins)},
        values={
            "m": m,
            "n_out": n_out,
            "saturated_share": SATURATED,
            "sigmoid.threshold": threshold("sigmoid"),
            "tanh.threshold": threshold("tanh"),
            **{f"{act}.max_slope": MAX_SLOPE[act] for act in ACTIVATIONS},
            **{f"n_in{i}": n_in for i, n_in in enumerate(n_ins)},
        },
    )
    for n_in in n_ins:
        inputs = {"standardized": rng.standard_normal((m, n_in)), "ones": np.ones((1, n_in))}
        for weights, std in (("normal", 1.0), ("lecun", 1 / math.sqrt(n_in))):
            W = schemes.normal(0.0, std)(rng, (n_in, n_out))
            for kind, x in inputs.items():
                one_layer(res, f"n{n_in}.{weights}.{kind}", x, W, std, bins)
    grid = np.unique(np.round(np.logspace(0, np.log10(n_ins[-1]), 40)))
    res.arrays["curve.n_in"] = grid
    for act in ACTIVATIONS:
        res.arrays[f"curve.{act}.saturated"] = np.array([predicted_saturated(act, n) for n in grid])
        res.arrays[f"curve.{act}.mean_slope"] = np.array(
            [predicted_mean_slope(act, n) for n in grid]
        )
    too_small(res, rng, n_ins[-1], m, n_out)
    return res


def one_layer(res: Result, key: str, x: np.ndarray, W: np.ndarray, std: float, bins: int) -> None:
    """One layer z = x W: the variance of z, and the share of saturated units and the mean local
    derivative of each activation, measured and predicted; histograms for standardized inputs."""
    n_in = W.shape[0]
    z = x @ W
    predicted = n_in * float(np.mean(x**2)) * std**2  # n_in · E[x²] · Var(w), for zero-mean w
    res.values.update(
        {
            f"{key}.var_z": float(np.mean(z**2)),
            f"{key}.var_z_predicted": predicted,
            f"{key}.var_x": float(np.var(x)),
        }
    )
    standardized = key.endswith(".standardized")
    for act in ACTIVATIONS:
        d = slope(act, z)
        res.values.update(
            {
                f"{key}.{act}.saturated": float(np.mean(d < SATURATED * MAX_SLOPE[act])),
                f"{key}.{act}.saturated_predicted": predicted_saturated(act, predicted),
                f"{key}.{act}.mean_slope": float(np.mean(d)),
                f"{key}.{act}.mean_slope_predicted": predicted_mean_slope(act, predicted),
                f"{key}.{act}.mean_slope_asymptote": (1 if act == "sigmoid" else 2)
                / math.sqrt(2 * math.pi * predicted),
            }
        )
        if standardized:
            edges = np.linspace(0, MAX_SLOPE[act], bins + 1)
            res.arrays[f"{key}.{act}.slope_hist"] = np.histogram(d, edges)[0] / d.size
    if standardized:
        limit = 4 * math.sqrt(n_in)
        edges = np.linspace(-limit, limit, bins + 1)
        res.arrays[f"{key}.z_hist"] = np.histogram(z, edges)[0] / z.size
        res.arrays[f"{key}.z_edges"] = edges


def too_small(res: Result, rng, n_in: int, m: int, n_out: int) -> None:
    """Too small weights, std 0.01/√n_in at the widest layer: sigmoid units in their linear
    regime."""
    x = rng.standard_normal((m, n_in))
    z = x @ schemes.normal(0.0, 0.01 / math.sqrt(n_in))(rng, (n_in, n_out))
    a = nn.sigmoid(z)
    linear = 0.5 + z / 4  # the sigmoid's tangent at 0
    res.values.update(
        {
            "small.std_factor": 0.01,
            "small.var_z": float(np.mean(z**2)),
            "small.sigmoid.saturated": float(np.mean(slope("sigmoid", z) < SATURATED * 0.25)),
            "small.sigmoid.mean_slope": float(np.mean(slope("sigmoid", z))),
            "small.sigmoid.max_gap_to_line": float(np.max(np.abs(a - linear)) / np.std(a)),
            "small.sigmoid.corr": float(np.corrcoef(a.ravel(), z.ravel())[0, 1]),
        }
    )


def lifted_circle(rng, m: int, n_in: int, noise: float):
    """The circle set seen through n_in inputs: each a fixed random mix of x₁ and x₂ plus noise,
    standardized."""
    X2, y = data.circle(rng, m)
    X = X2 @ rng.standard_normal((2, n_in)) + noise * rng.standard_normal((m, n_in))
    return ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32), y.astype(np.float32)


INITS = {"normal": 1.0, "lecun": None, "small": 0.01}  # first-layer std: 1, 1/√n_in, 0.01/√n_in


@experiment(
    "saturation_training",
    seed=0,
    n_in=256,
    m=600,
    noise=1.0,
    n_hidden=16,
    lr=0.5,
    steps=3000,
    goal=0.1,
    every=100,
)
def saturation_training(rng, n_in, m, noise, n_hidden, lr, steps, goal, every) -> Result:
    """A n_in-16-1 network on the lifted circle from N(0, 1), N(0, 1/n_in) or tiny first-layer
    weights."""
    X, y = lifted_circle(rng, m, n_in, noise)
    at = list(range(0, steps, every))
    res = Result(
        arrays={"steps": np.array(at)},
        values={
            "n_in": n_in,
            "m": m,
            "noise": noise,
            "n_hidden": n_hidden,
            "lr": lr,
            "steps": steps,
            "goal": goal,
        },
    )
    W2 = schemes.lecun_normal()(rng, (n_hidden, 1), dtype=np.float32)
    for act in ACTIVATIONS:
        for init, factor in INITS.items():
            std = 1.0 if init == "normal" else (factor or 1.0) / math.sqrt(n_in)
            W1 = schemes.normal(0.0, std)(rng, (n_in, n_hidden), dtype=np.float32)
            one_start(res, f"{act}.{init}", act, (W1, W2), std, X, y, lr, steps, at, goal)
        for name in ("grad_W1", "relative_step"):
            res.values[f"{act}.{name}_ratio"] = (
                res.values[f"{act}.lecun.{name}"] / res.values[f"{act}.normal.{name}"]
            )
    return res


def one_start(res: Result, key, act, weights, std, X, y, lr, steps, at, goal) -> None:
    """Training from one first-layer initialization: the cost, the share of saturated (example,
    hidden unit) pairs at every snapshot, the first gradient of W1 and the steps to the goal."""
    W1, W2 = weights
    params = [(W1, np.zeros(W1.shape[1], np.float32)), (W2, np.zeros(1, np.float32))]
    activations = [act, "sigmoid"]
    run = train.train(
        params,
        activations,
        "binary_cross_entropy",
        X,
        y,
        optimizer=train.SGD(lr),
        steps=steps,
        snapshot_at=at,
    )
    saturated = [
        float(np.mean(slope(act, X @ s.params[0][0] + s.params[0][1]) < SATURATED * MAX_SLOPE[act]))
        for s in run.snapshots
    ]
    dW1 = run.snapshots[0].grads[0][0]
    predicted = nn.forward(run.final_params, activations, X).a[-1] > 0.5
    reached = np.flatnonzero(run.costs < goal)
    res.arrays.update({f"{key}.costs": run.costs, f"{key}.saturated": np.array(saturated)})
    res.values.update(
        {
            f"{key}.std": std,
            f"{key}.saturated_at_start": saturated[0],
            f"{key}.saturated_at_end": saturated[-1],
            f"{key}.grad_W1": float(np.linalg.norm(dW1)),
            f"{key}.relative_step": float(lr * np.linalg.norm(dW1) / np.linalg.norm(W1)),
            f"{key}.cost_at_end": float(run.costs[-1]),
            f"{key}.steps_to_goal": int(reached[0]) if reached.size else -1,
            f"{key}.accuracy": float(np.mean(predicted == (y > 0.5))),
            f"{key}.diverged": run.diverged,
        }
    )
