"""The main window. It only assembles: the views, the toolbar, the menus, the remembered layout.

Every behaviour lives in the Session (the model) or in a view; the window wires them together.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from playground.app import ORGANIZATION
from playground.damaged_download import offer_repair
from playground.digit_docks import DigitDocks
from playground.docks import LAB_READABLE, LAB_SIZE, LAYOUT_VERSION, DockLayout, default_size
from playground.file_actions import FileActions
from playground.help_text import ABOUT, APPLICATION, WHAT_AM_I_LOOKING_AT, rich_tip
from playground.icons import expression_graph_icon, gradient_icon
from playground.number_format import readable
from playground.plane_docks import PlaneDocks
from playground.presets import DEFAULT_PRESET, PRESETS
from playground.screen_fit import ScreenFit
from playground.session import Session
from playground.shortcuts import NumberBoxKeys
from playground.status_words import describes_another_network
from playground.views.controls import Controls
from playground.views.data_panel import DataPanel
from playground.views.digits.digit_pad import DigitPanel
from playground.views.inspector.inspector import NeuronInspector
from playground.views.network.network_view import NetworkView
from playground.views.plots.boundary import BoundaryView
from playground.views.plots.cost_curve import CostCurve
from playground.views.plots.cost_plot import CostPlot
from playground.views.plots.neuron_maps import NeuronMaps
from playground.views.run_speed import RunSpeedControl
from playground.views.sample_browser import SampleBrowser
from playground.views.status_bar import StatusBar
from playground.views.toolbar_fit import fit_toolbar
from playground.walk_actions import WalkthroughActions

# app.py and tests import these names from here, as before the docks and words had their own modules
__all__ = ["APPLICATION", "LAB_READABLE", "LAB_SIZE", "LAYOUT_VERSION", "ORGANIZATION", "MainWindow",
           "settings"]


def settings() -> QSettings:
    """The app's settings store (tests point the default format's path at a temporary folder)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def counter_text(steps: int, epochs: float) -> str:
    """"step 1,234 · epoch 2.47": fewer decimals of the epoch as it grows (after 400 epochs of a small
    set the hundredths say nothing, and the counter keeps a width the toolbar has room for)."""
    decimals = 2 if epochs < 10 else 1 if epochs < 100 else 0
    return f"step {steps:,} · epoch {epochs:.{decimals}f}"


class MainWindow(WalkthroughActions, FileActions, QMainWindow):
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
        self.costPlot = CostPlot(session)
        self.boundary = BoundaryView(session)
        self.docks = DockLayout(self, self.controls, self.inspector, self.digitPanel, self.boundary,
                                self.costPlot, self._make_lab)
        d = self.docks
        self.controlsDock, self.inspectorDock, self.digitsDock = d.controls, d.inspector, d.digits
        self.boundaryDock, self.costDock, self.labDock = d.boundary, d.cost, d.lab
        self.costCurve = CostCurve(session)  # the cost along the selected weight, beside the cost plot
        self.costCurveDock = d.add_cost_curve(self.costCurve)
        # the 2-D lab: each neuron's map over the plane, and the data panel (noise, features, points)
        self.neuronMaps, self.dataPanel = NeuronMaps(session), DataPanel(session)
        self.planeDocks = PlaneDocks(self, self.docks, self.neuronMaps, self.dataPanel)
        self.dataPanelDock, self.neuronMapsDock = self.planeDocks.data, self.planeDocks.maps
        # your handwriting (My digits, fine-tuning), saliency and the confusion matrix (digit_docks.py)
        self.digitDocks = DigitDocks(self, self.docks, session, self.digitPanel, self.sampleBrowser)
        self.myDigitsDock, self.confusionDock = self.digitDocks.mine, self.digitDocks.confusionDock

        self._build_toolbar()
        self._build_menus()
        self.setStatusBar(StatusBar(self))  # (its message shortened with "…" before the readout)
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
        session.parameterChanged.connect(self._on_parameter)
        session.networkChanged.connect(self._on_history)  # the test figures follow every edit
        self.networkView.explainRequested.connect(self.explain_neuron)
        self.inspector.explainRequested.connect(self.explain_neuron)
        self._run_started_at = 0  # the step count when Run last started (its epochs' figures are newer)
        self._eta_timer = QTimer(self)
        self._eta_timer.setInterval(250)
        self._eta_timer.timeout.connect(self._update_counters)

        self._layout_restored = False
        state = store.value("window/state") if remember else None
        if isinstance(state, QByteArray) and not state.isEmpty():
            # False for a state saved with another LAYOUT_VERSION: the default layout then stays
            self._layout_restored = self.restoreState(state, LAYOUT_VERSION)
            self.docks.lab_placed = self._layout_restored
        self._sync_preset_menu()
        self.docks.fit_data(session.dataset.is_image, session.selected is not None)
        self.planeDocks.fit_data(session.is_plane)
        self._update_counters()
        # The window's minimum size must follow the docks shown now: a minimum left over from a dock
        # hidden since (the tall digit pad, with 2-D data) would make the window taller than asked.
        self.layout().activate()
        self.resize(*default_size())
        geometry = store.value("window/geometry") if remember else None
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self.screenFit = ScreenFit(self)  # never larger than the screen; shrinks back after a dock goes
        self.numberBoxKeys = NumberBoxKeys(self)
        self.numberBoxKeys.guard(self)
        # new layers bring new number boxes (the controls, connected first, have made them by now)
        session.structureChanged.connect(lambda: self.numberBoxKeys.guard(self))
        # the toolbar's Neuron lab opens the seed's neuron, as the README says
        self.labAction.triggered.connect(lambda shown: self.lab.show_preset("seed") if shown else None)
        # keyboard focus starts on the network, so S, → and Space work at once (a focused spin box
        # would take the letters as text)
        self.networkView.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.networkView.setFocus()
        if session.dataset.notice:  # once the window is up, offer to repair a damaged download
            QTimer.singleShot(0, lambda: offer_repair(self, session.dataset.notice, self.download_mnist))
        self.statusBar().showMessage(session.startup_notice or (
            f"Preset “{session.preset_name or 'custom'}”. Press Step (S) or Run (Space) to train; "
            "click a neuron to inspect it."), 15000)

    # ------------------------------------------------------------------ building
    @property
    def lab(self):
        """The neuron lab (a NeuronLab): made the first time it is shown or asked for, as it is hidden at
        start and imports networkx (0.1-0.3 s)."""
        return self.docks.lab_widget()

    def findChild(self, kind, name: str = "", options=Qt.FindChildOption.FindChildrenRecursively):
        """QObject.findChild, which also finds the widgets of the parts made on first use (the neuron lab,
        with `graphView`; the confusion matrix): a name not found makes them, and is looked for again."""
        found = super().findChild(kind, name, options)
        later = [part for part in self._made_on_first_show() if not part.made]
        if found is None and name and later:
            for part in later:
                part.get()
            found = super().findChild(kind, name, options)
        return found

    def _made_on_first_show(self):
        return [self.docks.lab_part, self.digitDocks.confusion_part]

    @property
    def confusionMatrix(self):
        """The confusion matrix (a ConfusionMatrixView): made when its tab first shows or it is asked for."""
        return self.digitDocks.confusion

    def _make_lab(self):
        from playground.views.lab.neuron_lab import NeuronLab

        lab = NeuronLab(self.session)
        if hasattr(self, "numberBoxKeys"):  # (made in __init__ after the layout is restored)
            self.numberBoxKeys.guard(lab)
        return lab

    def _build_toolbar(self) -> None:
        bar = self.trainingToolbar = self.addToolBar("Training")
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
            # window-wide, the floating lab included; number boxes do not keep the keys (shortcuts.py)
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            bar.addAction(action)
        self.runSpeedControl = RunSpeedControl(self.session)
        self.runSpeed = self.runSpeedControl.slider
        bar.addWidget(self.runSpeedControl).setToolTip(self.runSpeedControl.toolTip())
        bar.addSeparator()
        self.counterLabel = QLabel()
        self.counterLabel.setObjectName("stepCounter")
        self.counterLabel.setToolTip("Training steps taken, and epochs: passes over the whole training set.")
        self.counterLabel.setMinimumWidth(150)
        bar.addWidget(self.counterLabel)
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("trainingProgress")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setMaximumWidth(260)
        self.progressBar.setMinimumWidth(150)  # room for "epoch 3 of 8 · 0:12 left" and the tools after it
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
        self.gradientOverlayAction = QAction(gradient_icon(), "Gradient", self)
        self.gradientOverlayAction.setObjectName("gradientOverlayAction")
        self.gradientOverlayAction.setCheckable(True)
        self.gradientOverlayAction.setShortcut(QKeySequence("G"))
        self.gradientOverlayAction.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.gradientOverlayAction.setToolTip(
            "Gradient overlay (G): colour the network by what the next step will do. Lines: −∂C/∂w, "
            "orange where the step raises a weight, blue where it lowers it, thicker where it pushes "
            "harder;\nneurons: their −δ = −∂C/∂z. Computed by backpropagation on a fixed sample of "
            "the training data. Press again for the activations.")
        self.gradientOverlayAction.toggled.connect(
            lambda on: self.session.set_color_source("gradients" if on else "activations"))
        self.session.colorSourceChanged.connect(self._sync_gradient_overlay)
        bar.addAction(self.gradientOverlayAction)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self._add(menu, "Open model…", self.open_model, QKeySequence.StandardKey.Open, "openModelAction")
        self._add(menu, "Save model…", self.save_model, QKeySequence.StandardKey.Save, "saveModelAction")
        self._add(menu, "Export ONNX…", self.export_onnx, None, "exportOnnxAction")
        self.openDataAction = self._add(menu, "Open data…", self.open_data, None, "openDataAction")
        self.openDataAction.setToolTip("Use your own data: a CSV file of numeric columns and a label column "
                                       "(two columns and a label are shown in the plane).")
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
        self._build_walkthrough(menu)

        self.viewMenu = self.menuBar().addMenu("&View")
        for dock in self.docks.all() + self.planeDocks.all():
            self.viewMenu.addAction(dock.toggleViewAction())
        self.viewMenu.addAction(self.costCurveDock.toggleViewAction())
        for dock in self.digitDocks.all():
            self.viewMenu.addAction(dock.toggleViewAction())
        self.viewMenu.addAction(self.gradientOverlayAction)

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

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if hasattr(self, "trainingToolbar"):  # (not while the window is still being built)
            fit_toolbar(self.trainingToolbar, self.width())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            # first start: share the space out once the window has its size
            self._layout_restored = True
            QTimer.singleShot(0, self.docks.share_space)
            QTimer.singleShot(0, lambda: self.planeDocks.share_space(self, self.neuronMaps))

    # ------------------------------------------------------------------ behaviour
    def select_neuron(self, layer: int, index: int) -> None:
        """Select a neuron as a click on it does (layer 0 is the input)."""
        self.session.select_neuron(layer, index)
        if self.session.selected is not None:
            self._on_selection(*self.session.selected)

    def select_weight(self, layer: int, neuron: int, source: int | None) -> None:
        """Select weights[layer-1][neuron, source] (source None: the bias) as a click on its line does:
        through the Session, whose signals bring the inspector to the front and move every view."""
        self.session.select_weight(layer, neuron, source)

    def _on_selection(self, layer: int, _index: int) -> None:
        if layer >= 0:
            self.docks.inspector_to_front()

    def _on_parameter(self) -> None:
        if self.session.parameter is not None:
            self.docks.inspector_to_front()  # a weight clicked in the network: its slider comes into sight

    def show_lab(self) -> None:
        self.docks.show_lab()

    def explain_neuron(self, layer: int, index: int) -> None:
        """Open the neuron lab with this neuron's sum built from micrograd Values."""
        try:
            self.lab.explain(layer, index)
        except ValueError as exc:
            self.statusBar().showMessage(f"The lab cannot explain this neuron: {exc}.", 10000)
            return
        self.show_lab()

    def _sync_gradient_overlay(self, name: str) -> None:
        """The overlay's check mark follows the Session (another colour source unchecks it, silently:
        that source stays)."""
        self.gradientOverlayAction.blockSignals(True)
        self.gradientOverlayAction.setChecked(name == "gradients")
        self.gradientOverlayAction.blockSignals(False)
        # The view has just rebuilt itself for the new source, laying its legend out before the legend
        # knew its numbers: lay it out again, so that it is exactly as before when the overlay is off.
        # (Not needed once NetworkView.rebuild sets the legend's ranges before its first relayout.)
        self.networkView.relayout()

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
            self._run_started_at = self.session.steps
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
        """The step counter, the progress bar and the status readout (paused, it measures the test figures:
        a pass over the test set, the one place that does; during Run it quotes the trainer's)."""
        s = self.session
        self.counterLabel.setText(counter_text(s.steps, s.epoch_progress))
        fraction, _eta, text = s.progress()
        self.progressBar.setValue(int(round(1000 * fraction)))
        self.progressBar.setFormat(text)
        parts = []
        n_train = len(s.dataset.X_train)
        if s.is_plane and not s.running and n_train:
            # paused on a plane: the cost of all its training points now, so a point clicked in or an
            # edit shows at once (a few hundred points: cheaper than a repaint)
            cost = s.network.cost(s.dataset.X_train, s.dataset.Y_train, s.cost_name)
            parts.append(f"training cost {readable(cost, 4)} on {n_train:,} points")
        elif s.history.last_cost is not None:
            parts.append(f"training cost {readable(s.history.last_cost, 4)}")
        # Paused: the network as it is now (a slider edit, an activation switch), not the last epoch's
        # figure. During Run: the trainer's own figure at the last epoch's end (the cost plot's last dot),
        # so the window never measures a test set while it trains: 10,000 digits took 36 ms of the
        # window's time, four times a second, beside a training process that wants both cores.
        if s.running:
            self._baseline_of_last_epoch()
        else:
            self._measure_baseline()
        parts.append(self._baseline)
        self.statusReadout.setText("   ".join(parts))

    def _on_structure(self) -> None:
        if describes_another_network(self.statusBar().currentMessage(), self.session.network.sizes):
            self.statusBar().clearMessage()  # "a 2-2-1 network" after the layers were edited
        self.docks.fit_data(self.session.dataset.is_image, self.session.selected is not None)
        self.planeDocks.fit_data(self.session.is_plane)
        self._update_counters()

    def _sync_preset_menu(self) -> None:
        for action in self.presetActions.actions():
            action.setChecked(action.data() == self.session.preset_name)

    def _baseline_of_last_epoch(self) -> None:
        """The test figures the trainer measured at the end of this Run's latest epoch (until there is
        one, the figure measured before Run stays)."""
        latest = self.session.history.test.latest
        if latest is None or latest[0] <= self._run_started_at or not len(self.session.dataset.X_test):
            return  # (hand-made points only: the trainer measures the training points, not a test set)
        _step, cost, accuracy, epoch = latest
        self._baseline = f"{self._test_figures(cost, accuracy)} at epoch {epoch:.0f}"

    def _measure_baseline(self) -> None:
        """How the shown network does on the test set now (a loaded model: its real accuracy)."""
        cost, accuracy = self.session.evaluate("test")
        n = len(self.session.dataset.X_test)
        if not n:  # hand-made data: every point is a training point
            self._baseline = "no test points (all points train)"
            return
        self._baseline = self._test_figures(cost, accuracy)

    def _test_figures(self, cost: float, accuracy: float) -> str:
        n = len(self.session.dataset.X_test)
        return f"test accuracy {100 * accuracy:.1f}% on {n:,} test samples (cost {readable(cost, 3)})"

    # ------------------------------------------------------------------ files
    # ------------------------------------------------------------------ help
    def show_help(self) -> None:
        QMessageBox.information(self, "What am I looking at?", WHAT_AM_I_LOOKING_AT)

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APPLICATION}", ABOUT)

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        # stop the worker first: the thread must finish before its QThread object goes away
        self.session.shutdown()
        self.digitDocks.shutdown()
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
