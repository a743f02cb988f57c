"""The walkthrough's Qt-free model: its batch, its numbers and its update are those of an ordinary Step."""

import numpy as np
import pytest

from engine.network import Network
from playground.number_format import readable
from playground.presets import xor_truth_table
from playground.run_control import RunControl
from playground.state import Settings
from playground.walkthrough import Walkthrough, peek_batch


def make_run(optimizer: str, steps_before: int = 3, batch_size: int = 16):
    """A shown network and its RunControl, a few ordinary Steps in (so Adam has a memory)."""
    data = xor_truth_table()
    net = Network([2, 3, 3, 1], activation="tanh", output="sigmoid", seed=1)
    settings = Settings(cost="cross_entropy", optimizer=optimizer, learning_rate=0.05,
                        batch_size=batch_size, seed=4)
    run = RunControl()
    run.make_trainer(net, data, settings)
    for _ in range(steps_before):
        run.step(net)
    return net, run


def params(net):
    return [p.copy() for p in net.weights + net.biases]


def assert_same(a, b):
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_after_the_update_the_weights_equal_one_ordinary_step(optimizer):
    net, run = make_run(optimizer)
    twin, twin_run = make_run(optimizer)
    twin_run.step(twin)  # the ordinary Step from the same state
    walk = Walkthrough(net, run, "cross_entropy", optimizer, 0.05)
    while walk.next() == "moved":
        pass
    assert walk.phase.kind == "update" and walk.applied
    assert_same(params(net), params(twin))
    assert run.steps == twin_run.steps
    # and training goes on exactly as it would have: the next ordinary Steps agree too
    for _ in range(3):
        run.step(net)
        twin_run.step(twin)
    assert_same(params(net), params(twin))


def test_the_batch_is_the_next_ordinary_steps_and_peeking_moves_nothing():
    net, run = make_run("adam")
    twin, twin_run = make_run("adam")
    X, Y = peek_batch(run.trainer)
    X2, Y2 = peek_batch(run.trainer)
    np.testing.assert_array_equal(X, X2)
    Xt, Yt = twin_run.trainer.next_batch()
    np.testing.assert_array_equal(X, Xt)
    np.testing.assert_array_equal(Y, Yt)


def test_each_phase_shows_the_numbers_of_backward_steps():
    net, run = make_run("sgd")
    walk = Walkthrough(net, run, "cross_entropy", "sgd", 0.05)
    X, Y = walk.X, walk.Y
    zs, acts = net.trace(X)
    steps = {s.layer: s for s in net.backward_steps(X, Y, "cross_entropy")}
    L = net.n_layers
    kinds = [p.kind for p in walk.phases]
    assert kinds == ["forward"] * (L + 1) + ["error"] + ["backward"] * L + ["update"]
    for k in range(L + 1):  # forward: the layers up to k light up with the batch mean activation
        assert walk.phase.kind == "forward" and walk.phase.layer == k
        for layer in range(L + 1):
            shown = walk.neuron_values(layer)
            if layer <= k:
                np.testing.assert_allclose(shown, acts[layer].mean(axis=0), rtol=1e-6)
            else:
                assert shown is None
        walk.next()
    assert walk.phase.kind == "error"
    np.testing.assert_allclose(walk.neuron_values(L), (acts[L] - Y).mean(axis=0), rtol=1e-6)
    assert "a − y" in walk.phase.caption
    assert readable(net.cost(X, Y, "cross_entropy"), 4) in walk.phase.caption
    for layer in range(L, 0, -1):
        walk.next()
        assert walk.phase.kind == "backward" and walk.phase.layer == layer
        np.testing.assert_array_equal(walk.neuron_values(layer), steps[layer].db)
        np.testing.assert_array_equal(walk.edge_values(layer), steps[layer].dW)
        if layer > 1:
            assert walk.neuron_values(layer - 1) is None and walk.edge_values(layer - 1) is None
        rows = dict(walk.neuron_report(layer, 0))
        assert rows[f"δ = ∂C/∂z, summed over the {len(X)} samples = ∂C/∂b"] == pytest.approx(
            float(steps[layer].delta[:, 0].sum()), rel=1e-5)
        edge = dict(walk.edge_report(layer, 0, 0))
        assert edge["∂C/∂w = Σ δ·a over the batch"] == pytest.approx(float(steps[layer].dW[0, 0]))
    before = params(net)
    assert walk.next() == "applied"
    dW = [s.dW for s in sorted(steps.values(), key=lambda s: s.layer)]
    for layer in range(1, L + 1):  # plain SGD: the change is −lr·∂C/∂w
        np.testing.assert_allclose(walk.edge_values(layer), -0.05 * dW[layer - 1], rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose(walk.edge_values(layer), net.weights[layer - 1] - before[layer - 1])


def test_previous_changes_nothing_and_undoes_the_update_exactly():
    net, run = make_run("adam")
    start = params(net)
    trainer_state = (run.trainer._pos, run.trainer.steps, run.steps, len(run.history.train))
    walk = Walkthrough(net, run, "cross_entropy", "adam", 0.05)
    while walk.next() == "moved":
        assert_same(params(net), start)  # nothing changes before the update
    changed = params(net)
    assert any(not np.array_equal(a, b) for a, b in zip(changed, start, strict=True))
    assert len(run.history.train) == trainer_state[3] + 1
    while walk.previous():
        assert_same(params(net), start)
    assert (run.trainer._pos, run.trainer.steps, run.steps, len(run.history.train)) == trainer_state
    # forwards again: the same update, and an ordinary Step from the start state agrees
    while walk.next() == "moved":
        pass
    assert_same(params(net), changed)
    twin, twin_run = make_run("adam")
    twin_run.step(twin)
    assert_same(params(twin), changed)
    assert walk.next() == "end"


def test_captions_speak_the_seeds_words():
    net, run = make_run("sgd")
    captions = [p.caption for p in Walkthrough(net, run, "cross_entropy", "sgd", 0.05).phases]
    assert "a(1) = tanh(W·a(0) + b)" in captions[1]
    assert "a(3) = σ(W·a(2) + b)" in captions[3]
    assert captions[4].startswith("the cost says how wrong")
    assert "δ tells how much each neuron's weighted sum should change" in captions[5]
    assert "nudge every weight by −lr·∂C/∂w" in captions[-1]
    assert all("\n" not in c for c in captions)



def test_the_walkthroughs_numbers_are_written_by_the_one_formatter():
    # a gradient of −0.000031 is not "-0.0000": the app's formatter gives it a power of ten and a true minus
    from playground.walkthrough import format_report

    text = format_report([("∂C/∂w", -3.1e-5), ("δ", -0.0), ("w", 0.61234)])
    assert text == "∂C/∂w = −3.10×10⁻⁵<br>δ = 0.0000<br>w = 0.6123"
