"""Mishkin & Matas (2016), LSUV: what layer-sequential unit-variance initialization does to a deep relu and a
deep tanh network, beside Xavier, He and plain orthogonal weights."""

from __future__ import annotations

import numpy as np

from initdoc import data, nn, schemes, train
from initdoc.lsuv import lsuv_with_history
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

STARTS = ("glorot_normal", "he_normal", "orthogonal", "lsuv")
LABELS = {
    "glorot_normal": "Xavier (Glorot normal)",
    "he_normal": "He normal",
    "orthogonal": "orthogonal",
    "lsuv": "LSUV",
}


def verdict(holds: bool) -> str:
    """A claim's verdict as the page's table shows it."""
    return "yes" if holds else "no"


def standardized_spiral(rng, n: int):
    """The spiral set scaled to unit variance per coordinate (the LSUV authors scale inputs to variance 1)."""
    X, y = data.spiral(rng, n)
    return X / X.std(axis=0), y


def start(rng, name: str, sizes, activations, X):
    """Initial weights from a named scheme, or from LSUV on the batch X (with its per-layer history)."""
    if name == "lsuv":
        return lsuv_with_history(rng, sizes, activations, X)
    return nn.init_params(rng, sizes, schemes.get(name)), None


@experiment(
    "lsuv",
    seed=0,
    depth=20,
    width=32,
    n_train=256,
    n_test=1000,
    tol=0.1,
    max_iter=10,
    lr=0.02,
    momentum=0.9,
    steps=600,
    cost_level=0.1,
)
def lsuv_experiment(
    rng, depth, width, n_train, n_test, tol, max_iter, lr, momentum, steps, cost_level
) -> Result:
    """Per-layer Var(z) at the start and training on the spiral, for deep relu and tanh nets from four starts."""
    X, y = standardized_spiral(rng, n_train)
    X_test, y_test = standardized_spiral(rng, n_test)
    sizes = [2] + [width] * depth + [1]
    res = Result(
        arrays={"layers": np.arange(1, depth + 2)},
        values={
            "depth": depth,
            "width": width,
            "n_train": n_train,
            "n_test": n_test,
            "tol": tol,
            "max_iter": max_iter,
            "lr": lr,
            "momentum": momentum,
            "steps": steps,
            "cost_level": cost_level,
        },
    )
    for hidden in ("relu", "tanh"):
        activations = [hidden] * depth + ["sigmoid"]
        for name in STARTS:
            params, history = start(rng, name, sizes, activations, X)
            key = f"{hidden}.{name}"
            variances = np.array([np.var(z) for z in nn.forward(params, activations, X).z[1:]])
            run = train.train(
                params,
                activations,
                "binary_cross_entropy",
                X,
                y,
                optimizer=train.Momentum(lr, momentum),
                steps=steps,
            )
            p_test = nn.forward(run.final_params, activations, X_test).a[-1]
            below = np.flatnonzero(run.costs < cost_level)
            res.arrays.update({f"{key}.variance": variances, f"{key}.costs": run.costs})
            res.values.update(
                {
                    f"{key}.variance_first": float(variances[0]),
                    f"{key}.variance_last_hidden": float(variances[-2]),
                    f"{key}.final_cost": float(run.costs[-1]),
                    f"{key}.test_accuracy": float(np.mean((p_test > 0.5) == (y_test > 0.5))),
                    f"{key}.diverged": run.diverged,
                    f"{key}.steps_to_level": int(below[0]) if below.size else -1,
                }
            )
            if history is not None:
                rescalings = np.array([len(v) - 1 for v in history])
                res.arrays[f"{key}.rescalings"] = rescalings
                res.arrays[f"{key}.variance_before"] = np.array([v[0] for v in history])
                res.values.update(
                    {
                        f"{key}.max_rescalings": int(rescalings.max()),
                        f"{key}.max_deviation": float(np.abs(variances - 1).max()),
                    }
                )
        _accuracy_verdict(res, hidden, n_test)
    res.values["unit_variance_agrees"] = verdict(
        max(res.values[f"{h}.lsuv.max_deviation"] for h in ("relu", "tanh")) < tol
    )
    res.values["trains_agrees"] = verdict(
        min(res.values[f"{h}.lsuv.test_accuracy"] for h in ("relu", "tanh")) >= 0.9
    )
    res.values["accuracy_agrees"] = verdict(
        all(
            res.values[f"{h}.lsuv_vs_best"] >= -2 * res.values[f"{h}.difference_se"]
            for h in ("relu", "tanh")
        )
    )
    return res


def _accuracy_verdict(res: Result, hidden: str, n_test: int) -> None:
    """LSUV's test accuracy against the best standard start, with the standard error of that difference."""
    best = max(
        (n for n in STARTS if n != "lsuv"), key=lambda n: res.values[f"{hidden}.{n}.test_accuracy"]
    )
    p, q = res.values[f"{hidden}.lsuv.test_accuracy"], res.values[f"{hidden}.{best}.test_accuracy"]
    res.values.update(
        {
            f"{hidden}.best_standard": LABELS[best],
            f"{hidden}.best_standard_accuracy": q,
            f"{hidden}.lsuv_vs_best": p - q,
            f"{hidden}.difference_se": float(np.sqrt((p * (1 - p) + q * (1 - q)) / n_test)),
        }
    )
