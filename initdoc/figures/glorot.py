"""Figures of the Glorot & Bengio (2010) page: the paper's figures 6, 7 and 8 redrawn, and MNIST
test error."""

from __future__ import annotations

import numpy as np

from initdoc.experiments.glorot import INITS, RUNS
from initdoc.figures import plots
from initdoc.pipeline.registry import figure

RUN_STYLE = {
    "tanh_standard": (plots.COLORS["orange"], "tanh, standard"),
    "tanh_normalized": (plots.COLORS["blue"], "tanh, normalized"),
    "sigmoid_standard": (plots.COLORS["vermillion"], "sigmoid, standard"),
}


def _per_layer(res, name: str, xlabel: str, upward: bool):
    """Two panels, standard and normalized, one step line per hidden layer.

    Gradient histograms are drawn in units of the top hidden layer's standard deviation, so both
    panels share an axis; `upward` says which way the title's variance ratio is taken (top layer
    over layer 1, or layer 1 over the top).
    """
    top = res.values["L"]
    fig, axes = plots.new_figure(1, 2, width=8.5, height=3.0, sharey=True)
    for ax, key in zip(axes[0], INITS):
        var = res[f"{key}.var_{name}"]
        edges = res["a_edges"] if name == "a" else res[f"{key}.{name}_edges"] / np.sqrt(var[-1])
        plots.layer_stairs(ax, edges, res[f"{key}.{name}_hist"])
        ratio, which = (
            (var[-1] / var[0], f"layer {top} / layer 1")
            if upward
            else (var[0] / var[-1], f"layer 1 / layer {top}")
        )
        ax.set_title(f"{INITS[key][0]}\nVar, {which}: {ratio:.2g}")
        ax.set_xlabel(xlabel)
    axes[0, 0].set_ylabel("share of values per bin")
    axes[0, 1].legend(loc="upper right")
    return fig


@figure(
    "glorot_activations",
    "glorot",
    caption="The paper's figure 6 redrawn: histograms of the activations tanh(z) of each of "
    "the {{ glorot.L }} hidden layers ({{ glorot.probe_width }} units) at initialization, "
    "for {{ glorot.n_probe }} MNIST digits. Standard initialization: the histograms narrow "
    "layer after layer, piling up at zero. Normalized initialization: they keep their "
    "width.",
    alt="Two panels of {{ glorot.L }} coloured step histograms over the range of tanh. "
    "Left, standard: layer 1 is the widest and each later layer is narrower and taller "
    "around zero. Right, normalized: the {{ glorot.L }} layers are close to each other, a "
    "wide bell.",
)
def activations(res):
    return _per_layer(res, "a", "activation tanh(z)", upward=True)


@figure(
    "glorot_backprop_gradients",
    "glorot",
    caption="The paper's figure 7 redrawn: histograms of the back-propagated gradients "
    "∂L/∂z of each hidden layer at initialization, in units of the top hidden layer's "
    "standard deviation. Standard: the gradient shrinks on its way down, so layer 1 has the "
    "narrowest histogram. Normalized: every layer gets about the same spread.",
    alt="Two panels of {{ glorot.L }} coloured step histograms of gradient values centred "
    "on zero. Left, standard: layer {{ glorot.L }}, the top one, is the widest and layer 1 "
    "a tall narrow spike. Right, normalized: {{ glorot.L }} similar bells.",
)
def backprop_gradients(res):
    return _per_layer(res, "dz", "∂L/∂z, in standard deviations of the top layer's", upward=False)


@figure(
    "glorot_weight_gradients",
    "glorot",
    caption="The paper's figure 8 redrawn: histograms of the weight gradients ∂L/∂W of each "
    "layer at initialization, on a scale set by the top hidden layer. Under both "
    "initializations the {{ glorot.L }} histograms are close: with standard weights the "
    "shrinking activations and the growing back-propagated gradients cancel in the product "
    "that makes ∂L/∂W. Layer 1's spike at zero is MNIST's: the weights of pixels that are "
    "blank in every digit get no gradient at all.",
    alt="Two panels of coloured step histograms of weight-gradient values centred on zero, "
    "one per layer. In both panels, standard and normalized, the layers above the first lie "
    "on top of each other; layer 1 has the same tails and an extra spike at zero.",
)
def weight_gradients(res):
    return _per_layer(res, "dW", "∂L/∂W, in standard deviations of the top layer's", upward=False)


@figure(
    "glorot_mnist_training",
    "glorot",
    caption="{{ glorot.L }} hidden layers of {{ glorot.width }} units trained on "
    "{{ glorot.trained_side }} × {{ glorot.trained_side }} MNIST digits with minibatch SGD. "
    "Left: the rate search, one network per rate on a seed of its own: the mean training "
    "cost over each epoch, the solid line at the rate with the lowest validation error "
    "averaged over the last epochs, dotted lines at the others. Right: the error on "
    "{{ glorot.n_test }} held-out test digits after each epoch for the {{ glorot.seeds }} "
    "seeds of each row, each at its chosen rate.",
    alt="Two panels against epochs, logarithmic vertical axes. Left, training cost: the "
    "normalized tanh network falls fastest, the standard tanh network follows above it, the "
    "sigmoid network stays flat at the cost of a uniform guess; the normalized network's "
    "dotted line at the largest rate starts higher than its solid line and stays above it. "
    "Right, test error: the {{ glorot.seeds }} standard and {{ glorot.seeds }} normalized "
    "tanh networks fall from chance to well below it, the normalized bundle ending lower; "
    "the {{ glorot.seeds }} sigmoid networks stay at chance.",
)
def mnist_training(res):
    fig, axes = plots.new_figure(1, 2, width=9, height=3.4)
    epochs = np.arange(res.values["epochs"] + 1)
    for name in RUNS:
        color, label = RUN_STYLE[name]
        best = res.values[f"{name}.best"]
        for i, lr in enumerate(res["lrs"]):
            style = (
                dict(ls="-", lw=1.8, label=f"{label} (η = {lr:g})")
                if i == best
                else dict(ls=":", lw=1.0)
            )
            axes[0, 0].plot(epochs[1:], res[f"{name}.lr{i}.epoch_cost"], color=color, **style)
        for j, errors in enumerate(res[f"{name}.seeds.test_error"]):
            axes[0, 1].plot(epochs, errors, color=color, lw=1.0, label=label if j == 0 else None)
    chance = res.values["chance_error"]
    axes[0, 1].axhline(chance, color="0.5", ls="--", lw=0.8)
    axes[0, 1].annotate(
        "chance",
        (epochs[-1], chance),
        textcoords="offset points",
        xytext=(0, -11),
        ha="right",
        fontsize=7.5,
        color="0.3",
    )
    axes[0, 0].set_ylabel("training cost (epoch mean)")
    axes[0, 0].set_title("rate search (one network per rate)")
    axes[0, 1].set_ylabel("test error")
    axes[0, 1].set_title(f"{res.values['seeds']} seeds per row, at the chosen rate")
    for ax in axes[0]:
        ax.set_yscale("log")
        ax.set_xlabel("epochs")
    axes[0, 0].legend(loc="lower left", fontsize=7.5)
    return fig
