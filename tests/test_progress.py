"""Progress while building: the redrawn line, the rate-limited log, starts from pool workers."""

import io
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from initdoc.pipeline import build, paths, progress, registry


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_log_gets_a_line_only_after_every_seconds_and_at_most_that_often():
    clock, out = Clock(), io.StringIO()
    display = progress.Display(out, {"lsuv": 77.0}, every=10, clock=clock)
    display.started("lsuv")
    clock.now += 9
    display.update()
    assert out.getvalue() == ""
    clock.now += 1
    display.update()
    assert out.getvalue() == "  running: lsuv 10 s of ~77 s\n"
    clock.now += 5
    display.started("mnist")
    display.update()
    assert out.getvalue().count("\n") == 1
    clock.now += 5
    display.update()
    assert out.getvalue().splitlines()[-1] == "  running: lsuv 20 s of ~77 s, mnist 5 s"


def test_a_terminal_redraws_one_line_and_keeps_it_below_finished_lines():
    clock, out, logged = Clock(), Terminal(), []
    display = progress.Display(out, {}, clock=clock)
    display.started("glorot")
    clock.now += 3
    display.update()
    assert out.getvalue() == "\r  running: glorot 3 s\x1b[K"
    display.finished("glorot")
    display.print(logged.append, "  [1/1] glorot ran")
    assert logged == ["  [1/1] glorot ran"]
    assert out.getvalue().endswith("\r\x1b[K") and "\n" not in out.getvalue()


def test_a_start_announced_after_the_finish_is_ignored():
    display = progress.Display(io.StringIO(), {})
    display.finished("symmetry")
    display.started("symmetry")
    assert display.running == {} and display.line() == ""


def test_no_stream_shows_nothing_and_only_logs():
    display, logged = progress.Display(None, {}), []
    display.start()
    display.started("x")
    display.update()
    display.print(logged.append, "done")
    display.stop()
    assert logged == ["done"]


def test_pool_workers_announce_their_starts():
    events = multiprocessing.Queue()
    display = progress.Display(io.StringIO(), {})
    display.events = events
    initargs = (os.getpid(), events)
    with ProcessPoolExecutor(1, initializer=build.pool_worker, initargs=initargs) as pool:
        pool.submit(progress.announce, "lsuv").result()
    for _ in range(100):
        display.update()
        if display.running:
            break
        time.sleep(0.05)
    assert list(display.running) == ["lsuv"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n")
    monkeypatch.setenv("INITDOC_ROOT", str(tmp_path))
    registry.load_all()
    return tmp_path


def test_the_build_records_what_an_experiment_took_and_clean_removes_it(project):
    assert progress.read_durations() == {}
    progress.record_durations({"lsuv": 77.04})
    progress.record_durations({"mnist": 48.0})
    assert progress.read_durations() == {"lsuv": 77.0, "mnist": 48.0}
    paths.clean()
    assert progress.read_durations() == {}


def test_the_pool_gets_the_longest_experiments_first_and_the_untimed_before_them():
    durations = {"cheatsheet": 1.1, "lsuv": 77.0, "mnist": 48.0}
    order = build.longest_first(["cheatsheet", "lsuv", "mnist", "new", "newer"], durations)
    assert order == ["new", "newer", "lsuv", "mnist", "cheatsheet"]
