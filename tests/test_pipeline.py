"""The pipeline: cache keys, corrupt entries, atomic writes, deterministic figures, page
references."""

import sys

import matplotlib.colors
import numpy as np
import pytest

from initdoc.figures import plots
from initdoc.pipeline import build, cache, registry
from initdoc.pipeline import result as result_io
from initdoc.pipeline.result import Result
from initdoc.site import references as pages


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project root, so the test never touches the real cache or figures."""
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n")
    monkeypatch.setenv("INITDOC_ROOT", str(tmp_path))
    registry.load_all()
    return tmp_path


def test_result_round_trip(tmp_path):
    res = Result({"a": np.arange(3.0)}, {"x": np.float64(1.5), "n": 3, "ok": True, "s": "t"})
    result_io.save(res, tmp_path / "r.npz", key="k1")
    back = result_io.load(tmp_path / "r.npz", key="k1")
    assert np.array_equal(back["a"], res["a"]) and back.values == {
        "x": 1.5,
        "n": 3,
        "ok": True,
        "s": "t",
    }
    assert result_io.load(tmp_path / "r.npz", key="other") is None


def small(name="symmetry", **params):
    """The registered experiment with fewer steps, so a test runs it in a blink."""
    exp = registry.get_experiment(name)
    return registry.Experiment(
        exp.name, exp.run, {**exp.params, "steps": 40, **params}, exp.seed, exp.about
    )


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_cache_entry_is_recomputed_not_trusted(project, damage):
    exp = small()
    first, ran = cache.run(exp)
    assert ran
    path = cache.path(exp)
    raw = path.read_bytes()
    path.write_bytes(
        {"truncate": raw[: len(raw) // 2], "garbage": b"x" * 100, "empty": b""}[damage]
    )
    assert cache.cached(exp) is None
    again, ran = cache.run(exp)
    assert ran and np.array_equal(again["X"], first["X"]) and again.values == first.values


def test_key_follows_params_and_code(monkeypatch):
    registry.load_all()
    exp = registry.get_experiment("symmetry")
    assert cache.key(small()) != cache.key(exp)
    before = cache.key(exp)
    original = cache.inspect.getsource
    edited = lambda mod: original(mod) + ("# edited\n" if mod.__name__ == "initdoc.nn" else "")  # noqa: E731
    monkeypatch.setattr(cache.inspect, "getsource", edited)
    assert cache.key(exp) != before


def test_key_covers_the_modules_an_experiment_uses():
    registry.load_all()
    module = sys.modules[registry.get_experiment("symmetry").run.__module__]
    names = {m.__name__ for m in cache.dependencies(module)}
    assert {"initdoc.nn", "initdoc.train", "initdoc.data", "initdoc.schemes"} <= names
    assert "initdoc.figures.plots" not in names  # editing a figure's style reruns no experiment


@pytest.fixture
def quick(project, monkeypatch):
    """The project, with the registered 'symmetry' experiment shortened to 40 steps."""
    monkeypatch.setitem(registry.EXPERIMENTS, "symmetry", small())
    return project


def test_two_builds_write_identical_bytes(quick):
    project = quick
    build.build(["symmetry"], jobs=1, log=lambda *_: None)
    first = {p.name: p.read_bytes() for p in (project / "figures").iterdir()}
    for p in (project / "figures").iterdir():
        p.unlink()
    cache.path(registry.get_experiment("symmetry")).unlink()
    build.build(["symmetry"], jobs=1, log=lambda *_: None)
    second = {p.name: p.read_bytes() for p in (project / "figures").iterdir()}
    assert first.keys() == second.keys() and first == second


def test_rebuild_reruns_nothing(quick):
    build.build(["symmetry"], jobs=1, log=lambda *_: None)
    (report,) = build.build(["symmetry"], jobs=1, log=lambda *_: None)
    assert not report.ran and report.drawn == []


VALUES = {"symmetry.steps": 3000, "symmetry.share": 0.7, "symmetry.tiny": 1.6e-17}
FIGURES = {
    "symmetry_costs": {"file": "figures/symmetry_costs.svg", "caption": "Cost.", "alt": "A plot."}
}


def test_references_expand():
    text = "{{ symmetry.steps }} steps, {{ symmetry.share:.0% }}, {{ symmetry.tiny:sci }}"
    assert pages.expand(text, "a.md", VALUES, FIGURES) == "3000 steps, 70%, 1.6 × 10<sup>−17</sup>"
    fig = pages.expand("{{ figure: symmetry_costs }}", "pitfalls/a.md", VALUES, FIGURES)
    assert "![A plot.](../figures/symmetry_costs.svg)" in fig and "<figcaption" in fig


@pytest.mark.parametrize(
    "text, message",
    [
        ("{{ symmetry.nope }}", "page.md: unknown value 'symmetry.nope'"),
        ("{{ figure: nope }}", "page.md: unknown figure 'nope'"),
        ("{{ what is this }}", "page.md: cannot read reference"),
        ("{{ symmetry.steps:.2q }}", "page.md: bad format"),
    ],
)
def test_bad_reference_names_page_and_reference(text, message):
    with pytest.raises(
        pages.PageReferenceError, match=message.replace(".", r"\.").replace("(", r"\(")
    ):
        pages.expand(text, "page.md", VALUES, FIGURES)


@pytest.mark.parametrize(
    "args, says",
    [
        (["run", "nope"], "initdoc: error: unknown experiment 'nope'; known: "),
        (["build", "nope"], "initdoc: error: unknown experiment 'nope'; known: "),
        (["build", "--jobs", "0"], "error: argument --jobs/-j: expected a whole number >= 1"),
        (["build", "--fast"], "error: unrecognized arguments: --fast"),
        (["frobnicate"], "error: argument command: invalid choice"),
    ],
)
def test_cli_mistakes_get_one_line_and_status_2(project, cli, args, says):
    proc = cli(*args, root=project)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and says in proc.stderr and "Traceback" not in proc.stderr


def test_cli_list_names_experiments_and_figures(cli):
    proc = cli("list")
    assert (
        proc.returncode == 0
        and "symmetry" in proc.stdout
        and "figure symmetry_weights" in proc.stdout
    )


def test_a_url_value_keeps_its_query_and_nothing_else():
    values = {"lab.link": "?data=circle&v=1.0", "lab.bad": '?x=1") <script>'}
    assert pages.expand("[lab](lab.md{{ lab.link:url }})", "a.md", values, {}) == (
        "[lab](lab.md?data=circle&v=1.0)"
    )
    bad = pages.expand("[lab](lab.md{{ lab.bad:url }})", "a.md", values, {})
    assert bad == "[lab](lab.md?x=1%22%29%20%3Cscript%3E)"


@pytest.mark.parametrize("layers", [1, 5, 6, 30])
def test_every_layer_of_a_histogram_figure_gets_a_colour_of_its_own(layers):
    colors = [matplotlib.colors.to_hex(c) for c in plots.layer_colors(layers)]
    assert len(colors) == layers == len(set(colors))


def test_a_snapshot_holds_what_the_site_build_reads(tmp_path):
    """bench, check-stable and check-reproducible build from a snapshot: the site's wheel needs
    pyproject.toml beside the package, mkdocs needs its hook and its pages."""
    from initdoc.pipeline import snapshot

    root = snapshot.take(tmp_path / "code")
    for part in ("pyproject.toml", "mkdocs.yml", "hooks/references.py", "docs/index.md"):
        assert (root / part).is_file(), part
    assert (root / "initdoc" / "__main__.py").is_file()
