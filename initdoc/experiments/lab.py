"""The live lab: what its in-browser trainer shares with initdoc, and the checks on that trainer.

The lab (docs/lab.md, docs/javascripts/lab.js) trains a 2-input MLP with one sigmoid output on a
data set of initdoc.data, by gradient descent on the binary cross-entropy, as train.train does. This
experiment fixes what the page and the script share (the data points, the menus, the initializers'
formulas, the theory's constants), computes with initdoc.nn in float64 what the script must
reproduce (the parity fixture), links the pitfall pages' settings, and trains the lab's default
network in numpy for every initialization, for readers without JavaScript.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np

from initdoc import data, nn, probe, schemes, train
from initdoc.errors import UserError, unknown
from initdoc.experiments import depth, playground, saturation, symmetry
from initdoc.pipeline.registry import EXPERIMENTS, experiment
from initdoc.pipeline.result import Result

LOSS = "binary_cross_entropy"
OUTPUT = "sigmoid"
ACTIVATIONS = {  # hidden activation: its name in the menu
    "relu": "relu",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "leaky_relu": "leaky relu",
    "identity": "linear",
}
MAX_DEPTH, MAX_WIDTH = 8, 16  # hidden layers, units per hidden layer
BIAS_STD = 1.0  # "random biases": hidden biases drawn from N(0, 1), as on the symmetry page
V_RANGE = (1e-4, 1e3)  # the v slider of N(0, v/n_in) and N(0, v), log scale
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0)
BATCHES = ("full", 10, 25, 50)  # full-batch gradient descent or minibatches of this many points
SPEEDS = (1, 5, 25)  # training steps per animation frame
PARITY_TOLERANCE = 1e-9  # lab.js against initdoc.nn: largest relative error allowed, float64


@dataclass(frozen=True)
class Scheme:
    """One entry of the initialization menu and how to draw it.

    draw: "zeros", "constant" (every weight c), "normal" (N(0, v), whatever the fans),
    "variance_scaling" (schemes.variance_scaling(scale, mode, distribution), with scale = v when
    `scale` is None) or "orthogonal". `python` is the initdoc call, {v}, {c} and {std} filled in.
    """

    label: str
    draw: str
    python: str
    scale: float | None = None
    mode: str | None = None
    distribution: str | None = None


SCHEMES = {
    "zeros": Scheme("zero", "zeros", "schemes.zeros()"),
    "constant": Scheme("constant c", "constant", "schemes.constant({c})"),
    "scaled": Scheme(
        "N(0, v/n_in)",
        "variance_scaling",
        'schemes.variance_scaling({v}, "fan_in", "normal")',
        None,
        "fan_in",
        "normal",
    ),
    "normal": Scheme("N(0, v)", "normal", "schemes.normal(0.0, {std})"),
    "lecun_normal": Scheme(
        "LeCun normal", "variance_scaling", "schemes.lecun_normal()", 1.0, "fan_in", "normal"
    ),
    "glorot_uniform": Scheme(
        "Glorot uniform", "variance_scaling", "schemes.glorot_uniform()", 1.0, "fan_avg", "uniform"
    ),
    "glorot_normal": Scheme(
        "Glorot normal", "variance_scaling", "schemes.glorot_normal()", 1.0, "fan_avg", "normal"
    ),
    "he_normal": Scheme(
        "He normal", "variance_scaling", "schemes.he_normal()", 2.0, "fan_in", "normal"
    ),
    "orthogonal": Scheme("orthogonal", "orthogonal", "schemes.orthogonal()"),
}

DEFAULTS = {
    "data": "circle",
    "act": "relu",
    "hidden": "8-8-8",
    "init": "he_normal",
    "v": 1.0,
    "c": 0.5,
    "bias": "zero",
    "lr": 0.03,
    "batch": "full",
    "seed": 1,
    "speed": 5,
    "show": "weights",
}


def initializer(scheme: str, v: float = DEFAULTS["v"], c: float = DEFAULTS["c"]):
    """The initdoc initializer of a lab scheme, with the slider's v and the constant c."""
    if scheme not in SCHEMES:
        raise UserError(unknown("lab scheme", scheme, SCHEMES))
    spec = SCHEMES[scheme]
    if spec.draw == "zeros":
        return schemes.zeros()
    if spec.draw == "constant":
        return schemes.constant(c)
    if spec.draw == "normal":
        return schemes.normal(0.0, math.sqrt(v))
    if spec.draw == "orthogonal":
        return schemes.orthogonal()
    return schemes.variance_scaling(
        v if spec.scale is None else spec.scale, spec.mode, spec.distribution
    )


def python_call(scheme: str, v: float, c: float) -> str:
    """The initdoc call the lab's "copy the Python" writes for a scheme."""
    return SCHEMES[scheme].python.format(v=repr(float(v)), c=repr(float(c)), std=repr(math.sqrt(v)))


def hidden_sizes(text: str) -> list[int]:
    """'8-8-8' -> [8, 8, 8]: 1 to MAX_DEPTH hidden layers of 1 to MAX_WIDTH units."""
    try:
        sizes = [int(part) for part in text.split("-")]
    except ValueError:
        sizes = []
    if not 1 <= len(sizes) <= MAX_DEPTH or not all(1 <= n <= MAX_WIDTH for n in sizes):
        raise UserError(
            f"bad hidden layers '{text}': write 1 to {MAX_DEPTH} sizes of 1 to {MAX_WIDTH} "
            "joined by '-', e.g. 8-8-8"
        )
    return sizes


def points(name: str, n_points: int, data_seed: int):
    """The lab's points of data set `name`: initdoc.data's generator from its own seed."""
    return data.toy(name, np.random.default_rng(data_seed), n_points)


def train_like_the_lab(settings: dict, n_points: int, data_seed: int, steps: int):
    """What "copy the Python" runs: the lab's settings trained by initdoc, weights from numpy."""
    s = {**DEFAULTS, **settings}
    X, y = points(s["data"], n_points, data_seed)
    rng = np.random.default_rng(int(s["seed"]))
    sizes = [2, *hidden_sizes(s["hidden"]), 1]
    params = nn.init_params(rng, sizes, initializer(s["init"], float(s["v"]), float(s["c"])))
    if s["bias"] == "random":
        params = [(W, rng.normal(0.0, BIAS_STD, b.shape)) for W, b in params[:-1]] + params[-1:]
    activations = [s["act"]] * (len(sizes) - 2) + [OUTPUT]
    batch = None if s["batch"] == "full" else int(s["batch"])
    return train.train(
        params,
        activations,
        LOSS,
        X,
        y,
        optimizer=train.SGD(lr=float(s["lr"])),
        steps=steps,
        batch_size=batch,
        rng=rng,
    )


def query(**settings) -> str:
    """The lab URL's query for `settings` (the others at their defaults): '?data=circle&...'."""
    unknown_keys = set(settings) - set(DEFAULTS)
    if unknown_keys:
        raise UserError(unknown("lab setting", sorted(unknown_keys)[0], DEFAULTS))
    hidden_sizes(settings.get("hidden", DEFAULTS["hidden"]))  # a setting the lab can show
    return "?" + urlencode({k: settings.get(k, v) for k, v in DEFAULTS.items()})


def links() -> dict[str, str]:
    """The settings of the pages' own experiments, as lab queries ("try it live")."""
    sym = EXPERIMENTS["symmetry"].params
    pg = EXPERIMENTS["playground"].params
    dl = EXPERIMENTS["depth_linear"].params
    sat = EXPERIMENTS["saturation_training"].params
    n_sym = str(sym["n_hidden"])
    pg_hidden = "-".join(map(str, playground.SIZES[1:-1]))
    deep = "-".join([str(MAX_WIDTH)] * (dl["depth"] - 1))  # depth weight layers: depth - 1 hidden
    out = {
        "home": query(),
        "playground": query(hidden=pg_hidden, init="scaled", v=1.0, lr=pg["lr"]),
    }
    for case in ("zero_tanh", "constant_tanh", "constant_w_random_b_tanh"):
        act, weights, biases = symmetry.CASES[case]
        out[f"symmetry.{case}"] = query(
            act=act,
            hidden=n_sym,
            init="zeros" if weights == "zeros" else "constant",
            c=sym["alpha"],
            bias=biases,
            lr=sym["lr"],
        )
    for scheme in ("too_small", "too_large"):
        out[f"playground.{scheme}"] = query(
            hidden=pg_hidden, init="scaled", v=playground.SCHEMES[scheme], lr=pg["lr"]
        )
    for scale in (min(depth.SCALES), max(depth.SCALES)):  # W = s·I gains s per layer: v = s²
        out[f"depth.s{scale:g}"] = query(
            act="identity", hidden=deep, init="scaled", v=scale**2, lr=dl["lr"]
        )
    for act in saturation.ACTIVATIONS:
        out[f"saturation.{act}"] = query(
            act=act, hidden=str(sat["n_hidden"]), init="normal", v=1.0, lr=sat["lr"]
        )
    return out


# The parity fixture: networks on which lab.js must agree with initdoc.nn, one per activation,
# shallow to the lab's largest. The last one's first layer is zero, weights and biases, so its
# z is exactly 0 and relu's slope at the kink (0 in initdoc) decides what passes back.
FIXTURE_NETWORKS = (
    ("relu", [2, 3, 1], "he_normal"),
    ("tanh", [2, 8, 8, 1], "glorot_normal"),
    ("sigmoid", [2, 5, 4, 3, 1], "glorot_uniform"),
    ("leaky_relu", [2, *[MAX_WIDTH] * MAX_DEPTH, 1], "he_normal"),
    ("identity", [2, 6, 3, 1], "lecun_normal"),
    ("relu", [2, 4, 4, 1], "he_normal"),
)
KINK = len(FIXTURE_NETWORKS) - 1
# The theory the lab prints beside its histograms must be the probe's (initdoc.probe.predict).
THEORY_CASES = (
    ("relu", [2, 16, 16, 16, 1], "he_normal"),
    ("leaky_relu", [2, 8, 8, 1], "he_normal"),
    ("tanh", [2, 16, 8, 4, 1], "glorot_normal"),
    ("identity", [2, 12, 12, 1], "lecun_normal"),
)


def _parity(rng, m: int, res: Result) -> None:
    """Forward outputs, cost and every gradient of each fixture network, and a few SGD steps."""
    X, y = data.toy("spiral", rng, m)
    res.arrays["fixture.X"], res.arrays["fixture.y"] = X, y
    for k, (act, sizes, scheme) in enumerate(FIXTURE_NETWORKS):
        params = nn.init_params(rng, sizes, schemes.get(scheme))
        params = [(W, rng.normal(0.0, 0.5, b.shape)) for W, b in params]  # every term in play
        if k == KINK:
            params[0] = (np.zeros_like(params[0][0]), np.zeros_like(params[0][1]))
        activations = [act] * (len(sizes) - 2) + [OUTPUT]
        record = nn.forward(params, activations, X)
        grads = nn.backward(params, record, y, LOSS)
        res.values[f"fixture.{k}.cost"] = nn.cost(record, y, LOSS)
        for l, ((W, b), (dW, db)) in enumerate(zip(params, grads.params), start=1):
            res.arrays.update({f"fixture.{k}.W{l}": W, f"fixture.{k}.b{l}": b})
            res.arrays.update({f"fixture.{k}.dW{l}": dW, f"fixture.{k}.db{l}": db})
            res.arrays.update({f"fixture.{k}.z{l}": record.z[l], f"fixture.{k}.a{l}": record.a[l]})
            res.arrays[f"fixture.{k}.dz{l}"] = grads.dz[l]
    act, sizes, scheme = FIXTURE_NETWORKS[1]  # training: full-batch SGD, as the lab steps
    params = [(res[f"fixture.1.W{l}"], res[f"fixture.1.b{l}"]) for l in range(1, len(sizes))]
    run = train.train(
        params,
        [act] * (len(sizes) - 2) + [OUTPUT],
        LOSS,
        X,
        y,
        optimizer=train.SGD(0.3),
        steps=5,
    )
    res.values.update({"fixture.train.lr": 0.3, "fixture.train.steps": 5})
    res.arrays["fixture.train.costs"] = run.costs
    for l, (W, b) in enumerate(run.final_params, start=1):
        res.arrays.update({f"fixture.train.W{l}": W, f"fixture.train.b{l}": b})
    for k, (act, sizes, scheme) in enumerate(THEORY_CASES):
        z2, d2 = probe.predict(tuple(sizes), act, scheme)
        res.arrays.update({f"theory.{k}.z2": z2, f"theory.{k}.d2": d2})


# The schemes that take no v: the figure's runs (N(0, v/n_in) at v = 1 is LeCun's).
RUN_SCHEMES = tuple(
    name
    for name, spec in SCHEMES.items()
    if "{v}" not in spec.python and "{std}" not in spec.python
)


def _runs(n_points: int, data_seed: int, steps: int, draws: int, res: Result) -> None:
    """The lab's default network trained by initdoc from each scheme without a v, `draws` seeds."""
    res.values["chance_cost"] = float(np.log(2))
    for scheme in RUN_SCHEMES:
        costs = np.stack(
            [
                train_like_the_lab(
                    {"init": scheme, "seed": DEFAULTS["seed"] + d}, n_points, data_seed, steps
                ).costs
                for d in range(draws)
            ]
        )
        res.arrays[f"runs.{scheme}"] = costs
        res.values[f"runs.{scheme}.initial_cost"] = float(costs[0, 0])
        res.values[f"runs.{scheme}.final_cost"] = float(costs[0, -1])
        res.values[f"runs.{scheme}.final_cost_max"] = float(np.max(costs[:, -1]))
        res.values[f"runs.{scheme}.final_cost_min"] = float(np.min(costs[:, -1]))
        res.values[f"runs.{scheme}.largest_gap_from_chance"] = float(
            np.max(np.abs(costs - np.log(2)))
        )


@experiment("lab", seed=0, n_points=200, data_seed=0, fixture_points=8, steps=1000, draws=3)
def lab(rng, n_points, data_seed, fixture_points, steps, draws) -> Result:
    """The live lab's data, menus and parity fixture, and its default network trained by initdoc."""
    res = Result(
        values={
            "n_points": n_points,
            "data_seed": data_seed,
            "steps": steps,
            "draws": draws,
            "max_depth": MAX_DEPTH,
            "max_width": MAX_WIDTH,
            "fixture_points": fixture_points,
            "parity_tolerance": PARITY_TOLERANCE,
            "bias_std": BIAS_STD,
            "v_log10_min": round(math.log10(V_RANGE[0])),
            "v_log10_max": round(math.log10(V_RANGE[1])),
        }
    )
    for name in data.TOY_SETS:
        X, y = points(name, n_points, data_seed)
        res.arrays.update({f"data.{name}.X": X, f"data.{name}.y": y})
    for name, link in links().items():
        res.values[f"link.{name}"] = link
    for key, value in DEFAULTS.items():
        res.values[f"default.{key}"] = value
    res.values["default.sizes"] = "-".join(map(str, [2, *hidden_sizes(DEFAULTS["hidden"]), 1]))
    _parity(rng, fixture_points, res)
    _runs(n_points, data_seed, steps, draws, res)
    return res
