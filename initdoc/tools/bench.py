"""Timings for this machine: cold and warm site builds, each experiment serial and parallel, the
training engine, and the live lab in chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from initdoc import nn, schemes
from initdoc.errors import UserError
from initdoc.pipeline import build, snapshot
from initdoc.tools.scratch import scratch

SIZES = [784, 300, 300, 300, 300, 10]  # the MNIST-sized network
ACTIVATIONS = ["tanh"] * 4 + ["softmax"]


def timed_build(root: Path, jobs: int) -> tuple[float, list[build.Report]]:
    """`initdoc build --jobs JOBS` on the project `root`: wall seconds, per-experiment reports."""
    os.environ["INITDOC_ROOT"] = str(root)
    start = time.perf_counter()
    reports = build.build(jobs=jobs, log=lambda *_: None)
    return time.perf_counter() - start, reports


def timed_site(root: Path) -> float:
    """`mkdocs build --strict` of the project root `root`, in seconds."""
    env = {**os.environ, "INITDOC_ROOT": str(root), "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(root / "site")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        print(f"{proc.stdout}{proc.stderr}", file=sys.stderr)
        raise UserError(f"mkdocs build failed (exit {proc.returncode}); see its output above")
    return time.perf_counter() - start


def engine_step(dtype, batch: int):
    """One forward + backward of the MNIST-sized tanh network, as training does it (no dL/dx)."""
    rng = np.random.default_rng(0)
    params = nn.init_params(rng, SIZES, schemes.get("glorot_normal"), dtype=dtype)
    x = rng.normal(size=(batch, SIZES[0])).astype(dtype)
    y = rng.integers(0, SIZES[-1], batch)

    def step():
        record = nn.forward(params, ACTIVATIONS, x)
        nn.cost(record, y, "softmax_cross_entropy")
        nn.backward(params, record, y, "softmax_cross_entropy", input_gradient=False)

    return step


def gemm_shapes(batch: int) -> list[tuple[int, int, int]]:
    """(m, k, n) of every matrix product in one training step: a @ W, a^T dz and dz @ W^T."""
    layers = list(zip(SIZES[:-1], SIZES[1:]))
    forward = [(batch, n_in, n_out) for n_in, n_out in layers]
    weights = [(n_in, batch, n_out) for n_in, n_out in layers]
    inputs = [(batch, n_out, n_in) for n_in, n_out in layers[1:]]
    return forward + weights + inputs


def engine_flops_per_example() -> int:
    """Multiply-adds ×2 of one example's step: every matrix product of gemm_shapes at batch 1."""
    return 2 * sum(m * k * n for m, k, n in gemm_shapes(1))


def gemm_peak(dtype, n: int = 1024, repeats: int = 5) -> float:
    """FLOP/s of the best of `repeats` n × n matrix products in numpy: this machine's GEMM peak."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, n, n)).astype(dtype)
    out = a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        np.matmul(a, b, out=out)
        best = min(best, time.process_time() - start)
    return 2 * n**3 / best


def torch_step(torch, dtype, batch: int):
    """The same network, loss and batch in PyTorch (one thread, as the engine)."""
    torch.manual_seed(0)
    layers = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=dtype), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers[:-1])  # softmax is inside the loss
    loss = torch.nn.CrossEntropyLoss()
    x = torch.randn(batch, SIZES[0], dtype=dtype)
    y = torch.randint(0, SIZES[-1], (batch,))

    def step():
        model.zero_grad(set_to_none=True)
        loss(model(x), y).backward()

    return step


def gemm_seconds(matmul, arrays, repeats: int = 20) -> float:
    """CPU seconds of one pass over the step's matrix products, best of `repeats`."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for a, b in arrays:
            matmul(a, b)
        best = min(best, time.process_time() - start)
    return best


def gemm_speed(torch, dtype, batch: int) -> float:
    """numpy's speed over PyTorch's on the matrix products of one step (their shapes, dtype):
    about the best initdoc / PyTorch an engine on numpy's matrix product can reach (operands
    stored another way, transposed, move it by up to a tenth)."""
    rng = np.random.default_rng(0)
    ours = [
        (rng.normal(size=(m, k)).astype(dtype), rng.normal(size=(k, n)).astype(dtype))
        for m, k, n in gemm_shapes(batch)
    ]
    theirs = [(torch.from_numpy(a), torch.from_numpy(b)) for a, b in ours]
    return gemm_seconds(torch.matmul, theirs) / gemm_seconds(np.matmul, ours)


def _rate(step, batch: int, seconds: float) -> float:
    """Run `step` (after a warm-up) for at least `seconds` of CPU time; examples per CPU second.

    CPU time, not wall time: on a machine shared with other work a one-thread step's CPU time
    is close to what it takes alone, while its wall time grows with the load.
    """
    for _ in range(3):
        step()
    n, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        step()
        n += 1
    return n * batch / elapsed


def site_section(tmp: Path, jobs: int) -> None:
    """Cold build, warm rebuild after a prose edit, and each experiment serial and with --jobs."""
    serial_root = snapshot.take(tmp / "serial")
    exp_cold, serial = timed_build(serial_root, 1)
    site_cold = timed_site(serial_root)
    page = serial_root / "docs" / "index.md"
    page.write_text(page.read_text() + "\nA sentence added by the benchmark.\n")
    exp_warm, warm = timed_build(serial_root, 1)
    site_warm = timed_site(serial_root)
    parallel_wall, parallel = timed_build(snapshot.take(tmp / "parallel"), jobs)
    reran = ", ".join(r.name for r in warm if r.ran)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average after the builds: {load} on {os.cpu_count()} cores (wall clock below)")
    print(f"{'site build':<44} {'seconds':>8}")
    print(f"  {'cold, empty cache: initdoc build --jobs 1':<42} {exp_cold:8.1f}")
    print(f"  {'cold: mkdocs build --strict':<42} {site_cold:8.1f}")
    print(f"  {'cold total':<42} {exp_cold + site_cold:8.1f}")
    print(
        f"  {'warm, after a prose edit: initdoc build':<42} {exp_warm:8.1f}"
        + (f"   (reran {reran}: expected none)" if reran else "")
    )
    print(f"  {'warm: mkdocs build --strict':<42} {site_warm:8.1f}")
    print(f"  {'warm total':<42} {exp_warm + site_warm:8.1f}")
    print()
    by_name = {r.name: r.seconds for r in parallel}
    print(f"{'experiment (cold: compute + figures)':<44} {'--jobs 1':>8} {f'--jobs {jobs}':>9}")
    for r in sorted(serial, key=lambda r: -r.seconds):
        print(f"  {r.name:<42} {r.seconds:8.1f} {by_name[r.name]:9.1f}")
    print(
        f"  {'sum of the above':<42} {sum(r.seconds for r in serial):8.1f} "
        f"{sum(by_name.values()):9.1f}"
    )
    print(
        f"  {'wall clock':<42} {exp_cold:8.1f} {parallel_wall:9.1f}"
        f"   ({exp_cold / parallel_wall:.2f}x with {jobs} jobs)"
    )
    print()


def engine_section(batches: list[int], seconds: float, rounds: int = 3) -> None:
    """Examples per second of initdoc.nn, and of PyTorch when it is installed, same network.

    The two take turns for `rounds` rounds and each keeps its best round, so that other work on
    the machine slows both alike. The share of the GEMM peak is the engine's FLOP/s (matrix
    products only) over that of a large numpy matrix product measured just before, same dtype.
    """
    try:
        import torch
    except ImportError:
        torch = None
    else:
        torch.set_num_threads(1)
    print(
        f"training engine: {'-'.join(map(str, SIZES))} tanh, softmax cross-entropy, "
        "forward + backward (no dL/dx, as in training), one thread, examples per CPU second; "
        f"best of {rounds} alternating rounds"
    )
    head = f"  {'batch':>6} {'dtype':>8} {'initdoc':>10}"
    if torch:
        head += f" {'PyTorch':>10} {'initdoc / PyTorch':>18} {'GEMMs alone':>12}"
    print(head + f" {'GFLOP/s':>8} {'GEMM peak':>10} {'share':>6}")
    for batch in batches:
        for name in ("float32", "float64"):
            peak = gemm_peak(np.dtype(name))
            steps = [engine_step(np.dtype(name), batch)]
            if torch:
                steps.append(torch_step(torch, getattr(torch, name), batch))
            best = [0.0] * len(steps)
            for _ in range(rounds):
                for i, step in enumerate(steps):
                    best[i] = max(best[i], _rate(step, batch, seconds / rounds))
            ours = best[0]
            line = f"  {batch:>6} {name:>8} {ours:10,.0f}"
            if torch:
                gemms = gemm_speed(torch, np.dtype(name), batch)
                line += f" {best[1]:10,.0f} {ours / best[1]:17.2f}x {gemms:11.2f}x"
            flops = ours * engine_flops_per_example()
            line += f" {flops / 1e9:8.1f} {peak / 1e9:10.1f} {flops / peak:6.0%}"
            print(line, flush=True)
    if torch is None:
        print(
            "  PyTorch is not installed here: no comparison "
            "(`pip install torch` in a separate environment "
            "to get one; initdoc does not depend on it)"
        )
    else:
        print(
            f"  PyTorch {torch.__version__}; GEMMs alone: the step's matrix products in numpy "
            "(OpenBLAS) over PyTorch, about the best ratio an engine on numpy's products can reach"
        )


LAB_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>initdoc lab bench</title>
<link rel="stylesheet" href="widgets.css"><link rel="stylesheet" href="lab.css"></head>
<body><main style="max-width: 46rem; margin: 0 auto; font: 16px sans-serif">
<div class="initdoc-lab" data-src="lab.json"></div></main>
<script src="widgets.js"></script><script src="lab.js"></script></body></html>
"""
LAB_ENGINE = """(steps) => {
  const E = window.initdocLab, lab = document.querySelector('.initdoc-lab').lab;
  const act = lab.settings.act, slope = lab.cfg.leaky_slope, m = lab.m;
  const start = performance.now();
  for (let s = 0; s < steps; s++) {
    const rec = E.forward(lab.layers, act, lab.X, m, slope);
    E.cost(rec, lab.y, m);
    E.sgd(lab.layers, E.backward(lab.layers, rec, lab.y, m, act, slope), 1e-9);
  }
  return steps / (performance.now() - start) * 1000;
}"""


def lab_page(folder: Path) -> str:
    """The lab alone on a page in `folder` (its scripts, styles and data, as the site has them)."""
    from initdoc.figures import lab as lab_figures
    from initdoc.pipeline import cache, paths, registry

    docs = paths.project_root() / "docs"
    for name in ("javascripts/widgets.js", "javascripts/lab.js"):
        shutil.copy(docs / name, folder)
    for name in ("stylesheets/widgets.css", "stylesheets/lab.css"):
        shutil.copy(docs / name, folder)
    result, _ = cache.run(registry.get_experiment("lab"))
    (folder / "lab.json").write_text(json.dumps(lab_figures.settings(result)))
    (folder / "index.html").write_text(LAB_PAGE)
    return "index.html"


def lab_section(seconds: float) -> None:
    """Training steps per second of the live lab in headless chromium: largest network, circle."""
    from initdoc.experiments import lab

    chromium = Path(os.environ.get("INITDOC_CHROMIUM", "/usr/bin/chromium"))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if not chromium.exists() or sync_playwright is None:
        why = (
            "playwright is missing (run make venv)"
            if chromium.exists()
            else (
                f"no chromium at {chromium} (apt-get install -y chromium, or set INITDOC_CHROMIUM)"
            )
        )
        print(f"lab: not measured: {why}\n")
        return
    import functools
    import http.server
    import threading

    hidden = "-".join([str(lab.MAX_WIDTH)] * lab.MAX_DEPTH)
    sizes = f"2-{lab.MAX_WIDTH}*{lab.MAX_DEPTH}-1"
    with tempfile.TemporaryDirectory(prefix="initdoc-lab-bench-") as tmp:
        page_name = lab_page(Path(tmp))

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=tmp)
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/{page_name}"
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"the lab in headless chromium: network {sizes} ({lab.DEFAULTS['act']}), circle set, "
            f"full batch; training steps per second, goal at least 60 while playing "
            f"(load average {load} on {os.cpu_count()} cores)"
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            for speed in lab.SPEEDS:
                page.goto(base + lab.query(hidden=hidden, data="circle", speed=speed))
                page.wait_for_function("() => document.querySelector('.initdoc-lab').lab")
                rate, fps = _lab_rate(page, seconds)
                default = " (the lab's default)" if speed == lab.DEFAULTS["speed"] else ""
                print(
                    f"  playing, {speed:>2} step{'s' if speed > 1 else ' '} per frame: "
                    f"{rate:8,.0f} steps/s, {fps:3.0f} frames/s{default}",
                    flush=True,
                )
            engine = page.evaluate(LAB_ENGINE, 2000)
            print(f"  training only, nothing drawn: {engine:8,.0f} steps/s")
            browser.close()
        server.shutdown()
        server.server_close()
    print()


def _lab_rate(page, seconds: float) -> tuple[float, float]:
    """Play the lab for `seconds` after a warm-up second: steps and frames per second."""
    read = (
        "() => { const l = document.querySelector('.initdoc-lab').lab; "
        "return [l.step, l.frames, performance.now()]; }"
    )
    page.click(".initdoc-lab .iw-play")
    page.wait_for_timeout(1000)
    step0, frame0, t0 = page.evaluate(read)
    page.wait_for_timeout(seconds * 1000)
    step1, frame1, t1 = page.evaluate(read)
    page.click(".initdoc-lab .iw-play")
    elapsed = (t1 - t0) / 1000
    return (step1 - step0) / elapsed, (frame1 - frame0) / elapsed


def main(
    jobs: int,
    engine_only: bool = False,
    site_only: bool = False,
    seconds: float = 2.0,
    lab_only: bool = False,
) -> int:
    """Print the benchmark tables; the builds run a snapshot of the code, in a child process."""
    with scratch("initdoc-bench-", keep=False) as tmp:
        if site_only:
            site_section(tmp, jobs)
            return 0
        if lab_only:
            lab_section(max(seconds, 5.0))
            return 0
        print(
            f"initdoc bench on {os.uname().nodename}: {build.default_jobs()} cores, "
            f"Python {sys.version.split()[0]}, "
            f"numpy {np.__version__}\n",
            flush=True,
        )
        if not engine_only:
            code = snapshot.take(tmp / "code")
            child = subprocess.run(
                [sys.executable, "-m", "initdoc", "bench", "--site-only", "--jobs", str(jobs)],
                cwd=code,
                env=snapshot.env(code),
            )
            if child.returncode != 0:
                raise UserError(
                    f"the site builds failed (exit {child.returncode}); see their output above"
                )
        engine_section([100, 1000], seconds)
        print()
        lab_section(max(seconds, 5.0))
        return 0
