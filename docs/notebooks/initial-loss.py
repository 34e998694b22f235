# %% [markdown]
# # Notebook: the last layer and the initial loss
#
# The runnable companion of [The last layer and the initial loss](../../initial-loss/).
# [Download this notebook (.ipynb)](initial-loss.ipynb) and change any number.
#
# You will start a relu classifier over $C$ classes with its last layer scaled from tiny to
# huge, compare its loss before training with $\ln C$ and with the loss of random logits, and
# then compute the two fixes: a zero last layer, and an output bias set to the log-frequencies
# of imbalanced classes.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import nn, probe, schemes
from initdoc.figures import plots  # noqa: F401 (the site's figure style)

rng = np.random.default_rng(0)
C, n_x, hidden, rows = 10, 20, [100, 100], 2000
sizes = [n_x, *hidden, C]
activations = ["relu"] * len(hidden) + ["softmax"]
X = rng.standard_normal((rows, n_x))
labels = rng.integers(0, C, rows)  # unrelated to X: before training, X says nothing yet


def classifier(last_scale, bias=None):
    """He hidden layers; the last layer He × `last_scale`, its bias `bias` (zeros if None)."""
    params = nn.init_params(np.random.default_rng(1), sizes, schemes.he_normal())
    W, b = params[-1]
    params[-1] = (last_scale * W, b if bias is None else np.asarray(bias, dtype=float))
    return params


# %% [markdown]
# ## 1. The initial loss against the size of the logits
#
# A softmax that gives every class the same logit predicts $1/C$ for each, and its
# cross-entropy is $\ln C$ whatever the label. Logits drawn from $\mathcal{N}(0, s^2)$ raise it:
# for small $s$, $\mathbb{E}[\mathcal{L}_0] \approx \ln C + (1 - 1/C)\,s^2/2$, and for large $s$
# it grows in proportion to $s$. `probe.expected_initial_loss` computes the expectation for
# random logits by Monte Carlo; the points are the network's loss, placed at the measured spread
# of its logits.

# %%
last_scales = np.geomspace(0.01, 100, 17)
spread, loss = [], []
for scale in last_scales:
    record = nn.forward(classifier(scale), activations, X)
    spread.append(record.z[-1].std())
    loss.append(nn.cost(record, labels, "softmax_cross_entropy"))

s = np.geomspace(min(spread), max(spread), 200)
fig, ax = plt.subplots(figsize=(6, 3.6))
ax.plot(spread, loss, "o", label="the network, last layer He × scale")
ax.plot(s, probe.expected_initial_loss(s, C, 20_000, rng), label="random logits N(0, s²)")
small = s[s <= 3]  # the expansion holds for small s only
ax.plot(small, np.log(C) + (1 - 1 / C) * small**2 / 2, ":", label="ln C + (1 − 1/C) s²/2")
ax.axhline(np.log(C), color="0.4", ls="--", label="ln C")
ax.set(xlabel="spread of the logits s", ylabel="loss before training", xscale="log", yscale="log")
ax.set_ylim(1, None)
ax.legend()
plt.show()

# %% [markdown]
# Small last layers sit on $\ln C$; the plain He last layer (scale 1) sits a little above it,
# and large ones far above, on the line of random logits.

# %%
for scale in [0.01, 1, 100]:
    record = nn.forward(classifier(scale), activations, X)
    print(
        f"last layer He × {scale:>4}: loss {nn.cost(record, labels, 'softmax_cross_entropy'):.3f}"
    )
print(f"ln C = {np.log(C):.3f}")

# %% [markdown]
# ## 2. Fix one: a zero last layer
#
# With the last weights and bias at zero every logit is 0, so the loss is exactly $\ln C$. The
# last layer still gets a gradient, because it depends on the activations below it and not on
# the last weights; the layers below get none in the first step, because it flows back through
# those zero weights.

# %%
zero = classifier(0.0)
record = nn.forward(zero, activations, X)
grads = nn.backward(zero, record, labels, "softmax_cross_entropy").params
print(f"loss {nn.cost(record, labels, 'softmax_cross_entropy'):.6f}, ln C = {np.log(C):.6f}")
for l, (dW, _) in enumerate(grads, start=1):
    print(f"layer {l}: ‖∇W‖ = {np.linalg.norm(dW):.3g}")

# %% [markdown]
# ## 3. Fix two: the output bias from the class frequencies
#
# Make the classes imbalanced: class $k$ is drawn with a probability proportional to
# $0.7^k$. With zero last weights and the bias of class $k$ at $\ln p_k$, the softmax predicts
# the frequencies themselves, and the loss is their entropy $H(p) = -\sum_k p_k \ln p_k$, below
# $\ln C$: the best any prediction that ignores the input can do.

# %%
p = 0.7 ** np.arange(C)
p /= p.sum()
imbalanced = rng.choice(C, size=rows, p=p)
for name, bias in [("zero bias", np.zeros(C)), ("bias ln p_k", np.log(p))]:
    record = nn.forward(classifier(0.0, bias), activations, X)
    print(f"{name:>12}: loss {nn.cost(record, imbalanced, 'softmax_cross_entropy'):.3f}")
print(f"ln C = {np.log(C):.3f}, entropy H(p) = {-(p * np.log(p)).sum():.3f}")

# %% [markdown]
# With the log-frequency bias the measured loss is $-\sum_k \hat p_k \ln p_k$, where $\hat p_k$
# are the frequencies of the labels drawn; it tends to $H(p)$ as the batch grows.
#
# ## The page's figure
#
# ![The initial loss against the spread of the logits](../../figures/initial_loss_scale.svg)
#
# ## Change this and see
#
# The more imbalanced the classes, the further the log-frequency start sits below $\ln C$.
# Change the ratio (1 is balanced):

# %%
print(f"ln C = {np.log(C):.3f}")
for ratio in [1.0, 0.9, 0.7, 0.5, 0.3]:
    q = ratio ** np.arange(C)
    q /= q.sum()
    y = rng.choice(C, size=rows, p=q)
    record = nn.forward(classifier(0.0, np.log(q)), activations, X)
    start = nn.cost(record, y, "softmax_cross_entropy")
    print(f"ratio {ratio}: loss {start:.3f}, entropy H(p) = {-(q * np.log(q)).sum():.3f}")
