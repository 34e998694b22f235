"""What the build wrote: each output folder keeps a manifest of its files and their digests.

The manifest (`.written.json`) maps a file's name to the SHA-256 of the bytes the build wrote. A
file is trusted (a figure kept, not redrawn) only while its bytes still match; `clean` removes only
files that match, so a file of the user's that happens to sit in an output folder is never lost.
Processes that update a folder's shared files hold its lock (an flock on `.lock`) while they
read, merge and write them, so two builds at once lose no update.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from initdoc.pipeline.atomic import TEMPORARY, write_text

MANIFEST = ".written.json"
LOCK = ".lock"
LEFTOVER = re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(TEMPORARY))  # a killed write's temp file
_held: set[Path] = set()


@contextmanager
def locked(folder: Path):
    """Hold `folder`'s lock, shared by every process (re-entrant within one)."""
    key = Path(folder).resolve()
    if key in _held:
        yield
        return
    key.mkdir(parents=True, exist_ok=True)
    fd = os.open(key / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _held.add(key)
        yield
    finally:
        _held.discard(key)
        os.close(fd)  # closing the descriptor releases the lock


def digest(path: Path) -> str | None:
    """The SHA-256 of the file at `path`, or None if there is none."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def manifest(folder: Path) -> dict[str, str]:
    """The files the build wrote in `folder` and their digests ({} if none or unreadable)."""
    try:
        found = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def record(*paths: Path) -> None:
    """Note the bytes now in each of `paths` as written by the build."""
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for path in map(Path, paths):
        by_folder[path.parent].append(path)
    for folder, files in by_folder.items():
        with locked(folder):
            known = manifest(folder)
            known.update({p.name: digest(p) for p in files})
            known = {name: sha for name, sha in known.items() if sha is not None}
            write_text(folder / MANIFEST, json.dumps(known, indent=1, sort_keys=True) + "\n")


def intact(path: Path) -> bool:
    """Whether `path` holds the very bytes the build last wrote there."""
    path = Path(path)
    expected = manifest(path.parent).get(path.name)
    return expected is not None and expected == digest(path)


@dataclass
class Cleaned:
    """What `remove` did in one folder."""

    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # written by the build, changed since: kept
    foreign: list[str] = field(default_factory=list)  # never written by the build: kept
    failed: list[str] = field(default_factory=list)  # "name: reason"


def remove(folder: Path) -> Cleaned:
    """Remove from `folder` the files the build wrote that are unchanged; the folder if empty."""
    folder = Path(folder)
    done = Cleaned()
    if not folder.is_dir():
        return done
    shared = (folder / LOCK).exists()  # else no build wrote here: lock nothing, make nothing
    with locked(folder) if shared else contextlib.nullcontext():
        known = manifest(folder)
        for path in sorted(folder.iterdir()):
            name = path.name
            if name in (MANIFEST, LOCK):
                continue
            ours = name in known and path.is_file() and digest(path) == known[name]
            if ours or (LEFTOVER.fullmatch(name) and path.is_file()):
                _unlink(path, done)
            elif name in known:
                done.changed.append(name)
            else:
                done.foreign.append(name)
        if not (done.changed or done.foreign or done.failed):
            _unlink(folder / MANIFEST, done)
            _unlink(folder / LOCK, done)
    if not any(folder.iterdir()):
        try:
            folder.rmdir()
        except OSError as err:
            done.failed.append(f"{folder.name}/: {err.strerror}")
    return done


def _unlink(path: Path, done: Cleaned) -> None:
    """Remove one file, noting the outcome in `done`."""
    try:
        path.unlink(missing_ok=True)
    except OSError as err:
        done.failed.append(f"{path.name}: {err.strerror}")
    else:
        if path.name not in (MANIFEST, LOCK):
            done.removed.append(path.name)
