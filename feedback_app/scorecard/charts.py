"""Server-drawn SVG charts: accessible, colour-blind safe, and readable without colour.

Each chart is an ``<svg role="img">`` with a <title> and a <desc> giving the text summary; the
page puts the same figures in a data table beside it. Colours are from the Okabe-Ito palette,
and every series also differs in marker shape and line style. No ``style`` attributes: the
CSP allows none, so presentation attributes are used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

BLUE = "#0072B2"  # measured rate
VERMILION = "#D55E00"  # forecast if nothing changes
BLACK = "#0b0c0c"
GREY = "#505a5f"

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 48


def _number(value: Any) -> float | None:
    return None if value is None or isinstance(value, str) else float(value)


def trend_chart(chart_id: str, title: str, summary: str, by_quarter: list[dict[str, Any]],
                forecast: list[dict[str, Any]] | None, target: float | None,
                labels: dict[str, str], percent: Callable[[float], str]) -> Markup:
    """Quarterly kept share with 95% interval whiskers, forecast and target lines."""
    chart_id = str(escape(chart_id))
    points = [(row["quarter"], _number(row["rate"]), row.get("ci")) for row in by_quarter]
    ahead = [(row["quarter"], float(row["rate"])) for row in (forecast or [])]
    slots = len(points) + len(ahead)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / max(1, slots))

    def y(rate: float) -> float:
        return TOP + plot_h * (1 - rate)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#d0d4d6" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" fill="{BLACK}">{escape(percent(tick))}</text>')
    if target is not None:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="{BLACK}" stroke-width="2" stroke-dasharray="8 5"/>')
    measured = [(i, rate) for i, (_, rate, _) in enumerate(points) if rate is not None]
    if len(measured) > 1:
        path = " ".join(f"{x(i):.1f},{y(r):.1f}" for i, r in measured)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    for i, (_, rate, ci) in enumerate(points):
        if rate is None:
            parts.append(f'<text x="{x(i):.1f}" y="{y(0.5):.1f}" text-anchor="middle" font-size="14" fill="{GREY}">{escape(labels["hidden_mark"])}</text>')
            continue
        if isinstance(ci, list):
            parts.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{y(ci[0]):.1f}" y2="{y(ci[1]):.1f}" stroke="{BLUE}" stroke-width="2"/>')
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(rate):.1f}" r="5" fill="{BLUE}" stroke="#fff" stroke-width="1.5"/>')
    if ahead:
        start = measured[-1] if measured else None
        chain = ([f"{x(start[0]):.1f},{y(start[1]):.1f}"] if start else []) + [
            f"{x(len(points) + k):.1f},{y(r):.1f}" for k, (_, r) in enumerate(ahead)]
        parts.append(f'<polyline points="{" ".join(chain)}" fill="none" stroke="{VERMILION}" stroke-width="2" stroke-dasharray="3 4"/>')
        for k, (_, r) in enumerate(ahead):
            cx, cy = x(len(points) + k), y(r)
            parts.append(f'<path d="M{cx:.1f} {cy - 6:.1f} L{cx + 6:.1f} {cy:.1f} L{cx:.1f} {cy + 6:.1f} L{cx - 6:.1f} {cy:.1f} Z" fill="#fff" stroke="{VERMILION}" stroke-width="2"/>')
    for i, label in enumerate([q for q, _, _ in points] + [q for q, _ in ahead]):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="11" fill="{BLACK}">{escape(label)}</text>')
    legend_y = HEIGHT - 10
    parts.append(f'<circle cx="{LEFT + 6}" cy="{legend_y - 4}" r="5" fill="{BLUE}"/><text x="{LEFT + 16}" y="{legend_y}" font-size="12" fill="{BLACK}">{escape(labels["measured"])}</text>')
    parts.append(f'<path d="M{LEFT + 186} {legend_y - 10} L{LEFT + 192} {legend_y - 4} L{LEFT + 186} {legend_y + 2} L{LEFT + 180} {legend_y - 4} Z" fill="#fff" stroke="{VERMILION}" stroke-width="2"/><text x="{LEFT + 198}" y="{legend_y}" font-size="12" fill="{BLACK}">{escape(labels["forecast"])}</text>')
    if target is not None:
        parts.append(f'<line x1="{LEFT + 356}" x2="{LEFT + 380}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="{BLACK}" stroke-width="2" stroke-dasharray="8 5"/><text x="{LEFT + 386}" y="{legend_y}" font-size="12" fill="{BLACK}">{escape(labels["target"])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and id above went through escape()


def bar_chart(chart_id: str, title: str, summary: str, rows: list[dict[str, Any]], group_label: Callable[[str], str],
              percent: Callable[[float], str], hidden_mark: str) -> Markup:
    """Horizontal bars of kept share per group, with interval whiskers and the value written."""
    chart_id = str(escape(chart_id))
    row_h = 30
    height = TOP + row_h * max(1, len(rows)) + 8
    label_w, value_w = 210, 70
    plot_w = WIDTH - label_w - value_w - RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--bars" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    for k, row in enumerate(rows):
        top = TOP + k * row_h
        parts.append(f'<text x="{label_w - 8}" y="{top + 19}" text-anchor="end" font-size="12" fill="{BLACK}">{escape(group_label(row["group"]))}</text>')
        rate = _number(row.get("rate"))
        if rate is None:
            parts.append(f'<text x="{label_w + 4}" y="{top + 19}" font-size="12" fill="{GREY}">{escape(hidden_mark)}</text>')
            continue
        parts.append(f'<rect x="{label_w}" y="{top + 6}" width="{plot_w * rate:.1f}" height="{row_h - 12}" fill="{BLUE}"/>')
        ci = row.get("ci")
        if isinstance(ci, list):
            parts.append(f'<line x1="{label_w + plot_w * ci[0]:.1f}" x2="{label_w + plot_w * ci[1]:.1f}" y1="{top + row_h / 2:.1f}" y2="{top + row_h / 2:.1f}" stroke="{BLACK}" stroke-width="2"/>')
        parts.append(f'<text x="{label_w + plot_w + 6}" y="{top + 19}" font-size="12" fill="{BLACK}">{escape(percent(rate))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and id above went through escape()
