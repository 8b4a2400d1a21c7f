import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets.widgets.widget_link import Link

from lowrank_nb.widgets import explore


def _render(m: int, k: float):
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot(np.arange(m) * k)
    return fig


def test_precomputed_grid_has_distinct_leaves_and_links() -> None:
    box = explore(_render, {"m": [2, 3, 4], "k": [1.0, -1.0]}, precompute=True)
    ex = box.explorer
    images = [leaf.value for leaf in ex.leaves.values()]
    assert len(images) == 6 and all(images)
    assert len(set(images)) == 6  # every grid point shows something different
    # One jslink per Stack: 1 outer + 3 inner, each tied to its slider's index.
    assert len(ex.links) == 4
    assert all(isinstance(link, Link) for link in ex.links)
    sources = {link.source[0].description for link in ex.links}
    assert sources == {"m", "k"}


def test_live_mode_renders_on_slider_move() -> None:
    box = explore(_render, {"m": [2, 3], "k": [1.0, 2.0]}, precompute=False,
                  defaults={"m": 2, "k": 1.0})
    ex = box.explorer
    assert ex.leaves[(0, 0)].value and not ex.leaves[(1, 1)].value
    ex.sliders["m"].index = 1
    ex.sliders["k"].index = 1
    assert ex.leaves[(1, 1)].value


def test_explore_bad_input() -> None:
    with pytest.raises(TypeError, match="render must be callable"):
        explore(3, {"m": [1]})
    with pytest.raises(ValueError, match="grid must be a non-empty mapping"):
        explore(_render, {})
    with pytest.raises(ValueError, match=r"grid\['m'\] must list"):
        explore(_render, {"m": []})
    with pytest.raises(ValueError, match="at most 400"):
        explore(_render, {"m": list(range(30)), "k": list(range(30))})
    with pytest.raises(ValueError, match="defaults name unknown"):
        explore(_render, {"m": [2]}, defaults={"q": 1})
    with pytest.raises(TypeError, match="render must return"):
        explore(lambda m: "text", {"m": [2]}, precompute=True)
