"""Subword word vectors (fastText skip-gram) for the NER tagger, read from a compact numpy table.

A word seen often enough in the training text has its own vector; any other word (a foreign surname
never seen before) gets the mean of its character n-gram vectors, hashed into buckets exactly as
fastText/gensim hash them, so run time needs numpy only (gensim is a training-time dependency).
Vectors are stored as int8 with one float32 scale per row.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619


def ngram_hash(ngram: str) -> int:
    """fastText's FNV-1a over UTF-8 bytes, each byte read as a *signed* char (as fastText does)."""
    h = _FNV_OFFSET
    for b in ngram.encode("utf-8"):
        h ^= (b - 256 if b > 127 else b) & 0xFFFFFFFF
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


def char_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """The character n-grams of ``<word>`` fastText uses (min_n ≥ 2), in fastText's order."""
    w = "<" + word + ">"
    return [w[i:i + n] for i in range(len(w)) for n in range(min_n, max_n + 1) if i + n <= len(w)]


def _quantise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(x).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(x / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def export_fasttext(model, path: Path, min_n: int, max_n: int) -> None:
    """Write a gensim FastText model's word and n-gram vectors as the compact table ``SubwordVectors`` reads."""
    words = list(model.wv.index_to_key)
    wq, ws = _quantise(np.asarray(model.wv.vectors, dtype=np.float32))
    nq, ns = _quantise(np.asarray(model.wv.vectors_ngrams, dtype=np.float32))
    np.savez_compressed(path, words="\n".join(words), word_q=wq, word_scale=ws, ngram_q=nq, ngram_scale=ns,
                        ngram_range=np.array([min_n, max_n]))


class SubwordVectors:
    """``vector(word)``: the word's own vector if it has one, else the mean of its n-gram vectors."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as z:
            words = str(z["words"]).split("\n")
            self.word_vectors = z["word_q"].astype(np.float32) * z["word_scale"][:, None]
            self.ngram_vectors = z["ngram_q"].astype(np.float32) * z["ngram_scale"][:, None]
            self.min_n, self.max_n = (int(v) for v in z["ngram_range"])
        self.index = {w: i for i, w in enumerate(words)}
        self.dim = self.word_vectors.shape[1]
        self.buckets = self.ngram_vectors.shape[0]
        self.vector = lru_cache(maxsize=50_000)(self._vector)

    def known(self, word: str) -> bool:
        return word in self.index

    def _vector(self, word: str) -> np.ndarray:
        i = self.index.get(word)
        return self.word_vectors[i] if i is not None else self.ngram_vector(word)

    def ngram_vector(self, word: str) -> np.ndarray:
        """The vector the word would get if it had none of its own: the mean of its n-gram vectors."""
        hashes = [ngram_hash(g) % self.buckets for g in char_ngrams(word, self.min_n, self.max_n)]
        if not hashes:
            return np.zeros(self.dim, dtype=np.float32)
        return self.ngram_vectors[hashes].mean(axis=0)
