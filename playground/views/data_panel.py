"""The 2-D lab's data panel (TensorFlow Playground's left column): noise, ratio, Regenerate, what the
boundary shows, the feature inputs, and the class a click on the boundary adds.

Every control only calls a Session method; `sync` shows the Session's settings, so a model opened
with its own settings puts these controls right too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine import features
from playground import plane, theme
from playground.lab2d import MAX_NOISE
from playground.session import Session
from playground.views.plots.neuron_maps import rgba_pixmap
from playground.views.plots.plane_colors import neuron_rgba

ICON_GRID = 32  # grid points per side of a feature's little picture

FEATURE_TIPS = {
    "x1": "x1: the first coordinate, as it is.",
    "x2": "x2: the second coordinate, as it is.",
    "x1²": "x1²: the first coordinate squared. With x2² a circle becomes a straight cut.",
    "x2²": "x2²: the second coordinate squared.",
    "x1·x2": "x1·x2: the product of the coordinates: positive in two opposite quadrants — XOR in one input.",
    "sin x1": "sin x1: a wave along the first coordinate.",
    "sin x2": "sin x2: a wave along the second coordinate.",
}


def feature_button_name(name: str) -> str:
    """The objectName of a feature's toggle: feature_ and its position in FEATURES (feature_2 is x1²)."""
    return f"feature_{list(features.FEATURES).index(name)}"


def _slider(name: str, lo: int, hi: int, tip: str) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setObjectName(name)
    slider.setRange(lo, hi)
    slider.setToolTip(tip)
    slider.setTracking(False)  # a new data set when the slider is let go, not at every pixel
    return slider


class DataPanel(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("dataPanel")
        self._session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        form = QFormLayout()
        self.noiseSlider = _slider("noiseSlider", 0, int(MAX_NOISE * 100),
                                   "Noise: how far each point is jittered from its place (the standard "
                                   "deviation, in % of the plane's half-width).")
        self.noiseSlider.valueChanged.connect(lambda v: session.set_noise(v / 100))
        self.noiseLabel = QLabel()
        self.ratioSlider = _slider("ratioSlider", 10, 90,
                                   "Ratio of training to test data: the share of the points the network "
                                   "learns from. The rest test it on points it never saw.")
        self.ratioSlider.valueChanged.connect(lambda v: session.set_train_fraction(v / 100))
        self.ratioLabel = QLabel()
        for label in (self.noiseLabel, self.ratioLabel):
            label.setMinimumWidth(34)
        form.addRow("noise", self._row(self.noiseSlider, self.noiseLabel))
        form.addRow("train : test", self._row(self.ratioSlider, self.ratioLabel))
        layout.addLayout(form)

        self.regenerateButton = QPushButton("Regenerate")
        self.regenerateButton.setObjectName("regenerateButton")
        self.regenerateButton.setToolTip("New points for the same problem (a new seed for the data); the "
                                         "network keeps its weights.")
        self.regenerateButton.clicked.connect(session.regenerate)
        self.clearDataButton = QPushButton("Clear data")
        self.clearDataButton.setObjectName("clearDataButton")
        self.clearDataButton.setToolTip("Remove every point, to click your own data in on the decision "
                                        "boundary.")
        self.clearDataButton.clicked.connect(session.clear_data)
        layout.addLayout(self._row(self.regenerateButton, self.clearDataButton))

        self.showTestCheck = QCheckBox("Show test data")
        self.showTestCheck.setObjectName("showTestCheck")
        self.showTestCheck.setToolTip("Draw the test points (white rings) on the decision boundary.")
        self.showTestCheck.toggled.connect(session.set_show_test)
        self.discretizeCheck = QCheckBox("Discretize output")
        self.discretizeCheck.setObjectName("discretizeCheck")
        self.discretizeCheck.setToolTip("Draw the boundary as flat class colours: only which side of it a "
                                        "point is on, not how sure the network is.")
        self.discretizeCheck.toggled.connect(session.set_discretize)
        layout.addLayout(self._row(self.showTestCheck, self.discretizeCheck))

        caption = QLabel("Features — the input neurons (click to switch one on or off)")
        caption.setWordWrap(True)
        caption.setStyleSheet(f"color: {theme.TEXT_DIM};")
        layout.addWidget(caption)
        grid = QGridLayout()
        grid.setSpacing(3)
        self.featureButtons: dict[str, QToolButton] = {}
        for k, name in enumerate(features.FEATURES):
            button = QToolButton()
            button.setObjectName(feature_button_name(name))
            button.setText(name)
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setToolTip(FEATURE_TIPS[name])
            button.clicked.connect(lambda _checked=False, n=name: session.toggle_feature(n))
            grid.addWidget(button, k // 4, k % 4)
            self.featureButtons[name] = button
        layout.addLayout(grid)

        self.pointClass = QComboBox()
        self.pointClass.setObjectName("pointClass")
        self.pointClass.setToolTip("The class a click on the decision boundary adds (Shift-click adds the "
                                   "other class; right-click removes the nearest point).")
        self.pointClass.activated.connect(lambda _i: session.set_point_class(self.pointClass.currentData()))
        form = QFormLayout()
        form.addRow("a click adds", self.pointClass)
        layout.addLayout(form)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {theme.TEXT_DIM};")
        layout.addWidget(self.note)
        layout.addStretch(1)
        self._icons_for: tuple | None = None
        session.structureChanged.connect(self.sync)
        session.settingsChanged.connect(self.sync)
        self.sync()

    @staticmethod
    def _row(*widgets) -> QHBoxLayout:
        row = QHBoxLayout()
        for w in widgets:
            row.addWidget(w)
        return row

    def _feature_icons(self) -> None:
        """Each feature's value over the plane, as its button's picture (as TensorFlow Playground)."""
        span = self._session.plane_extent()
        if self._icons_for == span:
            return
        self._icons_for = span
        points = plane.grid_points(span, ICON_GRID)
        for name, button in self.featureButtons.items():
            values = features.transform(points, [name])[:, 0]
            rgba = neuron_rgba(values, "linear").reshape(ICON_GRID, ICON_GRID, 4)
            button.setIcon(QIcon(rgba_pixmap(rgba, 28)))

    def sync(self) -> None:
        s = self._session
        on_plane = s.is_plane
        generated = s._is_toy()
        for widget, value in ((self.noiseSlider, round(100 * s.settings.noise)),
                              (self.ratioSlider, round(100 * s.settings.train_fraction)),
                              (self.showTestCheck, s.settings.show_test),
                              (self.discretizeCheck, s.settings.discretize)):
            widget.blockSignals(True)
            widget.setValue(value) if isinstance(widget, QSlider) else widget.setChecked(bool(value))
            widget.blockSignals(False)
        self.noiseLabel.setText(f"{self.noiseSlider.value()}%")
        self.ratioLabel.setText(f"{self.ratioSlider.value()}%")
        for widget in (self.noiseSlider, self.ratioSlider, self.regenerateButton):
            widget.setEnabled(generated)
        for widget in (self.clearDataButton, self.showTestCheck, self.discretizeCheck, self.pointClass):
            widget.setEnabled(on_plane)
        active = s.active_features()
        for name, button in self.featureButtons.items():
            button.setEnabled(on_plane)
            button.setChecked(name in active)
        if on_plane:
            self._feature_icons()
        self._sync_point_class()
        if not on_plane:
            self.note.setText("These controls are for 2-D data (points in a plane).")
        elif not generated:
            self.note.setText("Noise, ratio and Regenerate apply to the generated sets; this data is "
                              + ("from a file." if s.user_data == "csv" else "your own or a preset's."))
        else:
            self.note.setText(s.dataset.source)
        if on_plane and not len(s.dataset.X_test):
            self.note.setText(f"{s.dataset.source}. With no test points, the epoch-end test cost and "
                              "accuracy measure the training points.")

    def _sync_point_class(self) -> None:
        s = self._session
        d = s.dataset
        if d.task == "regression":
            items = [("+1 (orange)", 1), ("−1 (blue)", 0)]
        else:
            items = [(f"class {name}", k) for k, name in enumerate(d.classes)]
        self.pointClass.blockSignals(True)
        if [self.pointClass.itemText(i) for i in range(self.pointClass.count())] != [t for t, _ in items]:
            self.pointClass.clear()
            for text, k in items:
                self.pointClass.addItem(text, k)
        index = self.pointClass.findData(s.point_class)
        self.pointClass.setCurrentIndex(max(index, 0))
        self.pointClass.blockSignals(False)
