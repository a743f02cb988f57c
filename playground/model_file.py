"""What a saved model says about its data and settings, beside its weights. Qt-free.

`engine.io.save(net, path, meta)` already keeps a JSON `meta` in the model file's header; the window
puts its settings there under "playground" (the dataset or CSV file with its checksum, the features,
noise, ratio, seeds, the training recipe, and any points clicked in by hand). `read_meta` reads it
back; a file saved before this (no meta) gives None and opens as it always did. An ONNX file has no
such header: `add_onnx_metadata` appends ONNX's own metadata_props (key/value strings) to the model.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np

META_KEY = "playground"


def read_meta(path: str | os.PathLike) -> dict | None:
    """The playground's part of a model file's header meta, or None (an older file, or none at all).

    Only called after engine.io.load has read the file, so a broken file has already been refused."""
    try:
        with zipfile.ZipFile(path) as zf, zf.open("header.npy") as f:
            raw = np.lib.format.read_array(f, allow_pickle=False)
        header = json.loads(bytes(raw).decode("utf-8"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    meta = header.get("meta") if isinstance(header, dict) else None
    found = meta.get(META_KEY) if isinstance(meta, dict) else None
    return found if isinstance(found, dict) else None


def checksum(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (a CSV is found again by path and recognised by this)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


ONNX_METADATA_PROPS = 14  # ModelProto.metadata_props: repeated StringStringEntryProto {key = 1; value = 2}


def add_onnx_metadata(path: str | os.PathLike, props: dict[str, str]) -> None:
    """Append metadata_props to an ONNX file (protobuf fields may come in any order, so this is valid)."""
    extra = b"".join(_field(ONNX_METADATA_PROPS, _field(1, k.encode()) + _field(2, v.encode()))
                     for k, v in props.items())
    with open(path, "ab") as f:
        f.write(extra)
