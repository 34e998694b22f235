"""Figures of the Hanin & Rolnick (2018) page: the mean and the spread of the length of the
activations of relu networks through depth and width."""

from __future__ import annotations

import numpy as np

from initdoc.figures import plots
from initdoc.pipeline.registry import figure

WIDTH_COLORS = [plots.COLORS[c] for c in ("vermillion", "orange", "green", "blue")]
SHAPES = {
    "narrow": ("64 layers of 32", plots.COLORS["vermillion"]),
    "constant": ("64 layers of 40", plots.COLORS["blue"]),
    "alternating": ("64 layers alternating 25 and 100", plots.COLORS["orange"]),
    "resnet": ("64 residual blocks of 32, branches × 1/√64", plots.COLORS["green"]),
}


@figure(
    "hanin_rolnick_spread",
    "hanin_rolnick",
    caption="The length of the activations, M<sub>l</sub> = |a<sub>l</sub>|²/n<sub>l</sub>, of "
    "He-initialized relu networks, one standard-normal input per network. Left: the sample mean "
    "of M<sub>l</sub>/M<sub>0</sub> over 500 networks per width. Middle: the variance of "
    "log(M<sub>l</sub>/M<sub>0</sub>) over the same networks, with the large-width prediction "
    "5 Σ 1/n (dashed). Right: the distribution of log(M<sub>L</sub>/M<sub>0</sub>) over 1000 "
    "networks for four architectures of 64 layers (values below −12 are piled into the first "
    "bar).",
    alt="Left: four lines, one per width from 16 to 128, starting at 1; the lines for widths 64 "
    "and 128 stay between 1 and 1.25, the line for width 32 jumps up to 2 and back, and the "
    "line for width 16 wanders and falls to about 0.25 by layer 64. Middle: four rising lines, "
    "steepest for width 16, each at or above its dashed prediction; the gap is largest for "
    "width 16, which ends near 28 against 20 predicted. Right: histograms of the final log "
    "length: the plain networks of width 32, 40 and alternating 25 and 100 spread from below "
    "−12 to about 5, the last two alike; the residual network's histogram is a narrow spike "
    "just above zero.",
)
def spread(res):
    fig, axes = plots.new_figure(1, 3, width=11.5, height=3.6)
    mean, variance, hist = axes[0]
    layers = res["layers"]
    for n, color in zip(res["grid_widths"], WIDTH_COLORS):
        mean.plot(layers, res[f"w{n}.mean"], color=color, lw=1.4, label=f"width {n}")
        variance.plot(layers, res[f"w{n}.var_log"], color=color, lw=1.6, label=f"width {n}")
        predicted = res.values["factor_variance"] * layers / n
        variance.plot(layers, predicted, "--", color=color, lw=1)
    mean.axhline(1, color="0.5", ls=":", lw=1)
    mean.set_ylabel("mean of M_l / M_0")
    variance.set_ylabel("variance of log(M_l / M_0)")
    for ax in (mean, variance):
        ax.set_xlabel("layer l")
    mean.legend(fontsize=7.5)
    bins = np.linspace(-12, 8, 81)
    for key, (label, color) in SHAPES.items():
        logs = res[f"{key}.log_ratio"]
        logs = logs[np.isfinite(logs)]
        hist.hist(
            np.clip(logs, bins[0], bins[-1]),
            bins=bins,
            histtype="step",
            color=color,
            lw=1.4,
            label=label,
            density=True,
        )
    hist.set_xlabel("log(M_L / M_0) after 64 layers")
    hist.set_ylabel("density")
    hist.set_yscale("log")
    hist.legend(fontsize=7)
    return fig
