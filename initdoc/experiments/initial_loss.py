"""The last layer and the initial loss: what a softmax classifier's loss is before training, what
it should be, and what the output layer's weights and bias do to the first steps."""

from __future__ import annotations

import math

import numpy as np

from initdoc import mnist, nn, probe, schemes, train
from initdoc.experiments.glorot import half_resolution
from initdoc.experiments.mnist import data_digest
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

# The output layers compared, in page order: key -> label. Hidden layers are He in every case.
LAST = {
    "normal": "N(0, 1)",
    "he": "He, as the hidden layers",
    "zero": "zero weights and bias",
    "prior": "zero weights, bias = log class frequency",
}
FIRST = 50  # "the first steps": the mean loss over this many
SMOOTH = 20  # steps in the running mean that decides when the loss reaches a level


def small_logit_loss(s, classes: int):
    """The expansion for small s: ln C + (1 − 1/C) s² / 2."""
    return math.log(classes) + (1 - 1 / classes) * np.square(s) / 2


def entropy(p: np.ndarray) -> float:
    """−Σ p ln p, in nats: the loss of the best constant prediction."""
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def imbalanced(rng, images, labels, ratio: float):
    """Every digit k kept with share ratio^k of the most frequent one (0), shuffled; each pixel
    standardized to mean 0 and variance 1 over the set (a constant pixel is left at 0)."""
    per_class = np.bincount(labels).min()
    keep = [
        rng.permutation(np.flatnonzero(labels == k))[: max(1, round(per_class * ratio**k))]
        for k in range(10)
    ]
    rows = rng.permutation(np.concatenate(keep))
    X = half_resolution(images[rows])
    spread = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1)
    return X.astype(np.float32), labels[rows].astype(np.int64)


def start(rng, kind: str, sizes, frequencies: np.ndarray, stack: int):
    """A stack of relu networks, He in the hidden layers, the output layer as `kind` says."""
    nets = []
    for _ in range(stack):
        params = nn.init_params(rng, sizes[:-1], schemes.he_normal(), dtype=np.float32)
        init = {"he": schemes.he_normal(), "normal": schemes.normal()}.get(kind)
        W = init(rng, sizes[-2:]) if init else np.zeros(sizes[-2:])
        b = np.log(frequencies) if kind == "prior" else np.zeros(sizes[-1])
        nets.append([*params, (W.astype(np.float32), b.astype(np.float32))])
    return [
        (np.stack([n[l][0] for n in nets]), np.stack([n[l][1][None, :] for n in nets]))
        for l in range(len(sizes) - 1)
    ]


def steps_to(costs: np.ndarray, level: float) -> np.ndarray:
    """Per run (column), the first step at which the running mean of the loss is at or below
    `level`; -1 if never."""
    kernel = np.ones(SMOOTH) / SMOOTH
    out = []
    for run in costs.T:
        smooth = np.convolve(run, kernel, mode="valid")
        below = np.flatnonzero(smooth <= level)
        out.append(int(below[0]) + SMOOTH - 1 if below.size else -1)
    return np.array(out)


@experiment(
    "initial_loss",
    seed=0,
    inputs=data_digest,
    data=mnist.source(),
    classes=10,
    scales=tuple(float(s) for s in np.geomspace(0.01, 100, 41)),
    rows=20_000,
    ratio=0.7,
    hidden=(100, 100),
    lr=0.05,
    steps=300,
    batch_size=64,
    seeds=5,
    heldout_share=0.25,
    base_rate=0.05,
)
def initial_loss(
    rng,
    data,
    classes,
    scales,
    rows,
    ratio,
    hidden,
    lr,
    steps,
    batch_size,
    seeds,
    heldout_share,
    base_rate,
) -> Result:
    """The expected initial loss against the size of the logits, then a relu MLP on MNIST digits
    whose classes are imbalanced, trained from four output layers."""
    s = np.array(scales)
    expected = probe.expected_initial_loss(s, classes, rows, rng)
    res = Result(
        arrays={"scales": s, "expected": expected, "approx": small_logit_loss(s, classes)},
        values={
            "classes": classes,
            "ln_c": math.log(classes),
            "rows": rows,
            "ratio": ratio,
            "lr": lr,
            "steps": steps,
            "batch_size": batch_size,
            "seeds": seeds,
            "smooth": SMOOTH,
            "first_steps": FIRST,
            "hidden": "-".join(str(h) for h in hidden),
            "n_hidden": len(hidden),
            "hidden_width": hidden[0],
            "scale_min": min(scales),
            "scale_max": max(scales),
            "expected.last": float(expected[-1]),
        },
    )
    for at in (1.0, 3.0, 10.0):
        res.values[f"expected.s{at:g}"] = float(np.interp(np.log(at), np.log(s), expected))
    digits = mnist.load(data)
    X, y = imbalanced(rng, digits.images, digits.labels, ratio)
    cut = round(len(y) * (1 - heldout_share))
    X, y, Xh, yh = X[:cut], y[:cut], X[cut:], y[cut:]
    frequencies = np.bincount(y, minlength=classes) / len(y)
    prior = entropy(frequencies)
    res.arrays["frequencies"] = frequencies
    res.values.update(
        {
            "source": digits.source,
            "n_train": len(y),
            "side": math.isqrt(X.shape[1]),
            "prior_loss": prior,
            "most": float(frequencies.max()),
            "least": float(frequencies.min()),
            "prior_bias_0": float(np.log(frequencies[0])),
            "prior_bias_9": float(np.log(frequencies[-1])),
        }
    )
    sizes = [X.shape[1], *hidden, classes]
    activations = ["relu"] * len(hidden) + ["softmax"]
    order = int(rng.integers(2**32))
    for kind in LAST:
        params = start(rng, kind, sizes, frequencies, seeds)
        run = train.train(
            params,
            activations,
            "softmax_cross_entropy",
            X,
            y,
            optimizer=train.SGD(lr),
            steps=steps,
            batch_size=batch_size,
            rng=np.random.default_rng(order),
        )
        reach = steps_to(run.costs, prior)
        record = nn.forward(run.final_params, activations, Xh)
        heldout_loss = nn.cost(record, yh, "softmax_cross_entropy")
        heldout_accuracy = np.mean(np.argmax(record.a[-1], axis=-1) == yh, axis=-1)
        res.arrays[f"{kind}.heldout_loss"] = heldout_loss
        res.arrays[f"{kind}.heldout_accuracy"] = heldout_accuracy
        res.values[f"{kind}.heldout_loss"] = float(np.median(heldout_loss))
        res.values[f"{kind}.heldout_accuracy"] = float(np.median(heldout_accuracy))
        res.arrays[f"{kind}.costs"] = run.costs
        res.arrays[f"{kind}.reach_prior"] = reach
        res.values[f"{kind}.first"] = float(np.median(run.costs[0]))
        res.values[f"{kind}.first_steps"] = float(np.median(run.costs[:FIRST].mean(axis=0)))
        res.values[f"{kind}.final"] = float(np.median(run.costs[-SMOOTH:].mean(axis=0)))
        res.values[f"{kind}.reach_prior"] = float(np.median(np.where(reach < 0, steps, reach)))
    p = base_rate
    res.values.update(
        {
            "base_rate": p,
            "binary_zero_bias": math.log(2),
            "binary_prior": -(p * math.log(p) + (1 - p) * math.log(1 - p)),
            "binary_bias": math.log(p / (1 - p)),
        }
    )
    return res
