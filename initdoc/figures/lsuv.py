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


@figure(
    "lsuv_variance",
    "lsuv",
    caption="Variance of each layer's pre-activation z<sup>[l]</sup> on the held-out "
    "digits, before any training, for a {{ lsuv.depth }}-layer relu and a "
    "{{ lsuv.depth }}-layer tanh network (line: median over {{ lsuv.seeds }} seeds; band: "
    "the smallest to the largest). LSUV puts every layer near unit variance; Xavier and "
    "plain orthogonal weights let the relu signal die away by orders of magnitude.",
    alt="Two panels, relu and tanh, variance of z on a logarithmic axis against layer, from "
    "the first to the softmax output, layer {{ lsuv.n_layers }}. LSUV is a flat line at "
    "unit variance in both. In the relu panel Xavier and orthogonal fall steadily, to a "
    "median of {{ lsuv.relu.glorot_normal.variance_last_hidden:sci }} and "
    "{{ lsuv.relu.orthogonal.variance_last_hidden:sci }} at the last hidden layer, while He "
    "wanders around unit variance. In the tanh panel Xavier and orthogonal fall slowly, to "
    "{{ lsuv.tanh.glorot_normal.variance_last_hidden:.2f }} and "
    "{{ lsuv.tanh.orthogonal.variance_last_hidden:.2f }} at the last hidden layer, and He "
    "stays a little below unit variance, at "
    "{{ lsuv.tanh.he_normal.variance_last_hidden:.2f }}.",
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
    caption="Training cost of the same networks on MNIST digits (momentum SGD, minibatches "
    "of {{ lsuv.batch_size }}, the same learning rate for every start; running mean over "
    "{{ lsuv.smooth }} steps; line: median over {{ lsuv.seeds }} seeds, band: the smallest "
    "to the largest). The dashed line is the cost level whose crossing the page counts.",
    alt="Two panels, relu and tanh, cost on a logarithmic axis against training step. In "
    "the relu panel Xavier and orthogonal stay high for most of the run "
    "({{ lsuv.relu.glorot_normal.reached_level }} and "
    "{{ lsuv.relu.orthogonal.reached_level }} of {{ lsuv.seeds }} runs ever reach the "
    "dashed line), while He and LSUV fall below it, at a median step of "
    "{{ lsuv.relu.he_normal.median_steps_to_level:.0f }} and "
    "{{ lsuv.relu.lsuv.median_steps_to_level:.0f }}. In the tanh panel all four starts fall "
    "below the dashed line, at median steps from "
    "{{ lsuv.tanh.lsuv.median_steps_to_level:.0f }} (LSUV) to "
    "{{ lsuv.tanh.glorot_normal.median_steps_to_level:.0f }} (Xavier).",
)
def training(res):
    fig, axes = plots.new_figure(1, 2, width=9, height=3.2, sharey=True)
    smooth = res.values["smooth"]
    kernel = np.ones(smooth) / smooth
    for ax, hidden in zip(axes[0], HIDDEN):
        for name in STARTS:
            costs = res[f"{hidden}.{name}.costs"]
            running = np.array([np.convolve(c, kernel, mode="valid") for c in costs])
            steps = np.arange(smooth - 1, costs.shape[1])
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
