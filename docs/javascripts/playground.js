/* The initdoc Playground: replays training runs that the build recorded (no training in the browser).
   Vanilla JavaScript, no libraries. Data: figures/playground_<dataset>_<hidden>.json, one per choice,
   written by initdoc/figures/playground.py. The decision boundary is computed here from the stored
   float32 weights of each frame; costs and gradients arrive on a log scale (see that module). */
(function () {
  "use strict";

  var SCRIPT = document.currentScript;
  var DATASETS = [["circle", "circle"], ["spiral", "spiral"], ["xor", "square (xor)"], ["gaussians", "two gaussians"]];
  var SCHEMES = [["zero", "zero (v = 0)"], ["too_small", "too small (v = 0.01)"], ["appropriate", "appropriate (v = 1)"],
                 ["he", "He (v = 2)"], ["too_large", "too large (v = 100)"]];
  var HIDDEN = [["relu", "relu"], ["tanh", "tanh"]];
  var COLORS = { pos: "#D55E00", neg: "#0072B2", ink: "#222", faint: "#bbb", chance: "#888" };
  var WIDTH_RANGE = { weights: [-2.5, 1.5], gradients: [-6, 1] };  // log10 |value| mapped to thin ... thick
  var FRAME_MS = 90;
  var MAP_CELLS = 160;  // the boundary is computed on a 160 x 160 grid and scaled to the canvas

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  function select(label, name, options, value) {
    var id = "pg-" + name;
    var sel = el("select", { id: id, name: name });
    options.forEach(function (o) {
      var opt = el("option", { value: o[0], text: o[1] });
      if (o[0] === value) opt.selected = true;
      sel.appendChild(opt);
    });
    return { wrap: el("div", { "class": "pg-field" }, [el("label", { "for": id, text: label }), sel]), input: sel };
  }

  function bytesOf(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return new DataView(out.buffer);
  }

  /* Decode one scheme of a file into per-frame weights, gradients and costs. */
  function decode(file, entry) {
    var nFrames = file.frames.length, view = bytesOf(entry.weights), gview = bytesOf(entry.grads);
    var perFrame = view.byteLength / 4 / nFrames, glo = file.grad_range[0], ghi = file.grad_range[1];
    var weights = [], grads = [];
    for (var f = 0; f < nFrames; f++) {
      var w = new Float64Array(perFrame), g = new Float64Array(perFrame);
      for (var k = 0; k < perFrame; k++) {
        var i = f * perFrame + k;
        w[k] = view.getFloat32(4 * i, true);
        var code = gview.getInt8(i);
        g[k] = code === 0 ? 0 : Math.sign(code) * Math.pow(10, glo + (Math.abs(code) - 1) / 126 * (ghi - glo));
      }
      weights.push(w);
      grads.push(g);
    }
    var cview = bytesOf(entry.cost), lo = file.cost_range[0], hi = file.cost_range[1], costs = [];
    for (var c = 0; c < cview.byteLength / 2; c++) {
      var q = cview.getUint16(2 * c, true);
      costs.push(q === 0 ? NaN : Math.pow(10, lo + (q - 1) / 65534 * (hi - lo)));
    }
    return { weights: weights, grads: grads, costs: costs, regime: entry.regime, accuracy: entry.accuracy };
  }

  /* The flat parameter vector [W1, b1, W2, b2, W3, b3] as layers of {W (n_in x n_out, row-major), b}. */
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

  /* Size a canvas to its CSS width (height from `height(width)`), sharp on high-density screens. */
  function surface(canvas, height) {
    var dpr = window.devicePixelRatio || 1, W = Math.max(200, Math.round(canvas.clientWidth || 300)), H = Math.round(height(W));
    if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
      canvas.width = Math.round(W * dpr);
      canvas.height = Math.round(H * dpr);
      canvas.style.height = H + "px";
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx: ctx, W: W, H: H };
  }

  /* Blue (class 0) through white (0.5) to red (class 1), as the static figures. */
  function heat(p) {
    var blue = [33, 102, 172], white = [247, 247, 247], red = [178, 24, 43];
    var t = Math.abs(p - 0.5) * 2, end = p < 0.5 ? blue : red;
    return [0, 1, 2].map(function (c) { return Math.round(white[c] + (end[c] - white[c]) * t); });
  }

  function Playground(root) {
    this.root = root;
    this.base = root.getAttribute("data-src") || new URL("../figures/", SCRIPT.src).href;
    this.cache = {};
    this.frame = 0;
    this.playing = false;
    this.build();
    this.load();
  }

  Playground.prototype.build = function () {
    var self = this;
    this.dataset = select("Data set", "dataset", DATASETS, "circle");
    this.scheme = select("Initialization", "scheme", SCHEMES, "appropriate");
    this.hidden = select("Hidden units", "hidden", HIDDEN, "relu");
    this.show = select("Links show", "show", [["weights", "weights"], ["gradients", "gradients"]], "weights");
    this.play = el("button", { type: "button", "class": "md-button md-button--primary", "aria-pressed": "false", text: "Play" });
    this.step = el("button", { type: "button", "class": "md-button", text: "Step" });
    this.reset = el("button", { type: "button", "class": "md-button", text: "Reset" });
    this.slider = el("input", { type: "range", id: "pg-frame", min: "0", max: "0", value: "0", step: "1" });
    this.readout = el("output", { "for": "pg-frame", "class": "pg-readout" });
    this.status = el("p", { "class": "pg-status", "aria-live": "polite" });
    this.net = el("canvas", { role: "img", "aria-label": "The network, its links drawn by the selected quantity" });
    this.map = el("canvas", { role: "img", "aria-label": "Decision boundary: probability of class 1 over the input square, with the training points" });
    this.curve = el("canvas", { role: "img", "aria-label": "Cost curve of the selected run" });
    var controls = el("div", { "class": "pg-controls" }, [this.dataset.wrap, this.scheme.wrap, this.hidden.wrap, this.show.wrap]);
    var buttons = el("div", { "class": "pg-buttons" }, [this.play, this.step, this.reset]);
    var scrub = el("div", { "class": "pg-scrub" }, [el("label", { "for": "pg-frame", text: "Training step" }), this.slider, this.readout]);
    var panels = el("div", { "class": "pg-panels" }, [
      el("figure", { "class": "pg-panel pg-net" }, [this.net, el("figcaption", { text: "The network: links coloured by sign (red +, blue −), width by size on a log scale" })]),
      el("figure", { "class": "pg-panel pg-map" }, [this.map, el("figcaption", { text: "P(class 1) over [−5, 5]² with the training points" })]),
      el("figure", { "class": "pg-panel pg-curve" }, [this.curve, el("figcaption", { text: "Cost (log scale) against training step; dashed: ln 2" })]),
    ]);
    this.root.textContent = "";
    [controls, buttons, scrub, this.status, panels].forEach(function (n) { self.root.appendChild(n); });

    [this.dataset.input, this.hidden.input].forEach(function (s) { s.addEventListener("change", function () { self.load(); }); });
    this.scheme.input.addEventListener("change", function () { self.pick(); });
    this.show.input.addEventListener("change", function () { self.draw(); });
    this.play.addEventListener("click", function () { self.toggle(); });
    this.step.addEventListener("click", function () { self.pause(); self.go(self.frame + 1); });
    this.reset.addEventListener("click", function () { self.pause(); self.go(0); });
    this.slider.addEventListener("input", function () { self.pause(); self.go(+self.slider.value); });
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending || !self.run) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; self.draw(); });
    });
  };

  Playground.prototype.load = function () {
    var self = this, name = "playground_" + this.dataset.input.value + "_" + this.hidden.input.value;
    this.pause();
    if (this.cache[name]) { this.file = this.cache[name]; this.pick(); return; }
    this.status.textContent = "Loading the recorded runs…";
    fetch(new URL(name + ".json", this.base)).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + r.statusText);
      return r.json();
    }).then(function (file) {
      file.runs = {};
      self.cache[name] = file;
      if (name === "playground_" + self.dataset.input.value + "_" + self.hidden.input.value) { self.file = file; self.pick(); }
    }).catch(function (err) {
      self.status.textContent = "The recorded runs could not be loaded (" + err.message + "). The figures below show the same runs.";
    });
  };

  Playground.prototype.pick = function () {
    if (!this.file) return;
    var key = this.scheme.input.value;
    this.run = this.file.runs[key] || (this.file.runs[key] = decode(this.file, this.file.schemes[key]));
    this.slider.max = String(this.file.frames.length - 1);
    this.go(Math.min(this.frame, this.file.frames.length - 1));
  };

  Playground.prototype.go = function (frame) {
    if (!this.run) return;
    this.frame = Math.max(0, Math.min(frame, this.file.frames.length - 1));
    this.slider.value = String(this.frame);
    var step = this.file.frames[this.frame];
    this.slider.setAttribute("aria-valuetext", "step " + step + " of " + this.file.steps);
    this.readout.textContent = step + " / " + this.file.steps;
    if (this.playing && this.frame === this.file.frames.length - 1) this.pause();
    this.draw();
  };

  Playground.prototype.toggle = function () { if (this.playing) this.pause(); else this.start(); };

  Playground.prototype.start = function () {
    if (!this.run) return;
    var self = this, last = null;
    if (this.frame === this.file.frames.length - 1) this.go(0);
    this.playing = true;
    this.play.textContent = "Pause";
    this.play.setAttribute("aria-pressed", "true");
    function tick(t) {
      if (!self.playing) return;
      if (last === null || t - last >= FRAME_MS) { if (last !== null) self.go(self.frame + 1); last = t; }
      if (self.playing) self.timer = requestAnimationFrame(tick);
    }
    this.timer = requestAnimationFrame(tick);
  };

  Playground.prototype.pause = function () {
    this.playing = false;
    if (this.timer) cancelAnimationFrame(this.timer);
    this.play.textContent = "Play";
    this.play.setAttribute("aria-pressed", "false");
  };

  Playground.prototype.costAt = function (step) {
    var steps = this.file.cost_steps, i = steps.indexOf(step);
    return i >= 0 ? this.run.costs[i] : NaN;
  };

  Playground.prototype.draw = function () {
    var step = this.file.frames[this.frame], cost = this.costAt(step);
    var label = this.scheme.input.options[this.scheme.input.selectedIndex].text;
    this.status.textContent = "Step " + step + ": cost " + (isFinite(cost) ? cost.toPrecision(3) : "not finite") +
      ". After all " + this.file.steps + " steps this run (" + label + ", " + this.hidden.input.value +
      ") is in the regime \u201c" + this.run.regime + "\u201d, with " + Math.round(100 * this.run.accuracy) +
      "% of the points right.";
    this.drawNetwork();
    this.drawMap();
    this.drawCurve();
  };

  Playground.prototype.drawNetwork = function () {
    var s = surface(this.net, function (w) { return Math.min(300, w * 0.72); });
    var ctx = s.ctx, W = s.W, H = s.H, sizes = this.file.sizes;
    var mode = this.show.input.value, flat = (mode === "weights" ? this.run.weights : this.run.grads)[this.frame];
    var net = layers(flat, sizes), range = WIDTH_RANGE[mode];
    var pos = sizes.map(function (n, l) {
      var out = [];
      for (var i = 0; i < n; i++) out.push([30 + l * (W - 60) / (sizes.length - 1), 20 + (i + 0.5) * (H - 56) / n]);
      return out;
    });
    ctx.clearRect(0, 0, W, H);
    net.forEach(function (L, l) {
      for (var i = 0; i < L.nIn; i++) for (var j = 0; j < L.nOut; j++) {
        var v = L.W[i * L.nOut + j], a = pos[l][i], b = pos[l + 1][j];
        var t = v === 0 ? 0 : Math.max(0, Math.min(1, (Math.log10(Math.abs(v)) - range[0]) / (range[1] - range[0])));
        ctx.strokeStyle = v === 0 ? COLORS.faint : (v > 0 ? COLORS.pos : COLORS.neg);
        ctx.globalAlpha = v === 0 ? 0.6 : 0.35 + 0.65 * t;
        ctx.lineWidth = v === 0 ? 0.5 : 0.6 + 6 * t;
        ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
      }
    });
    ctx.globalAlpha = 1;
    pos.forEach(function (col, l) {
      col.forEach(function (p, i) {
        ctx.beginPath(); ctx.arc(p[0], p[1], 9, 0, 2 * Math.PI);
        ctx.fillStyle = "#fff"; ctx.fill(); ctx.lineWidth = 1.2; ctx.strokeStyle = COLORS.ink; ctx.stroke();
        ctx.fillStyle = COLORS.ink; ctx.font = "10px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
        ctx.fillText(l === 0 ? "x" + (i + 1) : (l === sizes.length - 1 ? "p" : ""), p[0], p[1]);
      });
    });
    ctx.font = "11px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "alphabetic"; ctx.fillStyle = COLORS.ink;
    ctx.fillText("link width: log |" + (mode === "weights" ? "w" : "∂L/∂w") + "|, 10^" + range[0] + " (thin) to 10^" + range[1] + " (thick)", 4, H - 6);
  };

  Playground.prototype.drawMap = function () {
    var s = surface(this.map, function (w) { return w; }), ctx = s.ctx, S = s.W, N = MAP_CELLS;
    var ext = this.file.extent, kind = this.file.hidden, off = this.offscreen || (this.offscreen = document.createElement("canvas"));
    off.width = off.height = N;
    var octx = off.getContext("2d"), net = layers(this.run.weights[this.frame], this.file.sizes), img = octx.createImageData(N, N), side = [];
    for (var r = 0; r < N; r++) for (var c = 0; c < N; c++) {
      var x1 = ext[0] + (c + 0.5) / N * (ext[1] - ext[0]), x2 = ext[3] - (r + 0.5) / N * (ext[3] - ext[2]);
      var p = probability(net, kind, x1, x2), rgb = heat(p), k = 4 * (r * N + c);
      side[r * N + c] = p > 0.5;
      img.data[k] = rgb[0]; img.data[k + 1] = rgb[1]; img.data[k + 2] = rgb[2]; img.data[k + 3] = 255;
    }
    for (var i = 0; i < N * N; i++) {  // the 0.5 boundary: pixels whose right or lower neighbour is on the other side
      var right = (i % N) < N - 1 && side[i] !== side[i + 1], down = i + N < N * N && side[i] !== side[i + N];
      if (right || down) { img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = 20; }
    }
    octx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, S, S);
    var pts = this.file.points, labels = this.file.labels;
    for (var j = 0; j < labels.length; j++) {
      var px = (pts[2 * j] - ext[0]) / (ext[1] - ext[0]) * S, py = (ext[3] - pts[2 * j + 1]) / (ext[3] - ext[2]) * S;
      ctx.beginPath(); ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = labels[j] ? COLORS.pos : COLORS.neg; ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = "#fff"; ctx.stroke();
    }
  };

  Playground.prototype.drawCurve = function () {
    var s = surface(this.curve, function () { return 210; }), ctx = s.ctx, W = s.W, H = s.H;
    var steps = this.file.cost_steps, costs = this.run.costs, total = this.file.steps, chance = this.file.chance;
    var left = 46, right = W - 22, top = 22, bottom = H - 34, now = this.file.frames[this.frame];
    var finite = costs.filter(isFinite).concat([chance]);
    var lo = Math.floor(Math.log10(Math.min.apply(null, finite))), hi = Math.ceil(Math.log10(Math.max.apply(null, finite)));
    if (hi === lo) hi = lo + 1;
    function X(s) { return left + Math.log10(1 + s) / Math.log10(total) * (right - left); }
    function Y(c) { return bottom - (Math.log10(c) - lo) / (hi - lo) * (bottom - top); }
    ctx.clearRect(0, 0, W, H);
    ctx.font = "12px sans-serif"; ctx.fillStyle = COLORS.ink; ctx.strokeStyle = "#ddd"; ctx.lineWidth = 1;
    var every = Math.max(1, Math.ceil((hi - lo) / 6));
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (var e = lo; e <= hi; e += every) {
      ctx.beginPath(); ctx.moveTo(left, Y(Math.pow(10, e))); ctx.lineTo(right, Y(Math.pow(10, e))); ctx.stroke();
      ctx.fillText("1e" + e, left - 4, Y(Math.pow(10, e)));
    }
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    [0, 10, 100, 1000, total].forEach(function (s) {
      ctx.beginPath(); ctx.moveTo(X(s), top); ctx.lineTo(X(s), bottom); ctx.stroke();
      ctx.fillText(String(s), X(s), bottom + 4);
    });
    ctx.fillText("training step", (left + right) / 2, bottom + 18);
    ctx.textAlign = "left";
    ctx.fillText("cost", 4, 2);
    ctx.setLineDash([4, 3]); ctx.strokeStyle = COLORS.chance;
    ctx.beginPath(); ctx.moveTo(left, Y(chance)); ctx.lineTo(right, Y(chance)); ctx.stroke();
    ctx.setLineDash([]);
    [[COLORS.faint, total], [COLORS.ink, now]].forEach(function (pass) {
      ctx.strokeStyle = pass[0]; ctx.lineWidth = 1.6; ctx.beginPath();
      var started = false;
      for (var i = 0; i < steps.length && steps[i] <= pass[1]; i++) {
        if (!isFinite(costs[i])) break;
        if (started) ctx.lineTo(X(steps[i]), Y(costs[i])); else { ctx.moveTo(X(steps[i]), Y(costs[i])); started = true; }
      }
      ctx.stroke();
    });
    var c = this.costAt(now);
    if (isFinite(c)) { ctx.fillStyle = COLORS.pos; ctx.beginPath(); ctx.arc(X(now), Y(c), 3.5, 0, 2 * Math.PI); ctx.fill(); }
  };

  function init() {
    var roots = document.querySelectorAll(".initdoc-playground");
    for (var i = 0; i < roots.length; i++) {
      if (roots[i].getAttribute("data-ready")) continue;  // idempotent
      roots[i].setAttribute("data-ready", "1");
      roots[i].playground = new Playground(roots[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
