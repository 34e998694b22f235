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
    ax.set_xscale("log", base=2)
    ticks = [g for g in gains if np.log2(g) == round(np.log2(g))]  # the powers of 2
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{g:g}" for g in ticks])
    ax.minorticks_off()
    ax.set_xlabel("weight scale: gain × He")


@figure(
    "normalization_signal",
    "normalization",
    caption="A 20-layer relu MLP, 64 units wide, with every hidden weight matrix drawn from He's "
    "normal and multiplied by a gain (1: He), without normalization and with batch or layer "
    "normalization between each linear layer and its relu; median of five networks per gain. "
    "Left: E[a²] of the last hidden layer over the first's. Middle: E[δ²] of the first hidden "
    "layer over the last's (δ: the gradient of the loss with respect to a layer's output). "
    "Right: the size of the first layer's weight gradient.",
    alt="Three panels against the gain from 1/4 to 4 on a logarithmic axis. Left: without "
    "normalization the forward ratio runs from about 10 to the minus 23 at gain 1/4 through "
    "about 1 at gain 1 to about 10 to the 22 at gain 4; with batch or layer norm it is 1 at "
    "every gain. Middle: the backward ratio of the plain network does the same; with batch norm "
    "it is a few hundred at every gain, with layer norm just under 1. Right: the weight "
    "gradient of the normalized networks falls in a straight line, halving each time the gain "
    "doubles; the plain network's climbs steeply.",
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
    caption="The same networks, 10 hidden layers of 32 units, trained on 2000 MNIST digits for "
    "200 steps from each gain, with SGD (left) and Adam (right). Final training cost: the mean "
    "of the last 20 steps; dots: the five networks of each gain; line: their median. Triangles "
    "at the top: networks that diverged. Grey dotted line: ln 10, a uniform guess.",
    alt="Two panels of final training cost against the gain from 1/4 to 4. Without "
    "normalization only gains near 1 train: small gains stay at ln 10 with SGD, large gains "
    "diverge with SGD and end far above ln 10 with Adam. With batch or layer norm every gain "
    "trains, and the final cost still changes with the gain: with Adam it rises steadily as the "
    "gain grows; with SGD layer norm at the smallest gain stays near ln 10.",
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
