"""Figures of the MNIST run page, and the data its explorer widget loads."""

from __future__ import annotations

import base64

import numpy as np
from matplotlib.colors import to_rgb

from initdoc.experiments.mnist import HIDDEN, INITS, RUNS, hist_range
from initdoc.figures import plots
from initdoc.pipeline.registry import figure, widget_data

SHORT = {"zero": "zero", "uniform": "uniform", "lecun": "LeCun", "normal": "N(0, 1)", "he": "He"}
INIT_COLORS = {
    "zero": "black",
    "uniform": "sky",
    "lecun": "blue",
    "normal": "vermillion",
    "he": "green",
}
CORRECT, WRONG = plots.COLORS["blue"], plots.COLORS["orange"]
HIST_RUNS = ["tanh_normal", "tanh_uniform", "tanh_lecun", "relu_lecun", "relu_he"]
BATCH_RUNS = ["tanh_normal", "tanh_lecun"]
COST_TOP = 50.0  # a diverging run's cost leaves the plot; it is marked at this height
SHARES_PER = 1000  # the explorer's histograms count shares of the values in thousandths


def _label(run: str, short: bool = False) -> str:
    """'tanh_lecun' -> 'LeCun N(0, 1/n_in), ..., tanh' (short: 'LeCun, tanh')."""
    act, init = run.split("_")
    return f"{SHORT[init] if short else INITS[init][0]}, {act}"


def _valid(res, run: str) -> int:
    """How many frames the run has before it diverged (all of them if it did not)."""
    return int(res[f"{run}.n_valid"])


@figure(
    "mnist_curves",
    "mnist",
    caption="Training cost (the mean over the batches since the previous point) and "
    "accuracy on the held-out digits, for every initialization, with tanh hidden layers "
    "(top) and relu (bottom). The dashed lines mark chance: a cost of "
    "{{ mnist.chance_cost:.2f }} (the log of the number of classes) and "
    "{{ mnist.chance_accuracy:.0% }} accuracy. A run that diverged ends in a cross; its "
    "cost left the plot, so the cross sits on the top edge.",
    alt="Four line plots. Left column: training cost against training step on a log scale; "
    "right column: held-out accuracy against training step. Top row tanh, bottom row relu, "
    "one line per initialization. Zero initialization stays on the chance lines; LeCun and "
    "He fall to low cost and rise within the first epoch to "
    "{{ mnist.tanh_lecun.epoch1_accuracy:.0% }} (LeCun, tanh) and "
    "{{ mnist.relu_he.epoch1_accuracy:.0% }} (He, relu) accuracy; uniform rises more "
    "slowly; standard normal with tanh starts at a cost of "
    "{{ mnist.tanh_normal.first_cost:.0f }}, far above chance, and climbs slowly; standard "
    "normal with relu ends in a cross marked diverged after "
    "{{ mnist.relu_normal.diverged_at }} steps.",
)
def curves(res):
    frames, chance_cost = res["frames"], res.values["chance_cost"]
    fig, axes = plots.new_figure(2, 2, width=8.5, height=5.4, sharex=True)
    for row, act in enumerate(HIDDEN):
        cost_ax, acc_ax = axes[row]
        for init in INITS:
            run, color = f"{act}_{init}", plots.COLORS[INIT_COLORS[init]]
            n = _valid(res, run)
            cost_ax.plot(
                frames[:n],
                res[f"{run}.train_cost"][:n],
                color=color,
                lw=1.4,
                label=INITS[init][0],
                marker="o" if n == 1 else None,
            )
            acc_ax.plot(
                frames[:n],
                100 * res[f"{run}.accuracy"][:n],
                color=color,
                lw=1.4,
                label=INITS[init][0],
                marker="o" if n == 1 else None,
            )
            if res.values[f"{run}.diverged"]:
                step = res.values[f"{run}.diverged_at"]
                for ax, y in ((cost_ax, COST_TOP), (acc_ax, 100 * res[f"{run}.accuracy"][n - 1])):
                    ax.plot([step], [y], marker="x", color=color, ms=8, mew=2, clip_on=False)
                    ax.annotate(
                        f"diverged at step {step}",
                        (step, y),
                        textcoords="offset points",
                        xytext=(8, -3),
                        fontsize=7.5,
                        color=color,
                    )
            if init == "zero":
                acc_ax.annotate(
                    "zero: stays at chance",
                    (frames[-1], 100 * res[f"{run}.accuracy"][n - 1]),
                    textcoords="offset points",
                    xytext=(0, 4),
                    ha="right",
                    fontsize=7.5,
                )
        cost_ax.axhline(chance_cost, color="k", ls="--", lw=0.8)
        acc_ax.axhline(100 * res.values["chance_accuracy"], color="k", ls="--", lw=0.8)
        cost_ax.set_yscale("log")
        cost_ax.set_ylim(top=COST_TOP)
        cost_ax.set_ylabel(f"{act}: training cost")
        acc_ax.set_ylabel(f"{act}: held-out accuracy (%)")
        acc_ax.set_ylim(0, 100)
    for ax in axes[1]:
        ax.set_xlabel(
            f"training step (batches of {res.values['batch_size']}; "
            f"{res.values['steps_per_epoch']} per epoch)"
        )
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(INITS), fontsize=8)
    return fig


@figure(
    "mnist_histograms",
    "mnist",
    caption="Activations of the {{ mnist.depth }} hidden layers on the held-out digits, "
    "before training (grey outline) and after it (blue). Each bar is the share of all the "
    "layer's values in that bin. For relu, the values exactly zero are left out of the bars "
    "and given as a share in each panel; the last bar collects everything at or above the "
    "right edge.",
    alt="A grid of histograms, five rows (standard normal tanh, uniform tanh, LeCun tanh, "
    "LeCun relu, He relu) by {{ mnist.depth }} columns (hidden layers 1 to "
    "{{ mnist.depth }}). Standard normal tanh piles its values at both ends of tanh's range "
    "in every layer before and after training. Uniform tanh starts narrow and narrows "
    "further with depth. LeCun tanh stays spread across the range in every layer. For relu "
    "about half of the values are exactly zero (under LeCun, "
    "{{ mnist.relu_lecun.first_inactive:.0% }} before training and "
    "{{ mnist.relu_lecun.final_inactive:.0% }} after) and the rest spread over the positive "
    "axis.",
)
def histograms(res):
    bins = res.values["bins"]
    fig, axes = plots.new_figure(len(HIST_RUNS), 4, width=9, height=1.55 * len(HIST_RUNS) + 0.4)
    for row, run in enumerate(HIST_RUNS):
        act = run.split("_")[0]
        lo, hi = hist_range(act, res.values["relu_max"])
        width = (hi - lo) / bins
        edges = lo + width * np.arange(bins + 2)
        last = _valid(res, run) - 1
        for l, ax in enumerate(axes[row]):
            shown = bins + (
                act == "relu"
            )  # relu has an overflow bar; tanh's extra bin is always empty
            for frame, style in (
                (last, dict(color=CORRECT, alpha=0.8)),
                (0, dict(fill=False, edgecolor="0.45", lw=0.9)),
            ):
                ax.bar(
                    edges[:shown],
                    100 * res[f"{run}.hist"][frame, l, :shown],
                    width=width,
                    align="edge",
                    **style,
                )
            if act == "relu":
                zero = res[f"{run}.inactive"]
                ax.text(
                    0.97,
                    0.93,
                    f"a = 0: {zero[0, l]:.0%} → {zero[last, l]:.0%}",
                    transform=ax.transAxes,
                    ha="right",
                    va="top",
                    fontsize=7,
                )
                ax.set_xticks([0, hi / 2, hi, hi + width], ["0", f"{hi / 2:g}", f"{hi:g}", ""])
            ax.grid(False)
            if row == 0:
                ax.set_title(f"hidden layer {l + 1}")
            if (
                row == len(HIST_RUNS) - 1
                or act != HIST_RUNS[min(row + 1, len(HIST_RUNS) - 1)].split("_")[0]
            ):
                ax.set_xlabel(f"activation $a^{{[{l + 1}]}}$")
        axes[row, 0].set_ylabel(f"{_label(run, short=True)}\nshare of values (%)")
    return fig


@figure(
    "mnist_batch",
    "mnist",
    format="png",
    caption="The display batch: the same held-out digits, {{ mnist.display_per_digit }} of "
    "each, with the class each network predicts after training written under each digit. "
    "Blue with a tick: right; orange with a cross: wrong.",
    alt="Two grids of {{ mnist.n_display }} handwritten digits. Each digit has a coloured "
    "frame and its predicted label underneath. Under standard normal tanh most frames are "
    "orange crosses ({{ mnist.tanh_normal.final_misclassified }} wrong); under LeCun tanh "
    "almost all are blue ticks ({{ mnist.tanh_lecun.final_misclassified }} wrong).",
)
def batch(res):
    images, labels = res["display_images"], res["display_labels"]
    cell_w, cell_h, side = 34, 48, images.shape[1]
    fig, axes = plots.new_figure(1, len(BATCH_RUNS), width=9, height=6.6)
    for ax, run in zip(axes[0], BATCH_RUNS):
        predicted = res[f"{run}.predictions"][_valid(res, run) - 1]
        canvas = np.ones((10 * cell_h, 10 * cell_w, 3))
        for k, (image, label, guess) in enumerate(zip(images, labels, predicted)):
            top, left = divmod(k, 10)
            top, left = top * cell_h, left * cell_w
            canvas[top + 1 : top + cell_h - 1, left + 1 : left + cell_w - 1] = to_rgb(
                CORRECT if guess == label else WRONG
            )
            canvas[top + 4 : top + 4 + side, left + 3 : left + 3 + side] = (
                1 - image[..., None] / 255
            )
            ax.text(
                left + cell_w / 2,
                top + cell_h - 3,
                f"{'✓' if guess == label else '✗'} {guess}",
                ha="center",
                va="bottom",
                fontsize=7.5,
                fontweight="bold",
                color="white" if guess == label else "black",
            )
        ax.imshow(canvas, interpolation="nearest")
        ax.set_title(f"{_label(run)}: {int(np.sum(predicted != labels))} of {len(labels)} wrong")
        ax.set_axis_off()
    return fig


def _quantized_runs(res) -> dict:
    """Each run's frames as small numbers: costs to 4 digits, accuracy as counts, histograms in
    shares of SHARES_PER."""
    n_heldout = res.values["n_heldout"]
    runs = {}
    for run in RUNS:
        n = _valid(res, run)
        runs[run] = {
            "n": n,
            "diverged_at": res.values[f"{run}.diverged_at"],
            "cost": [float(f"{c:.4g}") for c in res[f"{run}.train_cost"][:n]],
            "correct": [round(a * n_heldout) for a in res[f"{run}.accuracy"][:n]],
            "pred": ["".join(map(str, p)) for p in res[f"{run}.predictions"][:n]],
            "hist": np.rint(SHARES_PER * res[f"{run}.hist"][:n]).astype(int).tolist(),
            "zero": np.rint(SHARES_PER * res[f"{run}.inactive"][:n]).astype(int).tolist(),
        }
    return runs


@widget_data("mnist_explorer", "mnist")
def explorer(res) -> dict:
    """What the MNIST explorer draws: the display digits, and what each run did at each frame."""
    v = res.values
    return {
        "source": v["source"],
        "n_train": v["n_train"],
        "n_heldout": v["n_heldout"],
        "batch_size": v["batch_size"],
        "lr": v["lr"],
        "epochs": v["epochs"],
        "steps_per_epoch": v["steps_per_epoch"],
        "frames": res["frames"].tolist(),
        "images": base64.b64encode(res["display_images"].astype(np.uint8).tobytes()).decode(
            "ascii"
        ),
        "labels": "".join(map(str, res["display_labels"])),
        "inits": {name: label for name, (label, _) in INITS.items()},
        "activations": list(HIDDEN),
        "shares_per": SHARES_PER,
        "hist": {
            act: {
                "lo": hist_range(act, v["relu_max"])[0],
                "hi": hist_range(act, v["relu_max"])[1],
                "bins": v["bins"],
            }
            for act in HIDDEN
        },
        "runs": _quantized_runs(res),
    }
