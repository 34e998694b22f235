"""The derivation page: every sympy step as LaTeX, and each result against a Monte Carlo
estimate."""

from __future__ import annotations

import math
import re

import numpy as np
import sympy as sp

from initdoc import nn, schemes, theory
from initdoc.pipeline import verdicts
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

Z_CI = 1.959963984540054  # two-sided 95% normal quantile
Z_TEST = 6.0  # the bound the tests use: |estimate - symbolic| <= 6 standard errors
MARGIN = 0.03  # a row agrees when its 95% interval lies within ±3% of the proved value

# The schemes the page checks: the initializer, and the variance the theory derives for it.
SCHEMES = {
    "lecun_normal": (schemes.lecun_normal, lambda n_in, n_out: theory.lecun_variance(n_in)),
    "lecun_uniform": (schemes.lecun_uniform, lambda n_in, n_out: theory.lecun_variance(n_in)),
    "lecun_truncated": (
        lambda: schemes.variance_scaling(1.0, "fan_in", "truncated_normal"),
        lambda n_in, n_out: theory.lecun_variance(n_in),
    ),
    "glorot_normal": (schemes.glorot_normal, theory.xavier_variance),
    "glorot_uniform": (schemes.glorot_uniform, theory.xavier_variance),
    "glorot_truncated": (
        lambda: schemes.variance_scaling(1.0, "fan_avg", "truncated_normal"),
        theory.xavier_variance,
    ),
    "he_normal": (schemes.he_normal, lambda n_in, n_out: theory.he_variance(n_in)),
    "he_uniform": (schemes.he_uniform, lambda n_in, n_out: theory.he_variance(n_in)),
    "he_truncated": (
        lambda: schemes.variance_scaling(2.0, "fan_in", "truncated_normal"),
        lambda n_in, n_out: theory.he_variance(n_in),
    ),
    "fan_out_normal": (
        lambda: schemes.variance_scaling(1.0, "fan_out", "normal"),
        lambda n_in, n_out: theory.backward_variance(n_out),
    ),
}


def compare(symbolic: float, estimate: float, se: float, n: int) -> dict:
    """One table row: the estimate, its 95% interval, and its distance from the symbolic value in
    standard errors."""
    z = (estimate - symbolic) / se
    low, high = estimate - Z_CI * se, estimate + Z_CI * se
    return {
        "symbolic": float(symbolic),
        "estimate": float(estimate),
        "se": float(se),
        "n": int(n),
        "ci_low": float(low),
        "ci_high": float(high),
        "z": float(z),
        "inside_ci": bool(low <= symbolic <= high),
    }


def _claim(key: str, what: str, draws: int) -> verdicts.Claim:
    """The claim that a Monte Carlo estimate agrees with the value sympy proved."""
    return verdicts.declare(
        "derivation",
        key,
        page="derivation.md",
        claim=f"The proved value of {what} is what initdoc's code measures",
        reported="proved with sympy",
        quantity="measured over proved",
        region=verdicts.within(1, MARGIN),
        test="normal",
        draws=draws,
        fmt=".4f",
        says={
            "agrees": f"The measured {what} agrees with the proved value: {{estimate}} [{{low}}, "
            "{high}] of it.",
            "disagrees": f"The measured {what} disagrees with the proved value: {{estimate}} "
            "[{low}, {high}] of it.",
            "inconclusive": f"The measured {what}, {{estimate}} [{{low}}, {{high}}] of the proved "
            "value, is too uncertain to check it.",
        },
        checked_by="test_derivation.py::test_every_row_verdict_can_go_either_way",
    )


MC_ROWS = {  # key: (what is checked, the draws it rests on: samples or networks)
    "product_general": ("the variance of a product", "samples"),
    "product_zero_mean": ("the variance of a zero-mean product", "samples"),
    "forward_lecun": ("LeCun's forward gain", "replicates"),
    "forward_glorot": ("Glorot's forward gain", "replicates"),
    "backward_fan_out": ("the fan-out backward gain", "replicates"),
    "backward_glorot": ("Glorot's backward gain", "replicates"),
    "depth_vanish": ("the signal after 10 layers, k = 0.8", "depth_replicates"),
    "depth_hold": ("the signal after 10 layers, k = 1", "depth_replicates"),
    "depth_explode": ("the signal after 10 layers, k = 1.25", "depth_replicates"),
    "relu_normal": ("relu's share of a normal input's second moment", "samples"),
    "relu_uniform": ("relu's share of a uniform input's second moment", "samples"),
    "leaky_normal": ("leaky relu's share of the second moment", "samples"),
    "he_layer": ("He's layer gain", "replicates"),
    "uniform_variance": ("the variance of a uniform draw", "samples"),
    "truncated_std": ("the truncated normal's standard deviation", "samples"),
}
PLANNED = {"samples": 1_000_000, "replicates": 200, "depth_replicates": 1000}
ROW_CLAIMS = {k: _claim(f"mc_{k}", what, PLANNED[d]) for k, (what, d) in MC_ROWS.items()}
SCHEME_CLAIMS = {
    name: _claim(f"scheme_{name}", f"the variance {name} draws", 983_040) for name in SCHEMES
}


def judge(claim: verdicts.Claim, row: dict, draws: int | None = None) -> dict:
    """The row's verdict: its estimate over the proved value, with the interval scaled alike;
    `draws` when more were drawn than the estimate kept (the truncated normal's)."""
    scale = row["symbolic"]
    return claim.judge((row["estimate"] / scale, row["se"] / abs(scale), draws or row["n"]))


def variance_of(x: np.ndarray) -> tuple[float, float, int]:
    """Unbiased sample variance of i.i.d. draws and its standard error, both from the sample."""
    x = x.ravel()
    squares = (x - x.mean()) ** 2
    return squares.sum() / (x.size - 1), squares.std(ddof=1) / math.sqrt(x.size), x.size


def mean_of(x: np.ndarray) -> tuple[float, float, int]:
    """Mean of i.i.d. values (draws or per-replicate estimates) and its standard error."""
    x = x.ravel()
    return x.mean(), x.std(ddof=1) / math.sqrt(x.size), x.size


def std_of(x: np.ndarray) -> tuple[float, float, int]:
    """Sample standard deviation and its standard error (delta method: SE(s) = SE(s^2) / 2s)."""
    variance, se, n = variance_of(x)
    return math.sqrt(variance), se / (2 * math.sqrt(variance)), n


def _layer_ratio(rng, init, n_in, n_out, batch, replicates, activation="identity", input_std=1.0):
    """Var(a_l)/Var(a_{l-1}) of one fresh nn layer per replicate, the denominator from its own
    inputs."""
    ratios = np.empty(replicates)
    for r in range(replicates):
        params = nn.init_params(rng, [n_in, n_out], init)
        x = rng.normal(0.0, input_std, (batch, n_in))
        a = nn.forward(params, [activation], x).a[-1]
        ratios[r] = np.mean(a**2) / np.mean(x**2)
    return mean_of(ratios)


def _backward_ratio(rng, init, n_in, n_out, batch, replicates):
    """Var(dL/da_{l-1})/Var(dL/da_l) through nn.backward, the output gradient independent of W."""
    ratios = np.empty(replicates)
    x = np.zeros((batch, n_in))  # output 0, so dL/da = -y/m with y drawn independently of W
    for r in range(replicates):
        params = nn.init_params(rng, [n_in, n_out], init)
        rec = nn.forward(params, ["identity"], x)
        grads = nn.backward(params, rec, rng.normal(0.0, 1.0, (batch, n_out)), "mse")
        ratios[r] = np.mean(grads.da[0] ** 2) / np.mean(grads.da[1] ** 2)
    return mean_of(ratios)


def _depth_ratio(rng, gain, depth, width, batch, replicates):
    """Var(a_L)/Var(x) through `depth` identity layers with n Var(W) = gain, one network per
    replicate."""
    init = schemes.normal(0.0, math.sqrt(gain / width))
    ratios = np.empty(replicates)
    for r in range(replicates):
        params = nn.init_params(rng, [width] * (depth + 1), init)
        x = rng.normal(0.0, 1.0, (batch, width))
        ratios[r] = np.mean(nn.forward(params, ["identity"] * depth, x).a[-1] ** 2) / np.mean(x**2)
    return mean_of(ratios)


def _he_layer_ratio(rng, n_in, batch, replicates):
    """Var(z_l)/Var(z_{l-1}) across relu and a he_normal layer; z_{l-1} ~ N(0, 1) passed by an
    identity layer."""
    ratios = np.empty(replicates)
    for r in range(replicates):
        first = nn.init_params(rng, [n_in, n_in], schemes.identity())
        second = nn.init_params(rng, [n_in, n_in], schemes.he_normal())
        z_prev = rng.normal(0.0, 1.0, (batch, n_in))
        rec = nn.forward(first + second, ["relu", "identity"], z_prev)
        ratios[r] = np.mean(rec.z[2] ** 2)  # Var(z_{l-1}) = 1 by construction
    return mean_of(ratios)


def tanh_series_shortfall(variance: float) -> float:
    """1 - E[tanh(z)^2]/Var(z) for z ~ N(0, variance), to first order, from the Taylor series of
    tanh."""
    z, s2 = sp.Symbol("z"), sp.Symbol("s2", positive=True)
    square = sp.series(sp.tanh(z) ** 2, z, 0, 6).removeO()  # z^2 - 2 z^4 / 3
    normal_moments = {z**4: 3 * s2**2, z**2: s2}  # E[z^2] = s2, E[z^4] = 3 s2^2
    shortfall = sp.expand(1 - square.xreplace(normal_moments) / s2)  # 2 s2
    return float(shortfall.subs(s2, variance))


NOTE = re.compile(r"^(.*?) \\quad \\text\{\((.*)\)\}$")


def aligned(lines) -> str:
    """The rows as one MathJax aligned block, each row's note moved to a small line below it."""
    rows = []
    for line in lines:
        if note := NOTE.match(line):
            rows += [note.group(1), r"& \qquad {\small \color{gray} \text{" + note.group(2) + "}}"]
        else:
            rows.append(line)
    # Rows are joined, never split: a row may hold \\ inside \substack.
    return r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}"


def _steps(values: dict) -> None:
    """Run every derivation (a failed check raises, naming the step) and store its LaTeX."""
    steps = theory.derive_all()
    used_by: dict[str, list[str]] = {name: [] for name in theory.ASSUMPTIONS}
    for number, step in enumerate(steps, start=1):
        values.update(
            {
                f"{step.key}.number": number,
                f"{step.key}.title": step.title,
                f"{step.key}.latex": aligned(step.lines),
                f"{step.key}.result": step.result,
                f"{step.key}.uses": ", ".join(f"{name}#assume-{name}" for name in step.assumptions),
            }
        )
        for name in step.assumptions:
            used_by[name].append(f"{number}#{step.key}")
    values["steps"] = len(steps)
    for name, statement in theory.ASSUMPTIONS.items():
        values[f"assumption.{name}"] = statement
        values[f"assumption.{name}.used_by"] = ", ".join(used_by[name]) or "none"


def _store(values: dict, prefix: str, row: dict) -> None:
    """Store a table row as values prefix.field."""
    values.update({f"{prefix}.{field}": value for field, value in row.items()})


@experiment(
    "derivation",
    seed=0,
    n_samples=1_000_000,
    n_in=256,
    n_out=128,
    replicates=200,
    depth_replicates=1000,
    batch=64,
    depth=10,
    width=64,
    gains=(0.8, 1.0, 1.25),
    alpha=0.5,
    tanh_input_vars=(0.01, 1.0),
)
def derivation(
    rng,
    n_samples,
    n_in,
    n_out,
    replicates,
    depth_replicates,
    batch,
    depth,
    width,
    gains,
    alpha,
    tanh_input_vars,
) -> Result:
    """The sympy derivations, and each result measured on initdoc's own schemes and layers."""
    values: dict = {
        "n_samples": n_samples,
        "n_in": n_in,
        "n_out": n_out,
        "replicates": replicates,
        "depth_replicates": depth_replicates,
        "margin": MARGIN,
        "batch": batch,
        "depth": depth,
        "width": width,
        "alpha": alpha,
        "z_test": Z_TEST,
    }
    _steps(values)
    layer = (n_in, n_out, batch, replicates)
    mc = {
        **product_rows(values, rng, n_samples),
        **layer_rows(rng, *layer),
        **depth_rows(values, rng, gains, depth, width, batch, depth_replicates),
        **relu_rows(rng, n_samples, alpha, *layer),
        **bound_rows(values, rng, n_samples),
    }
    found = {}
    for key, row in mc.items():
        _store(values, f"mc.{key}", row)
        drawn = n_samples if key == "truncated_std" else None
        found[ROW_CLAIMS[key].key] = judge(ROW_CLAIMS[key], row, drawn)
    values.update(
        {
            "mc.rows": len(mc),
            "mc.agree": sum(v["outcome"] == "agrees" for v in found.values()),
            "mc.inside_ci": sum(r["inside_ci"] for r in mc.values()),
        }
    )
    linear_regime(values, rng, tanh_input_vars, *layer)
    found.update(schemes_draw(values, rng, n_samples, n_in, n_out))
    values.update(article_claims(mc, n_in, n_out))
    return Result(arrays={}, values=values, verdicts=found)


def draw(rng, init, n_samples: int) -> np.ndarray:
    """About `n_samples` draws of `init`, as a near-square matrix."""
    side = math.isqrt(n_samples)
    return init(rng, (side, n_samples // side))


def product_rows(values: dict, rng, n_samples: int) -> dict[str, dict]:
    """1. The variance of a product of independent factors: with means (the general formula) and
    without."""
    mx, sx, my, sy = 1.0, 0.5, -2.0, 1.5
    values.update(
        {"product.mean_w": mx, "product.std_w": sx, "product.mean_a": my, "product.std_a": sy}
    )
    X, Y = (
        draw(rng, schemes.normal(mx, sx), n_samples),
        draw(rng, schemes.normal(my, sy), n_samples),
    )
    rows = {
        "product_general": compare(
            theory.product_variance_value(mx, sx**2, my, sy**2), *variance_of(X * Y)
        )
    }
    fan_in = 4
    w = schemes.lecun_normal()(rng, (fan_in, n_samples // fan_in))
    values["product.fan_in"] = fan_in
    a = draw(rng, schemes.uniform(theory.uniform_limit(1.0)), n_samples)
    rows["product_zero_mean"] = compare(
        theory.product_variance_value(0, theory.lecun_variance(fan_in), 0, 1.0),
        *variance_of(w.ravel() * a.ravel()),
    )
    return rows


def layer_rows(rng, n_in: int, n_out: int, batch: int, replicates: int) -> dict[str, dict]:
    """2 to 4. One layer forward and backward: the variance of the sum, through nn's layers."""
    rows = {}
    for key, name in {"forward_lecun": "lecun_normal", "forward_glorot": "glorot_normal"}.items():
        make, variance = SCHEMES[name]
        rows[key] = compare(
            theory.sum_variance_value(n_in, variance(n_in, n_out), 1.0),
            *_layer_ratio(rng, make(), n_in, n_out, batch, replicates),
        )
    backward = {"backward_fan_out": "fan_out_normal", "backward_glorot": "glorot_normal"}
    for key, name in backward.items():
        make, variance = SCHEMES[name]
        rows[key] = compare(
            theory.sum_variance_value(n_out, variance(n_in, n_out), 1.0),
            *_backward_ratio(rng, make(), n_in, n_out, batch, replicates),
        )
    return rows


def depth_rows(values: dict, rng, gains, depth, width, batch, replicates) -> dict[str, dict]:
    """6. Depth: the gain k per layer, compounded over L layers."""
    rows = {}
    for name, gain in zip(("vanish", "hold", "explode"), gains):
        rows[f"depth_{name}"] = compare(
            theory.depth_variance(gain, depth, 1.0),
            *_depth_ratio(rng, gain, depth, width, batch, replicates),
        )
        values[f"gain_{name}"] = gain
    return rows


def relu_rows(rng, n_samples, alpha, n_in, n_out, batch, replicates) -> dict[str, dict]:
    """7 and 8. He: the second moment relu keeps, for normal and for uniform (both symmetric) z,
    and leaky relu's; He's layer gain."""
    z = draw(rng, schemes.normal(0.0, 1.0), n_samples)
    u = draw(rng, schemes.uniform(theory.uniform_limit(1.0)), n_samples)
    he_gain = n_in * theory.he_variance(n_in) * theory.relu_moment_fraction(0.0)
    return {
        "relu_normal": compare(theory.relu_moment_fraction(0.0), *mean_of(nn.relu(z) ** 2)),
        "relu_uniform": compare(theory.relu_moment_fraction(0.0), *mean_of(nn.relu(u) ** 2)),
        "leaky_normal": compare(
            theory.relu_moment_fraction(alpha), *mean_of(np.maximum(z, alpha * z) ** 2)
        ),
        "he_layer": compare(he_gain, *_he_layer_ratio(rng, n_in, batch, replicates)),
    }


def bound_rows(values: dict, rng, n_samples: int) -> dict[str, dict]:
    """9 and 10. The uniform bound and the truncated normal's constant."""
    limit = 1.0
    values["uniform.limit"] = limit
    uniform = compare(
        (limit / theory.uniform_limit(1.0)) ** 2,
        *variance_of(draw(rng, schemes.uniform(limit), n_samples)),
    )
    normal = rng.standard_normal(n_samples)
    truncated = compare(theory.truncated_normal_std(), *std_of(normal[np.abs(normal) <= 2]))
    return {"uniform_variance": uniform, "truncated_std": truncated}


def linear_regime(values: dict, rng, tanh_input_vars, n_in, n_out, batch, replicates) -> None:
    """The linear regime, measured: the approximation tanh z ≈ z behind the tanh rule, off and
    on."""
    for name, input_var in zip(("small", "unit"), tanh_input_vars):
        row = compare(
            1.0,
            *_layer_ratio(
                rng,
                schemes.lecun_normal(),
                n_in,
                n_out,
                batch,
                replicates,
                activation="tanh",
                input_std=math.sqrt(input_var),
            ),
        )
        _store(
            values,
            f"tanh.{name}",
            {
                **row,
                "input_var": input_var,
                "shortfall": 1 - row["estimate"],
                "series_shortfall": tanh_series_shortfall(input_var),
            },
        )


def schemes_draw(values: dict, rng, n_samples: int, n_in: int, n_out: int) -> dict[str, dict]:
    """The schemes draw what the theory derives: each scheme's drawn variance against the variance
    derived for it, judged."""
    copies = max(1, n_samples // (n_in * n_out))
    values["scheme.draws"] = copies * n_in * n_out
    found = {}
    for name, (make, theory_variance) in SCHEMES.items():
        init = make()
        W = np.stack([init(rng, (n_in, n_out)) for _ in range(copies)])
        variance = theory_variance(n_in, n_out)
        row = compare(variance, *variance_of(W))
        row["max_abs"] = float(np.abs(W).max())
        if "uniform" in name:
            row["bound"] = theory.uniform_limit(variance)
        elif "truncated" in name:
            row["bound"] = 2 * math.sqrt(variance) / theory.truncated_normal_std()
        _store(values, f"scheme.{name}", row)
        found[SCHEME_CLAIMS[name].key] = judge(SCHEME_CLAIMS[name], row)
    return found


def article_claims(mc: dict[str, dict], n_in: int, n_out: int) -> dict:
    """Two claims of the source article, as numbers: Glorot's variance is a harmonic mean of the
    two variances, not of the fans."""
    return {
        "harmonic_mean_of_fans": theory.is_harmonic_mean_of_fans(),
        "hm_fans": 2 * n_in * n_out / (n_in + n_out),
        "glorot_variance": theory.xavier_variance(n_in, n_out),
        "he_variance": theory.he_variance(n_in),
        "twice_glorot": 2 * theory.xavier_variance(n_in, n_out),
        "forward_mean_of_ratios": (
            mc["forward_glorot"]["symbolic"] + mc["backward_glorot"]["symbolic"]
        )
        / 2,
    }
