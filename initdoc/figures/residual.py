"""Figures of the residual networks page: the stream's second moment through depth under every
start, and deep residual MLPs trained from each."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.residual import VARIANTS
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

COLOR = {
    "he": plots.COLORS["black"],
    "scaled": plots.COLORS["blue"],
    "fixup": plots.COLORS["green"],
    "rezero": plots.COLORS["sky"],
    "batchnorm": plots.COLORS["orange"],
    "zero_gamma": plots.COLORS["vermillion"],
    "preln": plots.COLORS["purple"],
    "preln_scaled": plots.COLORS["blue"],
}
LINE = {"plain": "-", "batch": "--", "layer": ":"}
SMOOTH = 10  # steps in the running mean of a minibatch cost curve


def _style(variant: str) -> dict:
    return {"color": COLOR[variant], "ls": LINE[VARIANTS[variant][0]], "lw": 1.6}


@figure(
    "residual_signal",
    "residual_signal",
    caption="The second moment of a residual stream after L blocks over its value at the input "
    "(left), and of the gradient at the input over its value at the output (right), for every "
    "start; median of {{ residual_signal.draws }} networks per depth, "
    "{{ residual_signal.width }} units wide, on standard-normal inputs. The bottom row repeats "
    "the top one without the He start, whose scale hides the others. Grey dots: what the "
    "variance argument predicts for each start (the forward panel). Solid lines: branches "
    "without normalization; dashed: batch norm in the branch; dotted: pre-LN branches. "
    "Zero-initialized starts (Fixup, ReZero, zero γ) leave the stream unchanged: their lines lie "
    "flat on top of each other.",
    alt="Four log-log panels against the number of blocks from {{ residual_signal.depth_min }} "
    "to {{ residual_signal.depth_max }}; the bottom two repeat the top two without the black "
    "line. The black line of He branches without normalization climbs steeply in both panels, "
    "by many orders of magnitude, along its predicted dots, which double with every block. In "
    "the forward panels the plain batch-norm and pre-LN He lines rise in proportion to L, to "
    "{{ residual_signal.batchnorm.L200.forward:.0f }} and "
    "{{ residual_signal.preln.L200.forward:.0f }} at {{ residual_signal.depth_max }} blocks; in "
    "the backward panels the batch-norm line climbs faster, to "
    "{{ residual_signal.batchnorm.L200.backward:sci }}. The 1/√L scaled lines stay nearly flat "
    "in both panels, near their predicted dots: about e ({{ residual_signal.e:.2f }}) for plain "
    "branches and {{ residual_signal.preln_scaled.L200.predicted:g }} for pre-LN ones. Fixup, "
    "ReZero and zero γ stay flat at exactly {{ residual_signal.fixup.L200.forward:g }}.",
)
def signal(res):
    fig, axes = plots.new_figure(2, 2, width=10, height=6.6)
    depths = res["depths"]
    for row, shown in enumerate((VARIANTS, [v for v in VARIANTS if v != "he"])):
        forward, backward = axes[row]
        for variant in shown:
            style = _style(variant)
            label = VARIANTS[variant][1] if row == 0 else None
            forward.plot(depths, np.median(res[f"{variant}.forward"], axis=1), label=label, **style)
            backward.plot(depths, np.median(res[f"{variant}.backward"], axis=1), **style)
            forward.plot(depths, res[f"{variant}.predicted"], ".", color="0.55", ms=5, zorder=3)
        for ax in (forward, backward):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xticks(depths)
            ax.set_xticklabels([str(d) for d in depths])
            ax.minorticks_off()
        forward.set_ylabel("E[x_L²] / E[x_0²]")
        backward.set_ylabel("E[g_0²] / E[g_L²]")
    axes[0, 0].set_title("forward: the stream's second moment")
    axes[0, 1].set_title("backward: the gradient's (g = ∂loss/∂x)")
    axes[1, 0].set_title("the same without He, no normalization", fontsize=8.5)
    axes[1, 1].set_title("the same without He, no normalization", fontsize=8.5)
    for ax in axes[1]:
        ax.set_xlabel("residual blocks L")
    fig.legend(loc="outside right center")
    return fig


def _smoothed(costs: np.ndarray) -> np.ndarray:
    """Running mean over SMOOTH steps of each column (NaN stays NaN)."""
    kernel = np.ones(SMOOTH) / SMOOTH
    return np.stack([np.convolve(c, kernel, mode="valid") for c in costs.T], axis=1)


@figure(
    "residual_training",
    "residual_training",
    caption="Training cost of a residual MLP on MNIST digits ({{ residual_training.side }} × "
    "{{ residual_training.side }} pixels, {{ residual_training.blocks }} blocks of two layers, "
    "{{ residual_training.width }} units wide) from every start, with SGD (left) and Adam "
    "(right); running mean over ten minibatches, median over the {{ residual_training.seeds }} "
    "networks of each start that did not diverge. A start whose networks all diverged has no "
    "line; the legend says how many of {{ residual_training.seeds }} diverged. Grey dotted line: "
    "ln {{ residual_training.classes }}, the cost of a uniform guess.",
    alt="Two panels of cost against training step, logarithmic cost axis. With SGD, He branches "
    "without normalization have no line because every network diverged; the other starts fall "
    "from near ln {{ residual_training.classes }} to well below it, with plain batch norm "
    "starting higher, at {{ residual_training.sgd.batchnorm.first:.0f }}. With Adam every "
    "start trains but the He start without normalization, whose cost starts in the thousands "
    "and ends near {{ residual_training.adam.he.final:.1f }}, still above "
    "ln {{ residual_training.classes }}; of the others, plain batch norm ends highest, at "
    "{{ residual_training.adam.batchnorm.final:.2f }}, and batch norm with its last γ zeroed "
    "lowest, at {{ residual_training.adam.zero_gamma.final:.2f }}.",
)
def training(res):
    fig, axes = plots.new_figure(1, 2, width=10.5, height=4.0, sharey=True)
    seeds = res.values["seeds"]
    for ax, (opt, title) in zip(axes[0], (("sgd", "SGD"), ("adam", "Adam"))):
        for variant, (_, label) in VARIANTS.items():
            costs = res[f"{opt}.{variant}.costs"]
            ok = res[f"{opt}.{variant}.diverged_at"] < 0
            lost = int((~ok).sum())
            if lost:
                label = f"{label} ({lost}/{seeds} diverged)"
            if ok.any():
                curve = np.median(_smoothed(costs[:, ok]), axis=1)
                steps = np.arange(len(curve)) + SMOOTH - 1
                ax.plot(steps, curve, label=label, **_style(variant))
            else:
                ax.plot([], [], label=label, **_style(variant))
        ax.axhline(res.values["chance"], color="0.5", ls=":", lw=1)
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_title(f"{title}, learning rate {res.values[f'{opt}_lr']:g}")
        ax.legend(fontsize=7)
    axes[0, 0].set_ylabel("training cost (cross-entropy)")
    return fig
