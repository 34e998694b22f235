r"""Sympy proofs of the Xavier/Glorot and He/Kaiming variance rules, shown as LaTeX.

Each derivation function computes one result with sympy, checks it against the
textbook closed form and returns a Step whose LaTeX is printed by sympy.latex
from the objects that were computed (never typed by hand).

LaTeX layout: each entry of Step.lines is one row of an aligned block, written
"lhs &= rhs" with exactly one "&" placed before the relation (lhs is empty when a
row continues the previous one); some rows end with "\quad \text{(note)}". A page
shows them as  $$\begin{aligned} row_1 \\ row_2 \\ ... \end{aligned}$$  in MathJax 3.
Step.result is the final checked equality with no "&". Each derivation takes
`expected=` to replace the closed form its result is checked against (a wrong one
raises DerivationError naming the step). The float helpers at the end (xavier_variance,
he_variance, ...) lambdify the values the derivations obtained and checked.

Layers are numbered by a subscript: a_l = tanh(z_l), z_l = sum_i W_i a_{l-1,i}.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mpmath
import sympy as sp
from sympy.printing.latex import LatexPrinter


@dataclass(frozen=True)
class Step:
    """One checked derivation, ready to show: LaTeX rows plus the final equality."""

    key: str
    title: str
    assumptions: tuple[str, ...]
    lines: tuple[str, ...]
    result: str


ASSUMPTIONS: dict[str, str] = {
    "independent_factors": "The two factors of the product are independent random variables.",
    "iid_weights": "The weights of a layer are independent, identically distributed "
    "and have mean zero.",
    "iid_inputs": "The inputs of a layer are independent and identically distributed.",
    "zero_mean_inputs": "The inputs of a layer have mean zero.",
    "weights_independent_of_inputs": "The weights are independent of the inputs they multiply.",
    "zero_biases": "Biases are zero, so a pre-activation is the weighted sum alone.",
    "tanh_linear_regime": "Pre-activations stay near 0, where tanh z is approximately z.",
    "iid_gradients": "Backpropagated gradients are independent, identically distributed, "
    "have mean zero and are independent of the weights.",
    "equal_layer_gain": "Every layer multiplies the variance by the same factor k.",
    "symmetric_preactivations": "Each pre-activation z has a density symmetric about 0.",
    "normal_preactivations": "In the worked example z is normal with mean 0 "
    "and standard deviation sigma.",
    "uniform_weights": "Weights are drawn uniformly from a symmetric interval [-r, r].",
    "truncation_at_two": "Normal draws outside two standard deviations are discarded and redrawn.",
}


class DerivationError(AssertionError):
    """A derivation produced something other than its expected closed form."""


# Notation: operators that sympy treats as opaque symbols and prints the usual way.


class _Operator(sp.Function):
    """An unevaluated operator such as Var(X), printed with `template` % args."""

    template = "%s"

    def _latex(self, printer, exp=None):
        body = self.template % ", ".join(printer._print(arg) for arg in self.args)
        return f"{body}^{{{exp}}}" if exp else body


class Var(_Operator):
    """Variance of a random quantity."""

    nargs = 1
    is_positive = True
    template = r"\operatorname{Var}(%s)"


class Mean(_Operator):
    """Expectation of a random quantity."""

    nargs = 1
    is_real = True
    template = r"\mathbb{E}[%s]"


class Cov(_Operator):
    """Covariance of two random quantities."""

    nargs = 2
    is_real = True
    template = r"\operatorname{Cov}(%s)"


class HM(_Operator):
    """Harmonic mean of two positive numbers."""

    nargs = 2
    is_positive = True
    template = r"\operatorname{HM}\left(%s\right)"


class AM(_Operator):
    """Arithmetic mean of two positive numbers."""

    nargs = 2
    is_positive = True
    template = r"\operatorname{AM}\left(%s\right)"


N_IN = sp.Symbol(r"n_{\mathrm{in}}", positive=True, integer=True)
N_OUT = sp.Symbol(r"n_{\mathrm{out}}", positive=True, integer=True)
ALPHA = sp.Symbol("alpha", nonnegative=True)
_W = sp.Symbol("W")
_l = sp.Symbol("l", positive=True, integer=True)
_i, _j, _k = sp.symbols("i j k", positive=True, integer=True)

# The true closed forms: default `expected` values, proved by the derivations below.
FORWARD_VARIANCE = 1 / N_IN
BACKWARD_VARIANCE = 1 / N_OUT
GLOROT_VARIANCE = 2 / (N_IN + N_OUT)
HE_VARIANCE = 2 / N_IN
LEAKY_HE_VARIANCE = 2 / ((1 + ALPHA**2) * N_IN)

# Values each derivation obtained and checked, for the float helpers below.
_CHECKED: dict[str, sp.Expr] = {}


def check(key: str, obtained, expected) -> None:
    """Raise DerivationError unless sympy simplifies obtained - expected to 0."""
    if obtained != expected and sp.simplify(obtained - expected) != 0:
        raise DerivationError(f"step '{key}': expected {expected}, got {obtained}")


def _check_close(key: str, obtained, expected, digits: int) -> None:
    """Raise DerivationError unless two numbers agree to `digits` decimal places."""
    if abs(float(obtained) - float(expected)) > 10.0**-digits:
        raise DerivationError(f"step '{key}': expected {expected}, got {obtained}")


class _Printer(LatexPrinter):
    """sympy's LaTeX printer with leading terms first (1 - x, not -x + 1), subscripts as l - 1."""

    def _print_Indexed(self, expr):
        return sp.latex(expr)


def _latex(expr) -> str:
    """LaTeX of a sympy object, printed by _Printer."""
    return _Printer({"order": "old"}).doprint(expr)


def _row(lhs, *rhs, rel: str = "=", note: str = "") -> str:
    """One aligned row 'lhs &= rhs_1 = rhs_2', every side printed by sympy.latex."""
    left = "" if lhs is None else _latex(lhs) + " "
    right = " = ".join(_latex(side) for side in rhs)
    return f"{left}&{rel} {right}" + (rf" \quad \text{{({note})}}" if note else "")


def _finish(key, title, assumptions, lines, lhs, obtained, expected) -> Step:
    """Check the final result and package the derivation as a Step."""
    check(key, obtained, expected)
    _CHECKED[key] = obtained
    result = f"{_latex(lhs)} = {_latex(expected)}"
    return Step(key, title, tuple(assumptions), tuple(lines), result)


def _moment_form(x, y):
    """Var(XY) for independent X, Y written with moments: E[X^2]E[Y^2] - E[X]^2 E[Y]^2."""
    return Mean(x**2) * Mean(y**2) - Mean(x) ** 2 * Mean(y) ** 2


def _product_variance(x, y):
    """Var(XY) for independent X, Y in terms of means and variances (E[X^2] = Var(X) + E[X]^2)."""
    raw = {Mean(x**2): Var(x) + Mean(x) ** 2, Mean(y**2): Var(y) + Mean(y) ** 2}
    return sp.expand(_moment_form(x, y).subs(raw))


def _variance_of_sum(n, term_variance):
    """Var of a sum of n independent equal-variance terms: double sum, single sum, total."""
    double = sp.Sum(sp.KroneckerDelta(_i, _j) * term_variance, (_j, 1, n), (_i, 1, n))
    inner = sp.refine(sp.Sum(double.function, (_j, 1, n)).doit(), sp.Q.le(_i, n))
    single = sp.Sum(inner, (_i, 1, n))
    return double, single, single.doit()


def _gaussian(x, sigma):
    """Density of the normal distribution with mean 0 and standard deviation sigma."""
    return sp.exp(-(x**2) / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)


def product_variance(expected=None) -> Step:
    """Var(XY) for independent X, Y from moments; zero means leave Var(w)Var(a)."""
    key = "product_variance"
    X, Y, w, a = sp.symbols("X Y w a")
    general = _product_variance(X, Y)
    check(key, general, Mean(X) ** 2 * Var(Y) + Var(X) * Mean(Y) ** 2 + Var(X) * Var(Y))
    _CHECKED[f"{key}.general"] = general
    zero_mean = general.subs({X: w, Y: a}).subs({Mean(w): 0, Mean(a): 0})
    lines = [
        _row(
            Var(X * Y),
            Mean(X**2 * Y**2) - Mean(X * Y) ** 2,
            _moment_form(X, Y),
            note="independence factorizes expectations",
        ),
        _row(Mean(X**2), Var(X) + Mean(X) ** 2, note="definition of variance, for X and for Y"),
        _row(Var(X * Y), general, note="substituted and expanded"),
        _row(Var(w * a), zero_mean, note="weight and input with mean zero"),
    ]
    expected = Var(w) * Var(a) if expected is None else expected
    return _finish(
        key,
        "Variance of a product of independent factors",
        ("independent_factors", "iid_weights", "zero_mean_inputs"),
        lines,
        Var(w * a),
        zero_mean,
        expected,
    )


def sum_variance(expected=None) -> Step:
    """Var of z = sum of n_in independent w_i a_i is n_in Var(w) Var(a)."""
    w, a = sp.IndexedBase("w"), sp.IndexedBase("a")
    z, ws, as_ = sp.symbols("z w a")
    term = Var(ws * as_)
    double, single, total = _variance_of_sum(N_IN, term)
    product = _product_variance(ws, as_).subs({Mean(ws): 0, Mean(as_): 0})
    obtained = total.subs(term, product)
    covariances = sp.Sum(Cov(w[_i] * a[_i], w[_j] * a[_j]), (_j, 1, N_IN), (_i, 1, N_IN))
    lines = [
        _row(z, sp.Sum(w[_i] * a[_i], (_i, 1, N_IN)), note="zero bias"),
        _row(Var(z), covariances, note="variance of a sum: all pairwise covariances"),
        _row(None, double, note="independent terms: only i = j survives"),
        _row(None, single, total),
        _row(None, obtained, note="product variance with zero means"),
    ]
    expected = N_IN * Var(ws) * Var(as_) if expected is None else expected
    return _finish(
        "sum_variance",
        "Variance of a sum of independent products",
        (
            "iid_weights",
            "iid_inputs",
            "zero_mean_inputs",
            "weights_independent_of_inputs",
            "zero_biases",
        ),
        lines,
        Var(z),
        obtained,
        expected,
    )


def xavier_forward(expected=None) -> Step:
    """Keeping Var(a_l) = Var(a_{l-1}) through tanh near 0 forces Var(W) = 1/n_in."""
    pre = sp.Symbol("z")  # one pre-activation
    a, z = sp.IndexedBase("a"), sp.IndexedBase("z")
    taylor = sp.series(sp.tanh(pre), pre, 0, 6)
    linear = sp.series(sp.tanh(pre), pre, 0, 2).removeO()
    var_z = _variance_of_sum(N_IN, Var(_W) * Var(a[_l - 1]))[-1]
    goal = sp.Eq(var_z, Var(a[_l - 1]))
    (obtained,) = sp.solve(goal, Var(_W))
    lines = [
        _row(sp.tanh(pre), taylor, note="Taylor series at 0"),
        _row(sp.tanh(pre), linear, rel=r"\approx", note="linear regime"),
        _row(Var(a[_l]), Var(z[_l]), var_z, rel=r"\approx", note="variance of the sum"),
        _row(var_z, Var(a[_l - 1]), note="goal: the variance is kept"),
        _row(Var(_W), obtained, note="sympy.solve"),
    ]
    expected = FORWARD_VARIANCE if expected is None else expected
    return _finish(
        "xavier_forward",
        "Forward pass: keep the activation variance (tanh near 0)",
        (
            "iid_weights",
            "iid_inputs",
            "zero_mean_inputs",
            "weights_independent_of_inputs",
            "zero_biases",
            "tanh_linear_regime",
        ),
        lines,
        Var(_W),
        obtained,
        expected,
    )


def xavier_backward(expected=None) -> Step:
    """Keeping the gradient variance through backpropagation forces Var(W) = 1/n_out."""
    pre = sp.Symbol("z")  # one pre-activation
    g, W = sp.IndexedBase("g"), sp.IndexedBase("W")
    slope = sp.diff(sp.tanh(pre), pre).subs(pre, 0)
    var_g = _variance_of_sum(N_OUT, Var(_W) * Var(g[_l]))[-1]
    goal = sp.Eq(var_g, Var(g[_l]))
    (obtained,) = sp.solve(goal, Var(_W))
    lines = [
        _row(
            sp.Subs(sp.Derivative(sp.tanh(pre), pre), pre, 0),
            slope,
            note="so the gradient passes tanh unchanged near 0",
        ),
        _row(
            g[_l - 1],
            sp.Sum(W[_k] * g[_l, _k], (_k, 1, N_OUT)),
            note="g is the gradient of the loss with respect to a layer's activations",
        ),
        _row(Var(g[_l - 1]), var_g, note="variance of the sum over the units fed"),
        _row(var_g, Var(g[_l]), note="goal: the gradient variance is kept"),
        _row(Var(_W), obtained, note="sympy.solve"),
    ]
    expected = BACKWARD_VARIANCE if expected is None else expected
    return _finish(
        "xavier_backward",
        "Backward pass: keep the gradient variance",
        ("iid_weights", "iid_gradients", "zero_biases", "tanh_linear_regime"),
        lines,
        Var(_W),
        obtained,
        expected,
    )


def _harmonic_mean(u, v):
    """Harmonic mean 2 / (1/u + 1/v)."""
    return 2 / (1 / u + 1 / v)


def _arithmetic_mean(u, v):
    """Arithmetic mean (u + v) / 2."""
    return (u + v) / 2


def is_harmonic_mean_of_fans() -> bool:
    """Whether 2/(n_in + n_out) is the harmonic mean of n_in and n_out (sympy says no)."""
    return sp.simplify(_harmonic_mean(N_IN, N_OUT) - GLOROT_VARIANCE) == 0


def glorot_compromise(expected=None) -> Step:
    """2/(n_in + n_out) is the harmonic mean of the variances 1/n_in, 1/n_out, not of the fans."""
    key = "glorot_compromise"
    u, v = sp.symbols("u v", positive=True)
    obtained = sp.simplify(_harmonic_mean(FORWARD_VARIANCE, BACKWARD_VARIANCE))
    reciprocal_mean = sp.simplify(1 / _arithmetic_mean(N_IN, N_OUT))
    check(key, reciprocal_mean, obtained)
    fans_mean = sp.factor(_harmonic_mean(N_IN, N_OUT))
    relation = "=" if is_harmonic_mean_of_fans() else r"\neq"
    lines = [
        _row(HM(u, v), _harmonic_mean(u, v), note="harmonic mean"),
        _row(
            HM(FORWARD_VARIANCE, BACKWARD_VARIANCE),
            obtained,
            note="of the forward and backward variances",
        ),
        _row(
            1 / AM(N_IN, N_OUT),
            reciprocal_mean,
            note="reciprocal of the arithmetic mean of the fans",
        ),
        _row(HM(N_IN, N_OUT), fans_mean)
        + rf" {relation} {_latex(obtained)}"
        + r" \quad \text{(the harmonic mean of the fans themselves)}",
        _row(Var(_W), obtained, note="Glorot's compromise"),
    ]
    expected = GLOROT_VARIANCE if expected is None else expected
    return _finish(
        key,
        "Glorot's compromise: harmonic mean of the two variances",
        ("iid_weights", "iid_inputs", "iid_gradients", "tanh_linear_regime"),
        lines,
        Var(_W),
        obtained,
        expected,
    )


def depth_product(expected=None) -> Step:
    """Through L layers the variance is multiplied by k^L: it vanishes, holds or explodes."""
    key = "depth_product"
    L = sp.Symbol("L", nonnegative=True, integer=True)
    x, k, eps = sp.Symbol("x"), sp.Symbol("k", positive=True), sp.Symbol("epsilon", positive=True)
    a, n, W, gain = (sp.IndexedBase(name) for name in ("a", "n", "W", "k"))
    three_layers = Var(x)
    for layer in (1, 2, 3):
        three_layers = gain[layer] * three_layers
    check(key, three_layers, sp.Product(gain[_l], (_l, 1, 3)).doit() * Var(x))
    equal_gain = sp.Product(k, (_l, 1, L)).doit()
    v = sp.Function("v")
    obtained = sp.rsolve(v(L) - k * v(L - 1), v(L), {v(0): Var(x)})
    limits = [
        (1 / (1 + eps), 0, "gain below 1: vanishes"),
        (1, Var(x), "gain 1: holds"),
        (1 + eps, sp.oo, "gain above 1: explodes"),
    ]
    lines = [
        _row(
            gain[_l], n[_l - 1] * Var(W[_l]), note="gain of layer l, from the variance of the sum"
        ),
        _row(Var(a[_l]), gain[_l] * Var(a[_l - 1])),
        _row(Var(a[3]), three_layers, note="unrolled for three layers"),
        _row(Var(a[L]), sp.Product(gain[_l], (_l, 1, L)) * Var(x), note="the same for any depth L"),
        _row(sp.Product(k, (_l, 1, L)), equal_gain, note="equal gain k in every layer"),
        _row(Var(a[L]), obtained, note="sympy.rsolve of the recursion"),
    ]
    for factor, limit_value, note in limits:
        limit = sp.Limit(obtained.subs(k, sp.UnevaluatedExpr(factor)), L, sp.oo)
        check(key, limit.doit(), limit_value)
        lines.append(_row(limit, limit_value, note=note))
    expected = k**L * Var(x) if expected is None else expected
    return _finish(
        key,
        "Depth multiplies the per-layer gains",
        (
            "iid_weights",
            "zero_mean_inputs",
            "zero_biases",
            "tanh_linear_regime",
            "equal_layer_gain",
        ),
        lines,
        Var(a[L]),
        obtained,
        expected,
    )


def _half_second_moment(z, p):
    """For a density p symmetric about 0, each half-line holds half of E[z^2]."""
    negative = sp.Integral(z**2 * p(z), (z, -sp.oo, 0))
    u = sp.Symbol("u", real=True)
    mirrored = negative.transform(-z, u).xreplace({p(-u): p(u)}).xreplace({u: z})
    positive = sp.Integral(z**2 * p(z), (z, 0, sp.oo))
    (half,) = sp.solve(sp.Eq(Mean(z**2), mirrored + positive), positive)
    return negative, mirrored, positive, half


def he_relu_second_moment(expected=None) -> Step:
    """E[relu(z)^2] = Var(z)/2 for symmetric z, so keeping Var(z_l) forces Var(W) = 2/n_in."""
    key = "he_relu_second_moment"
    z, sigma = sp.Symbol("z", real=True), sp.Symbol("sigma", positive=True)
    p = sp.Function("p")
    a, zl, w = sp.IndexedBase("a"), sp.IndexedBase("z"), sp.Symbol("w")
    negative, mirrored, positive, half = _half_second_moment(z, p)
    check(key, mirrored, positive)
    relu_moment = half.subs(Mean(z**2), Var(z))
    normal_integral = sp.Integral(z**2 * _gaussian(z, sigma), (z, 0, sp.oo))
    normal_value = normal_integral.doit(conds="none")
    check(key, normal_value, sigma**2 / 2)
    previous = a[_l - 1]
    weight_only_mean = _product_variance(w, previous).subs(Mean(w), 0)
    weighted = sp.expand(
        weight_only_mean.subs(Var(previous), Mean(previous**2) - Mean(previous) ** 2)
    )
    var_z = _variance_of_sum(N_IN, weighted.subs(w, _W))[-1]
    recursion = var_z.subs(Mean(a[_l - 1] ** 2), relu_moment.subs(z, zl[_l - 1]))
    (obtained,) = sp.solve(sp.Eq(recursion, Var(zl[_l - 1])), Var(_W))
    lines = [
        _row(
            Var(w * a[_l - 1]),
            _moment_form(w, a[_l - 1]),
            weighted,
            note="ReLU outputs do not have mean zero, the weights do",
        ),
        _row(negative, mirrored, note="substitute z for -z and use p(-z) = p(z)"),
        _row(Mean(sp.Max(0, z) ** 2), positive, half, relu_moment, note="both halves are equal"),
        _row(normal_integral, normal_value, note="the normal case, integrated"),
        _row(Var(zl[_l]), var_z, recursion, note="variance of the sum with a = relu(z)"),
        _row(recursion, Var(zl[_l - 1]), note="goal: the variance is kept"),
        _row(Var(_W), obtained, note="sympy.solve"),
    ]
    expected = HE_VARIANCE if expected is None else expected
    return _finish(
        key,
        "He: ReLU keeps half of the second moment",
        (
            "iid_weights",
            "iid_inputs",
            "weights_independent_of_inputs",
            "zero_biases",
            "symmetric_preactivations",
            "normal_preactivations",
        ),
        lines,
        Var(_W),
        obtained,
        expected,
    )


def he_leaky_relu(expected=None) -> Step:
    """Leaky ReLU keeps (1 + alpha^2)/2 of the second moment, so Var(W) = 2/((1 + alpha^2) n_in)."""
    key = "he_leaky_relu"
    z, sigma = sp.Symbol("z", real=True), sp.Symbol("sigma", positive=True)
    a, zl = sp.IndexedBase("a"), sp.IndexedBase("z")
    negative, _, positive, half = _half_second_moment(z, sp.Function("p"))
    halves = ALPHA**2 * negative + positive
    moment = sp.factor(halves.subs({negative: half, positive: half}).subs(Mean(z**2), Var(z)))
    normal_halves = sp.Integral(
        (ALPHA * z) ** 2 * _gaussian(z, sigma), (z, -sp.oo, 0)
    ) + sp.Integral(z**2 * _gaussian(z, sigma), (z, 0, sp.oo))
    normal_value = sp.factor(normal_halves.doit(conds="none"))
    check(key, normal_value, moment.subs(Var(z), sigma**2))
    _CHECKED[f"{key}.moment"] = sp.simplify(moment / Var(z))
    var_z = _variance_of_sum(N_IN, Var(_W) * Mean(a[_l - 1] ** 2))[-1]
    recursion = var_z.subs(Mean(a[_l - 1] ** 2), moment.subs(z, zl[_l - 1]))
    (obtained,) = sp.solve(sp.Eq(recursion, Var(zl[_l - 1])), Var(_W))
    relu, linear = obtained.subs(ALPHA, 0), obtained.subs(ALPHA, 1)
    check(key, relu, HE_VARIANCE)
    check(key, linear, FORWARD_VARIANCE)
    lines = [
        _row(
            Mean(sp.Max(z, ALPHA * z) ** 2),
            halves,
            moment,
            note="slope alpha from 0 to 1 for negative z; each half holds half of Var(z)",
        ),
        _row(normal_halves, normal_value, note="the normal case, integrated"),
        _row(Var(zl[_l]), var_z, recursion, note="variance of the sum with a = leaky relu(z)"),
        _row(Var(_W), obtained, note="sympy.solve of the fixed point"),
        _row(Var(_W).subs(ALPHA, 0), relu, note="alpha = 0: ReLU, He"),
        _row(Var(_W).subs(ALPHA, 1), linear, note="alpha = 1: identity, forward rule"),
    ]
    expected = LEAKY_HE_VARIANCE if expected is None else expected
    return _finish(
        key,
        "He for leaky ReLU with negative slope alpha",
        (
            "iid_weights",
            "iid_inputs",
            "weights_independent_of_inputs",
            "zero_biases",
            "symmetric_preactivations",
            "normal_preactivations",
        ),
        lines,
        Var(_W),
        obtained,
        expected,
    )


def uniform_bound(expected=None) -> Step:
    """U(-r, r) has variance r^2/3, so the bound for a target variance is r = sqrt(3 Var(W))."""
    key = "uniform_bound"
    x, r = sp.Symbol("x", real=True), sp.Symbol("r", positive=True)
    mean = sp.Integral(x / (2 * r), (x, -r, r))
    variance = sp.Integral(x**2 / (2 * r), (x, -r, r))
    (obtained,) = sp.solve(sp.Eq(variance.doit(), Var(_W)), r)
    lines = [
        _row(Mean(x), mean, mean.doit(), note="x uniform on [-r, r]"),
        _row(Var(x), variance, variance.doit()),
        _row(r, obtained, note="sympy.solve for the target Var(W)"),
    ]
    schemes = [
        (GLOROT_VARIANCE, sp.sqrt(6 / (N_IN + N_OUT)), "Glorot uniform"),
        (HE_VARIANCE, sp.sqrt(6 / N_IN), "He uniform"),
        (FORWARD_VARIANCE, sp.sqrt(3 / N_IN), "LeCun uniform"),
    ]
    for target, bound, name in schemes:
        check(key, obtained.subs(Var(_W), target), bound)
        lines.append(_row(r, obtained.subs(Var(_W), target), note=name))
    expected = sp.sqrt(3 * Var(_W)) if expected is None else expected
    return _finish(
        key,
        "Uniform initialization: the bound for a target variance",
        ("uniform_weights", "iid_weights"),
        lines,
        r,
        obtained,
        expected,
    )


def _quadrature_truncated_std(bound: int) -> mpmath.mpf:
    """Std of N(0, 1) truncated to [-bound, bound] by mpmath numerical quadrature."""
    with mpmath.workdps(30):
        mass = mpmath.quad(lambda t: mpmath.exp(-(t**2) / 2), [-bound, bound])
        second = mpmath.quad(lambda t: t**2 * mpmath.exp(-(t**2) / 2), [-bound, bound])
        return mpmath.sqrt(second / mass)


def truncated_normal_constant(expected=None) -> Step:
    """N(0, 1) truncated to [-2, 2] has standard deviation c = 0.8796256610..."""
    key = "truncated_normal_constant"
    x, c, c_quad = sp.Symbol("x", real=True), sp.Symbol("c"), sp.Symbol(r"c_{\mathrm{quad}}")
    bound = 2
    phi = _gaussian(x, 1)
    mass = sp.Integral(phi, (x, -bound, bound))
    second = sp.Integral(x**2 * phi, (x, -bound, bound))
    mass_value, second_value = mass.doit(), sp.simplify(second.doit())
    c_squared = sp.expand(second_value / mass_value)
    obtained = sp.sqrt(c_squared)
    quadrature = _quadrature_truncated_std(bound)
    _check_close(key, sp.N(obtained, 20), quadrature, digits=10)
    lines = [
        _row(mass, mass_value, note="probability kept by the truncation"),
        _row(second, second_value),
        _row(c**2, second / mass, c_squared, note="second moment of the truncated law"),
        _row(c, obtained) + rf" \approx {_latex(sp.N(obtained, 12))}",
        _row(
            c_quad,
            sp.Float(quadrature, 12),
            rel=r"\approx",
            note="independent numerical quadrature",
        ),
    ]
    # Textbook form c^2 = 1 - 2 b phi(b) / (Phi(b) - Phi(-b)),
    # where Phi(b) - Phi(-b) = erf(b / sqrt 2).
    kept = sp.erf(bound / sp.sqrt(2))
    expected = sp.sqrt(1 - 2 * bound * phi.subs(x, bound) / kept) if expected is None else expected
    return _finish(
        key,
        "The standard deviation of a normal truncated at two standard deviations",
        ("truncation_at_two",),
        lines,
        c,
        obtained,
        expected,
    )


DERIVATIONS = (
    product_variance,
    sum_variance,
    xavier_forward,
    xavier_backward,
    glorot_compromise,
    depth_product,
    he_relu_second_moment,
    he_leaky_relu,
    uniform_bound,
    truncated_normal_constant,
)


def derive_all() -> list[Step]:
    """Run every derivation in page order; a failed check raises DerivationError."""
    return [derive() for derive in DERIVATIONS]


@functools.cache
def _numeric(derivation, *symbols, entry: str = ""):
    """The value a derivation obtained and checked (or its checked `entry`), lambdified over
    `symbols`."""
    key = derivation().key
    return sp.lambdify(symbols, _CHECKED[f"{key}.{entry}" if entry else key], modules="math")


def product_variance_value(mean_x: float, var_x: float, mean_y: float, var_y: float) -> float:
    """Var(XY) = E[X]^2 Var(Y) + Var(X) E[Y]^2 + Var(X) Var(Y) for independent X, Y
    (product_variance)."""
    X, Y = sp.symbols("X Y")
    f = _numeric(product_variance, Mean(X), Var(X), Mean(Y), Var(Y), entry="general")
    return float(f(mean_x, var_x, mean_y, var_y))


def sum_variance_value(n: int, var_w: float, var_a: float) -> float:
    """Var of a sum of n independent zero-mean products w_i a_i: n Var(w) Var(a) (sum_variance)."""
    w, a = sp.symbols("w a")
    return float(_numeric(sum_variance, N_IN, Var(w), Var(a))(n, var_w, var_a))


def backward_variance(n_out: int) -> float:
    """Var(W) = 1/n_out that keeps the gradient variance (xavier_backward)."""
    return float(_numeric(xavier_backward, N_OUT)(n_out))


def depth_variance(k: float, L: int, var_x: float) -> float:
    """Var(a_L) = k^L Var(x) after L layers of gain k (depth_product)."""
    gain, depth = sp.Symbol("k", positive=True), sp.Symbol("L", nonnegative=True, integer=True)
    return float(_numeric(depth_product, gain, depth, Var(sp.Symbol("x")))(k, L, var_x))


def relu_moment_fraction(alpha: float = 0.0) -> float:
    """E[leaky_relu(z)^2] / Var(z) = (1 + alpha^2)/2 for symmetric z; alpha = 0 is ReLU
    (he_leaky_relu)."""
    return float(_numeric(he_leaky_relu, ALPHA, entry="moment")(alpha))


def lecun_variance(n_in: int) -> float:
    """Var(W) = 1/n_in that keeps the forward variance (xavier_forward)."""
    return float(_numeric(xavier_forward, N_IN)(n_in))


def xavier_variance(n_in: int, n_out: int) -> float:
    """Glorot's Var(W) = 2/(n_in + n_out) (glorot_compromise)."""
    return float(_numeric(glorot_compromise, N_IN, N_OUT)(n_in, n_out))


def he_variance(n_in: int, alpha: float = 0.0) -> float:
    """He's Var(W) = 2/((1 + alpha^2) n_in); alpha = 0 is plain ReLU (he_leaky_relu)."""
    return float(_numeric(he_leaky_relu, N_IN, ALPHA)(n_in, alpha))


def uniform_limit(variance: float) -> float:
    """Bound r of U(-r, r) with the given variance, r = sqrt(3 variance) (uniform_bound)."""
    return float(_numeric(uniform_bound, Var(_W))(variance))


def truncated_normal_std() -> float:
    """Std of N(0, 1) truncated to [-2, 2], about 0.8796 (truncated_normal_constant)."""
    return float(_numeric(truncated_normal_constant)())
