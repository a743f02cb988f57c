"""Words in the status bar that go stale: a message naming a network shape the network no longer has.

Qt-free. The Session's messages describe a network as "a 2-2-1 network" (Readout._describe).
"""

from __future__ import annotations

import re

from playground.presets import PRESETS

COST_WORDS = {"mse": "MSE", "cross_entropy": "cross-entropy"}
PRESETS_WITH_MODELS = {name for name, preset in PRESETS.items() if preset.model is not None}

_SHAPE = re.compile(r"\b(\d+(?:-\d+)+) network\b")


def describes_another_network(message: str, sizes: list[int]) -> bool:
    """Does `message` name a network shape other than `sizes`?"""
    shown = "-".join(str(n) for n in sizes)
    return any(shape != shown for shape in _SHAPE.findall(message or ""))


def activation_switch_note(old: str, new: str, trained: bool) -> str:
    """What switching the hidden activation tells the user: the weights were kept, and how to start
    fresh. A network trained for another function may stall under the new one (dead ReLUs)."""
    note = f"Hidden neurons now use {new}; every weight was kept"
    if not trained:
        return note + "."
    note += f" (they were learned for {old})."
    if new == "relu":
        note += " Neurons whose weighted sum is negative now output 0 and stop learning,"
        return note + " so training may stall: Reset starts from fresh weights."
    return note + " If training stalls, Reset starts from fresh weights."
