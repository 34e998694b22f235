"""Figures of the Schoenholz et al. (2017) page: the mean-field depth scales and trainability."""

from __future__ import annotations

import numpy as np

from initdoc.figures import plots
from initdoc.pipeline.registry import figure

SIM_COLORS = (plots.COLORS["blue"], plots.COLORS["vermillion"])


@figure(
    "mean_field_theory",
    "mean_field",
    caption="The mean-field theory of tanh networks with σ<sub>b</sub>² = "
    "{{ mean_field.sigma_b2 }}. Left: χ₁ crosses 1 at the critical σ<sub>w</sub>² (dotted "
    "line), the edge of chaos. Middle: the depth scale ξ<sub>c</sub> over which two inputs' "
    "correlation settles diverges there; ξ<sub>q</sub>, the scale over which one input's "
    "variance settles, stays below {{ mean_field.xi_q_max:.1f }} layers. Right: the "
    "correlation of two inputs layer by layer in one random network of width "
    "{{ mean_field.width }} (dots) against the recursion (lines).",
    alt="Three panels. Left: chi-one rises from {{ mean_field.chi_1_first:.2f }} at "
    "sigma-w-squared {{ mean_field.sigma_w2_min:g }} to {{ mean_field.chi_1_last:.2f }} at "
    "{{ mean_field.sigma_w2_max:g }}, crossing the horizontal line chi-one = 1 near "
    "{{ mean_field.critical_sigma_w2:.2f }}. Middle: on a logarithmic axis, xi-c rises from "
    "{{ mean_field.xi_c_at_1:.1f }} layers to a sharp peak of "
    "{{ mean_field.xi_c_near_critical:.0f }} at {{ mean_field.xi_c_peak_at:.2f }} and falls "
    "back to {{ mean_field.xi_c_at_4:.1f }} at {{ mean_field.sigma_w2_max:g }}; xi-q stays "
    "between {{ mean_field.xi_q_min:.1f }} and {{ mean_field.xi_q_max:.1f }}. Right: "
    "correlation against layer: for sigma-w-squared {{ mean_field.sim1.3.sigma_w2:g }} it "
    "climbs from {{ mean_field.sim1.3.c_first:.2f }} towards "
    "{{ mean_field.sim1.3.c_star:.2f }}, for {{ mean_field.sim2.5.sigma_w2:g }} it falls "
    "towards {{ mean_field.sim2.5.c_star:.2f }}; the measured dots scatter around the "
    "theory lines.",
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


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges halfway (geometrically) between centres on a log axis."""
    mid = np.sqrt(centres[1:] * centres[:-1])
    return np.concatenate([[centres[0] ** 2 / mid[0]], mid, [centres[-1] ** 2 / mid[-1]]])


@figure(
    "trainability_map",
    "trainability",
    format="png",
    caption="Training accuracy of tanh networks (width {{ trainability.width }}, "
    "σ<sub>b</sub>² = {{ trainability.sigma_b2 }}) on the lifted circle set after "
    "{{ trainability.steps_first }} and {{ trainability.steps_last }} steps of SGD, over "
    "σ<sub>w</sub>² and depth, both on logarithmic axes; each cell is the mean of "
    "{{ trainability.seeds }} seeds, and {{ trainability.chance }} is chance. The white "
    "dashed line is 6·ξ<sub>c</sub> from the mean-field theory, the paper's bound on "
    "trainable depth; the dotted line marks the edge of chaos, where ξ<sub>c</sub> "
    "diverges. Left of it the learned region follows the line; right of it, the learned "
    "region stops well below the line.",
    alt="Two heatmaps side by side, weight variance from {{ trainability.sigma_w2_min:g }} "
    "to {{ trainability.sigma_w2_max:g }} across, depth {{ trainability.depth_min }} to "
    "{{ trainability.depth_max }} up, colour from dark (chance accuracy) to yellow (every "
    "point right). A white dashed curve, 6 xi-c, rises from depth "
    "{{ trainability.six_xi_c_first:.0f }} at variance {{ trainability.sigma_w2_min:g }}, "
    "leaves the top of the plot before the dotted line at variance "
    "{{ trainability.critical_sigma_w2:.2f }} and comes back down to "
    "{{ trainability.six_xi_c_last:.0f }} at variance {{ trainability.sigma_w2_max:g }}. On "
    "the left the yellow region rises with the curve, a little above it; on the right it "
    "stays far below the curve, at depths of {{ trainability.chaotic.deepest_min }} to "
    "{{ trainability.chaotic.deepest_max }}. After {{ trainability.steps_last }} steps the "
    "yellow region reaches a little deeper than after {{ trainability.steps_first }}.",
)
def trainability_map(res):
    s, depths = res["sigma_w2"], res["depths"]
    fig, axes = plots.new_figure(1, len(res["checkpoints"]), width=9.5, height=3.6, sharey=True)
    xe, ye = _edges(s), _edges(depths.astype(float))
    for ax, steps, acc in zip(axes[0], res["checkpoints"], res["accuracy"]):
        mesh = ax.pcolormesh(
            xe, ye, acc.mean(-1), cmap="viridis", vmin=res.values["chance"], vmax=1.0
        )
        ax.plot(
            res["fine_sigma_w2"], res["fine_six_xi_c"], "--", color="white", lw=2, label="6·ξ$_c$"
        )
        ax.axvline(res.values["critical_sigma_w2"], color="white", ls=":", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(xe[0], xe[-1])
        ax.set_ylim(ye[0], ye[-1])
        ax.set_xticks(s)
        ax.set_xticklabels([f"{v:g}" for v in s], fontsize=7, rotation=45)
        ax.set_yticks(depths)
        ax.set_yticklabels([str(d) for d in depths])
        ax.minorticks_off()
        ax.set_xlabel("weight variance σ$_w^2$")
        ax.set_title(f"after {steps} SGD steps")
        ax.grid(False)
    axes[0, 0].set_ylabel("depth L (hidden layers)")
    axes[0, 0].legend(loc="upper left", facecolor="0.3", labelcolor="white", frameon=True)
    fig.colorbar(mesh, ax=axes[0, -1], label="training accuracy")
    return fig


@figure(
    "trainability_deepest",
    "trainability",
    caption="The deepest network that trained (at least half of the "
    "{{ trainability.seeds }} seeds, after {{ trainability.steps_last }} steps) against "
    "ξ<sub>c</sub>, one point per σ<sub>w</sub>² (triangle: the deepest depth run trained, "
    "so the trainable depth is at least that). Grey line: the paper's 6·ξ<sub>c</sub>. "
    "Coloured lines: the best rule of the form depth ≤ k·ξ<sub>c</sub> on each side of the "
    "edge of chaos, fitted to these networks.",
    alt="Log-log plot of deepest trained depth against xi-c. The ordered-phase points "
    "(blue) rise from depth {{ trainability.ordered.deepest_min }} to depth "
    "{{ trainability.ordered.deepest_max }} with xi-c, along a dashed line of "
    "{{ trainability.ordered.xi_rule:.1f }} xi-c, a little above the grey 6 xi-c line. The "
    "chaotic-phase points (red) sit well below the grey line, near a dashed line of "
    "{{ trainability.chaotic.xi_rule:.1f }} xi-c. The point nearest the edge of chaos lies "
    "far to the right at depth {{ trainability.deepest_near_critical }}: there the training "
    "budget, not xi-c, limits the depth.",
)
def trainability_deepest(res):
    steps = res["checkpoints"][-1]
    deepest = res[f"steps{steps}.deepest_trained"].astype(float)
    xi = res["six_xi_c"] / 6
    ordered = res["sigma_w2"] < res.values["critical_sigma_w2"]
    fig, axes = plots.new_figure(1, 1, width=5.5, height=3.6)
    ax = axes[0, 0]
    grid = np.geomspace(0.5, xi.max() * 2, 50)
    ax.plot(grid, 6 * grid, color="0.5", lw=1.2, label="6·ξ$_c$ (the paper)")
    for name, mask, color in (
        ("ordered", ordered, plots.COLORS["blue"]),
        ("chaotic", ~ordered, plots.COLORS["vermillion"]),
    ):
        k = res.values[f"{name}.xi_rule"]
        top = deepest[mask] >= res["depths"].max()
        x, y = xi[mask], np.maximum(deepest[mask], 1)
        ax.plot(x[~top], y[~top], "o", color=color, label=f"{name} phase")
        ax.plot(x[top], y[top], "^", color=color, ms=8)
        ax.plot(grid, k * grid, "--", color=color, lw=1, label=f"depth ≤ {k:.1f}·ξ$_c$ (best fit)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(3, res["depths"].max() * 2)
    ax.set_xlabel("ξ$_c$ (layers)")
    ax.set_ylabel("deepest trained depth L")
    ax.legend(loc="lower right", fontsize=7)
    return fig
