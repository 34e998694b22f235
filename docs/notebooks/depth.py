# %% [markdown]
# # Notebook: Vanishing and exploding through depth
#
# The runnable companion of [Vanishing and exploding through depth](../../depth/).
# [Download this notebook (.ipynb)](depth.ipynb) and change any number.
#
# The first cell draws the page's figure from the very result the page quotes (the build's
# cache; the first run computes it). The second reruns the experiment with other parameters.

# %%
from initdoc.pipeline import cache, registry
from initdoc.pipeline.registry import get_experiment

registry.load_all()
page_result, _ = cache.run(get_experiment("depth_linear"))
registry.FIGURES["depth_signals"].draw(page_result)

# %% [markdown]
# The same experiment with other parameters (uncached; a few seconds):

# %%
result = get_experiment("depth_linear")(depth=20, steps=500)
print({k: v for k, v in result.values.items() if "factor" in k})

# %% [markdown]
# ## Try next
#
# - Make the network deeper (`depth=30`) and compare the factor with $1.5^{L}$.
# - Change the learning rate `lr` and see which start diverges first.
