"""Normalization: a sweep of the initial weight scale of a deep relu MLP with and without batch or
layer normalization, forward, backward and in training."""

from __future__ import annotations

import numpy as np

from initdoc import mnist, residual, train
from initdoc.experiments.mnist import data_digest
from initdoc.experiments.residual import digits, stacked
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result
from initdoc.residual import Linear

KINDS = {"none": None, "batch": "batch", "layer": "layer"}
GAINS = tuple(float(g) for g in np.geomspace(0.25, 4, 9))
DRAWS = 5  # networks per kind and gain at the start
LABELS = {"none": "no normalization", "batch": "batch norm", "layer": "layer norm"}


def network(kind: str, sizes) -> residual.Network:
    """A relu MLP, He-initialized, with a normalization between each hidden linear layer and its
    relu (or none)."""
    return residual.mlp(sizes, "relu", normalize=KINDS[kind])


def scaled(net: residual.Network, params, gain: float):
    """The parameters with every linear layer but the last (the head) multiplied by `gain`."""
    linear = [isinstance(layer, Linear) for layer in residual.parametric(net)]
    last = max(i for i, is_linear in enumerate(linear) if is_linear)
    return [
        (W * W.dtype.type(gain), b) if linear[i] and i != last else (W, b)
        for i, (W, b) in enumerate(params)
    ]


def signal(rng, kind: str, gain: float, width: int, depth: int, batch: int, draws: int):
    """Per draw: E[a²] of the last hidden layer over the first's (a after the relu), the same for
    E[δ²] of the linear layers' outputs from the last hidden layer back to the first, and the
    norm of the first layer's weight gradient; backward from standard-normal noise at the head."""
    net = network(kind, [width] * (depth + 2))
    params = scaled(net, residual.init_params(rng, net, stack=draws), gain)
    x = rng.standard_normal((draws, batch, width))
    with np.errstate(all="ignore"):
        record = residual.forward(net, params, x)
        grads = residual.backward(net, params, record, rng.standard_normal(record.out.shape))
    per_layer = 3 if kind != "none" else 2  # linear, (norm,) relu
    relu_out = record.stream[per_layer::per_layer][:depth]
    d_linear = grads.stream[1::per_layer][:depth]

    def moment(v):
        return np.mean(np.square(v), axis=(-2, -1))

    forward = moment(relu_out[-1]) / moment(relu_out[0])
    backward = moment(d_linear[0]) / moment(d_linear[-1])
    weight_grad = np.sqrt(np.sum(np.square(grads.params[0][0]), axis=(-2, -1)))
    return forward, backward, weight_grad


def train_sweep(rng, kind, gains, optimizer, X, y, width, depth, steps, batch_size, seeds):
    """Every gain, `seeds` networks each, trained in one stack: costs (steps, gains × seeds)."""
    net = network(kind, [X.shape[1]] + [width] * depth + [10])
    params = stacked(
        [
            scaled(net, residual.init_params(rng, net, stack=seeds, dtype=np.float32), g)
            for g in gains
        ]
    )
    order = np.random.default_rng(int(rng.integers(2**32)))
    run = residual.train(
        net,
        params,
        X,
        y,
        "softmax_cross_entropy",
        optimizer=optimizer,
        steps=steps,
        batch_size=batch_size,
        rng=order,
    )
    return run.costs.reshape(steps, len(gains), seeds), run.diverged_at.reshape(len(gains), seeds)


TAIL = 20  # final loss: the mean of the last TAIL steps

BATCH_EXPLODES = verdicts.declare(
    "normalization",
    "batch_gradients_explode",
    page="normalization.md",
    claim="In a deep feedforward network with batch norm after every linear layer, the "
    "gradients explode towards the input at initialization, whatever the weight scale",
    reported="gradient explosion at initialization in deep batch-normalized networks (Yang et "
    "al., 2019; paraphrased, not checked here)",
    quantity="log₁₀ of E[δ²] at the first hidden layer over the last, one network per draw, "
    "every gain pooled, mean over networks,",
    region=verdicts.above(1, "above 1 (the gradient more than 10 times larger at the input)"),
    test="mean",
    draws=DRAWS * len(GAINS),
    fmt=".2f",
    says={
        "agrees": "With batch norm the gradient at the first hidden layer is 10 to the power "
        "{estimate} [{low}, {high}] times the gradient at the last, averaged over every gain: it "
        "explodes towards the input whatever the weight scale.",
        "disagrees": "With batch norm the gradient at the first hidden layer is 10 to the power "
        "{estimate} [{low}, {high}] times the gradient at the last: no explosion here.",
        "inconclusive": "With batch norm the gradient at the first hidden layer is 10 to the "
        "power {estimate} [{low}, {high}] times the gradient at the last, which does not settle "
        "whether it explodes.",
    },
    checked_by="test_normalization_page.py::test_the_batch_norm_verdict_can_go_either_way",
)


def backward_verdicts(batch_backward: np.ndarray) -> dict[str, dict]:
    """The claim judged on batch-norm backward ratios (gains × draws), one network each."""
    return verdicts.judged([(BATCH_EXPLODES, np.log10(batch_backward).ravel())])


@experiment(
    "normalization",
    seed=0,
    inputs=data_digest,
    data=mnist.source(),
    gains=GAINS,
    width=64,
    depth=20,
    batch=256,
    draws=DRAWS,
    n_train=2000,
    train_gains=(0.25, 0.5, 1.0, 2.0, 4.0),
    train_width=32,
    train_depth=10,
    steps=200,
    batch_size=64,
    sgd_lr=0.1,
    adam_lr=0.001,
    seeds=5,
)
def normalization(
    rng,
    data,
    gains,
    width,
    depth,
    batch,
    draws,
    n_train,
    train_gains,
    train_width,
    train_depth,
    steps,
    batch_size,
    sgd_lr,
    adam_lr,
    seeds,
) -> Result:
    """He-initialized relu MLPs with every hidden weight scaled by a gain from ¼ to 4, without and
    with batch or layer normalization: the signal at the start, then training on MNIST digits."""
    res = Result(
        arrays={"gains": np.array(gains), "train_gains": np.array(train_gains)},
        values={
            "width": width,
            "depth": depth,
            "batch": batch,
            "draws": draws,
            "n_train": n_train,
            "train_width": train_width,
            "train_depth": train_depth,
            "steps": steps,
            "batch_size": batch_size,
            "sgd_lr": sgd_lr,
            "adam_lr": adam_lr,
            "seeds": seeds,
            "tail": TAIL,
            "gain_min": min(gains),
            "gain_max": max(gains),
            "chance": float(np.log(10)),
            "train_gain_min": min(train_gains),
            "train_gain_max": max(train_gains),
        },
    )
    for kind in KINDS:
        out = [signal(rng, kind, g, width, depth, batch, draws) for g in gains]
        for k, name in enumerate(("forward", "backward", "weight_grad")):
            res.arrays[f"{kind}.{name}"] = np.stack([o[k] for o in out])  # gains × draws
        for g, (fwd, bwd, _) in zip(gains, out):
            if g in (0.25, 1.0, 4.0):
                res.values[f"{kind}.g{g:g}.forward"] = float(np.median(fwd))
                res.values[f"{kind}.g{g:g}.backward"] = float(np.median(bwd))
        wg = res[f"{kind}.weight_grad"]
        res.values[f"{kind}.grad_slope"] = float(
            np.polyfit(np.log(gains), np.log(np.median(wg, axis=1)), 1)[0]
        )
    res.verdicts.update(backward_verdicts(res["batch.backward"]))
    X, y, _, _, source = digits(data, rng, n_train, 10)
    res.values["source"] = source
    res.values["classes"] = len(np.unique(y))
    optimizers = {"sgd": train.SGD(sgd_lr), "adam": train.Adam(adam_lr)}
    for opt_name, optimizer in optimizers.items():
        for kind in KINDS:
            costs, diverged_at = train_sweep(
                rng,
                kind,
                train_gains,
                optimizer,
                X,
                y,
                train_width,
                train_depth,
                steps,
                batch_size,
                seeds,
            )
            key = f"{opt_name}.{kind}"
            final = np.where(diverged_at >= 0, np.nan, costs[-TAIL:].mean(axis=0))
            res.arrays[f"{key}.costs"] = np.median(costs, axis=2)  # steps × gains, median run
            res.arrays[f"{key}.final"] = final  # gains × seeds, NaN: diverged
            res.arrays[f"{key}.first"] = costs[0]
            for g, row, div in zip(train_gains, final, diverged_at):
                res.values[f"{key}.g{g:g}.diverged"] = int((div >= 0).sum())
                if np.isfinite(row).any():
                    res.values[f"{key}.g{g:g}.final"] = float(np.median(row[np.isfinite(row)]))
    return res
