"""Every Python snippet and every `python -m initdoc` command shown in the docs runs as shown."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r"^```(python|bash)\n(.*?)^```", re.S | re.M)


def snippets():
    for page in sorted(DOCS.rglob("*.md")):
        for lang, body in FENCE.findall(page.read_text()):
            if lang == "python":
                yield pytest.param([sys.executable, "-c", body], id=f"{page.name}:python")
            for line in body.splitlines() if lang == "bash" else []:
                if line.startswith("python -m initdoc"):
                    words = shlex.split(line, comments=True)
                    yield pytest.param(
                        [sys.executable, *words[1:]], id=f"{page.name}:{' '.join(words)}"
                    )


@pytest.mark.parametrize("command", list(snippets()))
def test_snippet_runs(built, command):
    proc = subprocess.run(command, capture_output=True, text=True, cwd=DOCS.parent, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
