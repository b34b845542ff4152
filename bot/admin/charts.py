"""Chart geometry for inline SVG drawn by `admin/_charts.html` (text there is autoescaped).

Python computes the rectangles; the template only draws them, so a chart needs no script,
no library and no network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH = 340  # fits a 360 px phone; the SVG scales with its viewBox on wider screens
ROW = 26
LABEL_W = 92
PALETTE = ("#07c160", "#1989fa", "#ff976a", "#ee0a24", "#7232dd", "#ffd01e", "#969799")


@dataclass(frozen=True, slots=True)
class Rect:
    """One drawn rectangle with its tooltip."""

    x: float
    y: float
    w: float
    h: float
    color: str
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    """One drawn text."""

    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything the SVG macro draws."""

    title: str
    width: int
    height: int
    rects: tuple[Rect, ...]
    labels: tuple[Label, ...]
    legend: tuple[tuple[str, str], ...] = ()  # (color, name)

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not self.rects


def _scale(maximum: float) -> float:
    return (WIDTH - LABEL_W - 40) / maximum if maximum > 0 else 0.0


def bar_chart(title: str, values: Sequence[tuple[str, float]]) -> Chart:
    """Horizontal bars, one row per label (orders per building)."""
    k = _scale(max((v for _, v in values), default=0))
    rects, labels = [], []
    for i, (name, value) in enumerate(values):
        y = i * ROW + 4
        rects.append(Rect(LABEL_W, y, max(value * k, 1), ROW - 8, PALETTE[0], f"{name}：{value:g}"))
        labels.append(Label(LABEL_W - 6, y + ROW / 2, name, "end"))
        labels.append(Label(LABEL_W + value * k + 4, y + ROW / 2, f"{value:g}"))
    return Chart(title, WIDTH, len(values) * ROW + 8, tuple(rects), tuple(labels))


def stacked_columns(
    title: str, columns: Sequence[tuple[str, Mapping[str, int]]], series: Sequence[str]
) -> Chart:
    """Vertical stacked columns (needs per day, stacked by category), with a legend."""
    plot_h, top = 120.0, 8.0
    peak = max((sum(c.values()) for _, c in columns), default=0)
    k = plot_h / peak if peak else 0.0
    step = (WIDTH - 30) / max(len(columns), 1)
    rects: list[Rect] = []
    labels: list[Label] = [Label(2, top + 10, str(peak))] if peak else []
    for i, (day, counts) in enumerate(columns):
        x, base = 26 + i * step, top + plot_h
        for j, name in enumerate(series):
            n = counts.get(name, 0)
            if n:
                base -= n * k
                rects.append(
                    Rect(
                        x, base, step * 0.7, n * k, PALETTE[j % len(PALETTE)], f"{day} {name}：{n}"
                    )
                )
        if i % max(len(columns) // 7, 1) == 0:
            labels.append(Label(x + step * 0.35, top + plot_h + 14, day, "middle"))
    legend = tuple((PALETTE[j % len(PALETTE)], s) for j, s in enumerate(series))
    return Chart(title, WIDTH, int(top + plot_h + 22), tuple(rects), tuple(labels), legend)


@dataclass(frozen=True, slots=True)
class SlotLoad:
    """One pickup slot: how many may come, how many were given it, how many came."""

    label: str
    capacity: int
    assigned: int
    picked: int


def slot_chart(title: str, slots: Sequence[SlotLoad]) -> Chart:
    """Per slot: capacity (pale), assigned (blue), picked up (green)."""
    k = _scale(max((max(s.capacity, s.assigned) for s in slots), default=0))
    rects, labels = [], []
    for i, s in enumerate(slots):
        y = i * ROW + 4
        h = (ROW - 8) / 2
        rects.append(
            Rect(
                LABEL_W,
                y,
                max(s.capacity * k, 1),
                ROW - 8,
                "#ebedf0",
                f"{s.label} 容量 {s.capacity}",
            )
        )
        color = PALETTE[3] if s.assigned > s.capacity else PALETTE[1]
        rects.append(Rect(LABEL_W, y, s.assigned * k, h, color, f"{s.label} 已分配 {s.assigned}"))
        rects.append(
            Rect(LABEL_W, y + h, s.picked * k, h, PALETTE[0], f"{s.label} 已取 {s.picked}")
        )
        labels.append(Label(LABEL_W - 6, y + ROW / 2, s.label, "end"))
        end = LABEL_W + max(s.capacity, s.assigned) * k + 4
        labels.append(Label(end, y + ROW / 2, f"{s.picked}/{s.assigned}/{s.capacity}"))
    legend = (("#ebedf0", "容量"), (PALETTE[1], "已分配"), (PALETTE[0], "已取货"))
    return Chart(title, WIDTH, len(slots) * ROW + 8, tuple(rects), tuple(labels), legend)


def split_bars(
    title: str, rows: Sequence[tuple[str, float, float]], names: tuple[str, str]
) -> Chart:
    """One bar per row split in two (paid green, unpaid orange), the two values written after it."""
    peak = max((a + b for _, a, b in rows), default=0)
    k = (WIDTH - LABEL_W - 64) / peak if peak > 0 else 0.0  # room for "1520/760" after the bar
    rects, labels = [], []
    for i, (name, first, second) in enumerate(rows):
        y = i * ROW + 4
        rects.append(
            Rect(LABEL_W, y, first * k, ROW - 8, PALETTE[0], f"{name} {names[0]}：{first:g}")
        )
        rects.append(
            Rect(
                LABEL_W + first * k,
                y,
                second * k,
                ROW - 8,
                PALETTE[2],
                f"{name} {names[1]}：{second:g}",
            )
        )
        labels.append(Label(LABEL_W - 6, y + ROW / 2, name, "end"))
        labels.append(
            Label(LABEL_W + (first + second) * k + 4, y + ROW / 2, f"{first:g}/{second:g}")
        )
    legend = ((PALETTE[0], names[0]), (PALETTE[2], names[1]))
    return Chart(title, WIDTH, len(rows) * ROW + 8, tuple(rects), tuple(labels), legend)
