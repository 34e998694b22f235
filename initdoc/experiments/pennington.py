"""Pennington, Schoenholz & Ganguli (2017): dynamical isometry. At the edge of chaos the squared
singular values of a deep network's input-output Jacobian have mean 1, and their variance grows
with depth as L (μ₂/μ₁² − 1 − s₁): orthogonal weights (s₁ = 0) keep tanh networks with a small q*
near isometry, Gaussian weights (s₁ = −1) and relu (μ₂/μ₁² = 2) do not."""

from __future__ import annotations

import functools
import math

import numpy as np

from initdoc import schemes
from initdoc.experiments.mean_field import d2_tanh, d_tanh, gauss
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

PAGE = "papers/pennington.md"
NETWORKS = 12  # independent networks per setting, each with one input
S1 = {"orthogonal": 0.0, "gaussian": -1.0}  # S-transform coefficient of W Wᵀ at mean 1
RELU_MOMENTS = (0.5, 0.5)  # relu'(h)² is 0 or 1, each with probability ½: μ₁ = μ₂ = ½
MARGIN = 0.2  # measured over predicted spread, accepted within 1 ± this
NEAR = (0.5, 2.0)  # a singular value "near 1" lies between these
SMALL = 0.1  # a singular value below this squeezes its direction to a tenth


def tanh_moments(q: float) -> tuple[float, float]:
    """μ₁ = ∫ Dz tanh'(√q z)² and μ₂ = ∫ Dz tanh'(√q z)⁴, the moments of D² at variance q."""
    return float(gauss(lambda u: d_tanh(u) ** 2, q)), float(gauss(lambda u: d_tanh(u) ** 4, q))


def critical_point(q: float) -> tuple[float, float]:
    """(σ_w², σ_b²) of the tanh network on the edge of chaos (χ₁ = σ_w² μ₁ = 1) whose variance map
    has the fixed point q* = q: σ_w² = 1/μ₁ and σ_b² = q − σ_w² ∫ Dz tanh(√q z)²."""
    sigma_w2 = 1 / tanh_moments(q)[0]
    return sigma_w2, q - sigma_w2 * float(gauss(lambda u: np.tanh(u) ** 2, q))


def length_slope(q: float) -> float:
    """The slope of the variance map at its fixed point q on the edge of chaos, 1 + σ_w² ∫ Dz
    tanh''(√q z) tanh(√q z): each layer shrinks a change of the signal's length by this factor."""
    return 1 + critical_point(q)[0] * float(gauss(lambda u: d2_tanh(u) * np.tanh(u), q))


def variance_per_layer(mu1: float, mu2: float, s1: float) -> float:
    """What each layer adds to the variance of JJᵀ's eigenvalues (mean 1): μ₂/μ₁² − 1 − s₁."""
    return mu2 / mu1**2 - 1 - s1


def spread(J: np.ndarray) -> float:
    """Var(λ)/mean(λ)² of the eigenvalues λ of JJᵀ (the spectrum rescaled to mean 1), from traces:
    mean λ = ‖J‖²/n and mean λ² = ‖JᵀJ‖²/n."""
    n = J.shape[0]
    m1 = np.sum(J * J) / n
    G = J.T @ J
    return float(np.sum(G * G) / n / m1**2 - 1)


def network(rng, activation: str, init: str, sigma_w2, sigma_b2, q, width, depths):
    """One network's Jacobian J = ∂h_L/∂h_0 (rows: inputs), built layer by layer from an input at
    the fixed point (h_0 ~ N(0, q)): its spread at each depth in `depths` and its singular values
    at the last one."""
    draw = schemes.orthogonal() if init == "orthogonal" else schemes.lecun_normal()
    h = rng.standard_normal(width) * math.sqrt(q)
    J = np.eye(width)
    spreads = []
    for l in range(1, max(depths) + 1):
        a = np.tanh(h) if activation == "tanh" else np.maximum(h, 0)
        d = d_tanh(h) if activation == "tanh" else (h > 0).astype(float)
        W = draw(rng, (width, width)) * math.sqrt(sigma_w2)
        J = (J * d) @ W  # x W convention: ∂h_l/∂h_0 = ∂h_{l−1}/∂h_0 · diag φ'(h_{l−1}) · W_l
        h = a @ W + rng.standard_normal(width) * math.sqrt(sigma_b2)
        if l in depths:
            spreads.append(spread(J))
    return np.array(spreads), np.linalg.svd(J, compute_uv=False)


def ratio(spreads: np.ndarray, depths, per_layer: float) -> np.ndarray:
    """Per network (row), the measured spread over the predicted L · per_layer, averaged over the
    depths (each depth weighs the same, so the deep ones, the noisiest, do not decide alone)."""
    return np.mean(spreads / (np.asarray(depths, float) * per_layer), axis=-1)


# The claims, as the page states them, before any data.


_claim = functools.partial(
    verdicts.declare,
    "pennington",
    page=PAGE,
    test="mean",
    draws=NETWORKS,
    fmt=".3f",
    checked_by="test_pennington.py::test_the_verdicts_can_go_either_way",
)


def _follows(what: str) -> dict[str, str]:
    """The sentences of a claim that the spread of `what` grows as the formula says."""
    return {
        "agrees": "For " + what + " the spread grows with depth at the rate the formula gives: "
        "measured over predicted {estimate} [{low}, {high}], {region}.",
        "disagrees": "For " + what + " the spread grows at {estimate} [{low}, {high}] times the "
        "rate the formula gives.",
        "inconclusive": "For " + what + " measured over predicted, {estimate} "
        "[{low}, {high}], is not settled against the margin.",
    }


_RATIO = (
    "measured Var(λ)/mean(λ)² over the predicted L (μ₂/μ₁² − 1 − s₁), averaged over the depths, "
)
ISOMETRY = _claim(
    "isometry",
    claim="Orthogonal weights on the edge of chaos with a small q* keep a deep tanh network's "
    "Jacobian close to an isometry",
    reported="dynamical isometry: all singular values near 1, at depth",
    quantity="Var(λ)/mean(λ)² of the eigenvalues of JJᵀ at the largest depth, tanh, orthogonal, "
    "small q*, mean over networks",
    region=verdicts.below(1.0, "below 1, the mean of the rescaled spectrum"),
    says={
        "agrees": "With orthogonal weights and a small q* the spectrum stays concentrated at "
        "depth: its variance is {estimate} [{low}, {high}] of its squared mean, {region}.",
        "disagrees": "With orthogonal weights and a small q* the spectrum spreads anyway: its "
        "variance is {estimate} [{low}, {high}] of its squared mean.",
        "inconclusive": "With orthogonal weights and a small q* the spectrum's variance, "
        "{estimate} [{low}, {high}] of its squared mean, is not settled against the margin.",
    },
)
GAUSSIAN_GROWS = _claim(
    "gaussian_grows",
    claim="Gaussian weights at the same point spread the spectrum in proportion to depth, as the "
    "formula with s₁ = −1 says",
    reported="Gaussian weights cannot reach dynamical isometry",
    quantity=_RATIO + "tanh, Gaussian, small q*, mean over networks",
    region=verdicts.within(1, MARGIN),
    says=_follows("Gaussian weights at the small q*"),
)
LARGE_Q_GROWS = _claim(
    "large_q_grows",
    claim="Orthogonal weights alone are not enough: with a large q* the spectrum of a tanh "
    "network spreads in proportion to depth too",
    reported="isometry needs q* → 0 as well as orthogonal weights",
    quantity=_RATIO + "tanh, orthogonal, large q*, mean over networks",
    region=verdicts.within(1, MARGIN),
    says=_follows("orthogonal weights at the large q*"),
)
RELU_GROWS = _claim(
    "relu_grows",
    claim="A relu network cannot reach isometry, not even with orthogonal weights: its spectrum "
    "spreads by one unit of variance per layer",
    reported="relu networks cannot achieve dynamical isometry",
    quantity=_RATIO + "relu, orthogonal, mean over networks",
    region=verdicts.within(1, MARGIN),
    says=_follows("relu with orthogonal weights"),
)


def judge(spreads: dict[str, np.ndarray], depths, per_layer: dict[str, float]) -> dict:
    """The claims judged on the spreads (networks × depths) of each setting."""

    def measured_over_predicted(case):
        return ratio(spreads[case], depths, per_layer[case])

    return verdicts.judged(
        [
            (ISOMETRY, spreads["tanh_small_orthogonal"][:, -1]),
            (GAUSSIAN_GROWS, measured_over_predicted("tanh_small_gaussian")),
            (LARGE_Q_GROWS, measured_over_predicted("tanh_large_orthogonal")),
            (RELU_GROWS, measured_over_predicted("relu_orthogonal")),
        ]
    )


@experiment(
    "pennington",
    seed=0,
    q_small=1 / 64,
    q_large=0.5,
    width=256,
    depth=64,
    networks=NETWORKS,
)
def pennington(rng, q_small, q_large, width, depth, networks) -> Result:
    """Spectra of the input-output Jacobians of tanh networks on the edge of chaos (a small and a
    large q*) and of relu networks under He, with orthogonal and Gaussian weights."""
    depths = tuple(2**k for k in range(int(math.log2(depth)) + 1))
    res = Result(
        arrays={"depths": np.array(depths)},
        values={
            "width": width,
            "depth": depth,
            "networks": networks,
            "margin": MARGIN,
            "near_low": NEAR[0],
            "near_high": NEAR[1],
            "small": SMALL,
        },
    )
    points = {"relu": ("relu", 2.0, 0.0, 1.0, RELU_MOMENTS)}
    for name, q in (("tanh_small", q_small), ("tanh_large", q_large)):
        sigma_w2, sigma_b2 = critical_point(q)
        points[name] = ("tanh", sigma_w2, sigma_b2, q, tanh_moments(q))
        res.values.update(
            {
                f"{name}.q_star": q,
                f"{name}.sigma_w2": sigma_w2,
                f"{name}.sigma_b2": sigma_b2,
                f"{name}.length_slope": length_slope(q),
                f"{name}.outlier_predicted": length_slope(q) ** depth,
            }
        )
    spreads, per_layer = {}, {}
    for name, (activation, sigma_w2, sigma_b2, q, (mu1, mu2)) in points.items():
        res.values[f"{name}.moment_ratio"] = mu2 / mu1**2
        for init, s1 in S1.items():
            case = f"{name}_{init}"
            runs = [
                network(rng, activation, init, sigma_w2, sigma_b2, q, width, depths)
                for _ in range(networks)
            ]
            spreads[case] = np.stack([s for s, _ in runs])
            singular = np.concatenate([sv for _, sv in runs])
            ordered = np.sort([sv for _, sv in runs], axis=1)
            per_layer[case] = variance_per_layer(mu1, mu2, s1)
            mean = spreads[case].mean(axis=0)
            res.arrays[f"{case}.spread"] = mean
            res.arrays[f"{case}.ratio_by_depth"] = mean / (np.array(depths) * per_layer[case])
            res.arrays[f"{case}.singular_values"] = singular
            res.values.update(
                {
                    f"{case}.per_layer": per_layer[case],
                    f"{case}.spread_last": float(mean[-1]),
                    f"{case}.predicted_last": per_layer[case] * depth,
                    f"{case}.ratio": float(np.mean(ratio(spreads[case], depths, per_layer[case]))),
                    f"{case}.near_one": float(np.mean((singular > NEAR[0]) & (singular < NEAR[1]))),
                    f"{case}.below_tenth": float(np.mean(singular < SMALL)),
                    f"{case}.smallest_min": float(ordered[:, 0].min()),
                    f"{case}.smallest_max": float(ordered[:, 0].max()),
                    f"{case}.second_smallest_min": float(ordered[:, 1].min()),
                    f"{case}.largest_max": float(ordered[:, -1].max()),
                }
            )
    res.verdicts.update(judge(spreads, depths, per_layer))
    return res
