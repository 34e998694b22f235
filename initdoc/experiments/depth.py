"""Vanishing and exploding through depth: linear networks whose W are s·I or random, measured
and trained."""

from __future__ import annotations

import numpy as np
import sympy

from initdoc import nn, schemes, train
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

SCALES = (0.5, 1.0, 1.5)  # W = s·I in every layer
TARGET = np.array(
    [[1.5, 0.5], [0.5, 0.8]]
)  # the map x -> x M the network learns (symmetric, positive definite)
RANDOM_CASES = {
    "0.5": 0.5,
    "1": 1.0,
    "1.5": 1.5,
    "orthogonal": None,
}  # std·sqrt(n), or an orthogonal W
PERCENTILES = (10, 90)  # the band of the draws that the page and figure show


def regression(rng, m: int, noise: float):
    """m inputs x ~ N(0, I₂), targets y = x M + noise, and the least-squares minimum of the cost."""
    X = rng.standard_normal((m, 2))
    Y = X @ TARGET + noise * rng.standard_normal((m, 2))
    Xb = np.hstack([X, np.ones((m, 1))])  # the network has biases: the best it can do is affine
    best = np.linalg.lstsq(Xb, Y, rcond=None)[0]
    min_cost = 0.5 * np.sum((Xb @ best - Y) ** 2) / m
    return X, Y, best[:2], float(min_cost)


def rank_one_excess(X: np.ndarray, M_hat: np.ndarray) -> float:
    """The least excess cost of a product P whose det has the wrong sign (or is 0):
    ½ σ_min(C^½ M̂)²."""
    C = X.T @ X / len(X)
    vals, vecs = np.linalg.eigh(C)
    root = vecs @ np.diag(np.sqrt(vals)) @ vecs.T
    return float(0.5 * np.linalg.svd(root @ M_hat, compute_uv=False)[-1] ** 2)


def linear_net(scale: float, depth: int, width: int = 2):
    """depth layers, each W = scale·I and b = 0, identity activations."""
    params = nn.init_params(
        np.random.default_rng(0), [width] * (depth + 1), schemes.identity(scale)
    )
    return params, ["identity"] * depth


def product(params) -> np.ndarray:
    """P = W^[1] W^[2] ... W^[L], so that the network maps x to x P (+ biases)."""
    P = np.eye(params[0][0].shape[0])
    for W, _ in params:
        P = P @ W
    return P


def _flat_grad(params, activations, X, Y) -> np.ndarray:
    rec = nn.forward(params, activations, X)
    return np.concatenate(
        [g.ravel() for pair in nn.backward(params, rec, Y, "mse").params for g in pair]
    )


def top_curvature(params, activations, X, Y, h: float = 1e-6) -> float:
    """The largest eigenvalue of the cost's Hessian, by central differences of the gradient."""
    flat = [p for pair in params for p in pair]
    sizes = [p.size for p in flat]
    theta = np.concatenate([p.ravel() for p in flat])

    def unflat(t):
        parts = np.split(t, np.cumsum(sizes)[:-1])
        arrays = [part.reshape(p.shape) for part, p in zip(parts, flat)]
        return list(zip(arrays[0::2], arrays[1::2]))

    H = np.empty((theta.size, theta.size))
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        H[i] = (
            _flat_grad(unflat(theta + e), activations, X, Y)
            - _flat_grad(unflat(theta - e), activations, X, Y)
        ) / (2 * h)
    return float(np.linalg.eigvalsh((H + H.T) / 2)[-1])


def rms(a: np.ndarray) -> float:
    return float(np.sqrt(np.mean(a**2)))


def _first(mask: np.ndarray) -> int:
    """The first index where mask holds, or -1."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else -1


EXPONENTIAL = verdicts.declare(
    "depth_linear",
    "exponential",
    page="depth.md",
    claim="The values of ŷ grow exponentially with L from W = 1.5 I, and shrink from 0.5 I",
    reported="the source article",
    quantity="largest relative difference between output/input and s^L, over s = 0.5, 1, 1.5,",
    region=verdicts.below(1e-9),
    test="exact",
    exact="multiplying by s·I has no randomness: the output is s^L x, up to rounding",
    draws=1,
    fmt=".0e",
    says={
        "agrees": "True, exactly: the output is $s^L$ times the input for every $s$, to within "
        "{estimate}, which is rounding.",
        "disagrees": "Not as derived: the output differs from $s^L$ times the input by {estimate}.",
    },
    checked_by="test_depth.py::test_the_exponential_verdict_can_go_either_way",
)


def exponential_deviation(measured: dict[float, float], depth: int) -> float:
    """The largest relative difference between a measured output factor and s^depth."""
    return max(abs(factor / s**depth - 1) for s, factor in measured.items())


def closed_form(res: Result, X, Y, depth: int, m: int) -> None:
    """The closed form: per scale, the signal forward, the gradient backward and the weight
    gradients per layer, measured and predicted."""
    layers = res["layers"]
    for s in SCALES:
        key = f"s{s:g}"
        params, activations = linear_net(s, depth)
        rec = nn.forward(params, activations, X)
        g = nn.backward(params, rec, Y, "mse")
        forward = np.array([rms(a) for a in rec.a]) / rms(X)
        backward = np.array([rms(d) for d in g.da]) / rms(g.da[depth])
        dW = np.array([np.linalg.norm(dW) for dW, _ in g.params])
        predicted_dW = s ** (depth - 1) * np.linalg.norm(X.T @ (s**depth * X - Y)) / m
        res.arrays.update(
            {
                f"{key}.forward": forward,
                f"{key}.forward_predicted": s**layers,
                f"{key}.backward": backward,
                f"{key}.backward_predicted": s ** (depth - layers),
                f"{key}.dW": dW,
            }
        )
        res.values.update(
            {
                f"{key}.output_factor": float(forward[-1]),
                f"{key}.output_predicted": s**depth,
                f"{key}.input_grad_factor": float(backward[0]),
                f"{key}.input_grad_predicted": s**depth,
                f"{key}.dW": float(dW[0]),
                f"{key}.dW_predicted": float(predicted_dW),
                f"{key}.dW_spread": float(dW.max() / dW.min()),
            }
        )
    measured = {s: res.values[f"s{s:g}.output_factor"] for s in SCALES}
    res.verdicts.update(verdicts.judged([(EXPONENTIAL, exponential_deviation(measured, depth))]))
    res.values["dW_ratio_1_to_0.5"] = res.values["s1.dW"] / res.values["s0.5.dW"]
    res.values["dW_ratio_1.5_to_1"] = res.values["s1.5.dW"] / res.values["s1.dW"]


def training(res: Result, X, Y, depth: int, lr: float, steps: int, tolerance: float) -> None:
    """What it does to training: each start trained at one learning rate, and how long the
    shrinking start rests on the rank-one plateau."""
    min_cost = res.values["min_cost"]
    for s in SCALES:
        key = f"s{s:g}"
        params, activations = linear_net(s, depth)
        run = train.train(params, activations, "mse", X, Y, optimizer=train.SGD(lr), steps=steps)
        excess = run.costs - min_cost
        res.arrays[f"{key}.excess"] = excess
        res.values.update(
            {
                f"{key}.initial_cost": float(run.costs[0]),
                f"{key}.diverged": run.diverged,
                f"{key}.diverged_at": -1 if run.diverged_at is None else run.diverged_at,
                f"{key}.steps_to_min": _first(excess < tolerance * min_cost),
                f"{key}.steps_to_leave_start": _first(run.costs < 0.9 * run.costs[0]),
            }
        )
        if not run.diverged:
            res.values[f"{key}.final_excess"] = float(excess[-1])
    e = res["s0.5.excess"]
    on_second = np.abs(e / res.values["rank_one_excess"] - 1) < 0.1
    res.values["s0.5.steps_on_second_plateau"] = int(on_second.sum())
    res.values["s0.5.second_plateau_excess"] = (
        float(np.median(e[on_second])) if on_second.any() else -1.0
    )


@experiment("depth_linear", seed=0, depth=9, m=200, noise=0.1, lr=0.01, steps=5000, tolerance=0.01)
def depth_linear(rng, depth, m, noise, lr, steps, tolerance) -> Result:
    """The 9-layer, 2-unit linear network from W = s·I: signals per layer, then training at one
    learning rate."""
    X, Y, M_hat, min_cost = regression(rng, m, noise)
    res = Result(
        arrays={"layers": np.arange(depth + 1)},
        values={
            "depth": depth,
            "m": m,
            "noise": noise,
            "lr": lr,
            "steps": steps,
            "min_cost": min_cost,
            "tolerance": tolerance,
            "rank_one_excess": rank_one_excess(X, M_hat),
            "target_sigma_max": float(np.linalg.svd(M_hat, compute_uv=False)[0]),
            "target_sigma_min": float(np.linalg.svd(M_hat, compute_uv=False)[-1]),
            "scale_small": min(SCALES),
            "scale_large": max(SCALES),
        },
    )
    closed_form(res, X, Y, depth, m)
    training(res, X, Y, depth, lr, steps, tolerance)
    return res


@experiment(
    "depth_lr_sweep",
    seed=0,
    depth=9,
    m=200,
    noise=0.1,
    steps=3000,
    tolerance=0.01,
    lrs=(1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1),
    window=200,
)
def depth_lr_sweep(rng, depth, m, noise, steps, tolerance, lrs, window) -> Result:
    """Each start W = s·I trained at each learning rate: where it ends, and the curvature limits
    2/λ_max."""
    X, Y, M_hat, min_cost = regression(rng, m, noise)
    res = Result(
        arrays={"lrs": np.array(lrs)},
        values={
            "steps": steps,
            "min_cost": min_cost,
            "tolerance": tolerance,
            "window": window,
            "rank_one_excess": rank_one_excess(X, M_hat),
            "scale_small": min(SCALES),
            "scale_large": max(SCALES),
            "lr_min": min(lrs),
            "lr_max": max(lrs),
        },
    )
    for s in SCALES:
        params, activations = linear_net(s, depth)
        res.values[f"s{s:g}.lr_limit_at_start"] = 2 / top_curvature(params, activations, X, Y)
        every_rate(res, s, X, Y, depth, lrs, steps, tolerance, window)
    solved, activations = linear_net(1.0, depth)
    solved = train.train(
        solved, activations, "mse", X, Y, optimizer=train.SGD(0.01), steps=steps
    ).final_params
    res.values["lr_limit_at_minimum"] = 2 / top_curvature(solved, activations, X, Y)
    return res


def every_rate(res: Result, s: float, X, Y, depth, lrs, steps, tolerance, window) -> None:
    """Every start, every learning rate: the start W = s·I trained at each rate, how each run
    ended, and the range of rates that reach the minimum."""
    key, min_cost = f"s{s:g}", res.values["min_cost"]
    params, activations = linear_net(s, depth)
    finals, outcomes, first_step_drops = [], [], []
    for lr in lrs:
        run = train.train(params, activations, "mse", X, Y, optimizer=train.SGD(lr), steps=steps)
        excess = run.costs - min_cost
        rises = np.diff(run.costs) > 1e-9 * run.costs[:-1]  # a real increase, not rounding
        det = np.linalg.det(product(run.final_params)) if not run.diverged else 0.0
        if run.diverged:
            outcome = "diverged"
        elif excess[-1] < tolerance * min_cost:
            outcome = "minimum"
        elif rises[-window:].sum() > window // 4:
            outcome = "oscillating"
        elif det * np.linalg.det(TARGET) < 0:
            outcome = "trapped"
        else:
            outcome = "above minimum"
        if not run.diverged:
            first_step_drops.append(run.costs[0] / run.costs[1])
        finals.append(excess[-1])
        outcomes.append(outcome)
        res.arrays[f"{key}.lr{lr:g}.costs"] = run.costs
        res.values.update(
            {
                f"{key}.lr{lr:g}.outcome": outcome,
                f"{key}.lr{lr:g}.final_excess": float(excess[-1]) if not run.diverged else -1.0,
                f"{key}.lr{lr:g}.diverged_at": -1 if run.diverged_at is None else run.diverged_at,
                f"{key}.lr{lr:g}.steps_to_min": _first(excess < tolerance * min_cost),
                f"{key}.lr{lr:g}.rises": int(rises.sum()),
                f"{key}.lr{lr:g}.cost_after_one_step": float(run.costs[1]),
                f"{key}.lr{lr:g}.det_sign": float(np.sign(det)),
            }
        )
    res.arrays.update(
        {f"{key}.final_excess": np.array(finals), f"{key}.outcome": np.array(outcomes)}
    )
    reaching = [lr for lr, outcome in zip(lrs, outcomes) if outcome == "minimum"]
    diverging = [lr for lr, outcome in zip(lrs, outcomes) if outcome == "diverged"]
    res.values.update(
        {
            f"{key}.min_lr_low": min(reaching, default=-1.0),
            f"{key}.min_lr_high": max(reaching, default=-1.0),
            f"{key}.diverged_lr_low": min(diverging, default=-1.0),
            f"{key}.first_step_drop": float(max(first_step_drops, default=-1.0)),
        }
    )


def _digamma(x: float, order: int) -> float:
    return float(sympy.polygamma(order, sympy.Rational(x)).evalf())


@experiment("depth_random", seed=0, width=64, depth=50, draws=150, shown_at=9)
def depth_random(rng, width, depth, draws, shown_at) -> Result:
    """Products of random n×n matrices, Gaussian with std s/√n or orthogonal: how far each draw
    strays."""
    layers = np.arange(depth + 1)
    # log(|Wx|²/|x|²) for W ~ N(0, s²/n) is log(s²) + log(χ²_n / n): mean and variance from the
    # digamma functions.
    drift = _digamma(width / 2, 0) - np.log(width / 2)
    spread = _digamma(width / 2, 1)
    res = Result(
        arrays={
            "layers": layers,
            "log_std_predicted": np.sqrt(layers * spread) / 2,
            "geo_mean_predicted": np.exp(layers * drift / 2),
        },
        values={
            "width": width,
            "depth": depth,
            "draws": draws,
            "shown_at": shown_at,
            "gain_small": min(s for s in RANDOM_CASES.values() if s),
            "gain_large": max(s for s in RANDOM_CASES.values() if s),
            "low_percentile": PERCENTILES[0],
            "high_percentile": PERCENTILES[1],
        },
    )
    for case, s in RANDOM_CASES.items():
        init = schemes.orthogonal() if s is None else schemes.normal(0.0, s / np.sqrt(width))
        forward = np.empty((draws, depth + 1))
        backward = np.empty((draws, depth + 1))
        for d in range(draws):
            params = nn.init_params(rng, [width] * (depth + 1), init)
            x, grad_out = rng.standard_normal((2, 1, width))
            rec = nn.forward(params, ["identity"] * depth, x)
            # target a[L] - g makes dL/da[L] = g: an independent random output gradient to
            # backpropagate
            da = nn.backward(params, rec, rec.a[-1] - grad_out, "mse").da
            forward[d] = [np.linalg.norm(a) for a in rec.a]
            backward[d] = [
                np.linalg.norm(v) for v in da[::-1]
            ]  # indexed by layers travelled back from the output
        log_f = np.log(forward / forward[:, :1])
        log_b = np.log(backward / backward[:, :1])
        gain = 1.0 if s is None else s
        res.arrays.update({f"{case}.log_forward": log_f, f"{case}.log_backward": log_b})
        low, high = PERCENTILES
        for l in (shown_at, depth):
            res.values.update(
                {
                    f"{case}.l{l}.mean_square": float(np.mean(np.exp(2 * log_f[:, l]))),
                    f"{case}.l{l}.mean_square_predicted": gain ** (2 * l),
                    f"{case}.l{l}.geo_mean": float(np.exp(np.mean(log_f[:, l]))),
                    f"{case}.l{l}.geo_mean_predicted": float(gain**l * np.exp(l * drift / 2))
                    if s
                    else 1.0,
                    f"{case}.l{l}.log_std": float(np.std(log_f[:, l])),
                    f"{case}.l{l}.log_std_backward": float(np.std(log_b[:, l])),
                    f"{case}.l{l}.log_std_predicted": float(np.sqrt(l * spread) / 2) if s else 0.0,
                    f"{case}.l{l}.p10": float(np.exp(np.percentile(log_f[:, l], low))),
                    f"{case}.l{l}.p90": float(np.exp(np.percentile(log_f[:, l], high))),
                }
            )
    return res
