"""Figures of the Mishkin & Matas (2016) LSUV page: per-layer variance at the start; training."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.lsuv import HIDDEN, LABELS, STARTS
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

START_COLORS = dict(
    zip(
        STARTS,
        (
            plots.COLORS["blue"],
            plots.COLORS["green"],
            plots.COLORS["orange"],
            plots.COLORS["vermillion"],
        ),
    )
)
SMOOTH = 25  # steps in the running mean of a minibatch cost


@figure(
    "lsuv_variance",
    "lsuv",
    caption="Variance of each layer's pre-activation z<sup>[l]</sup> on the held-out digits, "
    "before any training, for a 20-layer relu and a 20-layer tanh network (line: median over ten "
    "seeds; band: the smallest to the largest). LSUV puts every layer near 1; Xavier and plain "
    "orthogonal weights let the relu signal die away by orders of magnitude.",
    alt="Two panels, relu and tanh, variance of z on a logarithmic axis against layer 1 to 21. "
    "LSUV is a flat line near 1 in both. In the relu panel Xavier and orthogonal fall steadily by "
    "about six orders of magnitude while He wanders around 1. In the tanh panel Xavier and "
    "orthogonal fall slowly, from about 1 to about 0.03 at the last hidden layer, and He stays a "
    "little below 1.",
)
def variance(res):
    layers = res["layers"]
    fig, axes = plots.new_figure(1, 2, width=9, height=3.2, sharey=True)
    for ax, hidden in zip(axes[0], HIDDEN):
        for name in STARTS:
            v = res[f"{hidden}.{name}.variance"]
            color = START_COLORS[name]
            ax.fill_between(layers, v.min(axis=0), v.max(axis=0), color=color, alpha=0.2, lw=0)
            ax.plot(
                layers, np.median(v, axis=0), "o-", ms=3, lw=1.2, color=color, label=LABELS[name]
            )
        ax.set_yscale("log")
        ax.axhline(1, color="0.5", lw=0.8, ls=":")
        ax.set_title(f"{hidden} hidden layers")
        ax.set_xlabel("layer l (the last is the softmax output)")
    axes[0, 0].set_ylabel("Var($z^{[l]}$) on held-out digits")
    axes[0, 1].legend(loc="lower left")
    return fig


@figure(
    "lsuv_training",
    "lsuv",
    caption="Training cost of the same networks on MNIST digits (momentum SGD, minibatches of 64, "
    "the same learning rate for every start; running mean over 25 steps; line: median over ten "
    "seeds, band: the smallest to the largest). The dashed line is the cost level whose crossing "
    "the page counts.",
    alt="Two panels, relu and tanh, cost on a logarithmic axis against training step. In the relu "
    "panel Xavier and orthogonal stay high for most of the run, while He and LSUV fall below the "
    "dashed line within a few hundred steps. In the tanh panel all four starts fall below the "
    "dashed line within about two hundred steps, LSUV first.",
)
def training(res):
    fig, axes = plots.new_figure(1, 2, width=9, height=3.2, sharey=True)
    kernel = np.ones(SMOOTH) / SMOOTH
    for ax, hidden in zip(axes[0], HIDDEN):
        for name in STARTS:
            costs = res[f"{hidden}.{name}.costs"]
            running = np.array([np.convolve(c, kernel, mode="valid") for c in costs])
            steps = np.arange(SMOOTH - 1, costs.shape[1])
            color = START_COLORS[name]
            ax.fill_between(steps, running.min(0), running.max(0), color=color, alpha=0.2, lw=0)
            ax.plot(steps, np.median(running, axis=0), color=color, lw=1.4, label=LABELS[name])
        ax.set_yscale("log")
        ax.axhline(res.values["cost_level"], color="0.4", ls="--", lw=0.8)
        ax.set_title(f"{hidden} hidden layers")
        ax.set_xlabel("training step")
    axes[0, 0].set_ylabel("cost (running mean)")
    axes[0, 1].legend(loc="upper right")
    return fig
