"""Start the window, or render it headless to a PNG (`--screenshot`)."""

from __future__ import annotations

import argparse
import os
import sys

ORGANIZATION = "NeuralNetworkPlayground"  # with help_text.APPLICATION: where QSettings keeps the layout
SMALLEST, LARGEST = (1024, 600), (7680, 4320)  # --size: a netbook up to an 8K screen
NO_DISPLAY_MESSAGE = (
    "Neural Network Playground needs a display to open its window, and none was found\n"
    "(DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM are all unset).\n"
    "Without a display you can still:\n"
    "  python main.py --screenshot window.png     render the window to a PNG\n"
    "  python main.py train --dataset digits --out model.npz   train a network headless\n"
)


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True  # Windows and macOS always have a window system
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def parse_args(argv: list[str]) -> argparse.Namespace:
    from playground.presets import DEFAULT_PRESET, PRESETS

    parser = argparse.ArgumentParser(
        prog="python main.py", description="Neural Network Playground: see and touch a neural network.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="headless commands (no window, no display needed):\n"
               "  python main.py train ...        train a network; see `python main.py train --help`\n"
               "  python main.py download-mnist   fetch the full 60,000/10,000 MNIST into the data folder")
    parser.add_argument("--screenshot", metavar="PATH", help="render the main window offscreen to a PNG "
                        "and exit")
    parser.add_argument("--preset", choices=list(PRESETS), help="the preset to show (default: the last one "
                        f"used, or “{DEFAULT_PRESET}”)")
    parser.add_argument("--steps", type=int, default=40, help="training steps taken before the screenshot "
                        "(default 40)")
    parser.add_argument("--select", metavar="LAYER,INDEX", help="select a neuron before the screenshot, "
                        "e.g. 1,0")
    parser.add_argument("--select-weight", metavar="LAYER,NEURON,SOURCE", help="select one weight before "
                        "the screenshot, e.g. 1,0,1 (SOURCE b: the bias); the cost along it is drawn")
    parser.add_argument("--overlay", action="store_true", help="colour the network by the gradient "
                        "(the gradient overlay) in the screenshot")
    parser.add_argument("--size", metavar="WxH", default="1400x900",
                        help="screenshot size (the screen's available area it stands in for), "
                        f"{SMALLEST[0]}x{SMALLEST[1]} to {LARGEST[0]}x{LARGEST[1]} (default 1400x900)")
    parser.add_argument("--show", choices=["lab", "cost"], help="lab: open the neuron lab before the "
                        "screenshot, with the --select neuron explained (else the seed's neuron) and its "
                        "backward pass done, drawn where it floats; cost: with --phase, the lab shows the "
                        "step's whole cost as one graph")
    parser.add_argument("--phase", type=int, metavar="N", help="start Step slowly before the screenshot and "
                        "move N phases on (0: the input; on XOR 5 is the first backward phase)")
    return parser.parse_args(argv)


def make_icon():
    """A small layered network, drawn rather than shipped."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

    from playground import theme

    icon = QIcon()
    for size in (16, 32, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor(theme.BACKGROUND))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(0, 0, size, size, size * 0.18, size * 0.18)
        layers = [[0.3, 0.7], [0.2, 0.5, 0.8], [0.5]]
        xs = [0.2, 0.5, 0.8]
        points = [[QPointF(x * size, y * size) for y in ys] for x, ys in zip(xs, layers, strict=True)]
        for k in range(len(points) - 1):
            for i, a in enumerate(points[k]):
                for j, b in enumerate(points[k + 1]):
                    colour = theme.POSITIVE if (i + j) % 2 == 0 else theme.NEGATIVE
                    p.setPen(QPen(QColor(colour), max(1.0, size / 40)))
                    p.drawLine(a, b)
        p.setPen(QPen(QColor(theme.TEXT), max(1.0, size / 64)))
        for k, column in enumerate(points):
            for i, centre in enumerate(column):
                shade = [0.9, 0.35, 0.65, 0.2, 1.0, 0.8][(k * 3 + i) % 6]
                grey = int(40 + 215 * shade)
                p.setBrush(QColor(grey, grey, grey))
                p.drawEllipse(centre, size * 0.09, size * 0.09)
        p.end()
        icon.addPixmap(pixmap)
    return icon


def style_application(app) -> None:
    """A dark Fusion palette built from the theme's colours."""
    import pyqtgraph as pg
    from PySide6.QtGui import QColor, QPalette

    from playground import theme

    app.setStyle("Fusion")
    palette = QPalette()
    roles = QPalette.ColorRole
    base, panel, text, dim = (QColor(c) for c in (theme.BACKGROUND, theme.PANEL, theme.TEXT, theme.TEXT_DIM))
    palette.setColor(roles.Window, panel)
    palette.setColor(roles.WindowText, text)
    palette.setColor(roles.Base, base)
    palette.setColor(roles.AlternateBase, panel)
    palette.setColor(roles.ToolTipBase, QColor("#2f3139"))
    palette.setColor(roles.ToolTipText, text)
    palette.setColor(roles.Text, text)
    palette.setColor(roles.Button, panel)
    palette.setColor(roles.ButtonText, text)
    palette.setColor(roles.BrightText, QColor(theme.HIGHLIGHT))
    palette.setColor(roles.Highlight, QColor(theme.NEGATIVE))
    palette.setColor(roles.HighlightedText, QColor("#ffffff"))
    palette.setColor(roles.PlaceholderText, dim)
    palette.setColor(roles.Link, QColor(theme.POSITIVE))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, dim.darker(130))
    app.setPalette(palette)
    # no global antialiasing: an antialiased 2,000-point curve costs tens of ms per frame in software
    pg.setConfigOptions(background=theme.BACKGROUND, foreground=theme.TEXT_DIM)


def make_application(argv0: str = "nn-playground"):
    from PySide6.QtWidgets import QApplication

    from playground.help_text import APPLICATION
    from playground.qt_refcount_fix import apply_guard

    apply_guard()  # before the views make their thousands of Qt calls (see qt_refcount_fix)
    app = QApplication.instance() or QApplication([argv0])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    style_application(app)
    app.setWindowIcon(make_icon())
    return app


def screenshot(path: str, preset: str, steps: int, size: tuple[int, int],
               select: tuple[int, int] | None, show: str | None = None,
               select_weight: tuple[int, int, int | None] | None = None, overlay: bool = False,
               phase: int | None = None) -> int:
    from PySide6.QtCore import QEventLoop, QRect, QTimer
    from PySide6.QtGui import QColor, QPainter

    from playground import theme
    from playground.main_window import MainWindow
    from playground.screen_fit import frame_margins, set_available_size
    from playground.session import Session

    app = make_application()
    set_available_size(size)  # the window fits (and lays itself out for) a screen of this size
    session = Session(preset=preset)
    window = MainWindow(session=session, remember=False)
    window.resize(*size)
    window.show()
    # the picture is `size` itself: the stand-in screen has room for the frame the platform adds too
    margins = frame_margins(window)
    set_available_size((size[0] + margins.width(), size[1] + margins.height()))
    window.resize(*size)
    for _ in range(max(0, steps)):
        session.step()
    if phase is not None:
        session.start_walkthrough()
        for _ in range(max(0, phase)):
            if session.walkthrough is not None and not session.walkthrough.at_end:
                session.next_phase()
    if select is not None:
        window.select_neuron(*select)
    if select_weight is not None:
        window.select_weight(*select_weight)
    if overlay:
        session.set_color_source("gradients")  # as the G key does (its action follows the Session)
    if show == "lab":
        if select is not None and select[0] >= 1:
            window.explain_neuron(*select)
        else:
            window.show_lab()
        window.lab.backward(animated=False)  # every box with its data and its grad
    if show == "cost":
        window.show_whole_cost()
    # let the layout settle and every view paint (pyqtgraph ranges itself on the first paints)
    for _ in range(5):
        loop = QEventLoop()
        QTimer.singleShot(60, loop.quit)
        loop.exec()
    image = window.grab()
    lab = window.labDock
    if show in ("lab", "cost") and lab.isFloating():
        # offscreen, the floating lab is a window of its own: draw it where it floats over the main window
        painter = QPainter(image)
        offset = lab.frameGeometry().topLeft() - window.frameGeometry().topLeft()
        painter.drawPixmap(offset, lab.grab())
        painter.setPen(QColor(theme.TEXT_DIM))  # a window's edge, as a window manager would draw one
        painter.drawRect(QRect(offset, lab.size()).adjusted(-1, -1, 0, 0))
        painter.end()
    ok = image.save(path)
    window.close()
    app.processEvents()
    set_available_size(None)
    if not ok:
        print(f"Could not write {path}", file=sys.stderr)
        return 1
    print(f"Saved {path} ({image.width()}x{image.height()}, preset “{preset}”, {session.steps} steps)")
    return 0


def main(argv: list[str] | None = None) -> int:
    from playground.presets import DEFAULT_PRESET

    args = parse_args(sys.argv[1:] if argv is None else list(argv))
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"--size wants WIDTHxHEIGHT, e.g. 1400x900, not {args.size!r}", file=sys.stderr)
        return 2
    if width > LARGEST[0] or height > LARGEST[1]:
        print(f"--size {width}x{height} is larger than the largest screen supported, "
              f"{LARGEST[0]}x{LARGEST[1]}", file=sys.stderr)
        return 2
    select = None
    if args.select:
        try:
            layer, index = (int(v) for v in args.select.split(","))
            select = (layer, index)
        except ValueError:
            print(f"--select wants LAYER,INDEX, e.g. 1,0, not {args.select!r}", file=sys.stderr)
            return 2
    select_weight = None
    if args.select_weight:
        try:
            layer, neuron, source = args.select_weight.split(",")
            select_weight = (int(layer), int(neuron), None if source.strip().lower() == "b" else int(source))
        except ValueError:
            print(f"--select-weight wants LAYER,NEURON,SOURCE (SOURCE b: the bias), e.g. 1,0,1, not "
                  f"{args.select_weight!r}", file=sys.stderr)
            return 2
    if args.screenshot:
        if not has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return screenshot(args.screenshot, args.preset or DEFAULT_PRESET, args.steps,
                          (max(width, SMALLEST[0]), max(height, SMALLEST[1])), select, args.show,
                          select_weight, args.overlay, args.phase)
    if not has_display():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 2

    from playground.main_window import MainWindow

    app = make_application(sys.argv[0] if sys.argv else "nn-playground")
    window = MainWindow(preset=args.preset)
    window.show()
    close_on_ctrl_c(window)
    return app.exec()


def close_on_ctrl_c(window) -> None:
    """Ctrl-C in the terminal closes the window as its close button does (training stops, the layout
    is saved). Python runs signal handlers only between bytecodes, and Qt's event loop is C++: a timer
    that wakes the interpreter every 200 ms lets the handler run while the window is idle."""
    import signal

    from PySide6.QtCore import QTimer

    def interrupted(*_):
        print("Interrupted: closing the window.", file=sys.stderr)
        window.close()

    signal.signal(signal.SIGINT, interrupted)
    waker = QTimer(window)
    waker.timeout.connect(lambda: None)
    waker.start(200)
