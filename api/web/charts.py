"""Bar charts drawn as SVG on the server, without JavaScript or a library: one row per category, its
name on a line of its own and one bar per series under it, the figure at the bar's end; a phone's
width holds it (the drawing scales to the column, text stays at least 12 px on a 360 px screen).

Colours are presentation attributes (the page's Content-Security-Policy allows no inline style),
each series told by its colour and its name in the legend; the same figures stand in the table under
every chart, for a screen reader and for copying.
"""
from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH = 360
FONT = 13
BAR = 14
GAP = 6
LABEL_LINE = FONT + 5
PAD = 8
VALUE_ROOM = 72  # right of the longest bar, for its figure
COLOURS = ("#1f5fa8", "#c05a00", "#1b7f3b", "#7a3e9d")


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


def bar_chart(title: str, rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[str], *,
              chart_id: str) -> Markup:
    """`rows`: (category, one value per series). An empty chart says so instead of drawing nothing."""
    legend_height = LABEL_LINE if len(series) > 1 else 0
    row_height = LABEL_LINE + len(series) * (BAR + 2) + GAP
    height = PAD * 2 + LABEL_LINE + legend_height + max(1, len(rows)) * row_height
    top = max((value for _, values in rows for value in values), default=0)
    span = WIDTH - 2 * PAD - VALUE_ROOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-labelledby="{chart_id}-title" preserveAspectRatio="xMinYMin meet">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<text x="{PAD}" y="{PAD + FONT}" font-size="{FONT + 1}" font-weight="bold" fill="#1d2733">'
             f'{escape(title)}</text>']
    y = PAD + LABEL_LINE
    if legend_height:
        x = PAD
        for index, name in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            parts.append(f'<rect x="{x}" y="{y + 3}" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16}" y="{y + FONT}" font-size="{FONT - 1}" fill="#1d2733">'
                         f'{escape(name)}</text>')
            x += 24 + int(len(name) * 6.5)
        y += legend_height
    if not rows:
        parts.append(f'<text x="{PAD}" y="{y + FONT}" font-size="{FONT}" fill="#5b6470">'
                     'Không có số liệu trong kỳ.</text>')
    for label, values in rows:
        parts.append(f'<text x="{PAD}" y="{y + FONT}" font-size="{FONT}" fill="#1d2733">{escape(label)}</text>')
        y += LABEL_LINE
        for index, value in enumerate(values):
            colour = COLOURS[index % len(COLOURS)]
            length = 0 if top <= 0 else max(1.0, span * value / top) if value else 0
            parts.append(f'<rect x="{PAD}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{colour}"/>')
            parts.append(f'<text x="{PAD + length + 4:.1f}" y="{y + BAR - 3}" font-size="{FONT - 1}" fill="#1d2733">'
                         f'{_number(value)}</text>')
            y += BAR + 2
        y += GAP
    parts.append("</svg>")
    return Markup("".join(parts))
