"""Too small, too large: the article's [2, 6, 3, 1] network from weights of variance v / n_in,
on its 2-D sets."""

from __future__ import annotations

import numpy as np

from initdoc import data, nn, schemes
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

SIZES = (2, 6, 3, 1)
# Weight variance v / n_in for each scheme (biases start at zero); "he" is v = 2.
SCHEMES = {"zero": 0.0, "too_small": 0.01, "appropriate": 1.0, "he": 2.0, "too_large": 100.0}
LABELS = {
    "zero": "zero",
    "too_small": "too small",
    "appropriate": "appropriate",
    "he": "He",
    "too_large": "too large",
}
DATASETS = ("circle", "spiral", "xor", "gaussians")
HIDDEN = ("relu", "tanh")
CHANCE = float(np.log(2))  # the cost of answering ½ for every point

# The regimes, defined on a run's cost per step; the first that applies names the run.
NEAR_CHANCE = 0.99  # "at chance": the cost is at least 99 % of ln 2
STALL_COST = 0.1  # "stalled": the final cost is above 0.1 nats ...
STALL_PROGRESS = 0.75  # ... and above 75 % of its value halfway through training
SLOW_STEPS = 100  # "slow start": the cost stays at chance for at least 100 steps
BIG_RISE = 0.1  # "oscillating": the cost rises by more than 10 % in one step ...
OSCILLATING_SHARE = 0.01  # ... on at least 1 % of the steps
EARLY = 100  # "early" rises: within the first 100 steps
REGIMES = ("diverged", "no learning", "stalled", "slow start", "learns")


def steps_at_chance(costs: np.ndarray) -> int:
    """Steps before the cost first falls below 99 % of ln 2 (all of them if it never does)."""
    below = np.flatnonzero(costs < NEAR_CHANCE * CHANCE)
    return int(below[0]) if below.size else len(costs)


def big_rises(costs: np.ndarray) -> int:
    """Steps on which the cost rose by more than BIG_RISE of its value."""
    return int(np.sum(np.diff(costs) > BIG_RISE * costs[:-1]))


def regime(costs: np.ndarray) -> str:
    """The regime of one run, from its cost at every step (see the constants above)."""
    if not np.isfinite(costs).all():
        return "diverged"
    final, halfway = costs[-1], costs[len(costs) // 2]
    if final >= NEAR_CHANCE * CHANCE:
        return "no learning"
    if final > STALL_COST and final > STALL_PROGRESS * halfway:
        return "stalled"
    if steps_at_chance(costs) >= SLOW_STEPS:
        return "slow start"
    return "learns"


def oscillating(costs: np.ndarray) -> bool:
    """Whether the cost jumped up by more than 10 % on at least 1 % of the steps."""
    return big_rises(costs) >= OSCILLATING_SHARE * (len(costs) - 1)


def frames(steps: int, n_frames: int, dense: int = 20) -> np.ndarray:
    """About n_frames snapshot steps: every step up to `dense`, then evenly spaced in log(step)."""
    later = np.geomspace(dense, steps - 1, n_frames - dense).round().astype(int)
    return np.unique(np.concatenate([np.arange(dense), later]))


def _hidden(z: np.ndarray, kind: str) -> np.ndarray:
    return np.tanh(z) if kind == "tanh" else np.maximum(z, 0)


def _d_hidden(z: np.ndarray, a: np.ndarray, kind: str) -> np.ndarray:
    return 1 - a * a if kind == "tanh" else (z > 0).astype(z.dtype)


def forward(params: list, kind: str, X: np.ndarray) -> tuple[list, list]:
    """Stacked forward pass of R networks on (R, m, 2) inputs: z[l] and a[l], with a[0] = X and
    a[L] = z[L]."""
    z, a = [None], [X]
    for l, (W, b) in enumerate(params, start=1):
        z.append(a[-1] @ W + b)
        a.append(_hidden(z[-1], kind) if l < len(params) else z[-1])
    return z, a


def probability(params: list, kind: str, X: np.ndarray) -> np.ndarray:
    """P(class 1) of R stacked networks on (R, m, 2) inputs, shape (R, m)."""
    logit = forward(params, kind, X)[1][-1][..., 0]
    e = np.exp(-np.abs(logit))
    return np.where(logit >= 0, 1 / (1 + e), e / (1 + e))


def train_batch(
    params: list, kind: str, X: np.ndarray, Y: np.ndarray, lr: float, steps: int, snapshot_at=()
) -> dict:
    """Full-batch gradient descent of R stacked networks at once (hidden `kind`, sigmoid output,
    BCE).

    params: [(W (R, n_in, n_out), b (R, 1, n_out)), ...]; X: (R, m, 2); Y: (R, m, 1). A run whose
    cost turns NaN or inf is frozen from then on and its later costs are NaN.
    """
    params = [(W.copy(), b.copy()) for W, b in params]
    R, m = X.shape[:2]
    at = {int(t): i for i, t in enumerate(snapshot_at)}
    costs = np.full((R, steps), np.nan)
    live = np.ones(R, dtype=bool)
    ones = np.ones(
        (1, m), X.dtype
    )  # sums over the points as a matmul: much faster than .sum(axis=1)
    shots = [
        [np.empty((R, len(at), *p.shape[1:]), X.dtype) for pair in params for p in pair]
        for _ in range(2)
    ]
    with np.errstate(all="ignore"):
        for t in range(steps):
            z, a = forward(params, kind, X)
            logit = z[-1]
            e = np.exp(-np.abs(logit))
            cost = (ones @ (np.log1p(e) + np.maximum(logit, 0) - Y * logit))[:, 0, 0] / m
            live &= np.isfinite(cost)
            costs[live, t] = cost[live]
            dz = (np.where(logit >= 0, 1 / (1 + e), e / (1 + e)) - Y) / m
            grads = [None] * len(params)
            for l in range(len(params), 0, -1):
                W, _ = params[l - 1]
                grads[l - 1] = (np.swapaxes(a[l - 1], 1, 2) @ dz, ones @ dz)
                if l > 1:
                    dz = (dz @ np.swapaxes(W, 1, 2)) * _d_hidden(z[l - 1], a[l - 1], kind)
            if t in at:
                for store, pairs in zip(shots, (params, grads)):
                    for k, p in enumerate(p for pair in pairs for p in pair):
                        store[k][:, at[t]] = p
            keep = live[:, None, None]
            params = [
                (np.where(keep, W - lr * dW, W), np.where(keep, b - lr * db, b))
                for (W, b), (dW, db) in zip(params, grads)
            ]
    return {"costs": costs, "params": params, "snap_params": shots[0], "snap_grads": shots[1]}


def initial_params(weight_seed: int, v: float, dtype=np.float64) -> list:
    """The [2, 6, 3, 1] network with W ~ N(0, v / n_in) from `weight_seed` (the same draw scaled
    for every v)."""
    init = schemes.variance_scaling(v, "fan_in", "normal") if v > 0 else schemes.zeros()
    return nn.init_params(np.random.default_rng(weight_seed), SIZES, init, dtype=dtype)


def stack(nets: list, dtype) -> list:
    """A list of networks [(W, b), ...] as one stacked network with a leading run axis."""
    return [
        (
            np.stack([net[l][0] for net in nets]).astype(dtype),
            np.stack([net[l][1][None, :] for net in nets]).astype(dtype),
        )
        for l in range(len(SIZES) - 1)
    ]


def train_all(
    rng, n_points: int, draws: int, lr: float, steps: int, dtype, snapshot_at=()
) -> tuple:
    """Every (hidden, dataset, scheme, draw) run; the same data and weight draw across schemes and
    activations."""
    sets = [data.toy(name, rng, n_points) for name in DATASETS]
    seeds = rng.integers(0, 2**31, size=(len(DATASETS), draws))
    keys = [
        (d, s, k) for d in range(len(DATASETS)) for s in range(len(SCHEMES)) for k in range(draws)
    ]
    nets = [initial_params(int(seeds[d, k]), list(SCHEMES.values())[s]) for d, s, k in keys]
    X = np.stack([sets[d][0] for d, _, _ in keys]).astype(dtype)
    Y = np.stack([sets[d][1] for d, _, _ in keys]).astype(dtype)
    runs = {
        kind: train_batch(stack(nets, dtype), kind, X, Y, lr, steps, snapshot_at) for kind in HIDDEN
    }
    return sets, stack(nets, dtype), X, Y, runs


def _grid_shape(*lead: int) -> tuple:
    return (len(HIDDEN), len(DATASETS), len(SCHEMES), *lead)


@experiment(
    "playground", seed=0, n_points=100, lr=0.1, steps=5000, n_frames=100, grid_resolution=51
)
def playground(rng, n_points, lr, steps, n_frames, grid_resolution) -> Result:
    """Each (hidden activation, dataset, scheme) run of the [2, 6, 3, 1] network, with snapshots
    for playback."""
    at = frames(steps, n_frames)
    sets, start, X, Y, runs = train_all(rng, n_points, 1, lr, steps, np.float64, at)
    res = Result(
        arrays={
            "frames": at,
            "X": np.stack([s[0] for s in sets]),
            "y": np.stack([s[1] for s in sets]),
        },
        values={
            "n_points": n_points,
            "lr": lr,
            "steps": steps,
            "n_frames": len(at),
            "grid_resolution": grid_resolution,
            "chance_cost": CHANCE,
            "architecture": str(list(SIZES)),
            "extent": data.EXTENT[1],
            "v_min": min(SCHEMES.values()),
            "v_max": max(SCHEMES.values()),
        },
    )
    shape = _grid_shape()
    res.arrays["costs"] = np.stack([runs[k]["costs"] for k in HIDDEN]).reshape(*shape, steps)
    for name, index in (("params", "snap_params"), ("grads", "snap_grads")):
        for k, label in enumerate(["W1", "b1", "W2", "b2", "W3", "b3"]):
            prefix = "" if name == "params" else "d"
            arr = np.stack([runs[h][index][k] for h in HIDDEN])
            res.arrays[prefix + label] = arr.reshape(*shape, *arr.shape[2:])
    grid = data.grid(data.EXTENT, grid_resolution)
    for h, kind in enumerate(HIDDEN):
        final = runs[kind]["params"]
        G = np.broadcast_to(grid, (len(X), *grid.shape))
        prob = probability(final, kind, G).reshape(-1, grid_resolution, grid_resolution)
        res.arrays.setdefault("prob", np.empty((*shape, grid_resolution, grid_resolution)))[h] = (
            prob.reshape(*shape[1:], grid_resolution, grid_resolution)
        )
        every_run(res, kind, runs[kind], start, X, Y, steps)
    res.values["hidden_units"] = sum(SIZES[1:-1])
    return res


def every_run(res: Result, kind: str, runs: dict, start, X, Y, steps: int) -> None:
    """The runs with `kind` hidden units, one per (dataset, scheme): its regime, costs, accuracy,
    gradients at the start and the end, and its units that are on (relu) or saturated (tanh)."""
    final = runs["params"]
    acc = ((probability(final, kind, X) > 0.5) == (Y[..., 0] > 0.5)).mean(axis=1)
    z0, a0 = forward(start, kind, X)
    _, a = forward(final, kind, X)

    def rms_grad(r: int, snapshot: int) -> float:
        grads = [runs["snap_grads"][k][r, snapshot].ravel() for k in (0, 2, 4)]
        return float(np.sqrt(np.mean(np.concatenate(grads) ** 2)))

    pairs = [(d, s) for d in range(len(DATASETS)) for s in range(len(SCHEMES))]
    for r, (d, s) in enumerate(pairs):
        costs = runs["costs"][r]
        key = f"{kind}.{DATASETS[d]}.{list(SCHEMES)[s]}"
        res.values.update(
            {
                f"{key}.regime": regime(costs),
                f"{key}.oscillating": oscillating(costs),
                f"{key}.big_rises": big_rises(costs),
                f"{key}.early_rises": big_rises(costs[: EARLY + 1]),
                f"{key}.diverged": bool(not np.isfinite(costs).all()),
                f"{key}.initial_cost": float(costs[0]),
                f"{key}.final_cost": float(costs[-1]),
                f"{key}.halfway_cost": float(costs[steps // 2]),
                f"{key}.steps_at_chance": steps_at_chance(costs),
                f"{key}.accuracy": float(acc[r]),
                f"{key}.max_initial_logit": float(np.abs(z0[-1][r]).max()),
                f"{key}.initial_grad": rms_grad(r, 0),
                f"{key}.final_grad": rms_grad(r, -1),
            }
        )
        for when, acts in (("start", a0), ("end", a)):
            if kind == "relu":  # the share of (point, unit) pairs where the unit is on, per layer
                res.values[f"{key}.active_{when}_1"] = float(np.mean(acts[1][r] > 0))
                res.values[f"{key}.active_{when}_2"] = float(np.mean(acts[2][r] > 0))
            else:  # the share of hidden activations within 1 % of ±1, where tanh' < 0.02
                hidden = np.concatenate([acts[1][r], acts[2][r]], axis=1)
                res.values[f"{key}.saturated_{when}"] = float(np.mean(np.abs(hidden) > 0.99))


# The source article's claims about too-small and too-large weights, stated before the data.
SWEEP_DRAWS = 10
CURVED = ("circle", "spiral", "xor")


def _sweep_claim(key, claim, quantity, draws, says):
    return verdicts.declare(
        "init_scale_sweep",
        key,
        page="too-small-too-large.md",
        claim=claim,
        reported="the source article",
        quantity=quantity,
        region=verdicts.above(0.5, "above 50% (most runs)"),
        test="share",
        draws=draws,
        fmt=".0%",
        says=says,
        checked_by="test_too_small_too_large.py::test_sweep_verdicts_can_go_either_way",
    )


TOO_SMALL_SLOW = _sweep_claim(
    "too_small_slow",
    "Too small weights lead to slow learning",
    "share of too-small runs on the three curved sets that sit at chance for 100 steps or more",
    len(HIDDEN) * len(CURVED) * SWEEP_DRAWS,
    {
        "agrees": "True here: {estimate} [{low}, {high}] of the too-small runs on the curved sets "
        "sit on a plateau at ln 2 for a hundred steps or more, then learn.",
        "disagrees": "Not here: only {estimate} [{low}, {high}] of the too-small runs on the "
        "curved sets start slowly.",
        "inconclusive": "Not settled here: {estimate} [{low}, {high}] of the too-small runs on the "
        "curved sets start slowly.",
    },
)
TOO_LARGE_DIVERGES = _sweep_claim(
    "too_large_diverges",
    "Too large weights lead to divergence",
    "share of too-large runs whose cost became NaN or infinite",
    len(HIDDEN) * len(DATASETS) * SWEEP_DRAWS,
    {
        "agrees": "True here: {estimate} [{low}, {high}] of the too-large runs diverged.",
        "disagrees": "Not for this network: {estimate} [{low}, {high}] of the too-large runs "
        "diverged.",
        "inconclusive": "Not settled here: {estimate} [{low}, {high}] of the too-large runs "
        "diverged.",
    },
)
TOO_LARGE_OSCILLATES = _sweep_claim(
    "too_large_oscillates",
    "Exploding gradients make the cost oscillate around its minimum",
    "share of too-large runs whose cost jumps up by over 10% on at least 1% of the steps",
    len(HIDDEN) * len(DATASETS) * SWEEP_DRAWS,
    {
        "agrees": "True here: {estimate} [{low}, {high}] of the too-large runs oscillate.",
        "disagrees": "Not here: {estimate} [{low}, {high}] of the too-large runs oscillate.",
        "inconclusive": "Not settled here: {estimate} [{low}, {high}] of the too-large runs "
        "oscillate.",
    },
)


def sweep_verdicts(costs: np.ndarray) -> dict[str, dict]:
    """The claims judged on the cost curves costs[hidden, dataset, scheme, draw, step]."""
    small, large = list(SCHEMES).index("too_small"), list(SCHEMES).index("too_large")
    curved = [DATASETS.index(d) for d in CURVED]
    slow = [
        steps_at_chance(c) >= SLOW_STEPS
        for c in costs[:, curved, small].reshape(-1, costs.shape[-1])
    ]
    large_runs = costs[:, :, large].reshape(-1, costs.shape[-1])
    return verdicts.judged(
        [
            (TOO_SMALL_SLOW, slow),
            (TOO_LARGE_DIVERGES, ~np.isfinite(large_runs).all(axis=1)),
            (TOO_LARGE_OSCILLATES, [oscillating(c) for c in large_runs]),
        ]
    )


@experiment("init_scale_sweep", seed=1, n_points=100, lr=0.1, steps=5000, draws=SWEEP_DRAWS)
def init_scale_sweep(rng, n_points, lr, steps, draws) -> Result:
    """The same runs from `draws` independent weight draws each: how often does each regime
    occur?"""
    _, _, _, _, runs = train_all(rng, n_points, draws, lr, steps, np.float32)
    costs = np.stack([runs[k]["costs"] for k in HIDDEN]).reshape(*_grid_shape(draws), steps)
    res = Result(arrays={"final_costs": costs[..., -1]}, values={"draws": draws, "steps": steps})
    counts = np.zeros((*_grid_shape(), len(REGIMES)), dtype=int)
    for index in np.ndindex(*_grid_shape(draws)):
        counts[(*index[:3], REGIMES.index(regime(costs[index])))] += 1
    res.arrays["regime_counts"] = counts
    for h, d, s in np.ndindex(*_grid_shape()):
        key = f"{HIDDEN[h]}.{DATASETS[d]}.{list(SCHEMES)[s]}"
        runs_here = costs[h, d, s]
        res.values[f"{key}.nonfinite"] = int(np.sum(~np.isfinite(runs_here).all(axis=1)))
        res.values[f"{key}.oscillating"] = int(sum(oscillating(c) for c in runs_here))
        res.values[f"{key}.slow_starts"] = int(
            sum(steps_at_chance(c) >= SLOW_STEPS for c in runs_here)
        )
        for r, name in enumerate(REGIMES):
            res.values[f"{key}.{name.replace(' ', '_')}"] = int(counts[h, d, s, r])
    for s, scheme in enumerate(SCHEMES):
        res.values[f"{scheme}.oscillating"] = int(
            sum(oscillating(c) for c in costs[:, :, s].reshape(-1, steps))
        )
        res.values[f"{scheme}.runs"] = int(np.prod(costs[:, :, s].shape[:-1]))
    for h, kind in enumerate(HIDDEN):
        res.values[f"{kind}.nonfinite"] = int(np.sum(~np.isfinite(costs[h]).all(axis=-1)))
    res.values["runs"] = int(np.prod(costs.shape[:-1]))
    res.verdicts.update(sweep_verdicts(costs))
    return res
