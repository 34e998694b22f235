# %% [markdown]
# # Notebook: Xavier/Glorot
#
# The runnable companion of [Xavier/Glorot](../../xavier/).
# [Download this notebook (.ipynb)](xavier.ipynb) and change any number.
#
# You will push noise through a 784-256×5-10 tanh network from three starts, the standard
# normal, LeCun's $\mathcal{N}(0, 1/n_\text{in})$ and Glorot's
# $\mathcal{N}\!\left(0, \frac{2}{n_\text{in} + n_\text{out}}\right)$, and measure each
# layer's activation variance forward and gradient variance backward.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import nn, schemes
from initdoc.figures import plots  # noqa: F401 (the site's figure style)

rng = np.random.default_rng(0)
L, width, n_x, n_classes, m = 5, 256, 784, 10, 1000
sizes = [n_x] + [width] * L + [n_classes]
activations = ["tanh"] * L + ["softmax"]
X = rng.standard_normal((m, n_x))
y = rng.integers(0, n_classes, m)
starts = {
    "N(0, 1)": schemes.normal(0, 1),
    "LeCun": schemes.lecun_normal(),
    "Glorot": schemes.glorot_normal(),
}

# %% [markdown]
# ## 1. Forward and backward

# %%
forward, backward = {}, {}
for name, init in starts.items():
    params = nn.init_params(np.random.default_rng(1), sizes, init)
    record = nn.forward(params, activations, X)
    grads = nn.backward(params, record, y, "softmax_cross_entropy")
    forward[name] = [np.var(a) for a in record.a[1 : L + 1]]  # hidden activations
    backward[name] = [np.var(dz) for dz in grads.dz[1 : L + 1]]  # dL/dz of the hidden layers

fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
for name in starts:
    axes[0].plot(range(1, L + 1), forward[name], marker="o", label=name)
    axes[1].plot(range(1, L + 1), backward[name], marker="o", label=name)
axes[0].set(title="forward: Var(a[l])", xlabel="hidden layer l")
axes[1].set(title="backward: Var(dL/dz[l])", xlabel="hidden layer l", yscale="log")
axes[0].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# $\mathcal{N}(0, 1)$ drives almost every tanh unit into saturation: the activation variance sits
# near 1, its largest possible value. Backward, the large weights multiply the gradient by
# more than the flat tanh takes away, so it grows towards the input. LeCun and Glorot keep
# $z$ small, but tanh is contractive ($|\tanh z| < |z|$): the activation variance still
# decays with depth, and the gradient variance shrinks towards the input. The page measures
# by how much, and what the theory predicts.
#
# ## The page's figure
#
# ![Variance per layer, forward and backward](../../figures/xavier_variance.svg)
#
# ## Change this and see
#
# Make the network deeper and compare the last layer's activation variance under LeCun and
# Glorot:

# %%
L = 20
sizes, activations = [n_x] + [width] * L + [n_classes], ["tanh"] * L + ["softmax"]
for name in ("LeCun", "Glorot"):
    params = nn.init_params(np.random.default_rng(1), sizes, starts[name])
    a = nn.forward(params, activations, X).a
    print(f"{name}: Var(a[1]) = {np.var(a[1]):.3f}, Var(a[{L}]) = {np.var(a[L]):.3f}")
