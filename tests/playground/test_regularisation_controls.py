"""L1 and L2 rates in the Training box; weights L1 has driven to zero are drawn dashed."""

from __future__ import annotations

import numpy as np

from engine.regularisation import L1
from playground.views.controls import Controls
from playground.views.network.network_view import NetworkView


def test_the_rates_reach_the_trainer(qtbot, xor):
    controls = Controls(xor)
    qtbot.addWidget(controls)
    controls.findChild(type(controls.regularisation.l2Rate), "l2Rate").setValue(0.002)
    assert xor.settings.l2 == 0.002 and xor.trainer.optimizer.l2 == 0.002
    assert not isinstance(xor.trainer.optimizer, L1)  # no L1: the plain optimiser
    controls.regularisation.l1Rate.setValue(0.01)
    assert isinstance(xor.trainer.optimizer, L1) and xor.trainer.optimizer.l1 == 0.01
    assert xor.trainer.optimizer.l2 == 0.002 and xor.trainer.optimizer.name == "adam"
    xor.set_l1(0.0)
    assert controls.regularisation.l1Rate.value() == 0.0 and not isinstance(xor.trainer.optimizer, L1)


def test_weights_at_exactly_zero_are_drawn_dashed(qtbot, qapp):
    from playground.session import Session

    s = Session(preset="Circle")
    try:
        view = NetworkView(s)
        qtbot.addWidget(view)
        view.resize(700, 500)
        assert view.zero_weights.count == 0
        s.set_weight(1, 2, 0, 0.0)  # a zero set by hand is drawn so too
        assert view.zero_weights.count == 1
        s.set_optimizer("sgd")
        s.set_learning_rate(0.3)
        s.set_l1(0.02)
        for _ in range(300):
            s.step()
        zeros = sum(int(np.sum(W == 0)) for W in s.network.weights)
        assert zeros >= 3
        assert view.zero_weights.count == zeros
        assert view.zero_weights.pen().style().name == "DashLine"
    finally:
        s.shutdown()
