"""One figure style for the whole book."""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["COLORS", "fig_to_png", "fig_to_svg", "figure", "use_book_style"]

# Colour-blind-safe palette (Okabe--Ito); each role keeps its colour across chapters.
COLORS = {
    "data": "#0072B2",  # measured quantities
    "bound": "#D55E00",  # theoretical bounds
    "fit": "#009E73",  # fitted rates
    "baseline": "#7f7f7f",  # SVD and other baselines
    "accent": "#CC79A7",
    "extra": "#E69F00",
}

_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "savefig.bbox": "tight",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS.values())),
    "font.size": 10,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "svg.fonttype": "none",
}


def use_book_style() -> None:
    """Apply the book's matplotlib style to every later figure."""
    plt.rcParams.update(_STYLE)


def figure(ncols: int = 1, nrows: int = 1, width: float = 6.4, height: float = 3.6, **kw):
    """Return ``(fig, axes)`` in the book style, sized for the page."""
    use_book_style()
    return plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", **kw)


def fig_to_png(fig: Figure, dpi: int = 80) -> bytes:
    """Encode a figure as PNG bytes and close it (figures for widgets never leak)."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def fig_to_svg(fig: Figure) -> str:
    """Encode a figure as an inline SVG string and close it."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return buf.getvalue()
