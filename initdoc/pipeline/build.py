"""The pipeline: run experiments (cached), draw their figures, collect the values pages quote."""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from initdoc.pipeline import cache, registry, verdicts
from initdoc.pipeline.atomic import write_text
from initdoc.pipeline.paths import figures_dir

STAMPS = ".stamps.json"
VERDICTS = "verdicts.json"


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


def build_one(name: str, stamps: dict[str, str], force: bool = False) -> Report:
    """Run (or load) one experiment and draw its figures that are missing or stale."""
    from initdoc.figures import plots

    registry.load_all()
    exp = registry.get_experiment(name)
    start = time.perf_counter()
    if force:
        cache.path(exp).unlink(missing_ok=True)
    result, ran = cache.run(exp)
    exp_key = cache.key(exp)
    drawn, new_stamps = [], {}
    for fig in (f for f in registry.FIGURES.values() if f.experiment == name):
        out = figures_dir() / f"{fig.name}.{fig.format}"
        new_stamps[fig.name] = figure_key(fig, exp_key)
        if ran or not out.exists() or stamps.get(fig.name) != new_stamps[fig.name]:
            if fig.format == "json":
                write_text(out, json.dumps(fig.draw(result), separators=(",", ":"), sort_keys=True))
            else:
                plots.save(fig.draw(result), out)
            drawn.append(fig.name)
    seconds = time.perf_counter() - start
    return Report(name, ran, seconds, drawn, result.values, new_stamps, result.verdicts)


def build(
    names: list[str] | None = None, jobs: int | None = None, force: bool = False, log=print
) -> list[Report]:
    """Build the named experiments (default: all), `jobs` at a time, and write the page data."""
    registry.load_all()
    names = sorted(registry.EXPERIMENTS) if not names else names
    for name in names:
        registry.get_experiment(name)
    jobs = max(1, min(jobs or default_jobs(), len(names)))
    out = figures_dir()
    stamps = _read_json(out / STAMPS)
    log(f"initdoc: {len(names)} experiments, {jobs} job{'s' * (jobs > 1)}")
    reports: list[Report] = []
    start = time.perf_counter()

    def done(report: Report) -> None:
        reports.append(report)
        status = f"ran in {report.seconds:6.1f} s" if report.ran else "cached        "
        drew = (
            f", drew {len(report.drawn)} figure{'s' * (len(report.drawn) != 1)}"
            if report.drawn
            else ""
        )
        log(f"  [{len(reports):>2}/{len(names)}] {report.name:<28} {status}{drew}")

    if jobs == 1:
        for name in names:
            done(build_one(name, stamps, force))
    else:
        with ProcessPoolExecutor(jobs) as pool:
            futures = [pool.submit(build_one, name, stamps, force) for name in names]
            for future in as_completed(futures):
                done(future.result())
    _write_page_data(reports, stamps)
    ran = sum(r.ran for r in reports)
    log(
        f"initdoc: {ran} ran, {len(reports) - ran} cached, {time.perf_counter() - start:.1f} s; figures in {out}"
    )
    return reports


def _read_json(path) -> dict:
    """A JSON object from `path`, or {} if it is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_page_data(reports: list[Report], stamps: dict[str, str]) -> None:
    """Merge values into results.json, figure words into figures.json, and record the stamps."""
    out = figures_dir()
    values = _read_json(out / "results.json")
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
        }
        for f in registry.FIGURES.values()
        if (out / f"{f.name}.{f.format}").exists()
    }
    write_text(out / "results.json", json.dumps(values, indent=1, sort_keys=True) + "\n")
    write_text(out / "figures.json", json.dumps(figures, indent=1, sort_keys=True) + "\n")
    write_text(out / STAMPS, json.dumps(stamps, indent=1, sort_keys=True) + "\n")
    _write_verdicts(reports)


def _write_verdicts(reports: list[Report]) -> None:
    """Merge each experiment's verdicts into verdicts.json, keyed experiment.key."""
    path = figures_dir() / VERDICTS
    found = _read_json(path)
    for report in reports:
        found = {k: v for k, v in found.items() if not k.startswith(f"{report.name}.")}
        found.update({f"{report.name}.{k}": v for k, v in report.verdicts.items()})
    known = set(registry.EXPERIMENTS)
    found = {k: verdicts.for_json(v) for k, v in found.items() if k.split(".", 1)[0] in known}
    write_text(path, json.dumps(found, indent=1, sort_keys=True, allow_nan=False) + "\n")
