"""Figures of the zero and constant initialization page."""

from __future__ import annotations

from initdoc import data
from initdoc.experiments.symmetry import LABELS
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

SHOWN = ["zero_tanh", "zero_sigmoid", "constant_tanh", "zero_w_random_b_tanh", "random_tanh"]


@figure(
    "symmetry_weights",
    "symmetry",
    caption="Each hidden unit's weights during training, one colour per unit. Where the "
    "units start equal and the biases are zero, the {{ symmetry.n_hidden }} lines lie on "
    "top of each other for the whole run; random biases or random weights pull them apart.",
    alt="Ten small line plots in two rows. Top row: the first incoming weight of each of "
    "{{ symmetry.n_hidden }} hidden units against training step; bottom row: each unit's "
    "outgoing weight. For zero weights with tanh the lines stay flat at zero; for zero "
    "weights with sigmoid and for constant weights the {{ symmetry.n_hidden }} lines move "
    "but coincide; with random biases or Glorot weights they separate.",
)
def weights(res):
    steps = res["steps"]
    fig, axes = plots.new_figure(2, len(SHOWN), width=10, height=4.2, sharex=True)
    for col, case in enumerate(SHOWN):
        W1, W2 = res[f"{case}.W1"], res[f"{case}.W2"]
        top, bottom = axes[0, col], axes[1, col]
        for unit in range(W1.shape[2]):
            top.plot(steps, W1[:, 0, unit], lw=1.3)
            bottom.plot(steps, W2[:, unit, 0], lw=1.3)
        top.set_title(LABELS[case])
        bottom.set_xlabel("training step")
        identical = res.values[f"{case}.final_spread"] == 0
        top.text(
            0.03,
            0.95,
            "units identical" if identical else "units differ",
            transform=top.transAxes,
            va="top",
            fontsize=8,
            color=plots.COLORS["vermillion" if identical else "green"],
        )
    axes[0, 0].set_ylabel("weight from $x_1$, $W^{[1]}_{1j}$")
    axes[1, 0].set_ylabel("outgoing weight, $W^{[2]}_{j}$")
    return fig


@figure(
    "symmetry_boundaries",
    "symmetry",
    caption="Probability of the inner class after training, over the input plane (red: "
    "inner class, blue: outer ring; black line: the boundary P = ½). Identical hidden units "
    "can only draw a straight boundary, or none at all.",
    alt="Six heatmaps of the predicted probability over the square from "
    "−{{ symmetry.extent:g }} to {{ symmetry.extent:g }} with the circle data on top. Zero "
    "weights with relu or tanh give a uniform colour and no boundary; zero weights with "
    "sigmoid and constant weights give a straight boundary; random biases and Glorot "
    "weights give a closed boundary around the inner class.",
)
def boundaries(res):
    cases = ["zero_relu", *SHOWN]
    fig, axes = plots.new_figure(2, 3, width=8, height=5.8, sharex=True, sharey=True)
    for ax, case in zip(axes.flat, cases):
        plots.decision_boundary(ax, data.EXTENT, res[f"{case}.prob"], res["X"], res["y"])
        ax.set_title(f"{LABELS[case]}\n{res.values[f'{case}.accuracy']:.0%} classified right")
        ax.set_aspect("equal")
    for ax in axes[0]:
        ax.set_xlabel("")
    for ax in axes[:, 1:].flat:
        ax.set_ylabel("")
    return fig


@figure(
    "symmetry_costs",
    "symmetry",
    caption="Training cost of every case. The dashed line is the cost of always predicting "
    "the share of the inner class, which the symmetric networks cannot beat by much.",
    alt="Cost against training step on a log scale for eight cases. The zero-weight relu "
    "and tanh networks stay flat at the base-rate cost; zero sigmoid and constant weights "
    "level off a little below it; random biases and Glorot weights fall far below it, to "
    "{{ symmetry.zero_w_random_b_tanh.final_cost:.3f }} and "
    "{{ symmetry.random_tanh.final_cost:.3f }}.",
)
def costs(res):
    fig, axes = plots.new_figure(1, 1, width=8, height=3.2)
    ax = axes[0, 0]
    for case, label in LABELS.items():
        if case == "balanced_zero_sigmoid":
            continue
        plots.cost_curve(ax, res[f"{case}.costs"], label)
    base = res.values["base_rate_cost"]
    ax.axhline(base, color="k", ls="--", lw=0.8)
    ax.annotate(
        "base-rate cost", (0, base), textcoords="offset points", xytext=(4, 4), fontsize=7.5
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig
