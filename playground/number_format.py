"""One way to write a number, everywhere the window shows one (status bar, inspector, tooltips, plots).

Ordinary numbers get a fixed number of decimals; a number too big or too small for them (an exploded
cost of 10⁴⁰, a gradient of 10⁻⁷) gets a mantissa and a power of ten instead of 40 digits or "0.000".
A true minus sign throughout, and no "−0.000". Qt-free.
"""

from __future__ import annotations

import math

MINUS = "−"
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
HUGE = 1e5  # from here on, a power of ten
TINY = 1e-4  # below this (and not 0), a power of ten


def power_of_ten(x: float, digits: int = 3) -> str:
    """x as mantissa×10ⁿ with `digits` significant digits, e.g. 1.23×10⁴⁰."""
    mantissa, exponent = f"{x:.{max(digits - 1, 0)}e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}".replace("-", MINUS)


def readable(x: float, decimals: int = 3) -> str:
    """x with `decimals` decimals (3 → "0.745"); huge or tiny numbers as a power of ten; a small number
    that the decimals would round to 0 with two significant digits instead ("0.0031")."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else f"{MINUS}∞"
    size = abs(x)
    if size >= HUGE or (0 < size < TINY):
        return power_of_ten(x)
    if 0 < size < 0.5 * 10 ** -decimals:
        # e.g. 0.0031 with 2 decimals: "0.0031", not "0.00"
        places = -math.floor(math.log10(size)) + 1
        text = f"{x:.{places}f}"
    else:
        text = f"{x:.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")  # no "−0.000"
    return text.replace("-", MINUS)


def significant(x: float, digits: int = 3, sign: bool = False) -> str:
    """x to `digits` significant digits ("0.0123", "1.23×10⁻⁵"), its sign written too with `sign`
    ("+0.0123": a step, a change of cost), with a true minus and powers of ten as ×10ⁿ."""
    x = float(x)
    if not math.isfinite(x):
        return readable(x)
    text = f"{x:{'+' if sign else ''}.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return text.replace("-", MINUS)


def percent(share: float, decimals: int = 1) -> str:
    """A share 0..1 as a percentage; under 1% readable too ("0.3%", "<0.01%" rather than "0%")."""
    value = 100.0 * float(share)
    if not math.isfinite(value):
        return readable(value)
    if 0 < value < 10 ** -2:
        return "<0.01%"
    if 0 < value < 1:
        return f"{value:.2g}%"
    return f"{value:.{decimals}f}%"


def tick_strings(values, decimals: int | None = None) -> list[str]:
    """Axis tick labels: as readable() writes them, with as few decimals as the ticks need."""
    finite = [abs(v) for v in values if math.isfinite(v) and v != 0]
    if decimals is None:  # the fewest that write every tick exactly (0.25 needs 2, 500 none)
        decimals = next((d for d in range(7) if all(abs(v - round(v, d)) <= 1e-9 * max(1.0, abs(v))
                                                    for v in values if math.isfinite(v))), 6)
    if finite and (max(finite) >= HUGE or max(finite) < TINY):
        return [power_of_ten(v, 2) if v != 0 else "0" for v in values]
    return [readable(v, decimals) for v in values]


def use_readable_ticks(axis) -> None:
    """Make a pyqtgraph AxisItem label its ticks with tick_strings (no "(x0.001)", no 40 digits)."""
    axis.enableAutoSIPrefix(False)
    axis.tickStrings = lambda values, _scale, _spacing: tick_strings(list(values))
