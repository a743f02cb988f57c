"""The window's words for a student: Help ▸ What am I looking at?, About, and rich tooltips."""

from __future__ import annotations

import html

APPLICATION = "Neural Network Playground"

WHAT_AM_I_LOOKING_AT = """
<h3>What am I looking at?</h3>
<p>In the middle is a <b>neural network</b>. Each circle is a <b>neuron</b>; its brightness is its
<i>activation</i> for the input shown above it. Columns are <b>layers</b>: the input on the left,
the answer on the right.</p>
<p>Each line is a <b>weight</b>: orange lines are positive (they excite the next neuron), blue ones
negative (they hold it back); thicker means bigger. A neuron adds up its inputs times their weights,
adds its <b>bias</b> (how easily it lights up), and squishes the sum with its <b>activation function</b>
(sigmoid, ReLU or tanh).</p>
<p><b>Step</b> (S or →) takes one step of <b>gradient descent</b>: it nudges every weight a little in the
direction that lowers the <b>cost</b>, the number that says how wrong the network is.
<b>Run</b> (Space) keeps stepping; the cost plot below shows it falling.</p>
<p>Click a neuron to see its weights and bias as sliders in the inspector, and move them yourself.
Click a line (or a slider's name in the inspector) to select that one weight: it lights up in both.
Right-click it and choose <i>Explain this neuron</i> to see its sum built step by step in the neuron lab,
micrograd style.</p>
"""


def rich_tip(text: str) -> str:
    """A tooltip as rich text, which Qt wraps into lines (plain text shows as one long line)."""
    return f"<p>{html.escape(text)}</p>"


ABOUT = (
    f"<h3>{APPLICATION}</h3><p>See and touch a neural network: its neurons, weights and biases, "
    "gradient descent step by step, digits you draw, and micrograd's expression graph.</p>"
    "<p>Digits data: MNIST (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), CC BY-SA 3.0.</p>"
    "<p>Built with Python, numpy, PySide6 (Qt) and pyqtgraph. MIT licence.</p>")
