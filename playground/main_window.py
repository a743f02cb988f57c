"""The main window. It only assembles: the views, the toolbar, the menus, the remembered layout.

Every behaviour lives in the Session (the model) or in a view; the window wires them together.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from playground import theme
from playground.download_dialog import DownloadDialog
from playground.presets import DEFAULT_PRESET, PRESETS
from playground.session import Session
from playground.views.controls import Controls
from playground.views.digits.digit_pad import DigitPanel
from playground.views.inspector.inspector import NeuronInspector
from playground.views.lab.neuron_lab import NeuronLab
from playground.views.network.network_view import NetworkView
from playground.views.plots.boundary import BoundaryView
from playground.views.plots.cost_plot import CostPlot
from playground.views.sample_browser import SampleBrowser

ORGANIZATION = "NeuralNetworkPlayground"
APPLICATION = "Neural Network Playground"
DEFAULT_SIZE = (1280, 800)
# The saved dock layout carries this number; bump it when the default layout changes, so a layout saved
# by an older version is ignored (the new default is used) instead of half-applied.
LAYOUT_VERSION = 2
BOTTOM_SHARE = 0.28  # the cost plot's share of the window height: the network view gets the most room
LAB_SIZE = (1000, 660)  # the neuron lab opens floating at this size (less in a smaller window) ...
LAB_READABLE = (700, 420)  # ... and floats again on "Explain" if it was docked somewhere smaller than this

WHAT_AM_I_LOOKING_AT = """
<h3>What am I looking at?</h3>
<p>In the middle is a <b>neural network</b>. Each circle is a <b>neuron</b>; its brightness is its
<i>activation</i> for the input shown above it. Columns are <b>layers</b>: the input on the left,
the answer on the right.</p>
<p>Each line is a <b>weight</b>: orange lines are positive (they excite the next neuron), blue ones
negative (they hold it back); thicker means bigger. A neuron adds up its inputs times their weights,
adds its <b>bias</b> (how easily it lights up), and squishes the sum with its <b>activation function</b>
(sigmoid, ReLU or tanh).</p>
<p><b>Step</b> (S or →) takes one step of <b>gradient descent</b>: it nudges every weight a little in the
direction that lowers the <b>cost</b>, the number that says how wrong the network is.
<b>Run</b> (Space) keeps stepping; the cost plot below shows it falling.</p>
<p>Click a neuron to see its weights and bias as sliders in the inspector, and move them yourself.
Right-click it and choose <i>Explain this neuron</i> to see its sum built step by step in the neuron lab,
micrograd style.</p>
"""


def rich_tip(text: str) -> str:
    """A tooltip as rich text, which Qt wraps into lines (plain text shows as one long line)."""
    return f"<p>{html.escape(text)}</p>"


def default_size() -> tuple[int, int]:
    """DEFAULT_SIZE, or less on a smaller screen (a 1366x768 laptop), leaving room for the frame."""
    screen = QGuiApplication.primaryScreen()
    if screen is None or QGuiApplication.platformName() == "offscreen":  # its "screen" is a stand-in
        return DEFAULT_SIZE
    room = screen.availableGeometry()
    return min(DEFAULT_SIZE[0], int(0.95 * room.width())), min(DEFAULT_SIZE[1], int(0.92 * room.height()))


def expression_graph_icon(side: int = 32) -> QIcon:
    """A tiny draw_dot picture for the lab's toolbar button: two values into an operator, one result."""
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    u = side / 32
    p.setPen(QPen(QColor(theme.TEXT), 1.6 * u))
    p.drawLine(int(9 * u), int(8 * u), int(17 * u), int(16 * u))
    p.drawLine(int(9 * u), int(24 * u), int(17 * u), int(16 * u))
    p.drawLine(int(17 * u), int(16 * u), int(24 * u), int(16 * u))
    for colour, (x, y) in ((theme.POSITIVE, (2, 4)), (theme.NEGATIVE, (2, 20))):
        p.fillRect(int(x * u), int(y * u), int(10 * u), int(8 * u), QColor(colour))
    p.setBrush(QColor(theme.TEXT))
    p.drawEllipse(int(13 * u), int(12 * u), int(8 * u), int(8 * u))
    p.fillRect(int(23 * u), int(12 * u), int(8 * u), int(8 * u), QColor(theme.GOOD))
    p.end()
    return QIcon(pixmap)


def settings() -> QSettings:
    """The app's settings store (tests point the default format's path at a temporary folder)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None, preset: str | None = None, remember: bool = True):
        """`remember`: restore and save the window layout and the last preset (off for screenshots)."""
        super().__init__()
        self._remember = remember
        self.setObjectName("mainWindow")
        self.setWindowTitle(APPLICATION)
        store = settings()
        if session is None:
            remembered = str(store.value("session/preset", DEFAULT_PRESET)) if remember else DEFAULT_PRESET
            name = preset or remembered
            session = Session(preset=name if name in PRESETS else DEFAULT_PRESET)
        self.session = session
        self.setDockNestingEnabled(True)
        # the right column (inspector or digit pad, and the decision boundary) runs the full height;
        # the cost plot runs under the controls and the network
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        # centre: the shown sample above the network drawn as a graph
        self.networkView = NetworkView(session)
        self.sampleBrowser = SampleBrowser(session)
        centre = QWidget()
        v = QVBoxLayout(centre)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.sampleBrowser)
        v.addWidget(self.networkView, 1)
        self.setCentralWidget(centre)

        self.controls = Controls(session)
        self.inspector = NeuronInspector(session)
        self.digitPanel = DigitPanel(session)
        self.lab = NeuronLab()
        self.costPlot = CostPlot(session)
        self.boundary = BoundaryView(session)
        area = Qt.DockWidgetArea
        self.controlsDock = self._dock("controlsDock", "Controls", self.controls, area.LeftDockWidgetArea)
        self.inspectorDock = self._dock("inspectorDock", "Neuron inspector", self.inspector,
                                        area.RightDockWidgetArea)
        self.digitsDock = self._dock("digitsDock", "Draw a digit", self.digitPanel, area.RightDockWidgetArea)
        # 2-D data: the boundary under the inspector, so a slider's effect on it is seen at once
        self.boundaryDock = self._dock("boundaryDock", "Decision boundary", self.boundary,
                                       area.RightDockWidgetArea)
        self.costDock = self._dock("costDock", "Cost", self.costPlot, area.BottomDockWidgetArea)
        # The lab needs room to be read: it opens as its own floating window (placed by show_lab), and
        # docks as a tab beside the cost if its title bar is double-clicked. In a scroll area, its
        # controls never set a minimum size on the main window.
        lab_scroll = QScrollArea()
        lab_scroll.setObjectName("labScroll")
        lab_scroll.setWidgetResizable(True)
        lab_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        lab_scroll.setWidget(self.lab)
        self.labDock = self._dock("labDock", "Neuron lab", lab_scroll, area.BottomDockWidgetArea)
        self.splitDockWidget(self.inspectorDock, self.boundaryDock, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.inspectorDock, self.digitsDock)
        self.tabifyDockWidget(self.costDock, self.labDock)
        self.labDock.hide()
        self.labDock.setFloating(True)
        self._lab_placed = False
        self.labDock.visibilityChanged.connect(self._lab_visibility)
        self.costDock.raise_()

        self._build_toolbar()
        self._build_menus()
        self.statusReadout = QLabel()
        self.statusReadout.setObjectName("statusReadout")
        self.statusBar().addPermanentWidget(self.statusReadout)
        self.statusBar().setObjectName("statusBar")

        session.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        session.runningChanged.connect(self._on_running)
        session.historyChanged.connect(self._on_history)
        session.structureChanged.connect(self._on_structure)
        session.structureChanged.connect(self._sync_preset_menu)
        session.settingsChanged.connect(self._sync_preset_menu)
        session.selectionChanged.connect(self._on_selection)
        self.networkView.explainRequested.connect(self.explain_neuron)
        self.inspector.explainRequested.connect(self.explain_neuron)
        # The lab follows its neuron at most 10 times a second: enough to watch, cheap during Run.
        self._explained: tuple[int, int] | None = None
        self._lab_follow = QTimer(self)
        self._lab_follow.setSingleShot(True)
        self._lab_follow.setInterval(100)
        self._lab_follow.timeout.connect(self._follow_explained)
        session.networkChanged.connect(self._schedule_follow)
        session.inputChanged.connect(self._schedule_follow)
        self._eta_timer = QTimer(self)
        self._eta_timer.setInterval(250)
        self._eta_timer.timeout.connect(self._update_counters)

        self._layout_restored = False
        state = store.value("window/state") if remember else None
        if isinstance(state, QByteArray) and not state.isEmpty():
            # False for a state saved with another LAYOUT_VERSION: the default layout then stays
            self._layout_restored = self.restoreState(state, LAYOUT_VERSION)
            self._lab_placed = self._layout_restored
        self._sync_preset_menu()
        self._measure_baseline()
        self._auto_docks()
        self._update_counters()
        # The window's minimum size must follow the docks shown now: a minimum left over from a dock
        # hidden since (the tall digit pad, with 2-D data) would make the window taller than asked.
        self.layout().activate()
        self.resize(*default_size())
        geometry = store.value("window/geometry") if remember else None
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        # keyboard focus starts on the network, so S, → and Space work at once (a focused spin box
        # would take the letters as text)
        self.networkView.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.networkView.setFocus()
        self.statusBar().showMessage(session.startup_notice or (
            f"Preset “{session.preset_name or 'custom'}”. Press Step (S) or Run (Space) to train; "
            "click a neuron to inspect it."), 15000)

    # ------------------------------------------------------------------ building
    def _dock(self, name: str, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Training")
        bar.setObjectName("trainingToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        style = self.style()
        self.stepAction = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward), "Step", self)
        self.stepAction.setObjectName("stepAction")
        self.stepAction.setShortcuts([QKeySequence("S"), QKeySequence(Qt.Key.Key_Right)])
        self.stepAction.setToolTip("Step (S or →): one gradient-descent step on one mini-batch — every "
                                   "weight moves a little downhill on the cost.")
        self.stepAction.triggered.connect(self.session.step)
        self.runAction = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Run", self)
        self.runAction.setObjectName("runAction")
        self.runAction.setCheckable(True)
        self.runAction.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.runAction.setToolTip("Run / Pause (Space): keep taking gradient-descent steps, one mini-batch "
                                  "after another, while every view follows the learning.\nPress again to "
                                  "pause; the window stays usable meanwhile.")
        self.runAction.toggled.connect(self._on_run_toggled)
        self.resetAction = QAction(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Reset", self)
        self.resetAction.setObjectName("resetAction")
        self.resetAction.setShortcut(QKeySequence("R"))
        self.resetAction.setToolTip("Reset (R): new random starting weights (the same seed gives the same "
                                    "network) and a fresh cost plot.")
        self.resetAction.triggered.connect(self.session.reset)
        for action in (self.stepAction, self.runAction, self.resetAction):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            bar.addAction(action)
        bar.addSeparator()
        self.counterLabel = QLabel()
        self.counterLabel.setObjectName("stepCounter")
        self.counterLabel.setToolTip("Training steps taken, and epochs: passes over the whole training set.")
        self.counterLabel.setMinimumWidth(170)
        bar.addWidget(self.counterLabel)
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("trainingProgress")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setMaximumWidth(260)
        self.progressBar.setMinimumWidth(200)
        self.progressBar.setToolTip("Progress of the current epoch, or of the epochs this Run trains, "
                                    "with the time left.")
        bar.addWidget(self.progressBar)
        bar.addSeparator()
        self.labAction = self.labDock.toggleViewAction()
        self.labAction.setObjectName("labAction")
        self.labAction.setToolTip("Open or close the neuron lab: one neuron's sum as micrograd's expression "
                                  "graph, with backpropagation shown step by step.\nRight-click a neuron and "
                                  "choose “Explain this neuron” to put that neuron in it.")
        self.labAction.setIcon(expression_graph_icon())
        bar.addAction(self.labAction)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self._add(menu, "Open model…", self.open_model, QKeySequence.StandardKey.Open, "openModelAction")
        self._add(menu, "Save model…", self.save_model, QKeySequence.StandardKey.Save, "saveModelAction")
        self._add(menu, "Export ONNX…", self.export_onnx, None, "exportOnnxAction")
        menu.addSeparator()
        self._add(menu, "Download full MNIST…", self.download_mnist, None, "downloadMnistAction")
        menu.addSeparator()
        self._add(menu, "Quit", self.close, QKeySequence.StandardKey.Quit, "quitAction")

        menu = self.menuBar().addMenu("&Presets")
        self.presetActions = QActionGroup(self)  # the preset in use carries a check mark
        for name, preset in PRESETS.items():
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setData(name)
            action.setToolTip(rich_tip(preset.description))
            action.triggered.connect(lambda _checked=False, n=name: self.session.apply_preset(n))
            self.presetActions.addAction(action)
        # a custom setup unchecks every preset, so the group must allow none
        self.presetActions.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        menu.setToolTipsVisible(True)

        menu = self.menuBar().addMenu("&Training")
        for action in (self.stepAction, self.runAction, self.resetAction):
            menu.addAction(action)

        self.viewMenu = self.menuBar().addMenu("&View")
        for dock in (self.controlsDock, self.inspectorDock, self.digitsDock, self.labDock, self.costDock,
                     self.boundaryDock):
            self.viewMenu.addAction(dock.toggleViewAction())

        menu = self.menuBar().addMenu("&Help")
        self._add(menu, "What am I looking at?", self.show_help, QKeySequence.StandardKey.HelpContents,
                  "helpAction")
        self._add(menu, "About", self.show_about, None, "aboutAction")

    def _add(self, menu, text, slot, shortcut, name) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            # first start: share the space out once the window has its size
            self._layout_restored = True
            QTimer.singleShot(0, self._share_space)

    def _share_space(self) -> None:
        """The default layout: the network view in the middle gets most of the window."""
        right = min(max(int(0.27 * self.width()), 400), 520)
        self.resizeDocks([self.controlsDock, self.inspectorDock], [300, right], Qt.Orientation.Horizontal)
        self.resizeDocks([self.costDock], [int(BOTTOM_SHARE * self.height())], Qt.Orientation.Vertical)
        self._share_right_column()

    def _share_right_column(self) -> None:
        """With 2-D data: the boundary about square under the inspector, at most half the column."""
        if self.boundaryDock.isHidden() or self.boundaryDock.isFloating():
            return
        column = self.inspectorDock.height() + self.boundaryDock.height()
        boundary = min(self.boundaryDock.width(), column // 2)
        self.resizeDocks([self.inspectorDock, self.boundaryDock], [column - boundary, boundary],
                         Qt.Orientation.Vertical)

    # ------------------------------------------------------------------ behaviour
    def select_neuron(self, layer: int, index: int) -> None:
        """Select a neuron as a click on it does (layer 0 is the input)."""
        self.session.select_neuron(layer, index)
        if self.session.selected is not None:
            self._on_selection(*self.session.selected)

    def _on_selection(self, layer: int, _index: int) -> None:
        # a click on a neuron brings its sliders to the front (they may be behind the digit pad's tab)
        if layer >= 0:
            self.inspectorDock.show()
            self.inspectorDock.raise_()

    def show_lab(self) -> None:
        """Show the neuron lab big enough to read: floating over the window unless docked roomily."""
        dock = self.labDock
        if not dock.isFloating() and not dock.isHidden() and (
                dock.width() < LAB_READABLE[0] or dock.height() < LAB_READABLE[1]):
            self._lab_placed = False  # docked too small to read a graph: float it at a good size
            dock.setFloating(True)
        dock.show()
        dock.raise_()
        if dock.isFloating():
            self._place_lab()
            dock.activateWindow()

    def _lab_visibility(self, visible: bool) -> None:
        if visible and self.labDock.isFloating():
            self._place_lab()  # the first time it opens (View menu, toolbar): a readable size, over us

    def _place_lab(self) -> None:
        if self._lab_placed:
            return
        self._lab_placed = True
        frame = self.frameGeometry()
        width = min(LAB_SIZE[0], int(0.9 * frame.width()))
        height = min(LAB_SIZE[1], int(0.9 * frame.height()))
        # over the lower middle of the window, where the cost plot is, so the network stays in sight above
        top_left = QPoint(frame.center().x() - width // 2, frame.bottom() - height - 40)
        screen = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        if screen.width() >= width and screen.height() >= height:  # keep it on the screen
            top_left.setX(max(screen.left(), min(top_left.x(), screen.right() - width)))
            top_left.setY(max(screen.top(), min(top_left.y(), screen.bottom() - height)))
        self.labDock.resize(width, height)
        self.labDock.move(top_left)

    def explain_neuron(self, layer: int, index: int) -> None:
        """Open the neuron lab with this neuron's sum built from micrograd Values."""
        s = self.session
        if layer < 1:
            self.statusBar().showMessage("An input neuron has no weights: it just holds the input value.",
                                         8000)
            return
        try:
            self.lab.explain_neuron(**self._neuron_numbers(layer, index),
                                    activation=s.network.layer_activation(layer),
                                    input_labels=s.input_labels(layer - 1))
        except ValueError as exc:
            self.statusBar().showMessage(f"The lab cannot explain this neuron: {exc}", 10000)
            return
        self._explained = (layer, index)
        self.show_lab()

    def _neuron_numbers(self, layer: int, index: int) -> dict:
        """The numbers of one neuron for the shown input, as the lab takes them."""
        s = self.session
        net = s.network
        role = "the output" if layer == len(net.sizes) - 1 else f"hidden layer {layer}"  # as the inspector
        return {"weights": net.weights[layer - 1][index].astype(float),
                "bias": float(net.biases[layer - 1][index]),
                "inputs": s.activations()[layer - 1].astype(float),
                "title": f"Neuron {index} of {role} ({s.input_caption})"}

    def _schedule_follow(self) -> None:
        if not self._lab_follow.isActive():  # not start(): during Run that would postpone it forever
            self._lab_follow.start()

    def _follow_explained(self) -> None:
        """Keep the lab's explained neuron live: its graph follows sliders, training and the input."""
        if self._explained is not None and self.labDock.isVisible():
            self.lab.follow_explained(**self._neuron_numbers(*self._explained))

    def _on_run_toggled(self, on: bool) -> None:
        if on:
            self.session.run()
        else:
            self.session.pause()

    def _on_running(self, running: bool) -> None:
        self.runAction.blockSignals(True)
        self.runAction.setChecked(running)
        self.runAction.blockSignals(False)
        icon = QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        self.runAction.setIcon(self.style().standardIcon(icon))
        self.runAction.setText("Pause" if running else "Run")
        self.stepAction.setEnabled(not running)
        if running:
            self._eta_timer.start()
        else:
            self._eta_timer.stop()
        self._update_counters()

    def _on_history(self) -> None:
        # During Run the ETA timer refreshes the counters: a progress bar repaints synchronously
        # (several ms), too dear for every snapshot.
        if not self.session.running:
            self._update_counters()

    def _update_counters(self) -> None:
        s = self.session
        self.counterLabel.setText(f"step {s.steps:,} · epoch {s.epoch_progress:.2f}")
        fraction, _eta, text = s.progress()
        self.progressBar.setValue(int(round(1000 * fraction)))
        self.progressBar.setFormat(text)
        parts = []
        if s.history.last_cost is None and s.history.last_test is None:
            parts.append(self._baseline)
        if s.history.last_cost is not None:
            parts.append(f"training cost {s.history.last_cost:.4f}")
        if s.history.last_test is not None:
            test_cost, accuracy = s.history.last_test
            parts.append(f"test cost {test_cost:.4f} · test accuracy {100 * accuracy:.1f}%")
        self.statusReadout.setText("   ".join(parts))

    def _on_structure(self) -> None:
        self.lab.forget_explained()  # its neuron belonged to the network that was just replaced
        self._explained = None
        self._measure_baseline()
        self._auto_docks()
        self._update_counters()

    def _sync_preset_menu(self) -> None:
        for action in self.presetActions.actions():
            action.setChecked(action.data() == self.session.preset_name)

    def _measure_baseline(self) -> None:
        """How the network does before any training here (a loaded model: its real accuracy)."""
        cost, accuracy = self.session.evaluate("test")
        n = len(self.session.dataset.X_test)
        self._baseline = f"test accuracy {100 * accuracy:.1f}% on {n:,} test samples (cost {cost:.3f})"

    def _auto_docks(self) -> None:
        """Digits get the drawing pad; 2-D data gets the decision boundary."""
        image = self.session.dataset.is_image
        boundary_appears = not image and self.boundaryDock.isHidden()
        # a Reset or a new layer size keeps the inspector in front while a neuron is selected
        pad_to_front = image and (self.digitsDock.isHidden() or self.session.selected is None)
        # hide before showing: for a moment both in the right column would need more than the window's
        # height, and the window would grow to make room (and stay grown)
        shown, hidden = self.digitsDock, self.boundaryDock
        if not image:
            shown, hidden = hidden, shown
        hidden.hide()
        shown.show()
        if pad_to_front:
            self.digitsDock.raise_()
        elif not image:
            self.inspectorDock.raise_()
            if boundary_appears and self.isVisible():
                QTimer.singleShot(0, self._share_right_column)

    # ------------------------------------------------------------------ files
    def open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", "", "Network models (*.npz)")
        if path and not self.session.load_model(path):
            QMessageBox.warning(self, "Could not open the model", self.statusBar().currentMessage())

    def save_model(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save model", "model.npz", "Network models (*.npz)")
        if path and not self.session.save_model(path):
            QMessageBox.warning(self, "Could not save the model", self.statusBar().currentMessage())

    def export_onnx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export ONNX", "model.onnx", "ONNX models (*.onnx)")
        if path and not self.session.export_onnx(path):
            QMessageBox.warning(self, "Could not export", self.statusBar().currentMessage())

    def download_mnist(self) -> None:
        dialog = DownloadDialog(self)
        dialog.exec()
        if getattr(dialog, "succeeded", False):
            self.session.reload_dataset("digits")

    # ------------------------------------------------------------------ help
    def show_help(self) -> None:
        QMessageBox.information(self, "What am I looking at?", WHAT_AM_I_LOOKING_AT)

    def show_about(self) -> None:
        QMessageBox.about(
            self, f"About {APPLICATION}",
            f"<h3>{APPLICATION}</h3><p>See and touch a neural network: its neurons, weights and biases, "
            "gradient descent step by step, digits you draw, and micrograd's expression graph.</p>"
            "<p>Digits data: MNIST (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), CC BY-SA 3.0.</p>"
            "<p>Built with Python, numpy, PySide6 (Qt) and pyqtgraph. MIT licence.</p>")

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        # stop the worker first: the thread must finish before its QThread object goes away
        self.session.shutdown()
        if not self._remember:
            super().closeEvent(event)
            return
        store = settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState(LAYOUT_VERSION))
        if self.session.preset_name:
            store.setValue("session/preset", self.session.preset_name)
        store.sync()
        super().closeEvent(event)
