"""Faults and bad input: killed builds, concurrent builds, read-only and full disks, damaged files,
a diverging run, a missing data file, a site built before its data, values that try to be markup.

Each fault is the real thing: a real SIGKILL, real concurrent processes, a real read-only folder
and a real small filesystem, real mkdocs builds. The README's fault table names these tests.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import built_site
import numpy as np
import psutil
import pytest
from bs4 import BeautifulSoup
from test_mnist import _idx

from initdoc import data, mnist, nn, schemes, train
from initdoc.figures import plots
from initdoc.pipeline import build as build_module
from initdoc.pipeline import cache, registry, written
from initdoc.pipeline import result as result_io
from initdoc.site import references as pages

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = "symmetry"  # the model page's experiment: a few seconds cold
BOOKKEEPING = {".written.json", ".lock"}  # what the build wrote, and its lock


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
    """The published files under root/figures (not a leftover temporary file, nor the build's
    own bookkeeping: its manifest of what it wrote, and its lock)."""
    return {
        p.name: p.read_bytes()
        for p in sorted((root / "figures").glob("*"))
        if p.is_file() and not p.name.endswith(".tmp") and p.name not in BOOKKEEPING
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
    """A killer that sends SIGKILL the moment a temporary file appears under root/folder."""

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

    # Whatever the killed build left under its final names is whole: the uninterrupted build's.
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
    """The same ReLU net on the circle set, trained at a learning rate that diverges and one that
    does not."""
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
    proc = built_site.mkdocs_build(tmp_path, config=ROOT / "mkdocs.yml", timeout=300)
    lines = [line for line in proc.stderr.splitlines() if "results.json" in line]
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(lines) == 1 and "is missing: run `make figures`" in lines[0], proc.stderr


# The project root, and `clean`.

FAST = "he_signal"  # a fast experiment with one figure (cached by the session's build)


def warm_root(tmp_path: Path, *names: str) -> Path:
    """A project root holding the session's cache entries for `names`: a build only draws."""
    cache_dir = tmp_path / ".cache" / "initdoc"
    cache_dir.mkdir(parents=True)
    for name in names:
        shutil.copy2(ROOT / ".cache" / "initdoc" / f"{name}.npz", cache_dir)
    return tmp_path


def one_line(proc: subprocess.CompletedProcess, *says: str) -> str:
    """Assert that `proc` failed with status 2 and one line on stderr containing `says`."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.count("\n") == 1 and not proc.stderr.startswith("Traceback"), proc.stderr
    assert proc.stderr.startswith("initdoc: error: "), proc.stderr
    for part in says:
        assert part in proc.stderr, (part, proc.stderr)
    return proc.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_outside_a_project_the_cli_refuses_and_deletes_nothing(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "holiday.jpg").write_bytes(b"a user's photo")
    (tmp_path / ".cache" / "initdoc").mkdir(parents=True)
    (tmp_path / ".cache" / "initdoc" / "notes.npz").write_bytes(b"a user's arrays")
    before = snapshot(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "INITDOC_ROOT"}
    for args in (["clean"], ["build", FAST], ["run", FAST]):
        proc = subprocess.run(
            [sys.executable, "-m", "initdoc", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        one_line(proc, f"{tmp_path} is not inside an initdoc project", "INITDOC_ROOT")
    assert snapshot(tmp_path) == before


def test_clean_removes_only_what_the_build_wrote(built, tmp_path):
    root = warm_root(tmp_path, FAST)
    args, env = initdoc("build", FAST, root=root)
    assert subprocess.run(args, env=env, capture_output=True, timeout=600).returncode == 0
    figures, cache_dir = root / "figures", root / ".cache" / "initdoc"
    (figures / "notes.txt").write_text("a user's notes, in the wrong folder")
    (cache_dir / "mine.npz").write_bytes(b"a user's file with a cache-like name")
    with open(figures / f"{FAST}.svg", "ab") as f:  # edited by hand since the build drew it
        f.write(b"<!-- edited -->")
    (figures / f".{FAST}.svg.abc_1234.initdoc.tmp").write_bytes(b"half a figure")  # a killed write
    # The cache entry copied in before the build is not one the build wrote: it stays.
    args, env = initdoc("clean", root=root)
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in figures.iterdir()) == [
        ".lock",
        ".written.json",
        f"{FAST}.svg",
        "notes.txt",
    ]
    assert sorted(p.name for p in cache_dir.iterdir()) == [f"{FAST}.npz", "mine.npz"]
    assert f"changed since the build wrote them: {FAST}.svg" in proc.stdout
    assert "not written by the build: notes.txt" in proc.stdout
    assert f"not written by the build: {FAST}.npz, mine.npz" in proc.stdout
    # What the build wrote and left unchanged goes, and the folders with it once they are empty.
    (figures / "notes.txt").unlink()
    (figures / f"{FAST}.svg").unlink()
    (cache_dir / "mine.npz").unlink()
    (cache_dir / f"{FAST}.npz").unlink()
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and not figures.exists() and not (root / ".cache").exists()


@contextlib.contextmanager
def read_only(folder: Path):
    """Make `folder` read-only for real: a read-only bind mount as root, else chmod."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)
        return
    mount = ["mount", "--bind", str(folder), str(folder)]
    if subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.fail("root here may not mount: no real read-only folder can be made")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_clean_reports_a_failed_removal(built, tmp_path):
    root = warm_root(tmp_path, FAST)
    args, env = initdoc("build", FAST, "--force", root=root)
    assert subprocess.run(args, env=env, capture_output=True, timeout=600).returncode == 0
    before = snapshot(root / "figures")
    with read_only(root / "figures"):
        args, env = initdoc("clean", root=root)
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "figures" in proc.stderr and ("Read-only" in proc.stderr or "denied" in proc.stderr)
    assert "removed" not in proc.stdout.split("figures/:")[-1].split("\n")[0] or proc.stdout == ""
    assert snapshot(root / "figures") == before  # nothing lost, nothing reported as removed


def test_clean_names_the_files_it_could_not_remove_in_one_line(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    for name in "abcde":
        (figures / f"{name}.svg").write_text("<svg/>")
    written.record(*figures.glob("*.svg"))
    (figures / written.LOCK).unlink()  # so that clean gets as far as removing each file
    with read_only(figures):
        args, env = initdoc("clean", root=tmp_path)
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("initdoc: error: cannot remove figures/a.svg: Read-only")
    assert proc.stderr.rstrip().endswith("and 2 more")
    assert len(list(figures.glob("*.svg"))) == 5


# Stale results.


def test_a_damaged_figure_is_redrawn_and_never_published(built, tmp_path):
    root = warm_root(tmp_path, FAST)
    args, env = initdoc("build", FAST, root=root)
    assert subprocess.run(args, env=env, capture_output=True, timeout=600).returncode == 0
    figure = root / "figures" / f"{FAST}.svg"
    drawn = figure.read_bytes()
    figure.write_bytes(drawn[:1000] + b"X" * (len(drawn) - 1000))  # same size, same stamp
    with pytest.raises(pages.PageReferenceError, match=f"figures/{FAST}.svg is missing or not"):
        pages.load(root / "figures")  # the site build refuses it
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and "drew 1 figure" in proc.stdout, proc.stdout
    assert figure.read_bytes() == drawn
    pages.load(root / "figures")  # and publishes the figure again


def test_replaced_mnist_files_rerun_the_experiment(tmp_path, monkeypatch):
    monkeypatch.setenv("INITDOC_ROOT", str(tmp_path))
    folder = tmp_path / "mnist"
    folder.mkdir()
    _idx(folder, n=40)
    exp = registry.get_experiment("mnist")
    exp = registry.Experiment(
        exp.name, exp.run, {**exp.params, "data": str(folder)}, 0, "", exp.inputs
    )
    before = cache.key(exp)
    result_io.save(result_io.Result({"a": np.zeros(1)}, {}), cache.path(exp), before)
    assert cache.cached(exp) is not None
    images = folder / mnist.IDX_FILES["images"]
    stat = images.stat()
    raw = bytearray(images.read_bytes())
    raw[-1] ^= 0xFF  # one pixel, same size, same name, same modification time
    images.write_bytes(bytes(raw))
    os.utime(images, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.key(exp) != before and cache.cached(exp) is None  # rerun, not trusted


# Lost updates.


def test_concurrent_partial_builds_lose_no_values(built, tmp_path):
    names = (FAST, "saturation_units")
    for attempt in range(3):
        root = warm_root(tmp_path / str(attempt), *names)
        procs = []
        for name in names:
            args, env = initdoc("build", name, root=root)
            procs.append(
                subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            )
        assert [p.wait(timeout=600) for p in procs] == [0, 0]
        values = json.loads((root / "figures" / "results.json").read_text())
        stamps = json.loads((root / "figures" / ".stamps.json").read_text())
        figures = json.loads((root / "figures" / "figures.json").read_text())
        for name in names:
            assert any(k.startswith(f"{name}.") for k in values), (attempt, name)
            drawn = [f for f in registry.FIGURES.values() if f.experiment == name]
            assert all(f.name in stamps and f.name in figures for f in drawn), (attempt, name)


def test_the_page_data_merge_waits_for_the_lock(built, tmp_path):
    root = warm_root(tmp_path, FAST)
    (root / "figures").mkdir()
    with open(root / "figures" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build, merging
        args, env = initdoc("build", FAST, root=root)
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while not (root / "figures" / f"{FAST}.svg").exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # drawn; now it wants the lock to record it
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=3)
        assert not (root / "figures" / "results.json").exists()
    assert proc.wait(timeout=120) == 0
    values = json.loads((root / "figures" / "results.json").read_text())
    assert any(k.startswith(f"{FAST}.") for k in values)


@pytest.mark.parametrize("target", ["process group", "parent alone"])
def test_a_killed_build_leaves_no_worker_running(tmp_path, target):
    args, env = initdoc("build", FAST, "saturation_units", "--jobs", "2", "--force", root=tmp_path)
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    while len(parent.children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = parent.children()
    assert len(workers) == 2, "the build did not start its two workers"
    time.sleep(1)  # the workers are running their experiments
    if target == "process group":
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.wait(timeout=30)
    _, alive = psutil.wait_procs(workers, timeout=15)
    alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    for orphan in alive:  # leave no process behind, whatever the outcome
        orphan.kill()
    assert not alive, f"workers still running after the build was killed: {alive}"


# Faults of the machine: one line, exit status 2, nothing half-written.


def assert_nothing_half_written(root: Path) -> None:
    """No temporary file is left, every cache entry loads, every recorded file is intact."""
    assert not list(root.rglob("*.tmp")), list(root.rglob("*.tmp"))
    for folder in (root / "figures", root / ".cache" / "initdoc"):
        if folder.is_dir():
            for name in written.manifest(folder):
                assert written.intact(folder / name), name
    for entry in (root / ".cache" / "initdoc").glob("*.npz"):
        exp = registry.get_experiment(entry.stem)
        assert result_io.load(entry, cache.key(exp)) is not None, entry
    for page_data in (root / "figures").glob("*.json"):
        json.loads(page_data.read_text())


@pytest.mark.parametrize("folder", ["figures", ".cache/initdoc"])
def test_a_read_only_folder_is_one_line(tmp_path, folder):
    (tmp_path / folder).mkdir(parents=True)
    with read_only(tmp_path / folder):
        args, env = initdoc("build", FAST, root=tmp_path)
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
        one_line(proc, str(tmp_path / folder), "make the folder writable")
    assert_nothing_half_written(tmp_path)


def test_a_file_where_a_folder_should_be_is_one_line(tmp_path):
    (tmp_path / "figures").write_text("not a folder")
    args, env = initdoc("build", FAST, root=tmp_path)
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    one_line(proc, "figures", "a file stands where a folder should be")
    assert (tmp_path / "figures").read_text() == "not a folder"


def test_a_full_disk_is_one_line_and_leaves_nothing_half_written(tmp_path):
    # A real 128 KB filesystem: the cache entry (32 KB) fits, the figure (160 KB) does not.
    root = tmp_path / "small"
    root.mkdir()
    tmpfs = ["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(root)]
    args, env = initdoc("build", FAST, root=root)
    if os.geteuid() == 0:
        if subprocess.run(tmpfs, capture_output=True).returncode != 0:
            pytest.fail("root here may not mount: no real small filesystem can be made")
        try:
            proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
            kept = snapshot(root)
            assert_nothing_half_written(root)
        finally:
            subprocess.run(["umount", str(root)], check=True)
    else:  # a user namespace lets an unprivileged user mount a tmpfs of its own
        copy = f"cp -a {root}/. {tmp_path}/copy"
        script = f"{shlex.join(tmpfs)} && {shlex.join(args)}; s=$?; {copy}; exit $s"
        proc = subprocess.run(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        kept = snapshot(tmp_path / "copy")
        assert_nothing_half_written(tmp_path / "copy")
    one_line(proc, "No space left on device", "free some space")
    assert ".cache/initdoc/he_signal.npz" in kept  # what fitted is whole, and kept


def test_a_cache_entry_with_the_right_key_and_no_arrays_is_recomputed(tmp_path, monkeypatch):
    monkeypatch.setenv("INITDOC_ROOT", str(tmp_path))
    exp = registry.get_experiment("cheatsheet")
    full, ran = cache.run(exp)
    assert ran and full.arrays
    empty = result_io.Result(arrays={}, values=full.values)  # the right key, the arrays gone
    meta = json.dumps({"key": cache.key(exp), "arrays": sorted(full.arrays), "values": full.values})
    with open(cache.path(exp), "wb") as f:
        np.savez(f, __meta__=np.array(meta), **empty.arrays)
    assert cache.cached(exp) is None
    again, ran = cache.run(exp)
    assert ran and again.arrays.keys() == full.arrays.keys()


def test_an_mnist_folder_with_zero_images_is_one_line(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    _idx(folder, n=0)
    args, env = initdoc("run", "mnist", root=tmp_path, INITDOC_MNIST=str(folder))
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    one_line(proc, "holds no images")
    assert not (tmp_path / ".cache").exists()


@pytest.fixture
def small_site(tmp_path) -> Path:
    """A one-page site on the real mkdocs.yml (same plugins and hook), with its own figures/."""
    return built_site.small_project(
        tmp_path, {"index.md": "# Home\n\n{{ demo.steps }} steps.\n"}, {"demo.steps": 3}
    )


@pytest.mark.parametrize(
    "damage, says",
    [
        ("{not json", "results.json is damaged"),
        ("[1, 2]", "results.json holds a list"),
        ('{"demo.steps": [1, 2]}', "'demo.steps' is a list"),
    ],
)
def test_a_corrupt_results_json_stops_mkdocs_with_one_line(small_site, damage, says):
    (small_site / "figures" / "results.json").write_text(damage)
    proc = built_site.mkdocs_build(small_site)
    lines = [line for line in proc.stderr.splitlines() if "results.json" in line]
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(lines) == 1 and says in lines[0], proc.stderr


def test_a_figure_outside_figures_is_never_published(small_site):
    (small_site / "figures" / "figures.json").write_text(
        json.dumps({"x": {"file": "../../../etc/passwd", "caption": "c", "alt": "a"}})
    )
    proc = built_site.mkdocs_build(small_site)
    lines = [line for line in proc.stderr.splitlines() if "figures.json" in line]
    assert proc.returncode != 0 and len(lines) == 1 and "lacks a file in figures/" in lines[0]


# What reaches a page.

LATEX_PAGE = r"""# Home

Prose quotes {{ demo.steps }} steps. In math, $x^{{2}}$ and \(y_{{i}}\) are LaTeX, and
\(n = {{ demo.steps }}\) is a value:

$$
\frac{1}{n^{{2}}}
$$

In code, `{{ demo.steps }}` is shown as written, and so is a block:

```text
{{ not.a.reference }}
```

{{ code: demo.steps }}
"""

EVIL = {
    "demo.svg": "<svg onload=window.__pwned=1>",
    "demo.img": '"><img src=x onerror=window.__pwned=1>',
    "demo.link": "[click](javascript:window.__pwned=1)",
    "demo.math": "$x$ and *stars* | a pipe",
}
EVIL_PAGE = """# Home

Prose: {{ demo.svg }} and {{ demo.img }} and {{ demo.link }} and {{ demo.math }}.

| value | shown |
|---|---|
| svg | {{ demo.svg }} |
| img | {{ demo.img }} |

<div class="evil" title="{{ demo.img }}">{{ demo.svg }}</div>
"""


def test_latex_and_code_are_never_read_as_references_on_a_real_page(small_site):
    (small_site / "docs" / "index.md").write_text(LATEX_PAGE)
    proc = built_site.mkdocs_build(small_site)
    assert proc.returncode == 0, proc.stderr
    page = BeautifulSoup((small_site / "site" / "index.html").read_text(), "html.parser")
    maths = [m.get_text() for m in page.select(".arithmatex")]
    expected = [r"\(x^{{2}}\)", r"\(y_{{i}}\)", r"\(n = 3\)", "\\[\n\\frac{1}{n^{{2}}}\n\\]"]
    assert maths == expected, maths
    codes = [c.get_text() for c in page.select("code")]
    assert "{{ demo.steps }}" in codes and "{{ not.a.reference }}\n" in codes, codes
    assert "3\n" in codes  # the code reference's block
    assert "Prose quotes 3 steps." in page.get_text()


def test_a_value_that_tries_to_be_markup_is_shown_as_text(small_site, browser):
    (small_site / "figures" / "results.json").write_text(json.dumps(EVIL))
    (small_site / "docs" / "index.md").write_text(EVIL_PAGE)
    proc = built_site.mkdocs_build(small_site)
    assert proc.returncode == 0, proc.stderr
    page = BeautifulSoup((small_site / "site" / "index.html").read_text(), "html.parser")
    article = page.select_one("article")
    assert not article.select("svg, img, a[href^=javascript], em, .arithmatex")
    assert not [tag for tag in article.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    text = article.get_text()
    for value in EVIL.values():
        assert value in text, value  # shown, character for character
    assert page.select_one("div.evil")["title"] == EVIL["demo.img"]
    assert [td.get_text() for td in article.select("td")][1::2] == [
        EVIL["demo.svg"],
        EVIL["demo.img"],
    ]
    served, server = built_site.serve(small_site / "site")  # and in a browser, no script runs
    tab = browser.new_page()
    try:
        dialogs = []
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.goto(served, wait_until="networkidle")
        assert tab.evaluate("() => window.__pwned") is None and not dialogs
    finally:
        tab.close()
        server.shutdown()
        server.server_close()


def test_no_local_path_is_published(site):
    local = {str(ROOT), str(Path.home()), sys.prefix, str(mnist.csv_path().parent)}
    local |= {str(Path(tempfile.gettempdir()) / "pytest-of-")}
    leaks = [
        f"{path.relative_to(site)}: {part}"
        for path in sorted(site.rglob("*"))
        if path.is_file()
        for part in local
        if part.encode() in path.read_bytes()
    ]
    assert not leaks, leaks


# The environment: make venv.


def older_python() -> tuple[str, dict[str, str]]:
    """A real interpreter older than the Makefile's minimum, and any make variables it needs:
    an installed Python 3.6-3.10 if there is one, else this one with the minimum raised above it."""
    candidates = [shutil.which(f"python3.{minor}") for minor in range(10, 5, -1)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3")))
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.[6-9]*/bin/python3")))
    for found in filter(None, candidates):
        run = [found, "-c", "import sys; print(sys.version_info >= (3, 11))"]
        if subprocess.run(run, capture_output=True, text=True).stdout.strip() == "False":
            return found, {}  # it runs, and it is older
    return sys.executable, {"PYTHON_MIN": f"{sys.version_info[0]}.{sys.version_info[1] + 1}"}


def make_project(tmp_path: Path) -> Path:
    """The Makefile beside an empty requirements.txt and the project's pyproject.toml."""
    shutil.copy2(ROOT / "Makefile", tmp_path)
    shutil.copy2(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "requirements.txt").write_text("")
    return tmp_path


def make(folder: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """`make ARGS NAME=VALUE...` in `folder`, offline (pip may not reach an index)."""
    settings = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        ["make", "--no-print-directory", *args, *settings],
        cwd=folder,
        env={**os.environ, "PIP_NO_INDEX": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_venv_refuses_an_old_python_in_one_line(tmp_path):
    python, variables = older_python()
    proc = make(make_project(tmp_path), "venv", PYTHON=python, **variables)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "initdoc needs Python" in proc.stderr, proc.stderr
    assert not (tmp_path / ".venv").exists()  # checked before anything is made
    proc = make(tmp_path, "venv", PYTHON="no-such-python3")
    assert proc.returncode == 2 and "no-such-python3 is not found" in proc.stderr


def test_make_venv_remakes_a_venv_its_python_cannot_run(tmp_path):
    project = make_project(tmp_path)
    python, variables = older_python()
    if variables:  # no older Python here: a venv whose interpreter was uninstalled
        (project / ".venv" / "bin").mkdir(parents=True)
        (project / ".venv" / "bin" / "python").symlink_to(tmp_path / "uninstalled" / "python3")
    else:
        subprocess.run([python, "-m", "venv", "--without-pip", ".venv"], cwd=project, check=True)
    proc = make(project, "venv", PYTHON=sys.executable)
    assert ".venv does not run Python 3.11+: making it again" in proc.stdout, proc.stdout
    version = subprocess.run(
        [project / ".venv" / "bin" / "python", "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
    )
    assert version.stdout.strip() == str(sys.version_info[:2])  # repaired
    # Offline, installing the pinned packages fails; the stamp is missing, so the next run retries.
    assert proc.returncode != 0 and not (project / ".venv" / ".installed").exists()


def test_make_clean_keeps_the_venv_and_says_how_to_remove_it():
    proc = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True)
    assert ".venv stays (rm -rf .venv removes it)" in proc.stdout
    dry = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True)
    assert "-m initdoc clean" in dry.stdout and ".venv" not in dry.stdout.replace(".venv/bin", "")


def test_an_mnist_folder_path_reaches_no_output(tmp_path, monkeypatch):
    folder = tmp_path / "<svg onload=alert(document.domain)>"  # the folder name
    folder.mkdir()
    _idx(folder, n=600)
    exp = registry.get_experiment("mnist")
    small = {**exp.params, "data": str(folder), "n_train": 400, "n_heldout": 100, "epochs": 1}
    monkeypatch.setitem(
        registry.EXPERIMENTS,
        "mnist",
        registry.Experiment("mnist", exp.run, small, 0, "", exp.inputs),
    )
    monkeypatch.setenv("INITDOC_ROOT", str(tmp_path / "project"))
    monkeypatch.setenv("INITDOC_MNIST", str(folder))
    build_module.build(["mnist"], jobs=1, log=lambda *_: None)
    outputs = snapshot(tmp_path / "project" / "figures")
    assert "mnist_explorer.json" in outputs and "results.json" in outputs
    leaks = [
        name
        for name, raw in outputs.items()
        if str(tmp_path).encode() in raw or b"<svg onload" in raw
    ]
    assert not leaks, leaks
    values = json.loads(outputs["results.json"])
    assert values["mnist.source"].startswith("the standard MNIST training files (SHA-256 ")
