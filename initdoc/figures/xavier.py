"""Figures of the Xavier/Glorot page."""

from __future__ import annotations

import numpy as np

from initdoc import probe
from initdoc.experiments.xavier import SCHEMES
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

HISTOGRAMS = ["normal_1", "normal_small", "standard", "lecun", "glorot_normal", "glorot_uniform"]
SCHEME_COLORS = dict(
    zip(
        SCHEMES,
        [
            plots.COLORS[c]
            for c in ("vermillion", "sky", "orange", "blue", "green", "black", "purple")
        ],
    )
)
WELL_SCALED = ["lecun", "glorot_normal", "glorot_uniform", "tanh_gain"]
PEAK = 6.0  # y-limit of the activation histograms; taller peaks are cut and marked


def sub(n: int) -> str:
    """`n` in subscript digits: 5 as ₅, for a layer's index in a formula."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _layer_histograms(ax, edges, hists, peak=None):
    """One step line per layer, coloured from layer 1 to layer L."""
    middle = len(edges) // 2
    crowded_middle = peak is not None and hists[:, middle - 3 : middle + 3].max() > peak
    x, ha = (0.03, "left") if crowded_middle else (0.5, "center")
    cut = 0
    colors = plots.layer_stairs(ax, edges, hists)
    for l, (hist, color) in enumerate(zip(hists, colors), start=1):
        if peak is not None and hist.max() > peak:
            ax.text(
                x,
                0.97 - 0.1 * cut,
                f"layer {l} peak: {hist.max():.0f}",
                transform=ax.transAxes,
                ha=ha,
                va="top",
                fontsize=7.5,
                color=color,
            )
            cut += 1
    if peak is not None:
        ax.set_ylim(0, peak)


def _scheme_panels(
    res, name: str, title, xlabel: str, peak=None, sharey=False, legend="upper right"
):
    """One panel per scheme of HISTOGRAMS, the histograms `name` ('a' or 'g') of every layer; each
    panel titled `title(key)`."""
    fig, axes = plots.new_figure(2, 3, width=9, height=5.2, sharex=True, sharey=sharey)
    for ax, key in zip(axes.flat, HISTOGRAMS):
        _layer_histograms(ax, res[f"{name}_edges"], res[f"{key}.{name}_hist"], peak=peak)
        ax.set_title(f"{SCHEMES[key][0]}\n{title(key)}")
    for ax in axes[1]:
        ax.set_xlabel(xlabel)
    for ax in axes[:, 0]:
        ax.set_ylabel("density")
    axes[0, -1].legend(loc=legend)
    return fig


@figure(
    "xavier_forward_hist",
    "xavier",
    caption="Histograms of the activations a = tanh(z) of each hidden layer of the "
    "{{ xavier.L }}-layer tanh network at initialization, one panel per scheme. N(0, 1) "
    "pushes most units to the ends of tanh's range (saturation); N(0, "
    "{{ xavier.small_std }}²) and the 'standard' uniform rule shrink the activations layer "
    "after layer; under LeCun and Glorot they narrow too, but slowly. Peaks taller than the "
    "panel are cut and their height is written in the corner.",
    alt="Six panels of activation histograms, {{ xavier.L }} coloured lines each for layers "
    "1 to {{ xavier.L }}, over the range of tanh. N(0,1): two tall spikes at both ends of "
    "the range in every layer. N(0, {{ xavier.small_std }} squared): a narrow spike at zero "
    "that gets narrower with depth. Standard uniform: bell shapes that narrow quickly with "
    "depth. LeCun, Glorot normal and Glorot uniform: wide bell shapes that narrow gradually "
    "from layer 1 to layer {{ xavier.L }}.",
)
def forward_hist(res):
    top = sub(res.values["L"])
    return _scheme_panels(
        res,
        "a",
        lambda key: f"Var(a{top})/Var(a₁) = {res.values[f'{key}.forward_ratio']:.2g}",
        "activation a = tanh(z)",
        peak=PEAK,
    )


@figure(
    "xavier_backward_hist",
    "xavier",
    caption="Histograms of the backpropagated gradients dL/da of each hidden layer, on a "
    "log scale relative to the root mean square gradient of the last hidden layer, layer "
    "{{ xavier.L }} (zero means 'as large as in the last layer'). A layer whose histogram "
    "sits to the left of the last layer's gets smaller gradients: ten times smaller per "
    "unit step on the axis. Under N(0, 1) they sit to the right: the gradients grow on "
    "their way to the input.",
    alt="Six panels of histograms of log10 of the gradient magnitude, {{ xavier.L }} "
    "coloured lines for layers 1 to {{ xavier.L }}. N(0,1): each layer lies to the right of "
    "the one above it, layer 1 furthest right. N(0, {{ xavier.small_std }} squared): the "
    "layers are spread far apart to the left, layer 1 furthest left. Standard uniform: "
    "layer 1 clearly left of the last layer, its gradient variance "
    "{{ xavier.standard.backward_ratio:.2g }} times the last layer's. LeCun and both Glorot "
    "panels: the {{ xavier.L }} histograms overlap, layer 1 shifted a little to the left.",
)
def backward_hist(res):
    top = sub(res.values["L"])
    return _scheme_panels(
        res,
        "g",
        lambda key: f"Var(dL/da₁)/Var(dL/da{top}) = {res.values[f'{key}.backward_ratio']:.2g}",
        f"log₁₀ |dL/da| − log₁₀ rms(dL/da{top})",
        sharey=True,
        legend="upper left",
    )


@figure(
    "xavier_variance",
    "xavier",
    caption="Variance per hidden layer. Left: the activations; middle: the gradients dL/da, "
    "divided by their variance in the last hidden layer, layer {{ xavier.L }}; right: the "
    "well-scaled schemes of the left panel on a linear scale, divided by their layer-1 "
    "value. Solid lines with dots are measured; dotted lines (mostly hidden under the solid "
    "ones) are the prediction that treats each z as normal and propagates its variance "
    "through tanh, computed from the drawn weights. Only the tanh gain 5/3 keeps the "
    "forward variance nearly flat, and under it the gradients grow towards the input.",
    alt="Three line plots against hidden layer 1 to {{ xavier.L }}. Left, log scale, seven "
    "schemes: N(0,1) flat near {{ xavier.normal_1.var_aL:.2f }}; N(0, "
    "{{ xavier.small_std }} squared) falls by orders of magnitude every layer; standard "
    "uniform falls steadily; LeCun and both Glorot lines fall slowly; the tanh-gain line "
    "stays nearly flat. Middle, log scale: relative gradient variance; N(0,1) rises steeply "
    "towards layer 1, to {{ xavier.normal_1.backward_ratio:.0f }} times the last layer's, "
    "N(0, {{ xavier.small_std }} squared) falls steeply, standard falls steadily, LeCun and "
    "Glorot fall a little, tanh gain rises a little. Right, linear scale: the LeCun line "
    "falls to {{ xavier.lecun.forward_ratio:.2f }} of its layer-1 value by the last layer "
    "and the Glorot normal line to {{ xavier.glorot_normal.forward_ratio:.2f }}, the "
    "tanh-gain line only to {{ xavier.tanh_gain.forward_ratio:.2f }}.",
)
def variance(res):
    fig, axes = plots.new_figure(1, 3, width=10.5, height=3.6)
    layers = np.arange(1, res.values["L"] + 1)
    left, middle, right = axes[0]
    for key, (label, _) in SCHEMES.items():
        color, style = SCHEME_COLORS[key], "o--" if key == "glorot_uniform" else "o-"
        var_a, var_g = res[f"{key}.var_a"], res[f"{key}.var_g"]
        left.plot(layers, var_a, style, color=color, label=label, ms=4)
        left.plot(layers, res[f"{key}.predicted_var_a"], ":", color=color, lw=2)
        middle.plot(layers, var_g / var_g[-1], style, color=color, ms=4)
        middle.plot(layers, res[f"{key}.predicted_var_g"], ":", color=color, lw=2)
        if key in WELL_SCALED:
            right.plot(layers, var_a / var_a[0], style, color=color, ms=4)
    left.plot([], [], ":", color="0.4", lw=2, label="dotted: predicted")
    left.set_ylabel("Var(a) of the layer")
    middle.set_ylabel(f"Var(dL/da) / Var(dL/da{sub(res.values['L'])})")
    right.set_ylabel("Var(a) / Var(a₁)")
    right.set_ylim(0, 1.05)
    for ax in (left, middle):
        ax.set_yscale("log")
    for ax in (left, middle, right):
        ax.set_xlabel("hidden layer l")
        ax.set_xticks(layers)
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=4)
    return fig


@figure(
    "xavier_deep",
    "xavier",
    caption="The same question {{ xavier.deep_L }} layers deep. Under LeCun N(0, 1/n_in) "
    "the variance of the tanh activations never settles: it keeps falling, roughly as "
    "1/(2l) (grey dashed line). With the tanh gain 5/3 it settles after a few layers. "
    "Dotted: the normal-z prediction.",
    alt="Log-log plot of the activation variance against hidden layer 1 to "
    "{{ xavier.deep_L }}. The LeCun line falls steadily, parallel to a dashed 1/(2l) line, "
    "and ends a little below it. The tanh-gain line drops a little over the first few "
    "layers and then stays flat. Dotted prediction lines follow both.",
)
def deep(res):
    fig, axes = plots.new_figure(1, 1, width=6.5, height=3.4)
    ax = axes[0, 0]
    for key in ("lecun", "tanh_gain"):
        var_a = res[f"deep.{key}.var_a"]
        layers = np.arange(1, len(var_a) + 1)
        ax.plot(layers, var_a, "o-", ms=3, color=SCHEME_COLORS[key], label=SCHEMES[key][0])
        ax.plot(layers, res[f"deep.{key}.predicted_var_a"], ":", lw=2, color=SCHEME_COLORS[key])
    ax.plot(layers, 1 / (2 * layers), "--", color="0.5", label="1/(2l)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200) if t <= len(layers)]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlabel("hidden layer l")
    ax.set_ylabel("Var(a) of the layer")
    ax.legend(loc="lower left")
    return fig


GAIN_COLORS = {"gain_1": plots.COLORS["blue"], "gain_tanh": plots.COLORS["purple"]}
GAIN_LABELS = {"gain_1": "gain 1 (Glorot)", "gain_tanh": "gain 5/3"}


@figure(
    "xavier_tanh_gain",
    "tanh_gain",
    caption="A deep tanh stack, forward and backward. Left: the forward signal E[z²] "
    "(solid) and the backpropagated E[δ²] relative to the last hidden layer (dashed), layer "
    "by layer, for Glorot's variance (gain {{ tanh_gain.gain_lowest:g }}) and for it times "
    "the square of PyTorch's tanh gain 5/3. Right: the ratio over the whole depth against "
    "the gain, forward (last hidden layer over the first) and backward (first over last); "
    "dots are medians over independent draws, bars their range, and between the dotted "
    "lines the probe calls a signal held. Raising the gain keeps more of the forward signal "
    "and turns the gradient from shrinking to growing: gain {{ tanh_gain.gain_lowest:g }} "
    "loses both, 5/3 keeps the forward signal and multiplies the gradient by "
    "{{ tanh_gain.gain_tanh.backward:.0f }}.",
    alt="Two panels. Left, log scale against the hidden layer: with gain "
    "{{ tanh_gain.gain_lowest:g }} both the forward and the backward lines fall steadily, "
    "ending at {{ tanh_gain.gain_1.forward:.2g }} and {{ tanh_gain.gain_1.backward:.2g }} "
    "of their start; with gain 5/3 the forward line drops a little and stays flat, while "
    "the backward line climbs steadily towards the input, ending "
    "{{ tanh_gain.gain_tanh.backward:.0f }} times higher. Right, log scale against the gain "
    "from {{ tanh_gain.gain_lowest:g }} to 5/3: the forward ratio rises slowly from "
    "{{ tanh_gain.gain_1.forward:.2g }} to {{ tanh_gain.gain_tanh.forward:.2f }}; the "
    "backward ratio rises steeply from {{ tanh_gain.gain_1.backward:.2g }} through one to "
    "{{ tanh_gain.gain_tanh.backward:.0f }}; both lie inside the dotted band only for gains "
    "in between.",
)
def tanh_gain_depth(res):
    fig, axes = plots.new_figure(1, 2, width=9.5, height=3.6)
    left, right = axes[0]
    for name, color in GAIN_COLORS.items():
        z2, d2 = res[f"{name}.z2"], res[f"{name}.d2"]
        layers = np.arange(1, z2.size + 1)
        left.plot(layers, z2, "-", color=color, label=f"{GAIN_LABELS[name]}: E[z²] forward")
        left.plot(layers, d2, "--", color=color, label=f"{GAIN_LABELS[name]}: E[δ²] backward")
    left.set_yscale("log")
    left.set_xlabel("hidden layer l")
    left.set_ylabel("second moment")
    left.legend(loc="upper right", fontsize=7)
    gains = res["gains"]
    for key, color, label in (
        ("forward", plots.COLORS["green"], "forward: E[z²] last / first"),
        ("backward", plots.COLORS["vermillion"], "backward: E[δ²] first / last"),
    ):
        r = res[key]
        median = np.median(r, axis=1)
        err = [median - r.min(axis=1), r.max(axis=1) - median]
        right.errorbar(gains, median, yerr=err, fmt="o-", ms=4, color=color, label=label)
    for bound in (probe.VANISH, probe.EXPLODE):
        right.axhline(bound, ls=":", color="0.4")
    right.set_yscale("log")
    right.set_xlabel("gain (standard deviation × gain)")
    right.set_ylabel(f"ratio over {res.values['depth']} layers")
    right.legend(loc="upper left", fontsize=7)
    return fig
