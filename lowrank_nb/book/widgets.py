"""Explore sections: sliders that work live in Jupyter *and* in the static HTML book.

:func:`explore` builds one widget tree for both worlds:

* sliders (``SelectionSlider``), one per parameter, whose ``index`` is ``jslink``-ed to the
  ``selected_index`` of nested ``Stack`` widgets, one nesting level per parameter;
* the leaves of the nested stacks hold rendered results (PNG images or HTML).

In the static book there is no kernel; the browser's widget manager runs the ``jslink``s, so
moving a slider switches between leaves that were **precomputed at build time** (``make book``
sets ``LOWRANK_NB_PRECOMPUTE=1``). In a live Jupyter kernel each slider move also calls the
Python ``render`` function again for the selected point, so the figure is recomputed live.
"""

from __future__ import annotations

import itertools
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as W  # noqa: N812  (short alias keeps the widget tree readable)
from matplotlib.figure import Figure

from lowrank_nb.book.plotting import fig_to_png, plain_log_labels
from lowrank_nb.book.progress import PRECOMPUTE_ENV, precompute_enabled  # noqa: F401 (old home)

__all__ = ["Explorer", "explore", "explorers", "precompute_enabled"]

MAX_GRID_POINTS = 400  # every leaf is embedded in the page; keep pages small
_LIVE: weakref.WeakSet[Explorer] = weakref.WeakSet()


def explorers() -> list[Explorer]:
    """Every :class:`Explorer` alive in this kernel (used by the latency benchmark)."""
    return list(_LIVE)


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class Explorer:
    """The widget tree behind :func:`explore`; keeps the leaves and the render function."""

    def __init__(
        self,
        render: Callable[..., Figure | str],
        grid: Mapping[str, Sequence[Any]],
        defaults: Mapping[str, Any] | None,
        labels: Mapping[str, str] | None,
        dpi: int,
    ) -> None:
        if not callable(render):
            raise TypeError(f"render must be callable, got {type(render).__name__}")
        if not isinstance(grid, Mapping) or len(grid) == 0:
            raise ValueError("grid must be a non-empty mapping {parameter: values}")
        self.names = list(grid)
        self.values = {k: list(v) for k, v in grid.items()}
        for name, vals in self.values.items():
            if len(vals) == 0:
                raise ValueError(f"grid[{name!r}] must list at least one value")
        size = 1
        for vals in self.values.values():
            size *= len(vals)
        if size > MAX_GRID_POINTS:
            raise ValueError(f"grid has {size} points; at most {MAX_GRID_POINTS} are allowed")
        self.render, self.dpi = render, dpi
        defaults = dict(defaults or {})
        unknown = set(defaults) - set(self.names)
        if unknown:
            raise ValueError(f"defaults name unknown parameters {sorted(unknown)}")
        labels = dict(labels or {})
        self.sliders = {}
        for name in self.names:
            vals = self.values[name]
            index = vals.index(defaults[name]) if name in defaults else (len(vals) - 1) // 2
            self.sliders[name] = W.SelectionSlider(
                options=[(_label(v), i) for i, v in enumerate(vals)],
                index=index,
                description=labels.get(name, name),
                continuous_update=False,
                style={"description_width": "initial"},
                layout=W.Layout(width="320px"),
            )
        self.leaves: dict[tuple[int, ...], W.Widget] = {}
        self.links: list[W.Widget] = []
        self.root = self._stack(())
        self.status = W.HTML()
        self.timings: list[float] = []
        # Plain-text log tick labels make a redraw on log axes 1.2-1.6x faster (see
        # plotting.plain_log_labels); the latency benchmark turns this off for its baseline.
        self.plain_labels = True
        _LIVE.add(self)

    def _stack(self, prefix: tuple[int, ...]) -> W.Widget:
        level = len(prefix)
        if level == len(self.names):
            leaf = W.Image(format="png", layout=W.Layout(max_width="100%"))
            self.leaves[prefix] = leaf
            return leaf
        name = self.names[level]
        children = [self._stack((*prefix, i)) for i in range(len(self.values[name]))]
        stack = W.Stack(children=children, selected_index=self.sliders[name].index)
        # The client-side link is what makes the static page respond to the slider.
        self.links.append(W.jslink((self.sliders[name], "index"), (stack, "selected_index")))
        return stack

    def params(self, key: tuple[int, ...]) -> dict[str, Any]:
        return {name: self.values[name][i] for name, i in zip(self.names, key)}

    def current_key(self) -> tuple[int, ...]:
        return tuple(self.sliders[name].index for name in self.names)

    def update(self, key: tuple[int, ...] | None = None) -> float:
        """Render the point ``key`` (default: the sliders' point) into its leaf; return seconds."""
        key = self.current_key() if key is None else key
        start = time.perf_counter()
        out = self.render(**self.params(key))
        leaf = self.leaves[key]
        if isinstance(out, Figure):
            if self.plain_labels:
                plain_log_labels(out)
            leaf.value = fig_to_png(out, dpi=self.dpi)
        elif isinstance(out, bytes):
            leaf.value = out
        else:
            raise TypeError(f"render must return a matplotlib Figure or PNG bytes, "
                            f"got {type(out).__name__}")
        elapsed = time.perf_counter() - start
        self.timings.append(elapsed)
        return elapsed

    def fill(self) -> None:
        """Render every grid point (the static build)."""
        for key in itertools.product(*(range(len(self.values[n])) for n in self.names)):
            self.update(key)


def explore(
    render: Callable[..., Figure],
    grid: Mapping[str, Sequence[Any]],
    *,
    defaults: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    precompute: bool | None = None,
    dpi: int = 72,
) -> W.VBox:
    """Build an Explore widget over a parameter grid.

    Parameters
    ----------
    render : callable
        ``render(**params) -> matplotlib.figure.Figure`` for one grid point. The figure is
        encoded as PNG and closed.
    grid : mapping
        ``{parameter: list of values}``, in slider order; at most 400 points in all.
    defaults : mapping, optional
        Initial value per parameter (default: the middle of each list).
    labels : mapping, optional
        Slider captions per parameter (default: the parameter name).
    precompute : bool, optional
        Render every grid point now. Defaults to True during the book build
        (``LOWRANK_NB_PRECOMPUTE=1``) and False in a live kernel, where each slider move
        renders the selected point.
    dpi : int, default 72

    Returns
    -------
    ipywidgets.VBox
        Sliders above the figure; ``.explorer`` holds the :class:`Explorer`.
    """
    ex = Explorer(render, grid, defaults, labels, dpi)
    if precompute if precompute is not None else precompute_enabled():
        ex.fill()
        note = (f"{len(ex.leaves)} precomputed results: in the HTML book the sliders switch "
                f"between them; run the notebook to recompute live.")
    else:
        ex.update()
        note = "Live: each slider move recomputes the figure in the kernel."
    ex.status.value = f"<small><i>{note}</i></small>"

    def _on_change(_change: dict) -> None:
        ex.update()

    for slider in ex.sliders.values():
        slider.observe(_on_change, names="index")
    box = W.VBox([W.HBox(list(ex.sliders.values()), layout=W.Layout(flex_flow="row wrap")),
                  ex.root, ex.status])
    box.explorer = ex  # type: ignore[attr-defined]
    return box
