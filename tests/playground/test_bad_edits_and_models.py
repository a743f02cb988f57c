"""Bad input the Session must refuse whole: edits of weights it does not have, and models whose output
does not fit the cost in use (issue 14: nothing half-applied)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import load, save
from engine.network import Network


def parameters(net):
    return [p.copy() for p in net.weights + net.biases]


def unchanged(before, net) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(before, net.weights + net.biases, strict=True))


@pytest.mark.parametrize("edit, words", [
    (("weight", 0, 0, 0, 1.0), "no weight in layer 0"),
    (("weight", -1, 0, 0, 1.0), "no weight in layer -1"),
    (("weight", 1, -1, 0, 1.0), "not -1"),
    (("weight", 1, 0, -1, 1.0), "not -1"),
    (("weight", 1, 0, 2, 1.0), "weights 0 to 1, not 2"),
    (("weight", 1, 0, 0, math.nan), "finite number"),
    (("weight", 2, 0, 1, math.inf), "finite number"),
    (("bias", 0, 0, 1.0), "no bias in layer 0"),
    (("bias", 3, 0, 1.0), "no bias in layer 3"),
    (("bias", 1, 5, 1.0), "neurons 0 to 1, not 5"),
    (("bias", 1, 0, -math.inf), "finite number"),
])
def test_an_edit_of_a_parameter_the_network_lacks_is_refused_and_changes_nothing(xor, edit, words):
    said = []
    xor.message.connect(said.append)
    before, trainer_before = parameters(xor.network), parameters(xor.trainer.network)
    setter = xor.set_weight if edit[0] == "weight" else xor.set_bias
    assert setter(*edit[1:]) is False
    assert said and words in said[-1]
    assert unchanged(before, xor.network) and unchanged(trainer_before, xor.trainer.network)


def test_a_good_edit_still_lands_in_both_networks(xor):
    assert xor.set_weight(2, 0, 1, 0.625) is True and xor.set_bias(1, 1, -0.5) is True
    for net in (xor.network, xor.trainer.network):
        assert net.weights[1][0, 1] == 0.625 and net.biases[0][1] == -0.5


def test_a_model_whose_output_does_not_fit_cross_entropy_opens_with_mse_and_says_so(qapp, tmp_path):
    from playground.session import Session

    session = Session(preset="3Blue1Brown digits")  # softmax / sigmoid output with cross-entropy
    assert session.cost_name == "cross_entropy"
    model = Network([784, 12, 10], activation="relu", output="tanh", seed=3)
    path = tmp_path / "tanh-output.npz"
    save(model, path)
    said = []
    session.message.connect(said.append)
    assert session.load_model(path)
    assert session.cost_name == "mse" and "MSE" in said[-1]
    # one consistent state: the shown network, the trainer's and what Save writes are the file's network
    assert session.network.output == session.trainer.network.output == "tanh"
    assert session.trainer.cost_name == "mse"
    cost = session.step()
    assert cost is not None and np.isfinite(cost)
    out = tmp_path / "again.npz"
    assert session.save_model(out)
    again = load(out)
    assert again.sizes == [784, 12, 10] and again.output == "tanh"
    assert all(np.array_equal(a, b) for a, b in zip(again.weights, session.network.weights, strict=True))
    session.shutdown()


def test_a_divergence_right_after_an_edit_keeps_the_edit(xor):
    # The Trainer restores the weights from before an explosion; an edit made since its last checkpoint
    # is the user's, so the restore must start from it (Trainer.weights_edited), not undo it.
    xor.set_optimizer("sgd")
    for _ in range(40):
        xor.step()
    assert xor.set_weight(1, 0, 1, 2.5)
    said = []
    xor.message.connect(said.append)
    xor.set_learning_rate(1e4)  # the same Trainer, a new rate
    xor.step()
    assert said and "exploded" in said[-1]
    assert xor.network.weights[0][0, 1] == 2.5
    assert xor.network.parameters_finite()
