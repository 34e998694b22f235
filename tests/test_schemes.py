"""Tests of initdoc.schemes: exact draws, variances, orthogonality, fans, gains and errors."""

import math

import numpy as np
import pytest

from initdoc import schemes

C = schemes.TRUNCATED_NORMAL_STD
ALIASES = {
    "xavier_normal": "glorot_normal",
    "xavier_uniform": "glorot_uniform",
    "kaiming_normal": "he_normal",
    "kaiming_uniform": "he_uniform",
}
# Parameters for the schemes that need some; every other scheme is built with none.
PARAMS = {
    "constant": {"value": 0.5},
    "normal": {"mean": 0.3, "std": 0.05},
    "uniform": {"limit": 0.2},
    "variance_scaling": {"scale": 0.5, "mode": "fan_out", "distribution": "truncated_normal"},
    "orthogonal": {"gain": 1.5},
    "identity": {"gain": 2.0},
}
# Shapes with their fans worked out by hand: conv fans are 3*3 = 9 times in and out channels.
SHAPES = {(30, 40): (30, 40), (40, 30): (40, 30), (3, 3, 8, 16): (72, 144)}


def build(name):
    return schemes.get(name, **PARAMS.get(name, {}))


def shape_for(name):
    return (6, 6) if name == "identity" else (3, 3, 8, 16)


# --- exact values, worked out by hand (the laws of the random schemes are tested below by their
# statistics, and against PyTorch, Keras and JAX in tests/test_frameworks.py) ---


@pytest.mark.parametrize(
    "name, expected",
    [("zeros", 0.0), ("ones", 1.0), ("constant", 0.5)],
)
def test_constant_schemes_exact(name, expected):
    got = build(name)(np.random.default_rng(0), (3, 3, 8, 16))
    assert got.dtype == np.float64 and got.shape == (3, 3, 8, 16)
    assert np.all(got == expected)


def test_identity_exact():
    got = build("identity")(np.random.default_rng(0), (6, 6))
    np.testing.assert_array_equal(got, 2 * np.eye(6))


def test_truncated_normal_redraws_instead_of_clipping():
    """Values beyond the cut are drawn again, so nothing piles up at the bound."""
    init = schemes.variance_scaling(1.0, "fan_in", "truncated_normal")
    w = init(np.random.default_rng(0), (100, 10_000)).ravel() * 10  # std 1/C, bound 2/C
    bound = 2 / C
    assert np.abs(w).max() <= bound
    assert np.mean(np.abs(w) > 0.999 * bound) < 1e-3  # clipping would put 4.6 % there


@pytest.mark.parametrize("name", schemes.names())
def test_same_seed_same_bytes(name):
    init, shape = build(name), shape_for(name)
    first = init(np.random.default_rng(7), shape)
    second = init(np.random.default_rng(7), shape)
    assert first.tobytes() == second.tobytes()


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_alias_draws_like_its_target(alias):
    target = ALIASES[alias]
    assert alias in schemes.names() and target in schemes.names()
    assert getattr(schemes, alias) is getattr(schemes, target)
    got = schemes.get(alias)(np.random.default_rng(3), (20, 10))
    want = schemes.get(target)(np.random.default_rng(3), (20, 10))
    assert got.tobytes() == want.tobytes()


def test_names_sorted_and_get_matches_module_functions():
    assert schemes.names() == sorted(schemes.names())
    got = schemes.get("he_normal")(np.random.default_rng(0), (4, 5))
    assert got.tobytes() == schemes.he_normal()(np.random.default_rng(0), (4, 5)).tobytes()


@pytest.mark.parametrize("name", schemes.names())
def test_float32(name):
    init, shape = build(name), shape_for(name)
    got = init(np.random.default_rng(0), shape, dtype=np.float32)
    assert got.dtype == np.float32
    want = init(np.random.default_rng(0), shape).astype(np.float32)
    np.testing.assert_array_equal(got, want)  # float32 is the float64 draw, rounded


# --- statistics: sample variance within 6 standard errors, the errors derived from n ---


def truncated_normal_fourth_moment(a=2.0):
    """E[X⁴] of N(0, 1) truncated to [-a, a], by parts: 3 - 2(a³ + 3a)φ(a) / (Φ(a) - Φ(-a))."""
    pdf = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(a / math.sqrt(2))
    return 3 - 2 * (a**3 + 3 * a) * pdf / mass


KURTOSIS = {  # μ4 / σ⁴ per distribution
    "normal": 3.0,
    "uniform": 9 / 5,
    "truncated_normal": truncated_normal_fourth_moment() / C**4,
}
BIG = (300, 700)  # fan_in 300, fan_out 700, fan_avg 500; 210,000 samples
STAT_CASES = [
    # (scheme, params, shape, mean, variance, distribution)
    ("normal", {"mean": 0.3, "std": 0.05}, BIG, 0.3, 0.05**2, "normal"),
    ("uniform", {"limit": 0.2}, BIG, 0.0, 0.2**2 / 3, "uniform"),
    ("lecun_normal", {}, BIG, 0.0, 1 / 300, "normal"),
    ("lecun_uniform", {}, BIG, 0.0, 1 / 300, "uniform"),
    ("glorot_normal", {}, BIG, 0.0, 1 / 500, "normal"),
    ("glorot_uniform", {}, BIG, 0.0, 1 / 500, "uniform"),
    ("he_normal", {}, BIG, 0.0, 2 / 300, "normal"),
    ("he_uniform", {}, BIG, 0.0, 2 / 300, "uniform"),
    ("he_normal", {}, (3, 3, 64, 128), 0.0, 2 / 576, "normal"),
] + [
    (
        "variance_scaling",
        {"scale": 0.5, "mode": mode, "distribution": distribution},
        BIG,
        0.0,
        0.5 / n,
        distribution,
    )
    for mode, n in [("fan_in", 300), ("fan_out", 700), ("fan_avg", 500)]
    for distribution in ["normal", "truncated_normal", "uniform"]
]


@pytest.mark.parametrize(
    "name, params, shape, mean, variance, distribution",
    STAT_CASES,
    ids=["-".join(map(str, [c[0], c[2], *c[1].values()])) for c in STAT_CASES],
)
def test_variance_within_six_standard_errors(name, params, shape, mean, variance, distribution):
    w = schemes.get(name, **params)(np.random.default_rng(1), shape).ravel() - mean
    n = w.size
    sample_variance = np.mean(w**2)  # the mean is known, so no Bessel correction
    standard_error = math.sqrt((KURTOSIS[distribution] - 1) * variance**2 / n)
    assert abs(sample_variance - variance) < 6 * standard_error

    if distribution == "uniform":
        r = math.sqrt(3 * variance)
        assert np.abs(w).max() <= r
        # |w| / r is U(0, 1), so P(max |w| < r(1 - t)) = (1 - t)^n; pick t to make that 1e-9.
        t = 1 - 1e-9 ** (1 / n)
        assert np.abs(w).max() > r * (1 - t)
    if distribution == "truncated_normal":
        assert np.abs(w).max() <= 2 * math.sqrt(variance) / C


def test_truncated_normal_std_constant():
    assert pytest.approx(0.87962566103423978, rel=1e-15) == C
    # Independent check by the trapezoid rule (error ~ h² = 1e-10 here) over [-2, 2].
    x = np.linspace(-2, 2, 400_001)
    density = np.exp(-(x**2) / 2)
    mass = np.trapezoid(density, x)
    assert math.sqrt(np.trapezoid(x**2 * density, x) / mass) == pytest.approx(C, rel=1e-9)
    assert np.trapezoid(x**4 * density, x) / mass == pytest.approx(
        truncated_normal_fourth_moment(), rel=1e-9
    )


# --- orthogonal and identity ---


@pytest.mark.parametrize("gain", [1.0, 1.7])
@pytest.mark.parametrize("shape", [(64, 32), (32, 32), (32, 64), (3, 3, 16, 32), (1, 1, 16, 64)])
def test_orthogonal_is_orthogonal(shape, gain):
    w = schemes.orthogonal(gain)(np.random.default_rng(0), shape)
    assert w.shape == shape
    m = w.reshape(-1, shape[-1])  # (prod(shape[:-1]), out)
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), rtol=0, atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 4), (3, 3, 3)])
def test_identity_needs_square_2d(shape):
    with pytest.raises(ValueError, match=r"identity needs a square 2-D shape \(n, n\)"):
        schemes.identity()(np.random.default_rng(0), shape)


# --- fans and gains ---


@pytest.mark.parametrize(
    "shape, expected",
    [
        ((3, 5), (3, 5)),
        ((3, 3, 16, 32), (144, 288)),
        ((5, 16, 32), (80, 160)),
        ((2, 3, 4, 5, 6), (120, 144)),
        ([3, 5], (3, 5)),
        ((np.int64(3), np.int64(5)), (3, 5)),
    ],
)
def test_fans(shape, expected):
    assert schemes.fans(shape) == expected


def test_gain_aliases_and_hand_worked_slopes():
    """The values themselves are compared with torch.nn.init.calculate_gain in test_frameworks."""
    assert schemes.gain("identity") == schemes.gain("linear")
    assert schemes.gain("leaky_relu", 0.0) == schemes.gain("relu")
    assert schemes.gain("leaky_relu", math.sqrt(5)) ** 2 == pytest.approx(1 / 3)  # 2 / (1 + 5)
    assert schemes.gain("leaky_relu") == schemes.gain("leaky_relu", 0.01)  # PyTorch's default


# --- errors say what was wrong and what is accepted ---


def test_unknown_scheme_lists_known_names():
    with pytest.raises(ValueError) as err:
        schemes.get("he_nromal")
    message = str(err.value)
    assert message.startswith("unknown scheme 'he_nromal'; known: " + ", ".join(schemes.names()))
    assert "Did you mean 'he_normal'?" in message


def test_bad_mode():
    with pytest.raises(ValueError, match="unknown mode 'fan_inn'; known: fan_in, fan_out, fan_avg"):
        schemes.variance_scaling(1.0, "fan_inn", "normal")


def test_bad_distribution():
    known = "known: normal, truncated_normal, uniform"
    with pytest.raises(ValueError, match=f"unknown distribution 'gaussian'; {known}"):
        schemes.get("variance_scaling", scale=1.0, mode="fan_in", distribution="gaussian")


@pytest.mark.parametrize("scale", [0, -1.0])
def test_bad_scale(scale):
    with pytest.raises(ValueError, match="scale must be a positive number"):
        schemes.variance_scaling(scale, "fan_in", "normal")


def test_bad_nonlinearity():
    with pytest.raises(ValueError) as err:
        schemes.gain("relu6")
    assert "unknown nonlinearity 'relu6'; known: identity, leaky_relu, linear, relu, selu, " in str(
        err.value
    )


def test_param_only_for_leaky_relu():
    with pytest.raises(ValueError, match="only 'leaky_relu' takes a param; 'relu' does not"):
        schemes.gain("relu", 0.1)


@pytest.mark.parametrize(
    "name, params, accepted",
    [
        ("normal", {"stdev": 1.0}, "it takes: mean, std"),
        ("variance_scaling", {"scale": 1.0}, "it takes: scale, mode, distribution"),
        ("he_normal", {"gain": 2.0}, "it takes: no parameters"),
    ],
)
def test_bad_parameters(name, params, accepted):
    with pytest.raises(ValueError, match=f"scheme '{name}': .*; {accepted}"):
        schemes.get(name, **params)


BAD_SHAPES = [(5,), (), (0, 3), (3, 0), (3, -1), (3.0, 4), (3, 4.5), (True, 3), "34", 5, None]


@pytest.mark.parametrize("shape", BAD_SHAPES, ids=repr)
def test_bad_shapes(shape):
    accepted = r"expected a tuple of positive ints, \(fan_in, fan_out\) or \(\*receptive_field"
    with pytest.raises(ValueError, match=r"bad shape .*: .*; " + accepted):
        schemes.fans(shape)
    with pytest.raises(ValueError, match=r"bad shape .*: .*; " + accepted):
        schemes.zeros()(np.random.default_rng(0), shape)


@pytest.mark.parametrize(
    "rng",
    [np.random, np.random.RandomState(0), 0, None],
    ids=["np.random", "RandomState", "0", "None"],
)
def test_rng_must_be_a_generator(rng):
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        schemes.he_normal()(rng, (3, 4))


def test_dtype_must_be_floating():
    with pytest.raises(ValueError, match="dtype must be floating"):
        schemes.ones()(np.random.default_rng(0), (3, 4), dtype=np.int32)
