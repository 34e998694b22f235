"""The pipeline: run experiments (cached), draw their figures, collect the values pages quote."""

from __future__ import annotations

import ctypes
import gzip
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TextIO

from initdoc.pipeline import cache, progress, registry, verdicts, written
from initdoc.pipeline.atomic import write_text
from initdoc.pipeline.paths import SCALES, figures_dir, scale

STAMPS = ".stamps.json"
VERDICTS = "verdicts.json"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass
class Report:
    """What building one experiment did."""

    name: str
    ran: bool
    seconds: float
    drawn: list[str]
    values: dict
    stamps: dict[str, str]
    verdicts: dict = field(default_factory=dict)


def default_jobs() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def figure_key(fig: registry.Figure, exp_key: str) -> str:
    """A figure is redrawn when its experiment's result or its drawing code changes."""
    module = sys.modules[fig.draw.__module__]
    return cache.source_digest(cache.dependencies(module))[:20] + exp_key


def card_path(fig: registry.Figure):
    """Where an SVG figure's PNG card goes (None for other formats)."""
    return figures_dir() / f"{fig.name}.card.png" if fig.format == "svg" else None


def build_one(name: str, stamps: dict[str, str]) -> Report:
    """Run (or load) one experiment and draw its figures that are missing or stale."""
    from initdoc.figures import plots

    progress.announce(name)
    registry.load_all()
    exp = registry.get_experiment(name)
    start = time.perf_counter()
    result, ran = cache.run(exp)
    exp_key = cache.key(exp)
    drawn, new_stamps = [], {}
    for fig in (f for f in registry.FIGURES.values() if f.experiment == name):
        out, card = figures_dir() / f"{fig.name}.{fig.format}", card_path(fig)
        new_stamps[fig.name] = figure_key(fig, exp_key)
        stale = not written.intact(out) or (card is not None and not written.intact(card))
        if ran or stale or stamps.get(fig.name) != new_stamps[fig.name]:
            if fig.format == "json":
                write_text(out, json.dumps(fig.draw(result), separators=(",", ":"), sort_keys=True))
            else:
                plots.save(fig.draw(result), out, card=card)
            written.record(*[path for path in (out, card) if path is not None])
            drawn.append(fig.name)
    seconds = time.perf_counter() - start
    return Report(name, ran, seconds, drawn, result.values, new_stamps, result.verdicts)


def build(
    names: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    log=print,
    scheduler: str | None = None,
    progress_to: TextIO | None = None,
) -> list[Report]:
    """Build the named experiments (default: all), `jobs` at a time, and write the page data.

    With `scheduler` (a Dask scheduler's address) the experiments are computed on that
    cluster first; this process then caches their results and draws the figures. With
    `progress_to` (a stream) the running experiments are shown there while they run.
    """
    registry.load_all()
    names = sorted(registry.EXPERIMENTS) if not names else list(dict.fromkeys(names))
    if scale() != SCALES[0]:  # the others are the same at every scale: the default build has them
        names = [name for name in names if registry.EXPERIMENTS[name].paper]
    for name in names:
        exp = registry.get_experiment(name)
        if force:
            cache.path(exp).unlink(missing_ok=True)
    if scheduler:
        from initdoc.pipeline import cluster

        cluster.compute(names, scheduler, log)
    jobs = max(1, min(jobs or default_jobs(), len(names)))
    out = figures_dir()
    stamps = _read_json(out / STAMPS)
    log(f"initdoc: {len(names)} experiments, {jobs} job{'s' * (jobs > 1)}")
    reports: list[Report] = []
    start = time.perf_counter()
    durations = progress.read_durations()
    display = progress.Display(progress_to, durations)

    def done(report: Report) -> None:
        reports.append(report)
        status = f"ran in {report.seconds:6.1f} s" if report.ran else "cached        "
        drew = (
            f", drew {len(report.drawn)} figure{'s' * (len(report.drawn) != 1)}"
            if report.drawn
            else ""
        )
        display.finished(report.name)
        display.print(log, f"  [{len(reports):>2}/{len(names)}] {report.name:<28} {status}{drew}")

    try:
        display.start()
        if jobs == 1:
            for name in names:
                display.started(name)
                done(build_one(name, stamps))
        else:
            display.events = multiprocessing.Queue() if progress_to else None
            with ProcessPoolExecutor(
                jobs, initializer=pool_worker, initargs=(os.getpid(), display.events)
            ) as pool:
                futures = [
                    pool.submit(build_one, name, stamps) for name in longest_first(names, durations)
                ]
                try:
                    for future in as_completed(futures):
                        done(future.result())
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)  # nothing new starts
                    raise
    finally:  # the experiments that finished publish their values with their figures
        display.stop()
        if reports:
            _write_page_data(reports)
            progress.record_durations({r.name: r.seconds for r in reports if r.ran})
    ran = sum(r.ran for r in reports)
    log(
        f"initdoc: {ran} ran, {len(reports) - ran} cached, "
        f"{time.perf_counter() - start:.1f} s; figures in {out}"
    )
    return reports


def longest_first(names: list[str], durations: dict[str, float]) -> list[str]:
    """`names` in the order that keeps every job busy to the end: the longest last time first,
    and before them those never timed (they may be long)."""
    return sorted(names, key=lambda name: -durations.get(name, float("inf")))


def pool_worker(parent: int, events) -> None:
    """Pool initializer: die with the build, and announce starts on `events` (if given)."""
    die_with(parent)
    if events is not None:
        progress.listen(events)


def die_with(parent: int) -> None:
    """Pool initializer: the worker is killed when `parent`, the build, dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl (not Linux): watch the parent instead
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _watch(parent: int) -> None:
    """Exit once `parent` is no longer this process's parent."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _read_json(path) -> dict:
    """A JSON object from `path`, or {} if it is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_page_data(reports: list[Report]) -> None:
    """Merge values into results.json, figure words into figures.json, and record the stamps.

    Under the figures folder's lock, reading the files again inside it, so that builds running at
    the same time each add their experiments and lose none of the other's.
    """
    out = figures_dir()
    with written.locked(out):
        _merge_page_data(out, reports)


def _merge_page_data(out, reports: list[Report]) -> None:
    """_write_page_data's work, with the lock held."""
    values = _read_json(out / "results.json")
    stamps = _read_json(out / STAMPS)
    for report in reports:
        values = {k: v for k, v in values.items() if not k.startswith(f"{report.name}.")}
        values.update({f"{report.name}.{k}": v for k, v in report.values.items()})
        stamps.update(report.stamps)
    known = set(registry.EXPERIMENTS)
    values = {k: v for k, v in values.items() if k.split(".", 1)[0] in known}
    for f in registry.FIGURES.values():
        path = out / f"{f.name}.{f.format}"
        if f.format == "json" and path.exists():
            raw = path.read_bytes()
            values[f"widget.{f.name}.bytes"] = len(raw)
            values[f"widget.{f.name}.gzip_bytes"] = len(gzip.compress(raw, mtime=0))
    figures = {
        f.name: {
            "file": f"figures/{f.name}.{f.format}",
            "caption": f.caption,
            "alt": f.alt,
            "experiment": f.experiment,
            **({"card": f"figures/{f.name}.card.png"} if f.format == "svg" else {}),
        }
        for f in registry.FIGURES.values()
        if (out / f"{f.name}.{f.format}").exists()
    }
    write_text(out / "results.json", json.dumps(values, indent=1, sort_keys=True) + "\n")
    write_text(out / "figures.json", json.dumps(figures, indent=1, sort_keys=True) + "\n")
    write_text(out / STAMPS, json.dumps(stamps, indent=1, sort_keys=True) + "\n")
    written.record(out / "results.json", out / "figures.json", out / STAMPS)
    _merge_verdicts(out, reports)


def _merge_verdicts(out, reports: list[Report]) -> None:
    """Merge each experiment's verdicts into verdicts.json, keyed experiment.key (lock held)."""
    found = _read_json(out / VERDICTS)
    for report in reports:
        found = {k: v for k, v in found.items() if not k.startswith(f"{report.name}.")}
        found.update({f"{report.name}.{k}": v for k, v in report.verdicts.items()})
    known = set(registry.EXPERIMENTS)
    found = {k: verdicts.for_json(v) for k, v in found.items() if k.split(".", 1)[0] in known}
    write_text(out / VERDICTS, json.dumps(found, indent=1, sort_keys=True, allow_nan=False) + "\n")
    written.record(out / VERDICTS)
