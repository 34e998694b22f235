# %% [markdown]
# # Notebook: vanishing and exploding through depth
#
# The runnable companion of [Vanishing and exploding through depth](../../depth/).
# [Download this notebook (.ipynb)](depth.ipynb) and change any number.
#
# You will build the article's 9-layer linear network with every weight matrix
# $W^{[l]} = s\,I$, push a batch through it, backpropagate an error, and watch the signal
# and the gradient grow or shrink by a factor $s$ per layer.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import nn, schemes
from initdoc.figures import plots  # noqa: F401 (the site's figure style)

depth, width = 9, 2
rng = np.random.default_rng(0)
X = rng.standard_normal((200, width))
Y = rng.standard_normal((200, width))

# %% [markdown]
# ## 1. Forward and backward, layer by layer
#
# `schemes.identity(s)` gives $W = s\,I$; the activations are the identity, so the output
# is $s^{9} x$. The backward pass starts from the error at the output and passes through
# $W^{\top} = s\,I$ at each layer on its way back.

# %%
signal, gradient = {}, {}
for s in (0.5, 1.0, 1.5):
    params = nn.init_params(rng, [width] * (depth + 1), schemes.identity(s))
    record = nn.forward(params, ["identity"] * depth, X)
    grads = nn.backward(params, record, Y, "mse")
    signal[s] = [np.linalg.norm(a) / np.linalg.norm(X) for a in record.a]
    gradient[s] = [np.linalg.norm(da) / np.linalg.norm(grads.da[depth]) for da in grads.da]

fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
for s in signal:
    axes[0].plot(signal[s], marker="o", label=f"s = {s}")
    axes[1].plot(gradient[s], marker="o", label=f"s = {s}")
axes[0].set(title="forward: |a[l]| / |x|", xlabel="layer l", yscale="log")
axes[1].set(title="backward: |dL/da[l]| / |dL/da[L]|", xlabel="layer l")
axes[0].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Forward, layer $l$ carries $s^{l}$ times the input; backward, layer $l$ receives
# $s^{L-l}$ times the output's error. With $s = 1.5$ both grow by $1.5^9 \approx 38$ across
# the network, with $s = 0.5$ both shrink by $0.5^9 \approx 0.002$.
#
# ## The page's figure
#
# ![Signal and gradient per layer for W = s·I](../../figures/depth_signals.svg)
#
# ## Change this and see
#
# Random matrices instead of $s\,I$: with $W \sim \mathcal{N}(0, s^2/n)$ each draw strays
# from $s^{l}$. Change `width` and `s` and compare the spread of $|a^{[L]}|/|x|$ over draws.

# %%
s, width, depth, draws = 1.0, 64, 50, 100
x = rng.standard_normal((1, width))
ends = []
for _ in range(draws):
    params = nn.init_params(rng, [width] * (depth + 1), schemes.normal(0, s / np.sqrt(width)))
    ends.append(
        np.linalg.norm(nn.forward(params, ["identity"] * depth, x).a[-1]) / np.linalg.norm(x)
    )
print(
    f"|a[L]|/|x| over {draws} draws: median {np.median(ends):.3g}, "
    f"10th-90th percentile {np.percentile(ends, 10):.3g}-{np.percentile(ends, 90):.3g}"
)
