"""Figures of the Schoenholz et al. (2017) page: the mean-field depth scales and the trainability map."""

from __future__ import annotations

import numpy as np

from initdoc.figures import plots
from initdoc.pipeline.registry import figure

SIM_COLORS = (plots.COLORS["blue"], plots.COLORS["vermillion"])


@figure(
    "mean_field_theory",
    "mean_field",
    caption="The mean-field theory of tanh networks with σ<sub>b</sub>² = 0.05. Left: χ₁ crosses 1 at the "
    "critical σ<sub>w</sub>² (dotted line), the edge of chaos. Middle: the depth scale ξ<sub>c</sub> "
    "over which two inputs' correlation settles diverges there; ξ<sub>q</sub>, the scale over which "
    "one input's variance settles, stays below 2 layers. Right: the correlation of two inputs layer "
    "by layer in one random network of width 1000 (dots) against the recursion (lines).",
    alt="Three panels. Left: chi-one rises from about 0.76 at sigma-w-squared 1 to about 1.34 at 4, crossing "
    "the horizontal line at 1 near 1.76. Middle: on a logarithmic axis, xi-c rises from about 4 layers to "
    "a sharp peak of several hundred at 1.76 and falls back to about 7 at 4; xi-q stays between 0.9 and "
    "1.8. Right: correlation against layer: for sigma-w-squared 1.3 it climbs from 0.65 towards 1, for "
    "2.5 it falls towards about 0.45; the measured dots scatter around the theory lines.",
)
def theory(res):
    s, critical = res["sigma_w2"], res.values["critical_sigma_w2"]
    fig, axes = plots.new_figure(1, 3, width=10, height=3.2)
    ax = axes[0, 0]
    ax.plot(s, res["chi_1"], color=plots.COLORS["black"], lw=1.5)
    ax.axhline(1, color="0.5", lw=0.8)
    ax.text(1.05, 0.98, "ordered", va="top", fontsize=8)
    ax.text(3.95, 1.02, "chaotic", ha="right", fontsize=8)
    ax.set_xlabel("weight variance σ$_w^2$")
    ax.set_ylabel("χ$_1$")
    ax.set_title("slope of the correlation map at c = 1")
    ax = axes[0, 1]
    ax.semilogy(
        s, res["xi_c"], color=plots.COLORS["vermillion"], lw=1.5, label="ξ$_c$ (correlation)"
    )
    ax.semilogy(s, res["xi_q"], color=plots.COLORS["blue"], lw=1.5, label="ξ$_q$ (variance)")
    ax.set_xlabel("weight variance σ$_w^2$")
    ax.set_ylabel("depth scale (layers)")
    ax.set_title("depth scales")
    ax.legend(loc="upper right")
    for ax in axes[0, :2]:
        ax.axvline(critical, color="0.3", ls=":", lw=1)
    ax = axes[0, 2]
    for key, color in zip(
        sorted(k[:-2] for k in res.arrays if k.endswith(".c") and k.startswith("sim")), SIM_COLORS
    ):
        layers = np.arange(1, len(res[f"{key}.c"]) + 1)
        label = f"σ$_w^2$ = {res.values[f'{key}.sigma_w2']:g}"
        ax.plot(layers, res[f"{key}.c_theory"], color=color, lw=1.3, label=f"{label}, recursion")
        ax.plot(layers, res[f"{key}.c"], "o", color=color, ms=3, label=f"{label}, measured")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("layer l")
    ax.set_ylabel("correlation c$^l$ of two inputs")
    ax.set_title(f"width {res.values['width']}: theory vs one network")
    ax.legend(loc="lower left", fontsize=7)
    return fig


@figure(
    "trainability_map",
    "trainability",
    format="png",
    caption="Training accuracy of tanh networks (width 64, σ<sub>b</sub>² = 0.05) on the lifted spiral after "
    "150 and 600 steps of SGD, over σ<sub>w</sub>² and depth; 0.5 is chance. The white dashed line is "
    "6·ξ<sub>c</sub> from the mean-field theory: the paper finds networks trainable below it. Here "
    "the learned region grows towards the line with training, but on the chaotic side (right) it "
    "stops well below it.",
    alt="Two heatmaps side by side, weight variance from 1 to 4 across, depth 5 to 60 up, colour from dark "
    "(accuracy 0.5) to yellow (accuracy 1). A white dashed curve, 6 xi-c, runs from depth 22 at variance 1 "
    "up off the top of the plot near variance 1.76 and back down to about 42 at variance 4. Yellow fills "
    "the shallow rows; after 600 steps the yellow region reaches deeper near variance 1.7 to 2.3, while "
    "deep chaotic networks on the right stay dark well below the line.",
)
def trainability_map(res):
    s, depths = res["sigma_w2"], res["depths"]
    fig, axes = plots.new_figure(1, len(res["checkpoints"]), width=9.5, height=3.6, sharey=True)
    ds = (s[1] - s[0]) / 2
    for ax, steps, acc in zip(axes[0], res["checkpoints"], res["accuracy"]):
        edges_y = np.concatenate(
            [[depths[0] - 2.5], (depths[1:] + depths[:-1]) / 2, [depths[-1] + 5]]
        )
        mesh = ax.pcolormesh(
            np.concatenate([s - ds, [s[-1] + ds]]),
            edges_y,
            acc,
            cmap="viridis",
            vmin=0.5,
            vmax=1.0,
            shading="flat",
        )
        ax.plot(
            res["fine_sigma_w2"], res["fine_six_xi_c"], "--", color="white", lw=2, label="6·ξ$_c$"
        )
        ax.set_ylim(edges_y[0], edges_y[-1])
        ax.set_xlim(s[0] - ds, s[-1] + ds)
        ax.set_xlabel("weight variance σ$_w^2$")
        ax.set_title(f"after {steps} SGD steps")
        ax.grid(False)
    axes[0, 0].set_ylabel("depth L (hidden layers)")
    axes[0, 0].legend(loc="upper right", facecolor="0.3", labelcolor="white", frameon=True)
    fig.colorbar(mesh, ax=axes[0, -1], label="training accuracy")
    return fig
