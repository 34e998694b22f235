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
    caption="A {{ biases.depth }}-layer relu network, {{ biases.width }} units wide, on "
    "{{ biases.batch }} standard-normal inputs, from five starts of its weights and biases; "
    "median of {{ biases.draws }} networks (faint lines: each network). Left: the share of units "
    "in each layer that output zero for every input (dead at the start). Right: how much a "
    "layer's output still depends on the input: the spread of each live unit over the inputs "
    "divided by its root mean square, averaged over live units (zero: every input gives the same "
    "output).",
    alt="Two panels against layer 1 to {{ biases.depth }}. Left: no unit is dead in the first "
    "layers; with PyTorch's default weights and biases the dead share jumps within the first "
    "third of the layers to about one half and stays there ({{ biases.torch.dead.last:.2f }} at "
    "the last layer); with He weights and N(0, 1) biases it climbs to "
    "{{ biases.normal.dead.last:.2f }}; with He weights and zero, {{ biases.constant }} or "
    "PyTorch-default biases it climbs more slowly, to {{ biases.zero.dead.last:.2f }}, "
    "{{ biases.const.dead.last:.2f }} and {{ biases.he_torch.dead.last:.2f }} at the last layer. "
    "Right: with PyTorch's default weights and biases the input dependence falls from "
    "{{ biases.torch.dependence.first:.1f }} to zero by the middle layer; with N(0, 1) biases it "
    "falls to {{ biases.normal.dependence.last:.2f }}; with the other three starts it falls "
    "slowly, to {{ biases.zero.dependence.last:.2f }}, {{ biases.const.dependence.last:.2f }} and "
    "{{ biases.he_torch.dependence.last:.2f }}.",
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
