"""`python -m initdoc check-stable`: the same verdict outcomes under every BLAS configuration."""

import pytest

from initdoc.tools import stability


def verdict(outcome, estimate="0.5"):
    return {"outcome": outcome, "shown": {"estimate": estimate}}


def test_identical_outcomes_are_stable_whatever_the_last_bits():
    found = {
        "a": {"x.one": verdict("agrees", "0.501"), "x.two": verdict("disagrees")},
        "b": {"x.one": verdict("agrees", "0.502"), "x.two": verdict("disagrees")},
    }
    assert stability.differences(found) == []
    assert len(stability.report(found)) == 2


def test_a_changed_or_missing_outcome_is_reported():
    found = {
        "a": {"x.one": verdict("agrees"), "x.two": verdict("agrees")},
        "b": {"x.one": verdict("inconclusive")},
    }
    lines = stability.differences(found)
    assert len(lines) == 2
    assert "x.one: a: agrees, b: inconclusive" in lines[0]
    assert "b: missing" in lines[1]


def test_the_configurations_differ_in_threads_and_kernels():
    envs = list(stability.CONFIGURATIONS.values())
    assert {e["OPENBLAS_NUM_THREADS"] for e in envs} == {"1", "2"}
    assert any("OPENBLAS_CORETYPE" in e for e in envs)


def test_every_verdict_experiment_is_checked_by_default():
    assert {"saxe", "trainability", "glorot", "lsuv", "he_training"} <= set(
        stability.verdict_experiments()
    )


def test_an_unknown_experiment_is_one_line_and_status_2(cli):
    proc = cli("check-stable", "nope")
    assert (
        proc.returncode == 2
        and proc.stderr.count("\n") == 1
        and "unknown experiment" in proc.stderr
    )


@pytest.mark.full
def test_the_two_fastest_verdict_experiments_are_stable(cli):
    proc = cli("check-stable", "mean_field", "he_signal", timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "stable: all" in proc.stdout
    assert proc.stdout.count("== ") == len(stability.CONFIGURATIONS)


def test_the_snapshot_copies_the_project(tmp_path):
    from initdoc.pipeline import snapshot

    code = snapshot.take(tmp_path / "code")
    assert (code / "initdoc" / "pipeline" / "verdicts.py").is_file()
    assert (code / "mkdocs.yml").is_file() and (code / "docs" / "papers" / "saxe.md").is_file()
