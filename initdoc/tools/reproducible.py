"""Build twice from an empty cache (serial, then in parallel) and compare what was written, byte
for byte.

Both builds run one snapshot of the initdoc package, taken at the start, so an edit made meanwhile
cannot pass for a difference between the builds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from initdoc.pipeline import snapshot
from initdoc.tools.scratch import scratch


def clean_build(code: Path, root: Path, jobs: int, names: list[str]) -> float:
    """`python -m initdoc build [NAMES] --jobs JOBS` of the package in `code` into the empty root
    `root`; seconds."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "initdoc", "build", *names, "--jobs", str(jobs)],
        cwd=code,
        env=snapshot.env(code, INITDOC_ROOT=str(root)),
        check=True,
    )
    return time.perf_counter() - start


def differing_files(a: Path, b: Path) -> list[str]:
    """The files under `a` and `b` (relative paths) that are missing from one or differ in a
    byte."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(
        n
        for n in names
        if not (
            (a / n).is_file() and (b / n).is_file() and (a / n).read_bytes() == (b / n).read_bytes()
        )
    )


def differing_results(a: Path, b: Path) -> list[str]:
    """The cached results (.npz) whose key, values or arrays differ; the zip container's dates
    may."""
    different = []
    for path in sorted(a.glob("*.npz")):
        other = b / path.name
        if not other.is_file():
            different.append(path.name)
            continue
        with np.load(path) as x, np.load(other) as y:
            same = x.files == y.files and all(
                x[k].dtype == y[k].dtype
                and np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind in "fc")
                for k in x.files
            )
        if not same:
            different.append(path.name)
    return different + sorted(p.name for p in b.glob("*.npz") if not (a / p.name).is_file())


def main(names: list[str], jobs: int, keep: bool = False) -> int:
    """Two clean builds; print what they wrote; exit status 1 if any byte differs."""
    with scratch("initdoc-reproducible-", keep) as tmp:
        roots = [tmp / "first", tmp / "second"]
        code = snapshot.take(tmp / "code")
        seconds = []
        for root, build_jobs in zip(roots, (1, jobs)):
            print(f"== clean build into {root} with --jobs {build_jobs}", flush=True)
            seconds.append(clean_build(code, root, build_jobs, names))
        figures = differing_files(roots[0] / "figures", roots[1] / "figures")
        results = differing_results(
            roots[0] / ".cache" / "initdoc", roots[1] / ".cache" / "initdoc"
        )
        published = sorted(p.name for p in (roots[0] / "figures").iterdir())
        values = json.loads((roots[0] / "figures" / "results.json").read_text())
        print(
            f"\nbuild 1 (--jobs 1): {seconds[0]:.1f} s; build 2 (--jobs {jobs}): {seconds[1]:.1f} s"
        )
        print(
            f"compared {len(published)} files in figures/ ({len(values)} values in results.json) "
            f"and {len(list((roots[0] / '.cache' / 'initdoc').glob('*.npz')))} cached results"
        )
        for name in figures:
            print(f"  DIFFERS figures/{name}")
        for name in results:
            print(f"  DIFFERS .cache/initdoc/{name}")
        print(
            "reproducible: every byte is the same"
            if not figures + results
            else f"NOT reproducible: {len(figures) + len(results)} files differ"
        )
        return 1 if figures + results else 0
