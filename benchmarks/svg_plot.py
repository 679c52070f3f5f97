"""A small line chart as standalone SVG, so figures need no plotting library and no CDN."""

from __future__ import annotations

from html import escape


def line_chart(title: str, xs: list[float], series: dict[str, list[float]], *, x_label: str, y_label: str,
               width: int = 640, height: int = 260) -> str:
    left, right, top, bottom = 60, 20, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    x_max = max(xs) if xs else 1.0
    y_max = max((max(values) for values in series.values() if values), default=1.0) or 1.0
    colors = ["#1f5fa8", "#c2410c", "#15803d", "#7c3aed"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
             f'<text x="{left}" y="18" font-size="13">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#555"/>',
             f'<text x="{left + plot_w / 2}" y="{height - 8}" text-anchor="middle">{escape(x_label)}</text>',
             f'<text x="12" y="{top + plot_h / 2}" transform="rotate(-90 12 {top + plot_h / 2})" '
             f'text-anchor="middle">{escape(y_label)}</text>']
    for tick in range(5):
        value = y_max * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{value:.0f}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#eee"/>')
    for index, (name, values) in enumerate(series.items()):
        color = colors[index % len(colors)]
        points = " ".join(f"{left + plot_w * x / x_max:.1f},{top + plot_h - plot_h * v / y_max:.1f}"
                          for x, v in zip(xs, values, strict=False))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        parts.append(f'<text x="{left + plot_w - 150}" y="{top + 14 * (index + 1)}" fill="{color}">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
