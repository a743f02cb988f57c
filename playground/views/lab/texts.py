"""The neuron lab's words: tooltips, its examples and the accumulation bug's explanation."""

SLIDER_TIPS = {
    "x1": "x1, the neuron's first input. In a network it is the activation of a neuron in the layer before.",
    "x2": "x2, the neuron's second input. The seed sets it to 0, so w2's grad is 0: a weight on a silent "
          "input cannot change the output.",
    "w1": "w1, the weight on x1: how strongly x1 pushes the weighted sum n up (positive) or down (negative).",
    "w2": "w2, the weight on x2.",
    "b": "b, the bias: added to the weighted sum, it says how easily the neuron lights up. The seed's "
         "6.8813735870195432 makes n = 0.8814, so that tanh(n) = 0.7071.",
}

ACTIVATION_CHOICES = [
    ("tanh", "tanh", "tanh squishes n into −1..1. Its local derivative is 1 − tanh²."),
    ("sigmoid", "sigmoid", "Sigmoid squishes n into 0..1. Its local derivative is σ·(1 − σ)."),
    ("ReLU", "relu", "ReLU keeps a positive n and turns a negative one into 0. Its local derivative is 1 for "
                     "n > 0, else 0."),
]

EXAMPLES = [  # what the lab's first combo box offers, besides an explained network neuron
    ("Seed neuron: o = f(x1·w1 + x2·w2 + b)", "seed"),
    ("Accumulation bug: b = a + a", "accumulation"),
]


ACCUMULATION_TEXT = (
    "<b>b = a + a uses a twice.</b> In backward each use sends its own share of b's grad back to a: "
    "1 × 1.0 from the left operand and 1 × 1.0 from the right. micrograd's <code>+=</code> adds the "
    "shares: a.grad = <b>2</b>, which is right, because b = 2a moves twice as fast as a. "
    "Writing <code>=</code> instead makes the second share overwrite the first: a.grad = <b>1</b>, "
    "which is wrong (nudge a by 0.01 and b moves by 0.02). The same bug hits every value used more "
    "than once, such as e in (e − 1)/(e + 1)."
)
