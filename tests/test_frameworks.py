"""The cheat sheet's framework facts, measured from PyTorch, Keras 3 (JAX backend), JAX, Flax and
Hugging Face transformers (GPT-2 and BERT).

Every row of initdoc.site.frameworks (the tables on the cheat sheet) is drawn from the framework's
own call and from initdoc's scheme, and compared three ways, each decided before the data:
- the variance: the mean square within SIGMAS standard errors of the law's variance, the standard
  error computed from the sample;
- the bounds: uniform draws never beyond r = √(3 Var) and close to it, truncated ones never beyond
  2σ/c, untruncated ones beyond it;
- the whole distribution: a two-sample Kolmogorov–Smirnov test against initdoc's draws of the
  stated law at level ALPHA, over N draws a side; and for a normal of either kind, the same test
  must reject the other kind, so "(normal)" and "(truncated)" on the page are each asserted.

The frameworks come from requirements-frameworks.txt (`make test` installs them); a missing one
fails the test that needs it, with the command that installs it. These tests are in the full tier.
"""

from __future__ import annotations

import importlib
import inspect
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from initdoc import nn, schemes
from initdoc.experiments import cheatsheet
from initdoc.site import frameworks

os.environ.setdefault("KERAS_BACKEND", "jax")  # Keras 3 on JAX; read when keras is first imported

pytestmark = pytest.mark.full

SIGMAS = cheatsheet.PARITY_SIGMAS
ALPHA = cheatsheet.PARITY_ALPHA  # the level of every KS test
N = cheatsheet.PARITY_DRAWS  # draws a side for every statistical comparison
FAN_IN, FAN_OUT = 300, 200  # a dense layer; its fans differ, so a wrong fan shows
C = schemes.TRUNCATED_NORMAL_STD
INSTALL = "pip install -c requirements.txt -r requirements-frameworks.txt (make frameworks)"


def _require(name: str):
    try:
        return importlib.import_module(name)
    except ImportError as err:
        pytest.fail(f"{name} is not installed ({err}); install the frameworks: {INSTALL}")


@pytest.fixture(scope="module")
def torch():
    return _require("torch")


@pytest.fixture(scope="module")
def keras():
    keras = _require("keras")
    assert keras.backend.backend() == "jax", "set KERAS_BACKEND=jax before keras is imported"
    return keras


@pytest.fixture(scope="module")
def jax():
    return _require("jax")


@pytest.fixture(scope="module")
def flax():
    return _require("flax.linen")


@pytest.fixture(scope="module")
def transformers(torch):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # models are built from a config: no download
    transformers = _require("transformers")
    transformers.logging.set_verbosity_error()
    return transformers


@pytest.fixture(scope="module")
def ks_2samp():
    return _require("scipy.stats").ks_2samp


# --- drawing N numbers from a framework, and from initdoc ---


def repeat(draw, n: int = N) -> np.ndarray:
    """Call `draw(i)` for i = 0, 1, ... and concatenate the flattened draws until n numbers."""
    parts, count, i = [], 0, 0
    while count < n:
        part = np.asarray(draw(i), dtype=np.float64).ravel()
        parts.append(part)
        count, i = count + part.size, i + 1
    return np.concatenate(parts)[:n]


def torch_fill(torch, fill, shape, **kwargs):
    """draw(i): a float64 tensor of `shape` filled by torch.nn.init's `fill`."""
    torch.manual_seed(0)
    return lambda i: fill(torch.empty(*shape, dtype=torch.float64), **kwargs).numpy()


def keras_init(keras, name, shape, **kwargs):
    """draw(i): keras.initializers.`name`(seed=i, **kwargs)(shape)."""
    cls = getattr(keras.initializers, name)
    return lambda i: np.asarray(cls(seed=i, **kwargs)(shape, dtype="float32"))


def jax_init(jax, init, shape):
    """draw(i): a jax.nn.initializers initializer called with key i."""
    return lambda i: np.asarray(init(jax.random.key(i), shape, jax.numpy.float32))


def initdoc_draws(law: str, variance: float, shape=(FAN_IN, FAN_OUT), seed: int = 1):
    """N draws of `law` (normal, truncated_normal or uniform) with `variance`, from initdoc."""
    fan_in, _ = schemes.fans(shape)
    init = schemes.variance_scaling(variance * fan_in, "fan_in", law)
    rng = np.random.default_rng(seed)
    return repeat(lambda i: init(rng, shape))


# --- the comparisons ---

OTHER_NORMAL = {"normal": "truncated_normal", "truncated_normal": "normal"}


def assert_variance(w: np.ndarray, variance: float):
    se = np.std(w**2) / math.sqrt(w.size)
    assert abs(np.mean(w**2) - variance) < SIGMAS * se, (np.mean(w**2), variance, se)


def assert_bounds(w: np.ndarray, law: str, variance: float):
    top = np.abs(w).max()
    if law == "uniform":
        r = math.sqrt(3 * variance)
        t = 1 - 1e-9 ** (1 / w.size)  # P(max |w| < r(1 - t)) = 1e-9 for U(-r, r)
        assert r * (1 - t) < top <= r * (1 + 1e-6)
    elif law == "truncated_normal":
        assert top <= 2 * math.sqrt(variance) / C * (1 + 1e-6)
    elif law == "normal":  # about 2 % of an untruncated normal lies beyond 2σ/c
        assert top > 1.2 * 2 * math.sqrt(variance) / C


def assert_law(ks_2samp, w: np.ndarray, law: str, variance: float):
    """`w` has the variance, bounds and distribution of `law`; a normal, not the other kind."""
    assert_variance(w, variance)
    assert_bounds(w, law, variance)
    assert ks_2samp(w, initdoc_draws(law, variance)).pvalue > ALPHA
    if law in OTHER_NORMAL:
        assert ks_2samp(w, initdoc_draws(OTHER_NORMAL[law], variance)).pvalue < ALPHA


def row_variance(row: frameworks.Scheme, fan_in=FAN_IN, fan_out=FAN_OUT, scale=None, mode=None):
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
    return (row.scale if scale is None else scale) / n[mode or row.mode]


def test_the_ks_test_tells_the_laws_apart(ks_2samp):
    """The distribution checks can fail: at N draws a side they reject every wrong law."""
    laws = ("normal", "truncated_normal", "uniform")
    for law in laws:
        w = initdoc_draws(law, 0.01, seed=2)
        assert ks_2samp(w, initdoc_draws(law, 0.01)).pvalue > ALPHA
        for other in set(laws) - {law}:
            assert ks_2samp(w, initdoc_draws(other, 0.01)).pvalue < ALPHA
        assert ks_2samp(w, initdoc_draws(law, 0.01 * 1.05)).pvalue < ALPHA  # 5 % off in variance


# --- every scheme in each spelling: one test per row and framework ---

NAMED = [
    row for row in frameworks.SCHEMES if row.examples == () and row.distribution != "orthogonal"
]
ROW_IDS = [row.initdoc.split("`")[1] for row in NAMED]


def framework_draws(framework, module, call: frameworks.Call):
    """N draws of a (FAN_IN, FAN_OUT) dense weight from `call` in `framework`."""
    kwargs = dict(call.kwargs)
    if framework == "torch":
        fill = getattr(module.nn.init, call.name)
        return repeat(torch_fill(module, fill, (FAN_OUT, FAN_IN), **kwargs))
    if framework == "keras":
        return repeat(keras_init(module, call.name, (FAN_IN, FAN_OUT), **kwargs))
    init = getattr(module.nn.initializers, call.name)(**kwargs)
    return repeat(jax_init(module, init, (FAN_IN, FAN_OUT)))


@pytest.mark.parametrize("row", NAMED, ids=ROW_IDS)
def test_torch_spelling(torch, ks_2samp, row):
    call = row.calls["torch"]
    assert_law(ks_2samp, framework_draws("torch", torch, call), call.draws, row_variance(row))


@pytest.mark.parametrize("row", NAMED, ids=ROW_IDS)
def test_keras_spelling(keras, ks_2samp, row):
    call = row.calls["keras"]
    assert_law(ks_2samp, framework_draws("keras", keras, call), call.draws, row_variance(row))


@pytest.mark.parametrize("row", NAMED, ids=ROW_IDS)
def test_jax_spelling(jax, ks_2samp, row):
    call = row.calls["jax"]
    assert_law(ks_2samp, framework_draws("jax", jax, call), call.draws, row_variance(row))


@pytest.mark.parametrize("row", NAMED, ids=ROW_IDS)
def test_initdoc_spelling(ks_2samp, row):
    """initdoc's own name draws the row's law, untruncated for its normals."""
    name = row.initdoc.split("`")[1]
    rng = np.random.default_rng(3)
    w = repeat(lambda i: schemes.get(name)(rng, (FAN_IN, FAN_OUT)))
    assert_law(ks_2samp, w, row.distribution, row_variance(row))


(VARIANCE_SCALING,) = [row for row in frameworks.SCHEMES if row.examples]


@pytest.mark.parametrize(
    "scale, mode, dist",
    VARIANCE_SCALING.examples,
    ids=["-".join(map(str, e)) for e in VARIANCE_SCALING.examples],
)
def test_variance_scaling_in_keras_and_jax(keras, jax, ks_2samp, scale, mode, dist):
    variance = row_variance(VARIANCE_SCALING, scale=scale, mode=mode)
    names = frameworks.DISTRIBUTION_NAMES
    w = repeat(
        keras_init(
            keras,
            "VarianceScaling",
            (FAN_IN, FAN_OUT),
            scale=scale,
            mode=mode,
            distribution=names["keras"][dist],
        )
    )
    assert_law(ks_2samp, w, dist, variance)
    init = jax.nn.initializers.variance_scaling(scale, mode, names["jax"][dist])
    assert_law(ks_2samp, repeat(jax_init(jax, init, (FAN_IN, FAN_OUT))), dist, variance)


def test_pytorch_has_no_variance_scaling(torch):
    assert VARIANCE_SCALING.calls["torch"].startswith("no single function")
    assert not [name for name in dir(torch.nn.init) if "variance" in name.lower()]


(ORTHOGONAL,) = [row for row in frameworks.SCHEMES if row.distribution == "orthogonal"]


def orthogonal_draws(framework, module, gain: float) -> list[np.ndarray]:
    """Eight (FAN_IN, FAN_OUT) orthogonal matrices × gain from `framework`, in initdoc's layout."""
    call = ORTHOGONAL.calls[framework]
    if framework == "torch":
        draw = torch_fill(module, getattr(module.nn.init, call.name), (FAN_OUT, FAN_IN), gain=gain)
        return [draw(i).T for i in range(8)]
    if framework == "keras":
        return [keras_init(module, call.name, (FAN_IN, FAN_OUT), gain=gain)(i) for i in range(8)]
    init = getattr(module.nn.initializers, call.name)(scale=gain)
    return [jax_init(module, init, (FAN_IN, FAN_OUT))(i) for i in range(8)]


@pytest.mark.parametrize("framework", ["torch", "keras", "jax"])
def test_orthogonal_spelling(request, ks_2samp, framework):
    module = request.getfixturevalue(framework)
    gain = 1.5
    mats = orthogonal_draws(framework, module, gain)
    for m in mats:  # columns orthonormal (FAN_IN > FAN_OUT), times the gain
        np.testing.assert_allclose(m.T @ m, gain**2 * np.eye(FAN_OUT), atol=1e-4)
    rng = np.random.default_rng(4)
    ours = np.concatenate([schemes.orthogonal(gain)(rng, (FAN_IN, FAN_OUT)).ravel() for _ in mats])
    assert ks_2samp(np.concatenate([m.ravel() for m in mats]), ours).pvalue > ALPHA


# --- fans: where each framework reads them, for dense and grouped convolution weights ---

IN, OUT, GROUPS, KERNEL = 16, 32, 4, (3, 3)
CONV_FAN_IN, CONV_FAN_OUT = IN // GROUPS * math.prod(KERNEL), OUT * math.prod(KERNEL)


def test_weight_shapes(torch, keras, flax, jax):
    """The layouts table: dense and grouped convolution weights as each framework stores them."""
    assert tuple(torch.nn.Linear(FAN_IN, FAN_OUT).weight.shape) == (FAN_OUT, FAN_IN)
    conv = torch.nn.Conv2d(IN, OUT, KERNEL, groups=GROUPS)
    assert tuple(conv.weight.shape) == (OUT, IN // GROUPS, *KERNEL)
    dense = keras.layers.Dense(FAN_OUT)
    dense.build((None, FAN_IN))
    assert tuple(dense.kernel.shape) == (FAN_IN, FAN_OUT)
    conv = keras.layers.Conv2D(OUT, KERNEL, groups=GROUPS)
    conv.build((None, 8, 8, IN))
    assert tuple(conv.kernel.shape) == (*KERNEL, IN // GROUPS, OUT)
    key = jax.random.key(0)
    params = flax.Dense(FAN_OUT).init(key, np.ones((1, FAN_IN), np.float32))["params"]
    assert params["kernel"].shape == (FAN_IN, FAN_OUT)
    conv = flax.Conv(OUT, KERNEL, feature_group_count=GROUPS)
    params = conv.init(key, np.ones((1, 8, 8, IN), np.float32))["params"]
    assert params["kernel"].shape == (*KERNEL, IN // GROUPS, OUT)


def test_what_the_dense_layer_computes(torch, keras, flax, jax):
    """PyTorch computes x Wᵀ + b with W of shape (out, in); Keras and Flax x W + b."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, FAN_IN)).astype(np.float32)
    layer = torch.nn.Linear(FAN_IN, FAN_OUT)
    W, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    np.testing.assert_allclose(layer(torch.from_numpy(x)).detach().numpy(), x @ W.T + b, atol=1e-5)
    dense = keras.layers.Dense(FAN_OUT, bias_initializer="random_normal")
    y = np.asarray(dense(x))
    np.testing.assert_allclose(y, x @ np.asarray(dense.kernel) + np.asarray(dense.bias), atol=1e-4)
    module = flax.Dense(FAN_OUT, bias_init=jax.nn.initializers.normal(1.0))
    params = module.init(jax.random.key(0), x)
    p = params["params"]
    expected = x @ np.asarray(p["kernel"]) + np.asarray(p["bias"])
    np.testing.assert_allclose(np.asarray(module.apply(params, x)), expected, atol=1e-4)


def fan_draws(framework, module, mode: str) -> np.ndarray:
    """N draws of variance 1/fan for a grouped convolution kernel, in `framework`'s layout."""
    if framework == "torch":
        fill, shape = module.nn.init.kaiming_normal_, (OUT, IN // GROUPS, *KERNEL)
        return repeat(torch_fill(module, fill, shape, mode=mode, nonlinearity="linear"))
    shape = (*KERNEL, IN // GROUPS, OUT)
    if framework == "keras":
        return repeat(
            keras_init(
                module, "VarianceScaling", shape, mode=mode, distribution="untruncated_normal"
            )
        )
    if framework == "jax":
        return repeat(
            jax_init(module, module.nn.initializers.variance_scaling(1, mode, "normal"), shape)
        )
    rng = np.random.default_rng(0)
    return repeat(lambda i: schemes.variance_scaling(1.0, mode, "normal")(rng, shape))


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("framework", ["initdoc", "torch", "keras", "jax"])
def test_grouped_convolution_fans(request, framework, mode):
    """fan_in = in/groups × kernel size and fan_out = out × kernel size in every framework."""
    module = None if framework == "initdoc" else request.getfixturevalue(framework)
    fan = {"fan_in": CONV_FAN_IN, "fan_out": CONV_FAN_OUT}[mode]
    assert_variance(fan_draws(framework, module, mode), 1 / fan)
    assert schemes.fans((*KERNEL, IN // GROUPS, OUT)) == (CONV_FAN_IN, CONV_FAN_OUT)


def test_torch_reads_the_fans_off_the_transposed_axes(torch):
    fans = torch.nn.init._calculate_fan_in_and_fan_out
    assert fans(torch.empty(FAN_OUT, FAN_IN)) == schemes.fans((FAN_IN, FAN_OUT))
    kernel = torch.empty(OUT, IN // GROUPS, *KERNEL)
    assert fans(kernel) == schemes.fans((*KERNEL, IN // GROUPS, OUT))


def test_versions_are_the_pinned_ones(torch, keras, jax, flax, transformers):
    """The versions the cheat sheet names are installed, as requirements-frameworks.txt pins."""
    flax_version = importlib.import_module("flax").__version__
    installed = {
        "torch": torch.__version__,
        "jax": jax.__version__,
        "keras": keras.__version__,
        "flax": flax_version,
        "transformers": transformers.__version__,
    }
    for name, version in frameworks.VERSIONS.items():
        assert installed[name].split("+")[0] == version, (name, installed[name])


# --- translating: gains, modes and scales ---


def test_pytorch_std_is_gain_over_root_fan(torch, ks_2samp):
    """kaiming_*: std = gain/√n with n the mode's fan; xavier_*: std = gain·√(2/(n_in + n_out))."""
    gain = torch.nn.init.calculate_gain("tanh")
    w = repeat(
        torch_fill(
            torch,
            torch.nn.init.kaiming_normal_,
            (FAN_OUT, FAN_IN),
            mode="fan_out",
            nonlinearity="tanh",
        )
    )
    assert_law(ks_2samp, w, "normal", gain**2 / FAN_OUT)
    w = repeat(torch_fill(torch, torch.nn.init.xavier_normal_, (FAN_OUT, FAN_IN), gain=gain))
    assert_law(ks_2samp, w, "normal", gain**2 * 2 / (FAN_IN + FAN_OUT))


def test_a_keras_or_jax_scale_is_the_square_of_a_pytorch_gain(torch, keras, jax, ks_2samp):
    gain = torch.nn.init.calculate_gain("tanh")
    theirs = repeat(
        torch_fill(torch, torch.nn.init.kaiming_normal_, (FAN_OUT, FAN_IN), nonlinearity="tanh")
    )
    keras_w = repeat(
        keras_init(
            keras,
            "VarianceScaling",
            (FAN_IN, FAN_OUT),
            scale=gain**2,
            distribution="untruncated_normal",
        )
    )
    init = jax.nn.initializers.variance_scaling(gain**2, "fan_in", "normal")
    jax_w = repeat(jax_init(jax, init, (FAN_IN, FAN_OUT)))
    assert ks_2samp(theirs, keras_w).pvalue > ALPHA and ks_2samp(theirs, jax_w).pvalue > ALPHA
    assert_variance(theirs, gain**2 / FAN_IN)


def test_kaiming_defaults_to_leaky_relu_with_slope_zero(torch):
    for fill in (torch.nn.init.kaiming_normal_, torch.nn.init.kaiming_uniform_):
        params = inspect.signature(fill).parameters
        assert (params["nonlinearity"].default, params["a"].default) == ("leaky_relu", 0)
    gain = torch.nn.init.calculate_gain
    assert gain("leaky_relu", 0) == gain("relu")


def test_keras_normal_means_truncated(keras, ks_2samp):
    assert (
        inspect.signature(keras.initializers.VarianceScaling).parameters["distribution"].default
        == "truncated_normal"
    )
    w = repeat(keras_init(keras, "VarianceScaling", (FAN_IN, FAN_OUT), distribution="normal"))
    assert_law(ks_2samp, w, "truncated_normal", 1 / FAN_IN)


def test_jax_normal_is_untruncated_and_named_normals_are_truncated(jax, ks_2samp):
    init = jax.nn.initializers.variance_scaling(1.0, "fan_in", "normal")
    assert_law(ks_2samp, repeat(jax_init(jax, init, (FAN_IN, FAN_OUT))), "normal", 1 / FAN_IN)
    # the named *_normal schemes: the spelling tests above assert "truncated" for each


def test_keras_and_jax_write_the_truncation_constant_as_a_literal(keras, jax):
    literal = ".87962566103423978"  # Keras writes 0.8796..., JAX .8796...
    keras_source = inspect.getsource(keras.initializers.VarianceScaling.__call__)
    jax_source = inspect.getsource(importlib.import_module("jax._src.nn.initializers"))
    assert literal in keras_source and literal in jax_source
    assert float(literal) == pytest.approx(C, rel=1e-15)


# --- truncated normals ---


@pytest.mark.parametrize("std", cheatsheet.TRUNC_NORMAL_STDS)
def test_torch_trunc_normal_cuts_at_absolute_bounds_and_does_not_rescale(torch, std):
    """trunc_normal_(std=s) cuts at ±2, not ±2s, so it keeps s² v(2/s) of the variance."""
    w = repeat(torch_fill(torch, torch.nn.init.trunc_normal_, (FAN_OUT, FAN_IN), std=std))
    truncnorm = _require("scipy.stats").truncnorm
    kept = truncnorm(-2 / std, 2 / std).var()  # scipy's, independent of initdoc's formula
    assert cheatsheet.truncated_variance(2 / std) == pytest.approx(kept, rel=1e-9)
    assert_variance(w, std**2 * kept)
    assert np.abs(w).max() <= 2.0


def test_the_truncated_normal_signatures_the_page_gives(torch, keras, jax):
    """trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0); JAX's truncated_normal(stddev,
    lower=-2.0, upper=2.0); and no gain in Keras' or JAX's variance scaling."""
    params = inspect.signature(torch.nn.init.trunc_normal_).parameters
    assert [(n, params[n].default) for n in ("mean", "std", "a", "b")] == [
        ("mean", 0.0),
        ("std", 1.0),
        ("a", -2.0),
        ("b", 2.0),
    ]
    params = inspect.signature(jax.nn.initializers.truncated_normal).parameters
    assert (params["lower"].default, params["upper"].default) == (-2.0, 2.0)
    for fn in (keras.initializers.VarianceScaling, jax.nn.initializers.variance_scaling):
        assert "gain" not in inspect.signature(fn).parameters


def test_variance_preserving_trunc_normal_recipe(torch, ks_2samp):
    """The cheat sheet's recipe: std=σ/c with a, b = ∓2σ/c gives initdoc's truncated normal."""
    sigma = 0.05
    std = sigma / C
    w = repeat(
        torch_fill(
            torch, torch.nn.init.trunc_normal_, (FAN_OUT, FAN_IN), std=std, a=-2 * std, b=2 * std
        )
    )
    assert_law(ks_2samp, w, "truncated_normal", sigma**2)


def test_jax_truncated_normal_cuts_in_units_of_stddev_without_correcting(jax, ks_2samp):
    stddev = 0.05
    w = repeat(jax_init(jax, jax.nn.initializers.truncated_normal(stddev), (FAN_IN, FAN_OUT)))
    assert_law(ks_2samp, w, "truncated_normal", (C * stddev) ** 2)  # std c·stddev, cut at ±2 stddev


# --- defaults of the layers ---

# (framework, layer, param) -> (the layer, big enough that a few give N values; its weight's shape
# in initdoc's layout, from which the fans are read as the layouts table says; its features)
LAYERS = {
    ("torch", "nn.Linear", "weight"): (lambda m: m.nn.Linear(FAN_IN, FAN_OUT), (FAN_IN, FAN_OUT)),
    ("torch", "nn.Linear", "bias"): (lambda m: m.nn.Linear(64, 50_000), (64, 50_000)),
    ("torch", "nn.Conv2d", "weight"): (
        lambda m: m.nn.Conv2d(64, 256, 3, groups=4),
        (3, 3, 16, 256),
    ),
    ("torch", "nn.Conv2d", "bias"): (
        lambda m: m.nn.Conv2d(8, 40_000, 3, groups=4),
        (3, 3, 2, 40_000),
    ),
    ("torch", "nn.Embedding", "weight"): (lambda m: m.nn.Embedding(1000, FAN_OUT), None),
    ("keras", "Dense", "kernel"): (lambda m: m.layers.Dense(FAN_OUT), (FAN_IN, FAN_OUT)),
    ("keras", "Dense", "bias"): (lambda m: m.layers.Dense(FAN_OUT), (FAN_IN, FAN_OUT)),
    ("keras", "Conv2D", "kernel"): (lambda m: m.layers.Conv2D(256, 3, groups=4), (3, 3, 16, 256)),
    ("keras", "Conv2D", "bias"): (lambda m: m.layers.Conv2D(256, 3, groups=4), (3, 3, 16, 256)),
    ("keras", "Embedding", "embeddings"): (lambda m: m.layers.Embedding(1000, FAN_OUT), None),
    ("flax", "nn.Dense", "kernel"): (lambda m: m.Dense(FAN_OUT), (FAN_IN, FAN_OUT)),
    ("flax", "nn.Dense", "bias"): (lambda m: m.Dense(FAN_OUT), (FAN_IN, FAN_OUT)),
    ("flax", "nn.Conv", "kernel"): (
        lambda m: m.Conv(256, (3, 3), feature_group_count=4),
        (3, 3, 16, 256),
    ),
    ("flax", "nn.Conv", "bias"): (
        lambda m: m.Conv(256, (3, 3), feature_group_count=4),
        (3, 3, 16, 256),
    ),
    ("flax", "nn.Embed", "embedding"): (lambda m: m.Embed(1000, FAN_OUT), None),
}


def input_for(shape):
    """An input for a layer whose weight has `shape` (initdoc's layout); indices if None."""
    if shape is None:
        return np.zeros((1,), np.int32)
    if len(shape) == 2:
        return np.ones((1, shape[0]), np.float32)
    return np.ones((1, 8, 8, 64), np.float32)  # every convolution above reads 64 channels


def layer_draws(framework: str, module, layer: str, param: str, jax=None) -> np.ndarray:
    """N values of `param` from freshly made `layer`s, each with its framework's default."""
    make, shape = LAYERS[framework, layer, param]
    if framework == "torch":
        module.manual_seed(0)
        return repeat(lambda i: getattr(make(module), param).detach().numpy())
    x = input_for(shape)
    if framework == "keras":

        def draw(i):
            module.utils.set_random_seed(i)
            made = make(module)
            made.build((None,) if shape is None else (None, *x.shape[1:]))
            return np.asarray(getattr(made, param))

        return repeat(draw)
    made = make(module)
    return repeat(lambda i: np.asarray(made.init(jax.random.key(i), x)["params"][param]))


@pytest.mark.parametrize(
    "default",
    frameworks.DEFAULTS,
    ids=[f"{d.framework}-{d.layer}-{d.param}" for d in frameworks.DEFAULTS],
)
def test_layer_default(request, ks_2samp, jax, default):
    module = request.getfixturevalue(default.framework)
    w = layer_draws(default.framework, module, default.layer, default.param, jax)
    _, shape = LAYERS[default.framework, default.layer, default.param]
    fan_in, fan_out = schemes.fans(shape) if shape else (None, None)
    variance = default.variance(fan_in=fan_in, fan_out=fan_out, features=FAN_OUT)
    if default.draws == "zeros":
        assert w.size >= N and not w.any()
    else:
        assert_law(ks_2samp, w, default.draws, variance)


SOURCES = Path(__file__).resolve().parent / "sources"


def test_the_quoted_documentation_is_the_installed_one(torch, keras, jax):
    """The copies in tests/sources/ that the cheat sheet quotes are the pinned versions' words."""
    copies = {
        "keras-truncated-normal-docstring.txt": inspect.getdoc(keras.initializers.TruncatedNormal),
        "jax-truncated-normal-docstring.txt": inspect.getdoc(jax.nn.initializers.truncated_normal),
        "torch-calculate-gain-docstring.txt": inspect.getdoc(torch.nn.init.calculate_gain),
    }
    for name, doc in copies.items():
        assert (SOURCES / name).read_text(encoding="utf-8") == doc + "\n", name
    source = inspect.getsource(torch.nn.Linear.reset_parameters)
    for line in (SOURCES / "torch-linear-reset-parameters.txt").read_text().splitlines():
        assert line in source


def test_torch_linear_default_is_kaiming_uniform_with_a_root_five(torch):
    """The call the defaults table names, and the reason PyTorch's source gives for it."""
    for layer in (torch.nn.Linear, torch.nn.modules.conv._ConvNd):
        source = inspect.getsource(layer.reset_parameters)
        assert "kaiming_uniform_(" in source and "a=math.sqrt(5)" in source
    assert "issues/57109" in inspect.getsource(torch.nn.Linear.reset_parameters)


# --- GPT-2 and BERT, as Hugging Face transformers initializes them ---

WIDTH = 64  # small models: the conventions do not depend on the width


def build(torch, transformers, model: str, blocks: int, seed: int):
    """A freshly initialized GPT2Model or BertModel of `blocks` blocks, built from seed `seed`."""
    torch.manual_seed(seed)
    if model == "GPT2Model":
        config = transformers.GPT2Config(
            n_layer=blocks, n_embd=WIDTH, n_head=2, vocab_size=512, n_positions=64
        )
    else:
        config = transformers.BertConfig(
            num_hidden_layers=blocks,
            hidden_size=WIDTH,
            num_attention_heads=2,
            intermediate_size=4 * WIDTH,
            vocab_size=512,
            max_position_embeddings=64,
        )
    return getattr(transformers, model)(config)


def members(model, row: frameworks.Convention) -> dict[str, np.ndarray]:
    """The parameters of `model` whose names `row` covers, as float64 arrays."""
    return {
        name: p.detach().double().numpy()
        for name, p in model.named_parameters()
        if re.search(row.names, name)
    }


def convention_draws(torch, transformers, row: frameworks.Convention, blocks: int) -> np.ndarray:
    """N numbers drawn by the rule of `row`, from fresh models (the padding row left out)."""

    def draw(seed):
        model = build(torch, transformers, row.model, blocks, seed)
        pad = model.config.pad_token_id
        parts = members(model, row)
        return np.concatenate(
            [
                (
                    np.delete(w, pad, axis=0) if name.endswith("word_embeddings.weight") else w
                ).ravel()
                for name, w in parts.items()
            ]
        )

    return repeat(draw)


@pytest.mark.parametrize("model", ["GPT2Model", "BertModel"])
def test_every_parameter_is_in_exactly_one_row(torch, transformers, model):
    rows = [c for c in frameworks.CONVENTIONS if c.model == model]
    for name, _ in build(torch, transformers, model, 2, 0).named_parameters():
        assert sum(bool(re.search(c.names, name)) for c in rows) == 1, name


@pytest.mark.parametrize(
    "row", frameworks.CONVENTIONS, ids=[f"{c.model}-{c.group}" for c in frameworks.CONVENTIONS]
)
@pytest.mark.parametrize("blocks", [2, 8])
def test_transformer_convention(torch, transformers, ks_2samp, row, blocks):
    """Each row at two depths, so that a rule that changes with depth (c_proj) has to."""
    if row.draws == "normal":
        assert_law(
            ks_2samp,
            convention_draws(torch, transformers, row, blocks),
            "normal",
            row.std(blocks) ** 2,
        )
    else:
        model = build(torch, transformers, row.model, blocks, 0)
        constant = {"zeros": 0.0, "ones": 1.0}[row.draws]
        assert all((w == constant).all() for w in members(model, row).values())


def test_bert_zeroes_the_padding_row(torch, transformers):
    model = build(torch, transformers, "BertModel", 2, 0)
    table = model.embeddings.word_embeddings.weight.detach().numpy()
    assert not table[model.config.pad_token_id].any() and np.all(
        np.delete(table, model.config.pad_token_id, axis=0) != 0
    )


# --- gains ---


@pytest.mark.parametrize("row", frameworks.GAINS, ids=[g.nonlinearity for g in frameworks.GAINS])
def test_gain_equals_pytorch(torch, row):
    param = nn.LEAKY_SLOPE if row.nonlinearity == "leaky_relu" else None
    theirs = torch.nn.init.calculate_gain(row.nonlinearity, param)
    assert schemes.gain(row.nonlinearity, param) == pytest.approx(theirs, rel=1e-12)
    for name in row.also:
        assert torch.nn.init.calculate_gain(name) == theirs


@pytest.mark.parametrize("slope", [0.0, 0.2, math.sqrt(5)])
def test_leaky_relu_gain_equals_pytorch_for_any_slope(torch, slope):
    theirs = torch.nn.init.calculate_gain("leaky_relu", slope)
    assert schemes.gain("leaky_relu", slope) == pytest.approx(theirs, rel=1e-12)
