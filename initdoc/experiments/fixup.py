"""Zhang, Dauphin & Ma (2019), Fixup: how much one step of gradient descent changes a residual
network's output as the network gets deeper, with Fixup's rescaling and without it."""

from __future__ import annotations

import math

import numpy as np

from initdoc import mnist, residual
from initdoc.experiments.mnist import data_digest
from initdoc.experiments.residual import SEEDS, digits
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result
from initdoc.residual import Act, Linear

PAGE = "papers/fixup.md"
DRAWS = 20  # networks per start and depth
FLAT = 0.2  # |slope of log change on log depth| below this: depth-independent
# float32 halves the time of the experiment, the slowest of the build; the slopes agree with
# float64 to 1e-6 (tests/test_fixup.py compares the changes at two depths).
DTYPE = np.float32
# The starts: first and last layer of each branch, as multiples of He.
STARTS = {
    "fixup": ("Fixup: first layer He × L^(−1/2), last layer 0", "root", 0.0),
    "zero_last": ("last layer 0 alone", "one", 0.0),
    "scaled": ("He, last layer × 1/√L", "one", "root"),
}


def network(start: str, n_in: int, width: int, blocks: int) -> residual.Network:
    """Stem, `blocks` branches relu → linear → relu → linear, and a LeCun head (nonzero here, so
    that the first step reaches the branches)."""
    _, first, last = STARTS[start]
    shrink = 1 / math.sqrt(blocks)
    first = shrink if first == "root" else 1.0
    last = shrink if last == "root" else last
    branch = (
        Act("relu"),
        Linear(width, width, "he_normal", first),
        Act("relu"),
        Linear(width, width, "he_normal", last),
    )
    body = tuple(residual.Residual(branch) for _ in range(blocks))
    return (Linear(n_in, width, "lecun_normal"), *body, Linear(width, 10, "lecun_normal"))


def output_change(
    rng, start, X, y, width, blocks, lr, draws, dtype=DTYPE
) -> tuple[np.ndarray, np.ndarray]:
    """Per network, the root mean square change of the logits on the batch after one step of
    gradient descent at rate lr: of the branches' weights alone (what the paper's argument is
    about), and of every parameter."""
    net = network(start, X.shape[1], width, blocks)
    params = residual.init_params(rng, net, stack=draws, dtype=dtype)
    _, grads, record = residual.cost_and_grads(net, params, X, y, "softmax_cross_entropy")
    inner = range(1, len(params) - 1)  # every layer but the stem and the head
    branch_weights = [
        (W - lr * dW if i in inner else W, b)
        for i, ((W, b), (dW, _)) in enumerate(zip(params, grads.params))
    ]
    everything = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads.params)]

    def change(stepped):
        after = residual.forward(net, stepped, X).out
        return np.sqrt(np.mean((after - record.out) ** 2, axis=(-2, -1)))

    return change(branch_weights), change(everything)


def slopes(depths: np.ndarray, change: np.ndarray) -> np.ndarray:
    """Per draw (column), the least-squares slope of log(change) on log(depth)."""
    return np.polyfit(np.log(depths), np.log(change), 1)[0]


def _slope_claim(key, claim, reported, region, says):
    return verdicts.declare(
        "fixup",
        key,
        page=PAGE,
        claim=claim,
        reported=reported,
        quantity="slope of log(change of the output after one step on the branches' weights) on "
        "log(blocks), mean over networks,",
        region=region,
        test="mean",
        draws=DRAWS,
        fmt=".2f",
        says=says,
        checked_by="test_fixup.py::test_the_step_verdicts_can_go_either_way",
    )


FIXUP_FLAT = _slope_claim(
    "fixup_flat",
    "With Fixup's rescaling, one step of gradient descent changes the output by an amount that "
    "does not depend on depth",
    "the design goal: an update of Θ(η) whatever the depth",
    verdicts.within(0, FLAT),
    {
        "agrees": "With Fixup's rescaling the first step changes the output by the same amount "
        "at every depth: the change grows like $L$ to the power {estimate} [{low}, {high}].",
        "disagrees": "Even with Fixup's rescaling the first step's change depends on depth: it "
        "grows like $L$ to the power {estimate} [{low}, {high}].",
        "inconclusive": "With Fixup's rescaling the change grows like $L$ to the power {estimate} "
        "[{low}, {high}]: neither clearly flat nor clearly not.",
    },
)
ZERO_GROWS = _slope_claim(
    "zero_last_grows",
    "Zeroing the last layer of each branch without the rescaling leaves a first step whose "
    "change of the output grows in proportion to depth",
    "why the rescaling is needed: each of L branches moves the output by Θ(η)",
    verdicts.within(1, FLAT),
    {
        "agrees": "With zero last layers alone the first step's change grows in proportion to "
        "depth: like $L$ to the power {estimate} [{low}, {high}].",
        "disagrees": "With zero last layers alone the first step's change grows like $L$ to the "
        "power {estimate} [{low}, {high}], not in proportion to depth.",
        "inconclusive": "With zero last layers alone the change grows like $L$ to the power "
        "{estimate} [{low}, {high}], which does not settle whether it is proportional to depth.",
    },
)


def step_verdicts(depths: np.ndarray, fixup: np.ndarray, zero_last: np.ndarray) -> dict:
    """The claims judged on output changes (depths × draws) of both starts."""
    return verdicts.judged(
        [(FIXUP_FLAT, slopes(depths, fixup)), (ZERO_GROWS, slopes(depths, zero_last))]
    )


@experiment(
    "fixup",
    seed=0,
    inputs=data_digest,
    data=mnist.source(),
    batch=250,
    width=64,
    depths=(4, 8, 16, 32, 64, 128),
    lr=0.01,
    draws=DRAWS,
)
def fixup(rng, data, batch, width, depths, lr, draws) -> Result:
    """The change of a residual MLP's output after one step of gradient descent, through 4 to 128
    blocks, under Fixup, zero last layers alone, and 1/√L last layers."""
    X, y, _, _, source = digits(data, rng, batch, 10)
    res = Result(
        arrays={"depths": np.array(depths)},
        values={
            "source": source,
            "batch": batch,
            "width": width,
            "lr": lr,
            "draws": draws,
            "flat": FLAT,
            "seeds": SEEDS,
            "depth_min": min(depths),
            "depth_max": max(depths),
        },
    )
    for start in STARTS:
        changes = [output_change(rng, start, X, y, width, L, lr, draws) for L in depths]
        for kind, k in (("change", 0), ("change_all", 1)):
            change = np.stack([c[k] for c in changes])  # depths × draws
            res.arrays[f"{start}.{kind}"] = change
            res.values[f"{start}.{kind}.slope"] = float(slopes(np.array(depths), change).mean())
            res.values[f"{start}.{kind}.ratio"] = float(
                np.median(change[-1]) / np.median(change[0])
            )
    res.verdicts.update(
        step_verdicts(np.array(depths), res["fixup.change"], res["zero_last.change"])
    )
    return res
