"""The test tiers as `make test` runs them: several processes, the site tests grouped on one."""

import subprocess
import sys

TESTS = """
import pytest

@pytest.mark.xdist_group("sites")
@pytest.mark.parametrize("n", range(4))
def test_grouped(n):
    pass

@pytest.mark.parametrize("n", range(4))
def test_free(n):
    pass
"""


def test_grouped_tests_run_in_one_process(tmp_path):
    """pytest-xdist groups tests by renaming them NAME@GROUP, which some pytest releases undo
    (9.2.0): then every process would build its own sites."""
    (tmp_path / "test_grouping.py").write_text(TESTS)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    lines = [line for line in proc.stdout.splitlines() if "PASSED" in line]
    grouped = {line.split()[0] for line in lines if "test_grouped" in line}
    assert len(lines) == 8 and all("@sites" in line for line in lines if "test_grouped" in line)
    assert len(grouped) == 1, grouped  # [gw0] or [gw1], the same for all four
