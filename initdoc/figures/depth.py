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
    caption="The {{ depth_linear.depth }}-layer linear network with every W = s·I. Dots: "
    "measured on a batch; dashed lines: the closed forms s<sup>l</sup> forward and "
    "s<sup>L−l</sup> backward. The gradient of every weight matrix is the same size in "
    "every layer.",
    alt="Three panels with a logarithmic vertical axis against layer l from the input to "
    "layer {{ depth_linear.depth }}, one line per scale s = "
    "{{ depth_linear.scale_small:g }}, the identity and {{ depth_linear.scale_large:g }}. "
    "Left: the size of the activations grows as {{ depth_linear.scale_large:g }} to the l, "
    "stays level, or shrinks as {{ depth_linear.scale_small:g }} to the l, dots on the "
    "dashed predictions. Middle: the backpropagated gradient grows from the output towards "
    "the input for s = {{ depth_linear.scale_large:g }} and shrinks for s = "
    "{{ depth_linear.scale_small:g }}. Right: the weight gradients are flat across layers, "
    "{{ depth_linear.dW_ratio_1.5_to_1:.0f }} times larger for s = "
    "{{ depth_linear.scale_large:g }} and {{ depth_linear.dW_ratio_1_to_0.5:.0f }} times "
    "smaller for s = {{ depth_linear.scale_small:g }} than for the identity.",
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
    caption="Products of random {{ depth_random.width }}×{{ depth_random.width }} matrices, "
    "{{ depth_random.draws }} draws per case. Left: the factor by which a vector's length "
    "changes after l layers, divided by the closed form s<sup>l</sup> (line: geometric mean "
    "over draws; dashed: its prediction; band: {{ depth_random.low_percentile }}th to "
    "{{ depth_random.high_percentile }}th percentile of the draws with std 1/√n). Right: "
    "the spread of that factor across draws, as the standard deviation of its logarithm, "
    "against the prediction √(l·ψ′(n/2))/2.",
    alt="Left: logarithmic plot of the length factor divided by s to the l against layer l "
    "up to {{ depth_random.depth }}, for Gaussian weights with std 1/√n and "
    "{{ depth_random.gain_small:g }} and {{ depth_random.gain_large:g }} times that, and "
    "for orthogonal weights. The three Gaussian cases overlap: their geometric mean drifts "
    "slowly below the closed form along the dashed prediction, and the band between the "
    "{{ depth_random.low_percentile }}th and {{ depth_random.high_percentile }}th "
    "percentiles widens with depth, to between {{ depth_random.1.l50.p10:.2f }} and "
    "{{ depth_random.1.l50.p90:.2f }} times the closed form at the last layer; the "
    "orthogonal case is a flat line on the closed form with no band. Right: the standard "
    "deviation of the log factor grows like the square root of l and matches the dashed "
    "prediction; for orthogonal weights it is zero.",
)
def random_products(res):
    layers = res["layers"]
    width = res.values["width"]
    low, high = res.values["low_percentile"], res.values["high_percentile"]
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
                np.exp(np.percentile(log_f, low, axis=0)),
                np.exp(np.percentile(log_f, high, axis=0)),
                color=color,
                alpha=0.2,
                lw=0,
                label=f"{low}th–{high}th percentile, std 1/√{width}",
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
    caption="Training the {{ depth_linear.depth }}-layer linear network by gradient descent "
    "with one learning rate for all three starts: the cost above its least-squares minimum. "
    "Dotted line: the excess cost of the best rank-one map, where gradient descent pauses "
    "on its way down. Excess costs at the level of rounding error are drawn at the bottom "
    "of the axis; costs beyond the top are clipped.",
    alt="Excess cost on a logarithmic axis against training step. The W = I start falls to "
    "the minimum within {{ depth_linear.s1.steps_to_min }} steps. The W = "
    "{{ depth_linear.scale_small:g }}·I start stays flat for "
    "{{ depth_linear.s0.5.steps_to_leave_start }} steps, drops to a second plateau at the "
    "dotted rank-one level, stays there for {{ depth_linear.s0.5.steps_on_second_plateau }} "
    "steps, then falls to the minimum. The W = {{ depth_linear.scale_large:g }}·I start "
    "ends with a cross after {{ depth_linear.s1.5.diverged_at }} steps: it diverged.",
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
    caption="Every start at every learning rate. Left: how far above the minimum the cost "
    "ends after the run, the marker saying how the run ended; dashed: the curvature limit "
    "2/λ<sub>max</sub> at the minimum (an excess at the level of rounding error is drawn at "
    "the bottom of the axis). Right: the steps of the W = "
    "{{ depth_lr_sweep.scale_large:g }}·I start at each learning rate that does not "
    "diverge.",
    alt="Left: final excess cost, log scale, against learning rate from "
    "{{ depth_lr_sweep.lr_min:g }} to {{ depth_lr_sweep.lr_max:g }}, one line per start. W "
    "= I reaches the minimum from {{ depth_lr_sweep.s1.min_lr_low:g }} to "
    "{{ depth_lr_sweep.s1.min_lr_high:g }}; W = {{ depth_lr_sweep.scale_small:g }}·I only "
    "at {{ depth_lr_sweep.s0.5.min_lr_low:g }}; W = {{ depth_lr_sweep.scale_large:g }}·I "
    "diverges from {{ depth_lr_sweep.s1.5.diverged_lr_low:g }} up and never reaches it; at "
    "{{ depth_lr_sweep.lr_max:g }}, beyond the dashed limit, the outcome is "
    "{{ depth_lr_sweep.s1.lr0.1.outcome }} for W = I and "
    "{{ depth_lr_sweep.s0.5.lr0.1.outcome }} for W = {{ depth_lr_sweep.scale_small:g }}·I. "
    "Right: cost curves of the {{ depth_lr_sweep.scale_large:g }}·I start: the first step "
    "divides the cost by up to {{ depth_lr_sweep.s1.5.first_step_drop:.0f }}, then the cost "
    "keeps falling, stalls, or is trapped, without oscillating.",
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
