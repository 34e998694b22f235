"""Mishkin & Matas (2016), LSUV: what layer-sequential unit-variance initialization does to a deep
relu and a deep tanh network on MNIST digits, beside Xavier, He and plain orthogonal weights,
over several seeds."""

from __future__ import annotations

import numpy as np

from initdoc import mnist, nn, schemes, train
from initdoc.experiments.mnist import data_digest, split
from initdoc.lsuv import lsuv_with_history
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

STARTS = ("glorot_normal", "he_normal", "orthogonal", "lsuv")
STANDARD = STARTS[:-1]
LABELS = {
    "glorot_normal": "Xavier (Glorot normal)",
    "he_normal": "He normal",
    "orthogonal": "orthogonal",
    "lsuv": "LSUV",
}
HIDDEN = ("relu", "tanh")
SEEDS = 10
TOL = 0.1
TRAINED_AT = 0.8  # test accuracy that counts as "trains" on ten digits (chance: 0.1)
NOT_WORSE = 0.01  # "better or equal" allows LSUV to fall short of the best standard start by this
SMOOTH = 25  # steps in the running mean of a minibatch cost that the page's figure draws
PAGE = "papers/lsuv.md"


def standardized_digits(data: str, rng, n_train: int, n_test: int):
    """MNIST digits at half resolution (14 × 14, each pixel the mean of a 2 × 2 block) as vectors
    scaled to mean 0 and variance 1 over all pixels (the authors scale inputs to variance 1), split
    into a training and a test set with every digit equally often."""
    digits = mnist.load(data)
    images = digits.images.astype(np.float64) / 255
    n, h, w = images.shape
    X = images.reshape(n, h // 2, 2, w // 2, 2).mean(axis=(2, 4)).reshape(n, -1)
    X = ((X - X.mean()) / X.std()).astype(np.float32)
    y = digits.labels.astype(np.int64)
    train_rows, test_rows = split(rng, y, n_train, n_test)
    return X[train_rows], y[train_rows], X[test_rows], y[test_rows], digits.source


def start(seed: int, name: str, sizes, activations, X, tol, max_iter, batch_size):
    """Initial weights from a named scheme, or LSUV with a fresh minibatch of X per trial (with its
    per-layer history). LSUV and orthogonal draw the same orthogonal matrices for a seed."""
    rng = np.random.default_rng(
        [seed, 0 if name in ("orthogonal", "lsuv") else STARTS.index(name) + 1]
    )
    if name == "lsuv":
        params, history = lsuv_with_history(
            rng, sizes, activations, X, tol, max_iter, np.float32, batch_size=batch_size
        )
        return params, history
    scheme = schemes.get(name)
    return nn.init_params(rng, sizes, scheme, dtype=np.float32), None


def stack(nets):
    """Networks of one shape as one stack: W (S, n_in, n_out), b (S, 1, n_out)."""
    return [
        (np.stack([p[l][0] for p in nets]), np.stack([p[l][1][None, :] for p in nets]))
        for l in range(len(nets[0]))
    ]


# The claims, as the page states them, before any data.

UNIT_VARIANCE = verdicts.declare(
    "lsuv",
    "unit_variance",
    page=PAGE,
    claim="LSUV leaves every layer's output with variance 1, within Tol_var",
    reported="by construction, on the minibatches it measures",
    quantity="largest |Var(z) − 1| over the layers, on held-out digits, mean over networks,",
    region=verdicts.below(TOL),
    test="mean",
    draws=2 * SEEDS,
    fmt=".3f",
    says={
        "agrees": "On digits it never saw, every layer of the LSUV networks has an output "
        "variance within Tol_var of 1: the largest deviation is {estimate} [{low}, {high}].",
        "disagrees": "On digits it never saw, the LSUV networks' output variance misses 1 by more "
        "than Tol_var: the largest deviation is {estimate} [{low}, {high}].",
        "inconclusive": "On digits it never saw, the LSUV networks' largest deviation from unit "
        "variance, {estimate} [{low}, {high}], is too close to Tol_var to decide.",
    },
    checked_by="test_lsuv.py::test_lsuv_verdicts_can_go_either_way",
)


def _trains(hidden: str):
    return verdicts.declare(
        "lsuv",
        f"trains_{hidden}",
        page=PAGE,
        claim=f"A 20-layer {hidden} network trains from LSUV with SGD",
        reported="very deep networks train",
        quantity="test accuracy, mean over seeds,",
        region=verdicts.above(TRAINED_AT),
        test="mean",
        draws=SEEDS,
        fmt=".1%",
        says={
            "agrees": f"The {hidden} network trains from LSUV: test accuracy {{estimate}} "
            "[{low}, {high}].",
            "disagrees": f"The {hidden} network does not train from LSUV here: test accuracy "
            "{estimate} [{low}, {high}].",
            "inconclusive": f"Whether the {hidden} network trains from LSUV is not settled: test "
            "accuracy {estimate} [{low}, {high}].",
        },
        checked_by="test_lsuv.py::test_lsuv_verdicts_can_go_either_way",
    )


def _not_worse(hidden: str):
    return verdicts.declare(
        "lsuv",
        f"not_worse_{hidden}",
        page=PAGE,
        claim=f"{hidden}: LSUV's test accuracy is better than or equal to the best standard start",
        reported="better or equal",
        quantity="LSUV minus the best standard start, paired by seed, mean,",
        region=verdicts.above(-NOT_WORSE, f"above −{NOT_WORSE:.0%} (not worse by a point)"),
        test="mean",
        draws=SEEDS,
        fmt="+.1%",
        says={
            "agrees": f"For {hidden}, LSUV is at least as good as the best standard start: "
            "{estimate} [{low}, {high}] in test accuracy.",
            "disagrees": f"For {hidden}, LSUV is worse than the best standard start: {{estimate}} "
            "[{low}, {high}] in test accuracy.",
            "inconclusive": f"For {hidden}, whether LSUV is as good as the best standard start is "
            "not settled: {estimate} [{low}, {high}] in test accuracy.",
        },
        checked_by="test_lsuv.py::test_lsuv_verdicts_can_go_either_way",
    )


TRAINS = {h: _trains(h) for h in HIDDEN}
NOT_WORSE_THAN_BEST = {h: _not_worse(h) for h in HIDDEN}


def lsuv_verdicts(deviation: np.ndarray, accuracy: dict[str, dict[str, np.ndarray]]) -> dict:
    """The page's claims judged on the largest variance deviation of each LSUV network and the test
    accuracy per activation, start and seed; the best standard start is the one with the highest
    mean accuracy (so the comparison favours the standard starts)."""
    pairs = [(UNIT_VARIANCE, deviation)]
    for hidden, by_start in accuracy.items():
        best = max(STANDARD, key=lambda n: by_start[n].mean())
        pairs += [
            (TRAINS[hidden], by_start["lsuv"]),
            (NOT_WORSE_THAN_BEST[hidden], by_start["lsuv"] - by_start[best]),
        ]
    return verdicts.judged(pairs)


@experiment(
    "lsuv",
    seed=0,
    inputs=data_digest,
    data=mnist.source(),
    depth=20,
    width=48,
    n_train=3000,
    n_test=1000,
    batch_size=64,
    tol=TOL,
    max_iter=10,
    lr=0.005,
    momentum=0.9,
    steps=800,
    seeds=SEEDS,
    cost_level=0.5,
)
def lsuv_experiment(
    rng,
    data,
    depth,
    width,
    n_train,
    n_test,
    batch_size,
    tol,
    max_iter,
    lr,
    momentum,
    steps,
    seeds,
    cost_level,
) -> Result:
    """Per-layer Var(z) at the start and training on MNIST digits, for deep relu and tanh nets from
    four starts over several seeds."""
    X, y, X_test, y_test, source = standardized_digits(data, rng, n_train, n_test)
    sizes = [X.shape[1]] + [width] * depth + [10]
    res = Result(
        arrays={"layers": np.arange(1, depth + 2)},
        values={
            "source": source,
            "depth": depth,
            "width": width,
            "n_train": n_train,
            "n_test": n_test,
            "batch_size": batch_size,
            "tol": tol,
            "max_iter": max_iter,
            "lr": lr,
            "momentum": momentum,
            "steps": steps,
            "seeds": seeds,
            "cost_level": cost_level,
            "trained_at": TRAINED_AT,
            "not_worse": NOT_WORSE,
            "smooth": SMOOTH,
            "n_layers": depth + 1,
        },
    )
    accuracy, deviation = {}, []
    for hidden in HIDDEN:
        accuracy[hidden], found = one_activation(
            res,
            hidden,
            (X, y, X_test, y_test),
            sizes,
            seeds,
            tol,
            max_iter,
            batch_size,
            lr,
            momentum,
            steps,
            cost_level,
        )
        deviation.extend(found)
    res.verdicts.update(lsuv_verdicts(np.array(deviation), accuracy))
    return res


def every_start(res: Result, hidden, sizes, activations, X, seeds, tol, max_iter, batch_size):
    """The starts: every scheme's networks, one per seed, as one stack, with each network's order
    of minibatches (a seed's starts see one order); LSUV's trials per layer go into `res`."""
    nets, order = [], []
    for name in STARTS:
        for seed in range(seeds):
            params, history = start(seed, name, sizes, activations, X, tol, max_iter, batch_size)
            nets.append(params)
            order.append(np.random.default_rng([seed, 99]))
            if history is not None:
                res.arrays[f"{hidden}.lsuv.seed{seed}.trials"] = np.array([len(v) for v in history])
    return stack(nets), order


def per_start(res: Result, hidden, variance, run, correct, seeds, cost_level) -> dict:
    """Each start's variance at the start, costs, test accuracy and steps to the cost level; its
    test accuracy per seed, by start."""
    accuracy = {}
    for i, name in enumerate(STARTS):
        rows = slice(i * seeds, (i + 1) * seeds)
        key = f"{hidden}.{name}"
        costs = run.costs[:, rows].T
        accuracy[name] = correct[rows]
        below = [np.flatnonzero(c < cost_level) for c in costs]
        to_level = np.array([b[0] if b.size else -1 for b in below])
        res.arrays.update(
            {
                f"{key}.variance": variance[rows],
                f"{key}.costs": costs,
                f"{key}.test_accuracy": correct[rows],
                f"{key}.steps_to_level": to_level,
            }
        )
        reached = to_level[to_level >= 0]
        res.values.update(
            {
                f"{key}.test_accuracy": float(correct[rows].mean()),
                f"{key}.test_accuracy_min": float(correct[rows].min()),
                f"{key}.test_accuracy_max": float(correct[rows].max()),
                f"{key}.variance_last_hidden": float(np.median(variance[rows, -2])),
                f"{key}.diverged": int(run.diverged[rows].sum()),
                f"{key}.final_cost": float(np.median(costs[:, -50:].mean(axis=1))),
                f"{key}.reached_level": int(reached.size),
                f"{key}.median_steps_to_level": float(np.median(reached)) if reached.size else -1.0,
            }
        )
    return accuracy


def one_activation(
    res: Result,
    hidden,
    digits,
    sizes,
    seeds,
    tol,
    max_iter,
    batch_size,
    lr,
    momentum,
    steps,
    cost_level,
):
    """Deep `hidden` networks from every start: Var(z) per layer at the start on held-out digits,
    then training; test accuracy per start and seed, and LSUV's largest deviation from unit
    variance per network."""
    X, y, X_test, y_test = digits
    depth = len(sizes) - 2
    activations = [hidden] * depth + ["softmax"]
    params, order = every_start(
        res, hidden, sizes, activations, X, seeds, tol, max_iter, batch_size
    )
    variance = np.stack(
        [z.var(axis=(-2, -1)) for z in nn.forward(params, activations, X_test).z[1:]], axis=1
    )  # (networks, layers), on held-out digits
    run = train.train(
        params,
        activations,
        "softmax_cross_entropy",
        X,
        y,
        optimizer=train.Momentum(lr, momentum),
        steps=steps,
        batch_size=batch_size,
        rng=order,
    )
    with np.errstate(all="ignore"):
        predicted = nn.forward(run.final_params, activations, X_test).a[-1].argmax(-1)
    correct = (predicted == y_test).mean(-1)
    accuracy = per_start(res, hidden, variance, run, correct, seeds, cost_level)
    lsuv_rows = slice(STARTS.index("lsuv") * seeds, len(STARTS) * seeds)
    trials = np.stack([res[f"{hidden}.lsuv.seed{s}.trials"] for s in range(seeds)])
    res.values.update(
        {
            f"{hidden}.lsuv.max_trials": int(trials.max()),
            f"{hidden}.lsuv.mean_trials": float(trials.mean()),
            f"{hidden}.lsuv.max_deviation": float(np.abs(variance[lsuv_rows] - 1).max()),
            f"{hidden}.best_standard": LABELS[max(STANDARD, key=lambda n: accuracy[n].mean())],
        }
    )
    return accuracy, np.abs(variance[lsuv_rows] - 1).max(axis=1)
