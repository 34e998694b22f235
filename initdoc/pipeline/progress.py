"""Progress while building: which experiments run, for how long, and how long they took last time.

In a terminal the display redraws one line (a tick at a time); in a log (CI) it prints a line
only while something has run for `every` seconds, and at most once per `every` seconds. The
previous run's durations, recorded by the build beside the cache, are the estimates.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from typing import TextIO

from initdoc.pipeline import written
from initdoc.pipeline.atomic import write_text
from initdoc.pipeline.paths import cache_dir

DURATIONS = "durations.json"
LOG_EVERY = 10.0  # seconds between a log's progress lines, at least
TICK = 0.5  # seconds between a terminal's redraws
_started: queue.Queue | None = None  # set in pool workers: where build_one announces a start


def read_durations() -> dict[str, float]:
    """Seconds each experiment took when it last ran here ({} if never recorded)."""
    try:
        found = json.loads((cache_dir() / DURATIONS).read_text())
    except (OSError, ValueError):
        return {}
    return {k: float(v) for k, v in found.items() if isinstance(v, int | float)}


def record_durations(seconds: dict[str, float]) -> None:
    """Merge the run times of the experiments that ran into the recorded durations."""
    if not seconds:
        return
    folder = cache_dir()
    with written.locked(folder):
        durations = read_durations() | {k: round(v, 1) for k, v in seconds.items()}
        write_text(folder / DURATIONS, json.dumps(durations, indent=1, sort_keys=True) + "\n")
        written.record(folder / DURATIONS)


def listen(events: queue.Queue) -> None:
    """In a pool worker: announce each experiment's start on `events`."""
    global _started
    _started = events


def announce(name: str) -> None:
    """Tell the building process that `name` starts (in a pool worker; no-op elsewhere)."""
    if _started is not None:
        _started.put((name, time.time()))


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value < 600 else f"{value / 60:.0f} min"


class Display:
    """The running experiments on `stream`: one redrawn line, or a log line now and then.

    With no stream it shows nothing, and print() only logs.
    """

    def __init__(
        self,
        stream: TextIO | None,
        estimates: dict[str, float],
        *,
        interactive: bool | None = None,
        every: float | None = None,
        tick: float | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.stream, self.estimates, self.clock = stream, estimates, clock
        if interactive is None:
            interactive = stream is not None and stream.isatty()
        self.interactive = interactive
        self.every = LOG_EVERY if every is None else every
        self.tick = TICK if tick is None else tick
        self.running: dict[str, float] = {}
        self.done: set[str] = set()  # a late start event of these is ignored
        self.events: queue.Queue | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = ""
        self._last_log = clock()

    def started(self, name: str, at: float | None = None) -> None:
        with self._lock:
            if name not in self.done:
                self.running[name] = self.clock() if at is None else at

    def finished(self, name: str) -> None:
        with self._lock:
            self.running.pop(name, None)
            self.done.add(name)

    def line(self, now: float | None = None) -> str:
        """`running: lsuv 42 s of ~77 s, mnist 12 s` (no estimate for a first run)."""
        now = self.clock() if now is None else now
        parts = []
        for name, since in sorted(self.running.items(), key=lambda item: item[1]):
            part = f"{name} {_seconds(now - since)}"
            if name in self.estimates:
                part += f" of ~{_seconds(self.estimates[name])}"
            parts.append(part)
        return f"  running: {', '.join(parts)}" if parts else ""

    def print(self, log: Callable[[str], object], text: str) -> None:
        """Print a finished line through `log`, keeping a terminal's progress line below it."""
        with self._lock:
            self._clear()
            log(text)
            self._draw()

    def update(self) -> None:
        """Show the current state: redraw the line, or log it if it is due."""
        self._drain()
        with self._lock:
            now = self.clock()
            if self.interactive:
                self._draw()
            elif (
                self.stream is not None
                and now - self._last_log >= self.every
                and any(now - since >= self.every for since in self.running.values())
            ):
                self.stream.write(self.line(now) + "\n")
                self.stream.flush()
                self._last_log = now

    def start(self) -> None:
        """Show the progress from a thread of its own until stop()."""
        if self.stream is not None:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop showing it, and clear a terminal's progress line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self._clear()

    def _run(self) -> None:
        while not self._stop.wait(self.tick):
            self.update()

    def _drain(self) -> None:
        while self.events is not None:
            try:
                name, at = self.events.get_nowait()
            except (queue.Empty, OSError, ValueError):
                return
            self.started(name, at)

    def _draw(self) -> None:
        if not self.interactive:
            return
        text = self.line()
        if text != self._shown:
            self.stream.write("\r" + text[:119] + "\x1b[K")
            self.stream.flush()
            self._shown = text

    def _clear(self) -> None:
        if self.interactive and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = ""
