"""Glorot & Bengio (2010): five tanh layers under the 'standard' and the 'normalized' initialization, on MNIST digits.

Two parts: the network at initialization (per-layer activations, back-propagated gradients and weight gradients, the
paper's figures 6, 7 and 8), and the test error after training (the MNIST column of the paper's table 1).
"""

from __future__ import annotations

import numpy as np

from initdoc import mnist, nn, schemes, train
from initdoc.experiments.mnist import data_digest, split
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

INITS = {
    "standard": ("standard U(±1/√n_in)", schemes.variance_scaling(1 / 3, "fan_in", "uniform")),
    "normalized": ("normalized U(±√6/√(n_in+n_out))", schemes.glorot_uniform()),
}
# The trained networks, as rows of the paper's table 1: (hidden activation, initialization).
RUNS = {
    "tanh_standard": ("tanh", "standard"),
    "tanh_normalized": ("tanh", "normalized"),
    "sigmoid_standard": ("sigmoid", "standard"),
}
A_EDGES = np.linspace(-1.0, 1.0, 41)  # tanh's range
SPREAD = 4.0  # gradient histograms span ±SPREAD standard deviations of the top layer's values
TAIL = 5  # the learning rate is chosen on the mean validation error of the last TAIL epochs (one epoch is noisy)
SATURATED = (
    0.99  # tanh units with |a| above this, sigmoid units within 0.01 of 0 or 1, count as saturated
)


def verdict(agrees: bool, noise: bool = False) -> str:
    """A claim's verdict as the page's table shows it: 'yes', 'within noise' or 'no'."""
    return "yes" if agrees else "within noise" if noise else "no"


def density(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Histogram of `values` as shares of all of them per bin (values outside the edges count in the total)."""
    counts, _ = np.histogram(values, edges)
    return counts / values.size


def variances(arrays: list[np.ndarray]) -> np.ndarray:
    """Var of every entry of each array, in float64."""
    return np.array([a.var(dtype=np.float64) for a in arrays])


def at_initialization(
    rng, X: np.ndarray, y: np.ndarray, sizes: list[int], init
) -> dict[str, np.ndarray]:
    """One forward and backward pass of a tanh network: per hidden layer, activations, dL/dz and dL/dW."""
    L = len(sizes) - 2
    params = nn.init_params(rng, sizes, init, dtype=np.float32)
    activations = ["tanh"] * L + ["softmax"]
    rec = nn.forward(params, activations, X)
    g = nn.backward(params, rec, y, "softmax_cross_entropy")
    a, dz, dW = rec.a[1 : L + 1], g.dz[1 : L + 1], [w for w, _ in g.params[:L]]
    out = {
        "var_a": variances(a),
        "var_dz": variances(dz),
        "var_dW": variances(dW),
        "zero_share_dW": np.array([np.mean(w == 0) for w in dW]),
    }  # exact zeros: inputs that are always 0
    out["a_hist"] = np.stack([density(v.ravel(), A_EDGES) for v in a])
    for name, values in (("dz", dz), ("dW", dW)):
        edges = np.linspace(-SPREAD, SPREAD, 41) * np.sqrt(out[f"var_{name}"][-1])
        out[f"{name}_edges"] = edges
        out[f"{name}_hist"] = np.stack([density(v.ravel(), edges) for v in values])
    return out


def saturated_share(a: np.ndarray, act: str) -> float:
    """Share of the units' values in the flat ends of tanh or sigmoid."""
    return float(np.mean(np.abs(a) > SATURATED if act == "tanh" else np.abs(2 * a - 1) > SATURATED))


def error_rate(params, activations: list[str], X: np.ndarray, y: np.ndarray) -> float:
    """Share of misclassified digits."""
    return float(np.mean(nn.forward(params, activations, X).a[-1].argmax(axis=1) != y))


def trained(
    rng,
    act: str,
    init,
    sizes: list[int],
    data: dict,
    lr: float,
    epochs: int,
    batch_size: int,
    order_seed: int,
) -> dict[str, np.ndarray]:
    """Minibatch SGD on the training digits; validation and test error after every epoch."""
    activations = [act] * (len(sizes) - 2) + ["softmax"]
    params = nn.init_params(rng, sizes, init, dtype=np.float32)
    steps_per_epoch = -(-len(data["y_train"]) // batch_size)
    run = train.train(
        params,
        activations,
        "softmax_cross_entropy",
        data["X_train"],
        data["y_train"],
        optimizer=train.SGD(lr),
        epochs=epochs,
        batch_size=batch_size,
        rng=np.random.default_rng(order_seed),
        snapshot_at=range(0, epochs * steps_per_epoch, steps_per_epoch),
    )
    states = [s.params for s in run.snapshots] + [
        run.final_params
    ]  # after 0, 1, ..., epochs epochs
    with np.errstate(all="ignore"):
        tests = [nn.forward(p, activations, data["X_test"]) for p in states]
        return {
            "valid_error": np.array(
                [error_rate(p, activations, data["X_valid"], data["y_valid"]) for p in states]
            ),
            "test_error": np.array(
                [np.mean(rec.a[-1].argmax(axis=1) != data["y_test"]) for rec in tests]
            ),
            "epoch_cost": run.costs.reshape(epochs, steps_per_epoch).mean(axis=1),
            "top_mean": np.array(
                [rec.a[-2].mean(dtype=np.float64) for rec in tests]
            ),  # the last hidden layer's
            "top_saturated": np.array([saturated_share(rec.a[-2], act) for rec in tests]),
        }


def difference_verdict(better: float, worse: float, n: int) -> tuple[float, str]:
    """Is error rate `better` below `worse` on n test digits? Two standard errors of the difference decide."""
    se = float(np.sqrt(better * (1 - better) / n + worse * (1 - worse) / n))
    diff = worse - better
    return se, verdict(diff > 2 * se, abs(diff) <= 2 * se)


@experiment(
    "glorot",
    seed=0,
    inputs=data_digest,
    data=mnist.source(),
    n_probe=1000,
    probe_width=1000,
    L=5,
    width=256,
    n_train=3500,
    n_valid=500,
    n_test=1000,
    lrs=(0.03, 0.1, 0.3),
    epochs=15,
    batch_size=10,
)
def glorot(
    rng, data, n_probe, probe_width, L, width, n_train, n_valid, n_test, lrs, epochs, batch_size
) -> Result:
    """Five tanh layers on MNIST digits: the paper's histograms at initialization, then trained test errors."""
    digits = mnist.load(data)
    X = digits.images.reshape(len(digits.images), -1).astype(np.float32) / 255
    y = digits.labels.astype(np.int64)
    fit_rows, test_rows = split(rng, y, n_train + n_valid, n_test)
    train_rows, valid_rows = fit_rows[:n_train], fit_rows[n_train:]
    res = Result(
        arrays={"a_edges": A_EDGES, "lrs": np.array(lrs)},
        values={
            "source": digits.source,
            "n_probe": n_probe,
            "probe_width": probe_width,
            "L": L,
            "width": width,
            "n_train": n_train,
            "n_valid": n_valid,
            "n_test": n_test,
            "epochs": epochs,
            "batch_size": batch_size,
            "n_lrs": len(lrs),
            "lr_min": min(lrs),
            "lr_max": max(lrs),
            "spread": SPREAD,
            "saturated": SATURATED,
            "tail": TAIL,
            "linear_regime_ratio": (1 / 3) ** (L - 1),  # n Var(W) = 1/3 per layer, tanh(z) ≈ z
            **{f"lr{i}": lr for i, lr in enumerate(lrs)},
        },
    )

    probe = X[train_rows[:n_probe]], y[train_rows[:n_probe]]
    probe_sizes = [X.shape[1]] + [probe_width] * L + [10]
    draw_seed = int(rng.integers(2**32))  # both schemes draw from the same stream
    for key, (_, init) in INITS.items():
        out = at_initialization(np.random.default_rng(draw_seed), *probe, probe_sizes, init)
        res.arrays.update({f"{key}.{name}": v for name, v in out.items()})
        res.values.update(
            {
                f"{key}.forward_ratio": float(out["var_a"][-1] / out["var_a"][0]),
                f"{key}.backward_ratio": float(out["var_dz"][0] / out["var_dz"][-1]),
                f"{key}.weight_spread": float(out["var_dW"].max() / out["var_dW"].min()),
                f"{key}.forward_monotone": bool(np.all(np.diff(out["var_a"]) < 0)),
                f"{key}.backward_monotone": bool(np.all(np.diff(out["var_dz"]) > 0)),
                f"{key}.zero_share_dW1": float(out["zero_share_dW"][0]),
            }
        )
    res.values["blank_pixel_share"] = float(
        np.mean(np.all(probe[0] == 0, axis=0))
    )  # blank in every probe digit
    std, norm = INITS
    v = res.values
    v["fig6_agrees"] = verdict(
        v[f"{std}.forward_monotone"]
        and v[f"{std}.forward_ratio"] < 0.5
        and 0.5 < v[f"{norm}.forward_ratio"] < 2
    )
    v["fig7_agrees"] = verdict(
        v[f"{std}.backward_monotone"]
        and v[f"{std}.backward_ratio"] < 0.5
        and 0.5 < v[f"{norm}.backward_ratio"] < 2
    )
    v["fig8_agrees"] = verdict(v[f"{std}.weight_spread"] < 2 and v[f"{norm}.weight_spread"] < 2)

    split_data = {
        "X_train": X[train_rows],
        "y_train": y[train_rows],
        "X_valid": X[valid_rows],
        "y_valid": y[valid_rows],
        "X_test": X[test_rows],
        "y_test": y[test_rows],
    }
    sizes = [X.shape[1]] + [width] * L + [10]
    order_seed = int(rng.integers(2**32))  # every run sees the same batches in the same order
    for run_name, (act, init_key) in RUNS.items():
        runs = [
            trained(
                np.random.default_rng(draw_seed),
                act,
                INITS[init_key][1],
                sizes,
                split_data,
                lr,
                epochs,
                batch_size,
                order_seed,
            )
            for lr in lrs
        ]
        best = int(
            np.argmin([r["valid_error"][-TAIL:].mean() for r in runs])
        )  # as the paper: by validation error
        for i, r in enumerate(runs):
            res.arrays.update({f"{run_name}.lr{i}.{k}": a for k, a in r.items()})
            res.values.update(
                {
                    f"{run_name}.lr{i}.test_error": float(r["test_error"][-1]),
                    f"{run_name}.lr{i}.first_epoch_cost": float(r["epoch_cost"][0]),
                    f"{run_name}.lr{i}.final_cost": float(r["epoch_cost"][-1]),
                    f"{run_name}.lr{i}.top_mean_end": float(r["top_mean"][-1]),
                    f"{run_name}.lr{i}.top_saturated_end": float(r["top_saturated"][-1]),
                }
            )
        res.values.update(
            {
                f"{run_name}.best_lr": float(lrs[best]),
                f"{run_name}.best": best,
                f"{run_name}.test_error": float(runs[best]["test_error"][-1]),
                f"{run_name}.valid_error": float(runs[best]["valid_error"][-1]),
                f"{run_name}.valid_error_tail": float(runs[best]["valid_error"][-TAIL:].mean()),
                f"{run_name}.mean_epoch_cost": float(runs[best]["epoch_cost"].mean()),
                f"{run_name}.first_epoch_cost": float(runs[best]["epoch_cost"][0]),
                f"{run_name}.top_mean_start": float(runs[best]["top_mean"][0]),
            }
        )
    errors = {name: v[f"{name}.test_error"] for name in RUNS}
    v["normalized_gain"] = errors["tanh_standard"] - errors["tanh_normalized"]
    v["normalized_gain_se"], v["normalized_agrees"] = difference_verdict(
        errors["tanh_normalized"], errors["tanh_standard"], n_test
    )
    v["sigmoid_gap"] = errors["sigmoid_standard"] - max(
        errors["tanh_standard"], errors["tanh_normalized"]
    )
    v["sigmoid_gap_se"], v["sigmoid_agrees"] = difference_verdict(
        max(errors["tanh_standard"], errors["tanh_normalized"]), errors["sigmoid_standard"], n_test
    )
    v["chance_error"] = 1 - 1 / len(np.unique(y))
    return res
