/* initdoc's widget toolkit, shared by the explorers and the lab: a DOM helper, canvas fitting,
   one player (play / pause / step / scrub), and JSON loading that fails with a readable message.
   Vanilla JavaScript, no libraries, nothing from another host. Load it before a widget's script;
   it defines window.initdocWidgets. */
(function () {
  "use strict";

  /* el("p", {class: "x", text: "hello"}, [children]): attributes set as given, `text` as textContent. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  /* A <select> of [value, label] pairs with `value` chosen. */
  function select(id, options, value) {
    var node = el("select", { id: id, name: id });
    options.forEach(function (o) {
      var opt = el("option", { value: String(o[0]), text: o[1] });
      if (String(o[0]) === String(value)) opt.selected = true;
      node.appendChild(opt);
    });
    return node;
  }

  /* A control with its label above it: <div class="iw-field"><label for=…>…</label>control</div>. */
  function field(label, control) {
    return el("div", { class: "iw-field" }, [el("label", { for: control.id, text: label }), control]);
  }

  /* Size a canvas's backing store to its CSS width (sharp on high-density screens). `height` is a
     number of CSS pixels or a function of the width. Returns {ctx, w, h} with ctx in CSS pixels. */
  function fit(canvas, height) {
    var ratio = window.devicePixelRatio || 1;
    var w = Math.max(120, Math.round(canvas.clientWidth || 300));
    var h = Math.round(typeof height === "function" ? height(w) : height);
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    canvas.style.height = h + "px";
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    return { ctx: ctx, w: w, h: h };
  }

  /* Call `redraw` (at most once per animation frame) when `node` changes width. */
  function onResize(node, redraw) {
    var width = node.clientWidth, pending = false;
    function check() {
      if (pending || node.clientWidth === width) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; width = node.clientWidth; redraw(); });
    }
    if (window.ResizeObserver) new ResizeObserver(check).observe(node);
    else window.addEventListener("resize", check);
  }

  /* Base64 text as a little-endian DataView. */
  function bytes(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return new DataView(out.buffer);
  }

  /* The one player. Recorded runs (`frames` > 0): play / pause, one step back and forward, a
     scrub slider, and `show(i)` called for the frame to draw. Live runs (`live: true`): play /
     pause, one step and reset, and `tick()` called to advance (it returns false to stop).
       options: {id, frames, interval (ms between frames), show(i), label(i), rangeLabel,
                 live, tick(single) (single: the step button), reset(), state(playing)}
     player.node is the row of controls to place; player.frame is the frame shown. */
  function Player(options) {
    var self = this, id = options.id;
    this.options = options;
    this.frame = 0;
    this.playing = false;
    this.handle = null;
    this.play = el("button", { type: "button", class: "iw-play", "aria-pressed": "false", text: "▶ play" });
    this.forward = el("button", { type: "button", class: "iw-step", text: "step ▶", "aria-label": "one step forward" });
    var parts = [this.play, this.forward];
    if (options.live) {
      this.reset = el("button", { type: "button", class: "iw-reset", text: "↺ reset" });
      parts.push(this.reset);
      this.reset.addEventListener("click", function () { self.pause(); options.reset(); });
    } else {
      this.back = el("button", { type: "button", class: "iw-back", text: "◀ step", "aria-label": "one step back" });
      this.range = el("input", { type: "range", id: id + "-frame", min: "0", max: "0", value: "0", step: "1" });
      this.readout = el("output", { for: id + "-frame", class: "iw-readout" });
      parts = [this.back].concat(parts, [el("label", { for: this.range.id, text: options.rangeLabel || "Frame" }),
        this.range, this.readout]);
      this.back.addEventListener("click", function () { self.pause(); self.go(self.frame - 1); });
      this.range.addEventListener("input", function () { self.pause(); self.go(+self.range.value); });
      this.setFrames(options.frames || 1);
    }
    this.node = el("div", { class: "iw-player" }, parts);
    this.play.addEventListener("click", function () { if (self.playing) self.pause(); else self.start(); });
    this.forward.addEventListener("click", function () {
      self.pause();
      if (options.live) options.tick(1); else self.go(self.frame + 1);
    });
  }

  /* A recorded run with `n` frames (after a switch of run); keeps the frame where it can. */
  Player.prototype.setFrames = function (n) {
    this.frames = n;
    this.range.max = String(n - 1);
    if (this.frame > n - 1) this.frame = n - 1;
  };

  /* Show frame i (clamped), move the slider, and stop at the last frame while playing. */
  Player.prototype.go = function (i) {
    this.frame = Math.max(0, Math.min(this.frames - 1, i));
    this.range.value = String(this.frame);
    var label = this.options.label ? this.options.label(this.frame) : String(this.frame);
    this.readout.textContent = label;
    this.range.setAttribute("aria-valuetext", label);
    this.options.show(this.frame);
    if (this.playing && this.frame >= this.frames - 1) this.pause();
  };

  Player.prototype.start = function () {
    var self = this, options = this.options, last = null;
    if (!options.live && this.frame >= this.frames - 1) this.go(0);
    this.playing = true;
    this.play.textContent = "❚❚ pause";
    this.play.setAttribute("aria-pressed", "true");
    if (options.state) options.state(true);
    function tick(t) {
      if (!self.playing) return;
      if (options.live) {
        if (options.tick() === false) self.pause();
      } else if (last === null || t - last >= (options.interval || 100)) {
        if (last !== null) self.go(self.frame + 1);
        last = t;
      }
      if (self.playing) self.handle = requestAnimationFrame(tick);
    }
    this.handle = requestAnimationFrame(tick);
  };

  Player.prototype.pause = function () {
    var was = this.playing;
    this.playing = false;
    if (this.handle) cancelAnimationFrame(this.handle);
    this.handle = null;
    this.play.textContent = "▶ play";
    this.play.setAttribute("aria-pressed", "false");
    if (was && this.options.state) this.options.state(false);
  };

  /* Fetch JSON; a failure rejects with a message a reader can act on. */
  function load(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " " + response.statusText + " for " + url);
      return response.json().catch(function () { throw new Error(url + " is not valid JSON"); });
    }, function (err) {
      throw new Error("could not fetch " + url + " (" + err.message + ")");
    });
  }

  /* Replace the widget's content with a readable error and what the page offers instead. */
  function fail(root, what, err, instead) {
    root.textContent = "";
    root.appendChild(el("p", { class: "iw-error", role: "alert",
      text: what + " could not load its data: " + err.message + ". " + (instead || "") }));
  }

  /* Run start(root) once for every element matching `selector`, when the document is ready. */
  function boot(selector, start) {
    function run() {
      Array.prototype.forEach.call(document.querySelectorAll(selector), function (root) {
        if (root.getAttribute("data-ready")) return;
        root.setAttribute("data-ready", "1");
        start(root);
      });
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

  /* Drawings shared by the widgets of the 2-D networks (the playground and the lab). */
  var INK = "#222", FAINT = "#bbb", POS = "#D55E00", NEG = "#0072B2";

  /* Blue (class 0) through white (0.5) to red (class 1), as the static figures. */
  function heat(p) {
    var blue = [33, 102, 172], white = [247, 247, 247], red = [178, 24, 43];
    var t = Math.abs(p - 0.5) * 2, end = p < 0.5 ? blue : red;
    return [0, 1, 2].map(function (c) { return Math.round(white[c] + (end[c] - white[c]) * t); });
  }

  /* The network: one column of units per layer, one line per weight coloured by its sign (red +,
     blue −), thicker for larger |value| on a log scale from 10^range[0] to 10^range[1].
     weights[l] holds layer l+1's (n_in × n_out, row-major) values; `symbol` names them in the key. */
  function drawNetwork(canvas, sizes, weights, range, symbol) {
    var s = fit(canvas, function (w) { return Math.min(320, w * 0.72); }), ctx = s.ctx, W = s.w, H = s.h;
    var tallest = Math.max.apply(null, sizes), gap = (H - 56) / tallest;
    var radius = Math.max(2.5, Math.min(9, gap / 2 - 1));
    var pos = sizes.map(function (n, l) {
      var out = [], top = 20 + (tallest - n) * gap / 2;
      for (var i = 0; i < n; i++) out.push([30 + l * (W - 60) / (sizes.length - 1), top + (i + 0.5) * gap]);
      return out;
    });
    weights.forEach(function (values, l) {
      var nIn = sizes[l], nOut = sizes[l + 1];
      for (var i = 0; i < nIn; i++) for (var j = 0; j < nOut; j++) {
        var v = values[i * nOut + j], a = pos[l][i], b = pos[l + 1][j];
        var t = v === 0 || !isFinite(v) ? 0 : Math.max(0, Math.min(1, (Math.log10(Math.abs(v)) - range[0]) / (range[1] - range[0])));
        ctx.strokeStyle = v === 0 ? FAINT : (v > 0 ? POS : NEG);
        ctx.globalAlpha = v === 0 ? 0.6 : 0.3 + 0.7 * t;
        ctx.lineWidth = v === 0 ? 0.5 : 0.4 + (radius > 5 ? 6 : 3) * t;
        ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
      }
    });
    ctx.globalAlpha = 1;
    ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.font = "10px sans-serif";
    pos.forEach(function (col, l) {
      col.forEach(function (p, i) {
        ctx.beginPath(); ctx.arc(p[0], p[1], radius, 0, 2 * Math.PI);
        ctx.fillStyle = "#fff"; ctx.fill(); ctx.lineWidth = 1; ctx.strokeStyle = INK; ctx.stroke();
        ctx.fillStyle = INK;
        if (radius >= 6) ctx.fillText(l === 0 ? "x" + (i + 1) : (l === sizes.length - 1 ? "p" : ""), p[0], p[1]);
      });
    });
    ctx.font = "11px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
    ctx.fillText("link width: log |" + symbol + "|, 10^" + range[0] + " (thin) to 10^" + range[1] + " (thick)", 4, H - 6);
  }

  /* P(class 1) over the input square: `probs` holds cells × cells values, the top row first, over
     extent [x1 min, x1 max, x2 min, x2 max]; the 0.5 line in black; the points on top. */
  function drawBoundary(canvas, probs, cells, extent, points, labels) {
    var s = fit(canvas, function (w) { return w; }), ctx = s.ctx, S = s.w, N = cells;
    var off = canvas.offscreen || (canvas.offscreen = document.createElement("canvas"));
    off.width = off.height = N;
    var octx = off.getContext("2d"), img = octx.createImageData(N, N);
    for (var i = 0; i < N * N; i++) {
      var rgb = heat(probs[i]), side = probs[i] > 0.5;
      var right = (i % N) < N - 1 && side !== (probs[i + 1] > 0.5), down = i + N < N * N && side !== (probs[i + N] > 0.5);
      if (right || down) rgb = [20, 20, 20];
      img.data[4 * i] = rgb[0]; img.data[4 * i + 1] = rgb[1]; img.data[4 * i + 2] = rgb[2]; img.data[4 * i + 3] = 255;
    }
    octx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, S, S);
    for (var j = 0; j < labels.length; j++) {
      var px = (points[2 * j] - extent[0]) / (extent[1] - extent[0]) * S;
      var py = (extent[3] - points[2 * j + 1]) / (extent[3] - extent[2]) * S;
      ctx.beginPath(); ctx.arc(px, py, 3, 0, 2 * Math.PI);
      ctx.fillStyle = labels[j] ? POS : NEG; ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = "#fff"; ctx.stroke();
    }
  }

  /* The grid points where drawBoundary wants probabilities: cells × cells (x1, x2) pairs, top row first. */
  function boundaryGrid(cells, extent) {
    var out = new Float64Array(2 * cells * cells);
    for (var r = 0; r < cells; r++) for (var c = 0; c < cells; c++) {
      out[2 * (r * cells + c)] = extent[0] + (c + 0.5) / cells * (extent[1] - extent[0]);
      out[2 * (r * cells + c) + 1] = extent[3] - (r + 0.5) / cells * (extent[3] - extent[2]);
    }
    return out;
  }

  /* Cost against training step on a log scale, with the dashed chance line. `steps`/`costs` the
     curve, `until` the step drawn in ink (later ones faint), `total` the axis end; opts.logSteps
     puts the steps on a log(1 + step) axis. */
  function drawCost(canvas, steps, costs, until, total, chance, opts) {
    var s = fit(canvas, 210), ctx = s.ctx, W = s.w, H = s.h;
    var left = 46, right = W - 22, top = 22, bottom = H - 34, logSteps = opts && opts.logSteps;
    var finite = costs.filter(function (c) { return isFinite(c) && c > 0; }).concat([chance]);
    var lo = Math.floor(Math.log10(Math.min.apply(null, finite))), hi = Math.ceil(Math.log10(Math.max.apply(null, finite)));
    if (hi === lo) hi = lo + 1;
    total = Math.max(total, 1);
    function X(t) { return left + (logSteps ? Math.log10(1 + t) / Math.log10(1 + total) : t / total) * (right - left); }
    function Y(c) { return bottom - (Math.log10(c) - lo) / (hi - lo) * (bottom - top); }
    ctx.fillStyle = INK; ctx.strokeStyle = "#ddd"; ctx.lineWidth = 1;
    var every = Math.max(1, Math.ceil((hi - lo) / 6));
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (var e = lo; e <= hi; e += every) {
      ctx.beginPath(); ctx.moveTo(left, Y(Math.pow(10, e))); ctx.lineTo(right, Y(Math.pow(10, e))); ctx.stroke();
      ctx.fillText("1e" + e, left - 4, Y(Math.pow(10, e)));
    }
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    var ticks = logSteps ? [0, 10, 100, 1000, total].filter(function (t) { return t <= total; })
                         : [0, 0.25, 0.5, 0.75, 1].map(function (f) { return Math.round(f * total); });
    ticks.forEach(function (t) {
      ctx.beginPath(); ctx.moveTo(X(t), top); ctx.lineTo(X(t), bottom); ctx.stroke();
      ctx.fillText(String(t), X(t), bottom + 4);
    });
    ctx.fillText("training step", (left + right) / 2, bottom + 18);
    ctx.textAlign = "left";
    ctx.fillText("cost", 4, 2);
    ctx.setLineDash([4, 3]); ctx.strokeStyle = "#888";
    ctx.beginPath(); ctx.moveTo(left, Y(chance)); ctx.lineTo(right, Y(chance)); ctx.stroke();
    ctx.setLineDash([]);
    [[FAINT, Infinity], [INK, until]].forEach(function (pass) {
      ctx.strokeStyle = pass[0]; ctx.lineWidth = 1.6; ctx.beginPath();
      var started = false;
      for (var i = 0; i < steps.length && steps[i] <= pass[1]; i++) {
        if (!isFinite(costs[i]) || costs[i] <= 0) break;
        if (started) ctx.lineTo(X(steps[i]), Y(costs[i])); else { ctx.moveTo(X(steps[i]), Y(costs[i])); started = true; }
      }
      ctx.stroke();
    });
    var at = steps.indexOf(until);
    if (at >= 0 && isFinite(costs[at]) && costs[at] > 0) {
      ctx.fillStyle = POS; ctx.beginPath(); ctx.arc(X(until), Y(costs[at]), 3.5, 0, 2 * Math.PI); ctx.fill();
    }
  }

  window.initdocWidgets = {
    el: el, select: select, field: field, fit: fit, onResize: onResize, bytes: bytes,
    Player: Player, load: load, fail: fail, boot: boot,
    heat: heat, drawNetwork: drawNetwork, drawBoundary: drawBoundary, boundaryGrid: boundaryGrid,
    drawCost: drawCost,
  };
})();
