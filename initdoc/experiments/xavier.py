"""Xavier/Glorot: does a tanh network keep its activation and gradient variance layer by layer?"""

from __future__ import annotations

import numpy as np

from initdoc import nn, probe, schemes, theory
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

SMALL_STD = 0.01  # the standard deviation of the small normal scheme
# The schemes compared, in page order: key -> (label, initializer).
SCHEMES = {
    "normal_1": ("N(0, 1)", schemes.normal(0.0, 1.0)),
    "normal_small": (f"N(0, {SMALL_STD}²)", schemes.normal(0.0, SMALL_STD)),
    "standard": ("U(±1/√n_in), 'standard'", schemes.variance_scaling(1 / 3, "fan_in", "uniform")),
    "lecun": ("LeCun N(0, 1/n_in)", schemes.lecun_normal()),  # the article's "Xavier"
    "glorot_normal": ("Glorot normal", schemes.glorot_normal()),
    "glorot_uniform": ("Glorot uniform", schemes.glorot_uniform()),
    "tanh_gain": (
        "Glorot normal × 5/3 (tanh gain)",
        schemes.variance_scaling(schemes.gain("tanh") ** 2, "fan_avg", "normal"),
    ),
}
A_EDGES = np.linspace(-1.0, 1.0, 61)  # bins of the activation histograms
G_EDGES = np.linspace(-5.0, 4.0, 61)  # bins of log10 |dL/da| relative to the last hidden layer
SATURATED = 0.99  # |tanh z| above this counts as saturated
# A fine grid for E[f(ξ)], ξ ~ N(0, 1); fine enough for narrow sech⁴.
_XI = np.linspace(-12.0, 12.0, 96_001)
_PHI = np.exp(-(_XI**2) / 2) / np.sqrt(2 * np.pi) * (_XI[1] - _XI[0])


def _gauss_mean(f, variance: float) -> float:
    """E[f(z)] for z ~ N(0, variance), as a Riemann sum on a fine grid."""
    return float(_PHI @ f(np.sqrt(variance) * _XI))


def mean_field(params, x_second_moment: float) -> tuple[np.ndarray, np.ndarray]:
    """Predicted Var(a_l) and Var(dL/da_l)/Var(dL/da_L) of a tanh stack, z_l taken as normal."""
    q = params[0][0].shape[0] * params[0][0].var() * x_second_moment  # Var(z_1)
    var_a, d_tanh_sq = [], []
    for l, (W, _) in enumerate(params[:-1]):
        if l:
            q = W.shape[0] * W.var() * var_a[-1]
        var_a.append(_gauss_mean(lambda z: np.tanh(z) ** 2, q))
        d_tanh_sq.append(_gauss_mean(lambda z: np.cosh(z) ** -4, q))
    # Var(dL/da_{l-1}) = n_out Var(W_l) E[tanh'(z_l)²] Var(dL/da_l), from the last hidden layer down
    back = [1.0]
    for l in range(len(var_a) - 1, 0, -1):
        W = params[l][0]
        back.append(back[-1] * W.shape[1] * W.var() * d_tanh_sq[l])
    return np.array(var_a), np.array(back[::-1])


def _log_ratio(g: np.ndarray, rms: float) -> np.ndarray:
    """log10 |g| / rms, with exact zeros left out."""
    g = np.abs(g[g != 0]).astype(np.float64)
    return np.log10(g / rms)


def _density(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Histogram as a density over `edges` (values outside count in the total, not in a bin)."""
    counts, _ = np.histogram(values, edges)
    return counts / (values.size * np.diff(edges))


@experiment("xavier", seed=0, n_x=784, width=256, L=5, n_classes=10, m=1000, deep_L=50)
def xavier(rng, n_x, width, L, n_classes, m, deep_L) -> Result:
    """A 784-256×5-10 tanh network on normal noise: per-layer activations and gradients."""
    X = rng.standard_normal((m, n_x)).astype(np.float32)
    y = rng.integers(0, n_classes, m)
    res = Result(
        arrays={"a_edges": A_EDGES, "g_edges": G_EDGES},
        values={
            "n_x": n_x,
            "width": width,
            "L": L,
            "n_classes": n_classes,
            "m": m,
            "deep_L": deep_L,
            "saturated": SATURATED,
            "small_std": SMALL_STD,
        },
    )
    sizes = [n_x] + [width] * L + [n_classes]
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # saturated softmax
        for key, (_, init) in SCHEMES.items():
            one_scheme(res, key, nn.init_params(rng, sizes, init, dtype=np.float32), X, y)
    res.values.update(rules_of_thumb(n_x, width))
    for key in ("lecun", "tanh_gain"):
        deep_params = nn.init_params(
            rng, [n_x] + [width] * deep_L + [n_classes], SCHEMES[key][1], dtype=np.float32
        )
        fifty_layers_deep(res, key, deep_params, X, L)
    res.values["deep.lecun.twice_l_var"] = float(2 * deep_L * res.values["deep.lecun.var_aL"])
    return res


def rules_of_thumb(n_x: int, width: int) -> dict:
    """Two rules of thumb: the variances the forward and the backward pass ask of the first layer,
    and Glorot's compromise between them (a harmonic mean of the variances, not of the fans)."""
    return {
        "lecun.predicted_var_z1": n_x * theory.lecun_variance(n_x),
        "glorot_normal.predicted_var_z1": n_x * theory.xavier_variance(n_x, width),
        "glorot_var": theory.xavier_variance(n_x, width),
        "forward_var": theory.lecun_variance(n_x),
        "backward_var": theory.lecun_variance(width),
        "harmonic_mean_of_fans": 2 / (1 / n_x + 1 / width),
        "harmonic_mean_of_variances": 2 / (n_x + width),
        "is_harmonic_mean_of_fans": theory.is_harmonic_mean_of_fans(),
    }


def one_scheme(res: Result, key: str, params, X: np.ndarray, y: np.ndarray) -> None:
    """Does it keep the variance the same in every layer? One forward and backward pass of the
    tanh network from scheme `key`: per hidden layer, the variance of the activations and of the
    gradients, measured and predicted, their histograms and the share of saturated units."""
    L = len(params) - 1
    rec = nn.forward(params, ["tanh"] * L + ["softmax"], X)
    g = nn.backward(params, rec, y, "softmax_cross_entropy")
    a = rec.a[1 : L + 1]
    da = g.da[1 : L + 1]
    var_a = np.array([v.var(dtype=np.float64) for v in a])
    var_g = np.array([v.var(dtype=np.float64) for v in da])
    predicted_a, predicted_g = mean_field(params, float(np.mean(X.astype(np.float64) ** 2)))
    rms_top = float(np.sqrt(np.mean(da[-1].astype(np.float64) ** 2)))
    res.arrays.update(
        {
            f"{key}.var_a": var_a,
            f"{key}.var_g": var_g,
            f"{key}.predicted_var_a": predicted_a,
            f"{key}.predicted_var_g": predicted_g,
            f"{key}.mean_a": np.array([v.mean(dtype=np.float64) for v in a]),
            f"{key}.a_hist": np.stack([_density(v.ravel(), A_EDGES) for v in a]),
            f"{key}.g_hist": np.stack([_density(_log_ratio(v, rms_top), G_EDGES) for v in da]),
            f"{key}.saturated_per_layer": np.array([np.mean(np.abs(v) > SATURATED) for v in a]),
        }
    )
    res.values.update(
        {
            f"{key}.var_z1": float(rec.z[1].var(dtype=np.float64)),
            f"{key}.var_a1": float(var_a[0]),
            f"{key}.var_aL": float(var_a[-1]),
            f"{key}.forward_ratio": float(var_a[-1] / var_a[0]),
            f"{key}.backward_ratio": float(var_g[0] / var_g[-1]),
            f"{key}.backward_factor": float((var_g[0] / var_g[-1]) ** (1 / (L - 1))),
            f"{key}.saturated_1": float(np.mean(np.abs(a[0]) > SATURATED)),
            f"{key}.saturated_L": float(np.mean(np.abs(a[-1]) > SATURATED)),
            f"{key}.max_mean_over_std": float(
                np.max(np.abs(res[f"{key}.mean_a"]) / np.sqrt(var_a))
            ),
        }
    )


def fifty_layers_deep(res: Result, key: str, params, X: np.ndarray, L: int) -> None:
    """The same question fifty layers deep, under scheme `key`: the variance of every layer's
    activations, measured and predicted; `L` is the shallow network's depth."""
    deep_L = len(params) - 1
    rec = nn.forward(params, ["tanh"] * deep_L + ["softmax"], X)
    var_a = np.array([v.var(dtype=np.float64) for v in rec.a[1 : deep_L + 1]])
    predicted = mean_field(params, float(np.mean(X.astype(np.float64) ** 2)))[0]
    res.arrays[f"deep.{key}.var_a"] = var_a
    res.arrays[f"deep.{key}.predicted_var_a"] = predicted
    res.values[f"deep.{key}.var_aL"] = float(var_a[-1])
    res.values[f"deep.{key}.ratio"] = float(var_a[-1] / var_a[0])
    res.values[f"deep.{key}.late_ratio"] = float(var_a[-1] / var_a[L - 1])
    res.values[f"deep.{key}.vs_predicted"] = float(var_a[-1] / predicted[-1])


TANH_GAINS = (1.0, 1.05, 1.1, 1.15, 1.2, 1.3, 1.4, 1.5, 5 / 3)
PROFILED = {"gain_1": 1.0, "gain_tanh": 5 / 3}  # the gains whose layer-by-layer signal is drawn


def tanh_fixed_point(sigma_w2: float) -> tuple[float, float]:
    """Mean field of a bias-free tanh stack: q*, the fixed point of q ← σ_w² E[tanh²(√q ξ)] (0 if
    σ_w² ≤ 1), and χ₁ = σ_w² E[tanh'(√q* ξ)²], the factor a layer there multiplies E[δ²] by."""
    q = 0.0
    if sigma_w2 > 1:  # a positive fixed point exists; find it by bisection
        low, high = 1e-12, sigma_w2
        for _ in range(60):
            q = (low + high) / 2
            if sigma_w2 * _gauss_mean(lambda z: np.tanh(z) ** 2, q) > q:
                low = q
            else:
                high = q
    return q, sigma_w2 * _gauss_mean(lambda z: np.cosh(z) ** -4, q)


@experiment("tanh_gain", seed=0, width=256, depth=50, batch=256, draws=5, gains=TANH_GAINS)
def tanh_gain(rng, width, depth, batch, draws, gains) -> Result:
    """A 50-layer tanh stack with Glorot's variance × gain²: E[z²] forward and E[δ²] backward."""
    res = Result(values={"width": width, "depth": depth, "batch": batch, "draws": draws})
    sizes = [width] * (depth + 2)
    hidden = slice(0, depth)
    forward, backward = np.empty((len(gains), draws)), np.empty((len(gains), draws))
    for i, g in enumerate(gains):
        init = schemes.variance_scaling(g**2, "fan_avg", "normal")
        for d in range(draws):
            z2, d2 = probe.signal(nn.init_params(rng, sizes, init), "tanh", rng, batch)
            z2, d2 = z2[hidden], d2[hidden]
            forward[i, d], backward[i, d] = z2[-1] / z2[0], d2[0] / d2[-1]
            for name, gain in PROFILED.items():
                if g == gain and d == 0:
                    res.arrays[f"{name}.z2"], res.arrays[f"{name}.d2"] = z2, d2 / d2[-1]
    res.arrays.update({"gains": np.array(gains), "forward": forward, "backward": backward})
    for name, gain in PROFILED.items():
        i = gains.index(gain)
        d2 = res[f"{name}.d2"]
        late = d2[: depth // 2]  # the deeper half, seen from the output: past the transient
        q_star, chi1 = tanh_fixed_point(gain**2)
        res.values.update(
            {
                f"{name}.forward": float(np.median(forward[i])),
                f"{name}.forward_low": float(forward[i].min()),
                f"{name}.forward_high": float(forward[i].max()),
                f"{name}.backward": float(np.median(backward[i])),
                f"{name}.backward_low": float(backward[i].min()),
                f"{name}.backward_high": float(backward[i].max()),
                f"{name}.backward_per_layer": float((late[0] / late[-1]) ** (1 / (late.size - 1))),
                f"{name}.q_star": q_star,
                f"{name}.chi1": chi1,
            }
        )
    median_back = np.median(backward, axis=1)
    crossing = int(np.argmax(median_back > 1))  # the first gain whose gradient grows
    res.values.update(
        {
            "balanced_chi1": tanh_fixed_point(gains[crossing] ** 2)[1],
            "balanced_gain": float(gains[crossing]),
            "balanced_forward": float(np.median(forward[crossing])),
            "balanced_backward": float(median_back[crossing]),
            "gain_lowest": float(gains[0]),
            "gain_highest": float(gains[-1]),
        }
    )
    return res


# The source article's claim about Xavier, put through the verdict layer over several draws.

KEEPS_DRAWS = 10
KEEPS_VARIANCE = verdicts.declare(
    "xavier_keeps",
    "same_variance",
    page="xavier.md",
    claim="Xavier initialization keeps the variance the same across every layer (tanh)",
    reported="the source article",
    quantity="Var(a₅)/Var(a₁) under the article's Xavier (LeCun's 1/n_in), mean over draws,",
    region=verdicts.between(0.8, 1.25, "between 0.8 and 1.25 (the same within 25%)"),
    test="mean",
    draws=KEEPS_DRAWS,
    fmt=".2f",
    says={
        "agrees": "True here: over {draws} draws of the weights, the activation variance of "
        "layer 5 is {estimate} [{low}, {high}] of layer 1's, {region}.",
        "disagrees": "Not with tanh: over {draws} draws of the weights, the activation variance "
        "of layer 5 is {estimate} [{low}, {high}] of layer 1's, not {region}.",
        "inconclusive": "Not settled: over {draws} draws of the weights, the activation variance "
        "of layer 5 is {estimate} [{low}, {high}] of layer 1's, against {region}.",
    },
    checked_by="test_xavier.py::test_the_keeps_verdict_can_go_either_way",
)


@experiment("xavier_keeps", seed=0, n_x=784, width=256, L=5, m=1000, draws=KEEPS_DRAWS)
def xavier_keeps(rng, n_x, width, L, m, draws) -> Result:
    """Var(a_L)/Var(a_1) of a 784-256×5 tanh network under the article's Xavier (LeCun), over
    draws."""
    X = rng.standard_normal((m, n_x)).astype(np.float32)
    sizes, activations = [n_x] + [width] * L, ["tanh"] * L
    ratios = []
    for _ in range(draws):
        params = nn.init_params(rng, sizes, SCHEMES["lecun"][1], dtype=np.float32)
        a = nn.forward(params, activations, X).a
        ratios.append(a[L].var(dtype=np.float64) / a[1].var(dtype=np.float64))
    res = Result(arrays={"ratios": np.array(ratios)}, values={"draws": draws, "L": L})
    res.verdicts.update(verdicts.judged([(KEEPS_VARIANCE, res["ratios"])]))
    return res
