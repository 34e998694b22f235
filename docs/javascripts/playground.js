/* The initdoc Playground: replays training runs that the build recorded (no training in the browser).
   Vanilla JavaScript on widgets.js. Data: one JSON file per (data set, hidden activation), written by
   initdoc/figures/playground.py; the root's data-src names the first, and each file carries the menus,
   the file names and the encoding of its costs and gradients. The decision boundary is computed here
   from the stored float32 weights of each frame. */
(function () {
  "use strict";

  var W = window.initdocWidgets;
  var WIDTH_RANGE = { weights: [-2.5, 1.5], gradients: [-6, 1] };  // log10 |value| mapped to thin ... thick
  var FRAME_MS = 90;
  var MAP_CELLS = 160;  // the boundary is computed on a 160 x 160 grid and scaled to the canvas

  /* Codes of a log-scale encoding (see ENCODING in initdoc/figures/playground.py) back to values. */
  function unlog(level, spec) {
    var lo = spec.log10_range[0], hi = spec.log10_range[1];
    return Math.pow(10, lo + (level - 1) / spec.levels * (hi - lo));
  }

  /* Decode one scheme of a file into per-frame weights, gradients and costs. */
  function decode(file, entry) {
    var nFrames = file.frames.length, view = W.bytes(entry.weights), gview = W.bytes(entry.grads);
    var perFrame = view.byteLength / 4 / nFrames, weights = [], grads = [];
    for (var f = 0; f < nFrames; f++) {
      var w = new Float64Array(perFrame), g = new Float64Array(perFrame);
      for (var k = 0; k < perFrame; k++) {
        var i = f * perFrame + k, code = gview.getInt8(i);
        w[k] = view.getFloat32(4 * i, true);
        g[k] = code === 0 ? 0 : Math.sign(code) * unlog(Math.abs(code), file.encoding.grads);
      }
      weights.push(w);
      grads.push(g);
    }
    var cview = W.bytes(entry.cost), costs = [];
    for (var c = 0; c < cview.byteLength / 2; c++) {
      var q = cview.getUint16(2 * c, true);
      costs.push(q === 0 ? NaN : unlog(q, file.encoding.cost));
    }
    return { weights: weights, grads: grads, costs: costs, regime: entry.regime, accuracy: entry.accuracy };
  }

  /* The flat parameter vector [W1, b1, W2, b2, ...] as layers of {W (n_in x n_out, row-major), b}. */
  function layers(flat, sizes) {
    var out = [], at = 0;
    for (var l = 1; l < sizes.length; l++) {
      var nIn = sizes[l - 1], nOut = sizes[l];
      out.push({ nIn: nIn, nOut: nOut, W: flat.subarray(at, at + nIn * nOut), b: flat.subarray(at + nIn * nOut, at + nIn * nOut + nOut) });
      at += nIn * nOut + nOut;
    }
    return out;
  }

  /* P(class 1) of the network at (x1, x2): hidden `kind` units, sigmoid output. */
  function probability(net, kind, x1, x2) {
    var a = [x1, x2];
    for (var l = 0; l < net.length; l++) {
      var L = net[l], z = new Array(L.nOut);
      for (var j = 0; j < L.nOut; j++) {
        var s = L.b[j];
        for (var i = 0; i < L.nIn; i++) s += a[i] * L.W[i * L.nOut + j];
        z[j] = l === net.length - 1 ? s : (kind === "tanh" ? Math.tanh(s) : Math.max(s, 0));
      }
      a = z;
    }
    return 1 / (1 + Math.exp(-a[0]));
  }

  function Playground(root, first) {
    var self = this;
    this.root = root;
    this.base = new URL(root.getAttribute("data-src"), document.baseURI);
    this.cache = {};
    this.build(first);
    this.use(this.name(), first);
    W.onResize(root, function () { if (self.run) self.draw(); });
  }

  Playground.prototype.build = function (file) {
    var self = this, c = file.choices;
    this.file = file;
    this.dataset = W.select("pg-dataset", c.dataset, file.dataset);
    this.scheme = W.select("pg-scheme", c.scheme, "appropriate");
    this.hidden = W.select("pg-hidden", c.hidden, file.hidden);
    this.show = W.select("pg-show", [["weights", "weights"], ["gradients", "gradients"]], "weights");
    this.player = new W.Player({
      id: "pg", rangeLabel: "Training step", interval: FRAME_MS, frames: file.frames.length,
      show: function () { self.draw(); },
      label: function (i) { return self.file.frames[i] + " / " + self.file.steps; },
    });
    this.status = W.el("p", { class: "pg-status", "aria-live": "polite" });
    this.net = W.el("canvas", { role: "img", "aria-label": "The network, its links drawn by the selected quantity" });
    this.map = W.el("canvas", { role: "img", "aria-label": "Decision boundary: probability of class 1 over the input square, with the training points" });
    this.curve = W.el("canvas", { role: "img", "aria-label": "Cost curve of the selected run" });
    var controls = W.el("div", { class: "pg-controls" }, [W.field("Data set", this.dataset),
      W.field("Initialization", this.scheme), W.field("Hidden units", this.hidden), W.field("Links show", this.show)]);
    var panels = W.el("div", { class: "pg-panels" }, [
      W.el("figure", { class: "pg-panel pg-net" }, [this.net, W.el("figcaption", { text: "The network: links coloured by sign (red +, blue −), width by size on a log scale" })]),
      W.el("figure", { class: "pg-panel pg-map" }, [this.map, W.el("figcaption", { text: "P(class 1) over [−5, 5]² with the training points" })]),
      W.el("figure", { class: "pg-panel pg-curve" }, [this.curve, W.el("figcaption", { text: "Cost (log scale) against training step; dashed: ln 2" })]),
    ]);
    this.root.textContent = "";
    [controls, this.player.node, this.status, panels].forEach(function (n) { self.root.appendChild(n); });
    [this.dataset, this.hidden].forEach(function (s) { s.addEventListener("change", function () { self.load(); }); });
    this.scheme.addEventListener("change", function () { self.pick(); });
    this.show.addEventListener("change", function () { self.draw(); });
  };

  /* The name of the file for the chosen data set and activation. */
  Playground.prototype.name = function () {
    return this.file.file.replace("{dataset}", this.dataset.value).replace("{hidden}", this.hidden.value);
  };

  Playground.prototype.use = function (name, file) {
    file.runs = file.runs || {};
    this.cache[name] = file;
    if (name === this.name()) { this.file = file; this.pick(); }
  };

  Playground.prototype.load = function () {
    var self = this, name = this.name();
    this.player.pause();
    if (this.cache[name]) { this.use(name, this.cache[name]); return; }
    this.status.textContent = "Loading the recorded runs…";
    W.load(new URL(name + ".json", this.base).href).then(function (file) { self.use(name, file); }).catch(function (err) {
      self.status.textContent = "The recorded runs could not be loaded (" + err.message + "). The figures below show the same runs.";
    });
  };

  Playground.prototype.pick = function () {
    var key = this.scheme.value;
    this.run = this.file.runs[key] || (this.file.runs[key] = decode(this.file, this.file.schemes[key]));
    this.player.setFrames(this.file.frames.length);
    this.player.go(this.player.frame);
  };

  Playground.prototype.draw = function () {
    var file = this.file, frame = this.player.frame, step = file.frames[frame];
    var cost = this.run.costs[file.cost_steps.indexOf(step)];
    var label = this.scheme.options[this.scheme.selectedIndex].text;
    this.status.textContent = "Step " + step + ": cost " + (isFinite(cost) ? cost.toPrecision(3) : "not finite") +
      ". After all " + file.steps + " steps this run (" + label + ", " + this.hidden.value +
      ") is in the regime \u201c" + this.run.regime + "\u201d, with " + Math.round(100 * this.run.accuracy) +
      "% of the points right.";
    var mode = this.show.value, flat = (mode === "weights" ? this.run.weights : this.run.grads)[frame];
    W.drawNetwork(this.net, file.sizes, layers(flat, file.sizes).map(function (L) { return L.W; }),
      WIDTH_RANGE[mode], mode === "weights" ? "w" : "∂L/∂w");
    var net = layers(this.run.weights[frame], file.sizes), grid = this.grid || (this.grid = W.boundaryGrid(MAP_CELLS, file.extent));
    var probs = new Float64Array(MAP_CELLS * MAP_CELLS);
    for (var i = 0; i < probs.length; i++) probs[i] = probability(net, file.hidden, grid[2 * i], grid[2 * i + 1]);
    W.drawBoundary(this.map, probs, MAP_CELLS, file.extent, file.points, file.labels);
    W.drawCost(this.curve, file.cost_steps, this.run.costs, step, file.steps, file.chance, { logSteps: true });
  };

  W.boot(".initdoc-playground[data-src]", function (root) {
    W.load(root.getAttribute("data-src")).then(function (file) {
      root.playground = new Playground(root, file);
    }).catch(function (err) {
      W.fail(root, "The Playground", err, "The figures below show the same runs.");
    });
  });
})();
