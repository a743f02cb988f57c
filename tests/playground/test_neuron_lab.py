"""The Neuron lab (pytest-qt, offscreen): numbers read from the drawn boxes, backward step by step,
the link to a real Network neuron, exports and pixels."""

from __future__ import annotations

import io
import math

import networkx as nx
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDoubleSpinBox, QSlider

from engine import graph
from engine.network import Network
from engine.value import Value, topological_order
from playground import theme
from playground.views.lab.expressions import SEED_VALUES, seed_neuron
from playground.views.lab.neuron_lab import NeuronLab

SEED_GRADS = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}


@pytest.fixture
def lab(qtbot):
    widget = NeuronLab()
    qtbot.addWidget(widget)
    widget.step_interval_ms = 1
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(lab: NeuronLab) -> dict[str, tuple[float, float]]:
    """(data, grad) of every labelled box, parsed from the text the boxes display."""
    out = {}
    for label, (_, data_text, grad_text) in lab.graphView.boxes_by_label().items():
        assert data_text.startswith("data ") and grad_text.startswith("grad ")
        out[label] = (float(data_text[5:]), float(grad_text[5:]))
    return out


def click_backward(qtbot, lab: NeuronLab) -> None:
    with qtbot.waitSignal(lab.backwardFinished, timeout=10_000):
        qtbot.mouseClick(lab.backwardButton, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("through_exp", [False, True], ids=["tanh", "exp"])
def test_seed_neuron_boxes_show_data_then_grads_after_backward(qtbot, lab, through_exp):
    lab.expCheck.setChecked(through_exp)
    boxes = shown(lab)
    assert boxes["x1"][0] == 2.0 and boxes["w1"][0] == -3.0 and boxes["x2"][0] == 0.0
    assert boxes["w2"][0] == 1.0 and boxes["b"][0] == 6.8814
    assert boxes["n"][0] == 0.8814 and boxes["o"][0] == 0.7071
    assert all(grad == 0.0 for _, grad in boxes.values())  # nothing before backward
    assert ("e" in boxes) == through_exp
    assert ("**-1" in lab.graphView.to_op_texts()) == through_exp

    click_backward(qtbot, lab)
    boxes = shown(lab)
    for name, grad in SEED_GRADS.items():
        assert boxes[name][1] == pytest.approx(grad, abs=1e-4), name
    assert boxes["o"][1] == 1.0 and boxes["n"][1] == 0.5
    assert lab.output == pytest.approx(math.sqrt(0.5))


def test_moving_the_w1_slider_changes_o_and_every_grad_as_value_computes_them(qtbot, lab):
    click_backward(qtbot, lab)
    before = shown(lab)
    lab.sliders["w1"].setValue(-150)  # w1 = -1.5, as a drag would leave it
    assert lab.spins["w1"].value() == -1.5
    after = shown(lab)
    reference = seed_neuron({**SEED_VALUES, "w1": -1.5})
    reference.root.backward()
    assert after["o"][0] == pytest.approx(reference.root.data, abs=1e-4)
    assert after["o"][0] != before["o"][0]
    for label, v in reference.named.items():
        assert after[label] == (pytest.approx(v.data, abs=1e-4), pytest.approx(v.grad, abs=1e-4)), label
    assert after["x1"][1] != before["x1"][1]  # grads followed the slider, not just the data


def test_step_lights_nodes_in_reverse_topological_order_with_the_chain_rule(qtbot, lab):
    order = list(reversed(topological_order(lab.root)))
    lit = []
    for _ in order:
        qtbot.mouseClick(lab.stepButton, Qt.MouseButton.LeftButton)
        lit.append(lab.graphView.lit_value())
    assert [id(v) for v in lit] == [id(v) for v in order]
    # after the 2nd step the caption shows tanh's local derivative times o's grad
    lab.zero_grad()
    qtbot.mouseClick(lab.stepButton, Qt.MouseButton.LeftButton)
    assert shown(lab)["o"][1] == 1.0 and shown(lab)["n"][1] == 0.0
    qtbot.mouseClick(lab.stepButton, Qt.MouseButton.LeftButton)
    assert lab.caption.text() == "∂o/∂n = (1 − tanh²) × ∂o/∂o = 0.5000 × 1.0000 = 0.5000"
    assert shown(lab)["n"][1] == 0.5 and shown(lab)["x1"][1] == 0.0  # x1's turn has not come
    assert lab.graphView.callout_text() == "0.5000 × 1.0000 = 0.5000"


def test_zero_grad_and_shortcuts(qtbot, lab):
    lab.graphView.setFocus()
    with qtbot.waitSignal(lab.backwardFinished, timeout=10_000):
        qtbot.keyClick(lab.graphView, Qt.Key.Key_B)
    assert shown(lab)["x1"][1] == -1.5
    qtbot.keyClick(lab.graphView, Qt.Key.Key_Z)
    assert all(grad == 0.0 for _, grad in shown(lab).values())
    lab.sliders["x1"].setValue(100)
    qtbot.keyClick(lab.graphView, Qt.Key.Key_F)
    assert shown(lab)["x1"][0] == 1.0


def test_activation_choice(qtbot, lab):
    for index, name in enumerate(["tanh", "sigmoid", "relu"]):
        lab.activationCombo.setCurrentIndex(index)
        click_backward(qtbot, lab)
        reference = seed_neuron(activation=name)
        reference.root.backward()
        assert shown(lab)["o"][0] == pytest.approx(reference.root.data, abs=1e-4)
        assert shown(lab)["w1"][1] == pytest.approx(reference.named["w1"].grad, abs=1e-4)
    lab.activationCombo.setCurrentIndex(1)
    lab.expCheck.setChecked(True)  # sigmoid through exp: 1 / (1 + exp(-n))
    click_backward(qtbot, lab)
    assert shown(lab)["o"][0] == pytest.approx(1 / (1 + math.exp(-0.8813735870195432)), abs=1e-4)
    assert "exp" in lab.graphView.to_op_texts()


def test_accumulation_preset_and_the_assignment_bug(qtbot, lab):
    lab.show_preset("accumulation")
    assert lab.bugCheck.isVisible() and not lab.sliderPanel.isVisible()
    assert "uses a twice" in lab.note.text()
    click_backward(qtbot, lab)
    assert shown(lab)["a"] == (3.0, 2.0)
    lab.bugCheck.setChecked(True)
    click_backward(qtbot, lab)
    assert shown(lab)["a"] == (3.0, 1.0)
    assert "Wrong" in lab.caption.text()
    assert len(lab.graphView.edge_items[("v0", "v1_op")]) == 2  # both uses are drawn


def explain(lab: NeuronLab, net: Network, x: np.ndarray, layer: int, index: int):
    acts = net.activations(x)
    lab.explain_neuron(net.weights[layer - 1][index].astype(float), float(net.biases[layer - 1][index]),
                       acts[layer - 1].astype(float), net.layer_activation(layer),
                       title=f"neuron {index} of layer {layer}")
    return acts


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_explained_neuron_matches_the_network(qtbot, lab, activation):
    net = Network([5, 4, 4, 2], activation=activation, output="sigmoid", seed=1)
    x = np.random.default_rng(2).normal(size=5).astype(np.float32)
    layer = 2  # a hidden layer: its inputs are the activations of layer 1
    index = int(np.argmax(net.trace(x)[0][layer - 1]))  # the most active neuron: ReLU's slope is 1 there
    acts = explain(lab, net, x, layer, index)
    assert not lab.sliderPanel.isVisible()
    assert lab.output == pytest.approx(float(acts[layer][index]), abs=1e-6)
    assert shown(lab)["a"][0] == pytest.approx(acts[layer][index], abs=1e-4)

    click_backward(qtbot, lab)
    zs, _ = net.trace(x)
    z = float(zs[layer - 1][index])
    s = 1 / (1 + math.exp(-z))
    slope = {"sigmoid": s * (1 - s), "tanh": 1 - math.tanh(z) ** 2, "relu": float(z > 0)}[activation]
    x_in = acts[layer - 1]
    for w, k in zip(lab.expression.weights, lab.expression.shown_inputs, strict=True):
        assert w.grad == pytest.approx(slope * x_in[k], abs=1e-6)  # ∂a/∂w = f'(z)·x
        assert shown(lab)[w.label][1] == pytest.approx(slope * x_in[k], abs=1e-4)
    assert max(abs(w.grad) for w in lab.expression.weights) > 1e-3


def test_explained_784_input_neuron_folds_the_rest_and_says_so(qtbot, lab):
    net = Network([784, 16, 10], activation="sigmoid", seed=0)
    rng = np.random.default_rng(0)
    x = (rng.random(784) > 0.7) * rng.random(784)
    acts = explain(lab, net, x.astype(np.float32), 1, 3)
    assert lab.output == pytest.approx(float(acts[1][3]), abs=1e-6)
    assert lab.expression.folded == 776 and len(lab.expression.weights) == 8
    assert lab.note.isVisible() and "776" in lab.note.text() and "rest" in lab.note.text()
    contributions = np.abs(net.weights[0][3] * x.astype(np.float32))
    assert set(lab.expression.shown_inputs) == set(np.argsort(-contributions)[:8].tolist())
    assert len(lab.graphView.value_items) + len(lab.graphView.op_items) <= 60

    click_backward(qtbot, lab)
    a = float(acts[1][3])
    for w, k in zip(lab.expression.weights, lab.expression.shown_inputs, strict=True):
        assert w.grad == pytest.approx(a * (1 - a) * x[k], abs=1e-6)
    assert lab.graphView.no_overlaps()


def test_explain_neuron_refuses_bad_input_and_keeps_what_is_shown(lab):
    before = shown(lab)
    with pytest.raises(ValueError, match="one weight per input"):
        lab.explain_neuron([1.0, 2.0], 0.0, [1.0], "sigmoid")
    assert shown(lab) == before and lab.preset == "seed"


def test_softmax_output_neuron_shows_its_weighted_sum_and_says_so(lab):
    net = Network([3, 2], activation="sigmoid", output="softmax", seed=0)
    x = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    explain(lab, net, x, 1, 0)
    zs, _ = net.trace(x)
    assert lab.output == pytest.approx(float(zs[0][0]), abs=1e-6)
    assert "softmax" in lab.note.text()


def parse_dot(text: str) -> nx.MultiDiGraph:
    pytest.importorskip("pydot", reason="networkx's read_dot needs pydot (in the test extra)")
    g = nx.nx_pydot.read_dot(io.StringIO(text))
    for _, attrs in g.nodes(data=True):
        for key, val in attrs.items():
            attrs[key] = val.strip('"').replace('\\"', '"')
    return g


@pytest.mark.filterwarnings("ignore:.*deprecated.*:DeprecationWarning")
def test_dot_export_parses_back_into_the_same_graph(qtbot, lab, tmp_path):
    lab.expCheck.setChecked(True)
    click_backward(qtbot, lab)
    path = tmp_path / "neuron.dot"
    lab.export_dot(path)
    parsed = parse_dot(path.read_text(encoding="utf-8"))
    expected = graph.to_networkx(lab.root, operator_nodes=True)
    assert set(parsed.nodes) == set(expected.nodes)
    assert sorted((s, t) for s, t, _ in parsed.edges(keys=True)) == sorted(
        (s, t) for s, t, c in expected.edges(data="count") for _ in range(c))
    # the same numbers as the drawn boxes
    for name, item in lab.graphView.value_items.items():
        label, data_text, grad_text = item.texts()
        assert parsed.nodes[name]["label"] == f"{{ {label} | {data_text} | {grad_text} }}"
    for name, item in lab.graphView.op_items.items():
        assert parsed.nodes[name]["label"] == item.op


def test_image_export_png_and_svg(qtbot, lab, tmp_path):
    click_backward(qtbot, lab)
    lab.export_image(tmp_path / "g.png")
    lab.export_image(tmp_path / "g.svg")
    from PySide6.QtGui import QImage

    image = QImage(str(tmp_path / "g.png"))
    assert image.width() > 500 and image.height() > 100
    svg = (tmp_path / "g.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "grad -1.5000" in svg


def rgb(image) -> np.ndarray:
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    bgra = arr[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    return bgra[..., 2::-1].astype(int)  # ARGB32 is stored B, G, R, A in memory


def grab_canvas(lab: NeuronLab) -> np.ndarray:
    from PySide6.QtGui import QImage

    return rgb(lab.graphView.viewport().grab().toImage().convertToFormat(QImage.Format.Format_ARGB32))


def warm_and_cool_pixels(pixels: np.ndarray) -> tuple[int, int]:
    """Pixels clearly orange (positive grads) and clearly blue (negative grads)."""
    r, b = pixels[..., 0], pixels[..., 2]
    return int(((r - b > 80) & (r > 120)).sum()), int(((b - r > 80) & (b > 120)).sum())


def test_graph_is_drawn_with_grad_colours(qtbot, lab):
    pixels = grab_canvas(lab)
    background = np.array([QColor(theme.BACKGROUND).red(), QColor(theme.BACKGROUND).green(),
                           QColor(theme.BACKGROUND).blue()])
    drawn = (np.abs(pixels - background).sum(axis=2) > 12).mean()
    assert 0.02 < drawn < 0.6  # boxes, text and arrows cover part of the canvas, not all of it
    assert warm_and_cool_pixels(pixels) == (0, 0)  # no grads yet: no grad colours
    click_backward(qtbot, lab)
    warm, cool = warm_and_cool_pixels(grab_canvas(lab))
    assert cool > 100  # x1's grad -1.5 is blue
    assert warm > 300  # o's 1.0, w1's 1.0 and five grads of 0.5 are orange


def test_zoom_keys_and_fit(qtbot, lab):
    view = lab.graphView
    scale = view.transform().m11()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.transform().m11() == pytest.approx(scale * 1.25)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.transform().m11() < scale
    qtbot.mouseClick(lab.fitButton, Qt.MouseButton.LeftButton)
    assert view.transform().m11() == pytest.approx(scale)
    assert view.objectName() == "graphView"


def test_every_control_has_a_tooltip(lab):
    controls = lab.findChildren(QAbstractButton) + lab.findChildren(QSlider) + lab.findChildren(QComboBox)
    controls += lab.findChildren(QDoubleSpinBox)
    assert len(controls) > 15
    for widget in controls:
        assert widget.toolTip(), widget.objectName() or widget.text()


def test_lab_handles_a_user_graph_with_shared_values(lab):
    a, b = Value(-2.0, label="a"), Value(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    lab.graphView.set_expression(f)
    f.backward()
    lab.graphView.refresh()
    assert shown(lab)["a"] == (-2.0, -3.0) and shown(lab)["b"] == (3.0, -8.0)
    assert lab.graphView.no_overlaps()


def random_expression(rng: np.random.Generator, n_leaves: int) -> Value:
    """A random expression over a few leaves, reusing values, as learners write them."""
    pool = [Value(float(rng.normal()), label=f"v{k}") for k in range(n_leaves)]
    for step in range(n_leaves * 2):
        a, b = (pool[int(i)] for i in rng.integers(0, len(pool), size=2))
        op = int(rng.integers(0, 4))
        new = [a + b, a * b, a.tanh(), (a * 0.5).exp()][op]
        new.label = f"t{step}"
        pool.append(new)
    return sum(pool[-6:], pool[-7])


def test_random_graphs_up_to_60_nodes_have_no_overlaps_and_correct_numbers(lab):
    rng = np.random.default_rng(5)
    for n_leaves in (3, 5, 7, 9):
        root = random_expression(rng, n_leaves)
        root.backward()
        lab.graphView.set_expression(root)
        g = graph.to_networkx(root, operator_nodes=True)
        assert g.number_of_nodes() == len(lab.graphView.value_items) + len(lab.graphView.op_items)
        assert lab.graphView.no_overlaps(), n_leaves
        for name, item in lab.graphView.value_items.items():
            v = g.nodes[name]["value"]
            assert item.texts()[1:] == (f"data {v.data:.4f}".replace("-0.0000", "0.0000")
                                        if abs(v.data) < 1e4 else item.texts()[1],
                                        f"grad {v.grad:.4f}".replace("-0.0000", "0.0000")
                                        if abs(v.grad) < 1e4 else item.texts()[2])
        # columns run left to right: every arrow points rightwards
        for (source, target) in lab.graphView.edge_items:
            a = (lab.graphView.value_items.get(source) or lab.graphView.op_items[source]).sceneBoundingRect()
            b = (lab.graphView.value_items.get(target) or lab.graphView.op_items[target]).sceneBoundingRect()
            assert a.right() < b.left()
    assert 40 <= g.number_of_nodes() <= 80


def test_an_arrow_is_a_line_not_a_shaded_area(qapp):
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QGraphicsScene

    from playground.views.lab.graph_view import EdgeItem

    scene = QGraphicsScene()
    scene.addItem(EdgeItem(QPointF(0, 0), QPointF(100, 100)))  # an S-curve: its chord crosses it
    image = QImage(120, 120, QImage.Format.Format_RGB32)
    image.fill(0)
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, 120, 120), QRectF(-10, -10, 120, 120))
    painter.end()
    lit = (np.frombuffer(image.constBits(), dtype=np.uint8).reshape(120, 120, 4)[..., :3] > 40).any(axis=2)
    # a curve ~150 px long and 1.3 px wide plus an arrowhead; filling the curve would shade two lobes
    # between it and its chord (over 1,000 pixels more)
    assert 100 < lit.sum() < 700


def test_the_pan_hint_shows_only_while_part_of_the_graph_is_out_of_sight(qtbot, lab):
    assert lab.graphView.whole_graph_visible() and lab.panHint.text() == ""  # the seed fits at 1100x700
    net = Network([784, 16, 10], activation="sigmoid", seed=0)
    explain(lab, net, np.random.default_rng(0).random(784).astype(np.float32), 1, 3)
    assert not lab.graphView.whole_graph_visible()  # 8 inputs, 18 rows: too tall at a readable zoom
    assert "drag" in lab.panHint.text()
    assert lab.graphView.transform().m11() >= 0.75
    lab.show_preset("seed")
    assert lab.panHint.text() == ""


def test_a_lab_given_a_session_observes_it(qtbot, xor):
    lab = NeuronLab(xor)
    qtbot.addWidget(lab)
    lab.show()
    qtbot.waitExposed(lab)
    lab.explain(1, 1)
    assert lab.preset == "explained" and lab.explained.neuron == (1, 1)
    assert lab.output == pytest.approx(float(xor.activations()[1][1]), abs=1e-6)
    with pytest.raises(ValueError, match="input neuron"):
        lab.explain(0, 0)
    assert lab.explained.neuron == (1, 1)  # a refused neuron leaves the lab as it was
    xor.set_bias(1, 1, float(xor.network.biases[0][1]) + 2.0)  # followed, at most 10 times a second
    qtbot.waitUntil(lambda: abs(lab.output - float(xor.activations()[1][1])) < 1e-6)
    xor.select_neuron(2, 0)  # a selection made anywhere: the lab explains that neuron
    assert lab.explained.neuron == (2, 0)
    assert lab.output == pytest.approx(float(xor.activations()[2][0]), abs=1e-6)
    xor.set_hidden([3])  # a new structure: its neuron is gone, the lab shows the seed's again
    assert lab.preset == "seed" and lab.explained.neuron is None


def test_the_explained_neuron_follower_needs_no_qt():
    """ExplainedNeuron reads any object with the Session's few names: here a plain stand-in."""
    from types import SimpleNamespace

    from playground.views.lab.explained import ExplainedNeuron

    net = Network([2, 3, 1], activation="tanh", output="sigmoid", seed=4)
    x = np.array([0.5, -1.0])
    stand_in = SimpleNamespace(network=net, input_caption="x", parameter=None,
                               activations=lambda: [np.asarray(a) for a in net.activations(x)],
                               input_labels=lambda layer: [f"x{k + 1}" for k in range(net.sizes[layer])])
    follower = ExplainedNeuron(stand_in)
    assert follower.numbers() is None and follower.follow_selection(1, 2) is None  # nothing explained yet
    numbers = follower.explain(1, 2)
    np.testing.assert_array_equal(numbers.weights, net.weights[0][2])
    np.testing.assert_array_equal(numbers.inputs, x)
    assert numbers.bias == float(net.biases[0][2]) and numbers.activation == "tanh"
    with pytest.raises(ValueError):
        follower.explain(1, 3)  # no such neuron: the old one stays
    assert follower.neuron == (1, 2)
    assert follower.follow_selection(0, 1) is None and follower.neuron == (1, 2)  # an input: not followed
    assert follower.follow_selection(2, 0).activation == "sigmoid" and follower.neuron == (2, 0)
    stand_in.parameter = (2, 0, 1)
    assert follower.selected_parameter() == (2, 0, 1)
    stand_in.parameter = (1, 0, 1)  # another neuron's weight
    assert follower.selected_parameter() is None
