"""Charts as inline SVG text: no scripts, no fonts or images to fetch, nothing to install.

The rollup embeds them in its HTML page, and the notebook shows them as they are (`Svg` has the
`_repr_svg_` Jupyter looks for). Every label goes through `html.escape`: service names and
titles come from documents and may hold `<`, `&` or quotes. Pure functions: data in, text out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from pipeline.vocab import SEVERITY_BANDS

# Severity colours, shared with the rollup's heatmap table.
SEVERITY_FILL: dict[str, str] = {
    "critical": "#f4a3a3",
    "high": "#fdc086",
    "medium": "#fff3b0",
    "low": "#d9f0d3",
    "unrated": "#e1e4e8",
}
FONT = "font-family='system-ui, -apple-system, Segoe UI, sans-serif' font-size='12'"
# Longest label drawn; the whole name is in the tooltip.
LABEL_CHARS = 28


@dataclass(frozen=True, slots=True)
class Svg:
    """SVG markup; Jupyter draws it, str() gives the text to embed."""

    markup: str

    def __str__(self) -> str:
        return self.markup

    def _repr_svg_(self) -> str:
        return self.markup


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """A label cut to `limit` characters, with an ellipsis when cut.

    >>> short_label("Payments"), short_label("Customer Identity and Access Management Platform", 20)
    ('Payments', 'Customer Identity a…')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def band(likelihood: int, impact: int) -> str:
    """The severity band of a heatmap cell, from likelihood x impact (vocab.SEVERITY_BANDS).

    >>> band(1, 5), band(3, 3), band(3, 4), band(5, 4)
    ('low', 'medium', 'high', 'critical')
    """
    score = likelihood * impact
    return next((name for top, name in SEVERITY_BANDS if score <= top), SEVERITY_BANDS[-1][1])


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[int]]], segments: Sequence[str], title: str, colours: Mapping[str, str]
) -> Svg:
    """Horizontal stacked bars, one per row label, one segment per name in `segments`.

    >>> svg = str(stacked_bars([("A & B", (2, 1)), ("C", (0, 3))], ("high", "low"), "t", SEVERITY_FILL))
    >>> svg.count("<rect class='bar'"), "A &amp; B" in svg, "<script" in svg
    (3, True, False)
    """
    label_w, bar_w, count_w, row_h, top = 210, 440, 50, 22, 30
    width = label_w + bar_w + count_w
    height = top + row_h * max(len(rows), 1) + 6
    most = max((sum(values) for _, values in rows), default=0) or 1
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' role='img' viewBox='0 0 {width} {height}' "
        f"width='{width}' height='{height}' style='max-width:100%;height:auto' {FONT}>"
        f"<title>{escape(title)}</title>"
    ]
    x = label_w
    for name in segments:  # legend
        parts.append(
            f"<rect x='{x}' y='6' width='12' height='12' fill='{colours[name]}' stroke='#8c959f' stroke-width='.5'/>"
            f"<text x='{x + 16}' y='16'>{escape(name)}</text>"
        )
        x += 22 + 7 * len(name) + 12
    for i, (label, values) in enumerate(rows):
        y = top + i * row_h
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 14}' text-anchor='end'><title>{escape(label)}</title>"
            f"{escape(short_label(label))}</text>"
        )
        x = float(label_w)
        for name, value in zip(segments, values, strict=True):
            if not value:
                continue
            w = bar_w * value / most
            parts.append(
                f"<rect class='bar' x='{x:.1f}' y='{y + 3}' width='{w:.1f}' height='16' fill='{colours[name]}' "
                f"stroke='#57606a' stroke-width='.5'><title>{escape(label)}: {value} {escape(name)}</title></rect>"
            )
            x += w
        parts.append(f"<text x='{x + 6:.1f}' y='{y + 14}'>{sum(values)}</text>")
    parts.append("</svg>")
    return Svg("".join(parts))


def heatmap(counts: Mapping[tuple[int, int], int], title: str) -> Svg:
    """A small 5 x 5 likelihood (rows, 5 at the top) by impact (columns) grid of counts.

    >>> svg = str(heatmap({(5, 5): 2, (1, 1): 1}, "Pay <ments>"))
    >>> svg.count("<rect"), ">2</text>" in svg, "Pay &lt;ments&gt;" in svg
    (25, True, True)
    """
    cell, left, top = 24, 22, 22
    size = left + 5 * cell
    height = top + 5 * cell + 18
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='heatmap-svg' role='img' viewBox='0 0 {size + 4} {height}' "
        f"width='{size + 4}' height='{height}' {FONT}><title>{escape(title)}: live risks by likelihood and "
        f"impact</title><text x='{left}' y='14' font-weight='600'>{escape(short_label(title, 19))}</text>"
    ]
    for row, likelihood in enumerate(range(5, 0, -1)):
        y = top + row * cell
        parts.append(f"<text x='{left - 6}' y='{y + 16}' text-anchor='end' fill='#57606a'>{likelihood}</text>")
        for col, impact in enumerate(range(1, 6)):
            n = counts.get((likelihood, impact), 0)
            x, colour = left + col * cell, SEVERITY_FILL[band(likelihood, impact)]
            parts.append(
                f"<rect x='{x}' y='{y}' width='{cell}' height='{cell}' fill='{colour}' "
                f"fill-opacity='{1 if n else 0.35}' stroke='#ffffff'><title>likelihood {likelihood}, impact {impact}: "
                f"{n} live risks</title></rect>"
            )
            if n:
                parts.append(f"<text x='{x + cell / 2}' y='{y + 16}' text-anchor='middle' font-weight='600'>{n}</text>")
    for col, impact in enumerate(range(1, 6)):
        parts.append(
            f"<text x='{left + col * cell + cell / 2}' y='{top + 5 * cell + 14}' text-anchor='middle' "
            f"fill='#57606a'>{impact}</text>"
        )
    parts.append("</svg>")
    return Svg("".join(parts))


def text_bar(value: int, most: int, width: int = 20) -> str:
    """A bar of block characters for Markdown and e-mail, `width` long for the largest value.

    >>> text_bar(5, 10, 10), text_bar(1, 100, 10), text_bar(0, 10)
    ('█████', '▏', '')
    """
    if value <= 0 or most <= 0:
        return ""
    eighths = max(1, round(8 * width * value / most))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if not rest else " ▏▎▍▌▋▊▉"[rest])
