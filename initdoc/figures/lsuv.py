"""Figures of the Mishkin & Matas (2016) LSUV page: per-layer variance at the start, and training."""

from __future__ import annotations

from initdoc.experiments.lsuv import LABELS, STARTS
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
    caption="Variance of each layer's pre-activation z<sup>[l]</sup> on the training batch, before any "
    "training, for a 20-layer relu and a 20-layer tanh network. LSUV puts every layer at 1; Xavier "
    "and plain orthogonal weights let the relu signal die away by orders of magnitude.",
    alt="Two panels, relu and tanh, variance of z on a logarithmic axis against layer 1 to 21. LSUV is a flat "
    "line at 1 in both. In the relu panel Xavier and orthogonal fall steadily to about one in a hundred "
    "million by the last layers while He wanders between 1 and about 30. In the tanh panel Xavier and "
    "orthogonal sit between 0.01 and 0.1 and He between 0.4 and 2.",
)
def variance(res):
    layers = res["layers"]
    fig, axes = plots.new_figure(1, 2, width=9, height=3.2, sharey=True)
    for ax, hidden in zip(axes[0], ("relu", "tanh")):
        for name in STARTS:
            ax.semilogy(
                layers,
                res[f"{hidden}.{name}.variance"],
                "o-",
                ms=3,
                lw=1.2,
                color=START_COLORS[name],
                label=LABELS[name],
            )
        ax.axhline(1, color="0.5", lw=0.8, ls=":")
        ax.set_title(f"{hidden} hidden layers")
        ax.set_xlabel("layer l (the last is the sigmoid output)")
    axes[0, 0].set_ylabel("Var($z^{[l]}$) on the batch")
    axes[0, 1].legend(loc="lower left")
    return fig


@figure(
    "lsuv_training",
    "lsuv",
    caption="Training cost of the same networks on the spiral set (momentum SGD, the same learning rate for "
    "every start). The dashed line is the cost level whose crossing the page counts.",
    alt="Two panels, relu and tanh, cost on a logarithmic axis against training step. In the relu panel the "
    "orthogonal network stays flat at about 0.69 and Xavier falls slowly, while He and LSUV fall by two "
    "to three orders of magnitude. In the tanh panel Xavier stays flat near 0.69 while He, orthogonal and "
    "LSUV all fall far below it.",
)
def training(res):
    fig, axes = plots.new_figure(1, 2, width=9, height=3.2, sharey=True)
    for ax, hidden in zip(axes[0], ("relu", "tanh")):
        for name in STARTS:
            plots.cost_curve(
                ax, res[f"{hidden}.{name}.costs"], LABELS[name], color=START_COLORS[name]
            )
        ax.axhline(res.values["cost_level"], color="0.4", ls="--", lw=0.8)
        ax.set_title(f"{hidden} hidden layers")
    axes[0, 1].set_ylabel("")
    axes[0, 1].legend(loc="lower left")
    return fig
