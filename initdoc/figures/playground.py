"""Figures of the "Too small, too large" page and the data of the Playground widget (same runs)."""

from __future__ import annotations

import base64

import numpy as np

from initdoc import data
from initdoc.experiments.playground import CHANCE, DATASETS, HIDDEN, LABELS, SCHEMES, SIZES
from initdoc.figures import plots
from initdoc.pipeline.registry import figure, widget_data

TITLES = {
    "circle": "circle",
    "spiral": "spiral",
    "xor": "square (xor)",
    "gaussians": "two gaussians",
}
ORDER = ["zero", "too_small", "appropriate", "he", "too_large"]  # by weight variance
SCHEME_COLORS = {
    "zero": plots.COLORS["black"],
    "too_small": plots.COLORS["sky"],
    "appropriate": plots.COLORS["green"],
    "he": plots.COLORS["orange"],
    "too_large": plots.COLORS["vermillion"],
}
TENSORS = ["W1", "b1", "W2", "b2", "W3", "b3"]


def _index(hidden: str, dataset: str, scheme: str) -> tuple[int, int, int]:
    return HIDDEN.index(hidden), DATASETS.index(dataset), list(SCHEMES).index(scheme)


def _plotted_steps(steps: int) -> np.ndarray:
    """Every step up to 100, then 400 log-spaced ones: the curve's shape from fewer points."""
    return np.unique(
        np.concatenate([np.arange(min(100, steps)), np.geomspace(100, steps - 1, 400).astype(int)])
    )


def _legend_label(scheme: str) -> str:
    v = SCHEMES[scheme]
    return f"{LABELS[scheme]} (v = {v:g})"


@figure(
    "small_large_costs",
    "playground",
    caption="Training cost of the {{ playground.architecture }} network on each data set, "
    "from weights of variance v/n<sub>in</sub>. Top row relu hidden units (the article's "
    "network), bottom row tanh. The dashed line is ln 2, the cost of answering ½ "
    "everywhere. The step axis is linear over the first steps and logarithmic after.",
    alt="Eight panels of cost against training step, log scales, one line per "
    "initialization. Zero stays on the ln 2 line in every panel. Too small sits on ln 2 for "
    "hundreds of steps ({{ playground.relu.circle.too_small.steps_at_chance }} on the "
    "circle with relu units), then falls. Appropriate and He fall from the first steps. Too "
    "large starts far above ln 2 ({{ playground.relu.circle.too_large.initial_cost:.0f }} "
    "on the circle with relu units), drops to near ln 2 within a few steps and then stays "
    "flat well above the other curves, except on the two gaussians with relu units.",
)
def costs(res):
    fig, axes = plots.new_figure(2, 4, width=10, height=5.4, sharex=True, sharey=True)
    at = _plotted_steps(res.values["steps"])
    for row, hidden in enumerate(HIDDEN):
        for col, dataset in enumerate(DATASETS):
            ax = axes[row, col]
            for scheme in ORDER:
                curve = res["costs"][_index(hidden, dataset, scheme)]
                ax.plot(
                    at, curve[at], color=SCHEME_COLORS[scheme], lw=1.3, label=_legend_label(scheme)
                )
            ax.axhline(CHANCE, color="k", ls="--", lw=0.7)
            ax.set_yscale("log")
            ax.set_xscale("symlog", linthresh=10, linscale=0.5)
            ax.set_xlim(0, res.values["steps"])
            ax.set_title(f"{TITLES[dataset]}, {hidden}")
            if row == 1:
                ax.set_xlabel("training step")
            if col == 0:
                ax.set_ylabel("cost (nats)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=5)
    return fig


def _boundaries(res, hidden: str):
    fig, axes = plots.new_figure(
        len(ORDER), len(DATASETS), width=7.2, height=9.2, sharex=True, sharey=True
    )
    for row, scheme in enumerate(ORDER):
        for col, dataset in enumerate(DATASETS):
            ax = axes[row, col]
            d = DATASETS.index(dataset)
            plots.decision_boundary(
                ax,
                data.EXTENT,
                res["prob"][_index(hidden, dataset, scheme)],
                res["X"][d],
                res["y"][d],
            )
            key = f"{hidden}.{dataset}.{scheme}"
            ax.set_title(
                f"{res.values[key + '.regime']}, {res.values[key + '.accuracy']:.0%} right",
                fontsize=8,
            )
            ax.set_aspect("equal")
            ax.set_xlabel(TITLES[dataset] if row == len(ORDER) - 1 else "")
            ax.set_ylabel(_legend_label(scheme) if col == 0 else "")
            ax.set_xticks([data.EXTENT[0], 0, data.EXTENT[1]])
            ax.set_yticks([data.EXTENT[2], 0, data.EXTENT[3]])
    return fig


BOUNDARY_WORDS = (
    "Probability of class 1 (red) against class 0 (blue) over the input square "
    "[−{{ playground.extent:g }}, {{ playground.extent:g }}]² after {{ playground.steps }} "
    "steps, with the training points on top and the boundary P = ½ in black. Rows: "
    "initializations from v = {{ playground.v_min:g }} to v = {{ playground.v_max:g }}; "
    "columns: data sets. Each title gives the run's regime and the share of training points "
    "classified right."
)


@figure(
    "small_large_boundaries_relu",
    "playground",
    format="png",
    caption=BOUNDARY_WORDS + " Relu hidden units.",
    alt="A grid of heatmaps, one row per initialization and one column per data set, relu "
    "hidden units. Zero gives one flat colour everywhere. Too small, appropriate and He "
    "draw boundaries that follow the circle, the xor quadrants and the gaussians, and trace "
    "the spiral arms more or less well. Too large leaves coarse, wrong regions on the "
    "circle, spiral and xor sets and separates only the two gaussians.",
)
def boundaries_relu(res):
    return _boundaries(res, "relu")


@figure(
    "small_large_boundaries_tanh",
    "playground",
    format="png",
    caption=BOUNDARY_WORDS + " Tanh hidden units.",
    alt="A grid of heatmaps, one row per initialization and one column per data set, tanh "
    "hidden units. Zero gives one flat colour. Too small, appropriate and He separate all "
    "four sets. Too large leaves wedge-shaped regions with straight edges that misclassify "
    "part of the points of every set, even the gaussians.",
)
def boundaries_tanh(res):
    return _boundaries(res, "tanh")


@figure(
    "small_large_magnitudes",
    "playground",
    caption="Root-mean-square weight (top) and weight gradient (bottom) of each layer "
    "during training on the circle, relu hidden units. Zero weights are not drawn: they and "
    "their gradients stay exactly zero. The step axis is linear over the first steps and "
    "logarithmic after; the other axis is logarithmic.",
    alt="Six panels, three layers by weights and gradients. The weight magnitudes stay near "
    "their starting level, which is set by v: too small lowest, too large highest. "
    "Gradients start tiny for too small and rise once it leaves its plateau. For too large "
    "they start far larger than for appropriate (root mean square "
    "{{ playground.relu.circle.too_large.initial_grad:.2g }} against "
    "{{ playground.relu.circle.appropriate.initial_grad:.2g }}), fall below them within "
    "tens of steps while the cost is still high, and then jump about; the too-large weights "
    "hardly change relative to their size.",
)
def magnitudes(res):
    fig, axes = plots.new_figure(2, 3, width=9, height=5, sharex=True)
    steps = res["frames"]
    for col in range(3):
        for row, prefix in enumerate(["W", "dW"]):
            ax = axes[row, col]
            for scheme in ORDER[1:]:
                values = res[f"{prefix}{col + 1}"][_index("relu", "circle", scheme)]
                rms = np.sqrt(np.mean(values.reshape(len(steps), -1) ** 2, axis=1))
                ax.plot(
                    steps, rms, color=SCHEME_COLORS[scheme], lw=1.3, label=_legend_label(scheme)
                )
            ax.set_yscale("log")
            ax.set_xscale("symlog", linthresh=10, linscale=0.5)
            ax.set_xlim(0, res.values["steps"])
        axes[0, col].set_title(
            f"layer {col + 1}: $W^{{[{col + 1}]}}$, {SIZES[col]} → {SIZES[col + 1]}"
        )
        axes[1, col].set_xlabel("training step")
    axes[0, 0].set_ylabel("RMS of $W$")
    axes[1, 0].set_ylabel(r"RMS of $\partial L / \partial W$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4)
    return fig


# The widget data: one compact file per (data set, hidden activation), loaded when the reader picks
# it. Weights stay float32 (the widget computes the decision boundary from them, and coarser weights
# move the steep boundaries of too-large runs visibly); costs and gradients, only drawn, are stored
# on a log scale.
# ENCODING travels in every file: the widget and the tests decode with the numbers written there.

ENCODING = {
    # code = round((log10 cost - lo) / (hi - lo) * levels) + 1, as uint16; 0 for a cost not finite
    "cost": {"dtype": "<u2", "log10_range": [-9.0, 4.0], "levels": 65534},
    # code = sign * (round((log10 |g| - lo) / (hi - lo) * levels) + 1), as int8; 0 where |g| < 10^lo
    "grads": {"dtype": "<i1", "log10_range": [-10.0, 3.0], "levels": 126},
    "weights": {"dtype": "<f4"},
}
FILE = "playground_{dataset}_{hidden}"  # the widget data's name, one per choice


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()


def _level(values: np.ndarray, spec: dict) -> np.ndarray:
    """round((log10 values - lo) / (hi - lo) * levels) + 1, clipped to 1 .. levels + 1."""
    lo, hi = spec["log10_range"]
    with np.errstate(all="ignore"):
        level = np.round((np.log10(values) - lo) / (hi - lo) * spec["levels"]) + 1
    return np.clip(level, 1, spec["levels"] + 1)


def encode_cost(costs: np.ndarray) -> np.ndarray:
    """Costs as uint16 codes of log10(cost) (see ENCODING); 0 for a cost that is not finite."""
    spec = ENCODING["cost"]
    code = np.where(np.isfinite(costs) & (costs > 0), _level(costs, spec), 0)
    return code.astype(spec["dtype"])


def encode_grads(grads: np.ndarray) -> np.ndarray:
    """Gradients as int8 codes sign * level of log10 |g| (see ENCODING); 0 below the range."""
    spec = ENCODING["grads"]
    shown = np.abs(grads) >= 10 ** spec["log10_range"][0]
    return (np.sign(grads) * np.where(shown, _level(np.abs(grads), spec), 0)).astype(spec["dtype"])


def choices() -> dict:
    """The widget's menus, [value, label] in order: data sets, initializations, activations."""
    return {
        "dataset": [[d, TITLES[d]] for d in DATASETS],
        "scheme": [[s, _legend_label(s)] for s in ORDER],
        "hidden": [[h, h] for h in HIDDEN],
    }


def payload(res, dataset: str, hidden: str) -> dict:
    """The widget's data for one (data set, hidden activation): each scheme's costs, weights and
    gradients."""
    d = DATASETS.index(dataset)
    steps = res.values["steps"]
    cost_steps = np.unique(np.concatenate([res["frames"], np.arange(0, steps, 25), [steps - 1]]))
    schemes = {}
    for scheme in ORDER:
        i = _index(hidden, dataset, scheme)
        weights = np.concatenate(
            [res[name][i].reshape(len(res["frames"]), -1) for name in TENSORS], axis=1
        )
        grads = np.concatenate(
            [res["d" + name][i].reshape(len(res["frames"]), -1) for name in TENSORS], axis=1
        )
        key = f"{hidden}.{dataset}.{scheme}"
        schemes[scheme] = {
            "label": LABELS[scheme],
            "v": SCHEMES[scheme],
            "regime": res.values[key + ".regime"],
            "accuracy": round(res.values[key + ".accuracy"], 4),
            "cost": _b64(encode_cost(res["costs"][i][cost_steps])),
            "weights": _b64(weights.astype(ENCODING["weights"]["dtype"])),
            "grads": _b64(encode_grads(grads)),
        }
    return {
        "dataset": dataset,
        "title": TITLES[dataset],
        "hidden": hidden,
        "file": FILE,
        "choices": choices(),
        "tensors": TENSORS,
        "sizes": list(SIZES),
        "lr": res.values["lr"],
        "steps": steps,
        "extent": list(data.EXTENT),
        "frames": res["frames"].tolist(),
        "cost_steps": cost_steps.tolist(),
        "encoding": ENCODING,
        "chance": round(CHANCE, 6),
        "points": np.round(res["X"][d], 2).ravel().tolist(),
        "labels": res["y"][d].ravel().astype(int).tolist(),
        "order": ORDER,
        "schemes": schemes,
    }


def _register(dataset: str, hidden: str) -> None:
    @widget_data(FILE.format(dataset=dataset, hidden=hidden), "playground")
    def draw(res):
        return payload(res, dataset, hidden)


for _dataset in DATASETS:
    for _hidden in HIDDEN:
        _register(_dataset, _hidden)
