"""The registry: experiments by name, and the figures drawn from each."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from initdoc.errors import UserError, unknown
from initdoc.pipeline.paths import scale
from initdoc.pipeline.result import Result


@dataclass(frozen=True)
class Experiment:
    """A pure function of `params` and a seeded generator that returns a Result."""

    name: str
    run: Callable[..., Result]
    params: dict
    seed: int
    about: str
    inputs: Callable[[dict], str] | None = None  # params -> digest of the data files it reads
    paper: dict = field(default_factory=dict)  # the parameters --scale paper changes

    def at(self, scale_name: str) -> Experiment:
        """This experiment at `scale_name`: 'paper' applies the published sizes."""
        return (
            replace(self, params={**self.params, **self.paper}) if scale_name == "paper" else self
        )

    def __call__(self, **overrides) -> Result:
        """Run uncached, with optional parameter overrides."""
        extra = sorted(set(overrides) - set(self.params))
        if extra:
            message = unknown("parameter", extra[0], sorted(self.params))
            raise UserError(f"experiment '{self.name}': {message}")
        return self.run(np.random.default_rng(self.seed), **{**self.params, **overrides})


@dataclass(frozen=True)
class Figure:
    """A function from an experiment's Result to a matplotlib figure, with its words."""

    name: str
    experiment: str
    draw: Callable
    format: str
    caption: str
    alt: str
    size: tuple[float, float] | None = field(default=None)


EXPERIMENTS: dict[str, Experiment] = {}
FIGURES: dict[str, Figure] = {}
_loaded = False


def experiment(
    name: str,
    seed: int = 0,
    inputs: Callable[[dict], str] | None = None,
    paper: dict | None = None,
    **params,
):
    """Register `run(rng, **params) -> Result` as the experiment `name`.

    `inputs(params)`, for an experiment that reads data files, is a digest of their content: the
    cache key covers it, so replacing the files reruns the experiment. `paper` holds the
    parameters that `--scale paper` sets to the published sizes (more seeds, wider layers).
    """

    def register(run):
        if name in EXPERIMENTS:
            raise ValueError(f"experiment '{name}' registered twice")
        if set(paper or {}) - set(params):
            raise ValueError(f"experiment '{name}': paper sizes for parameters it does not take")
        about = (run.__doc__ or "").strip().splitlines()[0] if run.__doc__ else ""
        EXPERIMENTS[name] = Experiment(
            name, run, dict(params), seed, about, inputs, dict(paper or {})
        )
        return run

    return register


def figure(name: str, experiment: str, caption: str, alt: str, format: str = "svg"):
    """Register `draw(result) -> matplotlib Figure` as figures/NAME.FORMAT (svg or png)."""
    if format not in ("svg", "png", "json"):
        raise ValueError(f"figure '{name}': format must be svg, png or json, not {format!r}")

    def register(draw):
        if name in FIGURES:
            raise ValueError(f"figure '{name}' registered twice")
        FIGURES[name] = Figure(name, experiment, draw, format, caption, alt)
        return draw

    return register


def widget_data(name: str, experiment: str):
    """Register `draw(result) -> dict` as figures/NAME.json, the data a widget loads."""
    return figure(name, experiment, caption="", alt="", format="json")


def load_all() -> None:
    """Import every module of initdoc.experiments and initdoc.figures so they register."""
    global _loaded
    if _loaded:
        return
    for package in ("initdoc.experiments", "initdoc.figures"):
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"{package}.{info.name}")
    _loaded = True
    for fig in FIGURES.values():
        if fig.experiment not in EXPERIMENTS:
            raise ValueError(
                f"figure '{fig.name}': {unknown('experiment', fig.experiment, EXPERIMENTS)}"
            )


def get_experiment(name: str) -> Experiment:
    """The experiment called `name` at the current scale, or a UserError listing the known ones."""
    load_all()
    if name not in EXPERIMENTS:
        raise UserError(unknown("experiment", name, sorted(EXPERIMENTS)))
    return EXPERIMENTS[name].at(scale())
