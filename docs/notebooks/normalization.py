# %% [markdown]
# # Notebook: normalization layers
#
# The runnable companion of [Normalization layers](../../normalization/).
# [Download this notebook (.ipynb)](normalization.ipynb) and change any number.
#
# You will build deep relu MLPs with the engine's `residual` module, with batch norm, layer
# norm or nothing between each linear layer and its relu, multiply every hidden weight matrix
# by a gain from ¼ to 4, and measure two things at the start: how much of the signal reaches
# the last hidden layer, and how large the gradient of the first layer's weights is.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import residual
from initdoc.figures import plots  # noqa: F401 (the site's figure style)
from initdoc.residual import Act, Linear, Norm

rng = np.random.default_rng(0)
width, depth, batch = 64, 20, 256
gains = np.geomspace(0.25, 4, 9)
kinds = {"no normalization": None, "batch norm": "batch", "layer norm": "layer"}
styles = {"no normalization": "o-", "batch norm": "o-", "layer norm": "x--"}  # for the plots


def network(kind, gain):
    """`depth` hidden layers: He weights × `gain`, then a normalization of `kind` (or none),
    then relu; a linear head of one unit."""
    layers = []
    for _ in range(depth):
        layers.append(Linear(width, width, "he_normal", gain))
        if kind is not None:
            layers.append(Norm(kind, width))
        layers.append(Act("relu"))
    return (*layers, Linear(width, 1, "lecun_normal"))


# %% [markdown]
# ## 1. Forward and backward at every gain
#
# Every network is drawn from the same seed, so at each gain the weights are the same draw
# times the gain and nothing else changes. The backward pass starts from standard-normal noise
# at the head, as if the loss asked for a random change of the output.

# %%
x = rng.standard_normal((batch, width))
dout = rng.standard_normal((batch, 1))
forward, weight_grad, weight_norm = {}, {}, {}
for name, kind in kinds.items():
    forward[name], weight_grad[name], weight_norm[name] = [], [], []
    for gain in gains:
        net = network(kind, gain)
        params = residual.init_params(np.random.default_rng(1), net)
        record = residual.forward(net, params, x)
        grads = residual.backward(net, params, record, dout)
        relu_out = [s for layer, s in zip(net, record.stream[1:]) if isinstance(layer, Act)]
        forward[name].append(np.mean(relu_out[-1] ** 2) / np.mean(relu_out[0] ** 2))
        weight_grad[name].append(np.linalg.norm(grads.params[0][0]))
        weight_norm[name].append(np.linalg.norm(params[0][0]))

# %% [markdown]
# ## 2. The signal no longer depends on the gain
#
# Without normalization each relu layer multiplies the second moment by the gain squared, so
# from the first hidden layer to the last the prediction is $g^{2(L-1)}$. A normalization
# layer divides by the spread of its input, so $\operatorname{norm}(gWx) =
# \operatorname{norm}(Wx)$ and the ratio should not move with the gain.
#
# The gradient of the first layer's weights, right, is shown relative to gain 1. Without
# normalization it passes back through the $L - 1$ scaled layers above the first, and relu
# keeps which units are on when every weight is multiplied by $g > 0$, so it grows like
# $g^{L-1}$. With normalization the output is the same for $W$ and $gW$, so the gradient at
# $gW$ is $1/g$ times the gradient at $W$.

# %%
ticks = [0.25, 0.5, 1, 2, 4]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
for name in kinds:
    axes[0].plot(gains, forward[name], styles[name], ms=8, label=name)
axes[0].plot(gains, gains ** (2 * (depth - 1)), ":", color="0.4", label="g^(2(L−1))")
axes[0].set(title="forward: E[a²], last hidden / first hidden", yscale="log")
axes[0].legend()
one = int(np.argmin(np.abs(gains - 1)))
for name in ("batch norm", "layer norm"):
    relative = np.array(weight_grad[name]) / weight_grad[name][one]
    color = f"C{list(kinds).index(name)}"
    axes[1].plot(gains, relative, styles[name], ms=8, label=name, color=color)
axes[1].plot(gains, 1 / gains, ":", color="0.4", label="1/g")
axes[1].set(title="‖∇W₁‖ relative to gain 1", yscale="log")
axes[1].set_yticks(ticks, [f"{t:g}" for t in ticks])
axes[1].legend()
for ax in axes:
    ax.set(xlabel="gain g", xscale="log")
    ax.set_xticks(ticks, ["¼", "½", "1", "2", "4"])
    ax.minorticks_off()
plt.tight_layout()
plt.show()

# %% [markdown]
# On the left the two normalized lines lie almost on each other; their ratios over the sweep:

# %%
for name in ("batch norm", "layer norm"):
    print(f"{name}: from {min(forward[name]):.4f} to {max(forward[name]):.4f}")

# %% [markdown]
# On the right the two normalized networks' points lie on each other and on $1/g$. The slope of
# $\log \lVert\nabla W_1\rVert$ against $\log g$: scale invariance predicts $-1$, and without
# normalization the prediction is $L - 1$.

# %%
for name in kinds:
    slope = np.polyfit(np.log(gains), np.log(weight_grad[name]), 1)[0]
    print(f"{name:>16}: ‖∇W₁‖ grows like g^{slope:.2f}")

# %% [markdown]
# ## 3. The gain becomes a learning rate
#
# One SGD step moves $W_1$ by the learning rate times $\nabla W_1$, a vector $1/g$ times as
# long, while $W_1$ itself is $g$ times as long: relative to the weights, the step shrinks like
# $1/g^2$. The step of each gain relative to the step at gain 1:

# %%
for name in ("batch norm", "layer norm"):
    step = np.array(weight_grad[name]) / np.array(weight_norm[name])
    print(name)
    for gain, relative in zip(gains, step / step[one]):
        print(f"  g = {gain:5.3f}: relative step × {relative:8.4f}   1/g² = {1 / gain**2:8.4f}")

# %% [markdown]
# ## The page's figure
#
# ![The gain sweep, with and without normalization](../../figures/normalization_signal.svg)
#
# ## Change this and see
#
# The invariance is exact only while the variance $\sigma^2$ of $Wx$ is large next to the
# $\epsilon$ in $\sqrt{\sigma^2 + \epsilon}$ (`initdoc.norm.EPS`, PyTorch's default). A
# normalized layer keeps a fraction $\sigma^2 / (\sigma^2 + \epsilon)$ of the second moment,
# and at tiny gains that fraction compounds over the layers. Try gains far below ¼:

# %%
for gain in [1e-1, 1e-2, 1e-3, 1e-4]:
    net = network("layer", gain)
    params = residual.init_params(np.random.default_rng(1), net)
    record = residual.forward(net, params, x)
    relu_out = [s for layer, s in zip(net, record.stream[1:]) if isinstance(layer, Act)]
    ratio = np.mean(relu_out[-1] ** 2) / np.mean(relu_out[0] ** 2)
    print(f"layer norm, g = {gain:g}: E[a²] last hidden / first hidden = {ratio:.3g}")
