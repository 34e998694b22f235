"""Glorot & Bengio (2010): five tanh layers under the 'standard' and the 'normalized'
initialization, on MNIST digits.

Two parts: the network at initialization (per-layer activations, back-propagated gradients and
weight gradients, the paper's figures 6, 7 and 8), and the test error after training (the MNIST
column of the paper's table 1), over paired seeds.
"""

from __future__ import annotations

import math

import numpy as np

from initdoc import mnist, nn, schemes, train
from initdoc.experiments.mnist import data_digest, split
from initdoc.pipeline import verdicts
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
TAIL = 5  # the rate is chosen on the mean validation error of the last TAIL epochs (one is noisy)
SATURATED = 0.99  # tanh units beyond ±this, sigmoid units within 0.01 of 0 or 1, are saturated
DRAWS = 5  # networks at initialization per scheme
SEEDS = 5  # trained networks per row of table 1, paired across rows by seed
PILOT_SEED = 1000  # the seed of the rate search, not among those reported
PAGE = "papers/glorot.md"


def density(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Histogram of `values` as shares of all of them per bin (values outside the edges count in
    the total)."""
    counts, _ = np.histogram(values, edges)
    return counts / values.size


def variances(arrays: list[np.ndarray]) -> np.ndarray:
    """Var of every entry of each array, in float64."""
    return np.array([a.var(dtype=np.float64) for a in arrays])


def at_initialization(
    rng, X: np.ndarray, y: np.ndarray, sizes: list[int], init
) -> dict[str, np.ndarray]:
    """One forward and backward pass of a tanh network: per hidden layer, activations, dL/dz and
    dL/dW."""
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


def half_resolution(images: np.ndarray) -> np.ndarray:
    """Digits as vectors of 14 × 14 pixels in [0, 1], each the mean of a 2 × 2 block."""
    n, h, w = images.shape
    blocks = images.reshape(n, h // 2, 2, w // 2, 2).astype(np.float32) / 255
    return blocks.mean(axis=(2, 4)).reshape(n, -1)


def stack(nets):
    """Networks of one shape as one stack: W (S, n_in, n_out), b (S, 1, n_out)."""
    return [
        (np.stack([p[l][0] for p in nets]), np.stack([p[l][1][None, :] for p in nets]))
        for l in range(len(nets[0]))
    ]


def train_stack(act, nets, lrs, data, epochs, batch_size, order_seeds) -> dict[str, np.ndarray]:
    """Minibatch SGD on a stack of networks with one rate each; per network and epoch (0 to
    epochs): validation and test error, the mean cost of each epoch, and the last hidden layer's
    mean and saturated share on the test digits."""
    activations = [act] * (len(nets[0]) - 1) + ["softmax"]
    steps_per_epoch = -(-len(data["y_train"]) // batch_size)
    run = train.train(
        stack(nets),
        activations,
        "softmax_cross_entropy",
        data["X_train"],
        data["y_train"],
        optimizer=train.SGD(np.asarray(lrs, np.float32)[:, None, None]),
        epochs=epochs,
        batch_size=batch_size,
        rng=[np.random.default_rng(s) for s in order_seeds],
        snapshot_at=range(0, epochs * steps_per_epoch, steps_per_epoch),
    )
    states = [snap.params for snap in run.snapshots] + [run.final_params]
    out = {k: [] for k in ("valid_error", "test_error", "top_mean", "top_saturated")}
    with np.errstate(all="ignore"):
        for params in states:
            valid = nn.forward(params, activations, data["X_valid"]).a[-1].argmax(-1)
            test = nn.forward(params, activations, data["X_test"])
            top = test.a[-2]
            out["valid_error"].append((valid != data["y_valid"]).mean(-1))
            out["test_error"].append((test.a[-1].argmax(-1) != data["y_test"]).mean(-1))
            out["top_mean"].append(top.mean(axis=(-2, -1), dtype=np.float64))
            saturated = (
                np.abs(top) > SATURATED if act == "tanh" else np.abs(2 * top - 1) > SATURATED
            )
            out["top_saturated"].append(saturated.mean(axis=(-2, -1)))
    out = {k: np.stack(v, axis=1) for k, v in out.items()}  # (networks, epochs + 1)
    out["epoch_cost"] = run.costs.reshape(epochs, steps_per_epoch, -1).mean(axis=1).T
    return out


# The claims, as the page states them, before any data.


def _init_claim(key, claim, reported, quantity, region, says):
    return verdicts.declare(
        "glorot",
        key,
        page=PAGE,
        claim=claim,
        reported=reported,
        quantity=quantity,
        region=region,
        test="mean",
        draws=DRAWS,
        fmt=".3f",
        says=says,
        checked_by="test_glorot.py::test_initialization_verdicts_can_go_either_way",
    )


def _shrinks(fig: str, what: str, ratio: str):
    return _init_claim(
        f"{fig}_standard_shrinks",
        f"Standard init: the {what} shrink from layer to layer",
        f"{fig.replace('fig', 'figure ')}",
        f"{ratio}, mean over draws,",
        verdicts.below(0.5),
        {
            "agrees": f"Under the standard rule the {what} shrink: {ratio} is {{estimate}} "
            "[{low}, {high}].",
            "disagrees": f"Under the standard rule the {what} do not shrink by half: {ratio} is "
            "{estimate} [{low}, {high}].",
            "inconclusive": f"Under the standard rule {ratio} is {{estimate}} [{{low}}, {{high}}], "
            "too close to ½ to decide.",
        },
    )


def _keeps(fig: str, what: str, ratio: str):
    return _init_claim(
        f"{fig}_normalized_keeps",
        f"Normalized init: the {what} keep their size",
        f"{fig.replace('fig', 'figure ')}",
        f"{ratio}, mean over draws,",
        verdicts.between(0.5, 2),
        {
            "agrees": f"Under the normalized rule the {what} keep their size: {ratio} is "
            "{estimate} [{low}, {high}].",
            "disagrees": f"Under the normalized rule the {what} do not keep their size: {ratio} is "
            "{estimate} [{low}, {high}].",
            "inconclusive": f"Under the normalized rule {ratio} is {{estimate}} [{{low}}, "
            "{high}], too close to ½ or 2 to decide.",
        },
    )


def _spread(scheme: str):
    return _init_claim(
        f"fig8_{scheme}_alike",
        f"{scheme.capitalize()} init: the weight gradients are alike across layers",
        "figure 8",
        "largest over smallest Var(∂L/∂W) across the layers, mean over draws,",
        verdicts.below(2),
        {
            "agrees": f"Under the {scheme} rule the weight gradients look alike: the largest "
            "variance is {estimate} [{low}, {high}] times the smallest.",
            "disagrees": f"Under the {scheme} rule the weight gradients differ across layers: the "
            "largest variance is {estimate} [{low}, {high}] times the smallest.",
            "inconclusive": f"Under the {scheme} rule the largest weight-gradient variance is "
            "{estimate} [{low}, {high}] times the smallest, too close to 2 to decide.",
        },
    )


_FORWARD, _BACKWARD = "Var(a₅)/Var(a₁)", "Var(∂L/∂z₁)/Var(∂L/∂z₅)"
INIT_CLAIMS = {
    "fig6_standard_shrinks": _shrinks("fig6", "activations", _FORWARD),
    "fig6_normalized_keeps": _keeps("fig6", "activations", _FORWARD),
    "fig7_standard_shrinks": _shrinks("fig7", "back-propagated gradients", _BACKWARD),
    "fig7_normalized_keeps": _keeps("fig7", "back-propagated gradients", _BACKWARD),
    "fig8_standard_alike": _spread("standard"),
    "fig8_normalized_alike": _spread("normalized"),
}


def _beats(key, claim, quantity, says):
    return verdicts.declare(
        "glorot",
        key,
        page=PAGE,
        claim=claim,
        reported="table 1 (one network per row)",
        quantity=quantity,
        region=verdicts.above(0, "above 0 (in the paper's direction)"),
        test="mean",
        draws=SEEDS,
        fmt="+.1%",
        says=says,
        checked_by="test_glorot.py::test_training_verdicts_can_go_either_way",
    )


NORMALIZED_BEATS = _beats(
    "normalized_beats_standard",
    "On MNIST, tanh: the normalized initialization gives a lower test error than the standard one",
    "test error, standard minus normalized, paired by seed, mean,",
    {
        "agrees": "The normalized tanh network has the lower test error: the standard one's is "
        "higher by {estimate} [{low}, {high}].",
        "disagrees": "The normalized tanh network has the higher test error: the standard one's "
        "is lower, by {estimate} [{low}, {high}].",
        "inconclusive": "Which tanh network has the lower test error is not settled: the "
        "standard one's minus the normalized one's is {estimate} [{low}, {high}].",
    },
)
SIGMOID_WORSE = _beats(
    "sigmoid_worse",
    "On MNIST, sigmoid has a higher test error than tanh",
    "test error, sigmoid minus the better tanh row, paired by seed, mean,",
    {
        "agrees": "Sigmoid is worse than tanh: its test error is higher by {estimate} [{low}, "
        "{high}].",
        "disagrees": "Sigmoid is better than tanh here: its test error is lower, by {estimate} "
        "[{low}, {high}].",
        "inconclusive": "Whether sigmoid is worse than tanh is not settled: the difference is "
        "{estimate} [{low}, {high}].",
    },
)


def initialization_verdicts(ratios: dict[str, np.ndarray]) -> dict[str, dict]:
    """Figures 6 to 8 judged on per-draw ratios keyed 'standard.forward', 'normalized.backward',
    'standard.weight_spread' and so on."""
    pairs = [
        (INIT_CLAIMS["fig6_standard_shrinks"], ratios["standard.forward"]),
        (INIT_CLAIMS["fig6_normalized_keeps"], ratios["normalized.forward"]),
        (INIT_CLAIMS["fig7_standard_shrinks"], ratios["standard.backward"]),
        (INIT_CLAIMS["fig7_normalized_keeps"], ratios["normalized.backward"]),
        (INIT_CLAIMS["fig8_standard_alike"], ratios["standard.weight_spread"]),
        (INIT_CLAIMS["fig8_normalized_alike"], ratios["normalized.weight_spread"]),
    ]
    return verdicts.judged(pairs)


def training_verdicts(errors: dict[str, np.ndarray]) -> dict[str, dict]:
    """Table 1's orderings judged on the final test error per seed of each row (paired by seed)."""
    tanh = np.minimum(errors["tanh_standard"], errors["tanh_normalized"])
    return verdicts.judged(
        [
            (NORMALIZED_BEATS, errors["tanh_standard"] - errors["tanh_normalized"]),
            (SIGMOID_WORSE, errors["sigmoid_standard"] - tanh),
        ]
    )


@experiment(
    "glorot",
    seed=0,
    inputs=data_digest,
    paper={"width": 1000, "n_train": 50_000, "n_valid": 10_000, "n_test": 10_000},  # table 1
    data=mnist.source(),
    n_probe=1000,
    probe_width=1000,
    draws=DRAWS,
    L=5,
    width=128,
    n_train=3000,
    n_valid=500,
    n_test=1000,
    lrs=(0.03, 0.1, 0.3),
    epochs=10,
    batch_size=10,
    seeds=SEEDS,
)
def glorot(
    rng,
    data,
    n_probe,
    probe_width,
    draws,
    L,
    width,
    n_train,
    n_valid,
    n_test,
    lrs,
    epochs,
    batch_size,
    seeds,
) -> Result:
    """Five tanh layers on MNIST digits: the paper's histograms at initialization, then trained
    test errors over paired seeds, the rate chosen per row on a separate seed."""
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
            "draws": draws,
            "L": L,
            "width": width,
            "n_train": n_train,
            "n_valid": n_valid,
            "n_test": n_test,
            "epochs": epochs,
            "batch_size": batch_size,
            "seeds": seeds,
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
    network_at_initialization(res, rng, probe, [X.shape[1]] + [probe_width] * L + [10], draws)

    small = half_resolution(digits.images)  # the trained networks see 14 × 14 digits
    res.values["trained_side"] = math.isqrt(small.shape[1])
    digits_of = {"train": train_rows, "valid": valid_rows, "test": test_rows}
    split_data = {
        f"{v}_{part}": a[rows]
        for part, rows in digits_of.items()
        for v, a in (("X", small), ("y", y))
    }
    sizes = [small.shape[1]] + [width] * L + [10]
    best = rate_search(res, split_data, sizes, lrs, epochs, batch_size)
    table_1(res, split_data, sizes, [lrs[best[name]] for name in RUNS], epochs, batch_size, seeds)
    res.values.update({"chance_error": 1 - 1 / len(np.unique(y)), "pilot_seed": PILOT_SEED})
    return res


def network_at_initialization(res: Result, rng, probe, sizes: list[int], draws: int) -> None:
    """The network at initialization (the paper's figures 6, 7 and 8): per scheme, the first
    draw's histograms and every draw's layer-to-layer ratios, judged."""
    draw_seeds = rng.integers(2**32, size=draws)  # both schemes draw from the same streams
    ratios = {}
    for key, (_, init) in INITS.items():
        found = [
            at_initialization(np.random.default_rng(s), *probe, sizes, init) for s in draw_seeds
        ]
        out = found[0]  # the first draw's histograms are the figures
        res.arrays.update({f"{key}.{name}": v for name, v in out.items()})
        ratios[f"{key}.forward"] = np.array([f["var_a"][-1] / f["var_a"][0] for f in found])
        ratios[f"{key}.backward"] = np.array([f["var_dz"][0] / f["var_dz"][-1] for f in found])
        ratios[f"{key}.weight_spread"] = np.array(
            [f["var_dW"].max() / f["var_dW"].min() for f in found]
        )
        res.arrays.update(
            {f"{key}.draws.{k.split('.')[1]}": v for k, v in ratios.items() if k.startswith(key)}
        )
        res.values.update(
            {
                f"{key}.forward_ratio": float(ratios[f"{key}.forward"].mean()),
                f"{key}.backward_ratio": float(ratios[f"{key}.backward"].mean()),
                f"{key}.weight_spread": float(ratios[f"{key}.weight_spread"].mean()),
                f"{key}.forward_monotone": bool(np.all(np.diff(out["var_a"]) < 0)),
                f"{key}.backward_monotone": bool(np.all(np.diff(out["var_dz"]) > 0)),
                f"{key}.zero_share_dW1": float(out["zero_share_dW"][0]),
            }
        )
    res.values["blank_pixel_share"] = float(np.mean(np.all(probe[0] == 0, axis=0)))
    res.verdicts.update(initialization_verdicts(ratios))


def by_activation() -> dict[str, list[str]]:
    """The rows of table 1 grouped by hidden activation (one stack of networks each)."""
    acts = dict.fromkeys(act for act, _ in RUNS.values())
    return {act: [name for name, (a, _) in RUNS.items() if a == act] for act in acts}


def networks(names: list[str], seed_list, sizes: list[int]) -> list:
    """The initial weights of every (row, seed): a seed's rows draw from one stream."""
    return [
        nn.init_params(np.random.default_rng([s, 7]), sizes, INITS[RUNS[n][1]][1], dtype=np.float32)
        for n in names
        for s in seed_list
    ]


def rate_search(res: Result, data, sizes, lrs, epochs, batch_size) -> dict[str, int]:
    """The rate of each row, chosen on validation error by a pilot seed not among those reported:
    the index into `lrs` per row."""
    best = {}
    for act, names in by_activation().items():
        nets = [n for n in networks(names, [PILOT_SEED], sizes) for _ in lrs]
        rates = [lr for _ in names for lr in lrs]
        out = train_stack(act, nets, rates, data, epochs, batch_size, [PILOT_SEED] * len(nets))
        for j, name in enumerate(names):
            rows = slice(j * len(lrs), (j + 1) * len(lrs))
            late = out["valid_error"][rows, -TAIL:].mean(axis=1)
            best[name] = int(np.argmin(late))
            for i in range(len(lrs)):
                r = {k: v[rows][i] for k, v in out.items()}
                res.arrays.update({f"{name}.lr{i}.{k}": a for k, a in r.items()})
                res.values.update(
                    {
                        f"{name}.lr{i}.test_error": float(r["test_error"][-1]),
                        f"{name}.lr{i}.first_epoch_cost": float(r["epoch_cost"][0]),
                        f"{name}.lr{i}.final_cost": float(r["epoch_cost"][-1]),
                        f"{name}.lr{i}.top_mean_end": float(r["top_mean"][-1]),
                        f"{name}.lr{i}.top_saturated_end": float(r["top_saturated"][-1]),
                    }
                )
            res.values.update(
                {
                    f"{name}.best_lr": float(lrs[best[name]]),
                    f"{name}.best": best[name],
                    f"{name}.top_mean_start": float(out["top_mean"][rows][best[name], 0]),
                }
            )
    return best


def table_1(res: Result, data, sizes, rates, epochs, batch_size, seeds) -> None:
    """Test error on MNIST (the paper's table 1): every row over paired seeds, each at its chosen
    rate (`rates`, in the order of RUNS), judged."""
    rate_of = dict(zip(RUNS, rates))
    errors = {}
    for act, names in by_activation().items():
        nets = networks(names, range(seeds), sizes)
        stack_rates = [rate_of[n] for n in names for _ in range(seeds)]
        out = train_stack(
            act, nets, stack_rates, data, epochs, batch_size, list(range(seeds)) * len(names)
        )
        for j, name in enumerate(names):
            rows = slice(j * seeds, (j + 1) * seeds)
            r = {k: v[rows] for k, v in out.items()}
            res.arrays.update({f"{name}.seeds.{k}": a for k, a in r.items()})
            errors[name] = r["test_error"][:, -1]
            res.values.update(
                {
                    f"{name}.test_error": float(errors[name].mean()),
                    f"{name}.test_error_min": float(errors[name].min()),
                    f"{name}.test_error_max": float(errors[name].max()),
                    f"{name}.mean_epoch_cost": float(r["epoch_cost"].mean()),
                    f"{name}.first_epoch_cost": float(r["epoch_cost"][:, 0].mean()),
                }
            )
    gap = errors["tanh_standard"] - errors["tanh_normalized"]
    res.values.update(
        {
            "normalized_gain": float(gap.mean()),
            "normalized_gain_sd": float(gap.std(ddof=1)),  # what one pair of networks is up against
        }
    )
    res.verdicts.update(training_verdicts(errors))
