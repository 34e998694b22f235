"""Figures of the Saxe, McClelland & Ganguli (2014) page: learning time against depth, and the
spectra of products of random matrices."""

from __future__ import annotations

import numpy as np

from initdoc.figures import plots
from initdoc.pipeline.registry import figure

INIT_STYLE = {
    "gaussian": (plots.COLORS["blue"], "scaled Gaussian N(0, 1/n)"),
    "orthogonal": (plots.COLORS["vermillion"], "random orthogonal"),
}


@figure(
    "saxe_learning_time",
    "saxe",
    caption="Epochs of full-batch gradient descent until the training loss of a deep linear "
    "network falls to {{ saxe.threshold:.0% }} of the loss of the zero map, with the "
    "learning rate chosen per depth and task as the fastest of a grid. Each task is a "
    "random rank-{{ saxe.n_out }} map from {{ saxe.n_in }} inputs to {{ saxe.n_out }} "
    "outputs, learned from both starts. Dots: one per task; line: their median; triangles "
    "at the top: no rate reached the threshold within the budget. The shaded band is the "
    "deeper half of the depths. N<sub>l</sub> counts layers including input and output, as "
    "in the paper.",
    alt="Epochs against number of layers N_l from {{ saxe.n_layers_min }} to "
    "{{ saxe.n_layers_max }}, both axes logarithmic. Blue scaled Gaussian dots climb "
    "steeply, from a median of {{ saxe.gaussian.shallow:.0f }} epochs at "
    "{{ saxe.n_layers_min }} layers to {{ saxe.gaussian.deep:.0f }} at "
    "{{ saxe.n_layers_max }} layers. Red orthogonal dots rise from "
    "{{ saxe.orthogonal.shallow:.0f }} epochs at {{ saxe.n_layers_min }} layers and then "
    "stay nearly level through the shaded deeper half, ending at "
    "{{ saxe.orthogonal.deep:.0f }}.",
)
def learning_time(res):
    N = res["n_layers"]
    budget = res.values["max_epochs"]
    fig, axes = plots.new_figure(1, 1, width=6.5, height=3.4)
    ax = axes[0, 0]
    ax.axvspan(res.values["deep_from"] * 0.93, N[-1] * 1.07, color="0.92", lw=0)
    ax.text(res.values["deep_from"], budget * 0.55, "deeper half", fontsize=7.5, color="0.3")
    for init, (color, label) in INIT_STYLE.items():
        epochs = res[f"{init}.epochs"].astype(float)
        for row in epochs:
            ok = row >= 0
            ax.plot(N[ok], row[ok], "o", color=color, ms=3.5, alpha=0.6)
            ax.plot(N[~ok], np.full((~ok).sum(), budget), "^", color=color, ms=6)
        median = np.median(np.where(epochs >= 0, epochs, np.inf), axis=0)
        finite = np.isfinite(median)
        ax.plot(N[finite], median[finite], "-", color=color, lw=1.6, label=label)
    ax.axhline(budget, color="0.5", ls=":", lw=0.8)
    ax.annotate(
        f"budget: {budget} epochs (▲ not reached)",
        (N[0], budget),
        textcoords="offset points",
        xytext=(0, -12),
        fontsize=7.5,
        color="0.3",
    )
    ax.set_yscale("log")
    ax.set_xscale("log")
    ax.set_xticks(N)
    ax.set_xticklabels([str(n) for n in N])
    ax.minorticks_off()
    ax.set_xlabel("number of layers N$_l$ (N$_l$ − 1 weight matrices)")
    ax.set_ylabel("epochs to reach the loss threshold")
    ax.legend(loc="lower right")
    return fig


@figure(
    "saxe_singular_values",
    "saxe",
    caption="Singular values of the product of L independent random n × n matrices (n = "
    "{{ saxe.spectrum_n }}, {{ saxe.realizations }} draws pooled; values at the limit of "
    "double precision and below are piled into the first bar). Scaled Gaussian factors "
    "(blue): the spread widens with depth, most singular values collapse towards zero while "
    "a few grow large. Orthogonal factors (red line): every singular value is exactly one, "
    "at every depth.",
    alt="Histograms for products of one to {{ saxe.spectrum_depth_max }} matrices, with a "
    "logarithmic horizontal axis of singular value. For one Gaussian matrix the values "
    "spread from near zero to {{ saxe.gaussian.L1.max:.1f }}; with more factors the "
    "histogram moves left over many orders of magnitude while its right edge moves out to "
    "{{ saxe.gaussian.L64.max:.0f }}. A red vertical line at one marks the orthogonal "
    "products in every panel.",
)
def singular_values(res):
    depths = res["spectrum_depths"]
    fig, axes = plots.new_figure(1, len(depths), width=10, height=2.8, sharey=True)
    bins = np.logspace(-14, 2, 65)
    for ax, L in zip(axes[0], depths):
        s = res[f"gaussian.L{L}.singular_values"]
        ax.hist(
            np.clip(s, bins[0], None),
            bins=bins,
            color=INIT_STYLE["gaussian"][0],
            alpha=0.8,
            weights=np.full(len(s), 1 / len(s)),
            label="Gaussian",
        )
        ax.axvline(1, color=INIT_STYLE["orthogonal"][0], lw=1.6, label="orthogonal (all at 1)")
        ax.set_xscale("log")
        ax.set_xticks([1e-12, 1e-8, 1e-4, 1])
        ax.set_title(f"product of L = {L}")
        ax.set_xlabel("singular value")
    axes[0, 0].set_ylabel("fraction of singular values")
    axes[0, 0].legend(loc="upper left", fontsize=7)
    return fig
