"""Saxe, McClelland & Ganguli (2014): deep linear networks learn in a depth-independent number of
epochs from orthogonal weights but not from scaled Gaussian ones, because products of Gaussian
matrices are far from isometries."""

from __future__ import annotations

import numpy as np

from initdoc import schemes
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

INITS = {
    "gaussian": schemes.lecun_normal(),
    "orthogonal": schemes.orthogonal(),
}  # N(0, 1/n_in), and W^T W = I (or W W^T = I for a wide W)
SEEDS = 10  # tasks, each learned from both starts (paired)
REALIZATIONS = 10  # independent products per spectrum
FLAT = 0.2  # |slope| below this is "flat": under 15% more epochs per doubling of depth
PAGE = "papers/saxe.md"


def product(Ws: list[np.ndarray]) -> np.ndarray:
    """W_tot = W1 W2 ... W_D, stacked over the leading axis (x W convention: x maps to x W_tot)."""
    P = Ws[0]
    for W in Ws[1:]:
        P = P @ W
    return P


def _gradient_step(Ws: list[np.ndarray], G: np.ndarray, prefix: list[np.ndarray], eta):
    """One step of gradient descent on every factor, given dE/dW_tot = G and the prefix products."""
    new, suffix = list(Ws), None  # suffix: W_{l+1} ... W_D, built from the top down
    for l in range(len(Ws) - 1, -1, -1):
        left = prefix[l - 1].transpose(0, 2, 1) @ G if l > 0 else G
        grad = left if suffix is None else left @ suffix.transpose(0, 2, 1)
        suffix = Ws[l] if suffix is None else Ws[l] @ suffix
        new[l] = Ws[l] - eta * grad
    return new


def epochs_to_threshold(
    Ws: list[np.ndarray],
    T: np.ndarray,
    lrs: np.ndarray,
    threshold: float,
    max_epochs: int,
    task: np.ndarray | None = None,
) -> np.ndarray:
    """Full-batch gradient descent on E = ½‖T − W_tot‖² (whitened inputs), many runs at once.

    Ws[l] has shape (runs, n_l, n_{l+1}); T is one target or one per run; lrs one rate per run;
    task[r] says which task run r belongs to (default: one task). Returns, per task, the first
    epoch at which one of its runs had E ≤ threshold · E(W = 0), or -1 if none did within
    max_epochs, and the rate of the fastest run (the largest if several tie; NaN if none).
    A task's runs stop once it is learned; a run that diverges is dropped.
    """
    T = np.broadcast_to(T, (len(lrs), *T.shape[-2:]))
    task = np.zeros(len(lrs), int) if task is None else np.asarray(task)
    target = threshold * 0.5 * np.sum(np.square(T, dtype=np.float64), axis=(1, 2))
    reached, rate = np.full(task.max() + 1, -1), np.full(task.max() + 1, np.nan)
    lrs = np.asarray(lrs, dtype=np.float64)
    eta = lrs.astype(Ws[0].dtype)[:, None, None]
    with np.errstate(all="ignore"):  # a rate that diverges is dropped, not an error
        for epoch in range(max_epochs + 1):
            prefix = [Ws[0]]  # W1 ... W_l
            for W in Ws[1:]:
                prefix.append(prefix[-1] @ W)
            G = prefix[-1] - T  # dE/dW_tot
            E = 0.5 * np.sum(np.square(G, dtype=np.float64), axis=(1, 2))
            for r in np.flatnonzero(target >= E):  # the first to reach, at the largest rate
                if reached[task[r]] < 0 or (reached[task[r]] == epoch and lrs[r] > rate[task[r]]):
                    reached[task[r]], rate[task[r]] = epoch, lrs[r]
            keep = (reached[task] < 0) & np.isfinite(E)
            if not keep.any() or epoch == max_epochs:
                return reached, rate
            if not keep.all():
                Ws, prefix = [W[keep] for W in Ws], [P[keep] for P in prefix]
                G, T, target, task = G[keep], T[keep], target[keep], task[keep]
                eta, lrs = eta[keep], lrs[keep]
            Ws = _gradient_step(Ws, G, prefix, eta)
    return reached, rate


def learning_times(rng, init: str, sizes, tasks: np.ndarray, lrs, threshold, max_epochs):
    """Per task, the fewest epochs to the threshold over the rates (the paper's per-depth optimum)
    and that rate: a pass over the grid, then a pass at rates between the best one's neighbours,
    every task and rate trained at once in float32 (it gives the same epochs as float64)."""

    def fastest(rates_per_task: np.ndarray):
        task = np.repeat(np.arange(len(tasks)), rates_per_task.shape[1])
        Ws = [
            np.stack([INITS[init](rng, (a, b)) for _ in task]).astype(np.float32)
            for a, b in zip(sizes, sizes[1:])
        ]
        T = tasks[task].astype(np.float32)
        return epochs_to_threshold(Ws, T, rates_per_task.ravel(), threshold, max_epochs, task)

    epochs, rate = fastest(np.tile(lrs, (len(tasks), 1)))
    step = np.exp(np.abs(np.diff(np.log(lrs))).mean())  # the grid's factor between rates
    finer = np.where(np.isnan(rate), lrs[0], rate)[:, None] * step ** np.array(REFINE)
    better, better_rate = fastest(finer)
    improved = (better >= 0) & ((epochs < 0) | (better < epochs))
    return np.where(improved, better, epochs), np.where(improved, better_rate, rate)


def low_rank_task(rng, n_in: int, n_out: int) -> np.ndarray:
    """A map from n_in whitened inputs to n_out < n_in outputs, singular values 2 down to 0.5."""
    U, _ = np.linalg.qr(rng.standard_normal((n_in, n_out)))
    V, _ = np.linalg.qr(rng.standard_normal((n_out, n_out)))
    return U @ np.diag(np.geomspace(2.0, 0.5, n_out)) @ V.T


def singular_values_of_products(
    rng, init: str, n: int, depth: int, realizations: int
) -> np.ndarray:
    """Singular values of W_tot = W1 ... W_depth, one row per independent realization."""
    Ws = [np.stack([INITS[init](rng, (n, n)) for _ in range(realizations)]) for _ in range(depth)]
    return np.linalg.svd(product(Ws), compute_uv=False)


def slopes(n_layers: np.ndarray, epochs: np.ndarray) -> np.ndarray:
    """Per seed (row), the least-squares slope of log(epochs) on log(N_l)."""
    return np.polyfit(np.log(n_layers), np.log(epochs).T, 1)[0]


# The claims, as the page states them, before any data.

_SPECTRUM = "pooled singular values of products of random matrices (Fig. 6B)"
MARCHENKO_PASTUR = verdicts.declare(
    "saxe",
    "marchenko_pastur",
    page=PAGE,
    claim="One scaled Gaussian matrix spreads its singular values from near 0 to the "
    "Marchenko–Pastur edge 2",
    reported="squared singular values spread even as N → ∞",
    quantity="largest singular value of one matrix, mean over realizations,",
    region=verdicts.within(2, 0.1),
    test="mean",
    draws=REALIZATIONS,
    fmt=".3f",
    says={
        "agrees": "The largest singular value of one scaled Gaussian matrix sits at the "
        "Marchenko–Pastur edge: {estimate} [{low}, {high}], {region}.",
        "disagrees": "The largest singular value of one scaled Gaussian matrix is {estimate} "
        "[{low}, {high}], away from the Marchenko–Pastur edge 2.",
        "inconclusive": "The largest singular value of one scaled Gaussian matrix, {estimate} "
        "[{low}, {high}], cannot be told apart from the edge 2 or from a value outside "
        "{region}.",
    },
    checked_by="test_saxe.py::test_spectrum_verdicts_can_go_either_way",
)
GAUSSIAN_COLLAPSE = verdicts.declare(
    "saxe",
    "gaussian_collapse",
    page=PAGE,
    claim="A product of 64 scaled Gaussian matrices squeezes most singular values to almost 0",
    reported="highly kurtotic with depth (Fig. 6B)",
    quantity="share of singular values below 0.1, mean over realizations,",
    region=verdicts.above(0.5),
    test="mean",
    draws=REALIZATIONS,
    fmt=".0%",
    says={
        "agrees": "Most singular values of a deep Gaussian product collapse: {estimate} of them "
        "are below 0.1 [{low}, {high}].",
        "disagrees": "Only {estimate} [{low}, {high}] of the singular values of a deep Gaussian "
        "product fall below 0.1: not most of them.",
        "inconclusive": "About half ({estimate} [{low}, {high}]) of the singular values of a deep "
        "Gaussian product fall below 0.1; whether most do is not settled.",
    },
    checked_by="test_saxe.py::test_spectrum_verdicts_can_go_either_way",
)
GAUSSIAN_STRETCH = verdicts.declare(
    "saxe",
    "gaussian_stretch",
    page=PAGE,
    claim="A product of 64 scaled Gaussian matrices stretches a few directions beyond the edge "
    "of one matrix",
    reported="a long tail of large singular values (Fig. 6B)",
    quantity="largest singular value, mean over realizations,",
    region=verdicts.above(2),
    test="mean",
    draws=REALIZATIONS,
    fmt=".1f",
    says={
        "agrees": "A few directions are stretched: the largest singular value of the product is "
        "{estimate} [{low}, {high}], beyond one matrix's edge of 2.",
        "disagrees": "No direction is stretched beyond one matrix's edge: the largest singular "
        "value of the product is {estimate} [{low}, {high}].",
        "inconclusive": "The largest singular value of the product, {estimate} [{low}, {high}], "
        "is not clearly beyond one matrix's edge of 2.",
    },
    checked_by="test_saxe.py::test_spectrum_verdicts_can_go_either_way",
)
ORTHOGONAL_ISOMETRY = verdicts.declare(
    "saxe",
    "orthogonal_isometry",
    page=PAGE,
    claim="Products of orthogonal matrices have every singular value equal to 1",
    reported="exact",
    quantity="largest |singular value − 1| over every product and depth",
    region=verdicts.below(1e-10),
    test="exact",
    exact="a product of orthogonal matrices is orthogonal; only rounding can move a singular value",
    draws=1,
    fmt=".1e",
    says={
        "agrees": "Every singular value of every orthogonal product is 1 up to rounding (largest "
        "deviation {estimate}).",
        "disagrees": "An orthogonal product has a singular value {estimate} away from 1, more "
        "than rounding explains.",
    },
    checked_by="test_saxe.py::test_spectrum_verdicts_can_go_either_way",
)
_SLOPE = "slope of log(epochs) on log($N_l$), mean over tasks,"
GAUSSIAN_GROWS = verdicts.declare(
    "saxe",
    "gaussian_grows",
    page=PAGE,
    claim="Learning time grows with depth from a scaled Gaussian start",
    reported="grows (Fig. 6A, blue)",
    quantity=_SLOPE,
    region=verdicts.above(FLAT),
    test="mean",
    draws=SEEDS,
    fmt=".2f",
    says={
        "agrees": "From a scaled Gaussian start the learning time grows with depth: epochs grow "
        "like $N_l$ to the power {estimate} [{low}, {high}].",
        "disagrees": "From a scaled Gaussian start the learning time does not grow with depth "
        "here: the slope is {estimate} [{low}, {high}].",
        "inconclusive": "Whether the learning time from a scaled Gaussian start grows with depth "
        "is not settled: the slope is {estimate} [{low}, {high}].",
    },
    checked_by="test_saxe.py::test_learning_time_verdicts_can_go_either_way",
)
ORTHOGONAL_FLAT = verdicts.declare(
    "saxe",
    "orthogonal_flat",
    page=PAGE,
    claim="Learning time is depth-independent from an orthogonal start, over every depth run",
    reported="flat (Fig. 6A, red)",
    quantity=_SLOPE,
    region=verdicts.within(0, FLAT),
    test="mean",
    draws=SEEDS,
    fmt=".2f",
    says={
        "agrees": "Over every depth run, the orthogonal start learns in a depth-independent "
        "number of epochs: the slope is {estimate} [{low}, {high}], {region}.",
        "disagrees": "Over the whole range of depths the orthogonal start is not flat: its "
        "learning time grows like $N_l$ to the power {estimate} [{low}, {high}].",
        "inconclusive": "Over the whole range of depths the orthogonal start's slope, {estimate} "
        "[{low}, {high}], is neither clearly flat nor clearly growing.",
    },
    checked_by="test_saxe.py::test_learning_time_verdicts_can_go_either_way",
)
ORTHOGONAL_FLAT_DEEP = verdicts.declare(
    "saxe",
    "orthogonal_flat_deep",
    page=PAGE,
    claim="Learning time is depth-independent from an orthogonal start, for the deeper half of "
    "the depths",
    reported="flat (Fig. 6A, red)",
    quantity=_SLOPE,
    region=verdicts.within(0, FLAT),
    test="mean",
    draws=SEEDS,
    fmt=".2f",
    says={
        "agrees": "For the deeper networks the orthogonal start's learning time is "
        "depth-independent: the slope is {estimate} [{low}, {high}], {region}.",
        "disagrees": "Even for the deeper networks the orthogonal start's learning time keeps "
        "changing with depth: the slope is {estimate} [{low}, {high}].",
        "inconclusive": "For the deeper networks the orthogonal start's slope, {estimate} [{low}, "
        "{high}], is neither clearly flat nor clearly not.",
    },
    checked_by="test_saxe.py::test_learning_time_verdicts_can_go_either_way",
)
GAP_MODEST = verdicts.declare(
    "saxe",
    "gap_modest_at_6",
    page=PAGE,
    claim="The gap between the Gaussian and the orthogonal start is modest at $N_l$ = 6",
    reported="modest for depths around 6",
    quantity="epochs from Gaussian over epochs from orthogonal at $N_l$ = 6, mean over tasks,",
    region=verdicts.below(2, "below 2 (less than twice as long)"),
    test="mean",
    draws=SEEDS,
    fmt=".2f",
    says={
        "agrees": "At $N_l$ = 6 the gap is modest: the Gaussian start takes {estimate} [{low}, "
        "{high}] times as many epochs as the orthogonal one.",
        "disagrees": "At $N_l$ = 6 the gap is not modest: the Gaussian start already takes "
        "{estimate} [{low}, {high}] times as many epochs as the orthogonal one.",
        "inconclusive": "At $N_l$ = 6 the Gaussian start takes {estimate} [{low}, {high}] times as "
        "many epochs as the orthogonal one, too close to twice to call the gap modest or not.",
    },
    checked_by="test_saxe.py::test_learning_time_verdicts_can_go_either_way",
)
GAP_GROWS = verdicts.declare(
    "saxe",
    "gap_grows",
    page=PAGE,
    claim="The gap between the Gaussian and the orthogonal start grows with depth",
    reported="magnified at larger depths",
    quantity="Gaussian slope minus orthogonal slope, mean over tasks,",
    region=verdicts.above(FLAT),
    test="mean",
    draws=SEEDS,
    fmt=".2f",
    says={
        "agrees": "The gap grows with depth: the Gaussian start's slope exceeds the orthogonal "
        "one's by {estimate} [{low}, {high}].",
        "disagrees": "The gap does not grow with depth: the slopes differ by {estimate} [{low}, "
        "{high}].",
        "inconclusive": "Whether the gap grows with depth is not settled: the slopes differ by "
        "{estimate} [{low}, {high}].",
    },
    checked_by="test_saxe.py::test_learning_time_verdicts_can_go_either_way",
)


def learning_time_verdicts(
    n_layers: np.ndarray, gaussian: np.ndarray, orthogonal: np.ndarray, max_epochs: int
) -> dict[str, dict]:
    """The learning-time claims judged on epochs per (task, depth) from both starts (-1: not
    reached). A Gaussian run that ran out of budget counts as max_epochs, a lower bound that can
    only understate growth; the orthogonal slopes need every depth reached."""
    n_layers = np.asarray(n_layers)
    g = np.where(gaussian >= 0, gaussian, max_epochs).astype(float)
    o = np.where(orthogonal >= 0, orthogonal, np.nan).astype(float)
    deep = n_layers >= np.median(n_layers)
    six = n_layers == 6
    return verdicts.judged(
        [
            (GAUSSIAN_GROWS, slopes(n_layers, g)),
            (ORTHOGONAL_FLAT, slopes(n_layers, o)),
            (ORTHOGONAL_FLAT_DEEP, slopes(n_layers[deep], o[:, deep])),
            (GAP_MODEST, g[:, six][:, 0] / o[:, six][:, 0]),
            (GAP_GROWS, slopes(n_layers, g) - slopes(n_layers, o)),
        ]
    )


def spectrum_verdicts(spectra: dict[str, np.ndarray]) -> dict[str, dict]:
    """The spectrum claims judged on singular values keyed 'init.L<depth>' (realizations × n)."""
    deepest = max(int(k.split(".L")[1]) for k in spectra)
    one, deep = spectra["gaussian.L1"], spectra[f"gaussian.L{deepest}"]
    orthogonal = [s for k, s in spectra.items() if k.startswith("orthogonal.")]
    return verdicts.judged(
        [
            (MARCHENKO_PASTUR, one.max(axis=1)),
            (GAUSSIAN_COLLAPSE, (deep < 0.1).mean(axis=1)),
            (GAUSSIAN_STRETCH, deep.max(axis=1)),
            (ORTHOGONAL_ISOMETRY, max(np.abs(s - 1).max() for s in orthogonal)),
        ]
    )


RATES = tuple(float(r) for r in np.geomspace(1.0, 0.002, 18))  # factors of about 1.44 apart
REFINE = (-2 / 3, -1 / 3, 1 / 3, 2 / 3)  # the second pass: powers of that factor around the best


@experiment(
    "saxe",
    seed=0,
    n_in=32,
    n=32,
    n_out=8,
    n_layers=(3, 4, 6, 8, 12, 16, 24, 32),
    rates=RATES,
    threshold=0.01,
    max_epochs=1500,
    seeds=SEEDS,
    spectrum_n=200,
    spectrum_depths=(1, 4, 16, 64),
    realizations=REALIZATIONS,
)
def saxe(
    rng,
    n_in,
    n,
    n_out,
    n_layers,
    rates,
    threshold,
    max_epochs,
    seeds,
    spectrum_n,
    spectrum_depths,
    realizations,
) -> Result:
    """Epochs to a fixed training loss against depth for Gaussian and orthogonal deep linear nets
    on low-rank tasks, and the singular values of products of random matrices."""
    lrs = np.array(rates)
    res = Result(
        arrays={"n_layers": np.array(n_layers), "rates": lrs},
        values={
            "n_in": n_in,
            "n": n,
            "n_out": n_out,
            "threshold": threshold,
            "max_epochs": max_epochs,
            "seeds": seeds,
            "n_rates": len(rates),
            "rate_max": max(rates),
            "rate_min": min(rates),
            "n_layers_min": min(n_layers),
            "n_layers_max": max(n_layers),
            "deep_from": int(np.array(n_layers)[np.array(n_layers) >= np.median(n_layers)].min()),
            "spectrum_n": spectrum_n,
            "realizations": realizations,
            "flat": FLAT,
        },
    )
    tasks = np.stack([low_rank_task(rng, n_in, n_out) for _ in range(seeds)])
    learning_time_against_depth(res, rng, tasks, n_layers, n, lrs, threshold, max_epochs)
    spectra = singular_values_by_depth(res, rng, spectrum_n, spectrum_depths, realizations)
    res.arrays["spectrum_depths"] = np.array(spectrum_depths)
    res.values["spectrum_depth_max"] = max(spectrum_depths)
    res.verdicts.update(spectrum_verdicts(spectra))
    return res


def learning_time_against_depth(res: Result, rng, tasks, n_layers, n, lrs, threshold, max_epochs):
    """Learning time against depth: for each start and number of layers, the epochs each task
    takes at its fastest rate; the medians at the shallow end, around 6 layers and the deep end,
    judged."""
    n_in, n_out = tasks.shape[1:]
    for init in INITS:
        found = [
            learning_times(
                rng, init, [n_in] + [n] * (N - 2) + [n_out], tasks, lrs, threshold, max_epochs
            )
            for N in n_layers
        ]
        res.arrays[f"{init}.epochs"] = np.stack([e for e, _ in found], axis=1)  # (tasks, depths)
        res.arrays[f"{init}.rate"] = np.stack([r for _, r in found], axis=1)
    g, o = res["gaussian.epochs"], res["orthogonal.epochs"]
    res.verdicts.update(learning_time_verdicts(np.array(n_layers), g, o, max_epochs))
    for init in INITS:
        e = np.where(res[f"{init}.epochs"] >= 0, res[f"{init}.epochs"], np.inf)
        res.values.update(
            {
                f"{init}.all_reached": bool(np.isfinite(e).all()),
                f"{init}.shallow": float(np.median(e[:, 0])),
                f"{init}.at6": float(np.median(e[:, list(n_layers).index(6)])),
                f"{init}.deep": float(np.median(e[:, -1])),
            }
        )


def singular_values_by_depth(res: Result, rng, n, depths, realizations) -> dict[str, np.ndarray]:
    """The singular values of products of `depth` random n × n matrices, Gaussian and orthogonal,
    for each depth: their spread, keyed 'gaussian.L4' and so on."""
    spectra = {
        f"{init}.L{depth}": singular_values_of_products(rng, init, n, depth, realizations)
        for init in INITS
        for depth in depths
    }
    for key, s in spectra.items():
        res.arrays[f"{key}.singular_values"] = s.ravel()
        res.values.update(
            {
                f"{key}.mean_square": float(np.mean(s**2)),
                f"{key}.median": float(np.median(s)),
                f"{key}.max": float(s.max()),
                f"{key}.fraction_small": float(np.mean(s < 0.1)),
                f"{key}.max_deviation": float(np.abs(s - 1).max()),
            }
        )
    return spectra
