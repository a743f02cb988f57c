"""The network view's words for a student: captions, names, tooltips, the note. No Qt.

Made once per structure (sizes, dataset); the numbers in a tooltip are read from the Session when it
is asked for.
"""

from __future__ import annotations

from playground.number_format import readable
from playground.views.network.color_sources import ACTIVATION_WORDS
from playground.walkthrough import format_report

VIEW_HELP = (
    "Each circle is a neuron; its colour is its activation, how strongly it fires for the shown input.\n"
    "Each line is a weight: orange ones are positive (they excite the next neuron), blue ones negative\n"
    "(they hold it back); thicker lines are bigger weights.\n"
    "Hover a neuron or a line for its numbers. Click a neuron to inspect it, a line to select its weight;\n"
    "right-click a neuron to explain it."
)
WEIGHTS_HINT = "Click a neuron of the first hidden layer to see its weights here."
WEIGHTS_HINT_SHORT = "Click a neuron of hidden 1 to see its weights."  # for a small square
WEIGHTS_PICTURE_TIP = (
    "These are the selected neuron's 784 weights, one per pixel, laid out like the digit.<br>"
    "Orange pixels push it up when there is ink there, blue ones push it down:<br>"
    "it is the pattern this neuron looks for.")


class NetworkWords:
    def __init__(self, session, image_side: int | None):
        self._session = session
        self.sizes = list(session.network.sizes)
        self.image_side = image_side
        self.classes = list(session.dataset.classes)

    def layer_name(self, l: int) -> str:
        if l == 0:
            return "input"
        if l == len(self.sizes) - 1:
            return "output"
        return f"hidden {l}" if len(self.sizes) > 3 else "hidden"

    def class_name(self, k: int) -> str:
        return self.classes[k] if 0 <= k < len(self.classes) else str(k)

    def caption(self, l: int) -> str:
        n = self.sizes[l]
        if l == 0:
            what = f"{n} pixels" if self.image_side else f"{n} number{'s' if n != 1 else ''}"
            return f"input\n{what}"
        name = self._session.network.layer_activation(l)
        return f"{self.layer_name(l)}\n{n} · {ACTIVATION_WORDS.get(name, (name,))[0].split(' ')[0]}"

    def note(self, edges_per_neuron: list[int]) -> str:
        parts = []
        for l, k in enumerate(edges_per_neuron, start=1):
            n_in = self.sizes[l - 1]
            if k < n_in:
                into = "the output" if l == len(self.sizes) - 1 else self.layer_name(l)
                parts.append(f"{k} of {n_in} into {into}")
        if not parts:
            return ("Every weight is drawn. Hover a line for its value, click it to select that weight; "
                    "click a neuron to inspect it.")
        return ("Only each neuron's strongest incoming weights are drawn: " + ", ".join(parts)
                + ". Click a neuron to see all of its weights.")

    def neuron_name(self, layer: int, index: int) -> str:
        if layer == 0:
            if self.image_side:
                row, col = divmod(index, self.image_side)
                return f"input pixel (row {row}, column {col})"
            return f"input x{index + 1}"
        if layer == len(self.sizes) - 1:
            if len(self.classes) > 1 and self.sizes[-1] == len(self.classes):
                return f"output neuron {index} (class “{self.class_name(index)}”)"
            return f"output neuron {index}"
        return f"neuron {index} of {self.layer_name(layer)} layer"

    def neuron_tooltip(self, layer: int, index: int) -> str:
        s = self._session
        a = float(s.activations()[layer][index])
        if layer == 0:
            what = "ink" if self.image_side else "value"
            click = ""
            if getattr(s, "is_plane", False):  # a feature of 2-D data (lab2d)
                click = ("<br>Click to switch this input off; the features in the data panel switch "
                         "inputs on." if len(s.active_features()) > 1 else "<br>The last input stays on.")
            return (f"<b>{self.neuron_name(layer, index)}</b><br>{what} a = {readable(a, 4)}<br>"
                    "<i>An input neuron just holds one number of the input;<br>"
                    f"it has no weights and no bias.</i>{click}")
        z = float(s.weighted_sums()[layer - 1][index])
        b = float(s.network.biases[layer - 1][index])
        name = s.network.layer_activation(layer)
        return (f"<b>{self.neuron_name(layer, index)}</b><br>"
                f"weighted sum z = w·a + b = {readable(z, 4)}<br>"
                f"activation a = {name}(z) = {readable(a, 4)}<br>"
                f"bias b = {readable(b, 4)}<br>"
                "<i>z adds up the previous layer's activations, each times its weight, plus the bias.<br>"
                "The activation function squashes z into how strongly the neuron fires.</i><br>"
                "Click to inspect it; right-click to explain it.")

    def edge_tooltip(self, layer: int, neuron: int, source: int) -> str:
        w = float(self._session.network.weights[layer - 1][neuron, source])
        # lines broken by hand and kept whole: Qt would wrap a long tooltip line in mid-sentence
        return (f"<p style='white-space:pre'><b>weight w = {readable(w, 4)}</b><br>"
                f"from {self.neuron_name(layer - 1, source)}<br>"
                f"to {self.neuron_name(layer, neuron)}<br>"
                "<i>A weight says how much one neuron pushes the next:<br>"
                "positive (orange) excites it, negative (blue) holds it back.<br>"
                "Training nudges every weight to lower the cost.</i><br>"
                "Click to select this weight: its slider in the inspector lights up too.</p>")

    def walk_tooltip(self, neuron: tuple[int, int] | None, edge: tuple[int, int, int] | None) -> str:
        """A neuron's or an edge's numbers in the walkthrough's phase; "" when there is no walkthrough."""
        walk = self._session.walkthrough
        if walk is None or (neuron is None and edge is None):
            return ""
        if neuron is not None:
            name, rows = self.neuron_name(*neuron), walk.neuron_report(*neuron)
        else:
            layer, target, source = edge
            name = f"weight from {self.neuron_name(layer - 1, source)} to {self.neuron_name(layer, target)}"
            rows = walk.edge_report(*edge)
        body = format_report(rows) if rows else "not reached yet in this phase"
        return f"<b>{name}</b><br>{body}<br><i>{walk.phase.caption}</i>"

    def caption_tooltip(self, l: int) -> str:
        if l == 0:
            return "The input layer holds the numbers fed to the network (for a digit: its 784 pixels)."
        name = self._session.network.layer_activation(l)
        if l == len(self.sizes) - 1:
            return (f"The output layer: one neuron per answer; the brightest one is the network's guess.<br>"
                    f"Its activation function is {name}.")
        return (f"A hidden layer: its neurons pick up patterns in the layer before.<br>"
                f"Each passes its weighted sum through the {name} function.")
