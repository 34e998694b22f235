"""Figure of the Pennington, Schoenholz & Ganguli (2017) page: the singular values of deep
networks' Jacobians, and the variance of their squares against depth with the prediction."""

from __future__ import annotations

import numpy as np

from initdoc.figures import plots
from initdoc.pipeline.registry import figure

POINTS = {
    "tanh_small": ("tanh, small q*", plots.COLORS["green"]),
    "tanh_large": ("tanh, large q*", plots.COLORS["orange"]),
    "relu": ("relu", plots.COLORS["purple"]),
}
WEIGHTS = {"orthogonal": ("orthogonal", "-", "o"), "gaussian": ("Gaussian", "--", "s")}
HISTOGRAMS = ("tanh_small", "relu")
LOG_LOW, LOG_HIGH = -3, 2  # the histogram's range of log₁₀ σ


@figure(
    "pennington_spectra",
    "pennington",
    caption="Input-output Jacobians J = ∂h<sub>L</sub>/∂h<sub>0</sub> of networks "
    "{{ pennington.width }} units wide on the edge of chaos, {{ pennington.networks }} networks "
    "per setting, each at one input drawn at the fixed point: tanh with q* = "
    "{{ pennington.tanh_small.q_star:.6g }} (small) and q* = "
    "{{ pennington.tanh_large.q_star:.6g }} (large), and relu under He; solid: orthogonal "
    "weights, dashed: Gaussian. Left: the singular values of J after {{ pennington.depth }} "
    "layers, pooled over the networks, on a logarithmic axis (values below its left edge, among "
    "them relu's zero singular values, are piled into the first bar). Right: the variance of the "
    "squared singular values over their squared mean (markers: the mean over the networks) "
    "against depth, and the prediction L (μ₂/μ₁² − 1 − s₁) (lines).",
    alt="Left: histograms of singular values on a logarithmic axis. Tanh with orthogonal weights "
    "and the small q* is a single narrow peak around one, all of it between "
    "{{ pennington.tanh_small_orthogonal.second_smallest_min:.2f }} and "
    "{{ pennington.tanh_small_orthogonal.largest_max:.2f }} apart from one small value per "
    "network near {{ pennington.tanh_small_orthogonal.smallest_max:.2f }}. The three others, tanh "
    "with Gaussian weights and relu with either, are flat and wide, from beyond the left edge, "
    "where most of their values pile up, to about {{ pennington.relu_gaussian.largest_max:.0f }}. "
    "Right: six rising straight lines on logarithmic axes, markers on their predicted lines; "
    "from the top: relu Gaussian, tanh large q* Gaussian, then tanh small q* Gaussian and relu "
    "orthogonal on top of each other, ending near "
    "{{ pennington.relu_orthogonal.spread_last:.0f }}, tanh large q* orthogonal ending near "
    "{{ pennington.tanh_large_orthogonal.spread_last:.0f }}, and far below them tanh small q* "
    "orthogonal, ending at {{ pennington.tanh_small_orthogonal.spread_last:.2f }}.",
)
def spectra(res):
    fig, axes = plots.new_figure(1, 2, width=10, height=3.8)
    hist, growth = axes[0]
    bins = np.linspace(LOG_LOW, LOG_HIGH, 76)
    for point in HISTOGRAMS:
        label, color = POINTS[point]
        for init, (name, style, _) in WEIGHTS.items():
            logs = np.log10(np.maximum(res[f"{point}_{init}.singular_values"], 1e-300))
            hist.hist(
                np.clip(logs, bins[0], bins[-1]),
                bins=bins,
                histtype="step",
                color=color,
                ls=style,
                lw=1.5,
                density=True,
                label=f"{label}, {name}",
            )
    hist.set_xticks(range(LOG_LOW, LOG_HIGH + 1))
    ticks = [f"$10^{{{k}}}$" for k in range(LOG_LOW, LOG_HIGH + 1)]
    hist.set_xticklabels(["≤ " + ticks[0], *ticks[1:]])
    hist.set_xlabel(f"singular value of J after {res.values['depth']} layers")
    hist.set_ylabel("density (per unit of log₁₀)")
    hist.set_yscale("log")
    hist.legend(fontsize=7.5, loc="upper right")
    depths = res["depths"]
    for point, (label, color) in POINTS.items():
        for init, (name, style, marker) in WEIGHTS.items():
            case = f"{point}_{init}"
            predicted = depths * res.values[f"{case}.per_layer"]
            growth.plot(depths, predicted, style, color=color, lw=1)
            filled = color if init == "orthogonal" else "white"
            growth.plot(
                depths,
                res[f"{case}.spread"],
                marker,
                color=color,
                ms=5,
                mfc=filled,
                label=f"{label}, {name}",
            )
    growth.set_yscale("log")
    plots.log2_x(growth, depths)
    growth.set_xlabel("depth L (layers)")
    growth.set_ylabel("Var(λ) / mean(λ)², λ: eigenvalues of JJᵀ")
    growth.text(
        0.98,
        0.04,
        "lines: prediction",
        transform=growth.transAxes,
        ha="right",
        fontsize=7.5,
        color="0.3",
    )
    growth.legend(fontsize=7, loc="upper left", ncol=2)
    return fig
