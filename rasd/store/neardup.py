"""Near-duplicate articles (the same wire story in several outlets): MinHash signatures and LSH bands.

The signature is a datasketch MinHash over word 3-grams of the folded text. The LSH banding (bands × rows)
is the one datasketch's `MinHashLSH` picks for the threshold; band hashes are stored in the
`article_bands` table, so lookups work the same in SQLite and PostgreSQL and survive restarts.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from rasd.text.normalise import DEFAULT_STEPS, _tables

NUM_PERM = 128
SEED = 1
THRESHOLD = 0.8
SHINGLE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Signature:
    hashvalues: tuple[int, ...]

    def to_bytes(self) -> bytes:
        return np.asarray(self.hashvalues, dtype="<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(tuple(int(v) for v in np.frombuffer(data, dtype="<u4")))


def shingles(text: str, width: int = SHINGLE_WORDS) -> list[bytes]:
    # The same character folding as `fold`, without the offset map `normalise` builds (a third of the cost
    # of a signature); presentation forms are not expanded, which near-duplicate detection can live with.
    words = text.translate(_tables(DEFAULT_STEPS)[0]).split()
    if len(words) < width:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i:i + width]).encode("utf-8") for i in range(len(words) - width + 1)]


class NearDuplicateIndex:
    """Signatures and band hashes for near-duplicate detection at `threshold` estimated Jaccard similarity."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm

    @cached_property
    def _banding(self) -> tuple[int, int]:
        from datasketch import MinHashLSH
        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        return lsh.b, lsh.r

    @cached_property
    def _empty(self):  # building the permutations is half the cost of a signature: build them once
        from datasketch import MinHash
        return MinHash(num_perm=self.num_perm, seed=SEED)

    def signature(self, text: str) -> Signature:
        minhash = self._empty.copy()
        grams = shingles(text)
        if grams:
            minhash.update_batch(grams)
        return Signature(tuple(int(v) for v in minhash.hashvalues))

    def band_hashes(self, signature: Signature) -> list[int]:
        """One signed 64-bit hash per LSH band (band index included, so bands never collide)."""
        bands, rows = self._banding
        values = np.asarray(signature.hashvalues, dtype="<u4")
        out = []
        for band in range(bands):
            digest = hashlib.blake2b(band.to_bytes(2, "little") + values[band * rows:(band + 1) * rows].tobytes(),
                                     digest_size=8).digest()
            out.append(int.from_bytes(digest, "little", signed=True))
        return out

    def similarity(self, a: Signature, b: Signature) -> float:
        va, vb = np.asarray(a.hashvalues), np.asarray(b.hashvalues)
        if va.shape != vb.shape or not len(va):
            return 0.0
        return float(np.count_nonzero(va == vb)) / len(va)

    def is_near_duplicate(self, a: Signature, b: Signature) -> bool:
        return self.similarity(a, b) >= self.threshold
