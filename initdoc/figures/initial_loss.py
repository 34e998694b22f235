"""Figures of the last layer and initial loss page: the expected initial loss against the size of
the logits, and a classifier trained from four output layers."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.initial_loss import LAST
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

COLOR = {
    "normal": plots.COLORS["vermillion"],
    "he": plots.COLORS["orange"],
    "zero": plots.COLORS["blue"],
    "prior": plots.COLORS["green"],
}
SMOOTH = 5  # steps in the running mean of the plotted cost


@figure(
    "initial_loss_scale",
    "initial_loss",
    caption="The expected cross-entropy of a 10-class softmax before training, when its logits "
    "are independent draws from N(0, s²) and the label is unrelated to them (Monte Carlo, "
    "20 000 rows per s). Dashed: ln 10, the loss of a uniform guess; dotted: the small-s "
    "expansion ln C + (1 − 1/C) s²/2.",
    alt="Expected initial loss against the logit standard deviation s from 0.01 to 100 on "
    "logarithmic axes. The curve is flat at ln 10, about 2.3, until s is near 0.3, rises past 5 "
    "at s = 3 and grows in proportion to s beyond that, to over 100 at s = 100. The dotted "
    "expansion follows it up to s of about 1 and then overshoots.",
)
def scale(res):
    fig, axes = plots.new_figure(1, 1, width=6, height=3.4)
    ax = axes[0, 0]
    s = res["scales"]
    ax.plot(s, res["expected"], color=plots.COLORS["blue"], lw=1.8, label="expected loss")
    fit = s <= 3
    ax.plot(s[fit], res["approx"][fit], ":", color="0.3", lw=1.5, label="small-s expansion")
    ax.axhline(res.values["ln_c"], color="0.5", ls="--", lw=1, label="ln C (uniform guess)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("standard deviation s of the logits at the start")
    ax.set_ylabel("expected initial loss (nats)")
    ax.legend()
    return fig


@figure(
    "initial_loss_training",
    "initial_loss",
    caption="A relu MLP (two hidden layers of 100 units, He) on MNIST digits at 14 × 14 "
    "pixels with imbalanced classes, trained by SGD from four output layers, five networks "
    "each. Left: training cost over the first 100 steps (running mean over five minibatches, "
    "median over networks); dashed: ln 10; dotted: the entropy of the class frequencies, the "
    "best a constant prediction can do. Right: loss and accuracy on held-out digits after "
    "training, one dot per network.",
    alt="Left: cost against step, logarithmic. The N(0, 1) output layer starts above 10, drops "
    "below the others within about twenty steps and keeps falling to about 0.01 by step 100; the "
    "He output layer starts a little above ln 10 and ends near 0.3; the zero layer starts at "
    "ln 10 and the log-frequency bias below it, at the dotted entropy line, and these two then "
    "fall together to about 0.5. Right: held-out loss is about 1 to 1.3 after the N(0, 1) start "
    "and 0.3 to 0.45 after the other three; held-out accuracy is between 0.88 and 0.92 for all "
    "four, lowest for N(0, 1).",
)
def training(res):
    fig, axes = plots.new_figure(1, 3, width=11, height=3.6)
    curve, loss, accuracy = axes[0]
    kernel = np.ones(SMOOTH) / SMOOTH
    shown = 100
    for i, (kind, label) in enumerate(LAST.items()):
        costs = res[f"{kind}.costs"][:shown]
        smooth = np.median(
            np.stack([np.convolve(c, kernel, mode="valid") for c in costs.T]), axis=0
        )
        curve.plot(np.arange(len(smooth)) + SMOOTH - 1, smooth, color=COLOR[kind], label=label)
        first = np.median(costs[0])
        curve.plot([0], [first], "o", color=COLOR[kind], ms=4)
        for ax, key in ((loss, "heldout_loss"), (accuracy, "heldout_accuracy")):
            values = res[f"{kind}.{key}"]
            ax.plot(np.full(len(values), i), values, "o", color=COLOR[kind], ms=4, alpha=0.7)
    curve.axhline(res.values["ln_c"], color="0.5", ls="--", lw=1)
    curve.axhline(res.values["prior_loss"], color="0.3", ls=":", lw=1.2)
    curve.set_yscale("log")
    curve.set_xlabel("training step (dots: the loss before the first step)")
    curve.set_ylabel("training cost")
    curve.legend(fontsize=7)
    for ax, label in ((loss, "held-out loss"), (accuracy, "held-out accuracy")):
        ax.set_xticks(range(len(LAST)))
        ax.set_xticklabels(["N(0, 1)", "He", "zero", "log-freq.\nbias"])
        ax.set_ylabel(label)
        ax.set_xlim(-0.5, len(LAST) - 0.5)
    loss.set_ylim(bottom=0)
    accuracy.set_ylim(0.8, 1.0)
    return fig
