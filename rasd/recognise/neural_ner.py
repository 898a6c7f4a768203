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
    """The per-token inputs of the network, cached by folded token.

    ``words`` (optional) maps the training part's frequent words to ids of a learnt embedding
    (1 = any other word, 0 = padding).
    """

    def __init__(self, vectors: SubwordVectors, alphabet: dict[str, int],
                 words: dict[str, int] | None = None) -> None:
        self.vectors = vectors
        self.alphabet = alphabet
        self.words = words or {}
        self.encode = lru_cache(maxsize=50_000)(self._encode)

    def _encode(self, key: str) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, int]:
        v = self.vectors.vector(key)
        v = v / (np.linalg.norm(v) + 1e-9)
        return (v.astype(np.float32), token_flags(key), cluster_id(key), char_ids(key, self.alphabet),
                self.words.get(key, 1))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * np.tanh(0.5 * x) + 0.5


def _lstm(xw: np.ndarray, lengths: np.ndarray, wh: np.ndarray, reverse: bool) -> np.ndarray:
    """Hidden states (B, T, H) from input projections xw (B, T, 4H), bias included.

    Rows must be sorted by length, longest first: at each step only the prefix of rows still inside
    their sentence is computed (no work on padding). Going backward a row starts at zero state when
    the walk reaches its last token, as it should. Gates are ordered input, forget, cell, output.
    """
    b, t, four_h = xw.shape
    h_dim = four_h // 4
    h = np.zeros((b, h_dim), dtype=np.float32)
    c = np.zeros((b, h_dim), dtype=np.float32)
    out = np.zeros((b, t, h_dim), dtype=np.float32)
    active = (lengths[None, :] > np.arange(t)[:, None]).sum(1)     # rows inside their sentence, per step
    for s in (range(t - 1, -1, -1) if reverse else range(t)):
        k = active[s]
        z = xw[:k, s] + h[:k] @ wh
        gates = _sigmoid(z)
        c[:k] = gates[:, h_dim:2 * h_dim] * c[:k] + gates[:, :h_dim] * np.tanh(z[:, 2 * h_dim:3 * h_dim])
        h[:k] = gates[:, 3 * h_dim:] * np.tanh(c[:k])
        out[:k, s] = h[:k]
    return out


def viterbi(scores: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    """Best tag sequence of one sentence: scores (T, K), trans[i, j] = score of tag i → tag j."""
    return viterbi_batch(scores[None], np.ones(scores.shape[:1], dtype=bool)[None], trans, start, end)[0]


def viterbi_batch(scores: np.ndarray, mask: np.ndarray, trans: np.ndarray, start: np.ndarray,
                  end: np.ndarray) -> list[list[int]]:
    """Best tag sequences of a padded batch (B, T, K); past a sentence's end the best tag is carried."""
    b, t, k = scores.shape
    delta = start + scores[:, 0]
    back = np.empty((b, t, k), dtype=np.int64)
    stay = np.arange(k)
    rows = np.arange(b)[:, None]
    for s in range(1, t):
        cand = delta[:, :, None] + trans                     # (B, from, to)
        best = cand.argmax(1)
        new = cand[rows, best, stay] + scores[:, s]
        m = mask[:, s:s + 1]
        back[:, s] = np.where(m, best, stay)
        delta = np.where(m, new, delta)
    tag = (delta + end).argmax(1)
    path = np.empty((b, t), dtype=np.int64)
    path[:, t - 1] = tag
    for s in range(t - 1, 0, -1):
        tag = back[np.arange(b), s, tag]
        path[:, s - 1] = tag
    lengths = mask.sum(1)
    return [path[i, :lengths[i]].tolist() for i in range(b)]


class BiLstmCrf:
    """Numpy inference of the exported network (``weights``: name → array, as the trainer saves them).

    Everything below the LSTM depends on the word alone, so each word's input projections for both
    directions are computed once and cached; a sentence then costs the two recurrent loops.
    """

    def __init__(self, weights: dict[str, np.ndarray], encoder: TokenEncoder) -> None:
        self.w = {k: np.asarray(v, dtype=np.float32) if v.dtype.kind == "f" else v for k, v in weights.items()}
        self.encoder = encoder
        self.hidden = self.w["fw_wh"].shape[0]
        self._wx = np.concatenate([self.w["fw_wx"], self.w["bw_wx"]], axis=1)
        self._bx = np.concatenate([self.w["fw_b"], self.w["bw_b"]])
        self.projected = lru_cache(maxsize=50_000)(self._projected)

    def char_features(self, chars: np.ndarray) -> np.ndarray:
        """Character-CNN max-pooled features of letter-id arrays (…, MAX_CHARS)."""
        w = self.w
        ce = w["char_emb"][chars]
        width = w["conv_w"].shape[0]
        length = chars.shape[-1]
        pad = np.zeros(ce.shape[:-2] + (width - 1, ce.shape[-1]), dtype=np.float32)
        cp = np.concatenate([ce, pad], axis=-2)
        conv = sum(cp[..., k:k + length, :] @ w["conv_w"][k] for k in range(width)) + w["conv_b"]
        conv = np.where((chars > 0)[..., None], np.tanh(conv), -1.0)
        return conv.max(axis=-2)

    def _projected(self, key: str) -> np.ndarray:
        vec, flags, clus, chars, word = self.encoder.encode(key)
        parts = [vec, flags, self.w["clus_emb"][clus], self.char_features(chars)]
        if "word_emb" in self.w:
            parts.append(self.w["word_emb"][word])
        x = np.concatenate(parts)
        return (x @ self._wx + self._bx).astype(np.float32)

    def emissions(self, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Tag scores (B, T, K) of a padded batch of raw-token sentences, and its mask (B, T)."""
        order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
        lengths = np.array([len(sentences[i]) for i in order])
        t = int(lengths[0])
        xw = np.zeros((len(sentences), t, 8 * self.hidden), dtype=np.float32)
        for row, i in enumerate(order):
            if lengths[row]:
                xw[row, :lengths[row]] = [self.projected(token_key(tok)) for tok in sentences[i]]
        four_h = 4 * self.hidden
        fwd = _lstm(xw[..., :four_h], lengths, self.w["fw_wh"], reverse=False)
        bwd = _lstm(xw[..., four_h:], lengths, self.w["bw_wh"], reverse=True)
        scores = np.concatenate([fwd, bwd], axis=-1) @ self.w["out_w"] + self.w["out_b"]
        unsort = np.argsort(order)
        mask = lengths[:, None] > np.arange(t)[None, :]
        return scores[unsort], mask[unsort]

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels of each sentence; the sentences (one document) run as one padded batch."""
        out: list[list[str]] = [[] for _ in sentences]
        todo = [i for i, s in enumerate(sentences) if s]
        if not todo:
            return out
        scores, mask = self.emissions([sentences[i] for i in todo])
        paths = viterbi_batch(scores, mask, self.w["trans"], self.w["start"], self.w["end"])
        for i, path in zip(todo, paths):
            out[i] = [TAGS[k] for k in path]
        return out


def load_network(path: Path, vectors: SubwordVectors) -> BiLstmCrf:
    with np.load(path) as z:
        weights = {k: z[k] for k in z.files if k not in ("alphabet", "words")}
        alphabet = {c: i + 2 for i, c in enumerate(str(z["alphabet"]))}
        words = {w: i + 2 for i, w in enumerate(str(z["words"]).split("\n"))} if "words" in z.files else {}
    return BiLstmCrf(weights, TokenEncoder(vectors, alphabet, words))
