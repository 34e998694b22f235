"""Hanin & Rolnick (2018): the two ways a deep relu network fails at the start, measured through
depth and width: the mean length of the activations drifts exponentially unless Var(W) = 2/n_in,
and its fluctuations grow with the sum of the reciprocal widths."""

from __future__ import annotations

import math

import numpy as np

from initdoc import residual
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result
from initdoc.residual import Act, Linear

PAGE = "papers/hanin-rolnick.md"
NETWORKS = 1000  # independent networks per architecture, each fed one input
FACTOR_VARIANCE = 5  # Var of one layer's factor is 5/n for relu under He (E[relu(g)^4] = 3/2)


def lengths(rng, widths, scale: float, networks: int) -> np.ndarray:
    """M_l = |a_l|² / n_l for l = 0..L (a_0 the input), one row per network: relu layers of the
    given widths, W ~ N(0, scale · 2 / n_in), zero biases, one standard-normal input each."""
    x = rng.standard_normal((networks, 1, widths[0]))
    out = [np.mean(x**2, axis=(-2, -1))]
    a = x
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        W = rng.standard_normal((networks, n_in, n_out)) * math.sqrt(2 * scale / n_in)
        a = np.maximum(a @ W, 0)
        out.append(np.mean(a**2, axis=(-2, -1)))
    return np.stack(out, axis=1)


def residual_lengths(rng, width: int, blocks: int, eta: float, networks: int) -> np.ndarray:
    """M_l of a residual relu network x_l = x_{l-1} + eta · branch(x_{l-1}), He branches
    relu → linear → relu → linear, one standard-normal input each; l = 0..blocks."""
    branch = (Act("relu"), Linear(width, width), Act("relu"), Linear(width, width, scale=eta))
    net = tuple(residual.Residual(branch) for _ in range(blocks))
    params = residual.init_params(rng, net, stack=networks)
    record = residual.forward(net, params, rng.standard_normal((networks, 1, width)))
    return np.stack([np.mean(s**2, axis=(-2, -1)) for s in record.stream], axis=1)


def log_ratio(M: np.ndarray) -> np.ndarray:
    """log(M_L / M_0) per network (−inf where every unit of some layer was 0)."""
    with np.errstate(divide="ignore"):
        return np.log(M[:, -1] / M[:, 0])


def predicted_log_variance(widths) -> float:
    """Var log(M_L/M_0) ≈ Σ 5/n_l over the hidden layers (Var log X ≈ Var X = 5/n, large n)."""
    return float(sum(FACTOR_VARIANCE / n for n in widths[1:]))


def variance_estimate(x: np.ndarray) -> tuple[float, float, int]:
    """Sample variance, its standard error (from the fourth central moment) and the sample size."""
    x = np.asarray(x, float)
    n = x.size
    var = x.var(ddof=1)
    m4 = np.mean((x - x.mean()) ** 4)
    return float(var), float(math.sqrt(max(m4 - var**2, 0) / n)), n


def _claim(key, claim, reported, quantity, region, test, says, fmt=".3f", draws=NETWORKS):
    return verdicts.declare(
        "hanin_rolnick",
        key,
        page=PAGE,
        claim=claim,
        reported=reported,
        quantity=quantity,
        region=region,
        test=test,
        draws=draws,
        fmt=fmt,
        says=says,
        checked_by="test_hanin_rolnick.py::test_the_verdicts_can_go_either_way",
    )


MEAN_KEPT = _claim(
    "he_mean_kept",
    "With Var(W) = 2/n_in the mean length of the activations does not change with depth",
    "failure mode 1 is avoided by variance 2/fan-in",
    "E[M_L / M_0] over networks of 16 layers, 64 units wide",
    verdicts.within(1, 0.1),
    "normal",
    {
        "agrees": "Under He the mean length keeps its size through depth: E[M_L/M_0] = {estimate} "
        "[{low}, {high}], {region}.",
        "disagrees": "Under He the mean length does not keep its size: E[M_L/M_0] = {estimate} "
        "[{low}, {high}].",
        "inconclusive": "Under He, E[M_L/M_0] = {estimate} [{low}, {high}]: not settled.",
    },
)
MEAN_HALVES = _claim(
    "lecun_mean_halves",
    "Any other variance makes the mean length drift exponentially: with Var(W) = 1/n_in it halves "
    "at every layer",
    "failure mode 1: exponentially vanishing or exploding mean length",
    "E[M_L / M_0]^(1/L) over networks of 16 layers, 64 units wide",
    verdicts.within(0.5, 0.05),
    "normal",
    {
        "agrees": "With Var(W) = 1/n_in the mean length halves at every layer: the factor per "
        "layer is {estimate} [{low}, {high}].",
        "disagrees": "With Var(W) = 1/n_in the mean length changes by {estimate} [{low}, {high}] "
        "per layer, not by ½.",
        "inconclusive": "With Var(W) = 1/n_in the factor per layer is {estimate} [{low}, {high}]: "
        "not settled.",
    },
)
SUM_OF_RECIPROCALS = _claim(
    "fluctuations_follow_the_sum",
    "The fluctuations of the length grow with the sum of the reciprocal widths, Σ 1/n_l",
    "failure mode 2: the variance of the length is exponential in Σ 1/n_l",
    "Var log(M_L/M_0) over 5 Σ 1/n_l, for 64 layers 32 units wide",
    verdicts.within(1, 0.15),
    "normal",
    {
        "agrees": "The spread of log M_L is what the sum of the reciprocal widths predicts: "
        "measured over predicted is {estimate} [{low}, {high}], {region}.",
        "disagrees": "The spread of log M_L is {estimate} [{low}, {high}] times what the sum of "
        "the reciprocal widths predicts.",
        "inconclusive": "The spread of log M_L over the prediction, {estimate} [{low}, {high}], "
        "is not settled.",
    },
)
SAME_SUM = _claim(
    "same_sum_same_spread",
    "Two architectures with the same Σ 1/n_l fluctuate alike, whatever their depth",
    "keep the sum of reciprocal widths constant",
    "Var log(M_L/M_0) of 64 layers alternating 25 and 100 units over that of 64 layers of 40 "
    "(the same Σ 1/n_l)",
    verdicts.within(1, 0.15),
    "normal",
    {
        "agrees": "Alternating widths of 25 and 100 fluctuate like a constant width of 40, which "
        "has the same Σ 1/n_l: the ratio of the spreads is {estimate} [{low}, {high}].",
        "disagrees": "Alternating widths of 25 and 100 fluctuate {estimate} [{low}, {high}] times "
        "as much as a constant width of 40, despite the same Σ 1/n_l.",
        "inconclusive": "The ratio of the spreads, {estimate} [{low}, {high}], is not settled.",
    },
)
RESNET_CALM = _claim(
    "resnet_no_fluctuations",
    "Residual networks whose branches are weighted down do not suffer the second failure mode",
    "failure mode 2 never occurs in residual networks once failure mode 1 is avoided",
    "Var log(M_L/M_0) of 64 residual blocks 32 units wide, branches × 1/√64",
    verdicts.below(1.0, "below 1 (a tenth of the 10 a plain network of that depth and width has)"),
    "normal",
    {
        "agrees": "A residual network of the same depth and width, branches weighted by 1/√L, "
        "barely fluctuates: Var log(M_L/M_0) = {estimate} [{low}, {high}].",
        "disagrees": "A residual network of the same depth and width fluctuates too: "
        "Var log(M_L/M_0) = {estimate} [{low}, {high}].",
        "inconclusive": "The residual network's spread, {estimate} [{low}, {high}], is not "
        "settled against the margin.",
    },
)


def mean_estimate(x: np.ndarray) -> tuple[float, float, int]:
    """Sample mean, its standard error and the sample size."""
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size)), int(x.size)


def ratio_estimate(a: tuple, b: tuple) -> tuple[float, float, int]:
    """a / b for two (estimate, standard error, n), the error by the delta method."""
    ratio = a[0] / b[0]
    return ratio, ratio * math.hypot(a[1] / a[0], b[1] / b[0]), min(a[2], b[2])


def judge(runs: dict[str, np.ndarray], widths: dict[str, list[int]]) -> dict[str, dict]:
    """The claims judged on the lengths M (networks × layers) of each architecture."""
    depth = len(widths["lecun"]) - 1
    mean, se, n = mean_estimate(runs["lecun"][:, -1] / runs["lecun"][:, 0])
    per_layer = (mean ** (1 / depth), mean ** (1 / depth) * se / (depth * mean), n)
    spread = {
        k: variance_estimate(log_ratio(runs[k]))
        for k in ("narrow", "alternating", "constant", "resnet")
    }
    predicted = predicted_log_variance(widths["narrow"])
    narrow = (spread["narrow"][0] / predicted, spread["narrow"][1] / predicted, spread["narrow"][2])
    return verdicts.judged(
        [
            (MEAN_KEPT, mean_estimate(runs["he"][:, -1] / runs["he"][:, 0])),
            (MEAN_HALVES, per_layer),
            (SUM_OF_RECIPROCALS, narrow),
            (SAME_SUM, ratio_estimate(spread["alternating"], spread["constant"])),
            (RESNET_CALM, spread["resnet"]),
        ]
    )


CHUNK = 250  # networks drawn at once (a stack of 250 weight matrices of 128 × 128 is 33 MB)


def chunked(rng, widths, scale, networks):
    """lengths() in chunks of CHUNK networks, so that memory stays small."""
    return np.concatenate(
        [lengths(rng, widths, scale, min(CHUNK, networks - k)) for k in range(0, networks, CHUNK)]
    )


@experiment(
    "hanin_rolnick",
    seed=0,
    grid_widths=(16, 32, 64, 128),
    grid_depth=64,
    grid_networks=500,
    networks=NETWORKS,
)
def hanin_rolnick(rng, grid_widths, grid_depth, grid_networks, networks) -> Result:
    """Lengths of the activations of relu networks through depth and width, under He and LeCun,
    with constant and alternating widths, and in residual networks."""
    res = Result(
        arrays={"grid_widths": np.array(grid_widths), "layers": np.arange(grid_depth + 1)},
        values={
            "grid_depth": grid_depth,
            "grid_networks": grid_networks,
            "networks": networks,
            "factor_variance": FACTOR_VARIANCE,
            "grid_width_min": min(grid_widths),
            "grid_width_max": max(grid_widths),
        },
    )
    for n in grid_widths:  # He: the mean and the spread of log M_l, layer by layer
        M = chunked(rng, [n] * (grid_depth + 1), 1.0, grid_networks)
        with np.errstate(divide="ignore"):
            logs = np.log(M / M[:, :1])
        finite = np.isfinite(logs).all(axis=1)
        res.arrays[f"w{n}.mean_log"] = logs[finite].mean(axis=0)
        res.arrays[f"w{n}.var_log"] = logs[finite].var(axis=0, ddof=1)
        res.arrays[f"w{n}.mean"] = (M / M[:, :1]).mean(axis=0)
        res.values[f"w{n}.zeroed"] = int((~finite).sum())
        res.values[f"w{n}.mean_last"] = float(res.arrays[f"w{n}.mean"][-1])
        res.values[f"w{n}.var_log_last"] = float(res.arrays[f"w{n}.var_log"][-1])
        res.values[f"w{n}.predicted_var_log_last"] = FACTOR_VARIANCE * grid_depth / n
    widths = {
        "he": [64] * 17,
        "lecun": [64] * 17,
        "narrow": [32] * 65,
        "alternating": [32] + [25, 100] * 32,
        "constant": [32] + [40] * 64,
    }
    runs = {k: chunked(rng, w, 0.5 if k == "lecun" else 1.0, networks) for k, w in widths.items()}
    blocks = 64
    runs["resnet"] = residual_lengths(rng, 32, blocks, 1 / math.sqrt(blocks), networks)
    res.verdicts.update(judge(runs, widths))
    for k, M in runs.items():
        logs = log_ratio(M)
        res.arrays[f"{k}.log_ratio"] = logs
        res.values[f"{k}.var_log"] = float(np.var(logs, ddof=1))
        res.values[f"{k}.mean_log"] = float(np.mean(logs))
        res.values[f"{k}.mean"] = float(np.mean(M[:, -1] / M[:, 0]))
    for k in ("narrow", "alternating", "constant"):
        res.values[f"{k}.sum_reciprocal"] = float(sum(1 / n for n in widths[k][1:]))
        res.values[f"{k}.predicted_var_log"] = predicted_log_variance(widths[k])
    res.values["resnet.blocks"] = blocks
    res.values["shapes_depth"] = len(widths["narrow"]) - 1
    res.values["narrow.width"] = widths["narrow"][1]
    res.values["constant.width"] = widths["constant"][1]
    res.values["alternating.low"] = min(widths["alternating"][1:])
    res.values["alternating.high"] = max(widths["alternating"][1:])
    res.values["lecun.per_layer"] = res.values["lecun.mean"] ** (1 / 16)
    return res
