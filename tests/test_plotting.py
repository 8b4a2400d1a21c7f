import matplotlib.pyplot as plt
import pytest
from matplotlib.ticker import FuncFormatter, LogFormatterSciNotation

from lowrank_nb.plotting import PlainLogFormatter, mathtext_to_plain, plain_log_labels


@pytest.mark.parametrize(
    ("mathtext", "plain"),
    [
        (r"$\mathdefault{10^{-6}}$", "10\u207b\u2076"),
        (r"$\mathdefault{10^{0}}$", "10\u2070"),
        (r"$\mathdefault{3\times10^{2}}$", "3\u00d710\u00b2"),
        (r"$\mathdefault{-10^{-12}}$", "\u221210\u207b\u00b9\u00b2"),
        ("", ""),
        ("n = 3", "n = 3"),
    ],
)
def test_mathtext_to_plain(mathtext: str, plain: str) -> None:
    assert mathtext_to_plain(mathtext) == plain


def test_plain_formatter_labels_the_same_ticks_as_matplotlib() -> None:
    # Same tick values, same labelled subset: only the markup differs.
    fig, ax = plt.subplots()
    ax.loglog([1e-6, 1e2], [0.2, 3.0])
    fig.canvas.draw()
    ref = {axis: [t.get_text() for t in axis.get_ticklabels(which="both")]
           for axis in (ax.xaxis, ax.yaxis)}
    plain_log_labels(fig)
    assert type(ax.yaxis.get_minor_formatter()) is PlainLogFormatter
    fig.canvas.draw()
    for axis, labels in ref.items():
        got = [t.get_text() for t in axis.get_ticklabels(which="both")]
        assert got == [mathtext_to_plain(s) for s in labels]
        assert any(got) and not any("$" in s for s in got)
    plt.close(fig)


def test_plain_log_labels_leaves_chapter_formatters_and_linear_axes() -> None:
    fig, (a, b) = plt.subplots(1, 2)
    a.set_xscale("log")
    a.xaxis.set_major_formatter(FuncFormatter(lambda x, pos: "x"))
    b.plot([0, 1])
    plain_log_labels(fig)
    assert type(a.xaxis.get_major_formatter()) is FuncFormatter
    assert type(a.xaxis.get_minor_formatter()) is PlainLogFormatter
    assert not isinstance(b.yaxis.get_major_formatter(), LogFormatterSciNotation)
    plt.close(fig)


def test_plain_log_labels_bad_input() -> None:
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plain_log_labels("figure")
    with pytest.raises(TypeError, match="label must be a str"):
        mathtext_to_plain(3)
