"""The one plot style of the site, deterministic saving, and helpers that take an `ax`."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from initdoc.pipeline.atomic import atomic_write

# Okabe & Ito's colour-blind-safe palette.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [COLORS[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]
LAYER_COLORS = [COLORS[c] for c in ("purple", "vermillion", "orange", "green", "blue")]
CARD_DPI = 80  # the PNG card of an SVG figure, for links shared elsewhere (Open Graph)
CLASS_CMAP = "RdBu_r"  # decision boundaries: class 0 blue, class 1 red, 0.5 white

STYLE = {
    "svg.hashsalt": "initdoc",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "image.interpolation": "nearest",
}
plt.rcParams.update(STYLE)


def new_figure(nrows: int = 1, ncols: int = 1, width: float = 7.5, height: float = 3.0, **kwargs):
    """A figure and its axes in the site style (width and height in inches)."""
    return plt.subplots(
        nrows, ncols, figsize=(width, height), layout="constrained", squeeze=False, **kwargs
    )


def save(fig, path: Path, card: Path | None = None) -> None:
    """Write `fig` byte-for-byte reproducibly (no dates, no version strings), atomically.

    `card`, if given, also gets a small PNG of it: the picture a link to its page shows.
    """
    for target, dpi in ((Path(path), 110), (card, CARD_DPI)):
        if target is None:
            continue
        fmt = target.suffix.lstrip(".")
        metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
        with atomic_write(target) as tmp:
            fig.savefig(tmp, format=fmt, metadata=metadata, dpi=dpi if fmt == "png" else None)
    plt.close(fig)


def log2_x(ax, ticks) -> None:
    """A base-2 logarithmic x axis labelled at `ticks` only, and no minor ticks on either axis
    (so call it after setting the y axis's scale)."""
    ax.set_xscale("log", base=2)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.minorticks_off()


def layer_colors(n: int) -> list:
    """A colour for each of `n` layers, from layer 1 up: LAYER_COLORS, or viridis for more."""
    if n <= len(LAYER_COLORS):
        return LAYER_COLORS[:n]
    return [matplotlib.colormaps["viridis"](i / (n - 1)) for i in range(n)]


def layer_stairs(ax, edges: np.ndarray, hists: np.ndarray) -> list:
    """One step histogram per layer, labelled and coloured from layer 1 up; the colours."""
    colors = layer_colors(len(hists))
    for l, (hist, color) in enumerate(zip(hists, colors), start=1):
        ax.stairs(hist, edges, color=color, lw=1.3, label=f"layer {l}")
    return colors


def cost_curve(ax, costs: np.ndarray, label: str, color=None, log: bool = True) -> None:
    """Cost per step; a run that diverged ends in a cross labelled 'diverged'."""
    steps = np.arange(len(costs))
    finite = np.isfinite(costs)
    ax.plot(steps[finite], costs[finite], label=label, color=color, lw=1.4)
    if not finite.all():
        stop = int(np.argmin(finite))
        last = costs[finite][-1] if finite.any() else 1.0
        ax.plot([stop], [last], marker="x", color=color or "k", ms=7, mew=2)
        ax.annotate(
            "diverged",
            (stop, last),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=7.5,
            color=color or "k",
        )
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("cost")


def decision_boundary(
    ax, extent: tuple[float, float, float, float], prob: np.ndarray, X: np.ndarray, y: np.ndarray
) -> None:
    """P(class 1) as a heatmap over `extent`, with the data points on top."""
    ax.imshow(
        prob,
        origin="lower",
        extent=extent,
        cmap=CLASS_CMAP,
        vmin=0,
        vmax=1,
        alpha=0.75,
        aspect="auto",
    )
    if prob.min() < 0.5 < prob.max():
        ax.contour(
            np.linspace(extent[0], extent[1], prob.shape[1]),
            np.linspace(extent[2], extent[3], prob.shape[0]),
            prob,
            levels=[0.5],
            colors="k",
            linewidths=0.8,
        )
    for cls, color in ((0, COLORS["blue"]), (1, COLORS["vermillion"])):
        pts = X[y.ravel() == cls]
        ax.scatter(pts[:, 0], pts[:, 1], s=9, color=color, edgecolor="white", linewidth=0.4)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
