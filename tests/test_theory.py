"""Tests for initdoc.theory: every derivation runs, checks bite, LaTeX is well formed."""

import math

import numpy as np
import pytest
import sympy as sp

from initdoc import theory
from initdoc.theory import ALPHA, N_IN, N_OUT, DerivationError, Var

KEYS = [
    "product_variance",
    "sum_variance",
    "xavier_forward",
    "xavier_backward",
    "glorot_compromise",
    "depth_product",
    "he_relu_second_moment",
    "he_leaky_relu",
    "uniform_bound",
    "truncated_normal_constant",
]

_w, _a, _x, _W = sp.symbols("w a x W")
_k = sp.Symbol("k", positive=True)
_L = sp.Symbol("L", nonnegative=True, integer=True)

# A plausible mistake per step: each must be caught.
WRONG = {
    "product_variance": Var(_w) + Var(_a),
    "sum_variance": Var(_w) * Var(_a),
    "xavier_forward": 1 / N_OUT,
    "xavier_backward": 1 / N_IN,
    "glorot_compromise": 2 * N_IN * N_OUT / (N_IN + N_OUT),
    "depth_product": _k * _L * Var(_x),
    "he_relu_second_moment": 1 / N_IN,
    "he_leaky_relu": 2 / ((1 + ALPHA) * N_IN),
    "uniform_bound": sp.sqrt(2 * Var(_W)),
    "truncated_normal_constant": sp.sqrt(1 - 4 * sp.exp(-2) / sp.sqrt(2 * sp.pi)),
}


@pytest.fixture(scope="module")
def steps():
    return theory.derive_all()


def test_derive_all_returns_every_step_once_in_order(steps):
    assert [step.key for step in steps] == KEYS
    assert [derive.__name__ for derive in theory.DERIVATIONS] == KEYS


@pytest.mark.parametrize("derive", theory.DERIVATIONS, ids=KEYS)
def test_wrong_expected_form_is_caught(derive):
    key = derive.__name__
    with pytest.raises(DerivationError, match=f"step '{key}': expected .*, got "):
        derive(expected=WRONG[key])


def test_check_accepts_equal_forms_and_rejects_others():
    x = sp.Symbol("x")
    theory.check("demo", (x + 1) ** 2, x**2 + 2 * x + 1)
    with pytest.raises(DerivationError, match="step 'demo': expected x, got 2\\*x"):
        theory.check("demo", 2 * x, x)


def test_glorot_is_harmonic_mean_of_variances_not_of_fans(steps):
    assert theory.is_harmonic_mean_of_fans() is False
    glorot = steps[KEYS.index("glorot_compromise")]
    assert any(r"\neq" in line and r"\operatorname{HM}" in line for line in glorot.lines)


@pytest.mark.parametrize("n_in, n_out", [(1, 1), (3, 7), (256, 128), (784, 10)])
def test_variance_helpers(n_in, n_out):
    assert theory.lecun_variance(n_in) == pytest.approx(1 / n_in, rel=1e-12)
    assert theory.xavier_variance(n_in, n_out) == pytest.approx(2 / (n_in + n_out), rel=1e-12)
    assert theory.he_variance(n_in) == pytest.approx(2 / n_in, rel=1e-12)
    for alpha in (0.01, 0.2, 1.0):
        expected = 2 / ((1 + alpha**2) * n_in)
        assert theory.he_variance(n_in, alpha) == pytest.approx(expected, rel=1e-12)
    glorot_bound = theory.uniform_limit(theory.xavier_variance(n_in, n_out))
    assert glorot_bound == pytest.approx(math.sqrt(6 / (n_in + n_out)), rel=1e-12)
    assert isinstance(theory.xavier_variance(n_in, n_out), float)


@pytest.mark.parametrize("variance", [1e-4, 1 / 3, 2.0])
def test_uniform_limit_has_the_requested_variance(variance):
    r = theory.uniform_limit(variance)
    assert r**2 / 3 == pytest.approx(variance, rel=1e-12)


def test_truncated_normal_std_matches_erf_closed_form():
    density_at_2 = math.exp(-2) / math.sqrt(2 * math.pi)
    mass = math.erf(2 / math.sqrt(2))
    closed_form = math.sqrt(1 - 4 * density_at_2 / mass)
    assert theory.truncated_normal_std() == pytest.approx(closed_form, abs=1e-12)


def test_truncated_normal_std_matches_trapezoid_quadrature():
    x = np.linspace(-2.0, 2.0, 400_001)
    density = np.exp(-(x**2) / 2)
    std = math.sqrt(np.trapezoid(x**2 * density, x) / np.trapezoid(density, x))
    assert theory.truncated_normal_std() == pytest.approx(std, abs=1e-9)
    assert theory.truncated_normal_std() == pytest.approx(0.8796256610, abs=1e-10)


def test_latex_lines_are_aligned_rows(steps):
    for step in steps:
        assert step.lines, step.key
        for line in [*step.lines, step.result]:
            assert line.strip() and "$" not in line and "\n" not in line, (step.key, line)
            assert line.count("{") == line.count("}"), (step.key, line)
        for line in step.lines:
            assert line.count("&") == 1, (step.key, line)
        assert "&" not in step.result and "=" in step.result, step.key


def test_steps_name_known_assumptions_and_one_line_titles(steps):
    for step in steps:
        assert step.title and "\n" not in step.title
        assert step.assumptions and set(step.assumptions) <= set(theory.ASSUMPTIONS), step.key
    for statement in theory.ASSUMPTIONS.values():
        assert statement.endswith(".") and "\\" not in statement and "$" not in statement


def test_derivations_show_their_key_results(steps):
    by_key = {step.key: "\n".join(step.lines) for step in steps}
    assert r"O\left(z^{6}\right)" in by_key["xavier_forward"]
    assert r"\infty" in by_key["depth_product"]
    assert r"\frac{\operatorname{Var}(z)}{2}" in by_key["he_relu_second_moment"]
    assert "0.879625661" in by_key["truncated_normal_constant"]


@pytest.mark.parametrize("mx, vx, my, vy", [(0, 1, 0, 1), (1.0, 0.25, -2.0, 2.25), (3, 2, 0, 5)])
def test_product_variance_value_is_the_general_formula(mx, vx, my, vy):
    expected = mx**2 * vy + vx * my**2 + vx * vy
    assert theory.product_variance_value(mx, vx, my, vy) == pytest.approx(expected, rel=1e-12)


def test_sum_backward_depth_and_relu_helpers():
    assert theory.sum_variance_value(256, 0.5, 3.0) == pytest.approx(256 * 0.5 * 3.0, rel=1e-12)
    assert theory.backward_variance(128) == pytest.approx(1 / 128, rel=1e-12)
    assert theory.depth_variance(1.25, 10, 2.0) == pytest.approx(2.0 * 1.25**10, rel=1e-12)
    assert theory.depth_variance(0.8, 0, 2.0) == pytest.approx(2.0, rel=1e-12)
    for alpha in (0.0, 0.01, 0.5, 1.0):
        assert theory.relu_moment_fraction(alpha) == pytest.approx((1 + alpha**2) / 2, rel=1e-12)
