"""What PyTorch, Keras, JAX and Flax do, as rows: the cheat sheet's tables are drawn from them.

Each framework fact the cheat sheet states is one object here. The page's tables are rendered from
these objects at build time (no framework needed), and tests/test_frameworks.py calls the very
functions and layers they name and measures what they draw, so every cell has a named test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

FRAMEWORKS = ("torch", "keras", "jax", "flax")
VERSIONS = {  # as pinned in requirements-frameworks.txt
    "torch": "2.13.0",
    "jax": "0.10.2",
    "keras": "3.15.1",
    "flax": "0.12.8",
    "transformers": "5.25.0",
}
MODULES = {  # where each framework's initializers live, as the page names them
    "torch": "torch.nn.init",
    "keras": "keras.initializers",
    "jax": "jax.nn.initializers",
    "flax": "flax.linen.initializers",
}
DRAWS = ("normal", "truncated_normal", "uniform", "orthogonal", "dist")  # dist: as `dist` says
NOTE = {"normal": "normal", "truncated_normal": "truncated"}  # shown after a normal-family call


@dataclass(frozen=True)
class Call:
    """One framework's spelling of a scheme: the call the page prints and the test makes.

    `kwargs` are the arguments, printed as `name=value` and passed as they are; a row that writes
    symbols instead, as in `VarianceScaling(s, mode, dist)`, prints `shown` and is tested with
    concrete examples. `draws` is the distribution the page says the call draws from.
    """

    name: str
    draws: str
    kwargs: tuple[tuple[str, object], ...] = ()
    weight_arg: bool = False  # PyTorch's functions fill a tensor passed first: name(w, ...)
    shown: str | None = None

    def __post_init__(self):
        if self.draws not in DRAWS:
            raise ValueError(f"draws must be one of {DRAWS}; got {self.draws!r}")

    def markdown(self) -> str:
        """The call as the page prints it, with the distribution noted for normals."""
        args = ["w"] if self.weight_arg else []
        if self.shown is not None:
            args.append(self.shown)
        else:
            args += [f"{key}={_literal(value)}" for key, value in self.kwargs]
        text = f"`{self.name}({', '.join(args)})`"
        return f"{text} ({NOTE[self.draws]})" if self.draws in NOTE else text


def _literal(value: object) -> str:
    """A Python value as the page prints it in a call: strings in double quotes."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


@dataclass(frozen=True)
class Scheme:
    """A row of 'every scheme in each spelling': initdoc's name, each framework's call, the law.

    `scale`, `mode` and `distribution` say what initdoc draws for the row (its variance is
    scale / n with n the fan `mode`), so a test can draw the same law from initdoc and compare.
    """

    initdoc: str
    law: str
    calls: dict[str, Call | str]
    scale: float = 1.0
    mode: str = "fan_in"
    distribution: str = "normal"
    examples: tuple[tuple[float, str, str], ...] = ()  # concrete (scale, mode, dist) to test


def _torch(name: str, draws: str, **kwargs: object) -> Call:
    return Call(name, draws, tuple(kwargs.items()), weight_arg=True)


def _call(name: str, draws: str, **kwargs: object) -> Call:
    return Call(name, draws, tuple(kwargs.items()))


SCHEMES = (
    Scheme(
        "`lecun_normal`",
        r"$\mathrm{Var}(W) = 1/n_\text{in}$",
        {
            "torch": _torch("kaiming_normal_", "normal", nonlinearity="linear"),
            "keras": _call("LecunNormal", "truncated_normal"),
            "jax": _call("lecun_normal", "truncated_normal"),
        },
    ),
    Scheme(
        "`lecun_uniform`",
        r"$U\big(\pm\sqrt{3/n_\text{in}}\big)$",
        {
            "torch": _torch("kaiming_uniform_", "uniform", nonlinearity="linear"),
            "keras": _call("LecunUniform", "uniform"),
            "jax": _call("lecun_uniform", "uniform"),
        },
        distribution="uniform",
    ),
    Scheme(
        "`glorot_normal` / `xavier_normal`",
        r"$\mathrm{Var}(W) = 2/(n_\text{in} + n_\text{out})$",
        {
            "torch": _torch("xavier_normal_", "normal"),
            "keras": _call("GlorotNormal", "truncated_normal"),
            "jax": _call("glorot_normal", "truncated_normal"),
        },
        mode="fan_avg",
    ),
    Scheme(
        "`glorot_uniform` / `xavier_uniform`",
        r"$U\big(\pm\sqrt{6/(n_\text{in} + n_\text{out})}\big)$",
        {
            "torch": _torch("xavier_uniform_", "uniform"),
            "keras": _call("GlorotUniform", "uniform"),
            "jax": _call("glorot_uniform", "uniform"),
        },
        mode="fan_avg",
        distribution="uniform",
    ),
    Scheme(
        "`he_normal` / `kaiming_normal`",
        r"$\mathrm{Var}(W) = 2/n_\text{in}$",
        {
            "torch": _torch("kaiming_normal_", "normal", nonlinearity="relu"),
            "keras": _call("HeNormal", "truncated_normal"),
            "jax": _call("he_normal", "truncated_normal"),
        },
        scale=2.0,
    ),
    Scheme(
        "`he_uniform` / `kaiming_uniform`",
        r"$U\big(\pm\sqrt{6/n_\text{in}}\big)$",
        {
            "torch": _torch("kaiming_uniform_", "uniform", nonlinearity="relu"),
            "keras": _call("HeUniform", "uniform"),
            "jax": _call("he_uniform", "uniform"),
        },
        scale=2.0,
        distribution="uniform",
    ),
    Scheme(
        "`variance_scaling(s, mode, dist)`",
        r"$\mathrm{Var}(W) = s/n$, $n$ = fan_in, fan_out or their mean",
        {
            "torch": "no single function; see below",
            "keras": Call("VarianceScaling", "dist", shown="s, mode, dist"),
            "jax": Call("variance_scaling", "dist", shown="s, mode, dist"),
        },
        examples=tuple(
            (0.5, mode, dist)
            for mode in ("fan_in", "fan_out", "fan_avg")
            for dist in ("normal", "truncated_normal", "uniform")
        ),
    ),
    Scheme(
        "`orthogonal(gain)`",
        "a random orthogonal matrix × gain",
        {
            "torch": Call("orthogonal_", "orthogonal", weight_arg=True, shown="gain"),
            "keras": Call("Orthogonal", "orthogonal", shown="gain"),
            "jax": Call("orthogonal", "orthogonal", shown="scale"),
        },
        distribution="orthogonal",
    ),
)

# How Keras and JAX spell initdoc's distributions in variance_scaling.
DISTRIBUTION_NAMES = {
    "keras": {
        "normal": "untruncated_normal",
        "truncated_normal": "truncated_normal",
        "uniform": "uniform",
    },
    "jax": {"normal": "normal", "truncated_normal": "truncated_normal", "uniform": "uniform"},
}


@dataclass(frozen=True)
class Layout:
    """How a framework stores dense and convolution weights, and which axes its fans come from."""

    framework: str
    dense: str
    computes: str
    conv: str
    fan_in: str
    fan_out: str


LAYOUTS = (
    Layout(
        "initdoc",
        "`(fan_in, fan_out)`",
        "$xW + b$",
        "`(*kernel, in, out)`",
        "`shape[-2]` × kernel size",
        "`shape[-1]` × kernel size",
    ),
    Layout(
        "PyTorch",
        "`(out_features, in_features)`",
        r"$xW^\top + b$",
        "`(out, in / groups, *kernel)`",
        "`shape[1]` × kernel size",
        "`shape[0]` × kernel size",
    ),
    Layout(
        "Keras",
        "`(input_dim, units)`",
        "$xW + b$",
        "`(*kernel, in / groups, filters)`",
        "`shape[-2]` × kernel size",
        "`shape[-1]` × kernel size",
    ),
    Layout(
        "JAX / Flax",
        "`(in, features)`",
        "$xW + b$",
        "`(*kernel, in / groups, features)`",
        "axis `in_axis=-2` × the rest",
        "axis `out_axis=-1` × the rest",
    ),
)


@dataclass(frozen=True)
class Default:
    """What a framework's layer draws when nobody passes an initializer.

    `draws` is the law (normal, truncated_normal, uniform or zeros) and `variance` its variance
    as a function of the layer's fan_in, fan_out and features (the width of an embedding).
    """

    framework: str
    layer: str
    param: str
    law: str
    draws: str
    variance: Callable[..., float]


def _third_of_lecun(fan_in, **_):
    return 1 / (3 * fan_in)  # U(±1/√fan_in)


def _glorot(fan_in, fan_out, **_):
    return 2 / (fan_in + fan_out)


def _lecun(fan_in, **_):
    return 1 / fan_in


def _zero(**_):
    return 0.0


_LECUN_TRUNCATED = "`lecun_normal()` (truncated)"
_TORCH_BIAS = r"$U\big(\pm 1/\sqrt{n_\text{in}}\big)$"
DEFAULTS = (
    Default(
        "torch",
        "nn.Linear",
        "weight",
        r"`kaiming_uniform_(w, a=√5)` $= U\big(\pm 1/\sqrt{n_\text{in}}\big)$",
        "uniform",
        _third_of_lecun,
    ),
    Default("torch", "nn.Linear", "bias", _TORCH_BIAS, "uniform", _third_of_lecun),
    Default(
        "torch",
        "nn.Conv2d",
        "weight",
        r"the same, with $n_\text{in} = \frac{\text{in}}{\text{groups}} \times$ kernel size",
        "uniform",
        _third_of_lecun,
    ),
    Default("torch", "nn.Conv2d", "bias", _TORCH_BIAS, "uniform", _third_of_lecun),
    Default("torch", "nn.Embedding", "weight", r"$\mathcal{N}(0, 1)$", "normal", lambda **_: 1.0),
    Default("keras", "Dense", "kernel", "`glorot_uniform`", "uniform", _glorot),
    Default("keras", "Dense", "bias", "zeros", "zeros", _zero),
    Default("keras", "Conv2D", "kernel", "`glorot_uniform`", "uniform", _glorot),
    Default("keras", "Conv2D", "bias", "zeros", "zeros", _zero),
    Default(
        "keras", "Embedding", "embeddings", r"$U(\pm 0.05)$", "uniform", lambda **_: 0.05**2 / 3
    ),
    Default("flax", "nn.Dense", "kernel", _LECUN_TRUNCATED, "truncated_normal", _lecun),
    Default("flax", "nn.Dense", "bias", "zeros", "zeros", _zero),
    Default("flax", "nn.Conv", "kernel", _LECUN_TRUNCATED, "truncated_normal", _lecun),
    Default("flax", "nn.Conv", "bias", "zeros", "zeros", _zero),
    Default(
        "flax",
        "nn.Embed",
        "embedding",
        r"$\mathcal{N}(0, 1/\text{features})$ (normal)",
        "normal",
        lambda features, **_: 1 / features,
    ),
)

DEFAULT_LAYERS = {  # the rows of the defaults table: framework, the layers, and their parameters
    "torch": ("PyTorch `nn.Linear`, `nn.Conv*d`", "nn.Linear", "nn.Conv2d", ("weight", "bias")),
    "keras": ("Keras `Dense`, `Conv*D`", "Dense", "Conv2D", ("kernel", "bias")),
    "flax": ("Flax `nn.Dense`, `nn.Conv`", "nn.Dense", "nn.Conv", ("kernel", "bias")),
}
EMBEDDINGS = {
    "torch": ("PyTorch `nn.Embedding`", "nn.Embedding", "weight"),
    "keras": ("Keras `Embedding`", "Embedding", "embeddings"),
    "flax": ("Flax `nn.Embed`", "nn.Embed", "embedding"),
}


INITIALIZER_RANGE = 0.02  # the default `initializer_range` of GPT2Config and BertConfig


@dataclass(frozen=True)
class Convention:
    """How a Hugging Face `transformers` model initializes one group of its parameters.

    `names` is a regular expression over the model's parameter names; `draws` is normal, zeros or
    ones, and `std(blocks)` the normal's standard deviation in a model of `blocks` blocks.
    """

    model: str
    group: str
    names: str
    law: str
    draws: str
    std: Callable[[int], float] = lambda blocks: 0.0


def _range(blocks: int) -> float:
    return INITIALIZER_RANGE


def _residual_range(blocks: int) -> float:
    return INITIALIZER_RANGE / math.sqrt(2 * blocks)  # two additions to the stream per block


_NORMAL_RANGE = r"$\mathcal{N}(0, 0.02^2)$"
CONVENTIONS = (
    Convention(
        "GPT2Model",
        "token and position embeddings (`wte`, `wpe`)",
        r"^(wte|wpe)\.weight$",
        _NORMAL_RANGE,
        "normal",
        _range,
    ),
    Convention(
        "GPT2Model",
        "attention input and first MLP layer (`c_attn`, `c_fc`)",
        r"\.(c_attn|c_fc)\.weight$",
        _NORMAL_RANGE,
        "normal",
        _range,
    ),
    Convention(
        "GPT2Model",
        "residual projections (`attn.c_proj`, `mlp.c_proj`)",
        r"\.c_proj\.weight$",
        r"$\mathcal{N}\big(0, (0.02/\sqrt{2N})^2\big)$ for $N$ blocks",
        "normal",
        _residual_range,
    ),
    Convention("GPT2Model", "biases, layer-norm shifts", r"\.bias$", "zeros", "zeros"),
    Convention(
        "GPT2Model",
        "layer-norm scales (`ln_1`, `ln_2`, `ln_f`)",
        r"ln_(\d+|f)\.weight$",
        "ones",
        "ones",
    ),
    Convention(
        "BertModel",
        "word, position and token-type embeddings",
        r"^embeddings\.\w+_embeddings\.weight$",
        _NORMAL_RANGE + " (normal, not truncated); the padding token's row zeros",
        "normal",
        _range,
    ),
    Convention(
        "BertModel",
        "every dense layer (attention, output, intermediate, pooler)",
        r"(query|key|value|dense)\.weight$",
        _NORMAL_RANGE,
        "normal",
        _range,
    ),
    Convention("BertModel", "biases, layer-norm shifts", r"\.bias$", "zeros", "zeros"),
    Convention("BertModel", "layer-norm scales", r"LayerNorm\.weight$", "ones", "ones"),
)


@dataclass(frozen=True)
class Gain:
    """A row of the gains table: the calculate_gain name, the formula and where it comes from."""

    activation: str
    nonlinearity: str
    value: str  # a page reference to the value initdoc's schemes.gain returns
    formula: str
    origin: str
    also: tuple[str, ...] = field(default=())  # other names calculate_gain gives the same value


GAINS = (
    Gain(
        "linear / identity (and PyTorch's conv names)",
        "linear",
        "{{ cheatsheet.gain_linear:.4f }}",
        "$1$",
        "derived: there is nothing to undo",
        ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"),
    ),
    Gain(
        "sigmoid",
        "sigmoid",
        "{{ cheatsheet.gain_sigmoid:.4f }}",
        "$1$",
        "a convention: PyTorch gives no derivation, and the zero-mean theory does not apply, "
        "since a sigmoid's output has mean ½ ([saturation](saturation.md))",
    ),
    Gain(
        "tanh",
        "tanh",
        "{{ cheatsheet.gain_tanh:.4f }}",
        "$5/3$",
        "empirical: PyTorch documents no derivation, and the linear-regime derivation gives 1 "
        "([Xavier](xavier.md)); see below",
    ),
    Gain(
        "relu",
        "relu",
        "{{ cheatsheet.gain_relu:.4f }}",
        r"$\sqrt 2$",
        "derived: relu keeps half of $E[z^2]$ ([He](he.md))",
    ),
    Gain(
        "leaky relu, slope {{ cheatsheet.leaky_slope }}",
        "leaky_relu",
        "{{ cheatsheet.gain_leaky_relu:.4f }}",
        r"$\sqrt{2/(1+\alpha^2)}$",
        "derived: it keeps $(1+\\alpha^2)/2$ of $E[z^2]$ ([derivation](derivation.md))",
    ),
    Gain(
        "selu",
        "selu",
        "{{ cheatsheet.gain_selu:.4f }}",
        "$3/4$",
        "empirical: PyTorch pull request 50664 chose it after checking that it kept the "
        "gradient stable in a 100-layer test network",
    ),
)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(call: Call | str) -> str:
    return call if isinstance(call, str) else call.markdown()


def spellings_table() -> str:
    """Every scheme in initdoc, PyTorch, Keras and JAX, and the law it draws from."""
    return table(
        ["initdoc", "PyTorch", "Keras", "JAX", "draws from"],
        [
            [row.initdoc, *(_cell(row.calls[f]) for f in ("torch", "keras", "jax")), row.law]
            for row in SCHEMES
        ],
    )


def layouts_table() -> str:
    """Weight shapes, what the layer computes, and where each framework reads its fans."""
    return table(
        ["", "dense weight", "the layer computes", "convolution kernel", "fan_in", "fan_out"],
        [[f.framework, f.dense, f.computes, f.conv, f.fan_in, f.fan_out] for f in LAYOUTS],
    )


def _law(framework: str, layer: str, param: str) -> str:
    (row,) = [d for d in DEFAULTS if (d.framework, d.layer, d.param) == (framework, layer, param)]
    return row.law


def defaults_table() -> str:
    """The initializers a dense layer, a convolution and an embedding use by default."""
    rows = [
        [label, _law(f, dense, weight), _law(f, conv, weight), _law(f, dense, bias)]
        for f, (label, dense, conv, (weight, bias)) in DEFAULT_LAYERS.items()
    ]
    return table(["", "dense layer", "convolution", "bias"], rows)


def embeddings_table() -> str:
    """The default initializer of each framework's embedding layer."""
    rows = [[label, _law(f, layer, param)] for f, (label, layer, param) in EMBEDDINGS.items()]
    return table(["embedding layer", "draws its table from"], rows)


def transformers_table() -> str:
    """How GPT-2 and BERT, as Hugging Face transformers builds them, start each parameter."""
    rows = [[f"`{c.model}`", c.group, c.law] for c in CONVENTIONS]
    return table(["model", "parameters", "drawn from"], rows)


def gains_table() -> str:
    """The gains initdoc's schemes.gain returns, as PyTorch's calculate_gain does."""
    return table(
        ["activation", "gain", "formula", "where it comes from"],
        [[g.activation, g.value, g.formula, g.origin] for g in GAINS],
    )


def versions_table() -> str:
    """The framework versions the tests measure, as requirements-frameworks.txt pins them."""
    names = {
        "torch": "PyTorch (CPU)",
        "jax": "JAX",
        "keras": "Keras (JAX backend)",
        "flax": "Flax",
        "transformers": "Hugging Face transformers",
    }
    return table(["framework", "version"], [[names[f], v] for f, v in VERSIONS.items()])


TABLES = {
    "framework_versions": versions_table,
    "framework_layouts": layouts_table,
    "framework_spellings": spellings_table,
    "framework_defaults": defaults_table,
    "framework_embeddings": embeddings_table,
    "framework_gains": gains_table,
    "framework_transformers": transformers_table,
}
