"""Schoenholz et al. (2017), 'Deep Information Propagation': the mean-field depth scales of tanh
networks, and a trainability map over σ_w² and depth with 6·ξ_c drawn on it."""

from __future__ import annotations

import functools

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from initdoc import data
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

_z, _w = hermegauss(101)
NODES, WEIGHTS = (
    _z,
    _w / np.sqrt(2 * np.pi),
)  # ∫ Dz f(z) ≈ Σ WEIGHTS · f(NODES), Dz the standard normal measure
Z1, Z2 = np.meshgrid(NODES, NODES, indexing="ij")
WEIGHTS_2D = np.outer(WEIGHTS, WEIGHTS)


PAPER_CRITICAL_SIGMA_W2 = 1.76  # tanh, σ_b² = 0.05: as given to us, not checked against its text
PAGE = "papers/schoenholz.md"
SIM_DRAWS = 5  # random networks per simulated σ_w²


def d_tanh(x):
    return 1 / np.cosh(x) ** 2


def d2_tanh(x):
    return -2 * np.tanh(x) / np.cosh(x) ** 2


def gauss(f, q):
    """∫ Dz f(√q z), for an array of variances q."""
    return (WEIGHTS * f(np.sqrt(np.asarray(q, float))[..., None] * NODES)).sum(-1)


def q_star(sigma_w2, sigma_b2: float, iterations: int = 1000):
    """The fixed point of the variance map q ← σ_w² ∫ Dz tanh(√q z)² + σ_b², from q = 1
    (iterated until it stops changing, at most `iterations` times)."""
    sigma_w2 = np.asarray(sigma_w2, float)
    q = np.ones_like(sigma_w2)
    for _ in range(iterations):
        q, before = sigma_w2 * gauss(lambda u: np.tanh(u) ** 2, q) + sigma_b2, q
        if np.array_equal(q, before):
            break
    return q


def chi_1(sigma_w2, sigma_b2: float):
    """χ₁ = σ_w² ∫ Dz [tanh'(√q* z)]², the slope of the correlation map at c = 1."""
    return np.asarray(sigma_w2, float) * gauss(lambda u: d_tanh(u) ** 2, q_star(sigma_w2, sigma_b2))


def _pair(c: float, q: float):
    """The pre-activations u₁ = √q z₁ and u₂ = √q (c z₁ + √(1 − c²) z₂) on the quadrature grid."""
    return np.sqrt(q) * Z1, np.sqrt(q) * (c * Z1 + np.sqrt(max(1 - c * c, 0.0)) * Z2)


def correlation_map(c: float, q: float, sigma_w2: float, sigma_b2: float) -> float:
    """The next layer's correlation of two inputs that both have variance q and correlation c."""
    u1, u2 = _pair(c, q)
    q_ab = sigma_w2 * (WEIGHTS_2D * np.tanh(u1) * np.tanh(u2)).sum() + sigma_b2
    return float(q_ab / (sigma_w2 * gauss(lambda u: np.tanh(u) ** 2, q) + sigma_b2))


def c_star(sigma_w2: float, sigma_b2: float) -> float:
    """The stable fixed point of the correlation map: 1 when χ₁ ≤ 1, else the root in [0, 1) by
    bisection."""
    q = float(q_star(sigma_w2, sigma_b2))
    if chi_1(sigma_w2, sigma_b2) <= 1:
        return 1.0
    lo, hi = (
        0.0,
        1 - 1e-9,
    )  # the map lies above the diagonal at 0 (σ_b² > 0) and below it just under 1
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if correlation_map(mid, q, sigma_w2, sigma_b2) > mid else (lo, mid)
    return (lo + hi) / 2


def xi_c(sigma_w2: float, sigma_b2: float) -> float:
    """ξ_c = −1 / ln(σ_w² ∫ Dz₁ Dz₂ tanh'(u₁) tanh'(u₂)) at (q*, c*): correlations settle as
    e^(−l/ξ_c)."""
    u1, u2 = _pair(c_star(sigma_w2, sigma_b2), float(q_star(sigma_w2, sigma_b2)))
    chi_c = sigma_w2 * (WEIGHTS_2D * d_tanh(u1) * d_tanh(u2)).sum()
    return float(-1 / np.log(chi_c))


def xi_q(sigma_w2: float, sigma_b2: float) -> float:
    """ξ_q = −1 / ln(χ₁ + σ_w² ∫ Dz tanh''(√q* z) tanh(√q* z)): the variance settles as
    e^(−l/ξ_q)."""
    q = q_star(sigma_w2, sigma_b2)
    slope = chi_1(sigma_w2, sigma_b2) + sigma_w2 * gauss(lambda u: d2_tanh(u) * np.tanh(u), q)
    return float(-1 / np.log(slope))


def critical_sigma_w2(sigma_b2: float, lo: float = 1.0, hi: float = 4.0) -> float:
    """The σ_w² where χ₁ = 1 (the edge of chaos), by bisection."""
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if chi_1(mid, sigma_b2) < 1 else (lo, mid)
    return (lo + hi) / 2


def simulate(rng, sigma_w2: float, sigma_b2: float, width: int, depth: int):
    """q^l and c^l of two inputs through one random tanh network of `width` units:
    W ~ N(0, σ_w²/n), b ~ N(0, σ_b²), a fresh W and b per layer.

    Only the two inputs' pre-activations are needed, and given the layer's inputs a they are
    exactly Gaussian: unit j gets (a₀·W_j, a₁·W_j) with covariance (σ_w²/n) a aᵀ. So each layer
    draws 2 × width numbers instead of a width × width matrix."""
    x = rng.standard_normal((2, width))
    x[1] = 0.6 * x[0] + 0.8 * x[1]  # two inputs with correlation about 0.6
    qs, cs = [], []
    a = x
    for _ in range(depth):
        cov = a @ a.T * (sigma_w2 / width)
        root = np.linalg.cholesky(cov + 1e-12 * np.eye(2))  # jitter: c may round to exactly 1
        z = root @ rng.standard_normal((2, width)) + rng.standard_normal(width) * np.sqrt(sigma_b2)
        qs.append(float((z[0] ** 2).mean()))
        cs.append(float((z[0] * z[1]).mean() / np.sqrt((z[0] ** 2).mean() * (z[1] ** 2).mean())))
        a = np.tanh(z)
    return np.array(qs), np.array(cs)


# The claims, as the page states them, before any data.

_EXACT = "deterministic quadrature and bisection, no random draw"
CRITICAL = verdicts.declare(
    "mean_field",
    "critical",
    page=PAGE,
    claim="The critical $\\sigma_w^2$ of tanh networks at $\\sigma_b^2$ = 0.05",
    reported=f"≈ {PAPER_CRITICAL_SIGMA_W2} (as given to this page; the paper's text not checked)",
    quantity="$\\sigma_w^2$ where χ₁ = 1",
    region=verdicts.within(PAPER_CRITICAL_SIGMA_W2, 0.005, "within 1.76 ± 0.005 (two decimals)"),
    test="exact",
    exact=_EXACT,
    draws=1,
    fmt=".4f",
    says={
        "agrees": "The edge of chaos is at $\\sigma_w^2$ = {estimate}, the value quoted to two "
        "decimals.",
        "disagrees": "The edge of chaos is at $\\sigma_w^2$ = {estimate}, not at the value quoted.",
    },
    checked_by="test_mean_field.py::test_theory_verdicts_can_go_either_way",
)
CHAOTIC_PHASE = verdicts.declare(
    "mean_field",
    "chaotic_phase",
    page=PAGE,
    claim="Past the edge (χ₁ > 1) two inputs stop becoming identical: c* < 1",
    reported="yes",
    quantity="largest stable c* on the grid above the critical $\\sigma_w^2$",
    region=verdicts.below(1),
    test="exact",
    exact=_EXACT,
    draws=1,
    fmt=".4f",
    says={
        "agrees": "Past the edge every stable correlation is below 1 (at most {estimate}).",
        "disagrees": "Past the edge a stable correlation reaches {estimate}: no chaotic phase.",
    },
    checked_by="test_mean_field.py::test_theory_verdicts_can_go_either_way",
)
DIVERGES = verdicts.declare(
    "mean_field",
    "xi_c_diverges",
    page=PAGE,
    claim="$\\xi_c$ diverges at the edge of chaos",
    reported="yes",
    quantity="$\\xi_c$ at the grid point nearest the edge over the larger of $\\xi_c$ at "
    "$\\sigma_w^2$ = 1 and 4,",
    region=verdicts.above(10),
    test="exact",
    exact=_EXACT,
    draws=1,
    fmt=".0f",
    says={
        "agrees": "$\\xi_c$ peaks at the edge, {estimate} times its value away from it.",
        "disagrees": "$\\xi_c$ near the edge is only {estimate} times its value away from it.",
    },
    checked_by="test_mean_field.py::test_theory_verdicts_can_go_either_way",
)


@functools.cache
def finite_width_claim(sigma_w2: float) -> verdicts.Claim:
    """The claim that one finite network's variance settles at the recursion's q*, at sigma_w2."""
    return verdicts.declare(
        "mean_field",
        f"finite_width_q_{str(sigma_w2).replace('.', '_')}",
        page=PAGE,
        claim=f"A tanh network of width 1000 at $\\sigma_w^2$ = {sigma_w2} settles at the "
        "recursion's q*",
        reported="the mean-field limit (wide networks)",
        quantity="measured variance over q*, last half of the layers, mean over networks,",
        region=verdicts.within(1, 0.05),
        test="mean",
        draws=SIM_DRAWS,
        fmt=".3f",
        says={
            "agrees": f"At $\\sigma_w^2$ = {sigma_w2} the measured variance is "
            "{estimate} [{low}, {high}] of q*: the recursion holds at this width.",
            "disagrees": f"At $\\sigma_w^2$ = {sigma_w2} the measured variance is "
            "{estimate} [{low}, {high}] of q*: the recursion misses at this width.",
            "inconclusive": f"At $\\sigma_w^2$ = {sigma_w2} the measured variance, "
            "{estimate} [{low}, {high}] of q*, is too uncertain to judge the recursion.",
        },
        checked_by="test_mean_field.py::test_theory_verdicts_can_go_either_way",
    )


SIMULATED = (1.3, 2.5)
FINITE_WIDTH = {s: finite_width_claim(s) for s in SIMULATED}


@experiment(
    "mean_field",
    seed=0,
    sigma_b2=0.05,
    sigma_w2_min=1.0,
    sigma_w2_max=4.0,
    resolution=121,
    simulated=SIMULATED,
    width=1000,
    depth=30,
)
def mean_field(
    rng, sigma_b2, sigma_w2_min, sigma_w2_max, resolution, simulated, width, depth
) -> Result:
    """q*, χ₁, c*, ξ_q and ξ_c of tanh networks over σ_w², the critical σ_w², and a finite-width
    check."""
    res = Result(values={"width": width, "depth": depth, "sim_draws": SIM_DRAWS})
    depth_scales(res, sigma_b2, np.linspace(sigma_w2_min, sigma_w2_max, resolution))
    for s in simulated:
        finite_width(res, rng, s, sigma_b2, width, depth)
    return res


def depth_scales(res: Result, sigma_b2: float, grid: np.ndarray) -> None:
    """The theory over the grid of σ_w²: q*, χ₁, c*, ξ_q and ξ_c, the critical σ_w² where ξ_c
    diverges, and the two phases on either side, judged."""
    critical = critical_sigma_w2(sigma_b2)
    res.arrays.update(
        {
            "sigma_w2": grid,
            "q_star": q_star(grid, sigma_b2),
            "chi_1": chi_1(grid, sigma_b2),
            "c_star": np.array([c_star(s, sigma_b2) for s in grid]),
            "xi_c": np.array([xi_c(s, sigma_b2) for s in grid]),
            "xi_q": np.array([xi_q(s, sigma_b2) for s in grid]),
        }
    )
    ordered, chaotic = grid < critical, grid > critical
    near = np.abs(grid - critical)
    res.values.update(
        {
            "sigma_b2": sigma_b2,
            "critical_sigma_w2": critical,
            "sigma_w2_min": float(grid[0]),
            "sigma_w2_max": float(grid[-1]),
            "chi_1_first": float(res["chi_1"][0]),
            "chi_1_last": float(res["chi_1"][-1]),
            "xi_q_min": float(res["xi_q"].min()),
            "xi_q_max": float(res["xi_q"].max()),
            "c_star_ordered_min": float(res["c_star"][ordered].min()),
            "c_star_chaotic_max": float(res["c_star"][chaotic].max()),
            "xi_c_at_1": xi_c(1.0, sigma_b2),
            "xi_c_at_4": xi_c(4.0, sigma_b2),
            "xi_c_near_critical": float(res["xi_c"][np.argmin(near)]),
            "sigma_w2_near_critical": float(grid[np.argmin(near)]),
            "xi_c_peak_at": float(grid[np.argmax(res["xi_c"])]),
            "paper_critical_sigma_w2": PAPER_CRITICAL_SIGMA_W2,
        }
    )
    chaotic_c_max = res.values["c_star_chaotic_max"]
    divergence = res.values["xi_c_near_critical"] / max(
        res.values["xi_c_at_1"], res.values["xi_c_at_4"]
    )
    res.verdicts.update(
        verdicts.judged(
            [(CRITICAL, critical), (CHAOTIC_PHASE, chaotic_c_max), (DIVERGES, divergence)]
        )
    )


def finite_width(res: Result, rng, s: float, sigma_b2: float, width: int, depth: int) -> None:
    """One network of finite width at σ_w² = `s` against the recursions, layer by layer, and the
    settled variance over several draws, judged."""
    draws = [simulate(rng, s, sigma_b2, width, depth) for _ in range(SIM_DRAWS)]
    qs, cs = draws[0]
    key = f"sim{s:g}"
    q_theory, c_theory = [qs[0]], [cs[0]]  # the recursions, from the first layer as measured
    for _ in range(depth - 1):
        c_theory.append(correlation_map(c_theory[-1], q_theory[-1], s, sigma_b2))
        q_theory.append(float(s * gauss(lambda u: np.tanh(u) ** 2, q_theory[-1]) + sigma_b2))
    res.arrays.update(
        {
            f"{key}.q": qs,
            f"{key}.c": cs,
            f"{key}.q_theory": np.array(q_theory),
            f"{key}.c_theory": np.array(c_theory),
        }
    )
    tail = slice(depth // 2, None)
    star = float(q_star(s, sigma_b2))
    ratios = np.array([q[tail].mean() / star for q, _ in draws])
    res.arrays[f"{key}.q_ratio"] = ratios
    res.values.update(
        {
            f"{key}.sigma_w2": s,
            f"{key}.q_measured": float(qs[tail].mean()),
            f"{key}.q_star": star,
            f"{key}.c_measured": float(cs[tail].mean()),
            f"{key}.c_star": c_star(s, sigma_b2),
            f"{key}.c_first": float(cs[0]),
        }
    )
    res.verdicts.update(verdicts.judged([(finite_width_claim(s), ratios)]))


def lifted(rng, name: str, n_points: int, n_in: int):
    """A 2-D toy set, standardized and embedded in n_in dimensions by a fixed random projection."""
    X, y = data.toy(name, rng, n_points)
    P = rng.standard_normal((2, n_in)) / np.sqrt(2)
    return ((X / X.std()) @ P).astype(np.float32), y[:, 0].astype(int)


def _forward(Ws, bs, x, depth):
    """Every layer's activation of the stacked networks (tanh hidden layers, linear output)."""
    acts = [np.broadcast_to(x, (len(Ws[0]), *x.shape))]
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = acts[-1] @ W + b
        acts.append(np.tanh(z) if l < depth else z)
    return acts


def train_tanh_stack(rng, sigma_w2s, sigma_b2, depth, width, X, y, checkpoints, lr, batch_size):
    """Train one tanh network per entry of sigma_w2s at once (batched matmuls) by minibatch SGD;
    training accuracy at each checkpoint step, shape (checkpoints, networks)."""
    S, n_in, k = len(sigma_w2s), X.shape[1], int(y.max()) + 1
    std = np.sqrt(np.asarray(sigma_w2s, np.float32))[:, None, None]
    sizes = [n_in] + [width] * depth + [k]
    Ws = [
        (rng.standard_normal((S, a, b)) / np.sqrt(a) * std).astype(np.float32)
        for a, b in zip(sizes, sizes[1:])
    ]
    bs = [
        (rng.standard_normal((S, 1, b)) * np.sqrt(sigma_b2)).astype(np.float32) for b in sizes[1:]
    ]
    rows, accuracy = np.arange(batch_size), []
    with np.errstate(all="ignore"):  # a network that diverges is a result: its accuracy says so
        for step in range(1, max(checkpoints) + 1):
            idx = rng.integers(0, len(X), batch_size)
            acts = _forward(Ws, bs, X[idx], depth)
            p = np.exp(acts[-1] - acts[-1].max(-1, keepdims=True))
            dz = p / p.sum(-1, keepdims=True)
            dz[:, rows, y[idx]] -= 1  # softmax cross-entropy: dL/dz = (p − onehot(y)) / batch size
            dz /= batch_size
            for l in range(depth, -1, -1):
                dW, db = acts[l].transpose(0, 2, 1) @ dz, dz.sum(1, keepdims=True)
                if l > 0:
                    dz = (dz @ Ws[l].transpose(0, 2, 1)) * (1 - acts[l] ** 2)
                Ws[l] -= lr * dW
                bs[l] -= lr * db
            if step in checkpoints:
                accuracy.append((_forward(Ws, bs, X, depth)[-1].argmax(-1) == y).mean(-1))
    return np.array(accuracy)


def best_threshold_rule(feature: np.ndarray, trained: np.ndarray) -> tuple[float, np.ndarray]:
    """The rule "trains iff feature <= t" that classifies `trained` best, with t chosen on these
    very networks (so the rule is as good as a one-number rule can be here); t and its
    predictions. `feature` broadcasts against `trained`."""
    feature = np.broadcast_to(feature, trained.shape)
    candidates = [-np.inf, *np.unique(feature)]
    scores = [((feature <= t) == trained).mean() for t in candidates]
    t = candidates[int(np.argmax(scores))]
    return float(t), feature <= t


def _share_claim(key, claim, reported, quantity, region, says, draws):
    return verdicts.declare(
        "trainability",
        key,
        page=PAGE,
        claim=claim,
        reported=reported,
        quantity=quantity,
        region=region,
        test="share",
        draws=draws,
        fmt=".0%",
        says=says,
        checked_by="test_mean_field.py::test_trainability_verdicts_can_go_either_way",
    )


SIGMA_W2S = (0.5, 0.7, 0.9, 1.1, 1.3, 1.76, 3.0, 5.0, 10.0, 20.0)
DEPTHS = (6, 9, 13, 19, 28, 42, 63)
SEEDS = 2
_PLANNED_SHALLOW = np.array(DEPTHS)[:, None] < 6 * np.array([xi_c(s, 0.05) for s in SIGMA_W2S])
_PLANNED_ORDERED = np.array(SIGMA_W2S) < critical_sigma_w2(0.05)
PLANNED = {  # the networks each verdict is planned to rest on
    "beyond": int((~_PLANNED_SHALLOW).sum()) * SEEDS,
    "within": int(_PLANNED_SHALLOW.sum()) * SEEDS,
    "ordered": int(_PLANNED_ORDERED.sum()) * len(DEPTHS) * SEEDS,
    "chaotic": int((~_PLANNED_ORDERED).sum()) * len(DEPTHS) * SEEDS,
}
TRAINED_AT = 0.9  # training accuracy that counts as trained (chance 0.5)

BEYOND = _share_claim(
    "beyond_line",
    "Networks deeper than $6\\,\\xi_c$ do not train",
    "they do not",
    "share of the networks deeper than $6\\,\\xi_c$ that trained",
    verdicts.below(0.1),
    {
        "agrees": "Beyond the line almost nothing trains: {estimate} [{low}, {high}] of those "
        "networks did.",
        "disagrees": "Beyond the line networks do train: {estimate} [{low}, {high}] of them did.",
        "inconclusive": "Beyond the line {estimate} [{low}, {high}] of the networks trained, too "
        "uncertain to call the line a bound.",
    },
    PLANNED["beyond"],
)
WITHIN = _share_claim(
    "within_line",
    "Networks shallower than $6\\,\\xi_c$ train",
    "they do",
    "share of the networks shallower than $6\\,\\xi_c$ that trained",
    verdicts.above(0.9),
    {
        "agrees": "Within the line networks train: {estimate} [{low}, {high}] of them did.",
        "disagrees": "Within the line many networks do not train here: only {estimate} [{low}, "
        "{high}] of them did.",
        "inconclusive": "Within the line {estimate} [{low}, {high}] of the networks trained, "
        "not clearly most of them.",
    },
    PLANNED["within"],
)


def _beats_depth(side: str, phase: str):
    return verdicts.declare(
        "trainability",
        f"{side}_beats_depth",
        page=PAGE,
        claim=f"In the {phase} phase, depth measured in units of $\\xi_c$ tells the networks "
        "that train better than depth alone",
        reported="$\\xi_c$ sets the trainable depth",
        quantity="right by the best rule on depth/$\\xi_c$ minus right by the best rule on depth, "
        "per network, mean,",
        region=verdicts.above(0),
        test="mean",
        draws=PLANNED[side],
        fmt=".0%",
        says={
            "agrees": f"In the {phase} phase $\\xi_c$ carries what depth alone does not: the best "
            "rule on depth/$\\xi_c$ classifies {estimate} [{low}, {high}] more of the networks "
            "right than the best rule on depth.",
            "disagrees": f"In the {phase} phase depth alone does better than depth/$\\xi_c$: the "
            "best rule on depth/$\\xi_c$ classifies {estimate} [{low}, {high}] more of the "
            "networks right than the best rule on depth (fewer, when negative).",
            "inconclusive": f"In the {phase} phase the best rules on depth/$\\xi_c$ and on depth "
            "cannot be told apart: the first classifies {estimate} [{low}, {high}] more of the "
            "networks right.",
        },
        checked_by="test_mean_field.py::test_trainability_verdicts_can_go_either_way",
    )


ORDERED_BEATS_DEPTH = _beats_depth("ordered", "ordered")
CHAOTIC_BEATS_DEPTH = _beats_depth("chaotic", "chaotic")


def sides(sigma_w2: np.ndarray, critical: float) -> dict[str, np.ndarray]:
    """The σ_w² columns of each phase."""
    return {"ordered": sigma_w2 < critical, "chaotic": sigma_w2 > critical}


def rules(depths, six_xi_c, trained, side) -> dict[str, tuple[float, np.ndarray]]:
    """On the columns `side`, the best one-number rule on depth and on depth/ξ_c (6ξ_c/6 = ξ_c)."""
    depth = np.broadcast_to(depths[:, None, None], trained.shape)[:, side]
    in_xi = (depths[:, None] / (six_xi_c[None, :] / 6))[..., None]
    return {
        "depth": best_threshold_rule(depth, trained[:, side]),
        "xi": best_threshold_rule(np.broadcast_to(in_xi, trained.shape)[:, side], trained[:, side]),
    }


def trainability_verdicts(
    depths: np.ndarray, sigma_w2: np.ndarray, six_xi_c: np.ndarray, trained: np.ndarray, critical
) -> dict[str, dict]:
    """The trainability claims judged on trained[depth, σ_w², seed] (bools)."""
    shallow = np.broadcast_to((depths[:, None] < six_xi_c[None, :])[..., None], trained.shape)
    pairs = [(BEYOND, trained[~shallow]), (WITHIN, trained[shallow])]
    claims = {"ordered": ORDERED_BEATS_DEPTH, "chaotic": CHAOTIC_BEATS_DEPTH}
    for name, side in sides(sigma_w2, critical).items():
        found, truth = rules(depths, six_xi_c, trained, side), trained[:, side]
        right = {k: (predicted == truth).astype(float) for k, (_, predicted) in found.items()}
        pairs.append((claims[name], right["xi"] - right["depth"]))
    return verdicts.judged(pairs)


@experiment(
    "trainability",
    seed=0,
    sigma_b2=0.05,
    sigma_w2s=SIGMA_W2S,
    depths=DEPTHS,
    seeds=SEEDS,
    dataset="circle",
    width=32,
    n_points=1024,
    checkpoints=(400, 800),
    lr=0.02,
    batch_size=32,
    trained_at=TRAINED_AT,
)
def trainability(
    rng,
    sigma_b2,
    sigma_w2s,
    depths,
    seeds,
    dataset,
    width,
    n_points,
    checkpoints,
    lr,
    batch_size,
    trained_at,
) -> Result:
    """Training accuracy of tanh networks over σ_w² × depth (several seeds) on a lifted toy set,
    beside 6·ξ_c and the best depth-only rule."""
    X, y = lifted(rng, dataset, n_points, width)
    per_network = np.repeat(np.asarray(sigma_w2s, float), seeds)
    accuracy = np.stack(
        [
            train_tanh_stack(
                rng, per_network, sigma_b2, L, width, X, y, checkpoints, lr, batch_size
            )
            for L in depths
        ],
        axis=1,
    ).reshape(len(checkpoints), len(depths), len(sigma_w2s), seeds)
    depths_a, sigma = np.array(depths), np.array(sigma_w2s, float)
    six_xi = np.array([6 * xi_c(s, sigma_b2) for s in sigma_w2s])
    critical = critical_sigma_w2(sigma_b2)
    fine = fine_grid(min(sigma_w2s), max(sigma_w2s), critical)
    shallow = depths_a[:, None] < six_xi[None, :]
    res = Result(
        arrays={
            "sigma_w2": sigma,
            "depths": depths_a,
            "checkpoints": np.array(checkpoints),
            "accuracy": accuracy,  # (checkpoints, depths, σ_w², seeds)
            "six_xi_c": six_xi,
            "fine_sigma_w2": fine,
            "fine_six_xi_c": np.array([6 * xi_c(s, sigma_b2) for s in fine]),
        },
        values={
            "sigma_b2": sigma_b2,
            "dataset": dataset,
            "width": width,
            "n_points": n_points,
            "lr": lr,
            "batch_size": batch_size,
            "trained_at": trained_at,
            "seeds": seeds,
            "n_sigma": len(sigma_w2s),
            "n_depths": len(depths),
            "depth_min": min(depths),
            "depth_max": max(depths),
            "sigma_w2_min": min(sigma_w2s),
            "sigma_w2_max": max(sigma_w2s),
            "critical_sigma_w2": critical,
            "n_networks": int(accuracy[0].size),
            "n_deep": int((~shallow).sum()) * seeds,
            "n_shallow": int(shallow.sum()) * seeds,
            "chance": float(max(y.mean(), 1 - y.mean())),
            "steps_first": checkpoints[0],
            "steps_last": checkpoints[-1],
            "six_xi_c_first": float(six_xi[0]),
            "six_xi_c_last": float(six_xi[-1]),
        },
    )
    for steps, acc in zip(checkpoints, accuracy):
        deepest_trained(res, steps, acc >= trained_at, depths_a, shallow)
    final = accuracy[-1] >= trained_at
    deepest = res[f"steps{checkpoints[-1]}.deepest_trained"]
    phases(res, depths_a, sigma, six_xi, final, critical, deepest)
    res.verdicts.update(trainability_verdicts(depths_a, sigma, six_xi, final, critical))
    return res


def deepest_trained(res: Result, steps: int, trained: np.ndarray, depths, shallow) -> None:
    """After `steps`: the deepest network that trained per σ_w² (at least half of its seeds), and
    how many trained above and below 6·ξ_c."""
    mostly = trained.mean(-1) >= 0.5  # at least half the seeds trained, per depth and σ_w²
    deepest = np.array([depths[col].max() if col.any() else 0 for col in mostly.T])
    res.arrays[f"steps{steps}.deepest_trained"] = deepest
    res.values.update(
        {
            f"steps{steps}.steps": steps,
            f"steps{steps}.deep_trained": int((trained & ~shallow[..., None]).sum()),
            f"steps{steps}.shallow_trained": int((trained & shallow[..., None]).sum()),
        }
    )


def phases(res: Result, depths, sigma, six_xi, trained, critical, deepest) -> None:
    """On each side of the edge of chaos: the best rule on depth and on ξ_c for which networks
    train, and the range of the deepest trained depths; and the deepest at the edge itself."""
    for name, side in sides(sigma, critical).items():
        found = rules(depths, six_xi, trained, side)
        res.values[f"{name}.depth_rule"] = found["depth"][0]  # trains iff depth <= this
        res.values[f"{name}.xi_rule"] = found["xi"][0]  # trains iff depth <= this many ξ_c
        res.values[f"{name}.deepest_min"] = int(deepest[side].min())
        res.values[f"{name}.deepest_max"] = int(deepest[side].max())
    res.values["deepest_near_critical"] = int(deepest[np.argmin(np.abs(sigma - critical))])


def fine_grid(low: float, high: float, critical: float) -> np.ndarray:
    """σ_w² from `low` to `high` on a log scale, closer on both sides of the critical value, where
    6·ξ_c shoots up, and never on it."""
    return np.concatenate(
        [
            np.geomspace(low, critical - 1e-3, 200),
            np.geomspace(critical + 1e-3, high, 200),
        ]
    )
