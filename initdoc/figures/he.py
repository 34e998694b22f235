"""Figures of the He/Kaiming page."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.he import PAPER_DEPTHS, SCHEMES
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

SCHEME_COLORS = {
    "xavier": plots.COLORS["blue"],
    "glorot": plots.COLORS["sky"],
    "he": plots.COLORS["vermillion"],
}
SCHEME_STYLES = {"xavier": "-", "glorot": "--", "he": "-"}


def _per_layer(ax, layers, draws, key, label):
    """The first draw as a solid line, the other draws as faint lines behind it."""
    color = SCHEME_COLORS[key]
    for values in draws[1:]:
        ax.plot(layers, values, color=color, lw=0.6, alpha=0.35)
    ax.plot(layers, draws[0], SCHEME_STYLES[key], color=color, lw=1.8, label=label)


@figure(
    "he_signal",
    "he_signal",
    caption="The signal through a {{ he_signal.depth }}-layer relu network at "
    "initialization, for {{ he_signal.draws }} random draws of the weights (the first one "
    "bold). Left: the second moment of each layer's activations; under Xavier and Glorot it "
    "halves in every layer (grey dotted line: ½ per layer), under He it holds on average "
    "but wanders from draw to draw. Middle: the same for the backpropagated gradients "
    "dL/da, divided by their value in the last hidden layer (dotted: ½ per layer). Right: "
    "the share of E[z²] that relu keeps, per layer and draw; it scatters around ½.",
    alt="Three panels against layer. Left, log scale: the Xavier and Glorot lines fall in a "
    "straight line with the dotted halving line over many orders of magnitude; the He lines "
    "end between {{ he_signal.he.forward_ratio_min:.2f }} and "
    "{{ he_signal.he.forward_ratio_max:.2f }} times their start, fanning out a little with "
    "depth. Middle, log scale: the gradient lines behave the same way read from right to "
    "left: under Xavier and Glorot they fall towards layer 1, under He they stay level. "
    "Right: the kept share E[a squared] over E[z squared] for every layer and draw, "
    "scattered around a dashed line at one half, more widely in deep layers.",
)
def signal(res):
    fig, axes = plots.new_figure(1, 3, width=10.5, height=3.6)
    forward, backward, kept = axes[0]
    depth = res.values["depth"]
    layers = np.arange(depth)  # 0 = the input
    for key, (label, _) in SCHEMES.items():
        _per_layer(forward, layers, res[f"{key}.a2"], key, label)
        g2 = res[f"{key}.g2"]
        _per_layer(backward, layers[1:], g2[:, 1:] / g2[:, -1:], key, label)
    start = res["he.a2"][0, 1]
    forward.plot(
        layers[1:], start * 0.5 ** (layers[1:] - 1), ":", color="0.4", lw=1.5, label="½ per layer"
    )
    backward.plot(layers[1:], 0.5 ** (depth - 1 - layers[1:]), ":", color="0.4", lw=1.5)
    forward.set_ylabel("E[a²] of layer l")
    backward.set_ylabel(f"E[(dL/da)²] relative to layer {depth - 1}")
    for ax in (forward, backward):
        ax.set_yscale("log")
    forward.set_xlabel("layer l (0 = input)")
    backward.set_xlabel("hidden layer l")
    forward.legend(loc="lower left")
    shares = res["he.kept"]
    for draw in shares:
        kept.plot(layers[1:], draw, ".", color=plots.COLORS["vermillion"], ms=3, alpha=0.5)
    kept.axhline(0.5, color="0.3", ls="--", lw=1)
    kept.set_ylim(0, 1)
    kept.set_xlabel("hidden layer l")
    kept.set_ylabel("E[relu(z)²] / E[z²]")
    return fig


@figure(
    "he_training",
    "he_training",
    caption="Steps until relu networks of {{ he_training.depth_min }} to "
    "{{ he_training.depth_max }} layers leave the plateau at ln 2 (the running mean of the "
    "cost over {{ he_training.smooth }} minibatch steps falls below half of ln 2), from "
    "Xavier and from He weights, {{ he_training.seeds }} seeds per depth (dots; line: "
    "median). Triangles at the top: still on the plateau when the budget ran out. The "
    "dashed lines mark the depths of the paper's two models.",
    alt="Steps to leave the plateau on a logarithmic axis against the number of layers, "
    "{{ he_training.depth_min }} to {{ he_training.depth_max }}. The He dots stay low at "
    "every depth, their median {{ he_training.he.median_shallow:.0f }} steps at "
    "{{ he_training.depth_min }} layers and {{ he_training.he.median_deep:.0f }} at "
    "{{ he_training.depth_max }}. The Xavier dots start from a median of "
    "{{ he_training.xavier.median_shallow:.0f }} steps at {{ he_training.depth_min }} "
    "layers and climb with depth; from {{ he_training.xavier.stall_from }} layers on most "
    "of them are triangles at the budget.",
)
def training(res):
    depths = res["depths"]
    budget = res.values["budget"]
    fig, axes = plots.new_figure(1, 1, width=6.5, height=3.4)
    ax = axes[0, 0]
    for key in ("xavier", "he"):
        leave = res[f"{key}.leave"].astype(float)  # (seeds, depths)
        color = SCHEME_COLORS[key]
        for row in leave:
            ok = row >= 0
            ax.plot(depths[ok], row[ok], "o", color=color, ms=3.5, alpha=0.6)
            ax.plot(depths[~ok], np.full((~ok).sum(), budget), "^", color=color, ms=6)
        median = np.median(np.where(leave >= 0, leave, budget), axis=0)
        ax.plot(depths, median, "-", color=color, lw=1.6, label=SCHEMES[key][0])
    for d in PAPER_DEPTHS:
        ax.axvline(d, color="0.6", ls="--", lw=0.8)
    ax.axhline(budget, color="0.5", ls=":", lw=0.8)
    ax.annotate(
        f"budget: {budget} steps (▲ still on the plateau)",
        (depths[0], budget),
        textcoords="offset points",
        xytext=(0, -12),
        fontsize=7.5,
        color="0.3",
    )
    ax.set_yscale("log")
    ax.set_xticks(depths)
    ax.set_xlabel("number of weight layers")
    ax.set_ylabel("steps to leave the plateau")
    ax.legend(loc="center right")
    return fig
