"""Explore sections, "one description, two worlds": data in the static book, live in Jupyter.

A chapter describes its Explore section once, as an :class:`Explore`:

* the parameters (:class:`Param`): a dense static grid of values per slider, its range and a
  label (TeX between ``$...$`` is typeset by the page's MathJax);
* a data function ``data(**params) -> {"x": array, "y": {series: array}}`` computed with
  ``lowrank_nb`` functions, whose ``x`` is the same at every grid point (curves share it);
* the axis labels and scales.

Static build (``LOWRANK_NB_PRECOMPUTE=1``, set by ``make book``): the data function is evaluated
at every grid point, the curves are packed as float32 and base64-encoded, and the page gets an
element with class ``lr-explorer`` holding native ``<input type="range">`` sliders (keyboard:
arrows, Home, End; ``aria-valuetext`` carries the value) and a Bokeh figure (BokehJS is served
from ``_static/offline/bokeh``, copied from the bokeh wheel by ``make assets``). A slider move
swaps the figure's data in the browser: no picture is precomputed and no kernel is needed.

Live kernel: :meth:`Explore.widget` gives ipywidgets sliders that accept any value in range
(not only grid values) above the same Bokeh figure (shown through ``jupyter_bokeh``); a move
recomputes ``data`` in the kernel and replaces the figure's data in place.

The renderer choice and its measurements are in ``book/explore-design.md``.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import shutil
import statistics
import sys
import time
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lowrank_nb.book.plotting import COLORS
from lowrank_nb.book.progress import precompute_enabled

__all__ = ["Explore", "Param", "decode_payload", "encode_payload", "explores", "install_bokehjs"]

MIN_POSITIONS = 6  # every slider of the static page offers at least this many values
MEDIAN_POSITIONS = 12  # and the explorer's sliders at least this many in the median
MAX_PAYLOAD_BYTES = 1_500_000  # encoded curves per explorer; pages stay below 4 MB
LIVE_NOTE = ("<small>Live: each slider move recomputes the figure in the kernel; any value in "
             "the slider's range works, not only the book's grid.</small>")
# The book's Okabe-Ito roles, then the rest of that palette; past eight series the colours
# repeat with a different dash pattern, so no two curves look alike.
_PALETTE = [COLORS[k] for k in ("data", "bound", "fit", "baseline", "accent", "extra")] + [
    "#56B4E9", "#000000"]
_DASHES = ["solid", "dashed", "dotted", "dashdot"]
_LIVE: weakref.WeakSet = weakref.WeakSet()


def explores() -> list[Explore]:
    """Every :class:`Explore` alive in this process (used by the benchmark)."""
    return list(_LIVE)


@dataclass(frozen=True)
class Param:
    """One slider: its static grid, its live range and its label.

    Parameters
    ----------
    name : str
        Keyword passed to the data function.
    values : sequence of numbers
        The static grid, strictly increasing, at least 6 values.
    label : str, optional
        Slider caption; ``$...$`` is typeset as math (default: ``name``).
    default : number, optional
        Starting value, one of ``values`` (default: the middle one).
    integer : bool, optional
        Live slider takes integers (default: every grid value is an integer).
    log : bool, default False
        Live slider moves on a log scale (for tolerances and factors spanning decades).
    """

    name: str
    values: Sequence[float]
    label: str | None = None
    default: float | None = None
    integer: bool | None = None
    log: bool = False
    _vals: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"name must be a Python identifier, got {self.name!r}")
        try:
            vals = tuple(float(v) for v in self.values)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"values of {self.name!r} must be numbers") from exc
        if len(vals) < MIN_POSITIONS:
            raise ValueError(f"{self.name!r} has {len(vals)} grid values; every slider needs "
                             f"at least {MIN_POSITIONS}")
        if not all(np.isfinite(vals)) or any(b <= a for a, b in itertools.pairwise(vals)):
            raise ValueError(f"values of {self.name!r} must be finite and strictly increasing")
        if self.log and vals[0] <= 0:
            raise ValueError(f"log slider {self.name!r} needs positive values")
        integer = all(float(v).is_integer() for v in vals) if self.integer is None else self.integer
        if integer and not all(float(v).is_integer() for v in vals):
            raise ValueError(f"integer slider {self.name!r} has non-integer grid values")
        object.__setattr__(self, "integer", bool(integer))
        object.__setattr__(self, "_vals", tuple(int(v) if integer else v for v in vals))
        if self.default is not None and self.default not in self._vals:
            raise ValueError(f"default of {self.name!r} must be one of its grid values")

    @property
    def grid(self) -> tuple:
        """The grid values (ints for an integer slider)."""
        return self._vals

    @property
    def start(self) -> int:
        """Index of the starting value in the grid."""
        if self.default is None:
            return (len(self._vals) - 1) // 2
        return self._vals.index(self.default)

    def check_live(self, value: Any) -> float | int:
        """A live value: any number in ``[min(values), max(values)]`` (an int if integer)."""
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{self.name} must be a number, got {type(value).__name__}")
        lo, hi = self._vals[0], self._vals[-1]
        if not lo <= value <= hi:
            raise ValueError(f"{self.name} must lie in [{lo}, {hi}], got {value}")
        if self.integer:
            if not float(value).is_integer():
                raise ValueError(f"{self.name} must be an integer, got {value}")
            return int(value)
        return float(value)


def _fmt(v: float | int) -> str:
    return str(v) if isinstance(v, int) else f"{v:.4g}"


def _label_html(text: str) -> str:
    """Escape a label; ``$...$`` becomes inline math that the page's MathJax typesets."""
    parts = text.split("$")
    if len(parts) % 2 == 0:
        raise ValueError(f"unbalanced $ in label {text!r}")
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            tex = html.escape(part)
            out.append(f'<span class="math notranslate nohighlight">\\({tex}\\)</span>')
        else:
            out.append(html.escape(part))
    return "".join(out)


def _plain(label: str) -> str:
    """A TeX axis label as plain text for the hover read-out (r_{\\rm eff} -> r_eff)."""
    text = re.sub(r"\\[a-zA-Z]+\s?|[{}$]", "", label)
    return re.sub(r"_\s+", "_", " ".join(text.split()))


def encode_payload(x: np.ndarray, curves: np.ndarray) -> dict:
    """Pack the shared ``x`` and the curves ``(points, series, len(x))`` as float32 base64.

    Returns a JSON-ready dict; :func:`decode_payload` (and the page's script) invert it.
    """
    x = np.asarray(x, dtype=float)
    curves = np.asarray(curves, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-d array")
    if curves.ndim != 3 or curves.shape[2] != x.size:
        raise ValueError(f"curves must have shape (points, series, {x.size}), got {curves.shape}")
    if np.isinf(curves).any() or np.isinf(x).any() or np.isnan(x).any():
        raise ValueError("x and curves must be finite (NaN in curves marks a gap)")
    data = np.ascontiguousarray(curves, dtype="<f4")
    return {"x": [float(v) for v in x], "shape": list(data.shape),
            "f32": base64.b64encode(data.tobytes()).decode("ascii")}


def decode_payload(payload: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`encode_payload`: ``(x, curves)`` with curves as float32."""
    shape = tuple(int(s) for s in payload["shape"])
    raw = base64.b64decode(payload["f32"])
    if len(raw) != 4 * int(np.prod(shape)):
        need = 4 * int(np.prod(shape))
        raise ValueError(f"payload holds {len(raw)} bytes, shape {shape} needs {need}")
    return np.asarray(payload["x"], dtype=float), np.frombuffer(raw, dtype="<f4").reshape(shape)


class Explore:
    """One Explore section: parameters, a data function and the axes, shown in either world.

    Parameters
    ----------
    data : callable
        ``data(**params) -> {"x": 1-d array, "y": {series label: 1-d array}}``. ``x`` and the
        series labels must not depend on the parameters (the curves share them).
    params : sequence of Param
        The sliders, in order.
    x_label, y_label : str
        Axis labels: plain text (Unicode such as ε is fine), or TeX between double dollars,
        which makes the page load BokehJS's TeX bundle (1.8 MB) as well.
    x_log, y_log : bool, default False
        Logarithmic axes.
    y_range : (float, float), optional
        Fixed y range, so that moving a slider does not rescale the axis.
    legend : str, default "bottom_left"
        Where the legend sits: a Bokeh location inside the plot (``"top_right"``,
        ``"center_left"``, ...) or ``"outside"``, below the plot, where it covers no data.
    """

    def __init__(self, data: Callable[..., Mapping[str, Any]], params: Sequence[Param], *,
                 x_label: str, y_label: str, x_log: bool = False, y_log: bool = False,
                 y_range: tuple[float, float] | None = None,
                 legend: str = "bottom_left") -> None:
        if not callable(data):
            raise TypeError(f"data must be callable, got {type(data).__name__}")
        params = list(params)
        if not params or not all(isinstance(p, Param) for p in params):
            raise TypeError("params must be a non-empty sequence of Param")
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise ValueError(f"parameter names must be distinct, got {names}")
        counts = [len(p.grid) for p in params]
        if statistics.median(counts) < MEDIAN_POSITIONS:
            raise ValueError(f"slider positions {counts}: the median must be at least "
                             f"{MEDIAN_POSITIONS}")
        if y_range is not None and not (len(y_range) == 2 and y_range[0] < y_range[1]):
            raise ValueError(f"y_range must be (low, high) with low < high, got {y_range}")
        inside = {f"{v}_{h}" for v in ("top", "center", "bottom")
                  for h in ("left", "center", "right")} | {"top", "bottom", "left", "right"}
        if legend != "outside" and legend not in inside:
            raise ValueError(f"legend must be 'outside' or one of {sorted(inside)}, got {legend!r}")
        self.legend = legend
        self.data, self.params = data, params
        self.x_label, self.y_label, self.x_log, self.y_log = x_label, y_label, x_log, y_log
        self.y_range = y_range
        self.series: list[str] | None = None
        self.x: np.ndarray | None = None
        self.timings: list[float] = []
        self._source = None
        _LIVE.add(self)

    # ------------------------------------------------------------------ data
    def evaluate(self, **values: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(x, curves)`` at one parameter point, checked against the shared x and series."""
        out = self.data(**values)
        if not isinstance(out, Mapping) or "x" not in out or "y" not in out:
            raise TypeError("data must return {'x': array, 'y': {label: array}}")
        x = np.asarray(out["x"], dtype=float)
        labels = list(out["y"])
        curves = np.array([np.asarray(out["y"][k], dtype=float) for k in labels])
        if curves.ndim != 2 or curves.shape[1] != x.size:
            raise ValueError(f"every series must have len(x) = {x.size} values")
        if self.series is None:
            self.series, self.x = labels, x
        elif labels != self.series or x.shape != self.x.shape or not np.array_equal(x, self.x):
            raise ValueError("x and the series labels must be the same at every parameter point")
        return x, curves

    def precompute(self) -> dict:
        """Evaluate the whole grid; the encoded payload of the static page."""
        points = list(itertools.product(*(p.grid for p in self.params)))
        curves = [self.evaluate(**dict(zip((p.name for p in self.params), pt)))[1]
                  for pt in points]
        payload = encode_payload(self.x, np.stack(curves))
        if len(payload["f32"]) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"the grid encodes to {len(payload['f32'])} bytes; at most "
                             f"{MAX_PAYLOAD_BYTES} (fewer points or shorter curves)")
        return payload

    # ------------------------------------------------------------------ figure
    def figure(self, x: np.ndarray, curves: np.ndarray):
        """The Bokeh figure (one line per series, hover read-outs), its data source named."""
        from bokeh.models import ColumnDataSource, HoverTool, Range1d
        from bokeh.plotting import figure

        cols = {"x": x, **{f"s{k}": c for k, c in enumerate(curves)}}
        source = ColumnDataSource(cols, name="lr-src")
        fig = figure(height=330, sizing_mode="stretch_width", tools="pan,wheel_zoom,reset",
                     x_axis_type="log" if self.x_log else "linear",
                     y_axis_type="log" if self.y_log else "linear",
                     x_axis_label=self.x_label, y_axis_label=self.y_label, name="lr-fig")
        if self.y_range is not None:
            fig.y_range = Range1d(*self.y_range)
        renderers = []
        for k, label in enumerate(self.series):
            color = _PALETTE[k % len(_PALETTE)]
            dash = _DASHES[(k // len(_PALETTE)) % len(_DASHES)]
            renderers.append(fig.line("x", f"s{k}", source=source, line_width=2.5, color=color,
                                      line_dash=dash, legend_label=label))
            fig.scatter("x", f"s{k}", source=source, size=4, color=color)
        # one read-out per x (all series at the x under the pointer), from the first line
        fig.add_tools(HoverTool(renderers=renderers[:1], mode="vline", tooltips=[
            (_plain(self.x_label), "@x{0.[000]}"),
            *[(label, f"@s{k}{{0.[0000]}}") for k, label in enumerate(self.series)]]))
        if self.legend == "outside":
            fig.add_layout(fig.legend[0], "below")
            fig.legend.orientation = "horizontal"
            fig.legend.ncols = min(3, len(self.series))
            fig.height += 30 * ((len(self.series) + 2) // 3)
        else:
            fig.legend.location = self.legend
        fig.legend.label_text_font_size = "11pt"
        for axis in (fig.xaxis, fig.yaxis):
            axis.axis_label_text_font_size = "12pt"
            axis.major_label_text_font_size = "11pt"
        fig.toolbar.logo = None
        return fig, source

    # ------------------------------------------------------------------ static world
    def static_html(self) -> str:
        """The ``lr-explorer`` element: sliders, figure and the precomputed curves."""
        from bokeh.embed import json_item

        payload = self.precompute()
        start = [p.start for p in self.params]
        flat = int(np.ravel_multi_index(start, [len(p.grid) for p in self.params]))
        _, curves = decode_payload(payload)
        fig, _ = self.figure(self.x, curves[flat].astype(float))
        uid = "lr-" + uuid.uuid4().hex[:10]
        spec = {"item": json_item(fig, uid + "-fig"), "grid": [list(p.grid) for p in self.params],
                "names": [p.name for p in self.params], "series": self.series,
                "tex": "$$" in self.x_label + self.y_label, **payload}
        sliders = []
        for p, i in zip(self.params, start):
            label = _label_html(p.label or p.name)
            sliders.append(
                f'<label class="lr-slider">{label} '
                f'<input type="range" min="0" max="{len(p.grid) - 1}" step="1" value="{i}" '
                f'aria-valuetext="{html.escape(p.name)} = {_fmt(p.grid[i])}"> '
                f'<output style="display:inline-block;min-width:3em">{_fmt(p.grid[i])}</output>'
                '</label>')
        data_json = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
        return (f'<div class="lr-explorer" id="{uid}">'
                f'<div class="lr-sliders" style="display:flex;flex-wrap:wrap;gap:0.3em 2em">'
                f'{"".join(sliders)}</div>'
                f'<div class="lr-figure" id="{uid}-fig"></div>'
                f'<script type="application/json" class="lr-data">{data_json}</script>'
                f"<script>{_PAGE_JS}</script></div>")

    # ------------------------------------------------------------------ live world
    def update(self, **values: Any) -> float:
        """Recompute at any in-range point and replace the live figure's data; seconds."""
        start = time.perf_counter()
        checked = {p.name: p.check_live(values.get(p.name, p.grid[p.start])) for p in self.params}
        x, curves = self.evaluate(**checked)
        new = {"x": x, **{f"s{k}": c for k, c in enumerate(curves)}}
        if self._source is not None:
            self._source.data = new  # in place: the figure and its view are kept
        elapsed = time.perf_counter() - start
        self.timings.append(elapsed)
        return elapsed

    def widget(self):
        """ipywidgets sliders (any value in range) above the Bokeh figure, live."""
        import ipywidgets as W  # noqa: N812
        from jupyter_bokeh import BokehModel

        _load_bokehjs()
        start = {p.name: p.grid[p.start] for p in self.params}
        x, curves = self.evaluate(**start)
        fig, self._source = self.figure(x, curves)
        sliders = {}
        for p in self.params:
            lo, hi, v = p.grid[0], p.grid[-1], start[p.name]
            common = {"description": p.label or p.name, "continuous_update": False,
                      "style": {"description_width": "initial"}}
            if p.integer:
                sliders[p.name] = W.IntSlider(value=v, min=lo, max=hi, step=1, **common)
            elif p.log:
                sliders[p.name] = W.FloatLogSlider(value=v, min=np.log10(lo), max=np.log10(hi),
                                                   step=0.01, **common)
            else:
                sliders[p.name] = W.FloatSlider(value=v, min=lo, max=hi, step=(hi - lo) / 1000,
                                                **common)

        def _on_change(_change: dict) -> None:
            self.update(**{name: s.value for name, s in sliders.items()})

        for s in sliders.values():
            s.observe(_on_change, names="value")
        note = W.HTML(LIVE_NOTE)
        box = W.VBox([W.HBox(list(sliders.values()), layout=W.Layout(flex_flow="row wrap")),
                      BokehModel(fig), note])
        box.add_class("lr-live")
        box.explore = self  # type: ignore[attr-defined]
        box.sliders = sliders  # type: ignore[attr-defined]
        return box

    def show(self, precompute: bool | None = None):
        """The static element during the book build, the live widget otherwise."""
        from IPython.display import HTML

        if precompute if precompute is not None else precompute_enabled():
            return HTML(self.static_html())
        return self.widget()


_BOKEHJS_LOADED = False


def _load_bokehjs() -> None:
    """Put BokehJS on the live page once per kernel (inline: no CDN), as jupyter_bokeh needs."""
    global _BOKEHJS_LOADED
    from IPython import get_ipython

    if _BOKEHJS_LOADED or get_ipython() is None:
        return
    from bokeh.io import output_notebook
    from bokeh.resources import INLINE

    output_notebook(resources=INLINE, hide_banner=True)
    _BOKEHJS_LOADED = True


def install_bokehjs(target: str | Path) -> list[Path]:
    """Copy BokehJS (and its licence) from the installed bokeh wheel into ``target``."""
    import bokeh

    js = Path(bokeh.__file__).parent / "server" / "static" / "js"
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for name in ("bokeh.min.js", "bokeh-mathjax.min.js"):
        out.append(Path(shutil.copy2(js / name, target / name)))
    lic = Path(bokeh.__file__).parent.parent / f"bokeh-{bokeh.__version__}.dist-info"
    for cand in sorted(lic.glob("**/LICENSE*")):
        out.append(Path(shutil.copy2(cand, target / "LICENSE.txt")))
        break
    return out


# The page script: loads BokehJS once (from the site's own _static), embeds the figure and
# swaps its data on every slider input. Timings go to element.lrTimes (ms, input -> drawn).
_PAGE_JS = r"""
(function () {
  const root = document.currentScript.closest('.lr-explorer');
  const spec = JSON.parse(root.querySelector('.lr-data').textContent);
  function load(src) {
    return new Promise((ok, fail) => {
      const el = document.createElement('script');
      el.src = src; el.onload = ok; el.onerror = fail; document.head.appendChild(el);
    });
  }
  function bokehReady() {
    if (window.lrBokehReady) return window.lrBokehReady;
    let base = document.documentElement.dataset.content_root;
    if (base === undefined) {
      const s = [...document.scripts].map(s => s.src).find(u => u.includes('/_static/'));
      base = s ? s.slice(0, s.indexOf('_static/')) : '';
    }
    window.lrBokehBase = base + '_static/offline/bokeh/';
    window.lrBokehReady = window.Bokeh ? Promise.resolve()
      : load(window.lrBokehBase + 'bokeh.min.js');
    return window.lrBokehReady;
  }
  function mathReady() {  // BokehJS's TeX support (axis labels between $$), only when used
    if (!spec.tex) return Promise.resolve();
    if (!window.lrBokehMath) window.lrBokehMath = load(window.lrBokehBase + 'bokeh-mathjax.min.js');
    return window.lrBokehMath;
  }
  const raw = atob(spec.f32), bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const curves = new Float32Array(bytes.buffer), X = Float64Array.from(spec.x);
  const [, nser, nx] = spec.shape, inputs = [...root.querySelectorAll('input[type=range]')];
  root.lrTimes = [];
  bokehReady().then(mathReady).then(() => Bokeh.embed.embed_item(spec.item)).then(() => {
    const rootId = spec.item.root_id;
    const doc = Bokeh.documents.find(d => d.get_model_by_id(rootId));
    const src = doc.get_model_by_name('lr-src');
    function redraw() {
      const t0 = performance.now();
      let flat = 0;
      inputs.forEach((inp, k) => {
        const i = +inp.value, v = spec.grid[k][i];
        flat = flat * spec.grid[k].length + i;
        const txt = Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '');
        inp.setAttribute('aria-valuetext', spec.names[k] + ' = ' + txt);
        inp.parentElement.querySelector('output').textContent = txt;
      });
      const data = {x: X};
      for (let k = 0; k < nser; k++) {
        const o = (flat * nser + k) * nx;
        data['s' + k] = Float64Array.from(curves.subarray(o, o + nx));
      }
      src.data = data;
      root.dataset.lrPoint = String(flat);
      // Bokeh repaints in the first animation frame after the swap (checked: the canvas has
      // changed when this callback runs), so this is input -> new data drawn.
      requestAnimationFrame(() => { root.lrTimes.push(performance.now() - t0); });
    }
    inputs.forEach(inp => inp.addEventListener('input', redraw));
    root.dataset.lrReady = '1';
  }).catch(err => { root.dataset.lrError = String(err); console.error(err); });
})();
"""


def _main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] != "--install-js":
        print("usage: python -m lowrank_nb.book.explorer --install-js DIR")
        return 2
    for path in install_bokehjs(argv[2]):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv))
