"""Figures of the vanishing and exploding through depth page."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.depth import SCALES
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

SCALE_COLORS = {
    0.5: plots.COLORS["blue"],
    1.0: plots.COLORS["green"],
    1.5: plots.COLORS["vermillion"],
}
OUTCOME_MARKERS = {
    "minimum": "o",
    "above minimum": "s",
    "trapped": "D",
    "oscillating": "^",
    "diverged": "x",
}


@figure(
    "depth_signals",
    "depth_linear",
    caption="The 9-layer linear network with every W = s·I. Dots: measured on a batch; dashed lines: the "
    "closed forms s<sup>l</sup> forward and s<sup>L−l</sup> backward. The gradient of every weight "
    "matrix is the same size in every layer.",
    alt="Three panels with a logarithmic vertical axis against layer l from 0 to 9, one line per scale s = "
    "0.5, 1 and 1.5. Left: the size of the activations grows as 1.5 to the l, stays at 1, or shrinks as "
    "0.5 to the l, dots on the dashed predictions. Middle: the backpropagated gradient grows from the "
    "output towards the input for s = 1.5 and shrinks for s = 0.5. Right: the weight gradients are flat "
    "across layers, about 1000 times larger for s = 1.5 and 100 times smaller for s = 0.5 than for s = 1.",
)
def signals(res):
    layers = res["layers"]
    fig, axes = plots.new_figure(1, 3, width=9.5, height=3.2)
    for s in SCALES:
        key, color = f"s{s:g}", SCALE_COLORS[s]
        label = f"W = {s:g}·I"
        axes[0, 0].plot(layers, res[f"{key}.forward_predicted"], "--", color=color, lw=1)
        axes[0, 0].plot(layers, res[f"{key}.forward"], "o", color=color, ms=4, label=label)
        axes[0, 1].plot(layers, res[f"{key}.backward_predicted"], "--", color=color, lw=1)
        axes[0, 1].plot(layers, res[f"{key}.backward"], "o", color=color, ms=4, label=label)
        axes[0, 2].plot(layers[1:], res[f"{key}.dW"], "o-", color=color, ms=4, lw=1, label=label)
    axes[0, 0].set_ylabel("rms($a^{[l]}$) / rms($x$)")
    axes[0, 0].set_title("forward: activations")
    axes[0, 1].set_ylabel("rms(∂L/∂$a^{[l]}$) / rms(∂L/∂$a^{[L]}$)")
    axes[0, 1].set_title("backward: gradient w.r.t. activations")
    axes[0, 2].set_ylabel("‖∂L/∂$W^{[l]}$‖ (Frobenius)")
    axes[0, 2].set_title("weight gradients")
    for ax in axes.flat:
        ax.set_yscale("log")
        ax.set_xlabel("layer $l$")
        ax.set_xticks(layers)
    axes[0, 0].legend(loc="upper left")
    return fig


@figure(
    "depth_random",
    "depth_random",
    caption="Products of random 64×64 matrices, 150 draws per case. Left: the factor by which a vector's "
    "length changes after l layers, divided by the closed form s<sup>l</sup> (line: geometric mean "
    "over draws; dashed: its prediction; band: 10th to 90th percentile of the draws with std 1/√n). Right: the spread of that factor across draws, as the standard deviation of its "
    "logarithm, against the prediction √(l·ψ′(n/2))/2.",
    alt="Left: logarithmic plot of the length factor divided by s to the l against layer l up to 50, for "
    "Gaussian weights with std 0.5, 1 and 1.5 over the square root of the width and for orthogonal "
    "weights. The three Gaussian cases overlap: their geometric mean drifts slowly below 1 along the dashed "
    "prediction, and the band between the 10th and 90th percentiles widens with depth to about a factor of two either way; the "
    "orthogonal case is a flat line at 1 with no band. Right: the standard deviation of the log factor "
    "grows like the square root of l and matches the dashed prediction; for orthogonal weights it is zero.",
)
def random_products(res):
    layers = res["layers"]
    width = res.values["width"]
    fig, axes = plots.new_figure(1, 2, width=9.5, height=4.2)
    left, right = axes[0, 0], axes[0, 1]
    cases = [
        ("0.5", plots.COLORS["blue"]),
        ("1", plots.COLORS["green"]),
        ("1.5", plots.COLORS["vermillion"]),
        ("orthogonal", plots.COLORS["black"]),
    ]
    for case, color in cases:
        gain = 1.0 if case == "orthogonal" else float(case)
        log_f = res[f"{case}.log_forward"] - layers * np.log(
            gain
        )  # relative to the closed form s^l
        label = "orthogonal" if case == "orthogonal" else f"N(0, ({case}/√{width})²)"
        if case == "1":
            left.fill_between(
                layers,
                np.exp(np.percentile(log_f, 10, axis=0)),
                np.exp(np.percentile(log_f, 90, axis=0)),
                color=color,
                alpha=0.2,
                lw=0,
                label=f"10th–90th percentile, std 1/√{width}",
            )
        left.plot(layers, np.exp(log_f.mean(axis=0)), color=color, lw=1.5, label=label)
        right.plot(layers, log_f.std(axis=0), color=color, lw=1.5, label=f"{label}, forward")
        right.plot(layers, res[f"{case}.log_backward"].std(axis=0), ":", color=color, lw=1.5)
    left.plot(layers, res["geo_mean_predicted"], "k--", lw=1, label="predicted geometric mean")
    left.set_yscale("log")
    left.set_ylabel("‖$a^{[l]}$‖ / (‖$x$‖ · $s^l$)")
    left.set_title("signal length relative to the closed form $s^l$")
    right.plot(layers, res["log_std_predicted"], "k--", lw=1, label="predicted √(l·ψ′(n/2))/2")
    right.plot([], [], "k:", lw=1.5, label="backward (dotted)")
    right.set_ylabel("std of log(‖$a^{[l]}$‖ / ‖$x$‖) across draws")
    right.set_title("how much one draw differs from another")
    for ax in axes.flat:
        ax.set_xlabel("layer $l$")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7.5)
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7.5)
    return fig


@figure(
    "depth_training",
    "depth_linear",
    caption="Training the 9-layer linear network by gradient descent with one learning rate for all three "
    "starts: the cost above its least-squares minimum. Dotted line: the excess cost of the best "
    "rank-one map, where gradient descent pauses on its way down. Excess costs below 10<sup>−6</sup> "
    "(rounding error at the minimum) are drawn at 10<sup>−6</sup>; costs beyond the top are clipped.",
    alt="Excess cost on a logarithmic axis against training step. The W = I start falls to the minimum "
    "within a hundred steps. The W = 0.5·I start stays flat for hundreds of steps, drops to a second "
    "plateau at the dotted rank-one level, stays there for about two thousand steps, then falls to the "
    "minimum. The W = 1.5·I start ends with a cross after three steps: it diverged.",
)
def training(res):
    fig, axes = plots.new_figure(1, 1, width=7.5, height=3.3)
    ax = axes[0, 0]
    floor, ceiling = 1e-6, 1e5
    for s in SCALES:
        excess, color = res[f"s{s:g}.excess"], SCALE_COLORS[s]
        finite = np.isfinite(excess)
        ax.plot(
            np.flatnonzero(finite),
            np.clip(excess[finite], floor, ceiling),
            color=color,
            lw=1.4,
            label=f"W = {s:g}·I",
        )
        if not finite.all():
            stop = int(np.argmin(finite))
            ax.plot([stop], [ceiling], "x", color=color, ms=7, mew=2)
            ax.annotate(
                f"diverged at step {stop}",
                (stop, ceiling),
                textcoords="offset points",
                xytext=(6, -4),
                fontsize=7.5,
                color=color,
                va="top",
            )
    ax.set_yscale("log")
    ax.set_ylim(floor / 2, ceiling * 3)
    ax.set_xlabel("training step")
    ax.axhline(res.values["rank_one_excess"], color="k", ls=":", lw=0.9)
    ax.annotate(
        "best rank-one map",
        (res.values["steps"], res.values["rank_one_excess"]),
        ha="right",
        textcoords="offset points",
        xytext=(0, -4),
        va="top",
        fontsize=7.5,
    )
    ax.set_ylabel("cost − minimum cost")
    ax.set_title(f"learning rate {res.values['lr']:g}, full batch of {res.values['m']} points")
    ax.legend(loc="upper right")
    return fig


@figure(
    "depth_lr_sweep",
    "depth_lr_sweep",
    caption="Every start at every learning rate. Left: how far above the minimum the cost ends after the "
    "run, the marker saying how the run ended; dashed: the curvature limit 2/λ<sub>max</sub> at the "
    "minimum (below 10<sup>−8</sup>, rounding error, drawn at 10<sup>−8</sup>). Right: the steps of the W = 1.5·I start at each learning rate that does not "
    "diverge.",
    alt="Left: final excess cost, log scale, against learning rate from 0.0001 to 0.1, one line per start. "
    "W = I reaches the minimum from 0.0003 to 0.03; W = 0.5·I only at 0.03; W = 1.5·I diverges from 0.01 "
    "up and ends far above the minimum at 0.001 and 0.003; at 0.1, beyond the dashed limit, both other "
    "starts oscillate. Right: cost curves of the 1.5·I start: the first step drops the cost by up to three "
    "orders of magnitude, then the cost keeps falling, stalls, or is trapped, without oscillating.",
)
def lr_sweep(res):
    lrs = res["lrs"]
    fig, axes = plots.new_figure(1, 2, width=9.5, height=3.6)
    left, right = axes[0, 0], axes[0, 1]
    floor, top = 1e-8, 10.0
    for s in SCALES:
        key, color = f"s{s:g}", SCALE_COLORS[s]
        outcomes = res[f"{key}.outcome"]
        finals = np.where(
            outcomes == "diverged", top, np.maximum(res[f"{key}.final_excess"], floor)
        )
        left.plot(lrs, finals, "-", color=color, lw=1, label=f"W = {s:g}·I")
        for lr, value, outcome in zip(lrs, finals, outcomes):
            left.plot(
                [lr],
                [value],
                OUTCOME_MARKERS[str(outcome)],
                color=color,
                ms=6,
                mfc="white" if outcome != "diverged" else color,
                mew=1.5,
            )
    for outcome, marker in OUTCOME_MARKERS.items():
        left.plot([], [], marker, color="k", mfc="white", ls="none", label=outcome)
    left.axvline(res.values["lr_limit_at_minimum"], color="k", ls="--", lw=0.8)
    left.axhline(res.values["tolerance"] * res.values["min_cost"], color="grey", ls=":", lw=0.8)
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("learning rate")
    left.set_ylabel(f"cost − minimum after {res.values['steps']} steps")
    left.set_title("where each run ends (diverged: drawn at the top)")
    left.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5)
    shown = [lr for lr in lrs if res.values[f"s1.5.lr{lr:g}.outcome"] != "diverged"]
    for lr, color in zip(shown, plots.CYCLE):
        plots.cost_curve(
            right, res[f"s1.5.lr{lr:g}.costs"] - res.values["min_cost"], f"lr {lr:g}", color=color
        )
    right.set_xscale("symlog", linthresh=10)
    right.set_ylabel("cost − minimum cost")
    right.set_title("the W = 1.5·I start")
    right.legend(loc="lower left")
    return fig
