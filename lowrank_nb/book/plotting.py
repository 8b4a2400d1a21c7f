"""One figure style for the whole book."""

from __future__ import annotations

import io
import re

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatterSciNotation

__all__ = [
    "COLORS",
    "PlainLogFormatter",
    "fig_to_png",
    "fig_to_svg",
    "figure",
    "mathtext_to_plain",
    "plain_log_labels",
    "use_book_style",
]

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


_SUPERSCRIPT = str.maketrans(
    "0123456789-", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b"
)
_MATHDEFAULT = re.compile(r"\$\\mathdefault\{(.*)\}\$")
_POWER = re.compile(r"\^\{(-?\d+)\}")


def mathtext_to_plain(label: str) -> str:
    """Rewrite a log-axis tick label from mathtext to plain Unicode text.

    ``$\\mathdefault{3\\times10^{-2}}$`` becomes ``3\u00d710\u207b\u00b2``; labels that are not of
    this form (empty minor labels, user text) are returned unchanged.
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    match = _MATHDEFAULT.fullmatch(label)
    if match is None:
        return label
    body = match.group(1).replace(r"\times", "\u00d7")
    body = _POWER.sub(lambda m: m.group(1).translate(_SUPERSCRIPT), body)
    return body.replace("-", "\u2212")  # what is left is a sign; mathtext draws it as a minus


class PlainLogFormatter(LogFormatterSciNotation):
    """Matplotlib's default log-axis formatter, emitting plain text instead of mathtext."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return mathtext_to_plain(super().__call__(x, pos))


def plain_log_labels(fig: Figure) -> Figure:
    """Switch every default log-axis formatter of ``fig`` to :class:`PlainLogFormatter`.

    Matplotlib parses each mathtext tick label again for every new figure (its parse cache
    belongs to one renderer), which is 20-35% of a widget redraw on log axes on a 2-core
    machine (``benchmarks/bench_widgets.py``). The labels read the same
    (10\u207b\u2076, 3\u00d710\u00b2). Formatters a chapter set itself are left alone.
    Returns ``fig``.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for fmt in (axis.get_major_formatter(), axis.get_minor_formatter()):
                # Swapping the class keeps the formatter's state (base, labelOnlyBase,
                # minor thresholds, sublabels), so ticks are labelled exactly as before.
                if type(fmt) is LogFormatterSciNotation:
                    fmt.__class__ = PlainLogFormatter
    return fig
