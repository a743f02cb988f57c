"""A warning before opening a model file that needs a lot of memory (issue 14).

A 784-60000-10 model froze the window for seconds and took 1.9 GB. The file's header says how big the
network is (engine.io.model_info reads only the header), so the window can ask before loading it.
"""

from __future__ import annotations

from pathlib import Path

from engine.io import ModelFileError, model_info

LARGE_MODEL_BYTES = 512 * 2**20  # above this the window asks first: loading takes seconds and much memory


def readable_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"


def memory_warning(path: str | Path, limit: int = LARGE_MODEL_BYTES) -> str | None:
    """The question to ask before opening `path`, or None when it is small (or not a model: then
    opening it reports the problem as usual)."""
    path = Path(path)
    try:
        info = model_info(path)
    except ModelFileError:
        return None
    if info.memory_bytes < limit:
        return None
    sizes = "-".join(str(n) for n in info.sizes)
    return (f"{path.name} holds a {sizes} network with {info.n_parameters:,} parameters. Opening it needs "
            f"about {readable_bytes(info.memory_bytes)} of memory, and the window stops answering while "
            "it loads. Open it anyway?")
