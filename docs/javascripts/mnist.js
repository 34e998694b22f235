/* The MNIST explorer: replays the precomputed training runs in figures/mnist_explorer.json.
   Vanilla JavaScript on widgets.js. Each element with class "mnist-explorer" and a data-src
   attribute (the JSON's URL, relative to the page) becomes one explorer; the JSON carries the
   menus' labels and the scale of its histogram counts (initdoc/figures/mnist.py). */
(function () {
  "use strict";

  var W = window.initdocWidgets, el = W.el;
  var BLUE = "#0072B2", ORANGE = "#E69F00", INK = "#222", GRID = "#bbb", MUTED = "#666";
  var FRAME_MS = 300;

  function percent(x, digits) { return (100 * x).toFixed(digits === undefined ? 1 : digits) + "%"; }

  /* The 100 display digits as one 280x280 canvas: dark ink on white. */
  function digitSheet(data) {
    var raw = atob(data.images), n = data.labels.length, side = 28, per = 10;
    var sheet = document.createElement("canvas");
    sheet.width = sheet.height = side * per;
    var ctx = sheet.getContext("2d"), image = ctx.createImageData(side * per, side * per);
    for (var k = 0; k < n; k++) {
      var top = Math.floor(k / per) * side, left = (k % per) * side;
      for (var p = 0; p < side * side; p++) {
        var value = 255 - raw.charCodeAt(k * side * side + p);
        var at = 4 * ((top + Math.floor(p / side)) * side * per + left + (p % side));
        image.data[at] = image.data[at + 1] = image.data[at + 2] = value;
        image.data[at + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    return sheet;
  }

  function Explorer(root, data) {
    this.root = root;
    this.data = data;
    this.sheet = digitSheet(data);
    this.frame = 0;
    this.wanted = 0;  // the frame the reader asked for; a shorter (diverged) run shows its last one
    this.build();
    this.select();
  }

  Explorer.prototype.build = function () {
    var self = this, data = this.data, id = this.root.id || "mnist-explorer";
    this.act = W.select(id + "-act", data.activations.map(function (a) { return [a, a]; }), data.activations[0]);
    this.init = W.select(id + "-init", Object.keys(data.inits).map(function (k) { return [k, data.inits[k]]; }), "xavier");
    this.statusText = el("p", { class: "mx-visually-hidden", "aria-live": "polite" });
    this.player = new W.Player({
      id: id, interval: FRAME_MS, frames: 1,
      show: function (i) { self.show(i); },
      label: function (i) { return "after " + data.frames[i] + " updates"; },
      state: function (playing) { self.statusText.setAttribute("aria-live", playing ? "off" : "polite"); },
    });
    this.banner = el("p", { class: "mx-banner", hidden: "hidden", role: "status" });
    this.stats = el("dl", { class: "mx-stats" });
    this.hists = [];
    var histBox = el("div", { class: "mx-hists" });
    for (var l = 0; l < data.runs[Object.keys(data.runs)[0]].hist[0].length; l++) {
      var canvas = el("canvas", { role: "img" });
      this.hists.push(canvas);
      histBox.appendChild(el("figure", {}, [canvas, el("figcaption", { text: "hidden layer " + (l + 1) })]));
    }
    this.images = el("canvas", { role: "img", "aria-label": "the " + data.labels.length +
      " held-out digits of the display batch, ten of each, in a ten by ten grid" });
    this.preds = el("canvas", { role: "img" });
    this.costCurve = el("canvas", { role: "img" });
    this.accCurve = el("canvas", { role: "img" });
    var controls = el("div", { class: "mx-controls" }, [
      el("label", { for: this.act.id, text: "Hidden activation" }), this.act,
      el("label", { for: this.init.id, text: "Initialization" }), this.init,
    ]);
    this.root.textContent = "";
    [controls, this.player.node, this.banner, this.stats, this.statusText,
      el("h4", { text: "Activations of the " + this.hists.length + " hidden layers (share of the held-out digits' values)" }), histBox,
      el("div", { class: "mx-batch" }, [
        el("figure", {}, [this.images, el("figcaption", { text: "Input: the batch of " + data.labels.length + " held-out digits" })]),
        el("figure", {}, [this.preds, el("figcaption", { text: "Predictions: blue ✓ right, orange ✗ wrong" })]),
      ]),
      el("div", { class: "mx-curves" }, [
        el("figure", {}, [this.costCurve, el("figcaption", { text: "Training cost (log scale)" })]),
        el("figure", {}, [this.accCurve, el("figcaption", { text: "Held-out accuracy" })]),
      ]),
    ].forEach(function (node) { self.root.appendChild(node); });

    this.act.addEventListener("change", function () { self.select(); });
    this.init.addEventListener("change", function () { self.select(); });
    W.onResize(this.root, function () { self.show(self.frame, true); });  // canvases follow their CSS width
  };

  /* Switch to the run chosen in the two selects, keeping the frame where possible. */
  Explorer.prototype.select = function () {
    this.key = this.act.value + "_" + this.init.value;
    this.run = this.data.runs[this.key];
    this.scales = this.run.hist[0].map(function (_, l) {
      var top = 1;
      this.run.hist.forEach(function (frame) { top = Math.max(top, Math.max.apply(null, frame[l])); });
      return top;
    }, this);
    var d = this.run.diverged_at;
    this.banner.hidden = d < 0;
    this.banner.textContent = d < 0 ? "" : "This run diverged at step " + d + ": the cost overflowed to infinity " +
      "and training stopped, so there is nothing to show after step " + this.data.frames[this.run.n - 1] + ".";
    var wanted = this.wanted;
    this.player.setFrames(this.run.n);
    this.player.go(Math.min(wanted, this.run.n - 1));
    this.wanted = wanted;
  };

  /* Draw frame `frame` of the chosen run (called by the player). */
  Explorer.prototype.show = function (frame, keepWanted) {
    var data = this.data, run = this.run;
    this.frame = Math.max(0, Math.min(run.n - 1, frame));
    if (!keepWanted) this.wanted = this.frame;
    var step = data.frames[this.frame], per = data.steps_per_epoch;
    var epoch = step === 0 ? 0 : Math.ceil(step / per), batch = step === 0 ? 0 : (step - 1) % per + 1;
    var wrong = this.misclassified();
    var accuracy = run.correct[this.frame] / data.n_heldout;
    var rows = [
      ["epoch", epoch + " of " + data.epochs],
      ["batch", batch + " of " + per],
      ["updates", String(step)],
      ["training cost", String(run.cost[this.frame])],
      ["held-out accuracy", percent(accuracy)],
      ["misclassified in the batch", wrong + " of " + data.labels.length],
    ];
    this.stats.textContent = "";
    rows.forEach(function (r) {
      this.stats.appendChild(el("div", {}, [el("dt", { text: r[0] }), el("dd", { text: r[1] })]));
    }, this);
    this.statusText.textContent = this.init.options[this.init.selectedIndex].text + ", " + this.act.value +
      ", after " + step + " updates: training cost " + run.cost[this.frame] + ", held-out accuracy " +
      percent(accuracy) + ", " + wrong + " of " + data.labels.length + " digits in the batch misclassified.";
    for (var l = 0; l < this.hists.length; l++) this.drawHist(l);
    this.drawImages();
    this.drawPreds();
    this.drawCurve(this.costCurve, run.cost, true);
    this.drawCurve(this.accCurve, run.correct.map(function (c) { return c / data.n_heldout; }), false);
  };

  Explorer.prototype.misclassified = function () {
    var pred = this.run.pred[this.frame], labels = this.data.labels, wrong = 0;
    for (var k = 0; k < labels.length; k++) if (pred[k] !== labels[k]) wrong++;
    return wrong;
  };

  Explorer.prototype.drawHist = function (l) {
    var spec = this.data.hist[this.act.value], relu = this.act.value === "relu";
    var counts = this.run.hist[this.frame][l], top = this.scales[l];
    var c = W.fit(this.hists[l], 130), ctx = c.ctx, pad = { l: 30, r: 6, t: 16, b: 20 };
    var bars = spec.bins + (relu ? 1 : 0), bw = (c.w - pad.l - pad.r) / bars, ph = c.h - pad.t - pad.b;
    ctx.fillStyle = BLUE;
    for (var b = 0; b < bars; b++) {
      var hgt = ph * counts[b] / top;
      ctx.fillRect(pad.l + b * bw + 0.5, pad.t + ph - hgt, Math.max(bw - 1, 1), hgt);
    }
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    ctx.moveTo(pad.l, pad.t + ph + 0.5);
    ctx.lineTo(c.w - pad.r, pad.t + ph + 0.5);
    ctx.stroke();
    ctx.fillStyle = INK;
    ctx.textAlign = "center";
    var ticks = relu ? [[0, "0"], [spec.bins / 2, String(spec.hi / 2)], [spec.bins + 0.5, "≥" + spec.hi]]
                     : [[0, String(spec.lo)], [spec.bins / 2, "0"], [spec.bins, String(spec.hi)]];
    ticks.forEach(function (t) { ctx.fillText(t[1], pad.l + t[0] * bw, c.h - 5); });
    ctx.textAlign = "right";
    ctx.fillText(percent(top / this.data.shares_per, 0), pad.l - 4, pad.t + 4);
    ctx.fillText("0", pad.l - 4, pad.t + ph);
    var zero = this.run.zero[this.frame][l] / this.data.shares_per;
    if (relu) {
      ctx.fillStyle = MUTED;
      ctx.fillText("a = 0: " + percent(zero, 0), c.w - pad.r, pad.t - 4);
    }
    this.hists[l].setAttribute("aria-label", "histogram of hidden layer " + (l + 1) + " activations" +
      (relu ? ", " + percent(zero, 0) + " of them exactly 0" : "") + "; tallest bar " + percent(top / this.data.shares_per, 0));
  };

  Explorer.prototype.drawImages = function () {
    var c = W.fit(this.images, this.images.clientWidth || 280), ctx = c.ctx;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.sheet, 0, 0, c.w, c.h);
  };

  Explorer.prototype.drawPreds = function () {
    var pred = this.run.pred[this.frame], labels = this.data.labels;
    var c = W.fit(this.preds, this.preds.clientWidth || 280), ctx = c.ctx;
    var cw = c.w / 10, ch = c.h / 10, wrong = 0;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (var k = 0; k < labels.length; k++) {
      var x = (k % 10) * cw, y = Math.floor(k / 10) * ch, right = pred[k] === labels[k];
      if (!right) wrong++;
      ctx.fillStyle = right ? BLUE : ORANGE;
      ctx.fillRect(x + 1, y + 1, cw - 2, ch - 2);
      ctx.fillStyle = right ? "#fff" : "#000";
      ctx.font = "bold " + Math.round(ch * 0.5) + "px system-ui, sans-serif";
      ctx.fillText(pred[k], x + cw / 2, y + ch / 2 + 1);
      ctx.font = Math.round(ch * 0.3) + "px system-ui, sans-serif";
      ctx.fillText(right ? "✓" : "✗", x + cw - ch * 0.2, y + ch * 0.22);
    }
    this.preds.setAttribute("aria-label", "predicted digit for each of the " + labels.length + " digits: " +
      (labels.length - wrong) + " right (blue, tick), " + wrong + " wrong (orange, cross)");
  };

  /* A small line chart of one quantity over all frames of the run, with the current frame marked. */
  Explorer.prototype.drawCurve = function (canvas, values, logScale) {
    var frames = this.data.frames, last = frames[frames.length - 1];
    var c = W.fit(canvas, 110), ctx = c.ctx, pad = { l: 40, r: 8, t: 8, b: 18 };
    var pw = c.w - pad.l - pad.r, ph = c.h - pad.t - pad.b;
    var lo = logScale ? 0.01 : 0, hi = logScale ? 100 : 1;
    function ty(v) {
      var f = logScale ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
      return pad.t + ph * (1 - Math.max(0, Math.min(1, f)));
    }
    function tx(step) { return pad.l + pw * step / last; }
    ctx.strokeStyle = GRID;
    ctx.fillStyle = INK;
    ctx.textAlign = "right";
    (logScale ? [0.01, 0.1, 1, 10, 100] : [0, 0.5, 1]).forEach(function (v) {
      ctx.beginPath();
      ctx.moveTo(pad.l, ty(v) + 0.5);
      ctx.lineTo(c.w - pad.r, ty(v) + 0.5);
      ctx.stroke();
      ctx.fillText(logScale ? String(v) : percent(v, 0), pad.l - 4, ty(v) + 4);
    });
    ctx.textAlign = "center";
    ctx.fillText("updates →", pad.l + pw / 2, c.h - 4);
    ctx.strokeStyle = BLUE;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (var i = 0; i < this.run.n; i++) {
      if (i === 0) ctx.moveTo(tx(frames[i]), ty(values[i]));
      else ctx.lineTo(tx(frames[i]), ty(values[i]));
    }
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.fillStyle = ORANGE;
    ctx.strokeStyle = INK;
    ctx.beginPath();
    ctx.arc(tx(frames[this.frame]), ty(values[this.frame]), 4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    if (this.run.diverged_at >= 0) {
      ctx.fillStyle = INK;
      ctx.textAlign = "right";
      ctx.fillText("✗ diverged at step " + this.run.diverged_at, c.w - pad.r, pad.t + 12);
    }
    canvas.setAttribute("aria-label", (logScale ? "training cost" : "held-out accuracy") + " over " + last +
      " updates; the current frame is marked");
  };

  W.boot(".mnist-explorer[data-src]", function (root) {
    W.load(root.getAttribute("data-src")).then(function (data) {
      root.explorer = new Explorer(root, data);
    }).catch(function (err) {
      W.fail(root, "The MNIST explorer", err, "The figures below show the same runs.");
    });
  });
})();
