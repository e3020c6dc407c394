"""Charts as inline SVG, drawn on the server: no JavaScript, no chart library.

Each chart is 360 units wide, the width of a small phone, so its 11-unit text reads at 11 px
there and scales up with the page on a desktop. The chart is an image with a title and a
description (role="img", <title>, <desc>); its numbers are also in a table next to it.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 34


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    step = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * step:
            return factor * step
    return 10 * step


def _frame(title: str, desc: str, top: float, body: list[str], legend: list[tuple[str, str]]):
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{{id}}-t {{id}}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{{id}}-t">{escape(title)}</title><desc id="{{id}}-d">{escape(desc)}</desc>',
    ]
    for i in range(5):
        y = TOP + plot_h * i / 4
        value = top * (4 - i) / 4
        label = f"{value:,.0f}" if top >= 4 else f"{value:.1f}"
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/><text class="tick" x="{LEFT - 3}" y="{y + 3.5:.1f}" '
                     f'text-anchor="end">{label}</text>')  # fmt: skip
    parts += body
    x = LEFT
    for name, cls in legend:
        parts.append(f'<rect class="{cls}" x="{x}" y="{HEIGHT - 11}" width="9" height="9"/>'
                     f'<text class="legend" x="{x + 12}" y="{HEIGHT - 3}">{escape(name)}</text>')  # fmt: skip
        x += 16 + 6.2 * len(name)
    parts.append("</svg>")
    return parts


def _labels(labels: list[str], step: float) -> list[str]:
    every = max(1, round(len(labels) / 6))  # at most ~7 labels: legible at 360 px
    out = []
    for i, label in enumerate(labels):
        if i % every == 0:
            x = LEFT + step * (i + 0.5)
            out.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 12}" '
                       f'text-anchor="middle">{escape(label)}</text>')  # fmt: skip
    return out


def stacked_bars(chart_id: str, title: str, desc: str, labels: list[str],
                 series: list[tuple[str, list[float], str]]) -> str:  # fmt: skip
    """Bars per label, the series stacked in order (e.g. electronic under paper)."""
    totals = [sum(values[i] or 0 for _n, values, _c in series) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    body = []
    for i in range(len(labels)):
        base = 0.0
        for name, values, cls in series:
            value = values[i] or 0
            if value:
                h = plot_h * value / top
                y = TOP + plot_h - plot_h * (base + value) / top
                body.append(f'<rect class="{cls}" x="{LEFT + step * i + step * 0.12:.1f}" '
                            f'y="{y:.1f}" width="{step * 0.76:.1f}" height="{h:.1f}">'
                            f"<title>{escape(labels[i])}: {escape(name)} {value:,.0f}</title></rect>")  # fmt: skip
            base += value
    body += _labels(labels, step)
    legend = [(name, cls) for name, _v, cls in series]
    return mark_safe("".join(_frame(title, desc, top, body, legend)).replace("{id}", chart_id))


def lines(chart_id: str, title: str, desc: str, labels: list[str],
          series: list[tuple[str, list[float | None], str]]) -> str:  # fmt: skip
    """One line per series; a None value breaks the line (a day off)."""
    values = [v for _n, vs, _c in series for v in vs if v is not None]
    top = _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    body = []
    for name, vs, cls in series:
        path, pen = [], "M"
        for i, v in enumerate(vs):
            if v is None:
                pen = "M"
                continue
            x, y = LEFT + step * (i + 0.5), TOP + plot_h - plot_h * v / top
            path.append(f"{pen}{x:.1f},{y:.1f}")
            body.append(f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="2.4">'
                        f"<title>{escape(labels[i])}: {escape(name)} {v:,.1f}</title></circle>")  # fmt: skip
            pen = "L"
        if path:
            body.insert(0, f'<path class="{cls} line" d="{" ".join(path)}"/>')
    body += _labels(labels, step)
    legend = [(name, cls) for name, _v, cls in series]
    return mark_safe("".join(_frame(title, desc, top, body, legend)).replace("{id}", chart_id))


def hbars(chart_id: str, title: str, desc: str, rows: list[tuple[str, float | None]],
          unit: str = "%") -> str:  # fmt: skip
    """Horizontal bars (one per row, e.g. an agency's share), 0–100 by default."""
    height = 16 * len(rows) + 14
    label_w = 96
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
             f'<title id="{chart_id}-t">{escape(title)}</title>'
             f'<desc id="{chart_id}-d">{escape(desc)}</desc>']  # fmt: skip
    for i, (label, value) in enumerate(rows):
        y = 4 + 16 * i
        parts.append(f'<text class="tick" x="{label_w - 4}" y="{y + 10}" text-anchor="end">'
                     f"{escape(label[:16])}</text>")  # fmt: skip
        if value is not None:
            w = (WIDTH - label_w - 44) * min(value, 100) / 100
            parts.append(f'<rect class="s-electronic" x="{label_w}" y="{y}" width="{w:.1f}" '
                         f'height="12"/><text class="tick" x="{label_w + w + 3:.1f}" '
                         f'y="{y + 10}">{value:.0f}{unit}</text>')  # fmt: skip
        else:
            parts.append(f'<text class="tick" x="{label_w}" y="{y + 10}">–</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
