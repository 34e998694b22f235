"""--scale paper: the paper experiments at their published sizes, cached and drawn apart."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from initdoc.errors import UserError
from initdoc.pipeline import build, cache, paths, registry

PAGES = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n")
    monkeypatch.setenv("INITDOC_ROOT", str(tmp_path))
    registry.load_all()
    return tmp_path


def test_paper_scale_changes_only_the_listed_parameters():
    registry.load_all()
    glorot = registry.EXPERIMENTS["glorot"]
    paper = glorot.at("paper")
    assert paper.params == {**glorot.params, **glorot.paper} != glorot.params
    assert glorot.at("default") is glorot
    assert cache.key(paper) != cache.key(glorot)


def test_glorot_paper_sizes_are_those_the_page_gives_for_the_paper():
    paper = registry.EXPERIMENTS["glorot"].at("paper").params
    row = {
        m[1].strip(): m[2]
        for m in re.finditer(
            r"^\| ([^|]+) \| ([^|]+) \|", (PAGES / "papers" / "glorot.md").read_text(), re.M
        )
    }
    assert row["hidden layers"].strip() == f"{paper['L']} × {paper['width']}"
    sizes = [f"{paper[k]:,}".replace(",", " ") for k in ("n_train", "n_valid", "n_test")]
    assert row["data"].strip() == f"{' / '.join(sizes)} MNIST images"


def test_paper_sizes_must_be_parameters_the_experiment_takes():
    with pytest.raises(ValueError, match="does not take"):
        registry.experiment("never_registered", paper={"widht": 10}, width=5)(lambda rng: None)
    assert "never_registered" not in registry.EXPERIMENTS


def test_each_scale_has_its_own_cache_and_figures(project, monkeypatch):
    assert paths.cache_dir() == project / ".cache" / "initdoc"
    assert paths.figures_dir() == project / "figures"
    monkeypatch.setenv(paths.SCALE_VARIABLE, "paper")
    assert paths.cache_dir() == project / ".cache" / "initdoc-paper"
    assert paths.figures_dir() == project / "figures-paper"
    assert paths.figures_dir("default") == project / "figures"
    monkeypatch.setenv(paths.SCALE_VARIABLE, "huge")
    with pytest.raises(UserError, match="not a scale"):
        paths.cache_dir()


def test_a_paper_build_runs_only_the_paper_experiments_and_leaves_the_site_alone(
    project, monkeypatch
):
    symmetry = registry.EXPERIMENTS["symmetry"]
    shortened = replace(symmetry, params={**symmetry.params, "steps": 40}, paper={"steps": 60})
    monkeypatch.setitem(registry.EXPERIMENTS, "symmetry", shortened)
    for name, exp in list(registry.EXPERIMENTS.items()):
        if name != "symmetry":
            monkeypatch.setitem(registry.EXPERIMENTS, name, replace(exp, paper={}))
    monkeypatch.setenv(paths.SCALE_VARIABLE, "paper")
    (report,) = build.build(jobs=1, log=lambda *_: None)
    assert report.name == "symmetry" and report.ran and report.values["steps"] == 60
    assert (project / ".cache" / "initdoc-paper" / "symmetry.npz").exists()
    assert (project / "figures-paper" / "results.json").exists()
    assert not (project / "figures").exists() and not (project / ".cache" / "initdoc").exists()
    assert paths.clean() == 0
    assert not list((project / "figures-paper").glob("*.svg"))


def test_an_unknown_scale_is_one_line_and_status_2(cli, project):
    done = cli("run", "symmetry", "--scale", "huge", root=project)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "invalid choice: 'huge'" in done.stderr


def test_a_cluster_worker_runs_an_experiment_at_the_clients_scale(monkeypatch):
    from initdoc.pipeline import cluster

    registry.load_all()
    symmetry = registry.EXPERIMENTS["symmetry"]
    shortened = replace(symmetry, params={**symmetry.params, "steps": 40}, paper={"steps": 60})
    monkeypatch.setitem(registry.EXPERIMENTS, "symmetry", shortened)
    digest = cluster.loaded_source()
    assert cluster.compute_on_worker("symmetry", digest, "paper").values["steps"] == 60
    assert cluster.compute_on_worker("symmetry", digest).values["steps"] == 40
