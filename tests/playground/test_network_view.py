"""The network view: colours that follow the engine's activations, tooltips with the right numbers,
selection, the big-layer rules, and items that are recoloured rather than rebuilt."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip

from engine.network import Network
from playground import theme
from playground.number_format import readable
from playground.session import Session
from playground.views.network.color_sources import SOURCES, LegendSpec, NeuronColors
from playground.views.network.hit_testing import HIT_SLOP, edge_at
from playground.views.network.network_view import EDGE_BUDGET, NetworkView

SIZE = (1000, 640)


def _view(qtbot, session: Session, size=SIZE) -> NetworkView:
    view = NetworkView(session)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def _grab(view: NetworkView) -> np.ndarray:
    """The viewport as an (h, w, 3) RGB array."""
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(h, image.bytesPerLine())
    return data[:, : 3 * w].reshape(h, w, 3).copy()


def _pixel(pixels: np.ndarray, point: QPointF) -> np.ndarray:
    return pixels[int(round(point.y())), int(round(point.x()))].astype(int)


def _reference(session: Session) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """z and activations of the shown input computed by a fresh engine Network with the same numbers."""
    net = session.network
    ref = Network(list(net.sizes), activation=net.activation, output=net.output, seed=123,
                  dtype=net.weights[0].dtype)
    for w, w_shown in zip(ref.weights, net.weights, strict=True):
        w[...] = w_shown
    for b, b_shown in zip(ref.biases, net.biases, strict=True):
        b[...] = b_shown
    return ref.trace(session.input)


def _expected_colour(session: Session, layer: int, values: np.ndarray) -> np.ndarray:
    """The colour a layer's neurons should have, from the theme's published maps."""
    net = session.network
    name = net.layer_activation(layer)
    same = np.concatenate([np.ravel(session.activations()[k]) for k in range(1, len(net.sizes))
                           if net.layer_activation(k) == name])
    return theme.colorize(*theme.activation_scale(name, same), values)[..., :3].astype(int)


def test_neuron_colours_follow_their_activations(qtbot, xor):
    view = _view(qtbot, xor)
    _, acts = _reference(xor)
    pixels = _grab(view)
    for layer in range(1, len(xor.network.sizes)):
        expected = _expected_colour(xor, layer, acts[layer])
        for i in range(xor.network.sizes[layer]):
            got = _pixel(pixels, view.neuron_center(layer, i))
            np.testing.assert_allclose(got, expected[i], atol=3, err_msg=f"neuron {layer},{i}")
    # the 2-D input: a diverging map of the raw coordinates
    limit = theme.nice_limit(max(float(np.max(np.abs(acts[0]))), 1.0))
    for i in range(2):
        got = _pixel(pixels, view.neuron_center(0, i))
        np.testing.assert_allclose(got, theme.diverging(acts[0][i], limit)[:3], atol=3)


def test_a_brighter_activation_gives_a_brighter_neuron(qtbot, xor):
    """Drive one sigmoid output neuron low, then high, through its bias: its pixel follows."""
    view = _view(qtbot, xor)
    out = len(xor.network.sizes) - 1
    xor.set_bias(out, 0, -8.0)
    dark = _pixel(_grab(view), view.neuron_center(out, 0))
    xor.set_bias(out, 0, 8.0)
    bright = _pixel(_grab(view), view.neuron_center(out, 0))
    assert xor.activations()[out][0] > 0.99
    assert bright.sum() > dark.sum() + 400  # near white vs near black
    np.testing.assert_allclose(bright, theme.sequential([xor.activations()[out][0]])[0, :3], atol=3)


def test_input_digit_is_drawn_as_its_28x28_pixels(qtbot, digits):
    view = _view(qtbot, digits)
    assert view.layout_.layers[0].is_image
    pixels = _grab(view)
    ink = digits.input
    for index in (0, int(np.argmax(ink)), 14 * 28 + 14, 783):
        got = _pixel(pixels, view.neuron_center(0, index))
        np.testing.assert_allclose(got, theme.sequential([ink[index]])[0, :3], atol=3)


def test_changing_the_activation_changes_the_pixels(qtbot, xor):
    view = _view(qtbot, xor)
    assert xor.network.activation == "tanh"
    before = _grab(view)
    xor.set_activation("sigmoid")
    after = _grab(view)
    _, acts = _reference(xor)
    hidden = view.neuron_center(1, 0)
    assert not np.array_equal(_pixel(before, hidden), _pixel(after, hidden))
    np.testing.assert_allclose(_pixel(after, hidden), _expected_colour(xor, 1, acts[1])[0], atol=3)
    # the view says which function it is showing
    captions = " ".join(c.text() for c in view._captions)
    assert "sigmoid" in captions and "tanh" not in captions


def test_items_are_recoloured_not_rebuilt(qtbot, xor):
    view = _view(qtbot, xor)
    items = set(view.scene().items())
    before = _grab(view)
    for _ in range(5):
        xor.step()
    assert set(view.scene().items()) == items  # the same objects: nothing rebuilt per frame
    assert not np.array_equal(before, _grab(view))
    np.testing.assert_allclose(view.displayed_activations[-1], _reference(xor)[1][-1], rtol=0, atol=1e-7)


def test_hover_tooltip_of_a_neuron_shows_its_z_a_and_b(qtbot, digits):
    view = _view(qtbot, digits)
    zs, acts = _reference(digits)
    layer, i = 2, 5
    text = view.tooltip_at(view.mapToScene(view.neuron_center(layer, i).toPoint()))
    assert f"z = w·a + b = {readable(float(zs[layer - 1][i]), 4)}" in text
    assert f"= {readable(float(acts[layer][i]), 4)}" in text
    assert f"bias b = {readable(float(digits.network.biases[layer - 1][i]), 4)}" in text
    # and through a real tooltip event on the viewport
    point = view.neuron_center(layer, i).toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    assert f"{readable(float(zs[layer - 1][i]), 4)}" in QToolTip.text()
    QToolTip.hideText()


def test_hover_tooltip_of_an_input_pixel_and_of_an_edge(qtbot, digits):
    view = _view(qtbot, digits)
    index = int(np.argmax(digits.input))
    text = view.tooltip_at(view.mapToScene(view.neuron_center(0, index).toPoint()))
    row, col = divmod(index, 28)
    assert f"row {row}, column {col}" in text and f"{readable(float(digits.input[index]), 4)}" in text
    assert "no weights" in text
    # the midpoint of a drawn edge between hidden 1 and hidden 2
    edges = view._edge_fans[1]
    k = int(np.argmax(np.abs(edges.weights)))
    mid = (edges.starts[k] + edges.ends[k]) / 2
    text = view.tooltip_at(QPointF(*mid))
    w = float(digits.network.weights[1][edges.targets[k], edges.sources[k]])
    assert f"weight w = {readable(w, 4)}" in text


def test_click_selects_a_neuron_and_highlights_its_incoming_edges(qtbot, xor):
    view = _view(qtbot, xor)
    centre = view.neuron_center(1, 1).toPoint()
    with qtbot.waitSignal(xor.selectionChanged) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert signal.args == [1, 1] and xor.selected == (1, 1)
    highlighted = view._selected_edges
    assert sorted(highlighted.sources.tolist()) == [0, 1] and set(highlighted.targets.tolist()) == {1}
    np.testing.assert_allclose(highlighted.weights, xor.network.weights[0][1][highlighted.sources])
    # the yellow ring around it
    pixels = _grab(view)
    r = view.layout_.layers[1].radius + 4
    ring = _pixel(pixels, QPointF(centre.x(), centre.y() - r))
    np.testing.assert_allclose(ring, theme.rgb(theme.HIGHLIGHT), atol=60)
    # a click on empty space clears the selection
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 200))
    assert xor.selected is None and not len(view._selected_edges.weights)


def _distance_to_segments(p: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    d = ends - starts
    t = np.clip(np.sum((p - starts) * d, axis=1) / np.maximum(np.sum(d * d, axis=1), 1e-12), 0, 1)
    return np.hypot(*(starts + t[:, None] * d - p).T)


def _lone_edges(view: NetworkView, fan_index: int) -> list[tuple[int, int, int]]:
    """(layer, neuron, source) of the drawn edges of one fan whose midpoint is clear of every other
    drawn line and neuron by more than the click tolerance: a click there can only mean that edge."""
    fans = view._edge_fans
    starts = np.vstack([f.starts for f in fans])
    ends = np.vstack([f.ends for f in fans])
    fan = fans[fan_index]
    lone = []
    for k in range(len(fan.weights)):
        mid = (fan.starts[k] + fan.ends[k]) / 2
        second_nearest = np.sort(_distance_to_segments(mid, starts, ends))[1]
        near_neuron = any(np.hypot(*(geo.centres - mid).T).min() < geo.radius + HIT_SLOP + 2
                          for geo in view.layout_.layers)
        hidden = view.weights_picture is not None and view.weights_picture.covers(QPointF(*mid))
        if second_nearest > HIT_SLOP + 2 and not near_neuron and not hidden:
            lone.append((fan_index + 1, int(fan.targets[k]), int(fan.sources[k])))
    return lone


@pytest.mark.parametrize("fan_index", [0, 1])
def test_a_click_on_an_edge_selects_that_weight_and_highlights_its_line(qtbot, digits, fan_index):
    view = _view(qtbot, digits)
    lone = _lone_edges(view, fan_index)[:6]
    assert lone, "no edge stands alone in this layout"
    for layer, neuron, source in lone:
        digits.select_neuron(-1, -1)
        mid = view.edge_midpoint(layer, neuron, source)
        with qtbot.waitSignal(digits.parameterChanged):
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=mid.toPoint())
        assert digits.parameter == (layer, neuron, source)
        assert digits.selected == (layer, neuron)  # its neuron too: the inspector and the lab follow
        assert digits.parameter_value() == float(digits.network.weights[layer - 1][neuron, source])
        # the line is drawn in the highlight colour, and its tooltip still names the weight
        line = view._weight_line.line()
        assert view._weight_line.isVisible()
        np.testing.assert_allclose([line.x1(), line.y1()], view.layout_.layers[layer - 1].centres[source])
        np.testing.assert_allclose([line.x2(), line.y2()], view.layout_.layers[layer].centres[neuron])
        if layer > 1:  # (a first-layer line runs under the digit's panel, as the neuron's own fan)
            np.testing.assert_allclose(_pixel(_grab(view), mid), theme.rgb(theme.HIGHLIGHT), atol=40)
        w = float(digits.network.weights[layer - 1][neuron, source])
        assert f"weight w = {readable(w, 4)}" in view.tooltip_at(view.mapToScene(mid.toPoint()))
    # a click on a neuron selects the neuron alone again
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.neuron_center(2, 3).toPoint())
    assert digits.selected == (2, 3) and digits.parameter is None and not view._weight_line.isVisible()


def test_the_view_colours_by_the_sessions_colour_source(qtbot, xor, monkeypatch):
    """A colour source is a small object: registered under a Session colour source's name, the view
    draws what it returns as soon as the Session switches to it."""

    class Constant:
        name = "gradients"
        edge_legend = "lines: a test source"

        def legend(self, network, image_input):
            return [LegendSpec("test", "test values", "diverging")]

        def neurons(self, session, image_input):
            values = [np.full(n, 0.5) for n in session.network.sizes]
            colors = [theme.diverging(v, 1.0) for v in values]
            return NeuronColors(values, colors, {"test": ("−1", "1")})

        def edge_values(self, session, layer):
            return -np.abs(session.network.weights[layer - 1])  # every line blue

    monkeypatch.setitem(SOURCES, "gradients", Constant())
    view = _view(qtbot, xor)
    xor.set_color_source("gradients")
    qtbot.wait(20)
    assert view.legend.edge_text.text() == "lines: a test source"
    assert list(view.legend.entries) == ["test"]
    pixels = _grab(view)
    expected = theme.diverging(0.5, 1.0)[:3]
    for layer in range(1, 3):
        for i in range(xor.network.sizes[layer]):
            np.testing.assert_allclose(_pixel(pixels, view.neuron_center(layer, i)), expected, atol=3)
    assert all((fan.weights <= 0).all() for fan in view._edge_fans)
    xor.set_color_source("activations")  # and back: the activations' own legend
    assert "tanh activation" in [e.title.text() for e in view.legend.entries.values()]


def test_clicking_an_input_pixel_selects_it(qtbot, digits):
    view = _view(qtbot, digits)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.neuron_center(0, 300).toPoint())
    assert digits.selected == (0, 300)


def test_selecting_a_first_layer_neuron_shows_its_weights_as_a_picture(qtbot, digits):
    view = _view(qtbot, digits)
    digits.select_neuron(1, 4)
    assert view.weights_picture.image.isVisible()
    pixels = _grab(view)
    w = digits.network.weights[0][4]
    x0, y0, side = view.layout_.weights_image
    cell = side / 28
    limit = float(np.max(np.abs(w)))
    for index in (0, int(np.argmax(w)), int(np.argmin(w))):
        r, c = divmod(index, 28)
        got = pixels[int(y0 + (r + 0.5) * cell), int(x0 + (c + 0.5) * cell)].astype(int)
        np.testing.assert_allclose(got, theme.diverging([w[index]], limit)[0, :3], atol=3)


def test_context_menu_explains_a_neuron(qtbot, xor):
    view = _view(qtbot, xor)
    menu = view.context_menu(2, 0)
    explain = next(a for a in menu.actions() if a.objectName() == "explainAction")
    assert explain.isEnabled()
    with qtbot.waitSignal(view.explainRequested) as signal:
        explain.trigger()
    assert signal.args == [2, 0]
    assert not next(a for a in view.context_menu(0, 1).actions()
                    if a.objectName() == "explainAction").isEnabled()


def test_a_784_input_shows_only_each_neurons_strongest_weights_and_says_so(qtbot, digits):
    view = _view(qtbot, digits)
    edges = view._edge_fans[0]
    W = digits.network.weights[0]
    assert len(edges.weights) == 16 * 8
    for neuron in range(16):
        drawn = set(edges.sources[edges.targets == neuron].tolist())
        strongest = set(np.argsort(-np.abs(W[neuron]))[:8].tolist())
        assert drawn == strongest
    note = view.legend.note.text().replace("\n", " ")
    assert "strongest incoming weights are drawn: 8 of 784 into hidden 1" in note
    # small gaps are drawn in full
    assert len(view._edge_fans[1].weights) == 16 * 16


def test_a_big_network_stays_within_the_edge_budget(qtbot, digits):
    digits.set_hidden([256, 128])
    view = _view(qtbot, digits)
    total = sum(len(item.weights) for item in view._edge_fans)
    assert 0 < total <= EDGE_BUDGET
    assert "strongest" in view.legend.note.text()
    # every neuron has a place inside the view
    for layer in view.layout_.layers:
        assert np.all(layer.centres >= 0)
        assert np.all(layer.centres[:, 0] <= SIZE[0]) and np.all(layer.centres[:, 1] <= SIZE[1])


def test_output_labels_name_the_classes_and_highlight_the_winner(qtbot, digits):
    view = _view(qtbot, digits)
    out = digits.prediction()
    winner = int(np.argmax(out))
    labels = view._output_labels
    assert len(labels) == 10
    for k, label in enumerate(labels):
        assert label.text().startswith(f"{k}  {readable(float(out[k]), 2)}")
    assert labels[winner].font().bold() and not labels[(winner + 1) % 10].font().bold()
    assert labels[winner].brush().color().name() == theme.HIGHLIGHT
    mark = "✓" if digits.input_label == winner else "✗"
    assert mark in labels[winner].text()


def test_resizing_keeps_the_layout_fitted(qtbot, digits):
    view = _view(qtbot, digits, size=(640, 420))
    for width, height in ((640, 420), (1400, 900)):
        view.resize(width, height)
        qtbot.waitUntil(lambda w=width: view.viewport().width() == w)
        viewport = view.viewport().rect()
        for layer in range(len(digits.network.sizes)):
            for i in (0, digits.network.sizes[layer] - 1):
                assert viewport.contains(view.neuron_center(layer, i).toPoint())
        last = view.neuron_center(len(digits.network.sizes) - 1, 0)
        assert last.x() > 0.6 * viewport.width()  # spread over the width, not huddled in a corner


def test_edges_are_warm_for_positive_weights_and_cool_for_negative(qtbot, xor):
    view = _view(qtbot, xor)
    pixels = _grab(view)
    checked = 0
    for layer, item in enumerate(view._edge_fans, start=1):
        for k in range(len(item.weights)):
            w = float(xor.network.weights[layer - 1][item.targets[k], item.sources[k]])
            assert item.weights[k] == pytest.approx(w)
            spot = item.starts[k] + 0.3 * (item.ends[k] - item.starts[k])  # clear of crossings and circles
            r, _, b = _pixel(pixels, QPointF(*spot))
            assert (r > b) if w > 0 else (b > r), f"edge {layer}:{item.sources[k]}->{item.targets[k]} w={w}"
            checked += 1
    assert checked == 2 * 2 + 2 * 1


def test_a_new_dataset_rebuilds_the_view_for_its_shape(qtbot, digits):
    view = _view(qtbot, digits)
    assert view.layout_.layers[0].is_image and not view._input_labels
    digits.set_dataset("xor")
    assert not view.layout_.layers[0].is_image
    assert [label.text() for label in view._input_labels] == [
        f"x{k + 1} = {readable(float(digits.input[k]), 2)}" for k in range(2)]
    assert view._input_image is None and len(view._output_labels) == 1
    _, acts = _reference(digits)
    pixels = _grab(view)
    out = len(digits.network.sizes) - 1
    np.testing.assert_allclose(_pixel(pixels, view.neuron_center(out, 0)),
                               _expected_colour(digits, out, acts[out])[0], atol=3)


def _count_edge_paints(view: NetworkView) -> list[int]:
    """Count how often the edge fans are drawn (they live in the view's cached background)."""
    calls = [0]
    for fan in view._edge_fans:
        paint = fan.paint

        def counted(painter, paint=paint):
            calls[0] += 1
            paint(painter)

        fan.paint = counted
    return calls


def test_a_new_input_repaints_the_neurons_over_the_cached_edges(qtbot, digits):
    view = _view(qtbot, digits)
    edge_paints = _count_edge_paints(view)
    _grab(view)  # draws the edges into the cached background, if no paint has yet
    painted = edge_paints[0]
    _grab(view)
    assert edge_paints[0] == painted  # from now on the edges come from the cache
    x = digits.dataset.X_test[3]
    digits.set_input(x)
    pixels = _grab(view)
    assert edge_paints[0] == painted  # same weights: the edges were not drawn again
    _, acts = _reference(digits)
    np.testing.assert_allclose(view.displayed_activations[1], acts[1], atol=1e-6)
    expected = _expected_colour(digits, 1, acts[1])
    for i in range(digits.network.sizes[1]):  # the neuron fills follow the new input
        np.testing.assert_allclose(_pixel(pixels, view.neuron_center(1, i)), expected[i], atol=3)
    np.testing.assert_allclose(_pixel(pixels, view.neuron_center(0, int(np.argmax(x)))),
                               theme.sequential([x.max()])[0, :3], atol=3)


def test_the_cached_edges_are_redrawn_when_a_weight_changes(qtbot, xor):
    view = _view(qtbot, xor)
    edge_paints = _count_edge_paints(view)
    fan = view._edge_fans[0]
    k = int(np.flatnonzero((fan.targets == 1) & (fan.sources == 0))[0])
    spot = QPointF(*(fan.starts[k] + 0.3 * (fan.ends[k] - fan.starts[k])))
    for value in (3.0, -3.0, 3.0):
        xor.set_weight(1, 1, 0, value)  # as the inspector's slider does
        r, _, b = _pixel(_grab(view), spot)
        assert (r > b + 40) if value > 0 else (b > r + 40), f"w = {value}: rgb {r}, {b}"
    assert edge_paints[0] >= 3
    # a Step changes every weight: the picture follows the engine's numbers
    before = _grab(view)
    xor.set_weight(1, 1, 0, 0.0)
    after = _grab(view)
    assert not np.array_equal(_pixel(before, spot), _pixel(after, spot))


def test_the_note_and_the_legend_fit_a_narrow_view(qtbot, digits):
    digits.set_hidden([256, 128])
    view = _view(qtbot, digits, size=(520, 480))
    width = view.viewport().width()
    note = view.legend.note
    assert "\n" in note.text()  # wrapped, not cut off at the right edge
    assert note.sceneBoundingRect().right() <= width
    assert "2 of 784 into hidden 1" in note.text().replace("\n", " ")
    assert note.text().replace("\n", " ").endswith("Click a neuron to see all of its weights.")
    items = [view.legend.edge_text] + [part for entry in view.legend.entries.values()
                                   for part in (entry.title, entry.bar, entry.lo, entry.hi)]
    for item in items:
        assert item.sceneBoundingRect().right() <= width, item
    # the legend sits below the lowest neuron
    lowest = max(float(layer.centres[:, 1].max() + layer.radius) for layer in view.layout_.layers)
    assert min(item.sceneBoundingRect().top() for item in items) > lowest


@pytest.mark.parametrize("size", [(1000, 640), (700, 460)])
def test_no_edge_runs_through_the_hint_under_the_digit(qtbot, digits, size):
    view = _view(qtbot, digits, size=size)
    caption = view.weights_picture.caption
    assert "Click a neuron" in caption.text()
    rect = caption.sceneBoundingRect()
    pixels = _grab(view)
    box = pixels[int(rect.top()):int(rect.bottom()), int(rect.left()):int(rect.right())].astype(int)
    # only the background and grey text: no orange or blue line crosses the words
    assert np.abs(box[..., 0] - box[..., 2]).max() < 25
    # and the plain panel under the words stays clear of the first hidden layer
    hidden = view.layout_.layers[1]
    assert view.weights_picture.panel.sceneBoundingRect().right() < hidden.centres[:, 0].min() - hidden.radius


def test_lines_hidden_under_the_weights_panel_do_not_answer_a_click(qtbot, digits):
    view = _view(qtbot, digits)
    rect = view.weights_picture.panel.sceneBoundingRect()
    fans = [(fan, l) for l, fan in enumerate(view._edge_fans, start=1)]
    under = [QPointF(x, y) for x in np.arange(rect.left() + 2, rect.right() - 2, 2.0)
             for y in np.arange(rect.top() + 2, rect.bottom() - 2, 2.0)
             if edge_at(fans, np.array([x, y])) is not None]
    assert under, "no line runs under the panel in this layout"
    point = under[len(under) // 2]
    assert view.edge_at(point) is None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(point))
    assert digits.parameter is None and digits.selected is None
