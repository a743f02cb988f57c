"""The network view's legend: a colour bar per scale, a line about the edges, and a note, at the bottom.

Scene items made once per structure; a new frame only changes the numbers at the bars' ends.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import QGraphicsScene

from playground import theme
from playground.views.network.color_sources import LegendSpec
from playground.views.network.items import gradient_brush


def font(pixels: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(pixels)
    f.setBold(bold)
    return f


def wrap_text(text: str, font: QFont, width: float) -> str:
    """Break text into lines no wider than `width` pixels (at spaces; a long word keeps its own line)."""
    metrics = QFontMetricsF(font)
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and metrics.horizontalAdvance(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


class LegendEntry:
    """A colour bar with its meaning and range, e.g. "sigmoid   0 = off [bar] 1 = on"."""

    BAR_W, BAR_H = 92.0, 10.0

    def __init__(self, scene: QGraphicsScene, spec: LegendSpec):
        self.kind = spec.kind
        self.title = scene.addSimpleText(spec.title, font(11))
        self.title.setBrush(QColor(theme.TEXT_DIM))
        self.bar = scene.addRect(QRectF(0, 0, self.BAR_W, self.BAR_H), QPen(QColor(theme.NEURON_OUTLINE)))
        table = theme.SEQUENTIAL_LUT if spec.kind == "sequential" else theme.DIVERGING_LUT
        self.bar.setBrush(gradient_brush(table, QRectF(0, 0, self.BAR_W, self.BAR_H)))
        self.lo = scene.addSimpleText("", font(10))
        self.hi = scene.addSimpleText("", font(10))
        for item in (self.lo, self.hi):
            item.setBrush(QColor(theme.TEXT_DIM))

    def set_range(self, lo_text: str, hi_text: str) -> bool:
        """New numbers at the bar's ends; True if the entry's width changed (its neighbours must move)."""
        if (lo_text, hi_text) == (self.lo.text(), self.hi.text()):
            return False
        width = self.width()
        self.lo.setText(lo_text)
        self.hi.setText(hi_text)
        self.place(self.title.x(), self.title.y())  # the bar moves over for a wider number
        return self.width() != width

    def width(self) -> float:
        lo_w, hi_w = self.lo.boundingRect().width(), self.hi.boundingRect().width()
        return max(self.title.boundingRect().width(), lo_w + 12 + self.BAR_W + hi_w)

    def place(self, x: float, y: float) -> None:
        """Put the entry's top left corner at (x, y); it is 34 pixels high."""
        self.title.setPos(x, y)
        bar_y = y + 16
        lo_w = self.lo.boundingRect().width()
        self.lo.setPos(x, bar_y - 2)
        self.bar.setPos(x + lo_w + 4, bar_y)
        self.hi.setPos(x + lo_w + 8 + self.BAR_W, bar_y - 2)


class Legend:
    """The colour bars (`entries`, by scale key), the line legend (`edge_text`) and the `note`."""

    def __init__(self, scene: QGraphicsScene, specs: list[LegendSpec], edge_legend: str, note: str):
        self.entries = {spec.key: LegendEntry(scene, spec) for spec in specs}
        self.edge_text = scene.addSimpleText(edge_legend, font(11))
        self.edge_text.setBrush(QColor(theme.TEXT_DIM))
        self.note = scene.addSimpleText(note, font(11))
        self.note.setBrush(QColor(theme.TEXT_DIM))
        self._note_text = note
        self._edge_words = edge_legend
        self._size: tuple[float, float] | None = None  # the last place()'s width and height

    def set_note(self, text: str, highlight: bool = False) -> None:
        """Another note (e.g. the walkthrough's caption, highlighted); `place` wraps and puts it."""
        self._note_text = text
        self.note.setBrush(QColor(theme.HIGHLIGHT if highlight else theme.TEXT_DIM))

    def set_ranges(self, ranges: dict[str, tuple[str, str]]) -> None:
        wider = [entry.set_range(*ranges[key]) for key, entry in self.entries.items()]
        if any(wider) and self._size is not None:
            self.place(*self._size)  # a wider number pushes the entries after it along

    def place(self, w: float, h: float) -> float:
        """Put the colour bars, the line legend and the note at the bottom, from the bottom up, in as
        many rows as the width needs (the note wraps). Returns the height they take."""
        self._size = (w, h)
        self.edge_text.setText(self._edge_words)
        self.note.setText(wrap_text(self._note_text, self.note.font(), w - 24))
        y = h - 6 - self.note.boundingRect().height()
        self.note.setPos(12, y)
        rows: list[list[tuple[float, LegendEntry]]] = [[]]
        x = 12.0
        for entry in self.entries.values():
            if rows[-1] and x + entry.width() > w - 8:
                rows.append([])
                x = 12.0
            rows[-1].append((x, entry))
            x += entry.width() + 22
        beside = x + self.edge_text.boundingRect().width() < w - 8
        if not beside:  # no room after the colour bars: the line legend gets lines of its own
            self.edge_text.setText(wrap_text(self._edge_words, self.edge_text.font(), w - 24))
            y -= 4 + self.edge_text.boundingRect().height()
            self.edge_text.setPos(12, y)
        for row in reversed(rows):
            y -= 34
            for x_entry, entry in row:
                entry.place(x_entry, y)
            if beside:
                self.edge_text.setPos(x, y + 16)
                beside = False
        return h - y + 4
