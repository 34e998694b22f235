"""Build the verdict-bearing experiments under several BLAS configurations and compare every
verdict's outcome: they must be identical, though the numbers may differ in the last bits.

OpenBLAS picks its matrix kernels for the processor it runs on, and different kernels round
float32 sums differently; a chaotic network amplifies such a difference layer after layer. Each
configuration builds into its own empty project root from one snapshot of the code, taken at the
start, so an edit made meanwhile cannot pass for a difference between configurations.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from initdoc.pipeline import registry, snapshot, verdicts
from initdoc.tools.scratch import scratch

# name: environment. The third stands in for another machine: OpenBLAS's Sandy Bridge kernels
# use AVX without fused multiply-add, so float32 products round differently from the kernels
# OpenBLAS picks on a current x86-64 processor (Haswell or newer).
CONFIGURATIONS = {
    "1 thread": {"OPENBLAS_NUM_THREADS": "1"},
    "2 threads": {"OPENBLAS_NUM_THREADS": "2"},
    "Sandy Bridge kernels": {"OPENBLAS_NUM_THREADS": "1", "OPENBLAS_CORETYPE": "Sandybridge"},
}


def verdict_experiments() -> list[str]:
    """Every experiment that declares a verdict."""
    registry.load_all()
    return sorted({claim.experiment for claim in verdicts.CLAIMS.values()})


def build_into(code: Path, root: Path, names: list[str], jobs: int, env: dict[str, str]) -> float:
    """`python -m initdoc build NAMES` of the code in `code` into the empty root `root`; seconds."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "initdoc", "build", *names, "--jobs", str(jobs)],
        cwd=code,
        env=snapshot.env(code, INITDOC_ROOT=str(root), **env),
        check=True,
    )
    return time.perf_counter() - start


def differences(found: dict[str, dict[str, dict]]) -> list[str]:
    """The verdicts whose outcome is not the same in every configuration (or that are missing
    from one), as lines naming the outcomes."""
    names = sorted(set().union(*(set(v) for v in found.values())))
    lines = []
    for name in names:
        outcomes = {
            config: v.get(name, {}).get("outcome", "missing") for config, v in found.items()
        }
        if len(set(outcomes.values())) > 1:
            lines.append(
                f"  DIFFERS {name}: " + ", ".join(f"{c}: {o}" for c, o in outcomes.items())
            )
    return lines


def report(found: dict[str, dict[str, dict]]) -> list[str]:
    """One line per verdict: its outcome and, per configuration, its estimate."""
    first = next(iter(found.values()))
    lines = []
    for name in sorted(first):
        estimates = " | ".join(
            found[c].get(name, {}).get("shown", {}).get("estimate", "-") for c in found
        )
        lines.append(f"  {name:<42} {first[name]['outcome']:<13} {estimates}")
    return lines


def main(names: list[str], jobs: int, keep: bool = False) -> int:
    """Build under every configuration, print the verdicts, exit 1 if any outcome differs."""
    names = names or verdict_experiments()
    with scratch("initdoc-stable-", keep) as tmp:
        code = snapshot.take(tmp / "code")
        found = {}
        for i, (config, env) in enumerate(CONFIGURATIONS.items()):
            root = tmp / f"config{i}"
            print(f"== {config} ({' '.join(f'{k}={v}' for k, v in env.items())})", flush=True)
            seconds = build_into(code, root, names, jobs, env)
            found[config] = json.loads((root / "figures" / "verdicts.json").read_text())
            print(f"   {len(found[config])} verdicts in {seconds:.1f} s", flush=True)
        print(f"\nverdict (outcome) and estimate under: {' | '.join(CONFIGURATIONS)}")
        print("\n".join(report(found)))
        differ = differences(found)
        print("\n".join(differ))
        total = len(next(iter(found.values())))
        print(
            f"stable: all {total} verdicts have the same outcome under {len(found)} configurations"
            if not differ
            else f"NOT stable: {len(differ)} of {total} verdicts differ"
        )
        return 1 if differ else 0
