"""Network: shapes, a hand-worked forward pass, initialisation, dtypes, state, and clear errors."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from engine.network import Network


def test_shapes_follow_the_sizes():
    net = Network([784, 16, 16, 10])
    assert [w.shape for w in net.weights] == [(16, 784), (16, 16), (10, 16)]
    assert [b.shape for b in net.biases] == [(16,), (16,), (10,)]
    assert all(w.dtype == np.float32 for w in net.weights + net.biases)
    assert net.output == "sigmoid" and net.n_parameters == 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10


def test_forward_by_hand():
    # one hidden relu neuron and one linear output: easy to follow on paper
    net = Network([2, 1, 1], activation="relu", output="linear", dtype=np.float64)
    net.weights[0][...] = [[2.0, -1.0]]
    net.biases[0][...] = [0.5]
    net.weights[1][...] = [[3.0]]
    net.biases[1][...] = [-1.0]
    # z1 = 2·1 − 1·2 + 0.5 = 0.5 → a1 = 0.5 → out = 3·0.5 − 1 = 0.5;  second sample: z1 < 0 → −1
    np.testing.assert_allclose(net.forward(np.array([[1.0, 2.0], [0.0, 1.0]])), [[0.5], [-1.0]])
    zs, acts = net.trace(np.array([1.0, 2.0]))
    np.testing.assert_allclose(zs[0], [0.5])
    assert len(acts) == 3 and acts[0].shape == (2,) and acts[-1].shape == (1,)


def test_sigmoid_neuron_by_hand():
    net = Network([2, 1], activation="sigmoid", dtype=np.float64)
    net.weights[0][...] = [[1.0, 1.0]]
    net.biases[0][...] = [-np.log(3)]
    # σ(1 + 1 − log 3) = σ(2 − log 3) = 1 / (1 + 3e^−2)
    assert net.forward(np.array([1.0, 1.0]))[0] == pytest.approx(1 / (1 + 3 * np.exp(-2)))


def test_a_batch_equals_sample_by_sample():
    net = Network([5, 7, 3], activation="tanh", output="softmax", seed=4)
    X = np.random.default_rng(0).normal(size=(9, 5)).astype(np.float32)
    batch = net.forward(X)
    one_by_one = np.stack([net.forward(x) for x in X])
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-6)
    np.testing.assert_allclose(batch.sum(axis=1), 1.0, rtol=1e-6)
    acts = net.activations(X)
    assert [a.shape for a in acts] == [(9, 5), (9, 7), (9, 3)]


def test_predict():
    net = Network([2, 3], activation="sigmoid", output="softmax", dtype=np.float64)
    net.weights[0][...] = [[1, 0], [0, 1], [-1, -1]]
    assert list(net.predict(np.array([[3.0, 0.0], [0.0, 3.0], [-2.0, -2.0]]))) == [0, 1, 2]
    assert net.predict(np.array([0.0, 3.0])) == 1
    one = Network([1, 1], dtype=np.float64)
    one.weights[0][...] = [[1.0]]
    assert list(one.predict(np.array([[-1.0], [1.0]]))) == [0, 1]


@pytest.mark.parametrize(
    ("activation", "expected_std"),
    [("relu", np.sqrt(2 / 400)), ("tanh", np.sqrt(2 / 600)), ("sigmoid", np.sqrt(2 / 600))],
)
def test_initialisation_suits_the_activation(activation, expected_std):
    net = Network([400, 200, 10], activation=activation, output="softmax", seed=1)
    assert np.std(net.weights[0]) == pytest.approx(expected_std, rel=0.03)
    assert abs(np.mean(net.weights[0])) < 0.1 * expected_std
    assert not np.any(net.biases[0])


def test_seed_reproduces_and_reset_is_in_place():
    a, b, c = Network([4, 6, 2], seed=7), Network([4, 6, 2], seed=7), Network([4, 6, 2], seed=8)
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights, strict=True))
    assert not np.array_equal(a.weights[0], c.weights[0])
    w0 = a.weights[0]
    original = w0.copy()
    w0[0, 0] = 99.0
    a.biases[1][0] = 5.0
    a.reset()
    assert a.weights[0] is w0  # a slider holding the array stays connected
    np.testing.assert_array_equal(w0, original)
    assert a.biases[1][0] == 0
    a.reset(seed=8)
    np.testing.assert_array_equal(a.weights[0], c.weights[0])
    assert a.seed == 8


def test_float32_and_float64_start_from_the_same_numbers_and_compute_in_their_dtype():
    n32 = Network([3, 4, 2], seed=2)
    n64 = Network([3, 4, 2], seed=2, dtype=np.float64)
    np.testing.assert_array_equal(n32.weights[0], n64.weights[0].astype(np.float32))
    X = np.ones((2, 3))  # float64 input to a float32 net: computed in float32
    assert n32.forward(X).dtype == np.float32
    assert n64.forward(X.astype(np.float32)).dtype == np.float64
    _, dW, db = n64.gradients(X, np.zeros((2, 2)))
    assert dW[0].dtype == np.float64


def test_step_lowers_the_cost_and_edits_the_arrays_in_place():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    Y = (X[:, :1] > 0).astype(float)
    net = Network([3, 5, 1], activation="tanh", output="sigmoid", seed=0)
    w = net.weights[0]
    before = net.cost(X, Y, "cross_entropy")
    returned = net.step(X, Y, lr=0.5, cost="cross_entropy")
    assert returned == pytest.approx(before)
    assert net.weights[0] is w
    assert net.cost(X, Y, "cross_entropy") < before


def test_copy_is_independent():
    net = Network([2, 3, 1], activation="relu", output="sigmoid", seed=3)
    twin = net.copy()
    twin.weights[0][0, 0] += 1
    assert twin.weights[0][0, 0] != net.weights[0][0, 0]
    assert (twin.sizes, twin.activation, twin.output, twin.seed) == (net.sizes, "relu", "sigmoid", 3)


def test_layer_activation():
    net = Network([2, 3, 3, 1], activation="relu", output="linear")
    assert [net.layer_activation(l) for l in (1, 2, 3)] == ["relu", "relu", "linear"]
    with pytest.raises(ValueError, match="layer 0"):
        net.layer_activation(0)
    with pytest.raises(ValueError):
        net.layer_activation(4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_state_round_trips_exactly_through_json(dtype):
    net = Network([3, 4, 2], activation="tanh", output="softmax", seed=5, dtype=dtype)
    net.biases[0][...] = np.float32(0.1)  # a value float32 cannot hold exactly in decimal
    state = json.loads(json.dumps(net.to_state()))
    twin = Network.from_state(state)
    assert (twin.sizes, twin.activation, twin.output, twin.seed, twin.dtype) == (
        net.sizes,
        net.activation,
        net.output,
        net.seed,
        net.dtype,
    )
    for a, b in zip(twin.weights + twin.biases, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(a, b)


def test_bad_state_is_refused():
    state = Network([3, 4, 2]).to_state()
    state["weights"][1] = [[1.0, 2.0]]
    with pytest.raises(ValueError, match=r"state\['weights'\]\[1\] has shape \(1, 2\)"):
        Network.from_state(state)
    with pytest.raises(ValueError, match="needs 'sizes'"):
        Network.from_state({"activation": "relu"})


@pytest.mark.parametrize(
    ("sizes", "kwargs", "message"),
    [
        ([784], {}, "at least an input and an output"),
        ([784, 0, 10], {}, "whole number >= 1"),
        ([784, 2.5, 10], {}, "whole number >= 1"),
        (None, {}, "list of layer sizes"),
        ([2, 2], {"activation": "swish"}, "unknown hidden activation 'swish'"),
        ([2, 2], {"activation": "softmax"}, "unknown hidden activation 'softmax'"),
        ([2, 2], {"output": "gelu"}, "unknown output activation 'gelu'"),
        ([2, 2], {"dtype": np.int32}, "float32 or float64"),
    ],
)
def test_bad_construction_is_refused(sizes, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(sizes, **kwargs)


def test_shape_mismatches_are_refused():
    net = Network([4, 3, 2])
    with pytest.raises(ValueError, match="takes 4 inputs"):
        net.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="takes 4 inputs"):
        net.forward(np.zeros(7))
    with pytest.raises(ValueError, match=r"targets must have shape \(5, 2\)"):
        net.gradients(np.zeros((5, 4)), np.zeros((5, 3)))


def test_huge_inputs_give_finite_outputs_without_warnings():
    net = Network([3, 8, 8, 4], activation="sigmoid", output="softmax", seed=0)
    X = np.array([[1e4, -1e4, 3e4], [-5e4, 2e4, 0]], dtype=np.float32)
    Y = np.eye(4, dtype=np.float32)[[1, 3]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = net.forward(X)
        cost, dW, db = net.gradients(X, Y, "cross_entropy")
        cost_mse = net.cost(X, Y, "mse")
    assert np.isfinite(out).all() and np.isfinite(cost) and np.isfinite(cost_mse)
    assert all(np.isfinite(g).all() for g in dW + db)


# --- backward_steps, backprop, forward_from -------------------------------------------------------


def _chain(activation: str = "linear", output: str = "linear") -> Network:
    """1-1-1 with w1 = 2, b1 = 1, w2 = 3, b2 = −1: small enough to work out by hand."""
    net = Network([1, 1, 1], activation=activation, output=output, dtype=np.float64)
    net.weights[0][...] = 2.0
    net.biases[0][...] = 1.0
    net.weights[1][...] = 3.0
    net.biases[1][...] = -1.0
    return net


def test_backward_steps_match_a_hand_worked_linear_chain():
    # x = 1, y = 0: z1 = 2·1 + 1 = 3, a1 = 3, z2 = 3·3 − 1 = 8, C = (8 − 0)² = 64
    # δ2 = dC/da2 = 2·8 = 16, dW2 = δ2·a1 = 48, db2 = 16; δ1 = δ2·w2 = 48, dW1 = δ1·x = 48, db1 = 48
    net = _chain()
    steps = list(net.backward_steps([[1.0]], [[0.0]], "mse"))
    assert [s.layer for s in steps] == [2, 1]
    assert [(s.delta.item(), s.dW.item(), s.db.item()) for s in steps] == [(16, 48, 16), (48, 48, 48)]
    assert steps[0].dW.shape == net.weights[1].shape and steps[1].db.shape == net.biases[0].shape
    bp = net.backprop([[1.0]], [[0.0]], "mse")
    assert bp.cost == 64.0 and bp.output_error.item() == 8.0
    assert [z.item() for z in bp.zs] == [3.0, 8.0]
    assert [a.item() for a in bp.activations] == [1.0, 3.0, 8.0]
    assert [g.item() for g in bp.dW] == [48.0, 48.0] and [g.item() for g in bp.db] == [48.0, 16.0]


def test_backward_steps_of_a_sigmoid_neuron_with_cross_entropy_start_from_a_minus_y():
    # x = (2, 1), w = (1, −1), b = 0: z = 1, a = σ(1) = 0.7310585786, y = 1: δ = a − y = −0.2689414214
    net = Network([2, 1], output="sigmoid", dtype=np.float64)
    net.weights[0][...] = [[1.0, -1.0]]
    (step,) = net.backward_steps([[2.0, 1.0]], [[1.0]], "cross_entropy")
    assert step.delta.item() == pytest.approx(-0.2689414214, abs=1e-10)
    assert step.dW.ravel() == pytest.approx([-0.5378828427, -0.2689414214], abs=1e-10)
    assert step.db.item() == pytest.approx(-0.2689414214, abs=1e-10)
    bp = net.backprop([[2.0, 1.0]], [[1.0]], "cross_entropy")
    assert bp.cost == pytest.approx(np.log1p(np.e) - 1.0, abs=1e-12)  # −log σ(1)
    assert bp.output_error.item() == pytest.approx(-0.2689414214, abs=1e-10)


def test_each_samples_delta_is_its_own_gradient_over_the_batch_size():
    # δ(l)[k] = dC/dz(l) for sample k = (1/n)·(the gradient of sample k alone w.r.t. the biases of l)
    rng = np.random.default_rng(3)
    net = Network([3, 4, 5, 2], activation="tanh", output="softmax", seed=1, dtype=np.float64)
    X = rng.normal(size=(4, 3))
    Y = np.eye(2)[[0, 1, 1, 0]]
    steps = list(net.backward_steps(X, Y, "cross_entropy"))
    for k in range(4):
        _, _, db_k = net.gradients(X[k : k + 1], Y[k : k + 1], "cross_entropy")
        for s in steps:
            np.testing.assert_allclose(s.delta[k], db_k[s.layer - 1] / 4, rtol=1e-12, atol=1e-15)
    _, dW, db = net.gradients(X, Y, "cross_entropy")
    acts = net.activations(X)
    for s in steps:
        np.testing.assert_array_equal(s.dW, dW[s.layer - 1])
        np.testing.assert_array_equal(s.db, db[s.layer - 1])
        np.testing.assert_allclose(s.dW, s.delta.T @ acts[s.layer - 1], rtol=1e-12)


@pytest.mark.parametrize(
    ("sizes", "activation", "output", "cost"),
    [
        ([4, 5, 3], "relu", "softmax", "cross_entropy"),
        ([4, 5, 6, 3], "tanh", "sigmoid", "cross_entropy"),
        ([4, 5, 3], "sigmoid", "softmax", "mse"),
        ([4, 6, 2], "relu", "linear", "mse"),
    ],
)
def test_update_after_backprop_is_one_step(sizes, activation, output, cost):
    # step starts the backward pass from lr·δ(L) (so its update is one pass), update multiplies lr·dW at
    # the end: the same step, up to float32 rounding (a few units in the last place of each weight)
    rng = np.random.default_rng(0)
    X, Y = rng.random((8, 4)), np.eye(sizes[-1])[rng.integers(0, sizes[-1], 8)]
    walked = Network(sizes, activation, output, seed=2)
    stepped = Network(sizes, activation, output, seed=2)
    start = [p.copy() for p in stepped.weights + stepped.biases]
    arrays = walked.weights + walked.biases, stepped.weights + stepped.biases
    bp = walked.backprop(X, Y, cost)
    walked.update(bp.dW, bp.db, 0.3)
    before = stepped.step(X, Y, 0.3, cost)
    assert before == bp.cost
    for a, b, p0, g in zip(walked.weights + walked.biases, stepped.weights + stepped.biases, start,
                           bp.dW + bp.db, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(b - p0, -0.3 * g, rtol=1e-4, atol=1e-7)  # moved by −lr·gradient
    for kept, net in zip(arrays, (walked, stepped), strict=True):  # in place: the same arrays
        assert all(a is b for a, b in zip(kept, net.weights + net.biases, strict=True))


def test_backward_steps_refuse_bad_input_at_once():
    net = Network([3, 2], output="linear")
    with pytest.raises(ValueError, match="softmax or sigmoid"):
        net.backward_steps(np.zeros((2, 3)), np.zeros((2, 2)), "cross_entropy")
    with pytest.raises(ValueError, match="targets must have shape"):
        net.backward_steps(np.zeros((2, 3)), np.zeros((3, 2)), "mse")


def test_forward_from_runs_only_the_layers_above():
    rng = np.random.default_rng(1)
    net = Network([5, 4, 3, 2], activation="sigmoid", output="softmax", seed=4, dtype=np.float64)
    X = rng.normal(size=(6, 5))
    out = net.forward(X)
    acts = net.activations(X)
    for layer in range(net.n_layers + 1):
        np.testing.assert_allclose(net.forward_from(layer, acts[layer]), out, rtol=1e-13)
        np.testing.assert_allclose(net.forward_from(layer, acts[layer][2]), out[2], rtol=1e-13)
    # changing a layer below does not matter: only the layers above `layer` run
    net.weights[0][...] = 0.0
    np.testing.assert_allclose(net.forward_from(1, acts[1]), out, rtol=1e-13)
    assert np.array_equal(net.forward_from(net.n_layers, acts[-1]), acts[-1])
    with pytest.raises(ValueError, match="layer must be one of 0..3"):
        net.forward_from(4, acts[-1])
    with pytest.raises(ValueError, match="layer 2 has 3 neurons"):
        net.forward_from(2, acts[1])


# --- the reused arrays behind gradients and step --------------------------------------------------


def _digits_like(seed: int, n: int = 8):
    rng = np.random.default_rng(seed)
    return rng.random((n, 6)).astype(np.float32), np.eye(3, dtype=np.float32)[rng.integers(0, 3, n)]


def test_what_gradients_returns_is_never_written_over_by_a_later_call():
    net = Network([6, 5, 3], "sigmoid", "softmax", seed=1)
    (X1, Y1), (X2, Y2) = _digits_like(1), _digits_like(2)
    cost1, dW1, db1 = net.gradients(X1, Y1, "cross_entropy")
    kept = [g.copy() for g in dW1 + db1]
    net.gradients(X2, Y2, "cross_entropy")  # same batch size: the same reused arrays inside
    net.step(X2, Y2, 0.1, "cross_entropy")
    for g, k in zip(dW1 + db1, kept, strict=True):
        np.testing.assert_array_equal(g, k)
    # and the reused arrays give what a network without any gives
    fresh = Network([6, 5, 3], "sigmoid", "softmax", seed=1)
    fresh.copy_parameters_from(net)
    bp = fresh.backprop(X1, Y1, "cross_entropy")
    cost, dW, db = net.gradients(X1, Y1, "cross_entropy")
    assert cost == bp.cost
    for a, b in zip(dW + db, bp.dW + bp.db, strict=True):
        np.testing.assert_array_equal(a, b)


def test_threads_do_not_share_arrays():
    import threading

    net = Network([6, 5, 3], "tanh", "softmax", seed=3)
    batches = [_digits_like(k) for k in range(4)]
    expected = [net.copy().gradients(X, Y, "cross_entropy") for X, Y in batches]
    wrong: list[str] = []

    def work(k: int) -> None:
        X, Y = batches[k]
        for _ in range(200):
            cost, dW, db = net.gradients(X, Y, "cross_entropy")
            if cost != expected[k][0] or not all(
                np.array_equal(a, b) for a, b in zip(dW + db, expected[k][1] + expected[k][2], strict=True)
            ):
                wrong.append(f"batch {k}")
                return

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
