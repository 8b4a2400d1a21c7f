# %% [markdown]
# (chapter-label)=
# # Chapter title (paper, section)
#
# ## Overview
# What the section says and why it matters, in two or three paragraphs. Cite with
# {cite}`budzinskiy2024entrywise`; link chapters with {doc}`../part1/index`.
#
# ## Setup

# %%
import numpy as np

from lowrank_nb import setup_notebook
from lowrank_nb.book.explorer import Explore, Param

rng = setup_notebook(seed=1)

# %% [markdown]
# ## Statement
#
# :::{prf:theorem} Theorem 1.3 of the paper (JL in the max norm)
# :label: thm-template
# :nonumber:
#
# The statement, with $\LaTeX$. Use `:nonumber:` so that the book keeps the paper's numbering
# in the title; labels are unique across the book (prefix them with the part, e.g. `p2-`).
# :::
#
# ## Derivation
#
# The argument in our own words.
#
# ## Verification

# %%
# tags: verify:budzinskiy:theorem-1.3, check:inequality
x = rng.standard_normal(10)
# Tolerance 1e-12: one rounding per entry of a length-10 sum.
assert abs(np.sum(x) - np.add.reduce(x)) <= 1e-12

# %% [markdown]
# ## Explore

# %% [markdown]
# What to vary and what to look for. The static book steps through the grid below; a live
# kernel accepts any value in range. Where n, r or ε does not enter the result, say why.

# %%
# tags: hide-input
def explore_data(m, k):
    x = np.arange(1, 21)
    return {"x": x, "y": {"m·k·x": m * k * x, "m·x": m * x}}


Explore(explore_data,
        [Param("m", range(1, 21), label="$m$"), Param("k", range(1, 13), label="$k$")],
        x_label="x", y_label="value").show()

# %% [markdown]
# ## Notes & errata
#
# :::{admonition} Erratum (paper, location)
# :class: warning
# What is wrong, the numerical evidence, and its kind (typo / gap / false as stated /
# vacuous at practical sizes).
# :::
