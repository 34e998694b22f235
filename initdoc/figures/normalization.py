"""Figures of the normalization page: the weight-scale sweep with and without batch or layer
normalization, at the start and after training."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.normalization import LABELS
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

COLOR = {
    "none": plots.COLORS["black"],
    "batch": plots.COLORS["orange"],
    "layer": plots.COLORS["blue"],
}
MARK = {"none": "o", "batch": "s", "layer": "^"}


def _log_x(ax, gains):
    plots.log2_x(ax, [g for g in gains if np.log2(g) == round(np.log2(g))])  # the powers of 2
    ax.set_xlabel("weight scale: gain × He")


@figure(
    "normalization_signal",
    "normalization",
    caption="A {{ normalization.depth }}-layer relu MLP, {{ normalization.width }} units wide, "
    "with every hidden weight matrix drawn from He's normal and multiplied by a gain (He at a "
    "gain of one), without normalization and with batch or layer normalization between each "
    "linear layer and its relu; median of {{ normalization.draws }} networks per gain. Left: "
    "E[a²] of the last hidden layer over the first's. Middle: E[δ²] of the first hidden layer "
    "over the last's (δ: the gradient of the loss with respect to a layer's output). Right: the "
    "size of the first layer's weight gradient.",
    alt="Three panels against the gain from {{ normalization.gain_min:g }} to "
    "{{ normalization.gain_max:g }} on a logarithmic axis. Left: without normalization the "
    "forward ratio runs from {{ normalization.none.g0.25.forward:sci }} at the smallest gain "
    "through {{ normalization.none.g1.forward:.2f }} at He's gain to "
    "{{ normalization.none.g4.forward:sci }} at the largest; with batch or layer norm the last "
    "layer's second moment stays about equal to the first's at every gain. Middle: the backward "
    "ratio of the plain network does the same, from {{ normalization.none.g0.25.backward:sci }} "
    "to {{ normalization.none.g4.backward:sci }}; with batch norm it is a few hundred at every "
    "gain ({{ normalization.batch.g1.backward:.0f }} at He's gain); with layer norm the "
    "gradient at the first layer stays smaller than at the last, a ratio of "
    "{{ normalization.layer.g0.25.backward:.2f }}, {{ normalization.layer.g1.backward:.2f }} "
    "and {{ normalization.layer.g4.backward:.2f }} at the smallest gain, He's and the largest. "
    "Right: the weight gradient of the normalized networks falls in a straight line, halving "
    "each time the gain doubles; the plain network's climbs steeply.",
)
def signal(res):
    fig, axes = plots.new_figure(1, 3, width=11, height=3.6)
    gains = res["gains"]
    titles = ("forward: E[a²], last / first", "backward: E[δ²], first / last", "")
    for ax, name, title in zip(axes[0], ("forward", "backward", "weight_grad"), titles):
        for kind, label in LABELS.items():
            values = np.median(res[f"{kind}.{name}"], axis=1)
            ax.plot(gains, values, MARK[kind] + "-", color=COLOR[kind], label=label, ms=4)
        ax.set_yscale("log")
        _log_x(ax, gains)
        ax.set_title(title)
    axes[0, 0].set_ylabel("ratio of second moments")
    axes[0, 1].set_ylabel("ratio of second moments")
    axes[0, 2].set_ylabel("‖∂loss/∂W‖ of the first layer")
    axes[0, 2].set_title("the first layer's weight gradient")
    axes[0, 0].legend()
    return fig


@figure(
    "normalization_training",
    "normalization",
    caption="The same networks, {{ normalization.train_depth }} hidden layers of "
    "{{ normalization.train_width }} units, trained on {{ normalization.n_train }} MNIST digits "
    "for {{ normalization.steps }} steps from each gain, with SGD (left) and Adam (right). Final "
    "training cost: the mean of the last {{ normalization.tail }} steps; dots: the "
    "{{ normalization.seeds }} networks of each gain; line: their median. Triangles at the top: "
    "networks that diverged. Grey dotted line: ln {{ normalization.classes }}, a uniform guess.",
    alt="Two panels of final training cost against the gain from "
    "{{ normalization.train_gain_min:g }} to {{ normalization.train_gain_max:g }}. Without "
    "normalization only gains near He's train: small gains stay at "
    "ln {{ normalization.classes }} with SGD, large gains diverge with SGD and end far above "
    "ln {{ normalization.classes }} with Adam. With batch or layer norm almost every gain "
    "trains, and the final cost still changes with the gain: with Adam it rises steadily as the "
    "gain grows; with SGD the exception is layer norm at the smallest gain, which stays near "
    "ln {{ normalization.classes }}.",
)
def training(res):
    fig, axes = plots.new_figure(1, 2, width=10, height=3.8, sharey=True)
    gains = res["train_gains"]
    for ax, (opt, title) in zip(axes[0], (("sgd", "SGD"), ("adam", "Adam"))):
        top = 30.0
        for kind, label in LABELS.items():
            final = res[f"{opt}.{kind}.final"]  # gains × seeds, NaN: diverged
            color = COLOR[kind]
            for g, row in zip(gains, final):
                ok = np.isfinite(row)
                ax.plot(np.full(ok.sum(), g), np.minimum(row[ok], top), ".", color=color, ms=3)
                if (~ok).any():
                    ax.plot([g], [top], "^", color=color, ms=7)
            with np.errstate(all="ignore"):
                median = np.array(
                    [
                        np.median(r[np.isfinite(r)]) if np.isfinite(r).any() else np.nan
                        for r in final
                    ]
                )
            ax.plot(gains, np.minimum(median, top), MARK[kind] + "-", color=color, label=label)
        ax.axhline(res.values["chance"], color="0.5", ls=":", lw=1)
        ax.set_yscale("log")
        ax.set_ylim(0.1, top * 1.5)
        _log_x(ax, gains)
        lr = res.values[f"{opt}_lr"]
        ax.set_title(f"{title}, learning rate {lr:g} (▲ diverged; values cut at {top:g})")
    axes[0, 0].set_ylabel("final training cost")
    axes[0, 0].legend(loc="lower left")
    return fig
