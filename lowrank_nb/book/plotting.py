"""One figure style for the whole book."""

from __future__ import annotations

import io
import math
import re

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatterSciNotation

from lowrank_nb.core.bounds import MODE_SIZE, Limit

__all__ = [
    "COLORS",
    "PAPER_STYLE",
    "PlainLogFormatter",
    "fig_to_png",
    "fig_to_svg",
    "figure",
    "limits_figure",
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
    belongs to one renderer), which was 20-35% of a PNG figure's redraw on log axes on a
    2-core machine (measured for the book's former PNG explorers). The labels read the same
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


# ----------------------------------------------------------------------------- Part VI limits
#: Colour, marker and display name of each paper in cross-paper figures and tables.
PAPER_STYLE = {"budzinskiy": (COLORS["bound"], "o", "Budzinskiy"),
               "zhangsaab": (COLORS["data"], "s", "Zhang & Saab"),
               "dengsong": (COLORS["fit"], "^", "Deng et al."),
               "vodrahalli": (COLORS["accent"], "D", "Vodrahalli et al.")}
_NEVER = 1e18  # where "never non-vacuous" is drawn


def limits_figure(limits: list[Limit], title: str, *, laptop: int, laptop_tensor: int,
                  extra_rows: tuple = ()) -> Figure:
    """Dot chart of the thresholds at which the papers' bounds stop being vacuous.

    One row per limit (and per extra row), a marker at its threshold on a log axis (hollow,
    at 1e18, when never non-vacuous), with the laptop range shaded: ``n <= laptop`` for
    matrices and a bar at ``laptop_tensor`` on the rows of tensor bounds (axis
    :data:`lowrank_nb.core.bounds.MODE_SIZE`).

    Parameters
    ----------
    limits : list of Limit
        From :func:`lowrank_nb.core.bounds.laptop_limits`.
    title : str
    laptop : int >= 1
        Largest matrix size counted as laptop scale.
    laptop_tensor : int >= 1
        Largest mode size of an ``n x n x n`` tensor counted as laptop scale.
    extra_rows : tuple of (paper, label, axis, threshold or None)
        Rows that are not a :class:`Limit` (e.g. a premise checked in the chapter).

    Returns
    -------
    matplotlib Figure

    References
    ----------
    The bounds of :func:`lowrank_nb.core.bounds.laptop_limits` (S. Budzinskiy; Zhang and
    Saab; Deng et al.) and Vodrahalli et al., Corollary 3.7 (its premise, as an extra row).
    """
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}")
    for name, val in (("laptop", laptop), ("laptop_tensor", laptop_tensor)):
        if isinstance(val, bool) or not isinstance(val, int) or val < 1:
            raise ValueError(f"{name} must be an int >= 1, got {val!r}")
    rows = [(lim.paper, lim.label, lim.axis, lim.threshold) for lim in limits]
    for row in extra_rows:
        if len(row) != 4 or row[0] not in PAPER_STYLE:
            raise ValueError(f"extra_rows entries must be (paper, label, axis, threshold) with "
                             f"paper in {sorted(PAPER_STYLE)}, got {row!r}")
        rows.append(tuple(row))
    # fixed margins instead of the book's constrained layout, which doubles the render time
    use_book_style()
    fig, ax = plt.subplots(figsize=(7.0, 0.3 * len(rows) + 1.5))
    fig.subplots_adjust(left=0.25, right=0.97, top=0.94, bottom=0.1)
    ax.axvspan(1, laptop, color=COLORS["baseline"], alpha=0.18, lw=0)
    power = round(math.log10(laptop))
    bound = rf"10^{{{power}}}" if 10**power == laptop else f"{laptop}"
    ax.text(1.5, 0.99, "laptop scale\n" + rf"$n\leq{bound}$", fontsize=8, va="top",
            transform=ax.get_xaxis_transform())
    seen = set()
    tensor_rows = [i for i, row in enumerate(rows) if row[2] == MODE_SIZE]
    for j, i in enumerate(tensor_rows):  # where a tensor's memory ends, per mode
        ax.plot([laptop_tensor] * 2, [i - 0.4, i + 0.4], color=COLORS["baseline"], lw=2.5,
                label=None if j else f"laptop scale, n x n x n: n <= {laptop_tensor}")
    for i, (paper, _label, _axis, thr) in enumerate(rows):
        color, marker, name = PAPER_STYLE[paper]
        x = _NEVER if thr is None else thr
        ax.plot([x], [i], marker, color=color, ms=7, mfc="none" if thr is None else color,
                label=None if paper in seen else name)
        seen.add(paper)
        ax.annotate("never" if thr is None else f"{thr:.3g}", (x, i),
                    textcoords="offset points", xytext=(6, -3), fontsize=7)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{label} [{axis}]" for _p, label, axis, _t in rows], fontsize=7)
    ax.set_xscale("log")
    ax.set_xlim(1, 1e21)
    ax.set_ylim(len(rows) - 0.4, -1.2)
    ax.set_xlabel("smallest size at which the bound beats its trivial baseline "
                  "(n, or d where marked)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper right")
    return fig
