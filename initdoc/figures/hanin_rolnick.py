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
    "of M<sub>l</sub>/M<sub>0</sub> over {{ hanin_rolnick.grid_networks }} networks per width. "
    "Middle: the variance of log(M<sub>l</sub>/M<sub>0</sub>) over the same networks, with the "
    "large-width prediction {{ hanin_rolnick.factor_variance }} Σ 1/n (dashed). Right: the "
    "distribution of log(M<sub>L</sub>/M<sub>0</sub>) over {{ hanin_rolnick.networks }} "
    "networks for four architectures of {{ hanin_rolnick.shapes_depth }} layers or blocks "
    "(values beyond the left edge of the axis are piled into the first bar).",
    alt="Left: four lines, one per width from {{ hanin_rolnick.grid_width_min }} to "
    "{{ hanin_rolnick.grid_width_max }}, all starting at one; the lines for the two widest "
    "stay close to one, ending at {{ hanin_rolnick.w64.mean_last:.2f }} and "
    "{{ hanin_rolnick.w128.mean_last:.2f }}; the line for the second narrowest jumps up to "
    "about twice its start and back; and the line for width {{ hanin_rolnick.grid_width_min }} "
    "wanders and falls to {{ hanin_rolnick.w16.mean_last:.2f }} by layer "
    "{{ hanin_rolnick.grid_depth }}. Middle: four rising lines, steepest for width "
    "{{ hanin_rolnick.grid_width_min }}, each at or above its dashed prediction; the gap is "
    "largest for width {{ hanin_rolnick.grid_width_min }}, which ends near "
    "{{ hanin_rolnick.w16.var_log_last:.0f }} against "
    "{{ hanin_rolnick.w16.predicted_var_log_last:.0f }} predicted. Right: histograms of the "
    "final log length: the plain networks of width {{ hanin_rolnick.narrow.width }}, "
    "{{ hanin_rolnick.constant.width }} and alternating {{ hanin_rolnick.alternating.low }} and "
    "{{ hanin_rolnick.alternating.high }} spread widely, from beyond the left edge of the axis "
    "to a few units above zero, the last two alike; the residual network's histogram is a "
    "narrow spike just above zero, around {{ hanin_rolnick.resnet.mean_log:.1f }}.",
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
