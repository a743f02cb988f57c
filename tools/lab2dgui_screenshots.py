"""The README's 2-D lab screenshots: neuron maps during training, a hand-clicked set, a regression.

    QT_QPA_PLATFORM=offscreen python tools/lab2dgui_screenshots.py docs/screenshots
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, QTimer


def settle(app, ms: int = 300) -> None:
    for _ in range(5):
        loop = QEventLoop()
        QTimer.singleShot(ms // 5, loop.quit)
        loop.exec()


def window(preset: str):
    from playground.main_window import MainWindow
    from playground.session import Session

    session = Session(preset=preset)
    w = MainWindow(session=session, remember=False)
    w.resize(1400, 900)
    w.show()
    return w, session


def main(folder: str) -> int:
    from playground.app import make_application

    app = make_application()
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)

    # 1. neuron maps during training: the spiral, after a Run, hovering a hidden neuron of layer 2
    w, s = window("Spiral")
    s.set_features(["x1", "x2", "sin x1", "sin x2"])
    s.run()
    loop = QEventLoop()
    QTimer.singleShot(6000, loop.quit)
    loop.exec()
    s.hover_neuron(2, 3)
    settle(app)
    w.grab().save(str(out / "lab2dgui-neuron-maps.png"))
    s.pause()
    w.close()

    # 2. a data set clicked in by hand: a smile of three classes
    w, s = window("Circle")
    s.set_dataset("spiral3")
    s.clear_data()
    rng = np.random.default_rng(0)
    for t in np.linspace(0.2 * np.pi, 0.8 * np.pi, 25):  # the mouth
        s.set_point_class(0)
        s.add_point(0.7 * np.cos(t) + rng.normal(0, 0.03), -0.7 * np.sin(t) + 0.2, s.point_label())
    for cx, k in ((-0.4, 1), (0.4, 2)):  # the eyes
        s.set_point_class(k)
        for _ in range(12):
            s.add_point(cx + rng.normal(0, 0.08), 0.45 + rng.normal(0, 0.08), s.point_label())
    s.set_hidden([8, 8])
    for _ in range(600):
        s.step()
    settle(app)
    w.grab().save(str(out / "lab2dgui-hand-made.png"))
    w.close()

    # 3. a regression: the Gaussian bumps, a linear output and MSE, the prediction as a diverging heatmap
    w, s = window("Circle")
    s.set_dataset("reg-gauss")
    s.set_hidden([8, 8])
    s.set_learning_rate(0.03)
    for _ in range(3000):
        s.step()
    settle(app)
    w.grab().save(str(out / "lab2dgui-regression.png"))
    w.close()
    print(f"Saved three screenshots to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
