"""Figures of the biases page: dead relu units and input dependence, layer by layer, from five
starts of the weights and biases."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.biases import STARTS
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

COLOR = {
    "zero": plots.COLORS["blue"],
    "const": plots.COLORS["sky"],
    "normal": plots.COLORS["vermillion"],
    "torch": plots.COLORS["black"],
    "he_torch": plots.COLORS["orange"],
}


@figure(
    "biases_units",
    "biases",
    caption="A 20-layer relu network, 100 units wide, on 1000 standard-normal inputs, from five "
    "starts of its weights and biases; median of five networks (faint lines: each network). "
    "Left: the share of units in each layer that output 0 for every input (dead at the start). "
    "Right: how much a layer's output still depends on the input: the spread of each live "
    "unit over the inputs divided by its root mean square, averaged over live units (0: every "
    "input gives the same output).",
    alt="Two panels against layer 1 to 20. Left: no unit is dead in the first layers; with "
    "PyTorch's default weights and biases the dead share jumps to about one half by layer 7 "
    "and stays there; with He weights and N(0, 1) biases it climbs to about a third; with He "
    "weights and zero, 0.01 or PyTorch-default biases it climbs more slowly, to about a "
    "quarter at layer 20. Right: with PyTorch's default weights and biases the input "
    "dependence falls from 0.8 to zero by layer 10; with N(0, 1) biases it falls to about 0.45; "
    "with the other three starts it falls slowly to about 0.6.",
)
def units(res):
    fig, axes = plots.new_figure(1, 2, width=10, height=3.6)
    layers = res["layers"]
    for ax, key in zip(axes[0], ("dead", "dependence")):
        for start, (label, _, _) in STARTS.items():
            values = res[f"{start}.{key}"]
            for row in values:
                ax.plot(layers, row, color=COLOR[start], lw=0.6, alpha=0.3)
            ax.plot(layers, np.median(values, axis=0), color=COLOR[start], lw=1.8, label=label)
        ax.set_xlabel("layer")
        ax.set_xticks([1, 5, 10, 15, 20])
    axes[0, 0].set_ylabel("share of dead units")
    axes[0, 0].set_title("units dead on every input")
    axes[0, 1].set_ylabel("spread over inputs / RMS")
    axes[0, 1].set_title("how much the output depends on the input")
    axes[0, 1].legend(fontsize=7)
    return fig
