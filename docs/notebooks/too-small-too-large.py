# %% [markdown]
# # Notebook: Too small, too large
#
# The runnable companion of [Too small, too large](../../too-small-too-large/).
# [Download this notebook (.ipynb)](too-small-too-large.ipynb) and change any number.
#
# The first cell draws the page's figure from the very result the page quotes (the build's
# cache; the first run computes it). The second reruns the experiment with other parameters.

# %%
from initdoc.pipeline import cache, registry
from initdoc.pipeline.registry import get_experiment

registry.load_all()
page_result, _ = cache.run(get_experiment("playground"))
registry.FIGURES["small_large_costs"].draw(page_result)

# %% [markdown]
# The same experiment with other parameters (uncached; a few seconds):

# %%
result = get_experiment("playground")(steps=1500)
print({k: v for k, v in result.values.items()
       if k.startswith("relu.circle") and k.endswith("accuracy")})

# %% [markdown]
# ## Try next
#
# - Change `steps` and watch which runs leave the plateau.
# - Try `lr=1.0`: does any too-large run diverge now?
# - Look at `result.values` for the regime each run was given.
