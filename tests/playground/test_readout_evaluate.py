"""Session.evaluate computes cost and accuracy from one forward pass: the same figures the engine's
Network.cost and Network.predict give, for every kind of output (playground/readout.py)."""

import numpy as np
import pytest

from playground.session import Session


def _by_the_engine(session: Session, split: str) -> tuple[float, float]:
    X, Y, labels = session._split(split)
    net = session.network
    if session.dataset.task == "regression":
        accuracy = float(np.mean((net.forward(X)[:, 0] > 0) == labels))
    else:
        accuracy = float(np.mean(net.predict(X) == labels))
    return float(net.cost(X, Y, cost=session.cost_name)), accuracy


@pytest.mark.parametrize("preset", ["XOR", "Spiral", "3Blue1Brown digits", "Accurate digits"])
@pytest.mark.parametrize("split", ["train", "test"])
def test_evaluate_gives_the_engines_cost_and_accuracy(qapp, preset, split):
    session = Session(preset=preset)  # sigmoid and softmax outputs, MSE and cross-entropy costs
    assert session.evaluate(split) == _by_the_engine(session, split)


def test_evaluate_on_three_classes_and_on_a_regression(qapp):
    session = Session(preset="XOR")
    for data in ("spiral3", "reg-plane"):  # a softmax over three classes; a linear output's sign
        session.set_dataset(data)
        session.step()
        for split in ("train", "test"):
            cost, accuracy = session.evaluate(split)
            assert (cost, accuracy) == _by_the_engine(session, split)
            assert 0.0 <= accuracy <= 1.0
    session.shutdown()
