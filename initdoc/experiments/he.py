"""He/Kaiming: relu halves the second moment; relu networks of 10 to 60 layers under Xavier and
He, at the start and in training."""

from __future__ import annotations

import numpy as np

from initdoc import data, nn, schemes, theory, train
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

# The schemes compared, in page order: key -> (label, initializer).
SCHEMES = {
    "xavier": ("Xavier N(0, 1/n_in)", schemes.lecun_normal()),
    "glorot": ("Glorot normal N(0, 2/(n_in+n_out))", schemes.glorot_normal()),
    "he": ("He normal N(0, 2/n_in)", schemes.he_normal()),
}
SMOOTH = 20  # steps in the running mean that decides when a run has left the plateau
PAPER_DEPTHS = (22, 30)  # the depths of the paper's two models (He et al. 2015, figures 2 and 3)


def lifted(rng, name: str, n: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D toy set mapped to `dim` inputs by a fixed random projection, each input
    standardized."""
    X2, y = data.toy(name, rng, n)
    X = X2 @ rng.standard_normal((2, dim))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X.astype(np.float32), y.astype(np.float32)


def network(rng, depth: int, n_x: int, width: int, init):
    """A relu MLP of `depth` weight layers, `width` units wide, one sigmoid output; float32."""
    sizes = [n_x] + [width] * (depth - 1) + [1]
    return nn.init_params(rng, sizes, init, dtype=np.float32), ["relu"] * (depth - 1) + ["sigmoid"]


def second_moment(v: np.ndarray) -> float:
    """E[v²] over every entry, in float64."""
    return float(np.mean(np.square(v, dtype=np.float64)))


def steps_to_leave_plateau(costs: np.ndarray, level: float) -> int:
    """First step at which the running mean of the cost is below `level`; -1 if never."""
    smooth = np.convolve(costs, np.ones(SMOOTH) / SMOOTH, mode="valid")
    below = np.flatnonzero(smooth < level)
    return int(below[0]) + SMOOTH - 1 if below.size else -1


DRAWS = 10  # weight draws of the 30-layer network at initialization


def _signal_claim(key, claim, reported, quantity, region, test, says, draws=DRAWS, fmt=".3f"):
    return verdicts.declare(
        "he_signal",
        key,
        page="papers/he.md",
        claim=claim,
        reported=reported,
        quantity=quantity,
        region=region,
        test=test,
        draws=draws,
        fmt=fmt,
        says=says,
        checked_by="test_he.py::test_signal_verdicts_can_go_either_way",
    )


RELU_HALF = _signal_claim(
    "relu_halves",
    "Relu keeps half of the second moment of a symmetric input",
    "E[x²] = ½ Var(y): a theorem, by symmetry",
    "E[relu(z)²] / Var(z) over a million normal z",
    verdicts.within(0.5, 0.005),
    "normal",
    {
        "agrees": "Relu keeps {estimate} [{low}, {high}] of the second moment of a normal input: "
        "half, as the symmetry argument says.",
        "disagrees": "Relu keeps {estimate} [{low}, {high}] of the second moment of a normal "
        "input, not half: the code that measured it is wrong.",
        "inconclusive": "Relu keeps {estimate} [{low}, {high}] of the second moment of a normal "
        "input; the sample is too small to check half.",
    },
    draws=10**6,
    fmt=".4f",
)


def _factor_claim(key: str, rule: str, way: str, target: float):
    what = "signal" if way == "forward" else "gradient"
    return _signal_claim(
        f"{key}_{way}",
        f"{rule} multiplies the {what}'s second moment by {target:g} per relu layer, {way}",
        "derived",
        f"per-layer factor of the {what} over 28 layers, mean over draws,",
        verdicts.within(target, 0.05),
        "mean",
        {
            "agrees": f"Under {rule} the {what} changes by a factor of {{estimate}} [{{low}}, "
            f"{{high}}] per layer, {way}: {target:g}, as derived.",
            "disagrees": f"Under {rule} the {what} changes by a factor of {{estimate}} [{{low}}, "
            f"{{high}}] per layer, {way}, not {target:g}.",
            "inconclusive": f"Under {rule} the {what}'s factor per layer, {{estimate}} [{{low}}, "
            f"{{high}}], is too uncertain to check against {target:g}.",
        },
    )


FACTORS = {
    f"{key}.{way}": _factor_claim(key, rule, way, target)
    for key, rule, target in (("he", "He", 1.0), ("xavier", "Xavier", 0.5))
    for way in ("forward", "backward")
}


def signal_verdicts(relu_moment: tuple[float, float, int], factors: dict[str, np.ndarray]):
    """The premise claims judged on E[relu(z)²]/Var(z) (estimate, standard error, sample size) and
    the per-layer factors of each draw, keyed 'he.forward', 'xavier.backward' and so on."""
    return verdicts.judged(
        [(RELU_HALF, relu_moment)] + [(FACTORS[k], factors[k]) for k in sorted(FACTORS)]
    )


@experiment(
    "he_signal",
    seed=0,
    dataset="circle",
    n=512,
    n_x=32,
    width=128,
    depth=30,
    draws=DRAWS,
    n_normal=1_000_000,
)
def he_signal(rng, dataset, n, n_x, width, depth, draws, n_normal) -> Result:
    """E[relu(z)²] against Var(z)/2, and each layer's signal at the start of a 30-layer relu
    network."""
    res = Result(
        values={
            "n_normal": n_normal,
            "depth": depth,
            "width": width,
            "n_x": n_x,
            "n": n,
            "draws": draws,
        }
    )
    relu_moment = relu_keeps_half(res, rng, n_normal)
    X, y = lifted(rng, dataset, n, n_x)
    draw_seeds = rng.integers(2**32, size=draws)
    for key, (_, init) in SCHEMES.items():
        signal_at_the_start(res, key, init, X, y, draw_seeds, depth, n_x, width)
    top = depth - 1  # the last hidden layer
    res.values.update(
        {
            "he_over_xavier": theory.he_variance(width) / theory.lecun_variance(width),
            "he_over_glorot_first": theory.he_variance(n_x) / theory.xavier_variance(n_x, width),
            "he_over_glorot_hidden": theory.he_variance(width)
            / theory.xavier_variance(width, width),
            "he_over_glorot_last": theory.he_variance(width) / theory.xavier_variance(width, 1),
            "halving_over_depth": 0.5 ** (top - 1),
            "halvings": top - 1,
            "n_hidden": top,
            "he_to_xavier_forward": float(np.max(res["he.a2"][:, top] / res["xavier.a2"][:, top])),
        }
    )
    factors = {
        f"{key}.{way}": (res[f"{key}.a2"][:, top] / res[f"{key}.a2"][:, 1]) ** (1 / (top - 1))
        if way == "forward"
        else (res[f"{key}.g2"][:, 1] / res[f"{key}.g2"][:, top]) ** (1 / (top - 1))
        for key in ("he", "xavier")
        for way in ("forward", "backward")
    }
    res.verdicts.update(signal_verdicts(relu_moment, factors))
    return res


def relu_keeps_half(res: Result, rng, n_normal: int) -> tuple[float, float, int]:
    """Relu keeps half of the second moment: E[relu(z)²]/Var(z) over `n_normal` normal draws, with
    its standard error (the delta method for a ratio); (estimate, standard error, draws)."""
    z = rng.standard_normal(n_normal)
    ratio, spread = float(np.mean(np.maximum(z, 0) ** 2) / z.var()), z.var()
    residual = np.maximum(z, 0) ** 2 - ratio * (z - z.mean()) ** 2
    se = float(residual.std() / np.sqrt(n_normal) / spread)
    res.values.update({"relu_moment_normal": ratio, "relu_moment_se": se})
    return ratio, se, n_normal


def signal_at_the_start(res: Result, key: str, init, X, y, draw_seeds, depth, n_x, width) -> None:
    """The signal at the start, under scheme `key`: per draw, the second moment of each layer's
    activations and backpropagated gradients, and the share of E[z²] relu keeps."""
    top = depth - 1  # the last hidden layer
    a2, g2, kept = [], [], []
    for draw_seed in draw_seeds:  # the same standard normal draws for every scheme
        params, activations = network(np.random.default_rng(draw_seed), depth, n_x, width, init)
        rec = nn.forward(params, activations, X)
        g = nn.backward(params, rec, y, "binary_cross_entropy")
        a2.append([second_moment(rec.a[l]) for l in range(depth)])  # a[0] = x
        g2.append([second_moment(g.da[l]) for l in range(depth)])
        kept.append([second_moment(rec.a[l]) / second_moment(rec.z[l]) for l in range(1, depth)])
    a2, g2, kept = np.array(a2), np.array(g2), np.array(kept)
    forward = a2[:, top] / a2[:, 1]
    backward = g2[:, 1] / g2[:, top]
    res.arrays.update({f"{key}.a2": a2, f"{key}.g2": g2, f"{key}.kept": kept})
    res.values.update(
        {
            f"{key}.forward_ratio": float(forward[0]),
            f"{key}.backward_ratio": float(backward[0]),
            f"{key}.forward_ratio_min": float(forward.min()),
            f"{key}.forward_ratio_max": float(forward.max()),
            f"{key}.forward_ratio_median": float(np.median(forward)),
            f"{key}.backward_ratio_min": float(backward.min()),
            f"{key}.backward_ratio_max": float(backward.max()),
            f"{key}.factor": float(np.median(forward) ** (1 / (top - 1))),
            f"{key}.grad_factor": float(np.median(backward) ** (1 / (top - 1))),
            f"{key}.kept_mean": float(kept.mean()),
            f"{key}.kept_min": float(kept.min()),
            f"{key}.kept_max": float(kept.max()),
        }
    )


def orders(generators, n: int, batch_size: int):
    """Row indices for each step, one row of indices per network: every network walks through
    its own shuffles of the n examples, a fresh one each epoch."""
    while True:
        perms = np.stack([g.permutation(n) for g in generators])
        for start in range(0, n, batch_size):
            yield perms[:, start : start + batch_size]


def plateau_lengths(params, activations, X, y, opt, batch_size, budget, generators, level):
    """Train a stack of networks with momentum SGD until the running mean of each one's cost
    (SMOOTH steps) falls below `level`; per network, that step (-1: not within the budget, or
    diverged), whether it diverged, and its first cost. A network stops training as soon as it
    has left."""
    S = len(params[0][0])
    left, diverged = np.full(S, -1), np.zeros(S, bool)
    active, recent, first = np.arange(S), np.full((S, SMOOTH), np.inf), np.full(S, np.nan)
    state, rows = opt.init(params), orders(generators, len(X), batch_size)
    with np.errstate(all="ignore"):  # a network that diverges is recorded, not raised
        for step in range(budget):
            batch = next(rows)[active]
            record = nn.forward(params, activations, X[batch])
            recent[active, step % SMOOTH] = nn.cost(record, y[batch], "binary_cross_entropy")
            if step == 0:
                first = recent[:, 0].copy()
            done = recent[active].mean(axis=1) < level
            broken = ~np.isfinite(recent[active, step % SMOOTH])
            left[active[done]], diverged[active[broken]] = step, True
            keep = ~(done | broken)
            if not keep.any():
                break
            grads = nn.backward(params, record, y[batch], "binary_cross_entropy").params
            params, state = opt.update(params, grads, state)
            if not keep.all():
                params = [(W[keep], b[keep]) for W, b in params]
                state = [v[keep] for v in state]
                active = active[keep]
    return left, diverged, first


def stack(nets):
    """Networks of one shape as one stack: W (S, n_in, n_out), b (S, 1, n_out)."""
    return [
        (np.stack([p[l][0] for p in nets]), np.stack([p[l][1][None, :] for p in nets]))
        for l in range(len(nets[0]))
    ]


TRAINED = ("xavier", "he")  # the two rules the paper trains
SEEDS = 5
PAPER, PITFALL = "papers/he.md", "he.md"
GROWS = 0.02  # log2(steps) per layer: the plateau doubles at least every 50 layers


def _training_claim(key, page, claim, reported, quantity, region, test, fmt, says):
    return verdicts.declare(
        "he_training",
        key,
        page=page,
        claim=claim,
        reported=reported,
        quantity=quantity,
        region=region,
        test=test,
        draws=SEEDS,
        fmt=fmt,
        says=says,
        checked_by="test_he.py::test_training_verdicts_can_go_either_way",
    )


XAVIER_22 = _training_claim(
    "d22_xavier_converges",
    PAPER,
    "22 layers: the Xavier network converges",
    "it converges (22-layer model)",
    "share of Xavier runs that leave the plateau within the budget",
    verdicts.above(0.5, "above 50% (most runs)"),
    "share",
    ".0%",
    {
        "agrees": "At 22 layers the Xavier networks converge: {estimate} [{low}, {high}] of the "
        "runs leave the plateau within the budget.",
        "disagrees": "At 22 layers most Xavier networks do not converge here: only {estimate} "
        "[{low}, {high}] of the runs leave the plateau within the budget.",
        "inconclusive": "At 22 layers {estimate} [{low}, {high}] of the Xavier runs leave the "
        "plateau within the budget: not clearly most of them.",
    },
)
HE_EARLIER = _training_claim(
    "d22_he_earlier",
    PAPER,
    "22 layers: He starts reducing the error earlier than Xavier",
    "He earlier (22-layer model)",
    "steps on the plateau, Xavier over He, paired by seed, mean,",
    verdicts.above(1, "above 1 (He leaves first)"),
    "mean",
    ".1f",
    {
        "agrees": "At 22 layers He leaves the plateau first: the Xavier networks take {estimate} "
        "[{low}, {high}] times as many steps.",
        "disagrees": "At 22 layers He does not leave the plateau first: the Xavier networks take "
        "{estimate} [{low}, {high}] times as many steps.",
        "inconclusive": "At 22 layers the Xavier networks take {estimate} [{low}, {high}] times as "
        "many steps as He: which leaves first is not settled.",
    },
)
XAVIER_STALLS = _training_claim(
    "d30_xavier_stalls",
    PAPER,
    "30 layers: the Xavier network stalls",
    "completely stalls (30-layer model)",
    "share of Xavier runs still on the plateau at the end of the budget",
    verdicts.above(0.5, "above 50% (most runs)"),
    "share",
    ".0%",
    {
        "agrees": "At 30 layers the Xavier networks stall: {estimate} [{low}, {high}] of the runs "
        "are still on the plateau at the end of the budget.",
        "disagrees": "At 30 layers the Xavier networks do not stall here: only {estimate} [{low}, "
        "{high}] of the runs are still on the plateau at the end of the budget.",
        "inconclusive": "At 30 layers {estimate} [{low}, {high}] of the Xavier runs are still on "
        "the plateau at the end of the budget: whether they stall is not settled.",
    },
)
HE_30 = _training_claim(
    "d30_he_converges",
    PAPER,
    "30 layers: the He network converges",
    "it converges (30-layer model)",
    "share of He runs that leave the plateau within the budget",
    verdicts.above(0.5, "above 50% (most runs)"),
    "share",
    ".0%",
    {
        "agrees": "At 30 layers the He networks converge: {estimate} [{low}, {high}] of the runs "
        "leave the plateau within the budget.",
        "disagrees": "At 30 layers most He networks do not converge here: only {estimate} [{low}, "
        "{high}] of the runs leave the plateau.",
        "inconclusive": "At 30 layers {estimate} [{low}, {high}] of the He runs leave the plateau: "
        "not clearly most of them.",
    },
)
_SLOPE = "slope of log₂(steps on the plateau) on depth, per layer, mean over seeds,"
XAVIER_GROWS = _training_claim(
    "xavier_plateau_grows",
    PITFALL,
    "From Xavier weights the plateau lengthens exponentially with depth",
    "the wait grows with depth (this page)",
    _SLOPE,
    verdicts.above(GROWS, f"above {GROWS} (doubling every {1 / GROWS:.0f} layers or faster)"),
    "mean",
    ".3f",
    {
        "agrees": "From Xavier weights the plateau lengthens exponentially with depth: log₂ of its "
        "length grows by {estimate} [{low}, {high}] per layer.",
        "disagrees": "From Xavier weights the plateau does not lengthen exponentially with depth: "
        "the slope of log₂ steps per layer is {estimate} [{low}, {high}].",
        "inconclusive": "Whether the Xavier plateau lengthens exponentially with depth is not "
        "settled: the slope of log₂ steps per layer is {estimate} [{low}, {high}].",
    },
)
HE_FLAT = _training_claim(
    "he_plateau_flat",
    PITFALL,
    "From He weights the plateau does not lengthen with depth",
    "He removes the wait (this page)",
    _SLOPE,
    verdicts.within(0, GROWS),
    "mean",
    ".3f",
    {
        "agrees": "From He weights the wait does not grow with depth: the slope of log₂ steps per "
        "layer is {estimate} [{low}, {high}], {region}.",
        "disagrees": "From He weights the wait changes with depth too: the slope of log₂ steps per "
        "layer is {estimate} [{low}, {high}].",
        "inconclusive": "From He weights the slope of log₂ steps per layer, {estimate} [{low}, "
        "{high}], is too uncertain to call the wait flat or not.",
    },
)


def log2_slopes(depths: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Per seed (row), the least-squares slope of log₂(steps) on depth."""
    return np.polyfit(depths.astype(float), np.log2(steps).T, 1)[0]


def training_verdicts(depths: np.ndarray, xavier: np.ndarray, he: np.ndarray, budget: int):
    """The training claims judged on steps to leave the plateau per (seed, depth) for both rules
    (-1: still on it at the end of the budget, which counts as the budget in a slope: a lower
    bound, which can only understate growth)."""
    at = {d: i for i, d in enumerate(depths.tolist())}
    x22, h22, x30, h30 = xavier[:, at[22]], he[:, at[22]], xavier[:, at[30]], he[:, at[30]]
    capped = lambda s: np.where(s >= 0, s, budget).astype(float)  # noqa: E731
    return verdicts.judged(
        [
            (XAVIER_22, x22 >= 0),
            (HE_EARLIER, capped(x22) / np.maximum(capped(h22), 1)),
            (XAVIER_STALLS, x30 < 0),
            (HE_30, h30 >= 0),
            (XAVIER_GROWS, log2_slopes(depths, capped(xavier))),
            (HE_FLAT, log2_slopes(depths, np.maximum(capped(he), 1))),
        ]
    )


@experiment(
    "he_training",
    seed=0,
    dataset="circle",
    n=512,
    n_x=32,
    width=48,
    depths=(10, 16, 22, 30, 40, 50, 60),
    seeds=SEEDS,
    lr=0.01,
    beta=0.9,
    batch_size=32,
    budget=1000,
)
def he_training(rng, dataset, n, n_x, width, depths, seeds, lr, beta, batch_size, budget) -> Result:
    """Steps until relu networks of 10 to 60 layers leave the plateau at ln 2, from Xavier and from
    He weights, several seeds per depth."""
    X, y = lifted(rng, dataset, n, n_x)
    level = float(np.log(2)) / 2
    res = Result(
        arrays={"depths": np.array(depths)},
        values={
            "dataset": dataset,
            "n": n,
            "n_x": n_x,
            "width": width,
            "seeds": seeds,
            "lr": lr,
            "beta": beta,
            "batch_size": batch_size,
            "budget": budget,
            "chance_cost": float(np.log(2)),
            "level": level,
            "smooth": SMOOTH,
            "depth_min": min(depths),
            "depth_max": max(depths),
        },
    )
    for depth in depths:
        train_at_depth(res, X, y, depth, n_x, width, seeds, lr, beta, batch_size, budget, level)
    for key in TRAINED:
        summarize_depths(res, key, depths)
    res.verdicts.update(
        training_verdicts(np.array(depths), res["xavier.leave"], res["he.leave"], budget)
    )
    return res


def train_at_depth(
    res: Result, X, y, depth, n_x, width, seeds, lr, beta, batch_size, budget, level
):
    """Xavier against He at one depth: every scheme's networks, one per seed, trained as one stack
    until each leaves the plateau."""
    nets, generators = [], []
    for key in TRAINED:
        for seed in range(seeds):
            params, activations = network(
                np.random.default_rng([seed, depth]), depth, n_x, width, SCHEMES[key][1]
            )
            nets.append(params)
            generators.append(np.random.default_rng([seed, depth, 1]))  # paired orders
    left, diverged, first = plateau_lengths(
        stack(nets),
        activations,
        X,
        y,
        train.Momentum(lr, beta),
        batch_size,
        budget,
        generators,
        level,
    )
    for i, key in enumerate(TRAINED):
        rows = slice(i * seeds, (i + 1) * seeds)
        res.arrays[f"d{depth}.{key}.leave"] = left[rows]
        res.arrays[f"d{depth}.{key}.first_cost"] = first[rows]
        res.values[f"d{depth}.{key}.diverged"] = int(diverged[rows].sum())


def summarize_depths(res: Result, key: str, depths) -> None:
    """Scheme `key` over every depth: steps to leave, (seeds, depths), and where most runs stall."""
    leave = np.stack([res[f"d{d}.{key}.leave"] for d in depths], axis=1)  # (seeds, depths)
    res.arrays[f"{key}.leave"] = leave
    reached = np.where(leave >= 0, leave, np.inf)
    mostly_left = np.mean(leave >= 0, axis=0) > 0.5
    first = np.stack([res[f"d{d}.{key}.first_cost"] for d in depths])
    res.values.update(
        {
            f"{key}.median_shallow": float(np.median(reached[:, 0])),
            f"{key}.median_deep": float(np.median(reached[:, -1])),
            f"{key}.stalled": int((leave < 0).sum()),
            f"{key}.first_cost": float(first.mean()),
            # the deepest depth at which most runs left, and the first at which most did not
            f"{key}.deepest_leaving": int(np.array(depths)[mostly_left].max(initial=0)),
            f"{key}.stall_from": int(min(np.array(depths)[~mostly_left], default=0)),
        }
    )
