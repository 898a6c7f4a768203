"""A character-aware BiLSTM-CRF NER tagger run with numpy (weights trained with JAX, exported as .npz).

Each token (folded, ``rasd.recognise.ner.token_key``) is represented by
  - its fastText subword vector (``rasd.recognise.vectors``): unseen names get one from their letters;
  - a character CNN over its letters (learnt);
  - an embedding of its distributional cluster (``ner.clusters.tsv``);
  - flags: gazetteer types of any clitic reading, shape, article and clitic flags.
A bidirectional LSTM reads the sentence, a linear layer scores the BIO tags and a CRF layer (Viterbi)
picks the best label sequence. Sentences of one document are run as one padded batch.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from rasd.recognise.ner import _gazetteer_types, _shape, _stems, clusters, token_key
from rasd.recognise.vectors import SubwordVectors

TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
GAZETTEER_KINDS = ("LOC", "LOC~", "ORG", "ORG~", "PER", "PER~")
SHAPES = ("empty", "digit", "punct", "latin", "alnum", "arabic")
N_FLAGS = len(GAZETTEER_KINDS) + len(SHAPES) + 3
MAX_CHARS = 16


def token_flags(key: str) -> np.ndarray:
    """Gazetteer types, shape and article/clitic flags of a folded token, as a 0/1 vector."""
    flags = np.zeros(N_FLAGS, dtype=np.float32)
    for kind in _gazetteer_types(key):
        if kind in GAZETTEER_KINDS:
            flags[GAZETTEER_KINDS.index(kind)] = 1.0
    flags[len(GAZETTEER_KINDS) + SHAPES.index(_shape(key))] = 1.0
    stems = _stems(key)
    base = len(GAZETTEER_KINDS) + len(SHAPES)
    flags[base] = float(key.startswith("ال") or any(k != key and key.endswith("ال" + k) for k in stems[1:2]))
    flags[base + 1] = float(len(stems) > 1)
    flags[base + 2] = min(len(key), 12) / 12.0
    return flags


def cluster_id(key: str) -> int:
    """Fine distributional cluster + 1 (0 = no cluster), of the word or else of its stem."""
    table = clusters()
    got = table.get(key) or table.get(_stems(key)[-1])
    return int(got[0]) + 1 if got else 0


def char_ids(key: str, alphabet: dict[str, int]) -> np.ndarray:
    """Letter ids (1 = unknown letter, 0 = padding) of the first MAX_CHARS letters."""
    ids = np.zeros(MAX_CHARS, dtype=np.int32)
    for i, c in enumerate(key[:MAX_CHARS]):
        ids[i] = alphabet.get(c, 1)
    return ids


class TokenEncoder:
    """The per-token inputs of the network, cached by folded token."""

    def __init__(self, vectors: SubwordVectors, alphabet: dict[str, int]) -> None:
        self.vectors = vectors
        self.alphabet = alphabet
        self.encode = lru_cache(maxsize=50_000)(self._encode)

    def _encode(self, key: str) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
        v = self.vectors.vector(key)
        v = v / (np.linalg.norm(v) + 1e-9)
        return v.astype(np.float32), token_flags(key), cluster_id(key), char_ids(key, self.alphabet)

    def batch(self, sentences: Sequence[Sequence[str]]):
        """Padded arrays (B, T, …) for raw-token sentences, and the mask."""
        t = max((len(s) for s in sentences), default=0) or 1
        b = len(sentences)
        vec = np.zeros((b, t, self.vectors.dim), dtype=np.float32)
        flags = np.zeros((b, t, N_FLAGS), dtype=np.float32)
        clus = np.zeros((b, t), dtype=np.int32)
        chars = np.zeros((b, t, MAX_CHARS), dtype=np.int32)
        mask = np.zeros((b, t), dtype=bool)
        for i, tokens in enumerate(sentences):
            for j, tok in enumerate(tokens):
                v, f, c, ch = self.encode(token_key(tok))
                vec[i, j], flags[i, j], clus[i, j], chars[i, j] = v, f, c, ch
                mask[i, j] = True
        return vec, flags, clus, chars, mask


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def _lstm(xw: np.ndarray, mask: np.ndarray, wh: np.ndarray, reverse: bool) -> np.ndarray:
    """xw: (B, T, 4H) input projections (bias included); returns hidden states (B, T, H)."""
    b, t, four_h = xw.shape
    h_dim = four_h // 4
    h = np.zeros((b, h_dim), dtype=np.float32)
    c = np.zeros((b, h_dim), dtype=np.float32)
    out = np.zeros((b, t, h_dim), dtype=np.float32)
    steps = range(t - 1, -1, -1) if reverse else range(t)
    for s in steps:
        z = xw[:, s] + h @ wh
        i = _sigmoid(z[:, :h_dim])
        f = _sigmoid(z[:, h_dim:2 * h_dim])
        g = np.tanh(z[:, 2 * h_dim:3 * h_dim])
        o = _sigmoid(z[:, 3 * h_dim:])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        m = mask[:, s:s + 1]
        c = np.where(m, c_new, c)
        h = np.where(m, h_new, h)
        out[:, s] = h
    return out


def viterbi(scores: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    """Best tag sequence of one sentence: scores (T, K), trans[i, j] = score of tag i → tag j."""
    t = scores.shape[0]
    delta = start + scores[0]
    back = np.zeros((t, scores.shape[1]), dtype=np.int32)
    for s in range(1, t):
        cand = delta[:, None] + trans
        back[s] = cand.argmax(0)
        delta = cand.max(0) + scores[s]
    delta = delta + end
    best = [int(delta.argmax())]
    for s in range(t - 1, 0, -1):
        best.append(int(back[s, best[-1]]))
    return best[::-1]


class BiLstmCrf:
    """Numpy inference of the exported network (``weights``: name → array, as the trainer saves them)."""

    def __init__(self, weights: dict[str, np.ndarray], encoder: TokenEncoder) -> None:
        self.w = {k: np.asarray(v, dtype=np.float32) if v.dtype.kind == "f" else v for k, v in weights.items()}
        self.encoder = encoder

    def emissions(self, vec, flags, clus, chars, mask) -> np.ndarray:
        w = self.w
        ce = w["char_emb"][chars]                              # (B, T, L, E)
        width = w["conv_w"].shape[0]
        b, t, length, _ = ce.shape
        pad = np.zeros((b, t, width - 1, ce.shape[-1]), dtype=np.float32)
        cp = np.concatenate([ce, pad], axis=2)
        conv = sum(cp[:, :, k:k + length] @ w["conv_w"][k] for k in range(width)) + w["conv_b"]
        char_mask = (chars > 0)[..., None]
        conv = np.where(char_mask, np.tanh(conv), -1.0)
        char_repr = conv.max(axis=2)
        x = np.concatenate([vec, flags, w["clus_emb"][clus], char_repr], axis=-1)
        fwd = _lstm(x @ w["fw_wx"] + w["fw_b"], mask, w["fw_wh"], reverse=False)
        bwd = _lstm(x @ w["bw_wx"] + w["bw_b"], mask, w["bw_wh"], reverse=True)
        hidden = np.concatenate([fwd, bwd], axis=-1)
        return hidden @ w["out_w"] + w["out_b"]

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in sentences]
        todo = [i for i, s in enumerate(sentences) if s]
        if not todo:
            return out
        batch = self.encoder.batch([sentences[i] for i in todo])
        scores = self.emissions(*batch)
        for row, i in enumerate(todo):
            n = len(sentences[i])
            path = viterbi(scores[row, :n], self.w["trans"], self.w["start"], self.w["end"])
            out[i] = [TAGS[k] for k in path]
        return out


def load_network(path: Path, vectors: SubwordVectors) -> BiLstmCrf:
    with np.load(path) as z:
        weights = {k: z[k] for k in z.files if k != "alphabet"}
        alphabet = {c: i + 2 for i, c in enumerate(str(z["alphabet"]))}
    return BiLstmCrf(weights, TokenEncoder(vectors, alphabet))
