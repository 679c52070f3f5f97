"""Charts as inline SVG written in Python: no JavaScript, no CDN, readable in an e-mail or offline.

Each chart carries a ``<title>`` and ``aria-label`` (screen readers), and its figures are also
printed in the report's tables: the chart is for looking, the table for reading.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#1f5fa8", "#e07b00", "#2e8540", "#8c4799", "#b8372d", "#6b6b6b")
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") if value % 1 else f"{int(value)}"


def _open(width: int, height: int, title: str) -> list[str]:
    """The SVG element, its accessible title, and the title written above the chart."""
    label = escape(title)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'style="max-width:{width}px" role="img" aria-label="{label}" class="journal-chart">',
            f"<title>{label}</title>",
            f'<text x="12" y="13" font-weight="bold" {FONT.replace("11", "12")}>{label}</text>']


def bar_chart(labels: list[str], series: list[tuple[str, list[float]]], *, title: str, unit: str = "",
              reference: tuple[str, float] | None = None, width: int = 640, height: int = 240) -> str:
    """Vertical bars, grouped when there are several series; an optional dashed reference line."""
    top, bottom, left, right = 40, 40, 12, 12
    plot_height = height - top - bottom
    values = [value for _, points in series for value in points]
    peak = max([*values, reference[1] if reference else 0.0, 1e-9])
    slot = (width - left - right) / max(len(labels), 1)
    bar = max(slot * 0.8 / max(len(series), 1), 1.0)
    parts = _open(width, height, title)
    for index, (name, points) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        for position, value in enumerate(points):
            bar_height = plot_height * value / peak
            x = left + position * slot + slot * 0.1 + index * bar
            y = top + plot_height - bar_height
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{bar_height:.1f}" '
                         f'fill="{colour}"><title>{escape(labels[position])} — {escape(name)} : '
                         f'{_number(value)}{escape(unit)}</title></rect>')
            if value:
                parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" {FONT}>'
                             f"{_number(value)}</text>")
    baseline = top + plot_height
    parts.append(f'<line x1="{left}" y1="{baseline}" x2="{width - right}" y2="{baseline}" stroke="#444"/>')
    for position, label in enumerate(labels):
        x = left + position * slot + slot / 2
        parts.append(f'<text x="{x:.1f}" y="{baseline + 14}" text-anchor="middle" {FONT}>{escape(label)}</text>')
    if reference is not None:
        name, value = reference
        y = top + plot_height - plot_height * value / peak
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#b8372d" '
                     f'stroke-dasharray="5 4"/><text x="{width - right}" y="{y - 4:.1f}" text-anchor="end" '
                     f'fill="#b8372d" {FONT}>{escape(name)}</text>')
    parts.extend(_legend([name for name, _ in series], y=height - 8) if len(series) > 1 else [])
    parts.append("</svg>")
    return "".join(parts)


def _legend(names: list[str], *, y: int, x: int = 12) -> list[str]:
    parts = []
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{y}" {FONT}>{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts


def share_bar(parts_in: list[tuple[str, float]], *, title: str, width: int = 640, height: int = 80) -> str:
    """One horizontal bar split into shares (counts), each labelled with its percentage."""
    total = sum(value for _, value in parts_in)
    parts = _open(width, height, title)
    x, left, span = 12.0, 12, width - 24
    if total <= 0:
        parts.append(f'<text x="{left}" y="40" {FONT}>aucune donnée</text></svg>')
        return "".join(parts)
    for index, (name, value) in enumerate(parts_in):
        share = value / total
        bar = span * share
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="22" width="{bar:.1f}" height="26" fill="{colour}">'
                     f"<title>{escape(name)} : {_number(value)} ({share:.0%})</title></rect>")
        if share >= 0.08:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="39" text-anchor="middle" fill="#fff" {FONT}>'
                         f"{share:.0%}</text>")
        x += bar
    parts.extend(_legend([name for name, _ in parts_in], y=height - 8, x=left))
    parts.append("</svg>")
    return "".join(parts)
