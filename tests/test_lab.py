"""The live lab: its settings are initdoc's, its script computes what initdoc.nn computes, and a
reader can drive it in Chromium (docs/lab.md, docs/javascripts/lab.js, experiments/lab.py)."""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import numpy as np
import pytest

from initdoc import data, nn, schemes
from initdoc.errors import UserError
from initdoc.experiments import lab
from initdoc.figures import lab as lab_figures

ROOT = Path(__file__).resolve().parents[1]
CHANCE = math.log(2)
SIGMAS = 6  # statistical bounds: six standard errors of the sample size


# The settings, without a browser.


def draws(init, shape=(7, 5), seed=3):
    return init(np.random.default_rng(seed), shape)


@pytest.mark.parametrize("name", lab.SCHEMES)
def test_each_scheme_is_the_initdoc_call_the_lab_copies(name):
    """The Python the lab writes for a scheme draws exactly what the lab's table describes."""
    v, c = 0.37, -0.8
    written = eval(lab.python_call(name, v, c), {"schemes": schemes})
    np.testing.assert_array_equal(draws(written), draws(lab.initializer(name, v, c)))


@pytest.mark.parametrize(
    "name", [n for n, s in lab.SCHEMES.items() if s.draw == "variance_scaling" and s.scale]
)
def test_named_schemes_are_the_variance_scaling_the_table_says(name):
    spec = lab.SCHEMES[name]
    core = schemes.variance_scaling(spec.scale, spec.mode, spec.distribution)
    np.testing.assert_array_equal(draws(schemes.get(name)), draws(core))


def test_a_link_holds_every_setting_and_only_ones_the_lab_can_show():
    for name, query in lab.links().items():
        settings = dict(parse_qsl(query.lstrip("?")))
        assert set(settings) == set(lab.DEFAULTS), name
        menus = lab_figures.menus()
        for key in ("data", "act", "init", "bias", "show"):
            assert settings[key] in [str(v) for v, _ in menus[key]], (name, key)
        assert float(settings["lr"]) in lab.LEARNING_RATES, name
        lab.hidden_sizes(settings["hidden"])
    with pytest.raises(UserError, match="bad hidden layers"):
        lab.query(hidden="-".join(["4"] * (lab.MAX_DEPTH + 1)))
    with pytest.raises(UserError, match="unknown lab setting 'depht'"):
        lab.query(depht=3)


def test_the_links_carry_the_pages_settings():
    links = {k: dict(parse_qsl(v.lstrip("?"))) for k, v in lab.links().items()}
    assert (
        links["playground.too_small"]["v"] == "0.01"
        and links["playground.too_large"]["v"] == "100.0"
    )
    assert links["symmetry.constant_w_random_b_tanh"]["bias"] == "random"
    assert links["symmetry.constant_tanh"]["bias"] == "zero"
    assert links["depth.s1.5"]["v"] == str(1.5**2) and links["depth.s1.5"]["act"] == "identity"


def test_the_zero_start_trains_as_the_page_says():
    """From zero weights and balanced classes, no gradient moves the cost off ln 2 (exact)."""
    run = lab.train_like_the_lab({"init": "zeros"}, n_points=200, data_seed=0, steps=50)
    assert np.all(np.abs(run.costs - CHANCE) < 1e-12)
    xor = lab.train_like_the_lab({"init": "zeros", "data": "xor"}, 200, 0, 50)
    assert xor.costs[-1] < xor.costs[0]  # unbalanced classes: the output bias learns the base rate


# The experiment's result: what the page quotes and the widget loads.


def test_the_lab_trains_on_initdocs_points(lab_result):
    payload = lab_figures.settings(lab_result)
    for name in data.TOY_SETS:
        X, y = data.toy(name, np.random.default_rng(payload["data_seed"]), payload["n_points"])
        assert payload["data"][name]["points"] == X.ravel().tolist()
        assert payload["data"][name]["labels"] == y.ravel().astype(int).tolist()


def test_he_falls_and_zero_stays_at_chance(lab_result):
    v = lab_result.values
    assert v["runs.zeros.largest_gap_from_chance"] < 1e-12
    assert v["runs.he_normal.final_cost_max"] < 0.25 * CHANCE < v["runs.he_normal.initial_cost"]
    for scheme in lab.RUN_SCHEMES:  # the summaries the page quotes are those of the curves drawn
        costs = lab_result[f"runs.{scheme}"]
        assert costs.shape == (v["draws"], v["steps"])
        assert v[f"runs.{scheme}.final_cost_max"] == costs[:, -1].max()


def test_the_fixture_covers_the_lab(lab_result):
    """Every hidden activation, the largest network, a zero start; outputs as initdoc.nn gives."""
    fixture = lab_figures.fixture(lab_result)
    nets = fixture["networks"]
    assert {n["activation"] for n in nets} == set(lab.ACTIVATIONS)
    assert [2, *[lab.MAX_WIDTH] * lab.MAX_DEPTH, 1] in [n["sizes"] for n in nets]
    kink = nets[lab.KINK]["layers"]
    assert nets[lab.KINK]["activation"] == "relu" and not any(kink[0]["z"])  # z = 0: the kink
    X = np.array(fixture["X"]).reshape(-1, 2)
    for n in nets:
        params = [
            (np.array(layer["W"]).reshape(a, b), np.array(layer["b"]))
            for layer, a, b in zip(n["layers"], n["sizes"][:-1], n["sizes"][1:])
        ]
        acts = [n["activation"]] * (len(params) - 1) + ["sigmoid"]
        out = nn.forward(params, acts, X).a[-1].ravel()
        assert out.tolist() == n["layers"][-1]["a"]


# In Chromium.


class Reader:
    """Pages of the served site in a context that refuses other hosts and records what happens."""

    def __init__(self, browser, served):
        self.base = served
        self.local = urlsplit(served).netloc
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served)
        self.requests, self.errors, self.pages = [], [], []
        self.context.route("**/*", self.route)

    def route(self, r):
        url = r.request.url
        self.requests.append(url)
        if urlsplit(url).netloc == self.local or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    def open(self, path):
        """The lab (or another page) at `path`, relative to the site, once its lab has started."""
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.goto(urljoin(self.base, path), wait_until="networkidle")
        page.wait_for_function(f"() => ({LAB})()")
        self.pages.append(page)
        return page

    def check(self):
        """Nothing asked of another host; no error in the console."""
        foreign = [u for u in self.requests if urlsplit(u).netloc not in (self.local, "")]
        assert not foreign, foreign
        assert not self.errors, self.errors


@pytest.fixture
def reader(browser, served):
    r = Reader(browser, served)
    yield r
    r.context.close()


LAB = "() => document.querySelector('.initdoc-lab').lab"
STATE = f"""() => {{ const l = ({LAB})(); return {{step: l.step, costs: l.costs, sizes: l.sizes,
    settings: Object.assign({{}}, l.settings), query: location.search, cost: l.full.cost,
    first: Array.from(l.X.slice(0, 2)),
    weights: l.layers.map(L => Array.from(L.W).concat(Array.from(L.b))),
    status: document.querySelector('.lab-status').textContent,
    net: document.querySelector('.lab-net canvas').toDataURL()}}; }}"""


def state(page):
    return page.evaluate(STATE)


def query_of(page_state):
    return dict(parse_qsl(page_state["query"].lstrip("?")))


def train(page, steps):
    """Play until at least `steps` steps are done, then pause; the state."""
    page.click(".initdoc-lab .iw-play")
    page.wait_for_function(f"() => ({LAB})().step >= {steps}", timeout=60_000)
    page.click(".initdoc-lab .iw-play")
    return state(page)


def set_control(page, control, value):
    """Choose, type or slide `value` into the control with id `control`, as a reader would."""
    kind = page.eval_on_selector(f"#{control}", "e => e.tagName + ':' + (e.type || '')")
    if kind.startswith("SELECT"):
        page.select_option(f"#{control}", value)
    elif kind == "INPUT:range":
        page.eval_on_selector(
            f"#{control}",
            "(e, v) => { e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); }",
            value,
        )
    else:
        page.fill(f"#{control}", value)
        page.press(f"#{control}", "Enter")
        page.dispatch_event(f"#{control}", "change")


def clipboard(page):
    return page.evaluate("() => navigator.clipboard.readText()")


def relative_error(ours, theirs):
    """max |ours - theirs| / max |theirs| over a tensor; the plain difference where theirs is 0."""
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    scale = np.abs(theirs).max()
    return float(np.abs(ours - theirs).max() / (scale if scale > 0 else 1.0))


PARITY = """async () => {
  const E = window.initdocLab, cfg = document.querySelector('.initdoc-lab').lab.cfg;
  const fx = await (await fetch('../figures/lab_fixture.json')).json();
  const X = Float64Array.from(fx.X), y = Float64Array.from(fx.y), m = y.length;
  const layersOf = net => net.layers.map((l, i) => ({nIn: net.sizes[i], nOut: net.sizes[i + 1],
      W: Float64Array.from(l.W), b: Float64Array.from(l.b)}));
  const networks = fx.networks.map(net => {
    const layers = layersOf(net);
    const rec = E.forward(layers, net.activation, X, m, cfg.leaky_slope);
    const g = E.backward(layers, rec, y, m, net.activation, cfg.leaky_slope);
    return {cost: E.cost(rec, y, m), layers: layers.map((_, i) => ({
      z: Array.from(rec.z[i + 1]), a: Array.from(rec.a[i + 1]), dz: Array.from(g.dz[i + 1]),
      dW: Array.from(g.dW[i + 1]), db: Array.from(g.db[i + 1])}))};
  });
  const t = fx.train, net = fx.networks[t.network], layers = layersOf(net), costs = [];
  for (let s = 0; s < t.steps; s++) {
    const rec = E.forward(layers, net.activation, X, m, cfg.leaky_slope);
    costs.push(E.cost(rec, y, m));
    E.sgd(layers, E.backward(layers, rec, y, m, net.activation, cfg.leaky_slope), t.lr);
  }
  const theory = fx.theory.map(c => {
    const variances = c.sizes.slice(1).map((n, i) =>
      E.weightVariance(cfg.schemes[c.scheme], c.sizes[i], n, 1));
    return E.predict(c.sizes, cfg.theory.fractions[c.activation], variances, 1, 0);
  });
  return {fixture: fx, networks, theory,
          train: {costs, final: layers.map(l => ({W: Array.from(l.W), b: Array.from(l.b)}))}};
}"""


def test_the_lab_computes_what_initdoc_computes(reader):
    """Forward pass, cost, every gradient, SGD steps and the theory agree with initdoc (float64)."""
    out = reader.open("lab/").evaluate(PARITY)
    fx = out["fixture"]
    errors = {}
    for k, (ours, theirs) in enumerate(zip(out["networks"], fx["networks"])):
        errors[f"{k}.cost"] = relative_error(ours["cost"], theirs["cost"])
        for l, (o, t) in enumerate(zip(ours["layers"], theirs["layers"]), start=1):
            for name in ("z", "a", "dz", "dW", "db"):
                errors[f"{k}.{theirs['activation']}.{name}{l}"] = relative_error(o[name], t[name])
    errors["train.costs"] = relative_error(out["train"]["costs"], fx["train"]["costs"])
    for l, (o, t) in enumerate(zip(out["train"]["final"], fx["train"]["final"]), start=1):
        errors[f"train.W{l}"] = relative_error(o["W"], t["W"])
        errors[f"train.b{l}"] = relative_error(o["b"], t["b"])
    for k, (ours, theirs) in enumerate(zip(out["theory"], fx["theory"])):
        errors[f"theory.{k}.z2"] = relative_error(ours["z2"], theirs["z2"])
        errors[f"theory.{k}.d2"] = relative_error(ours["d2"], theirs["d2"])
    worst = max(errors, key=errors.get)
    assert errors[worst] <= fx["tolerance"], f"{worst}: relative error {errors[worst]:.3g}"
    tensors = sum(1 + 5 * len(n["layers"]) for n in fx["networks"])
    tensors += 1 + 2 * len(fx["train"]["final"]) + 2 * len(fx["theory"])
    assert len(errors) == tensors  # every tensor was compared
    kink = out["networks"][lab.KINK]["layers"][0]  # z = 0 exactly: relu'(0) = 0, as in initdoc
    assert (
        not any(kink["dz"])
        and not any(kink["dW"])
        and any(fx["networks"][lab.KINK]["layers"][1]["dz"])
    )
    reader.check()


SAMPLE = """([shape, repeats, seed]) => {
  const E = window.initdocLab, cfg = document.querySelector('.initdoc-lab').lab.cfg;
  const out = {schemes: {}};
  for (const [name, spec] of Object.entries(cfg.schemes)) {
    const rng = new E.Random(seed), values = [];
    for (let r = 0; r < repeats; r++)
      values.push(Array.from(E.drawWeights(rng, spec, shape[0], shape[1], 0.37, -0.8)));
    out.schemes[name] = values;
  }
  const rng = new E.Random(seed), u = [], g = [];
  for (let i = 0; i < 200000; i++) { u.push(rng.uniform()); g.push(rng.normal()); }
  out.uniform = u; out.normal = g;
  const he = cfg.schemes.he_normal;
  out.again = Array.from(E.drawWeights(new E.Random(seed), he, shape[0], shape[1]));
  out.other = Array.from(E.drawWeights(new E.Random(seed + 1), he, shape[0], shape[1]));
  return out;
}"""


def expected_variance(spec: dict, n_in: int, n_out: int, v: float) -> float:
    """Var(W) by initdoc.schemes' formulas, computed here and not by the lab's script."""
    n = {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}.get(spec["mode"])
    if spec["draw"] == "variance_scaling":
        return (spec["scale"] or v) / n
    return {"zeros": 0.0, "normal": v, "orthogonal": 1 / max(n_in, n_out)}[spec["draw"]]


@pytest.mark.parametrize("shape", [(8, 16), (16, 3)])
def test_the_lab_draws_initdocs_distributions(reader, shape):
    """Each scheme's weights: mean and variance within six standard errors of initdoc's formula."""
    page = reader.open("lab/")
    repeats, seed = 400, 11
    out = page.evaluate(SAMPLE, [list(shape), repeats, seed])
    for name, spec in page.evaluate(f"() => ({LAB})().cfg.schemes").items():
        w = np.array(out["schemes"][name]).reshape(repeats, *shape)
        if spec["draw"] == "constant":
            assert np.all(w == -0.8), name
            continue
        variance, n = expected_variance(spec, *shape, 0.37), w.size
        kurtosis = 9 / 5 if spec["distribution"] == "uniform" else 3.0  # E[w⁴] / Var(w)²
        assert abs(w.mean()) <= SIGMAS * math.sqrt(variance / n), name
        if spec["draw"] != "orthogonal":  # its entries are not independent: checked below
            spread = SIGMAS * variance * math.sqrt((kurtosis - 1) / n)
            assert abs(w.var() - variance) <= spread, (name, w.var(), variance)
        if spec["distribution"] == "uniform":
            assert np.abs(w).max() <= math.sqrt(3 * variance), name
    q = np.array(out["schemes"]["orthogonal"]).reshape(repeats, *shape)
    gram = q.transpose(0, 2, 1) @ q if shape[0] >= shape[1] else q @ q.transpose(0, 2, 1)
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(min(shape)), gram.shape), atol=1e-12)
    u, g = np.array(out["uniform"]), np.array(out["normal"])
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) <= SIGMAS * math.sqrt(1 / 12 / u.size)
    assert abs(g.mean()) <= SIGMAS / math.sqrt(g.size)
    assert abs(g.var() - 1) <= SIGMAS * math.sqrt(2 / g.size)
    assert out["again"] == out["schemes"]["he_normal"][0] != out["other"]  # seeded, and by the seed
    reader.check()


# A reader at the lab.

# Each control, a value to give it, and what the URL then holds; the controls above a change
# set what it needs (v applies to N(0, v/n_in); c to constant weights).
CONTROLS = [
    ("lab-data", "spiral", "data", "spiral"),
    ("lab-act", "tanh", "act", "tanh"),
    ("lab-depth", "2", "hidden", "8-8"),
    ("lab-width", "5", "hidden", "5-5"),
    ("lab-hidden", "6-3", "hidden", "6-3"),
    ("lab-init", "constant", "init", "constant"),
    ("lab-c", "0.25", "c", "0.25"),
    ("lab-init", "scaled", "init", "scaled"),
    ("lab-v", "-1", "v", "0.1"),
    ("lab-bias", "random", "bias", "random"),
    ("lab-seed", "7", "seed", "7"),
    ("lab-lr", "0.1", "lr", "0.1"),
    ("lab-batch", "25", "batch", "25"),
    ("lab-speed", "25", "speed", "25"),
    ("lab-show", "gradients", "show", "gradients"),
]
KEEPS_THE_RUN = {"lab-speed", "lab-show"}


def test_every_control_changes_its_setting_and_the_run(reader):
    page = reader.open("lab/")
    assert state(page)["step"] == 0
    for control, value, key, shown in CONTROLS:
        before = train(page, 20) if control in ("lab-lr", "lab-batch") else state(page)
        set_control(page, control, value)
        after = state(page)
        assert query_of(after)[key] == shown, control
        if control in KEEPS_THE_RUN:
            continue
        assert after["step"] == 0, control
        if control in ("lab-lr", "lab-batch"):  # the same start, then another path
            again = train(page, 20)
            assert again["weights"] != before["weights"] or again["costs"] != before["costs"]
            assert again["costs"][1:20] != before["costs"][1:20], control
        elif control == "lab-data":
            assert after["first"] != before["first"]
        elif control == "lab-act":
            assert after["cost"] != before["cost"]
        else:  # the shape, the initialization or the seed: other starting weights
            assert after["weights"] != before["weights"], control
    assert query_of(state(page)) == {
        **{k: str(v) for k, v in lab.DEFAULTS.items()},
        **{key: shown for _, _, key, shown in CONTROLS},
    }
    assert state(page)["sizes"] == [2, 6, 3, 1]
    start = state(page)["step"]
    run = train(page, start + 60)
    assert (run["step"] - start) % 25 == 0  # 25 steps a frame
    before = state(page)["net"]
    set_control(page, "lab-show", "weights")
    assert state(page)["net"] != before
    reader.check()


def test_he_learns_the_circle_and_zero_weights_stay_at_chance(reader):
    page = reader.open("lab/" + lab.links()["home"])  # He weights on the circle
    assert query_of(state(page))["init"] == "he_normal"
    he = train(page, 300)
    assert he["costs"][-1] < 0.25 * he["costs"][0]
    set_control(page, "lab-init", "zeros")
    zero = train(page, 300)
    assert len(zero["costs"]) >= 300
    assert np.abs(np.array(zero["costs"]) - CHANCE).max() < 1e-12
    reader.check()


def test_a_copied_link_gives_the_same_curve(reader):
    page = reader.open("lab/" + lab.query(batch=10, bias="random", act="tanh", seed=5))
    mine = train(page, 200)
    page.click("text=copy the link")
    link = clipboard(page)
    assert urlsplit(link).query == mine["query"].lstrip("?")
    other = reader.open(link)
    opened = state(other)
    assert opened["step"] == 0 and opened["settings"] == mine["settings"]
    assert opened["weights"] != mine["weights"]  # trained, as against freshly drawn
    theirs = train(other, 200)
    n = min(len(mine["costs"]), len(theirs["costs"]))
    assert n >= 200 and mine["costs"][:n] == theirs["costs"][:n]
    reader.check()


def run_python(code: str) -> dict:
    """Run the copied program (in this process), with its printout and variables."""
    namespace, printed = {}, io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "copied-from-the-lab.py", "exec"), namespace)
    return {**namespace, "printed": printed.getvalue()}


def test_the_copied_python_trains_the_same_network(reader, lab_result):
    settings = {"batch": 10, "bias": "random", "act": "leaky_relu", "hidden": "6-3", "lr": 0.1}
    page = reader.open("lab/" + lab.query(**settings))
    steps = train(page, 100)["step"]
    page.click("text=copy the Python")
    ran = run_python(clipboard(page))
    assert ran["sizes"] == [2, 6, 3, 1]
    assert ran["activations"] == ["leaky_relu", "leaky_relu", "sigmoid"]
    assert f"after {steps} steps" in ran["printed"]
    v = lab_result.values
    reference = lab.train_like_the_lab(settings, v["n_points"], v["data_seed"], steps)
    np.testing.assert_array_equal(ran["run"].costs, reference.costs)

    # From zero weights on full batches nothing is random: the browser and initdoc agree.
    for control, value in (("lab-init", "zeros"), ("lab-batch", "full"), ("lab-act", "sigmoid")):
        set_control(page, control, value)
    browser_run = train(page, 50)
    page.click("text=copy the Python")
    python_run = run_python(clipboard(page))["run"]
    assert len(python_run.costs) == browser_run["step"]
    np.testing.assert_allclose(python_run.costs, browser_run["costs"], rtol=1e-12)
    reader.check()


def test_a_bad_link_gets_one_line_and_the_defaults(reader):
    page = reader.open("lab/?hidden=99-2&lr=banana&data=circle&init=<b>he</b>")
    note = page.text_content(".lab-note")
    assert "hidden=99-2" in note and "lr=banana" in note and "init=<b>he</b>" in note
    assert page.locator(".lab-note b").count() == 0  # shown as text, never as markup
    settings = state(page)["settings"]
    assert settings["hidden"] == lab.DEFAULTS["hidden"] and settings["lr"] == lab.DEFAULTS["lr"]
    reader.check()


# The page and the links to it.


def test_the_page_works_without_javascript(site):
    html = (site / "lab" / "index.html").read_text()
    assert "<noscript>" in html and 'id="fig-lab_costs"' in html
    assert 'data-src="../figures/lab.json"' in html


@pytest.mark.parametrize(
    "page, links",
    [
        ("index.html", ["home"]),
        ("playground/index.html", ["playground"]),
        (
            "zero-and-constant/index.html",
            ["symmetry.constant_tanh", "symmetry.constant_w_random_b_tanh"],
        ),
        ("too-small-too-large/index.html", ["playground.too_small", "playground.too_large"]),
        ("depth/index.html", ["depth.s0.5", "depth.s1.5"]),
        ("saturation/index.html", ["saturation.sigmoid", "saturation.tanh"]),
    ],
)
def test_pages_link_to_the_lab_at_their_settings(site, lab_result, page, links):
    html = (site / page).read_text()
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*lab/\?[^"]*)"', html)]
    queries = {urlsplit(h).query for h in hrefs}
    for name in links:
        assert lab_result.values[f"link.{name}"].lstrip("?") in queries, (page, name, hrefs)
    for h in hrefs:
        assert (site / page).parent.joinpath(urlsplit(h).path, "index.html").resolve().is_file()
