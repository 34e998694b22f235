"""Residual connections: how the second moment of x + f(x) grows block by block under each
initialization, and what training a deep residual MLP on MNIST digits looks like under each."""

from __future__ import annotations

import math

import numpy as np

from initdoc import mnist, residual, train
from initdoc.experiments.glorot import half_resolution
from initdoc.experiments.mnist import data_digest, split
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result
from initdoc.residual import Act, Gain, Linear, Norm

# The starts compared, in page order: key -> (structure, label). Branches of one structure train
# as one stack; "plain" branches end in a learnable scalar gain (1, or 0 for ReZero).
VARIANTS = {
    "he": ("plain", "He, no normalization"),
    "scaled": ("plain", "He, last layer × 1/√L"),
    "fixup": ("plain", "Fixup"),
    "rezero": ("plain", "ReZero / SkipInit (gain 0)"),
    "batchnorm": ("batch", "batch norm, γ = 1"),
    "zero_gamma": ("batch", "batch norm, last γ = 0"),
    "preln": ("layer", "pre-LN, He"),
    "preln_scaled": ("layer", "pre-LN, last layer × 1/√L"),
}
STRUCTURES = ("plain", "batch", "layer")
SEEDS = 5  # trained networks per start
DRAWS = 10  # networks per start and depth at initialization
VERDICT_DRAWS = 30  # He networks that decide the per-block factor (10 leave it open)


def branch(variant: str, width: int, blocks: int) -> tuple:
    """The residual branch of `variant` in a network of `blocks` blocks, `width` units wide."""
    structure = VARIANTS[variant][0]
    shrink = 1 / math.sqrt(blocks)
    if structure == "plain":
        first = shrink if variant == "fixup" else 1.0  # Fixup: L^(-1/(2m-2)) with m = 2 layers
        last = {"scaled": shrink, "fixup": 0.0}.get(variant, 1.0)
        gain = 0.0 if variant == "rezero" else 1.0
        return (
            Act("relu"),
            Linear(width, width, "he_normal", first),
            Act("relu"),
            Linear(width, width, "he_normal", last),
            Gain(gain),
        )
    if structure == "batch":  # the branch of the original ResNet: linear, BN, relu, linear, BN
        gamma = 0.0 if variant == "zero_gamma" else 1.0
        return (
            Act("relu"),
            Linear(width, width),
            Norm("batch", width),
            Act("relu"),
            Linear(width, width),
            Norm("batch", width, gamma),
        )
    last = shrink if variant == "preln_scaled" else 1.0  # a pre-LN transformer's MLP sublayer
    return (
        Norm("layer", width),
        Linear(width, width),
        Act("relu"),
        Linear(width, width, scale=last),
    )


def body(variant: str, width: int, blocks: int) -> residual.Network:
    """`blocks` residual blocks of `variant`, nothing else."""
    return tuple(residual.Residual(branch(variant, width, blocks)) for _ in range(blocks))


def network(variant: str, n_in: int, width: int, n_out: int, blocks: int) -> residual.Network:
    """Stem, blocks and head; pre-LN networks normalize the stream before the head (as GPT-2's
    final layer norm does); Fixup's head starts at zero."""
    stem = Linear(n_in, width, "lecun_normal")
    head = Linear(width, n_out, "zeros" if variant == "fixup" else "lecun_normal")
    final = (Norm("layer", width),) if VARIANTS[variant][0] == "layer" else ()
    return (stem, *body(variant, width, blocks), *final, head)


def predicted_growth(variant: str, blocks: int) -> float:
    """E[x_L²] / E[x_0²] at the start, for a stream of E[x_0²] = 1 (standard-normal inputs).

    He branches copy the stream's second moment: × 2 per block. Scaling the last layer by 1/√L
    adds 1/L per block instead: (1 + 1/L)^L < e. A batch norm at the end of a branch adds exactly 1
    per block; a pre-LN branch adds E[f²] = 2 per block (layer norm gives its input E = 1, He
    keeps it through the relu, and the last He layer doubles what the relu left). Zero starts add
    nothing.
    """
    return {
        "he": 2.0**blocks,
        "scaled": (1 + 1 / blocks) ** blocks,
        "batchnorm": 1.0 + blocks,
        "preln": 1.0 + 2 * blocks,
        "preln_scaled": 3.0,
    }.get(variant, 1.0)


def signal(rng, variant: str, width: int, blocks: int, batch: int, draws: int):
    """Per draw: E[x_L²] / E[x_0²] forward and E[g_0²] / E[g_L²] backward (g = ∂L/∂x, from
    standard-normal noise at the end), through `blocks` blocks on standard-normal inputs."""
    net = body(variant, width, blocks)
    params = residual.init_params(rng, net, stack=draws)
    x = rng.standard_normal((draws, batch, width))
    with np.errstate(all="ignore"):
        record = residual.forward(net, params, x)
        dout = rng.standard_normal(record.out.shape)
        grads = residual.backward(net, params, record, dout)

    def moment(v):
        return np.mean(np.square(v), axis=(-2, -1))

    forward = moment(record.out) / moment(x)
    backward = moment(grads.stream[0]) / moment(dout)
    per_block = np.array([moment(b) / moment(a) for a, b in zip(record.stream, record.stream[1:])])
    return forward, backward, per_block


PER_BLOCK = verdicts.declare(
    "residual_signal",
    "he_doubles",
    page="residual.md",
    claim="With He-initialized branches and no normalization, the second moment of a residual "
    "stream grows exponentially with depth",
    reported="the variance explodes exponentially with depth",
    quantity="E[x²] after a block over before it, mean over the 50 blocks of one network, mean "
    "over networks,",
    region=verdicts.within(2, 0.1, "within 2 ± 0.1 (doubles per block)"),
    test="mean",
    draws=VERDICT_DRAWS,
    fmt=".3f",
    says={
        "agrees": "With He branches and no normalization the stream's second moment doubles at "
        "every block: the factor per block is {estimate} [{low}, {high}].",
        "disagrees": "With He branches the stream's second moment grows by {estimate} [{low}, "
        "{high}] per block, not the factor 2 the argument predicts.",
        "inconclusive": "The factor per block, {estimate} [{low}, {high}], cannot be told apart "
        "from 2 or from a factor more than 0.1 away from it.",
    },
    checked_by="test_residual_page.py::test_the_signal_verdict_can_go_either_way",
)


def signal_verdicts(per_block_he: np.ndarray) -> dict[str, dict]:
    """The claim judged on per-block factors (blocks × draws) of He branches."""
    return verdicts.judged([(PER_BLOCK, per_block_he.mean(axis=0))])


@experiment(
    "residual_signal",
    seed=0,
    width=64,
    batch=128,
    depths=(10, 20, 50, 100, 200),
    draws=DRAWS,
    verdict_depth=50,
    verdict_draws=VERDICT_DRAWS,
)
def residual_signal(rng, width, batch, depths, draws, verdict_depth, verdict_draws) -> Result:
    """The second moment of a residual stream and of its gradient through 10 to 200 blocks, for
    every start, on standard-normal inputs."""
    res = Result(
        arrays={"depths": np.array(depths)},
        values={
            "width": width,
            "batch": batch,
            "draws": draws,
            "depth_min": min(depths),
            "depth_max": max(depths),
            "verdict_depth": verdict_depth,
        },
    )
    for variant in VARIANTS:
        fwd, bwd = np.empty((len(depths), draws)), np.empty((len(depths), draws))
        for i, L in enumerate(depths):
            fwd[i], bwd[i], _ = signal(rng, variant, width, L, batch, draws)
        res.arrays[f"{variant}.forward"] = fwd
        res.arrays[f"{variant}.backward"] = bwd
        res.arrays[f"{variant}.predicted"] = np.array(
            [predicted_growth(variant, L) for L in depths]
        )
        for i, L in enumerate(depths):
            res.values[f"{variant}.L{L}.forward"] = float(np.median(fwd[i]))
            res.values[f"{variant}.L{L}.backward"] = float(np.median(bwd[i]))
            res.values[f"{variant}.L{L}.predicted"] = predicted_growth(variant, L)
    _, _, per_block = signal(rng, "he", width, verdict_depth, batch, verdict_draws)
    res.verdicts.update(signal_verdicts(per_block))
    res.arrays["he.per_block"] = per_block
    res.values["verdict_draws"] = verdict_draws
    res.values["e"] = math.e
    return res


def digits(data: str, rng, n_train: int, n_heldout: int):
    """MNIST digits at 14 × 14 pixels: (X_train, y_train, X_heldout, y_heldout), in float32."""
    loaded = mnist.load(data)
    X, y = half_resolution(loaded.images), loaded.labels.astype(np.int64)
    train_rows, heldout_rows = split(rng, y, n_train, n_heldout)
    return X[train_rows], y[train_rows], X[heldout_rows], y[heldout_rows], loaded.source


def stacked(nets_params: list) -> list:
    """Stacks of networks of one structure joined into one stack, in order."""
    return [
        tuple(np.concatenate([p[i][j] for p in nets_params]) for j in (0, 1))
        for i in range(len(nets_params[0]))
    ]


def accuracy(net, params, X, y) -> np.ndarray:
    """Share of rows classified right, one per network of a stack."""
    with np.errstate(all="ignore"):
        out = residual.forward(net, params, X).out
    return np.mean(np.argmax(out, axis=-1) == y, axis=-1)


OPTIMIZERS = {"sgd": "SGD", "adam": "Adam"}
TAIL = 20  # the final training loss is the mean over the last TAIL steps


def train_all(rng, optimizer, X, y, Xh, yh, width, blocks, steps, batch_size, seeds):
    """Every variant, `seeds` networks each, trained alike; per variant its costs (steps × seeds),
    held-out accuracy and divergence step (-1: none)."""
    out = {}
    order_seed = int(rng.integers(2**32))
    for structure in STRUCTURES:
        names = [v for v, (s, _) in VARIANTS.items() if s == structure]
        nets = [network(v, X.shape[1], width, 10, blocks) for v in names]
        params = stacked(
            [residual.init_params(rng, net, stack=seeds, dtype=np.float32) for net in nets]
        )
        run = residual.train(
            nets[0],
            params,
            X,
            y,
            "softmax_cross_entropy",
            optimizer=optimizer,
            steps=steps,
            batch_size=batch_size,
            rng=np.random.default_rng(order_seed),
        )
        acc = accuracy(nets[0], run.final_params, Xh, yh)
        for k, name in enumerate(names):
            cut = slice(k * seeds, (k + 1) * seeds)
            out[name] = (run.costs[:, cut], acc[cut], run.diverged_at[cut])
    return out


@experiment(
    "residual_training",
    seed=0,
    inputs=data_digest,
    data=mnist.source(),
    n_train=2000,
    n_heldout=1000,
    width=32,
    blocks=32,
    steps=200,
    batch_size=64,
    sgd_lr=0.1,
    adam_lr=0.001,
    seeds=SEEDS,
)
def residual_training(
    rng, data, n_train, n_heldout, width, blocks, steps, batch_size, sgd_lr, adam_lr, seeds
) -> Result:
    """A 32-block residual MLP on MNIST digits from every start, with SGD and with Adam."""
    X, y, Xh, yh, source = digits(data, rng, n_train, n_heldout)
    res = Result(
        values={
            "source": source,
            "n_train": n_train,
            "n_heldout": n_heldout,
            "width": width,
            "blocks": blocks,
            "layers": 2 * blocks + 2,
            "steps": steps,
            "batch_size": batch_size,
            "sgd_lr": sgd_lr,
            "adam_lr": adam_lr,
            "seeds": seeds,
            "tail": TAIL,
            "chance": math.log(10),
            "classes": len(np.unique(y)),
            "side": math.isqrt(X.shape[1]),
        },
    )
    optimizers = {"sgd": train.SGD(sgd_lr), "adam": train.Adam(adam_lr)}
    for opt_name, optimizer in optimizers.items():
        runs = train_all(rng, optimizer, X, y, Xh, yh, width, blocks, steps, batch_size, seeds)
        for variant, (costs, acc, diverged_at) in runs.items():
            key = f"{opt_name}.{variant}"
            final = np.where(diverged_at >= 0, np.nan, costs[-TAIL:].mean(axis=0))
            res.arrays[f"{key}.costs"] = costs
            res.arrays[f"{key}.final"] = final
            res.arrays[f"{key}.accuracy"] = np.where(diverged_at >= 0, np.nan, acc)
            res.arrays[f"{key}.diverged_at"] = diverged_at
            res.values[f"{key}.first"] = float(np.median(costs[0]))
            if np.isfinite(final).any():  # the median of the runs that did not diverge
                res.values[f"{key}.final"] = float(np.median(final[np.isfinite(final)]))
                res.values[f"{key}.accuracy"] = float(np.median(acc[diverged_at < 0]))
            res.values[f"{key}.diverged"] = int((diverged_at >= 0).sum())
    return res
