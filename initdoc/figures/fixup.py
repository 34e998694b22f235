"""Figures of the Zhang, Dauphin & Ma (2019) page: how much one step of gradient descent changes
a residual network's output as it gets deeper, under Fixup and without its rescaling."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.fixup import STARTS
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

COLOR = {
    "fixup": plots.COLORS["green"],
    "zero_last": plots.COLORS["vermillion"],
    "scaled": plots.COLORS["blue"],
}


@figure(
    "fixup_step",
    "fixup",
    caption="The root mean square change of a residual MLP's logits on a batch of MNIST digits "
    "after one step of gradient descent (learning rate {{ fixup.lr }}), against the number of "
    "blocks. Left: only the weights inside the residual branches take the step (what Fixup's "
    "argument is about); right: every parameter does. Dots: one network each ({{ fixup.draws }} "
    "per depth and start); lines: their median. Grey dashed line: proportional to L, through the "
    "first median of the start that zeroes the last layers alone (red).",
    alt="Two log-log panels of the change of the output against blocks from "
    "{{ fixup.depth_min }} to {{ fixup.depth_max }}. Left: the red line of last layers zeroed "
    "alone climbs in a straight line along the grey dashed line, in proportion to depth; the "
    "blue 1/√L line lies above it at every depth and climbs as steeply; the green Fixup line "
    "stays level, far below both. Right: every start is raised by the change of the stem and "
    "head; the green Fixup line now rises too, more slowly than the other two, which still climb "
    "about in proportion to depth.",
)
def step(res):
    fig, axes = plots.new_figure(1, 2, width=10, height=3.8, sharey=True)
    depths = res["depths"]
    for ax, kind, title in zip(
        axes[0],
        ("change", "change_all"),
        ("step on the branches' weights only", "step on every parameter"),
    ):
        for start, (label, _, _) in STARTS.items():
            change = res[f"{start}.{kind}"]  # depths × draws
            for L, row in zip(depths, change):
                ax.plot(np.full(len(row), L), row, ".", color=COLOR[start], ms=3, alpha=0.5)
            ax.plot(depths, np.median(change, axis=1), "-", color=COLOR[start], lw=1.6, label=label)
        first = np.median(res[f"zero_last.{kind}"][0])
        ax.plot(depths, first * depths / depths[0], "--", color="0.5", lw=1, label="∝ L")
        ax.set_yscale("log")
        plots.log2_x(ax, depths)
        ax.set_xlabel("residual blocks L")
        ax.set_title(title)
    axes[0, 0].set_ylabel("RMS change of the logits after one step")
    axes[0, 0].legend(fontsize=7.5)
    return fig
