"""Inline SVG charts for the reports: radar, bars with level labels, trend lines, box plots, a map.

Hand-written SVG (no plotting library, no network): each function returns a :class:`markupsafe.Markup`
string that a template inserts as it is. Every text that reaches the SVG — titles, labels, names —
goes through :func:`markupsafe.escape`, so a Kommune named ``<script>`` stays text; numbers are
formatted by this module. Scores are on 0..1; ``None`` (not rated) is drawn as a gap, never as 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from ..i18n import format_number

__all__ = ["PALETTE", "Box", "MapPoint", "bars", "boxes", "fit_lines", "location_map", "radar", "text_width", "trend"]

#: Colours for series and groups (Okabe–Ito, distinguishable with the common colour-vision deficiencies).
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#7F7F00",
    "#000000",
    "#999999",
    "#882255",
)

_FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def colour(i: int) -> str:
    """The ``i``-th colour of :data:`PALETTE`, cycling."""
    return PALETTE[i % len(PALETTE)]


def _t(text: object) -> str:
    return str(escape(str(text)))


# Approximate advance widths of DejaVu Sans / Arial in em (the charts' fonts): enough to fit a label
# into its column without a font file. Unlisted characters count as 0.62 em (most lower-case letters).
_NARROW = dict.fromkeys("il.,:;'!|", 0.28) | dict.fromkeys("fjrt()[]- ", 0.36) | dict.fromkeys("I1", 0.4)
_WIDE = dict.fromkeys("mwMW", 0.92) | dict.fromkeys("ABCDEGHKNOQRUVXYZÄÖÜ&%", 0.72) | dict.fromkeys("—", 1.0)
_WIDTHS = _NARROW | _WIDE


def text_width(text: str, size: float) -> float:
    """The approximate width in px of ``text`` at font size ``size`` (a per-character table, no font file)."""
    return size * sum(_WIDTHS.get(ch, 0.62) for ch in text)


def _ellipsis(text: str, width: float, size: float) -> str:
    """``text`` cut at the end (never the start) to fit ``width`` px, with "…" where it was cut."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def fit_lines(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """``text`` wrapped at spaces into at most ``lines`` lines of at most ``width`` px each.

    Only the end of the last line is cut (with "…") when the text does not fit: a label's leading
    number (``4 Qualitätsentwicklung …``) always stays.
    """
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and text_width(line + " " + words[0], size) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = _ellipsis(out[-1] + " " + " ".join(words), width, size)
    return [_ellipsis(line, width, size) for line in out] or [""]


def _label(x: float, y: float, lines: Sequence[str], size: float, anchor: str, extra: str = "") -> str:
    """A text element whose lines are centred around ``y`` (one ``tspan`` per line)."""
    step = size * 1.15
    first = y - step * (len(lines) - 1) / 2
    spans = "".join(f'<tspan x="{x:.1f}" y="{first + i * step:.1f}">{_t(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text font-size="{size:g}" text-anchor="{anchor}"{extra}>{spans}</text>'


def _short(text: str, limit: int) -> str:
    """``text`` fitted to about ``limit`` average characters (cut at the end, never at the start)."""
    return _ellipsis(text, limit * 0.62 * 11, 11)


def _svg(width: float, height: float, label: str, body: list[str], css_class: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" {_FONT}>'
        f"<title>{_t(label)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def radar(axes: Sequence[tuple[str, float | None]], *, label: str, size: int = 380) -> Markup:
    """A spider chart: one axis per (short label, score 0..1), the scored points joined.

    Unscored axes get a hollow marker at the centre and break nothing; with fewer than three axes
    the polygon degenerates to a line, which is still honest.
    """
    n = len(axes)
    cx = cy = size / 2
    r = size / 2 - 70
    body: list[str] = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(
            f"{cx + r * ring * math.sin(2 * math.pi * k / n):.1f},{cy - r * ring * math.cos(2 * math.pi * k / n):.1f}"
            for k in range(n)
        )
        body.append(f'<polygon points="{pts}" fill="none" stroke="#ccc" stroke-width="1"/>')
    scored: list[str] = []
    for k, (name, value) in enumerate(axes):
        angle = 2 * math.pi * k / n
        sx, sy = math.sin(angle), -math.cos(angle)
        body.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{cx + r * sx:.1f}" y2="{cy + r * sy:.1f}" stroke="#bbb"/>')
        anchor = "middle" if abs(sx) < 0.3 else ("start" if sx > 0 else "end")
        lx, ly = cx + (r + 12) * sx, cy + (r + 12) * sy + 4 + (6 * sy if abs(sx) < 0.3 else 0)
        body.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" text-anchor="{anchor}">{_t(_short(name, 24))}</text>'
        )
        if value is not None:
            scored.append(f"{cx + r * value * sx:.1f},{cy + r * value * sy:.1f}")
    if scored:
        body.append(
            f'<polygon class="series" points="{" ".join(scored)}" fill="{PALETTE[0]}" fill-opacity="0.25" '
            f'stroke="{PALETTE[0]}" stroke-width="2"/>'
        )
        for point in scored:
            x, y = point.split(",")
            body.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{PALETTE[0]}"/>')
    return _svg(size, size, label, body, "radar")


def bars(
    rows: Sequence[tuple[str, float | None, str]], *, label: str, ticks: Sequence[str] = (), width: int = 680
) -> Markup:
    """Horizontal bars: one per (title, score 0..1, text shown after the bar, e.g. ``0,62 · stimme eher zu``).

    ``ticks`` are the scale's level labels, drawn as evenly spaced grid lines from lowest to
    highest, so a bar reads against the words of the scale rather than a bare decimal.
    """
    left, right, top = 210, 190, 8
    labels = [fit_lines(name, left - 12, 11) for name, _value, _text in rows]
    row_h = 24 if all(len(lines) == 1 for lines in labels) else 32
    plot = width - left - right
    height = top + row_h * len(rows) + (18 * len(ticks) // 2 + 30 if ticks else 10)
    body: list[str] = []
    for i, tick in enumerate(ticks):
        x = left + plot * (i / (len(ticks) - 1) if len(ticks) > 1 else 0)
        bottom = top + row_h * len(rows)
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#ddd"/>')
        body.append(f'<text x="{x:.1f}" y="{bottom + 12}" font-size="10" text-anchor="middle">{i + 1}</text>')
        legend_y = bottom + 26 + 14 * (i // 2)
        legend_x = left + (i % 2) * (plot / 2 + 40)
        tick_text = _ellipsis(f"{i + 1} = {tick}", plot / 2 + 30, 10)
        body.append(f'<text x="{legend_x:.1f}" y="{legend_y}" font-size="10">{_t(tick_text)}</text>')
    for i, (name, value, text) in enumerate(rows):
        y = top + row_h * i
        body.append(_label(left - 6, y + row_h / 2 + 4, labels[i], 11, "end", ' class="row-label"'))
        if value is not None:
            body.append(
                f'<rect class="bar" x="{left}" y="{y + 4}" width="{plot * value:.1f}" height="{row_h - 8}" '
                f'fill="{PALETTE[0]}"><title>{_t(name)}: {_t(text)}</title></rect>'
            )
        body.append(
            f'<text x="{left + plot + 6}" y="{y + row_h / 2 + 4:.1f}" font-size="11">'
            f"{_t(_ellipsis(text, right - 10, 11))}</text>"
        )
    return _svg(width, height, label, body, "bars")


def trend(
    periods: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, label: str, width: int = 680
) -> Markup:
    """One line per series over the periods (scores 0..1); a missing value breaks the line."""
    left, right, top, bottom = 40, 200, 10, 30
    height = max(240, top + bottom + 16 * len(series))
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(periods) - 1)

    def x(i: int) -> float:
        return left + step * i if len(periods) > 1 else left + plot_w / 2

    def y(v: float) -> float:
        return top + plot_h * (1 - v)

    body: list[str] = []
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" stroke="#ddd"/>')
        body.append(
            f'<text x="{left - 4}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end">{format_number(v)}</text>'
        )
    every = max(1, math.ceil(len(periods) / 12))
    for i, period in enumerate(periods):
        if i % every == 0 or i == len(periods) - 1:
            body.append(
                f'<text x="{x(i):.1f}" y="{height - 10}" font-size="10" text-anchor="middle">{_t(period)}</text>'
            )
    for s, (name, values) in enumerate(series):
        c = colour(s)
        run: list[str] = []
        for i, point in enumerate([*values, None]):
            if point is None:
                if len(run) > 1:
                    body.append(
                        f'<polyline class="series" points="{" ".join(run)}" fill="none" stroke="{c}" stroke-width="2"/>'
                    )
                run = []
                continue
            run.append(f"{x(i):.1f},{y(point):.1f}")
            body.append(f'<circle cx="{x(i):.1f}" cy="{y(point):.1f}" r="2.5" fill="{c}"/>')
        ly = top + 16 * s + 8
        body.append(f'<rect x="{width - right + 10}" y="{ly - 8}" width="10" height="10" fill="{c}"/>')
        body.append(
            f'<text x="{width - right + 24}" y="{ly + 1}" font-size="10">{_t(_ellipsis(name, right - 28, 10))}</text>'
        )
    return _svg(width, height, label, body, "trend")


class Box:
    """Five numbers of a distribution on 0..1 (``minimum``, quartiles, ``maximum``) and its size."""

    __slots__ = ("count", "maximum", "median", "minimum", "q1", "q3")

    def __init__(self, values: Sequence[float]) -> None:
        ordered = sorted(values)
        self.count = len(ordered)
        self.minimum, self.maximum = ordered[0], ordered[-1]
        self.q1, self.median, self.q3 = (_quantile(ordered, q) for q in (0.25, 0.5, 0.75))


def _quantile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (the "inclusive" method of :mod:`statistics`)."""
    pos = (len(ordered) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def boxes(
    rows: Sequence[tuple[str, Box | None, float | None]], *, label: str, mark: str = "", width: int = 680
) -> Markup:
    """Horizontal box plots on 0..1: whiskers min–max, box the middle half, a line at the median.

    The third item of a row, when given, is one Kommune's own score, drawn as a marker (``mark``
    names it in the legend) so it sees where it stands.
    """
    left, right, top = 210, 20, 8
    labels = [fit_lines(name, left - 12, 11) for name, _box, _own in rows]
    row_h = 26 if all(len(lines) == 1 for lines in labels) else 32
    plot = width - left - right
    height = top + row_h * len(rows) + 40
    body: list[str] = []
    bottom = top + row_h * len(rows)
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        gx = left + plot * v
        body.append(f'<line x1="{gx:.1f}" y1="{top}" x2="{gx:.1f}" y2="{bottom}" stroke="#ddd"/>')
        body.append(
            f'<text x="{gx:.1f}" y="{bottom + 12}" font-size="10" text-anchor="middle">{format_number(v)}</text>'
        )
    for i, (_name, box, own) in enumerate(rows):
        y = top + row_h * i
        mid = y + row_h / 2
        body.append(_label(left - 6, mid + 4, labels[i], 11, "end", ' class="row-label"'))
        if box is not None:
            x0, x1 = left + plot * box.minimum, left + plot * box.maximum
            b0, b1, m = left + plot * box.q1, left + plot * box.q3, left + plot * box.median
            body.append(f'<line x1="{x0:.1f}" y1="{mid:.1f}" x2="{x1:.1f}" y2="{mid:.1f}" stroke="#555"/>')
            body.append(
                f'<rect class="box" x="{b0:.1f}" y="{y + 5}" width="{max(1.0, b1 - b0):.1f}" height="{row_h - 10}" '
                f'fill="{PALETTE[4]}" fill-opacity="0.5" stroke="#333"/>'
            )
            body.append(
                f'<line x1="{m:.1f}" y1="{y + 3}" x2="{m:.1f}" y2="{y + row_h - 3}" stroke="#000" stroke-width="2"/>'
            )
        if own is not None:
            ox = left + plot * own
            body.append(
                f'<path class="own" d="M{ox:.1f},{mid - 7:.1f} l6,7 l-6,7 l-6,-7 z" fill="{PALETTE[5]}" '
                f'stroke="#fff"><title>{_t(mark)}: {format_number(own)}</title></path>'
            )
    if mark:
        body.append(
            f'<path d="M{left + 6},{bottom + 22} l6,7 l-6,7 l-6,-7 z" fill="{PALETTE[5]}"/>'
            f'<text x="{left + 18}" y="{bottom + 33}" font-size="11">{_t(mark)}</text>'
        )
    return _svg(width, height, label, body, "boxes")


class MapPoint:
    """One participant on the map: its label, ``(latitude, longitude)`` and the index of its group."""

    __slots__ = ("group", "label", "lat", "lon")

    def __init__(self, label: str, lat: float, lon: float, group: int | None) -> None:
        self.label, self.lat, self.lon, self.group = label, lat, lon, group


def location_map(
    points: Sequence[MapPoint], groups: Sequence[str], *, label: str, other: str = "", width: int = 680
) -> Markup:
    """The participants as dots, coloured by group: an equirectangular projection around their mean latitude.

    No tiles and no coastlines: the picture shows who is near whom, which is what regional groups
    are about. ``groups`` names the group indices for the legend; ``other`` labels dots without a group.
    """
    height = 440
    legend_w = 170
    pad = 40
    plot_w, plot_h = width - legend_w - 2 * pad, height - 2 * pad
    body: list[str] = [f'<rect x="0" y="0" width="{width - legend_w}" height="{height}" fill="#f6f8fa"/>']
    if points:
        lat0 = math.radians(sum(p.lat for p in points) / len(points))
        xs = [p.lon * math.cos(lat0) for p in points]
        ys = [p.lat for p in points]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 0.05)
        scale = min(plot_w, plot_h) / span
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        ox, oy = pad + plot_w / 2, pad + plot_h / 2
        for p, px, py in zip(points, xs, ys, strict=True):
            sx, sy = ox + (px - cx) * scale, oy - (py - cy) * scale
            fill = colour(p.group) if p.group is not None else "#fff"
            body.append(
                f'<circle class="place" cx="{sx:.1f}" cy="{sy:.1f}" r="6" fill="{fill}" stroke="#333">'
                f"<title>{_t(p.label)}</title></circle>"
            )
            body.append(f'<text x="{sx + 8:.1f}" y="{sy + 4:.1f}" font-size="10">{_t(_short(p.label, 22))}</text>')
    entries = [(colour(i), name) for i, name in enumerate(groups)] + ([("#fff", other)] if other else [])
    for i, (fill, name) in enumerate(entries):
        ly = 20 + 18 * i
        body.append(f'<circle cx="{width - legend_w + 16}" cy="{ly}" r="6" fill="{fill}" stroke="#333"/>')
        body.append(f'<text x="{width - legend_w + 28}" y="{ly + 4}" font-size="11">{_t(_short(name, 22))}</text>')
    return _svg(width, height, label, body, "map")
