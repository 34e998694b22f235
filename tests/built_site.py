"""The real site, built once per test session (cached experiments, strict MkDocs) and served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from initdoc.site import page_weight

ROOT = Path(__file__).resolve().parents[1]
MKDOCS_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
_built: dict[str, Path | str] = {}


def _run(args: list[str], what: str) -> None:
    """Run a build step in the project root; fail the test with the tail of its output if it fails."""
    proc = subprocess.run(args, cwd=ROOT, env=MKDOCS_ENV, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [
            line
            for line in (proc.stdout + proc.stderr).splitlines()
            if line.strip() and "INFO" not in line
        ]
        tail = "\n".join(lines[-25:])
        raise RuntimeError(f"{what} failed (exit {proc.returncode}):\n{tail}")


def site() -> Path:
    """The site as `make site` builds it (same experiment cache), into a temporary folder; built once."""
    if "site" not in _built:
        out = Path(tempfile.mkdtemp(prefix="initdoc-site-")) / "site"
        try:
            _run([sys.executable, "-m", "initdoc", "build"], "python -m initdoc build")
            _run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                "mkdocs build --strict",
            )
            _built["site"] = out
        except RuntimeError as err:
            _built["site"] = str(err)
    if isinstance(_built["site"], str):
        pytest.fail(_built["site"], pytrace=False)
    return _built["site"]


def pages(site_dir: Path) -> list[str]:
    """Every page of a built site as a URL path ('' for the home page), found from its HTML files."""
    return [
        html.relative_to(site_dir).as_posix().removesuffix("index.html")
        for html in page_weight.pages(site_dir)
    ]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log every request."""

    def log_message(self, *args):
        pass


def serve(site_dir: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve `site_dir` on 127.0.0.1 (a free port) from a background thread; the base URL and the server."""
    handler = functools.partial(_Quiet, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server
