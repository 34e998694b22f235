"""The live lab's data (menus, points, constants), its parity fixture, and its page's figure."""

from __future__ import annotations

import dataclasses

from initdoc import data, nn, probe
from initdoc.experiments import lab
from initdoc.figures import plots
from initdoc.pipeline.registry import figure, widget_data

SCHEME_COLORS = {
    "zeros": "black",
    "constant": "purple",
    "lecun_normal": "sky",
    "glorot_uniform": "yellow",
    "glorot_normal": "blue",
    "he_normal": "vermillion",
    "orthogonal": "green",
}
# How the lab prints the Python: {placeholders} filled by lab.js from the reader's settings.
PYTHON = """\
# The lab's run in initdoc: the same points, network, initialization and training.
# The weights come from numpy's generator, not the lab's, so the numbers differ.
import numpy as np
from initdoc import data, nn, schemes, train

X, y = data.toy("{data}", np.random.default_rng({data_seed}), {n_points})  # the lab's points
rng = np.random.default_rng({seed})
sizes = {sizes}
params = nn.init_params(rng, sizes, {init})
{biases}activations = {activations}
run = train.train(
    params,
    activations,
    "{loss}",
    X,
    y,
    optimizer=train.SGD(lr={lr}),
    steps={steps},  # {steps_note}
    batch_size={batch},
    rng=rng,
)
print(f"cost {{run.costs[0]:.4f}} -> {{run.costs[-1]:.4f}} after {{len(run.costs)}} steps")
"""
RANDOM_BIASES = (
    "params = [(W, rng.normal(0.0, {bias_std}, b.shape)) for W, b in params[:-1]] + params[-1:]\n"
)


def _label(scheme: str) -> str:
    """The menu's name of a scheme, with the lab's constant for constant weights."""
    label = lab.SCHEMES[scheme].label
    return label.replace(" c", f", c = {lab.DEFAULTS['c']:g}") if scheme == "constant" else label


@figure(
    "lab_costs",
    "lab",
    caption="The lab's default network trained by initdoc (numpy, not your browser) on the lab's "
    "circle, with the lab's default learning rate, from each initialization of the menu that takes "
    "no v. One line per seed. The dashed line is ln 2, the cost of answering ½ everywhere.",
    alt="Cost against training step on a log scale, one colour per initialization, a few lines "
    "each. Zero weights stay on the dashed ln 2 line. Constant weights start far above it, fall "
    "and level off above the others. LeCun, Glorot, He and orthogonal fall together, far below "
    "ln 2.",
)
def costs(res):
    fig, axes = plots.new_figure(1, 1, width=7.5, height=3.6)
    ax = axes[0, 0]
    for scheme in lab.RUN_SCHEMES:
        runs = res[f"runs.{scheme}"]
        color = plots.COLORS[SCHEME_COLORS[scheme]]
        for d, run in enumerate(runs):
            ax.plot(run, color=color, lw=1.2, alpha=0.9, label=_label(scheme) if d == 0 else None)
    ax.axhline(res.values["chance_cost"], color="k", ls="--", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlim(0, res.values["steps"])
    ax.set_xlabel("training step")
    ax.set_ylabel("cost (nats)")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig


def menus() -> dict:
    """The lab's controls: [value, label] pairs, and the scheme table lab.js draws from."""
    return {
        "data": [[name, name] for name in data.TOY_SETS],
        "act": [[name, label] for name, label in lab.ACTIVATIONS.items()],
        "init": [[name, spec.label] for name, spec in lab.SCHEMES.items()],
        "bias": [["zero", "zero"], ["random", f"random, N(0, {lab.BIAS_STD**2:g})"]],
        "lr": [[lr, str(lr)] for lr in lab.LEARNING_RATES],
        "batch": [[b, "full batch" if b == "full" else f"{b} points"] for b in lab.BATCHES],
        "speed": [[s, f"{s} step{'s' * (s > 1)} per frame"] for s in lab.SPEEDS],
        "show": [["weights", "weights"], ["gradients", "gradients"]],
    }


def theory() -> dict:
    """What the histograms' predictions need: E[f(z)²]/E[z²] and E[f'(z)²] per activation, notes."""
    fractions = {act: probe.moment_fractions(act) for act in lab.ACTIVATIONS}
    return {
        "fractions": {act: list(f) if f else None for act, f in fractions.items()},
        "notes": {**probe.APPROXIMATE, **probe.NO_PREDICTION},
    }


@widget_data("lab", "lab")
def settings(res) -> dict:
    """What lab.js needs besides its own code: points, menus, schemes, constants, the Python."""
    v = res.values
    return {
        "data": {
            name: {
                "points": res[f"data.{name}.X"].ravel().tolist(),
                "labels": res[f"data.{name}.y"].ravel().astype(int).tolist(),
            }
            for name in data.TOY_SETS
        },
        "n_points": v["n_points"],
        "data_seed": v["data_seed"],
        "extent": list(data.EXTENT),
        "menus": menus(),
        "schemes": {name: dataclasses.asdict(spec) for name, spec in lab.SCHEMES.items()},
        "defaults": lab.DEFAULTS,
        "max_depth": lab.MAX_DEPTH,
        "max_width": lab.MAX_WIDTH,
        "v_range": list(lab.V_RANGE),
        "bias_std": lab.BIAS_STD,
        "leaky_slope": nn.LEAKY_SLOPE,
        "loss": lab.LOSS,
        "output": lab.OUTPUT,
        "chance": v["chance_cost"],
        "python_steps": v["steps"],
        "theory": theory(),
        "python": PYTHON,
        "random_biases": RANDOM_BIASES,
    }


def _network(res, prefix: str, n_layers: int, names: tuple[str, ...]) -> list[dict]:
    return [
        {name: res[f"{prefix}.{name}{l}"].ravel().tolist() for name in names}
        for l in range(1, n_layers + 1)
    ]


@widget_data("lab_fixture", "lab")
def fixture(res) -> dict:
    """What lab.js must reproduce from initdoc.nn (float64): passes, SGD steps and the theory."""
    networks = []
    for k, (act, sizes, scheme) in enumerate(lab.FIXTURE_NETWORKS):
        layers = _network(
            res, f"fixture.{k}", len(sizes) - 1, ("W", "b", "z", "a", "dz", "dW", "db")
        )
        networks.append(
            {
                "activation": act,
                "sizes": sizes,
                "scheme": scheme,
                "cost": res.values[f"fixture.{k}.cost"],
                "layers": layers,
            }
        )
    act, sizes, _ = lab.FIXTURE_NETWORKS[1]
    return {
        "X": res["fixture.X"].ravel().tolist(),
        "y": res["fixture.y"].ravel().tolist(),
        "networks": networks,
        "train": {
            "network": 1,
            "lr": res.values["fixture.train.lr"],
            "steps": res.values["fixture.train.steps"],
            "costs": res["fixture.train.costs"].tolist(),
            "final": _network(res, "fixture.train", len(sizes) - 1, ("W", "b")),
        },
        "theory": [
            {
                "activation": act,
                "sizes": sizes,
                "scheme": scheme,
                "z2": res[f"theory.{k}.z2"].tolist(),
                "d2": res[f"theory.{k}.d2"].tolist(),
            }
            for k, (act, sizes, scheme) in enumerate(lab.THEORY_CASES)
        ],
        "tolerance": res.values["parity_tolerance"],
    }
