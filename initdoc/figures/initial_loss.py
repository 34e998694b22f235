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
    caption="The expected cross-entropy of a {{ initial_loss.classes }}-class softmax before "
    "training, when its logits are independent draws from N(0, s²) and the label is unrelated "
    "to them (Monte Carlo, {{ initial_loss.rows:, }} rows per s). Dashed: "
    "ln {{ initial_loss.classes }}, the loss of a uniform guess; dotted: the small-s expansion "
    "ln C + (1 − 1/C) s²/2.",
    alt="Expected initial loss against the logit standard deviation s from "
    "{{ initial_loss.scale_min:g }} to {{ initial_loss.scale_max:g }} on logarithmic axes. The "
    "curve is flat at ln {{ initial_loss.classes }}, about {{ initial_loss.ln_c:.1f }}, while s "
    "is small, then rises, and for large s grows in proportion to s, to "
    "{{ initial_loss.expected.last:.0f }} at s = {{ initial_loss.scale_max:g }}. The dotted "
    "expansion follows it for small s and then overshoots.",
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
    caption="A relu MLP ({{ initial_loss.n_hidden }} hidden layers of "
    "{{ initial_loss.hidden_width }} units, He) on MNIST digits at {{ initial_loss.side }} × "
    "{{ initial_loss.side }} pixels with imbalanced classes, trained by SGD from four output "
    "layers, {{ initial_loss.seeds }} networks each. Left: training cost over the first hundred "
    "steps (running mean over five minibatches, median over networks); dashed: "
    "ln {{ initial_loss.classes }}; dotted: the entropy of the class frequencies, the best a "
    "constant prediction can do. Right: loss and accuracy on held-out digits after training, "
    "one dot per network.",
    alt="Left: cost against step, logarithmic. The N(0, 1) output layer starts at "
    "{{ initial_loss.normal.first:.0f }}, drops below the others within about twenty steps and "
    "keeps falling, far below them; the He output layer starts a little above "
    "ln {{ initial_loss.classes }}, at {{ initial_loss.he.first:.1f }}, and ends below the last "
    "two; the zero layer starts at ln {{ initial_loss.classes }} and the log-frequency bias "
    "below it, at the dotted entropy line ({{ initial_loss.prior_loss:.1f }}), and these two "
    "then fall together. Right: the median held-out loss is "
    "{{ initial_loss.normal.heldout_loss:.2f }} after the N(0, 1) start and "
    "{{ initial_loss.he.heldout_loss:.2f }}, {{ initial_loss.zero.heldout_loss:.2f }} and "
    "{{ initial_loss.prior.heldout_loss:.2f }} after the other three; the median held-out "
    "accuracy is {{ initial_loss.normal.heldout_accuracy:.2f }} after N(0, 1), the lowest, and "
    "{{ initial_loss.he.heldout_accuracy:.2f }}, {{ initial_loss.zero.heldout_accuracy:.2f }} "
    "and {{ initial_loss.prior.heldout_accuracy:.2f }} after the others.",
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
