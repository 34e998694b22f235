// MathJax 3, served from this site (no CDN). Typeset only after MathJax has started,
// then again on every page that material's instant navigation swaps in.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
  },
  options: {
    // Only the containers typesetPage() passes are typeset; within them, skip tex2jax_ignore.
    ignoreHtmlClass: "tex2jax_ignore",
  },
  startup: { typeset: false },
};

function typesetPage() {
  const targets = document.querySelectorAll(
    ".arithmatex, .jp-MarkdownOutput, .jp-RenderedLatex, .jp-RenderedMarkdown"
  );
  if (targets.length === 0) return;
  MathJax.startup.promise = MathJax.startup.promise
    .then(() => MathJax.typesetPromise(Array.from(targets)))
    .catch((err) => console.error("MathJax:", err));
}

if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) typesetPage();
    else window.addEventListener("load", typesetPage, { once: true });
  });
}
