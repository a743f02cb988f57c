"""Colours and colour maps, in one place, so every view speaks the same visual language.

Positive numbers are warm (orange), negative ones cool (blue), everywhere: weights, grads, z.
"""

from __future__ import annotations

BACKGROUND = "#1e1f24"
PANEL = "#26282f"
TEXT = "#e6e6e6"
TEXT_DIM = "#9a9ca5"
POSITIVE = "#f39c3d"  # positive weights / grads
NEGATIVE = "#3d9cf3"  # negative weights / grads
HIGHLIGHT = "#ffe14d"  # the selected neuron, the top prediction
GOOD = "#5fd38d"
BAD = "#ef5f5f"
