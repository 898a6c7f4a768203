"""Training the shipped models (`rasd train ner`, `rasd train events`) and what their model cards share."""
from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(path: Path) -> str:
    """The sha256 of a file, read in 1 MB blocks: model cards record one for every input and output."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
