/* The initdoc lab: a small MLP trains live in this page, from any initialization.
   Vanilla JavaScript on widgets.js, float64 throughout, nothing from another host. The root's
   data-src names figures/lab.json (initdoc/figures/lab.py): the data points, the menus, each
   scheme's formula, the theory's constants and the Python template. The engine below
   (window.initdocLab) is the one a browser test checks against initdoc.nn on figures/lab_fixture.json.

   Layout as in initdoc.nn: layer l has W (n_in x n_out, row-major) and b (n_out), computes
   z = a_prev W + b and a = f(z); a batch is m rows; the output is one sigmoid unit, the loss the
   binary cross-entropy averaged over the batch. */
(function () {
  "use strict";

  /* ---- Random numbers: mulberry32 (Tommy Ettinger, public domain), a 32-bit generator with
     period 2^32; two outputs make one 53-bit uniform double; Box-Muller makes normals. ---- */
  function Random(seed) {
    var state = seed >>> 0, spare = null;
    function next() {
      state = (state + 0x6D2B79F5) | 0;
      var t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (t ^ (t >>> 14)) >>> 0;
    }
    this.uint32 = next;
    /* Uniform on [0, 1) with 53 random bits. */
    this.uniform = function () { return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992; };
    /* Standard normal: Box-Muller, the second value of each pair kept for the next call. */
    this.normal = function () {
      if (spare !== null) { var s = spare; spare = null; return s; }
      var u = 1 - this.uniform(), v = this.uniform(), r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    };
    /* A uniformly random order of 0 .. n-1 (Fisher-Yates). */
    this.permutation = function (n) {
      var out = new Int32Array(n);
      for (var i = 0; i < n; i++) out[i] = i;
      for (var j = n - 1; j > 0; j--) {
        var k = Math.floor(this.uniform() * (j + 1)), t = out[j];
        out[j] = out[k]; out[k] = t;
      }
      return out;
    };
  }

  /* ---- Initializers: the formulas of initdoc.schemes, as lab.json's scheme table names them. ---- */

  /* Var(W) of a scheme for an (n_in, n_out) layer; null where the theory has nothing to say. */
  function weightVariance(spec, nIn, nOut, v) {
    if (spec.draw === "zeros") return 0;
    if (spec.draw === "constant") return null;  // not zero-mean: the variance rule does not apply
    if (spec.draw === "normal") return v;
    if (spec.draw === "orthogonal") return 1 / Math.max(nIn, nOut);
    var n = { fan_in: nIn, fan_out: nOut, fan_avg: (nIn + nOut) / 2 }[spec.mode];
    return (spec.scale === null ? v : spec.scale) / n;
  }

  /* A random orthogonal (rows x cols) matrix, row-major, transposed when wide, as
     initdoc.schemes.orthogonal: the Q of a normal matrix's QR with R's diagonal made positive,
     which Gram-Schmidt gives by construction; that Q is uniformly distributed. */
  function orthogonal(rng, rows, cols) {
    var tall = Math.max(rows, cols), narrow = Math.min(rows, cols), q = [], r;
    for (var j = 0; j < narrow; j++) {  // modified Gram-Schmidt, one normal column at a time
      var col = new Float64Array(tall);
      for (r = 0; r < tall; r++) col[r] = rng.normal();
      for (var i = 0; i < j; i++) {
        var dot = 0;
        for (r = 0; r < tall; r++) dot += q[i][r] * col[r];
        for (r = 0; r < tall; r++) col[r] -= dot * q[i][r];
      }
      var norm = 0;
      for (r = 0; r < tall; r++) norm += col[r] * col[r];
      norm = Math.sqrt(norm);
      for (r = 0; r < tall; r++) col[r] /= norm;
      q.push(col);
    }
    var out = new Float64Array(rows * cols);
    for (var a = 0; a < rows; a++) for (var b = 0; b < cols; b++) {
      out[a * cols + b] = rows >= cols ? q[b][a] : q[a][b];
    }
    return out;
  }

  /* Fill an (n_in x n_out) weight as `spec` says, with the slider's v and the constant c. */
  function drawWeights(rng, spec, nIn, nOut, v, c) {
    var W = new Float64Array(nIn * nOut), i;
    if (spec.draw === "constant") W.fill(c);
    else if (spec.draw === "orthogonal") W = orthogonal(rng, nIn, nOut);
    else if (spec.draw === "normal") for (i = 0; i < W.length; i++) W[i] = rng.normal() * Math.sqrt(v);
    else if (spec.draw === "variance_scaling") {
      var variance = weightVariance(spec, nIn, nOut, v);
      if (spec.distribution === "uniform") {
        var limit = Math.sqrt(3 * variance);  // U(-limit, limit) has variance limit² / 3
        for (i = 0; i < W.length; i++) W[i] = -limit + 2 * limit * rng.uniform();
      } else for (i = 0; i < W.length; i++) W[i] = rng.normal() * Math.sqrt(variance);
    }
    return W;
  }

  /* The network's layers [{nIn, nOut, W, b}], drawn in layer order (hidden biases after their W). */
  function init(rng, sizes, spec, v, c, biasStd) {
    var layers = [];
    for (var l = 1; l < sizes.length; l++) {
      var layer = { nIn: sizes[l - 1], nOut: sizes[l], W: drawWeights(rng, spec, sizes[l - 1], sizes[l], v, c),
                    b: new Float64Array(sizes[l]) };
      layers.push(layer);
    }
    if (biasStd) for (l = 0; l < layers.length - 1; l++) {
      for (var j = 0; j < layers[l].nOut; j++) layers[l].b[j] = biasStd * rng.normal();
    }
    return layers;
  }

  /* ---- The pass, as initdoc.nn computes it. ---- */

  /* The activation f and its derivative f'(z) given z and a = f(z); at a kink, the left slope. */
  function activation(name, slope) {
    switch (name) {
      case "relu": return { f: function (z) { return z > 0 ? z : 0; }, df: function (z) { return z > 0 ? 1 : 0; } };
      case "leaky_relu": return { f: function (z) { return z > 0 ? z : slope * z; }, df: function (z) { return z > 0 ? 1 : slope; } };
      case "tanh": return { f: Math.tanh, df: function (z, a) { return 1 - a * a; } };
      case "sigmoid": return { f: sigmoid, df: function (z, a) { return a * (1 - a); } };
      case "identity": return { f: function (z) { return z; }, df: function () { return 1; } };
    }
    throw new Error("unknown activation " + name);
  }

  /* 1 / (1 + exp(-z)) via exp(-|z|), so that exp never overflows. */
  function sigmoid(z) {
    var e = Math.exp(-Math.abs(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  }

  /* Forward pass of m rows X (m x 2): z[l], a[l] for l = 1..L (a[0] = X); hidden `act`, sigmoid output. */
  function forward(layers, act, X, m, slope) {
    var f = activation(act, slope).f, z = [null], a = [X];
    for (var l = 0; l < layers.length; l++) {
      var L = layers[l], nIn = L.nIn, nOut = L.nOut, W = L.W, prev = a[l];
      var zl = new Float64Array(m * nOut), al = new Float64Array(m * nOut), out = l === layers.length - 1;
      for (var r = 0; r < m; r++) {
        var row = r * nOut, inRow = r * nIn;
        for (var i = 0; i < nIn; i++) {
          var x = prev[inRow + i], wi = i * nOut;
          if (x !== 0) for (var j = 0; j < nOut; j++) zl[row + j] += x * W[wi + j];
        }
        for (j = 0; j < nOut; j++) {
          zl[row + j] += L.b[j];
          al[row + j] = out ? sigmoid(zl[row + j]) : f(zl[row + j]);
        }
      }
      z.push(zl);
      a.push(al);
    }
    return { z: z, a: a };
  }

  /* Binary cross-entropy of the output logits against y, averaged over the m rows. */
  function cost(record, y, m) {
    var z = record.z[record.z.length - 1], sum = 0;
    for (var r = 0; r < m; r++) sum += Math.log1p(Math.exp(-Math.abs(z[r]))) + Math.max(z[r], 0) - y[r] * z[r];
    return sum / m;
  }

  /* Backward pass: dz[l] = dL/dz[l], and dW[l], db[l], for l = 1..L (index 0 unused). */
  function backward(layers, record, y, m, act, slope) {
    var df = activation(act, slope).df, L = layers.length;
    var dz = new Array(L + 1), dW = new Array(L + 1), db = new Array(L + 1);
    var top = new Float64Array(m), out = record.a[L];
    for (var r = 0; r < m; r++) top[r] = (out[r] - y[r]) / m;  // sigmoid + cross-entropy: (a - y) / m
    dz[L] = top;
    for (var l = L; l >= 1; l--) {
      var layer = layers[l - 1], nIn = layer.nIn, nOut = layer.nOut, W = layer.W, d = dz[l], prev = record.a[l - 1];
      var gW = new Float64Array(nIn * nOut), gb = new Float64Array(nOut);
      for (r = 0; r < m; r++) {
        var row = r * nOut, inRow = r * nIn;
        for (var j = 0; j < nOut; j++) gb[j] += d[row + j];
        for (var i = 0; i < nIn; i++) {
          var x = prev[inRow + i], wi = i * nOut;
          if (x !== 0) for (j = 0; j < nOut; j++) gW[wi + j] += x * d[row + j];
        }
      }
      dW[l] = gW;
      db[l] = gb;
      if (l > 1) {
        var below = new Float64Array(m * nIn), zb = record.z[l - 1], ab = record.a[l - 1];
        for (r = 0; r < m; r++) {
          for (i = 0; i < nIn; i++) {
            var k = r * nIn + i, slopeHere = df(zb[k], ab[k]);
            if (slopeHere === 0) continue;  // a relu unit that is off passes nothing back
            var s = 0, wrow = i * nOut, row = r * nOut;
            for (j = 0; j < nOut; j++) s += d[row + j] * W[wrow + j];
            below[k] = s * slopeHere;
          }
        }
        dz[l - 1] = below;
      }
    }
    return { dz: dz, dW: dW, db: db };
  }

  /* One plain gradient-descent update, in place: w <- w - lr g. */
  function sgd(layers, grads, lr) {
    for (var l = 0; l < layers.length; l++) {
      var W = layers[l].W, b = layers[l].b, gW = grads.dW[l + 1], gb = grads.db[l + 1];
      for (var i = 0; i < W.length; i++) W[i] -= lr * gW[i];
      for (var j = 0; j < b.length; j++) b[j] -= lr * gb[j];
    }
  }

  /* ---- The theory of the derivation page, as initdoc.probe predicts it. ---- */

  /* Predicted E[z_l²] and E[a_l²] for the hidden layers and E[δ_l²] relative to the output
     layer's, l = 1..L, from the inputs' mean E[x²], Var(W) per layer and the hidden biases'
     variance; null when the theory does not apply (sigmoid, constant weights). */
  function predict(sizes, fractions, variances, x2, biasVar) {
    if (!fractions || variances.some(function (v) { return v === null; })) return null;
    var L = sizes.length - 1, z2 = [], a2 = [], d2 = new Array(L);
    for (var l = 0; l < L; l++) {
      var input = l === 0 ? x2 : fractions[0] * z2[l - 1];
      z2.push(sizes[l] * variances[l] * input + (l < L - 1 ? biasVar : 0));
      a2.push(fractions[0] * z2[l]);
    }
    d2[L - 1] = 1;
    for (l = L - 2; l >= 0; l--) d2[l] = sizes[l + 2] * variances[l + 1] * fractions[1] * d2[l + 1];
    return { z2: z2, a2: a2, d2: d2 };
  }

  var engine = {
    Random: Random, init: init, drawWeights: drawWeights, weightVariance: weightVariance,
    orthogonal: orthogonal, forward: forward, cost: cost, backward: backward, sgd: sgd,
    predict: predict, sigmoid: sigmoid,
  };
  window.initdocLab = engine;

  /* ---- The page. ---- */
  var W = window.initdocWidgets;
  if (!W) return;
  var HIST_BINS = 24, MAP_CELLS = 48, HEAVY_MS = 250;
  var WIDTH_RANGE = { weights: [-2.5, 1.5], gradients: [-6, 0] };

  /* "8-8-8" -> [8, 8, 8], or null unless 1..max_depth sizes of 1..max_width. */
  function parseHidden(text, cfg) {
    var parts = String(text).split("-");
    if (parts.length < 1 || parts.length > cfg.max_depth) return null;
    var sizes = parts.map(function (p) { return /^[0-9]+$/.test(p) ? +p : NaN; });
    return sizes.every(function (n) { return n >= 1 && n <= cfg.max_width; }) ? sizes : null;
  }

  /* A number as a Python float literal that reads back exactly (JavaScript's shortest round-trip
     digits, with a '.' or an exponent). */
  function pyFloat(x) {
    var s = String(x);
    if (/e/.test(s)) s = s.replace(/e\+?/, "e");
    return /[.e]/.test(s) || /inf|nan/i.test(s) ? s : s + ".0";
  }

  /* str.format for the templates of lab.json: {name} replaced, {{ and }} kept as braces. */
  function fill(template, values) {
    return template.replace(/\{\{|\}\}|\{(\w+)\}/g, function (m, key) {
      if (m === "{{") return "{";
      if (m === "}}") return "}";
      if (!(key in values)) throw new Error("no value for {" + key + "}");
      return String(values[key]);
    });
  }

  function Lab(root, cfg) {
    this.root = root;
    this.cfg = cfg;
    this.fractions = cfg.theory.fractions;
    this.notice = "";
    this.settings = this.read(new URLSearchParams(location.search));
    this.build();
    this.reset();
    var self = this;
    W.onResize(root, function () { self.draw(true); });
  }

  /* The settings from a URL query, each checked; a bad one falls back to its default, with a note. */
  Lab.prototype.read = function (query) {
    var cfg = this.cfg, d = cfg.defaults, s = {}, bad = [];
    function pick(key, ok, parse) {
      var raw = query.get(key);
      if (raw === null) { s[key] = d[key]; return; }
      var value = parse ? parse(raw) : raw;
      if (ok(value)) s[key] = value; else { s[key] = d[key]; bad.push(key + "=" + raw); }
    }
    function menu(key) { return function (x) { return cfg.menus[key].some(function (o) { return String(o[0]) === String(x); }); }; }
    function within(lo, hi) { return function (x) { return isFinite(x) && x >= lo && x <= hi; }; }
    pick("data", menu("data"));
    pick("act", menu("act"));
    pick("init", menu("init"));
    pick("bias", menu("bias"));
    pick("show", menu("show"));
    pick("hidden", function (x) { return parseHidden(x, cfg) !== null; });
    pick("v", within(cfg.v_range[0], cfg.v_range[1]), Number);
    pick("c", within(-10, 10), Number);
    pick("lr", within(1e-6, 10), Number);
    pick("batch", function (x) { return x === "full" || (/^[0-9]+$/.test(x) && +x >= 1 && +x <= cfg.n_points); });
    pick("seed", function (x) { return /^[0-9]+$/.test(x) && +x < 4294967296; });
    pick("speed", menu("speed"), Number);
    s.seed = +s.seed;
    this.notice = bad.length ? "Ignored what this link asked for and the lab cannot do: " + bad.join(", ") +
      "; those settings are at their defaults." : "";
    return s;
  };

  /* The current settings as a URL query, in the order of the defaults. */
  Lab.prototype.query = function () {
    var s = this.settings;
    return "?" + Object.keys(this.cfg.defaults).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(String(s[k]));
    }).join("&");
  };

  Lab.prototype.build = function () {
    var self = this, cfg = this.cfg, s = this.settings, m = cfg.menus, el = W.el;
    function withCurrent(options, value) {  // a value from a link that the menu lacks gets its own entry
      return options.some(function (o) { return String(o[0]) === String(value); }) ? options : options.concat([[value, String(value)]]);
    }
    this.controls = {
      data: W.select("lab-data", m.data, s.data),
      act: W.select("lab-act", m.act, s.act),
      init: W.select("lab-init", m.init, s.init),
      bias: W.select("lab-bias", m.bias, s.bias),
      lr: W.select("lab-lr", withCurrent(m.lr, s.lr), s.lr),
      batch: W.select("lab-batch", withCurrent(m.batch, s.batch), s.batch),
      depth: W.select("lab-depth", range(1, cfg.max_depth), 1),
      width: W.select("lab-width", range(1, cfg.max_width), 1),
      hidden: el("input", { type: "text", id: "lab-hidden", value: s.hidden, inputmode: "numeric",
        pattern: "[0-9]+(-[0-9]+)*", "aria-describedby": "lab-hidden-help", size: "12" }),
      v: el("input", { type: "range", id: "lab-v", min: String(Math.log10(cfg.v_range[0])),
        max: String(Math.log10(cfg.v_range[1])), step: "0.01", value: String(Math.log10(s.v)) }),
      c: el("input", { type: "number", id: "lab-c", min: "-10", max: "10", step: "0.1", value: String(s.c) }),
      seed: el("input", { type: "number", id: "lab-seed", min: "0", max: "4294967295", step: "1", value: String(s.seed) }),
      speed: W.select("lab-speed", m.speed, s.speed),
      show: W.select("lab-show", m.show, s.show),
    };
    function range(lo, hi) { var out = []; for (var i = lo; i <= hi; i++) out.push([i, String(i)]); return out; }
    var c = this.controls;
    this.vOut = el("output", { for: "lab-v", class: "lab-v-value" });
    this.syncShape();
    var fields = el("div", { class: "lab-controls" }, [
      W.field("Data set", c.data),
      W.field("Hidden activation", c.act),
      W.field("Hidden layers", c.depth),
      W.field("Units per layer", c.width),
      el("div", { class: "iw-field" }, [el("label", { for: "lab-hidden", text: "Layer sizes" }), c.hidden,
        el("small", { id: "lab-hidden-help", text: "1 to " + cfg.max_depth + " sizes of 1 to " + cfg.max_width + ", e.g. 6-3" })]),
      W.field("Initialization", c.init),
      el("div", { class: "iw-field lab-v" }, [el("label", { for: "lab-v", text: "v (log scale)" }), c.v, this.vOut]),
      W.field("Constant c", c.c),
      W.field("Biases", c.bias),
      W.field("Learning rate", c.lr),
      W.field("Batch", c.batch),
      W.field("Seed", c.seed),
      W.field("Speed", c.speed),
      W.field("Links show", c.show),
    ]);
    this.player = new W.Player({
      id: "lab", live: true,
      tick: function (single) { return self.train(single ? 1 : self.settings.speed); },
      reset: function () { self.reset(); },
      state: function (playing) { if (!playing) self.draw(true); },
    });
    this.status = el("p", { class: "lab-status", "aria-live": "polite" });
    this.note = el("p", { class: "lab-note", role: "status" });
    this.net = el("canvas", { role: "img", "aria-label": "The network, its links drawn by the chosen quantity" });
    this.map = el("canvas", { role: "img", "aria-label": "Decision boundary: probability of class 1 over the input square, with the data points" });
    this.curve = el("canvas", { role: "img", "aria-label": "Cost curve of this run so far" });
    this.hists = el("div", { class: "lab-hists" });
    this.copyLink = el("button", { type: "button", class: "lab-copy", text: "copy the link" });
    this.copyPython = el("button", { type: "button", class: "lab-copy", text: "copy the Python" });
    this.copied = el("span", { class: "lab-copied", "aria-live": "polite" });
    this.link = el("a", { class: "lab-link", href: "" });
    this.python = el("code", { class: "language-python" });
    this.root.textContent = "";
    [fields, this.player.node, this.note, this.status,
      el("div", { class: "lab-panels" }, [
        el("figure", { class: "lab-panel lab-net" }, [this.net, el("figcaption", { text: "The network: links coloured by sign (red +, blue −), width by size on a log scale" })]),
        el("figure", { class: "lab-panel lab-map" }, [this.map, el("figcaption", { text: "P(class 1) over [−5, 5]² with the data points" })]),
        el("figure", { class: "lab-panel lab-curve" }, [this.curve, el("figcaption", { text: "Cost (log scale) against training step; dashed: ln 2" })]),
      ]),
      el("h4", { text: "Each hidden layer: activations a and back-propagated gradients ∂L/∂z, over all the points" }),
      this.hists,
      el("div", { class: "lab-share" }, [this.copyLink, this.copyPython, this.copied]),
      el("p", { class: "lab-link-line" }, ["This run: ", this.link]),
      el("details", { class: "lab-python" }, [el("summary", { text: "The same run in Python (initdoc)" }),
        el("pre", {}, [this.python])]),
    ].forEach(function (n) { self.root.appendChild(n); });

    ["data", "act", "init", "bias", "lr", "batch", "seed", "c"].forEach(function (key) {
      c[key].addEventListener("change", function () {
        var value = c[key].value;
        if (key === "lr" || key === "c") value = Number(value);
        if (key === "seed") value = Math.max(0, Math.min(4294967295, Math.floor(Number(value) || 0)));
        self.change(key, value);
      });
    });
    c.v.addEventListener("input", function () { self.change("v", Number(Math.pow(10, +c.v.value).toPrecision(3))); });
    [c.depth, c.width].forEach(function (sel) {
      sel.addEventListener("change", function () {
        var sizes = []; for (var i = 0; i < +c.depth.value; i++) sizes.push(+c.width.value);
        self.change("hidden", sizes.join("-"));
      });
    });
    c.hidden.addEventListener("change", function () {
      if (parseHidden(c.hidden.value, cfg)) self.change("hidden", c.hidden.value);
      else { c.hidden.value = self.settings.hidden; self.note.textContent = "Layer sizes: write 1 to " + cfg.max_depth + " sizes of 1 to " + cfg.max_width + " joined by '-', e.g. 6-3."; }
    });
    c.speed.addEventListener("change", function () { self.settings.speed = +c.speed.value; self.share(); });
    c.show.addEventListener("change", function () { self.settings.show = c.show.value; self.share(); self.draw(true); });
    this.copyLink.addEventListener("click", function () { self.copy(self.link.href, "link"); });
    this.copyPython.addEventListener("click", function () { self.copy(self.python.textContent, "Python"); });
  };

  /* Show what applies: v only for the schemes that take it, c only for constant weights. */
  Lab.prototype.syncShape = function () {
    var c = this.controls, s = this.settings, spec = this.cfg.schemes[s.init];
    var sizes = parseHidden(s.hidden, this.cfg);
    c.depth.value = String(sizes.length);
    c.width.value = String(Math.max.apply(null, sizes));
    c.hidden.value = s.hidden;
    c.v.value = String(Math.log10(s.v));
    this.vOut.textContent = "v = " + s.v;
    var takesV = spec.draw === "normal" || (spec.draw === "variance_scaling" && spec.scale === null);
    c.v.disabled = !takesV;
    c.c.disabled = spec.draw !== "constant";
  };

  /* A setting changed: keep it, rewrite the URL, and start a new run. */
  Lab.prototype.change = function (key, value) {
    this.settings[key] = value;
    this.notice = "";
    this.syncShape();
    this.reset();
  };

  /* Copy text to the clipboard, and say so. */
  Lab.prototype.copy = function (text, what) {
    var self = this;
    function done(ok) { self.copied.textContent = ok ? "Copied the " + what + "." : "Select the " + what + " below and copy it."; }
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    else done(false);
  };

  /* Write the settings into the URL and the link. */
  Lab.prototype.share = function () {
    var url = location.pathname + this.query() + location.hash;
    history.replaceState(null, "", url);
    this.link.href = url;
    this.link.textContent = decodeURIComponent(location.href);
  };

  /* The initdoc program that trains this network (see PYTHON in initdoc/figures/lab.py). */
  Lab.prototype.pythonCode = function () {
    var cfg = this.cfg, s = this.settings, spec = cfg.schemes[s.init], sizes = this.sizes;
    var init = fill(spec.python, { v: pyFloat(s.v), c: pyFloat(s.c), std: pyFloat(Math.sqrt(s.v)) });
    var steps = this.step || cfg.python_steps;
    var acts = sizes.slice(1, -1).map(function () { return '"' + s.act + '"'; }).concat(['"' + cfg.output + '"']);
    return fill(cfg.python, {
      data: s.data, data_seed: cfg.data_seed, n_points: cfg.n_points, seed: s.seed,
      sizes: "[" + sizes.join(", ") + "]", init: init,
      biases: s.bias === "random" ? fill(cfg.random_biases, { bias_std: pyFloat(cfg.bias_std) }) : "",
      activations: "[" + acts.join(", ") + "]", loss: cfg.loss, lr: pyFloat(s.lr), steps: steps,
      steps_note: this.step ? "the steps the lab has trained" : "the lab has trained none yet",
      batch: s.batch === "full" ? "None" : String(s.batch),
    });
  };

  /* A new run: data, network and generator from the settings; step 0 measured and drawn. */
  Lab.prototype.reset = function () {
    var cfg = this.cfg, s = this.settings, set = cfg.data[s.data];
    this.player.pause();
    this.X = Float64Array.from(set.points);
    this.y = Float64Array.from(set.labels);
    this.m = set.labels.length;
    this.sizes = [2].concat(parseHidden(s.hidden, cfg), [1]);
    this.rng = new Random(s.seed);
    this.layers = init(this.rng, this.sizes, cfg.schemes[s.init], s.v, s.c, s.bias === "random" ? cfg.bias_std : 0);
    this.order = null;
    this.at = 0;
    this.step = 0;
    this.costs = [];
    this.steps = [];
    this.diverged = false;  // or the step at which the run diverged
    this.kept = null;
    this.measure();
    this.predicted = this.theory();
    this.share();
    this.buildHists();
    this.draw(true);
  };

  /* The rows of the next batch: every row, or the next minibatch of a fresh order each epoch. */
  Lab.prototype.batch = function () {
    var s = this.settings;
    if (s.batch === "full") return null;
    var size = +s.batch;
    if (!this.order || this.at >= this.m) { this.order = this.rng.permutation(this.m); this.at = 0; }
    var rows = this.order.subarray(this.at, Math.min(this.at + size, this.m));
    this.at += size;
    return rows;
  };

  /* `n` training steps. costs[t] is the cost on step t's batch before update t, as initdoc.train
     records it. A cost or an update that is not finite stops the run: `diverged` is that step,
     and the network shown is the last whose cost was finite. False once stopped. */
  Lab.prototype.train = function (n) {
    var s = this.settings, slope = this.cfg.leaky_slope;
    for (var k = 0; k < n && this.diverged === false; k++) {
      var rows = this.batch(), X = this.X, y = this.y, m = this.m;
      if (rows) {
        m = rows.length; X = new Float64Array(2 * m); y = new Float64Array(m);
        for (var r = 0; r < m; r++) { X[2 * r] = this.X[2 * rows[r]]; X[2 * r + 1] = this.X[2 * rows[r] + 1]; y[r] = this.y[rows[r]]; }
      }
      var record = forward(this.layers, s.act, X, m, slope), c = cost(record, y, m);
      this.costs.push(c);
      this.steps.push(this.step);
      if (!isFinite(c)) {  // the last update sent the output to infinity: show the network before it
        this.diverged = this.step;
        if (this.kept) { this.restore(this.kept); this.step -= 1; }
        break;
      }
      this.kept = this.layers.map(function (L) { return { W: L.W.slice(), b: L.b.slice() }; });
      sgd(this.layers, backward(this.layers, record, y, m, s.act, slope), s.lr);
      if (!this.finite()) {  // this update overflowed: keep the network before it
        this.diverged = this.step;
        this.restore(this.kept);
        break;
      }
      this.step += 1;
    }
    this.draw(false);
    return this.diverged === false;
  };

  Lab.prototype.restore = function (kept) {
    this.layers.forEach(function (L, l) { L.W.set(kept[l].W); L.b.set(kept[l].b); });
  };

  Lab.prototype.finite = function () {
    return this.layers.every(function (L) { return L.W.every(isFinite) && L.b.every(isFinite); });
  };

  /* The current network on all the points: forward and backward, cost and accuracy. */
  Lab.prototype.measure = function () {
    var s = this.settings, slope = this.cfg.leaky_slope, record = forward(this.layers, s.act, this.X, this.m, slope);
    var grads = backward(this.layers, record, this.y, this.m, s.act, slope), out = record.a[record.a.length - 1], right = 0;
    for (var r = 0; r < this.m; r++) if ((out[r] > 0.5) === (this.y[r] > 0.5)) right++;
    this.full = { record: record, grads: grads, cost: cost(record, this.y, this.m), accuracy: right / this.m };
  };

  /* The theory's E[a²] and E[δ²] per hidden layer at initialization, or null with the reason. */
  Lab.prototype.theory = function () {
    var cfg = this.cfg, s = this.settings, spec = cfg.schemes[s.init], sizes = this.sizes;
    var fractions = this.fractions[s.act];
    if (!fractions) return { why: cfg.theory.notes[s.act] || "no prediction for " + s.act };
    if (spec.draw === "constant") return { why: "no prediction for constant weights: the rule assumes weights of mean 0" };
    var variances = [];
    for (var l = 1; l < sizes.length; l++) variances.push(weightVariance(spec, sizes[l - 1], sizes[l], s.v));
    var x2 = 0;
    for (var i = 0; i < this.X.length; i++) x2 += this.X[i] * this.X[i];
    var p = predict(sizes, fractions, variances, x2 / this.X.length, s.bias === "random" ? cfg.bias_std * cfg.bias_std : 0);
    var L = sizes.length - 1, top = meanSquare(this.full.grads.dz[L]);
    return { a2: p.a2, d2: p.d2.map(function (r) { return r * top; }), note: cfg.theory.notes[s.act] || "" };
  };

  function meanSquare(values) {
    var sum = 0;
    for (var i = 0; i < values.length; i++) sum += values[i] * values[i];
    return sum / values.length;
  }

  function fmt(x) { return x === 0 ? "0" : Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toPrecision(3) : x.toExponential(2); }

  Lab.prototype.buildHists = function () {
    var el = W.el, hidden = this.sizes.length - 2;
    this.histCanvases = [];
    this.hists.textContent = "";
    for (var l = 1; l <= hidden; l++) {
      var a = el("canvas", { role: "img" }), d = el("canvas", { role: "img" });
      this.histCanvases.push([a, d]);
      this.hists.appendChild(el("figure", { class: "lab-hist" }, [a, d, el("figcaption", { text: "hidden layer " + l })]));
    }
    var why = this.predicted.why || this.predicted.note;
    if (why) this.hists.appendChild(el("p", { class: "lab-theory-note", text: "Theory: " + why + "." }));
  };

  /* Redraw: the network and the cost curve every frame; the measurement on all the points (the
     status line, the boundary, the histograms) when paused and every HEAVY_MS while playing, since
     together they cost several training steps. */
  Lab.prototype.draw = function (all) {
    var now = performance.now(), s = this.settings;
    this.frames = (this.frames || 0) + 1;
    if (all || !this.player.playing || !(now - this.heavyAt < HEAVY_MS)) {
      this.heavyAt = now;
      this.measure();
      var f = this.full;
      this.note.textContent = this.notice;
      this.status.textContent = "Step " + this.step + ": cost " + (isFinite(f.cost) ? f.cost.toPrecision(4) : "not finite") +
        " on all " + this.m + " points, " + Math.round(100 * f.accuracy) + "% of them right" +
        (this.diverged === false ? "." : ". The run diverged at step " + this.diverged + " (its cost or an update " +
         "overflowed) and stopped; shown is the last network whose cost was finite.");
      this.drawMap();
      this.drawHists();
    }
    this.python.textContent = this.pythonCode();
    var mode = s.show, grads = this.full.grads;
    W.drawNetwork(this.net, this.sizes, this.layers.map(function (L, l) { return mode === "weights" ? L.W : grads.dW[l + 1]; }),
      WIDTH_RANGE[mode], mode === "weights" ? "w" : "∂L/∂w");
    var last = this.steps.length ? this.steps[this.steps.length - 1] : 0;
    W.drawCost(this.curve, this.steps, this.costs, last, Math.max(100, last), this.cfg.chance, { logSteps: false });
  };

  Lab.prototype.drawMap = function () {
    var cfg = this.cfg, grid = this.grid || (this.grid = W.boundaryGrid(MAP_CELLS, cfg.extent));
    var out = forward(this.layers, this.settings.act, grid, MAP_CELLS * MAP_CELLS, cfg.leaky_slope);
    var set = cfg.data[this.settings.data];
    W.drawBoundary(this.map, out.a[out.a.length - 1], MAP_CELLS, cfg.extent, set.points, set.labels);
  };

  Lab.prototype.drawHists = function () {
    var f = this.full, p = this.predicted;
    for (var l = 1; l <= this.histCanvases.length; l++) {
      var pair = this.histCanvases[l - 1];
      histogram(pair[0], f.record.a[l], "a", p.a2 ? p.a2[l - 1] : null);
      histogram(pair[1], f.grads.dz[l], "∂L/∂z", p.d2 ? p.d2[l - 1] : null);
    }
  };

  /* A histogram of `values` over a symmetric range (or [0, max] when none is negative), with the
     measured E[x²] and the theory's value at initialization. */
  function histogram(canvas, values, symbol, predicted) {
    var c = W.fit(canvas, 92), ctx = c.ctx, pad = { l: 4, r: 4, t: 26, b: 14 };
    var lo = Infinity, hi = -Infinity, i;
    for (i = 0; i < values.length; i++) { if (values[i] < lo) lo = values[i]; if (values[i] > hi) hi = values[i]; }
    var top = Math.max(Math.abs(lo), Math.abs(hi));
    if (!isFinite(top)) top = 0;
    var left = lo >= 0 ? 0 : -top, right = top || 1, counts = new Array(HIST_BINS).fill(0);
    for (i = 0; i < values.length; i++) {
      var k = Math.floor((values[i] - left) / (right - left) * HIST_BINS);
      counts[Math.max(0, Math.min(HIST_BINS - 1, k))]++;
    }
    var most = Math.max.apply(null, counts), bw = (c.w - pad.l - pad.r) / HIST_BINS, ph = c.h - pad.t - pad.b;
    ctx.fillStyle = symbol === "a" ? "#0072B2" : "#E69F00";
    for (var b = 0; b < HIST_BINS; b++) {
      var h = most ? ph * counts[b] / most : 0;
      ctx.fillRect(pad.l + b * bw + 0.5, pad.t + ph - h, Math.max(bw - 1, 1), h);
    }
    var measured = meanSquare(values);
    ctx.fillStyle = "#222"; ctx.font = "11px sans-serif"; ctx.textAlign = "left";
    ctx.fillText("E[" + symbol + "²] " + fmt(measured), pad.l, 11);
    ctx.fillStyle = "#666";
    ctx.fillText(predicted === null ? "theory: —" : "theory at start: " + fmt(predicted), pad.l, 23);
    ctx.textAlign = "left"; ctx.fillText(fmt(left), pad.l, c.h - 2);
    ctx.textAlign = "right"; ctx.fillText(fmt(right), c.w - pad.r, c.h - 2);
    canvas.setAttribute("aria-label", "histogram of " + symbol + " from " + fmt(left) + " to " + fmt(right) +
      "; E[" + symbol + "²] = " + fmt(measured) + (predicted === null ? "" : ", theory at the start " + fmt(predicted)));
  }

  W.boot(".initdoc-lab[data-src]", function (root) {
    W.load(root.getAttribute("data-src")).then(function (cfg) {
      root.lab = new Lab(root, cfg);
    }).catch(function (err) {
      W.fail(root, "The lab", err, "The figure below shows runs that initdoc trained with the lab's settings.");
    });
  });
})();
