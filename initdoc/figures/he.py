"""Figures of the He/Kaiming page."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.he import SCHEMES
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
    caption="The signal through a 30-layer relu network at initialization, for ten random draws of the weights "
    "(the first one bold). Left: the second moment of each layer's activations; under Xavier and "
    "Glorot it halves in every layer (grey dotted line: ½ per layer), under He it holds on average but "
    "wanders from draw to draw. Middle: the same for the backpropagated gradients dL/da, divided by "
    "their value in the last hidden layer (dotted: ½ per layer). Right: the share of E[z²] that relu "
    "keeps, per layer and draw; it scatters around ½.",
    alt="Three panels against layer. Left, log scale: the Xavier and Glorot lines fall in a straight line "
    "with the dotted halving line over many orders of magnitude; the He lines stay within about one "
    "order of magnitude of their start, fanning out a little with depth. Middle, log scale: the gradient "
    "lines behave the same way read from right to left: under Xavier and Glorot they fall towards layer 1, "
    "under He they stay level. Right: the kept share E[a squared] over E[z squared] for every layer and "
    "draw, scattered around a dashed line at one half, more widely in deep layers.",
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
    caption="Training cost of 22- and 30-layer relu networks on the lifted circle set, two weight draws per "
    "scheme (running mean over 20 minibatch steps). The dotted line is ln 2, the cost of answering ½ "
    "everywhere; the dashed line is half of it, the level at which we say a run has left the plateau. "
    "From Xavier or Glorot weights the cost sits at ln 2 for a long stretch before it drops; from He "
    "weights it drops at once.",
    alt="Two panels of cost against training step on a log scale. In both, the He curves (red) fall from "
    "the first steps; the Xavier (dark blue) and Glorot (light blue, dashed) curves stay flat on the ln 2 "
    "line for a long time, then fall steeply and end near the He curves. The flat stretch is longer in "
    "the 30-layer panel.",
)
def training(res):
    depths = [int(d) for d in res["depths"]]
    fig, axes = plots.new_figure(1, len(depths), width=9, height=3.4, sharey=True)
    smooth = res.values["smooth"]
    for ax, depth in zip(axes[0], depths):
        for key, (label, _) in SCHEMES.items():
            for seed, costs in enumerate(res[f"d{depth}.{key}.costs"]):
                running = np.convolve(costs, np.ones(smooth) / smooth, mode="valid")
                steps = np.arange(smooth - 1, len(costs))
                ax.plot(
                    steps,
                    running,
                    SCHEME_STYLES[key],
                    color=SCHEME_COLORS[key],
                    lw=1.4,
                    label=label if seed == 0 else None,
                )
        ax.axhline(res.values["chance_cost"], color="0.3", ls=":", lw=1)
        ax.axhline(res.values["level"], color="0.3", ls="--", lw=1)
        ax.set_yscale("log")
        ax.set_title(f"{depth} layers")
        ax.set_xlabel("training step")
    axes[0, 0].set_ylabel("cost (running mean)")
    axes[0, -1].legend(loc="lower left")
    return fig
