"""Saxe, McClelland & Ganguli (2014): deep linear networks learn in a depth-independent number of epochs from
orthogonal weights but not from scaled Gaussian ones, because products of Gaussian matrices are far from isometries."""

from __future__ import annotations

import numpy as np

from initdoc import schemes
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

INITS = {
    "gaussian": schemes.lecun_normal(),
    "orthogonal": schemes.orthogonal(),
}  # N(0, 1/n) and W^T W = I


def verdict(full: bool, part: bool = False) -> str:
    """A claim's verdict as the page's table shows it: 'yes', 'partly' or 'no'."""
    return "yes" if full else "partly" if part else "no"


def product(Ws: list[np.ndarray]) -> np.ndarray:
    """W_tot = W1 W2 ... W_D, stacked over the leading axis (x @ W convention: the net maps x to x W_tot)."""
    P = Ws[0]
    for W in Ws[1:]:
        P = P @ W
    return P


def epochs_to_threshold(
    Ws: list[np.ndarray], T: np.ndarray, lrs: np.ndarray, threshold: float, max_epochs: int
):
    """Full-batch gradient descent on E = ½‖T − W_tot‖² (whitened inputs) for every learning rate at once.

    Ws[l] has shape (rates, n, n). Returns, per learning rate, the first epoch at which E ≤ threshold · E(W = 0),
    or -1 if it never got there within max_epochs (or diverged).
    """
    target = threshold * 0.5 * np.sum(T**2)
    Ws = [W.copy() for W in Ws]
    reached = np.full(len(lrs), -1)
    eta = lrs[:, None, None]
    with np.errstate(
        all="ignore"
    ):  # a rate that diverges is recorded as never reaching the threshold
        for epoch in range(max_epochs + 1):
            prefix = [Ws[0]]  # W1 ... W_l
            for W in Ws[1:]:
                prefix.append(prefix[-1] @ W)
            G = prefix[-1] - T  # dE/dW_tot
            E = 0.5 * np.sum(G**2, axis=(1, 2))
            reached[(reached < 0) & (target >= E)] = epoch
            if (reached >= 0).any() or epoch == max_epochs:
                return reached
            suffix = Ws[-1]  # W_{l+1} ... W_D, built from the top down
            for l in range(len(Ws) - 1, -1, -1):
                left = prefix[l - 1].transpose(0, 2, 1) @ G if l > 0 else G
                grad = left @ (
                    suffix.transpose(0, 2, 1) if l < len(Ws) - 1 else np.eye(G.shape[-1])
                )
                if l < len(Ws) - 1:
                    suffix = Ws[l] @ suffix
                Ws[l] = Ws[l] - eta * grad
    return reached


def learning_time(
    rng,
    init: str,
    n_matrices: int,
    T: np.ndarray,
    lrs: np.ndarray,
    threshold: float,
    max_epochs: int,
) -> tuple[int, float]:
    """The fewest epochs to the threshold over the learning rates (the paper's per-depth optimum), and that rate."""
    n = T.shape[0]
    Ws = [np.stack([INITS[init](rng, (n, n)) for _ in lrs]) for _ in range(n_matrices)]
    reached = epochs_to_threshold(Ws, T, lrs, threshold, max_epochs)
    if (reached < 0).all():
        return -1, float("nan")
    best = int(np.argmin(np.where(reached >= 0, reached, np.iinfo(int).max)))
    return int(reached[best]), float(lrs[best])


def singular_values_of_products(
    rng, init: str, n: int, depth: int, realizations: int
) -> np.ndarray:
    """Singular values of W_tot = W1 ... W_depth for `realizations` independent draws, pooled."""
    Ws = [np.stack([INITS[init](rng, (n, n)) for _ in range(realizations)]) for _ in range(depth)]
    return np.linalg.svd(product(Ws), compute_uv=False).ravel()


RATES = tuple(float(r) for r in np.geomspace(1.0, 0.002, 18))  # factors of about 1.44 apart


@experiment(
    "saxe",
    seed=0,
    n=24,
    n_layers=(3, 4, 6, 8, 12, 16, 24, 32),
    rates=RATES,
    threshold=0.01,
    max_epochs=1500,
    seeds={"gaussian": 3, "orthogonal": 8},
    spectrum_n=200,
    spectrum_depths=(1, 4, 16, 64),
    realizations=10,
)
def saxe(
    rng, n, n_layers, rates, threshold, max_epochs, seeds, spectrum_n, spectrum_depths, realizations
) -> Result:
    """Epochs to a fixed training loss against depth for Gaussian and orthogonal deep linear nets, and the
    singular values of products of random matrices."""
    lrs = np.array(rates)
    res = Result(
        arrays={"n_layers": np.array(n_layers), "rates": lrs},
        values={
            "n": n,
            "threshold": threshold,
            "max_epochs": max_epochs,
            "gaussian_seeds": seeds["gaussian"],
            "orthogonal_seeds": seeds["orthogonal"],
            "n_rates": len(rates),
            "rate_max": max(rates),
            "rate_min": min(rates),
            "n_layers_min": min(n_layers),
            "n_layers_max": max(n_layers),
            "spectrum_n": spectrum_n,
            "realizations": realizations,
        },
    )
    for seed in range(max(seeds.values())):
        # the task: whitened inputs (Σ11 = I) and a random input-output map T with singular values from 0.5 to 2
        U, _ = np.linalg.qr(rng.standard_normal((n, n)))
        V, _ = np.linalg.qr(rng.standard_normal((n, n)))
        T = U @ np.diag(np.geomspace(2.0, 0.5, n)) @ V.T
        for init in [i for i in INITS if seed < seeds[i]]:
            found = [
                learning_time(rng, init, N - 1, T, lrs, threshold, max_epochs) for N in n_layers
            ]
            res.arrays[f"{init}.seed{seed}.epochs"] = np.array([e for e, _ in found])
            res.arrays[f"{init}.seed{seed}.rate"] = np.array([r for _, r in found])
    for init in INITS:
        epochs = np.stack([res[f"{init}.seed{s}.epochs"] for s in range(seeds[init])])
        res.arrays[f"{init}.epochs"] = epochs
        res.values.update(
            {
                f"{init}.all_reached": bool((epochs >= 0).all()),
                f"{init}.shallow": float(np.median(epochs[:, 0])),
                f"{init}.deep": float(np.median(epochs[:, -1])),
                f"{init}.growth": float(np.median(epochs[:, -1]) / np.median(epochs[:, 0])),
            }
        )
    _learning_time_verdicts(res, np.array(n_layers), max_epochs)
    for init in INITS:
        for depth in spectrum_depths:
            s = singular_values_of_products(rng, init, spectrum_n, depth, realizations)
            key = f"{init}.L{depth}"
            res.arrays[f"{key}.singular_values"] = s
            res.values.update(
                {
                    f"{key}.mean_square": float(np.mean(s**2)),
                    f"{key}.median": float(np.median(s)),
                    f"{key}.max": float(s.max()),
                    f"{key}.fraction_small": float(np.mean(s < 0.1)),
                    f"{key}.max_deviation": float(np.abs(s - 1).max()),
                }
            )
    res.arrays["spectrum_depths"] = np.array(spectrum_depths)
    deepest, one = f"gaussian.L{max(spectrum_depths)}", "gaussian.L1"
    res.values.update(
        {
            "spectrum_depth_max": max(spectrum_depths),
            "orthogonal_spectrum_agrees": verdict(
                max(res.values[f"orthogonal.L{L}.max_deviation"] for L in spectrum_depths) < 1e-12
            ),
            "marchenko_pastur_agrees": verdict(abs(res.values[f"{one}.max"] - 2) < 0.1),
            "gaussian_spectrum_agrees": verdict(
                res.values[f"{deepest}.fraction_small"] > 0.5
                and res.values[f"{deepest}.max"] > res.values[f"{one}.max"]
            ),
        }
    )
    return res


def _median_epochs(epochs: np.ndarray) -> np.ndarray:
    """Median over seeds of epochs to the threshold, counting 'not reached' (-1) as infinitely many."""
    return np.median(np.where(epochs >= 0, epochs, np.inf), axis=0)


def loglog_slope(n_layers: np.ndarray, epochs: np.ndarray) -> tuple[float, float]:
    """Least-squares slope of log(epochs) on log(N_l) over every seed's point, and its standard error."""
    x = np.log(np.broadcast_to(n_layers, epochs.shape).ravel())
    y = np.log(epochs.ravel())
    X = np.stack([np.ones_like(x), x], axis=1)
    coef, residual, *_ = np.linalg.lstsq(X, y, rcond=None)
    sigma2 = residual[0] / (len(x) - 2)
    return float(coef[1]), float(np.sqrt(sigma2 * np.linalg.inv(X.T @ X)[1, 1]))


def _learning_time_verdicts(res: Result, n_layers: np.ndarray, max_epochs: int) -> None:
    """The page's learning-time claims, checked on the medians over seeds."""
    gauss, orth = _median_epochs(res["gaussian.epochs"]), _median_epochs(res["orthogonal.epochs"])
    six, deep_half = int(np.flatnonzero(n_layers == 6)[0]), n_layers >= np.median(n_layers)
    reached = np.isfinite(gauss)
    epochs = res["orthogonal.epochs"]
    slope, slope_se = loglog_slope(n_layers, epochs)
    deep_slope, deep_se = loglog_slope(n_layers[deep_half], epochs[:, deep_half])
    res.values.update(
        {
            "gaussian.deepest_reached": int(n_layers[reached].max()),
            "gaussian.first_unreached": int(n_layers[~reached].min()) if (~reached).any() else -1,
            "gaussian.at6": float(gauss[six]),
            "orthogonal.at6": float(orth[six]),
            "gap_at6": float(gauss[six] / orth[six]),
            "orthogonal.deep_half_from": int(n_layers[deep_half].min()),
            "orthogonal.overall_ratio": float(orth.max() / orth.min()),
            "orthogonal.slope": slope,
            "orthogonal.slope_se": slope_se,
            "orthogonal.deep_slope": deep_slope,
            "orthogonal.deep_slope_se": deep_se,
            "gaussian_grows_agrees": verdict(
                not np.isfinite(gauss[-1]) or gauss[-1] >= 10 * gauss[0]
            ),
            "orthogonal_flat_agrees": verdict(
                abs(slope) < 2 * slope_se, abs(deep_slope) < 2 * deep_se
            ),
            "gap_agrees": verdict(
                gauss[six] <= 2 * orth[six] and not np.isfinite(gauss[-1]),
                not np.isfinite(gauss[-1]) or gauss[-1] > 2 * orth[-1],
            ),
        }
    )
