"""Figures of the saturation page."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.saturation import ACTIVATIONS, MAX_SLOPE
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

INIT_STYLE = {
    "normal": ("N(0, 1)", plots.COLORS["vermillion"]),
    "lecun": ("N(0, 1/n_in)", plots.COLORS["blue"]),
    "small": ("N(0, (0.01)²/n_in)", plots.COLORS["green"]),
}
ACT_LABEL = {"sigmoid": "σ′(z) (sigmoid)", "tanh": "tanh′(z)"}


@figure(
    "saturation_histograms",
    "saturation_units",
    caption="One layer, standardized inputs, weights from N(0, 1) (red) or N(0, "
    "1/n<sub>in</sub>) (blue), for three numbers of inputs n<sub>in</sub>. Left: the "
    "pre-activations z of the N(0, 1) layer, shaded where the units saturate: light grey "
    "only tanh units ({{ saturation_units.tanh.threshold:.0f }} < |z| < "
    "{{ saturation_units.sigmoid.threshold:.0f }}), dark grey both. Middle and right: the "
    "local derivatives of the sigmoid and tanh units; a derivative near zero passes almost "
    "no gradient back.",
    alt="A grid of nine histograms, one row per n_in = {{ saturation_units.n_in0 }}, "
    "{{ saturation_units.n_in1 }} and {{ saturation_units.n_in2 }}. Left column: the "
    "distribution of z widens, its variance growing from "
    "{{ saturation_units.n10.normal.standardized.var_z:.0f }} to "
    "{{ saturation_units.n1000.normal.standardized.var_z:.0f }}, and more and more of it "
    "falls in the shaded saturation zones beyond |z| = "
    "{{ saturation_units.tanh.threshold:.0f }} and |z| = "
    "{{ saturation_units.sigmoid.threshold:.0f }}. Middle and right columns: for N(0, 1) "
    "weights the derivatives pile up at zero, more so as n_in grows; for N(0, 1/n_in) "
    "weights they stay spread towards their maximum, "
    "{{ saturation_units.sigmoid.max_slope }} for the sigmoid and "
    "{{ saturation_units.tanh.max_slope:g }} for tanh, whatever n_in.",
)
def histograms(res):
    n_ins = res["n_ins"]
    fig, axes = plots.new_figure(len(n_ins), 3, width=9.5, height=2.3 * len(n_ins))
    for row, n_in in enumerate(n_ins):
        edges = res[f"n{n_in}.normal.standardized.z_edges"]
        ax = axes[row, 0]
        ax.stairs(
            res[f"n{n_in}.normal.standardized.z_hist"],
            edges,
            color=INIT_STYLE["normal"][1],
            fill=True,
            alpha=0.7,
        )
        for act, shade in (("tanh", 0.08), ("sigmoid", 0.12)):
            t = res.values[f"{act}.threshold"]
            for lo, hi in ((edges[0], -t), (t, edges[-1])):
                if lo < hi:
                    ax.axvspan(lo, hi, color="k", alpha=shade, lw=0)
        var = res.values[f"n{n_in}.normal.standardized.var_z"]
        ax.set_title(f"n_in = {n_in}: z with N(0, 1) weights, Var(z) = {var:.0f}")
        ax.set_xlabel("pre-activation z")
        ax.set_ylabel("share of (example, unit) pairs")
        for col, act in enumerate(ACTIVATIONS, start=1):
            ax = axes[row, col]
            bins = np.linspace(
                0, MAX_SLOPE[act], len(res[f"n{n_in}.normal.standardized.{act}.slope_hist"]) + 1
            )
            for init in ("normal", "lecun"):
                label, color = INIT_STYLE[init]
                share = res.values[f"n{n_in}.{init}.standardized.{act}.saturated"]
                ax.stairs(
                    res[f"n{n_in}.{init}.standardized.{act}.slope_hist"],
                    bins,
                    color=color,
                    lw=1.4,
                    label=f"{label}: {share:.0%} saturated",
                )
            ax.set_yscale("log")
            ax.set_ylim(1e-4, 1.5)
            ax.set_xlabel(ACT_LABEL[act])
            ax.set_title(f"n_in = {n_in}: {act} derivative")
            ax.legend(loc="upper center", fontsize=7)
    return fig


@figure(
    "saturation_vs_n_in",
    "saturation_units",
    caption="How saturation grows with the number of inputs for N(0, 1) weights and "
    "standardized inputs. Dots: measured; lines: predicted from z ~ N(0, n<sub>in</sub>). "
    "Left: the share of saturated (example, unit) pairs. Right: the mean local derivative "
    "relative to its maximum; dotted: the large-n<sub>in</sub> law, proportional to "
    "1/√n<sub>in</sub>.",
    alt="Two plots against n_in on a logarithmic axis from a single input to "
    "{{ saturation_units.n_in2 }}. Left: the saturated share rises from zero towards one, "
    "the tanh curve ahead of the sigmoid curve, with measured dots at "
    "{{ saturation_units.n_in0 }}, {{ saturation_units.n_in1 }} and "
    "{{ saturation_units.n_in2 }} on the lines. Right: the mean derivative over its maximum "
    "falls from near its maximum and then along a straight line of slope minus one half on "
    "the log-log axes, dots on the lines.",
)
def versus_n_in(res):
    grid, n_ins = res["curve.n_in"], res["n_ins"]
    fig, axes = plots.new_figure(1, 2, width=8.5, height=3.2)
    colors = {"sigmoid": plots.COLORS["orange"], "tanh": plots.COLORS["purple"]}
    for act in ACTIVATIONS:
        c = colors[act]
        axes[0, 0].plot(
            grid, res[f"curve.{act}.saturated"], color=c, lw=1.3, label=f"{act}, predicted"
        )
        axes[0, 0].plot(
            n_ins,
            [res.values[f"n{n}.normal.standardized.{act}.saturated"] for n in n_ins],
            "o",
            color=c,
            label=f"{act}, measured",
        )
        axes[0, 1].plot(grid, res[f"curve.{act}.mean_slope"] / MAX_SLOPE[act], color=c, lw=1.3)
        axes[0, 1].plot(
            grid,
            (1 if act == "sigmoid" else 2) / np.sqrt(2 * np.pi * grid) / MAX_SLOPE[act],
            ":",
            color=c,
            lw=1.2,
        )
        axes[0, 1].plot(
            n_ins,
            [
                res.values[f"n{n}.normal.standardized.{act}.mean_slope"] / MAX_SLOPE[act]
                for n in n_ins
            ],
            "o",
            color=c,
        )
    axes[0, 0].set_ylabel("share of saturated units")
    axes[0, 0].legend(loc="upper left")
    axes[0, 1].set_ylabel("mean f′(z) / max f′")
    axes[0, 1].set_yscale("log")
    axes[0, 1].set_ylim(0.01, 2)
    for ax in axes.flat:
        ax.set_xscale("log")
        ax.set_xlabel("number of inputs $n_{in}$")
    return fig


@figure(
    "saturation_training",
    "saturation_training",
    caption="A network with {{ saturation_training.n_in }} inputs (the circle set seen "
    "through {{ saturation_training.n_in }} noisy random mixtures of its two coordinates), "
    "{{ saturation_training.n_hidden }} hidden units and a sigmoid output, trained by "
    "full-batch gradient descent from three first-layer initializations. Top: the training "
    "cost (dashed: the goal used to count steps). Bottom: the share of saturated (example, "
    "hidden unit) pairs during training.",
    alt="Four plots. Top row, cost against step on a log scale for sigmoid and tanh hidden "
    "layers: from N(0, 1/n_in) and from tiny weights the cost drops below the dashed goal "
    "within a few hundred steps (sigmoid: after "
    "{{ saturation_training.sigmoid.lecun.steps_to_goal }} and "
    "{{ saturation_training.sigmoid.small.steps_to_goal }} steps; tanh: after "
    "{{ saturation_training.tanh.lecun.steps_to_goal }} and "
    "{{ saturation_training.tanh.small.steps_to_goal }}); from N(0, 1) it falls slowly and "
    "stays well above the other two throughout. Bottom row: the share of saturated pairs "
    "stays high for N(0, 1) weights (from "
    "{{ saturation_training.sigmoid.normal.saturated_at_start:.0% }} to "
    "{{ saturation_training.sigmoid.normal.saturated_at_end:.0% }} with sigmoid units, from "
    "{{ saturation_training.tanh.normal.saturated_at_start:.0% }} to "
    "{{ saturation_training.tanh.normal.saturated_at_end:.0% }} with tanh) and starts at "
    "zero for the other two.",
)
def training(res):
    at = res["steps"]
    fig, axes = plots.new_figure(2, 2, width=9, height=5.2, sharex=True)
    for col, act in enumerate(ACTIVATIONS):
        for init, (label, color) in INIT_STYLE.items():
            plots.cost_curve(
                axes[0, col], res[f"{act}.{init}.costs"], f"$W^{{[1]}}$ ~ {label}", color=color
            )
            axes[1, col].plot(at, res[f"{act}.{init}.saturated"], color=color, lw=1.4)
        axes[0, col].axhline(res.values["goal"], color="k", ls="--", lw=0.8)
        axes[0, col].set_title(f"{act} hidden units")
        axes[0, col].set_xlabel("")
        axes[1, col].set_xlabel("training step")
        axes[1, col].set_ylabel("share of saturated units")
        axes[1, col].set_ylim(-0.02, 1.02)
    axes[0, 0].legend(loc="lower left")
    return fig
