"""Where generated things live, relative to the project root; and `clean`, which removes them."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from initdoc.errors import UserError
from initdoc.pipeline import written

ROOT_VARIABLE = "INITDOC_ROOT"
SCALE_VARIABLE = "INITDOC_SCALE"  # set by `build --scale` and `run --scale` for their workers
SCALES = ("default", "paper")  # paper: the paper experiments at their published sizes


def is_project(folder: Path) -> bool:
    """Whether `folder` is an initdoc project: mkdocs.yml beside the initdoc package."""
    return (folder / "mkdocs.yml").is_file() and (folder / "initdoc" / "__init__.py").is_file()


def project_root() -> Path:
    """$INITDOC_ROOT, else the nearest project folder up from the cwd; else a UserError."""
    if os.environ.get(ROOT_VARIABLE):
        return Path(os.environ[ROOT_VARIABLE])
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if is_project(folder):
            return folder
    raise UserError(
        f"{cwd} is not inside an initdoc project (no folder up from it holds mkdocs.yml and "
        f"initdoc/); run this in the project, or set {ROOT_VARIABLE} to the folder to work in"
    )


def scale() -> str:
    """The scale experiments run at: $INITDOC_SCALE, else 'default'."""
    name = os.environ.get(SCALE_VARIABLE, "").strip() or SCALES[0]
    if name not in SCALES:
        raise UserError(
            f"{SCALE_VARIABLE}={name!r} is not a scale; the scales: {', '.join(SCALES)}"
        )
    return name


def _scaled(folder: str, name: str | None) -> str:
    """`folder` at the default scale, `folder-NAME` at another: scales never share a file."""
    name = scale() if name is None else name
    return folder if name == SCALES[0] else f"{folder}-{name}"


def cache_dir(scale_name: str | None = None) -> Path:
    """Cached experiment results (of the current scale unless `scale_name` is given)."""
    return project_root() / ".cache" / _scaled("initdoc", scale_name)


def figures_dir(scale_name: str | None = None) -> Path:
    """Generated figures, results.json and figures.json (the site reads the default scale's)."""
    return project_root() / _scaled("figures", scale_name)


def clean() -> int:
    """Remove what the build wrote in figures/ and the experiment cache (every scale's), and
    nothing else.

    Exit status 0; a removal that failed is a UserError naming the files, after both folders
    were tried. A file the build did not write, or that changed since, is kept and named.
    """
    root = project_root()
    failed = []
    scaled = [f(name) for name in SCALES[1:] for f in (figures_dir, cache_dir)]  # if built
    for folder in (figures_dir(SCALES[0]), cache_dir(SCALES[0]), *filter(Path.exists, scaled)):
        shown = folder.relative_to(root).as_posix()
        done = written.remove(folder)
        print(f"{shown}/: removed {len(done.removed)} file{'s' * (len(done.removed) != 1)}")
        if done.changed:
            print(f"  kept, changed since the build wrote them: {', '.join(done.changed)}")
        if done.foreign:
            print(f"  kept, not written by the build: {', '.join(done.foreign)}")
        failed += [f"{shown}/{failure}" for failure in done.failed]
    with contextlib.suppress(OSError):  # .cache/ itself, if nothing else is in it
        cache_dir().parent.rmdir()
    if failed:
        more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
        raise UserError(f"cannot remove {'; '.join(failed[:3])}{more}")
    return 0
