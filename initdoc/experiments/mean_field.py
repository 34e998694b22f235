"""Schoenholz et al. (2017), 'Deep Information Propagation': the mean-field depth scales of tanh networks, and
a trainability map over σ_w² and depth with 6·ξ_c drawn on it."""

from __future__ import annotations

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from initdoc import data
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

_z, _w = hermegauss(101)
NODES, WEIGHTS = (
    _z,
    _w / np.sqrt(2 * np.pi),
)  # ∫ Dz f(z) ≈ Σ WEIGHTS · f(NODES), Dz the standard normal measure
Z1, Z2 = np.meshgrid(NODES, NODES, indexing="ij")
WEIGHTS_2D = np.outer(WEIGHTS, WEIGHTS)


PAPER_CRITICAL_SIGMA_W2 = (
    1.76  # tanh, σ_b² = 0.05: the paper's value as given to us, not checked against its text
)


def verdict(holds: bool) -> str:
    """A claim's verdict as the page's table shows it."""
    return "yes" if holds else "no"


def share_verdict(holding: int, total: int) -> str:
    """'yes' if a claim holds in every case, 'partly' if in more than half, else 'no'."""
    return "yes" if holding == total else "partly" if holding > total / 2 else "no"


def d_tanh(x):
    return 1 / np.cosh(x) ** 2


def d2_tanh(x):
    return -2 * np.tanh(x) / np.cosh(x) ** 2


def gauss(f, q):
    """∫ Dz f(√q z), for an array of variances q."""
    return (WEIGHTS * f(np.sqrt(np.asarray(q, float))[..., None] * NODES)).sum(-1)


def q_star(sigma_w2, sigma_b2: float, iterations: int = 1000):
    """The fixed point of the variance map q ← σ_w² ∫ Dz tanh(√q z)² + σ_b², from q = 1."""
    sigma_w2 = np.asarray(sigma_w2, float)
    q = np.ones_like(sigma_w2)
    for _ in range(iterations):
        q = sigma_w2 * gauss(lambda u: np.tanh(u) ** 2, q) + sigma_b2
    return q


def chi_1(sigma_w2, sigma_b2: float):
    """χ₁ = σ_w² ∫ Dz [tanh'(√q* z)]², the slope of the correlation map at c = 1."""
    return np.asarray(sigma_w2, float) * gauss(lambda u: d_tanh(u) ** 2, q_star(sigma_w2, sigma_b2))


def _pair(c: float, q: float):
    """The two pre-activations u₁ = √q z₁ and u₂ = √q (c z₁ + √(1 − c²) z₂) on the quadrature grid."""
    return np.sqrt(q) * Z1, np.sqrt(q) * (c * Z1 + np.sqrt(max(1 - c * c, 0.0)) * Z2)


def correlation_map(c: float, q: float, sigma_w2: float, sigma_b2: float) -> float:
    """The next layer's correlation of two inputs that both have variance q and correlation c."""
    u1, u2 = _pair(c, q)
    q_ab = sigma_w2 * (WEIGHTS_2D * np.tanh(u1) * np.tanh(u2)).sum() + sigma_b2
    return float(q_ab / (sigma_w2 * gauss(lambda u: np.tanh(u) ** 2, q) + sigma_b2))


def c_star(sigma_w2: float, sigma_b2: float) -> float:
    """The stable fixed point of the correlation map: 1 when χ₁ ≤ 1, else the root in [0, 1) by bisection."""
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
    """ξ_c = −1 / ln(σ_w² ∫ Dz₁ Dz₂ tanh'(u₁) tanh'(u₂)) at (q*, c*): correlations settle as e^(−l/ξ_c)."""
    u1, u2 = _pair(c_star(sigma_w2, sigma_b2), float(q_star(sigma_w2, sigma_b2)))
    chi_c = sigma_w2 * (WEIGHTS_2D * d_tanh(u1) * d_tanh(u2)).sum()
    return float(-1 / np.log(chi_c))


def xi_q(sigma_w2: float, sigma_b2: float) -> float:
    """ξ_q = −1 / ln(χ₁ + σ_w² ∫ Dz tanh''(√q* z) tanh(√q* z)): the variance settles as e^(−l/ξ_q)."""
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
    """q^l and c^l of two inputs through one random tanh network of `width` units: W ~ N(0, σ_w²/n), b ~ N(0, σ_b²)."""
    x = rng.standard_normal((2, width))
    x[1] = 0.6 * x[0] + 0.8 * x[1]  # two inputs with correlation about 0.6
    qs, cs = [], []
    a = x
    for _ in range(depth):
        W = rng.standard_normal((width, width)) * np.sqrt(sigma_w2 / width)
        z = a @ W + rng.standard_normal(width) * np.sqrt(sigma_b2)
        qs.append(float((z[0] ** 2).mean()))
        cs.append(float((z[0] * z[1]).mean() / np.sqrt((z[0] ** 2).mean() * (z[1] ** 2).mean())))
        a = np.tanh(z)
    return np.array(qs), np.array(cs)


@experiment(
    "mean_field",
    seed=0,
    sigma_b2=0.05,
    sigma_w2_min=1.0,
    sigma_w2_max=4.0,
    resolution=121,
    simulated=(1.3, 2.5),
    width=1000,
    depth=30,
)
def mean_field(
    rng, sigma_b2, sigma_w2_min, sigma_w2_max, resolution, simulated, width, depth
) -> Result:
    """q*, χ₁, c*, ξ_q and ξ_c of tanh networks over σ_w², the critical σ_w², and a finite-width check."""
    grid = np.linspace(sigma_w2_min, sigma_w2_max, resolution)
    critical = critical_sigma_w2(sigma_b2)
    res = Result(
        arrays={
            "sigma_w2": grid,
            "q_star": q_star(grid, sigma_b2),
            "chi_1": chi_1(grid, sigma_b2),
            "c_star": np.array([c_star(s, sigma_b2) for s in grid]),
            "xi_c": np.array([xi_c(s, sigma_b2) for s in grid]),
            "xi_q": np.array([xi_q(s, sigma_b2) for s in grid]),
        },
        values={
            "sigma_b2": sigma_b2,
            "critical_sigma_w2": critical,
            "width": width,
            "depth": depth,
        },
    )
    ordered, chaotic = grid < critical, grid > critical
    near = np.abs(grid - critical)
    res.values.update(
        {
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
    res.values.update(
        {
            "critical_agrees": verdict(abs(critical - PAPER_CRITICAL_SIGMA_W2) < 0.005),
            "phases_agree": verdict(
                res.values["c_star_ordered_min"] == 1.0 and res.values["c_star_chaotic_max"] < 1
            ),
            "divergence_agrees": verdict(
                abs(res.values["xi_c_peak_at"] - critical) <= grid[1] - grid[0]
                and res.values["xi_c_near_critical"]
                > 10 * max(res.values["xi_c_at_1"], res.values["xi_c_at_4"])
            ),
        }
    )
    for s in simulated:
        qs, cs = simulate(rng, s, sigma_b2, width, depth)
        key = f"sim{s:g}"
        q_theory, c_theory = (
            [qs[0]],
            [cs[0]],
        )  # the recursions, started from the first layer as measured
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
        res.values.update(
            {
                f"{key}.sigma_w2": s,
                f"{key}.q_measured": float(qs[tail].mean()),
                f"{key}.q_star": float(q_star(s, sigma_b2)),
                f"{key}.c_measured": float(cs[tail].mean()),
                f"{key}.c_star": c_star(s, sigma_b2),
            }
        )
    return res


def lifted_spiral(rng, n_points: int, n_in: int):
    """The 2-D spiral set, standardized and embedded in n_in dimensions by a fixed random projection."""
    X, y = data.spiral(rng, n_points)
    P = rng.standard_normal((2, n_in)) / np.sqrt(2)
    return ((X / X.std()) @ P).astype(np.float32), y[:, 0].astype(int)


def _forward(Ws, bs, x, depth):
    """Every layer's activation of the stacked networks (tanh hidden layers, linear output) on inputs x."""
    acts = [np.broadcast_to(x, (len(Ws[0]), *x.shape))]
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = acts[-1] @ W + b
        acts.append(np.tanh(z) if l < depth else z)
    return acts


def train_tanh_stack(rng, sigma_w2s, sigma_b2, depth, width, X, y, checkpoints, lr, batch_size):
    """Train one tanh network per σ_w² at once (batched matmuls) by minibatch SGD; training accuracy at each
    checkpoint step, shape (checkpoints, σ_w²)."""
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


SIGMA_W2S = tuple(round(float(s), 3) for s in np.linspace(1.0, 4.0, 10))


@experiment(
    "trainability",
    seed=0,
    sigma_b2=0.05,
    sigma_w2s=SIGMA_W2S,
    depths=(5, 10, 15, 20, 30, 40, 50, 60),
    width=64,
    n_points=2048,
    checkpoints=(150, 600),
    lr=0.02,
    batch_size=64,
    trained_at=0.9,
    chaotic_from=3.0,
)
def trainability(
    rng,
    sigma_b2,
    sigma_w2s,
    depths,
    width,
    n_points,
    checkpoints,
    lr,
    batch_size,
    trained_at,
    chaotic_from,
) -> Result:
    """Training accuracy of tanh networks over a grid of σ_w² × depth on the lifted spiral, beside 6·ξ_c."""
    X, y = lifted_spiral(rng, n_points, width)
    accuracy = np.stack(
        [
            train_tanh_stack(rng, sigma_w2s, sigma_b2, L, width, X, y, checkpoints, lr, batch_size)
            for L in depths
        ],
        axis=1,
    )  # (checkpoints, depths, σ_w²)
    six_xi = np.array([6 * xi_c(s, sigma_b2) for s in sigma_w2s])
    shallow = np.array(depths)[:, None] < six_xi[None, :]
    fine = np.linspace(min(sigma_w2s), max(sigma_w2s), 301)
    res = Result(
        arrays={
            "sigma_w2": np.array(sigma_w2s),
            "depths": np.array(depths),
            "checkpoints": np.array(checkpoints),
            "accuracy": accuracy,
            "six_xi_c": six_xi,
            "fine_sigma_w2": fine,
            "fine_six_xi_c": np.array([6 * xi_c(s, sigma_b2) for s in fine]),
        },
        values={
            "sigma_b2": sigma_b2,
            "width": width,
            "n_points": n_points,
            "lr": lr,
            "batch_size": batch_size,
            "trained_at": trained_at,
            "n_sigma": len(sigma_w2s),
            "n_depths": len(depths),
            "depth_min": min(depths),
            "depth_max": max(depths),
            "sigma_w2_min": min(sigma_w2s),
            "sigma_w2_max": max(sigma_w2s),
            "n_cells": int(shallow.size),
            "n_deep": int((~shallow).sum()),
            "n_shallow": int(shallow.sum()),
            "chance": float(max(y.mean(), 1 - y.mean())),
            "chaotic_from": chaotic_from,
            "chaotic_six_xi_c_min": float(six_xi[np.array(sigma_w2s) >= chaotic_from].min()),
        },
    )
    for steps, acc in zip(checkpoints, accuracy):
        trained = acc >= trained_at
        res.values.update(
            {
                f"steps{steps}.steps": steps,
                f"steps{steps}.deep_trained": int((trained & ~shallow).sum()),
                f"steps{steps}.shallow_trained": int((trained & shallow).sum()),
                f"steps{steps}.deep_accuracy_max": float(acc[~shallow].max()),
                f"steps{steps}.agreement": float((trained == shallow).mean()),
                f"steps{steps}.deep_agrees": share_verdict(
                    int((~trained & ~shallow).sum()), int((~shallow).sum())
                ),
                f"steps{steps}.shallow_agrees": share_verdict(
                    int((trained & shallow).sum()), int(shallow.sum())
                ),
            }
        )
        deepest = np.array(
            [max([d for d, t in zip(depths, column) if t], default=0) for column in trained.T]
        )
        res.arrays[f"steps{steps}.deepest_trained"] = deepest
        res.values[f"steps{steps}.chaotic_deepest_trained"] = int(
            deepest[np.array(sigma_w2s) >= chaotic_from].max()
        )
        d, k = np.unravel_index(
            np.argmax(np.where(shallow, -np.inf, acc)), acc.shape
        )  # the best deep network
        res.values.update(
            {
                f"steps{steps}.deep_best_depth": int(depths[d]),
                f"steps{steps}.deep_best_sigma_w2": float(sigma_w2s[k]),
                f"steps{steps}.deep_best_six_xi_c": float(six_xi[k]),
            }
        )
    return res
