"""Faults and bad input: a killed build, a diverging run, a missing data file, a site built before its data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from initdoc import data, nn, schemes, train
from initdoc.figures import plots
from initdoc.pipeline import cache, registry
from initdoc.pipeline import result as result_io

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = "symmetry"  # the model page's experiment: a few seconds cold


def initdoc(*args: str, root: Path, **env) -> tuple[list[str], dict]:
    """The command line and environment of `python -m initdoc ARGS` on the project root `root`."""
    return [sys.executable, "-m", "initdoc", *args], {
        **os.environ,
        "INITDOC_ROOT": str(root),
        "PYTHONUNBUFFERED": "1",
        **env,
    }


def build(root: Path) -> subprocess.CompletedProcess:
    """An uninterrupted cold build of EXPERIMENT into `root`."""
    args, env = initdoc("build", EXPERIMENT, "--jobs", "1", root=root)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)


def files(root: Path) -> dict[str, bytes]:
    """The published files under root/figures (a leftover temporary file is not one)."""
    return {
        p.name: p.read_bytes()
        for p in sorted((root / "figures").glob("*"))
        if p.is_file() and not p.name.endswith(".tmp")
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A project root holding an uninterrupted build of EXPERIMENT."""
    root = tmp_path_factory.mktemp("reference")
    proc = build(root)
    assert proc.returncode == 0, proc.stderr
    return root


def kill_mid_experiment(proc: subprocess.Popen, root: Path) -> None:
    """SIGKILL once the build has announced its experiment and has run it for half a second."""
    for line in proc.stdout:
        if line.startswith("initdoc: 1 experiments"):
            break
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)


def kill_mid_write(folder: str):
    """A killer that sends SIGKILL the moment a temporary file appears under root/folder (a write under way)."""

    def kill(proc: subprocess.Popen, root: Path) -> None:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if any((root / folder).rglob("*.tmp")):
                break
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)

    return kill


@pytest.mark.parametrize(
    "kill",
    [kill_mid_experiment, kill_mid_write(".cache"), kill_mid_write("figures")],
    ids=["mid-experiment", "writing-cache-entry", "writing-figure"],
)
def test_a_killed_build_leaves_nothing_a_later_build_trusts(tmp_path, reference, kill):
    args, env = initdoc("build", EXPERIMENT, "--jobs", "1", root=tmp_path)
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    kill(proc, tmp_path)
    proc.wait(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before it could be killed; nothing interrupted")
    assert proc.returncode == -signal.SIGKILL, (
        f"the build failed by itself (exit {proc.returncode})"
    )

    # Whatever the killed build left under its final names is whole: equal to the uninterrupted build's.
    expected = files(reference)
    left = files(tmp_path)
    assert all(left[name] == expected.get(name) for name in left), sorted(left)
    registry.load_all()
    exp = registry.get_experiment(EXPERIMENT)
    entry = tmp_path / ".cache" / "initdoc" / f"{EXPERIMENT}.npz"
    kept = result_io.load(entry, cache.key(exp))
    if kept is not None:  # an entry the next build would trust must be the finished result
        done = result_io.load(
            reference / ".cache" / "initdoc" / f"{EXPERIMENT}.npz", cache.key(exp)
        )
        assert kept.values == done.values and kept.arrays.keys() == done.arrays.keys()
        assert all(np.array_equal(kept[k], done[k], equal_nan=True) for k in done.arrays)
    if kill is kill_mid_experiment:
        assert not entry.exists(), "killed too late: the experiment had already finished"

    # The next build completes and publishes the same bytes as a build that was never interrupted.
    again = build(tmp_path)
    assert again.returncode == 0, again.stderr
    assert files(tmp_path) == expected


def diverging_and_stable_runs():
    """The same ReLU net on the circle set, trained with a learning rate that diverges and one that does not."""
    rng = np.random.default_rng(0)
    X, y = data.toy("circle", rng, 200)
    params = nn.init_params(rng, [2, 16, 1], schemes.get("he_normal"))
    return [
        train.train(params, ["relu", "identity"], "mse", X, y, optimizer=train.SGD(lr), steps=300)
        for lr in (1.0, 0.001)
    ]


def test_a_diverging_run_is_drawn_as_diverged(tmp_path):
    diverged, stable = diverging_and_stable_runs()
    assert diverged.diverged and not stable.diverged
    fig, axes = plots.new_figure(1, 1)
    plots.cost_curve(axes[0, 0], diverged.costs, "learning rate 1")
    plots.cost_curve(axes[0, 0], stable.costs, "learning rate 0.001")
    assert [t.get_text() for t in axes[0, 0].texts] == [
        "diverged"
    ]  # once: for the diverged run only
    plots.save(fig, tmp_path / "costs.svg")
    assert (tmp_path / "costs.svg").read_text().count(
        "<!-- diverged -->"
    ) == 1  # the word, drawn as paths


def test_a_missing_data_file_gives_one_line_and_status_2(tmp_path):
    args, env = initdoc("run", "mnist", root=tmp_path, INITDOC_MNIST=str(tmp_path / "nonexistent"))
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("initdoc: error: ") and "nonexistent" in proc.stderr
    assert not any(p.is_file() for p in tmp_path.rglob("*")), "nothing may be written"


def test_the_site_built_before_its_data_says_what_to_run(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(tmp_path / "site"),
        ],
        env={**os.environ, "INITDOC_ROOT": str(tmp_path), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in proc.stderr.splitlines() if "results.json" in line]
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(lines) == 1 and "is missing: run `make figures`" in lines[0], proc.stderr
