"""Train the BiLSTM-CRF NER tagger (``rasd.recognise.neural_ner``) with JAX/optax on one CPU core.

Data: ANERcorp minus the CAMeL test split (``rasd.train.ner.training_data``). The last 10 % of the
shuffled training sentences are held out to pick the epoch (no test-split data is used for it).
Word vectors are the shipped fastText table (``ner.vectors.npz``, ``scripts/build_ner_vectors.py``),
frozen. With probability ``oov_rate`` a training token is given the vector an unseen word would get
(mean of its character n-gram vectors), so the network learns to read names it never saw.
Weights are exported as numpy arrays; run time needs numpy only.
"""
from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rasd.recognise.neural_ner import MAX_CHARS, N_FLAGS, TAGS, TokenEncoder
from rasd.recognise.ner import token_key
from rasd.recognise.vectors import SubwordVectors

TAG_INDEX = {t: i for i, t in enumerate(TAGS)}


@dataclass(frozen=True, slots=True)
class NetSettings:
    hidden: int = 100
    char_dim: int = 25
    char_filters: int = 50
    char_width: int = 3
    cluster_dim: int = 16
    dropout: float = 0.5
    learning_rate: float = 2e-3
    batch: int = 16
    epochs: int = 20
    oov_rate: float = 0.25
    word_dim: int = 0              # learnt embedding of the training part's words seen twice or more; 0 = none
    held_out: float = 0.1


def _alphabet(sentences) -> str:
    from collections import Counter
    counts = Counter(c for s in sentences for t in s.tokens for c in token_key(t))
    return "".join(sorted(c for c, n in counts.items() if n >= 2))


def init_params(rng: np.random.Generator, s: NetSettings, dim: int, n_chars: int, n_clusters: int,
                n_words: int = 0) -> dict:
    def u(shape, scale):
        return rng.uniform(-scale, scale, size=shape).astype(np.float32)
    d_in = dim + N_FLAGS + s.cluster_dim + s.char_filters + (s.word_dim if n_words else 0)
    h = s.hidden
    p = {
        "char_emb": u((n_chars, s.char_dim), 0.1),
        "conv_w": u((s.char_width, s.char_dim, s.char_filters), (1.0 / (s.char_width * s.char_dim)) ** 0.5),
        "conv_b": np.zeros(s.char_filters, np.float32),
        "clus_emb": u((n_clusters, s.cluster_dim), 0.1),
        "out_w": u((2 * h, len(TAGS)), (1.0 / (2 * h)) ** 0.5),
        "out_b": np.zeros(len(TAGS), np.float32),
        "trans": np.zeros((len(TAGS), len(TAGS)), np.float32),
        "start": np.zeros(len(TAGS), np.float32),
        "end": np.zeros(len(TAGS), np.float32),
    }
    if n_words:
        p["word_emb"] = u((n_words, s.word_dim), 0.1)
    for d in ("fw", "bw"):
        p[d + "_wx"] = u((d_in, 4 * h), (1.0 / d_in) ** 0.5)
        p[d + "_wh"] = u((h, 4 * h), (1.0 / h) ** 0.5)
        b = np.zeros(4 * h, np.float32)
        b[h:2 * h] = 1.0                     # forget-gate bias 1
        p[d + "_b"] = b
    return p


def _model_fns():
    import jax
    import jax.numpy as jnp

    def lstm(xw, mask, wh, reverse):
        b, t, four = xw.shape
        h_dim = four // 4
        xs = jnp.swapaxes(xw, 0, 1)
        ms = jnp.swapaxes(mask, 0, 1)[..., None]
        if reverse:
            xs, ms = xs[::-1], ms[::-1]

        def step(carry, inp):
            h, c = carry
            x, m = inp
            z = x + h @ wh
            i = jax.nn.sigmoid(z[:, :h_dim]); f = jax.nn.sigmoid(z[:, h_dim:2 * h_dim])
            g = jnp.tanh(z[:, 2 * h_dim:3 * h_dim]); o = jax.nn.sigmoid(z[:, 3 * h_dim:])
            c2 = f * c + i * g
            h2 = o * jnp.tanh(c2)
            c = jnp.where(m, c2, c); h = jnp.where(m, h2, h)
            return (h, c), h
        zero = jnp.zeros((b, h_dim), xw.dtype)
        _, hs = jax.lax.scan(step, (zero, zero), (xs, ms))
        if reverse:
            hs = hs[::-1]
        return jnp.swapaxes(hs, 0, 1)

    def emissions(p, vec, flags, clus, chars, words, mask, key, dropout):
        ce = p["char_emb"][chars]
        width = p["conv_w"].shape[0]
        length = chars.shape[-1]
        cp = jnp.pad(ce, ((0, 0), (0, 0), (0, width - 1), (0, 0)))
        conv = sum(cp[:, :, k:k + length] @ p["conv_w"][k] for k in range(width)) + p["conv_b"]
        conv = jnp.where((chars > 0)[..., None], jnp.tanh(conv), -1.0)
        char_repr = conv.max(axis=2)
        parts = [vec, flags, p["clus_emb"][clus], char_repr]
        if "word_emb" in p:
            parts.append(p["word_emb"][words])
        x = jnp.concatenate(parts, axis=-1)
        if key is not None:
            k1, k2 = jax.random.split(key)
            x = x * jax.random.bernoulli(k1, 1 - dropout, x.shape) / (1 - dropout)
        fwd = lstm(x @ p["fw_wx"] + p["fw_b"], mask, p["fw_wh"], False)
        bwd = lstm(x @ p["bw_wx"] + p["bw_b"], mask, p["bw_wh"], True)
        hid = jnp.concatenate([fwd, bwd], axis=-1)
        if key is not None:
            hid = hid * jax.random.bernoulli(k2, 1 - dropout, hid.shape) / (1 - dropout)
        return hid @ p["out_w"] + p["out_b"]

    def crf_nll(p, scores, tags, mask):
        trans = p["trans"]
        b, t, k = scores.shape
        maskf = mask.astype(scores.dtype)
        # gold path score
        first = p["start"][tags[:, 0]] + jnp.take_along_axis(scores[:, 0], tags[:, :1], 1)[:, 0]
        emit = jnp.take_along_axis(scores, tags[..., None], 2)[..., 0]
        tr = trans[tags[:, :-1], tags[:, 1:]]
        gold = first + ((emit[:, 1:] + tr) * maskf[:, 1:]).sum(1)
        lengths = jnp.maximum(mask.sum(1), 1)
        last_tag = jnp.take_along_axis(tags, (lengths - 1)[:, None], 1)[:, 0]
        gold = gold + p["end"][last_tag]
        # partition function
        alpha0 = p["start"] + scores[:, 0]

        def step(alpha, inp):
            sc, m = inp
            nxt = jax.nn.logsumexp(alpha[:, :, None] + trans[None], axis=1) + sc
            return jnp.where(m[:, None], nxt, alpha), None
        alpha, _ = jax.lax.scan(step, alpha0, (jnp.swapaxes(scores[:, 1:], 0, 1), jnp.swapaxes(mask[:, 1:], 0, 1)))
        logz = jax.nn.logsumexp(alpha + p["end"], axis=1)
        return ((logz - gold) * mask[:, 0]).sum()      # padding rows (no token) count for nothing

    return emissions, crf_nll


def _encode_sentences(encoder: TokenEncoder, vectors: SubwordVectors, sentences):
    """Per sentence: word vectors (own and unseen-style), flags, cluster ids, letters, tags."""
    oov_cache: dict[str, np.ndarray] = {}

    def oov_vector(key: str) -> np.ndarray:
        v = oov_cache.get(key)
        if v is None:
            v = vectors.ngram_vector(key)
            v = oov_cache[key] = (v / (np.linalg.norm(v) + 1e-9)).astype(np.float32)
        return v

    out = []
    for s in sentences:
        keys = [token_key(t) for t in s.tokens]
        enc = [encoder.encode(k) for k in keys]
        out.append((np.stack([e[0] for e in enc]), np.stack([oov_vector(k) for k in keys]),
                    np.stack([e[1] for e in enc]), np.array([e[2] for e in enc], np.int32),
                    np.stack([e[3] for e in enc]), np.array([e[4] for e in enc], np.int32),
                    np.array([TAG_INDEX[l] for l in s.labels], np.int32)))
    return out


# Padded lengths (and a fixed batch size): each distinct shape costs a JAX compilation (~20 s).
LENGTH_BUCKETS = (16, 32, 48, 64, 96, 128)
MAX_TRAIN_LENGTH = LENGTH_BUCKETS[-1]


def _chunks(sentences, limit: int = MAX_TRAIN_LENGTH):
    """Training sentences longer than ``limit`` cut into pieces, never inside an entity."""
    from rasd.train.corpora import TaggedSentence
    out = []
    for s in sentences:
        start = 0
        while len(s.tokens) - start > limit:
            cut = start + limit
            while cut > start + 1 and s.labels[cut].startswith("I-"):
                cut -= 1
            out.append(TaggedSentence(s.tokens[start:cut], s.labels[start:cut]))
            start = cut
        out.append(TaggedSentence(s.tokens[start:], s.labels[start:]) if start else s)
    return out


def _pad_batch(items, oov_rate: float, rng: np.random.Generator, rows: int | None = None):
    longest = max(len(it[-1]) for it in items)
    t = next((b for b in LENGTH_BUCKETS if b >= longest), -(-longest // 64) * 64)
    b = rows or len(items)
    dim = items[0][0].shape[1]
    vec = np.zeros((b, t, dim), np.float32); flags = np.zeros((b, t, N_FLAGS), np.float32)
    clus = np.zeros((b, t), np.int32); chars = np.zeros((b, t, MAX_CHARS), np.int32)
    tags = np.zeros((b, t), np.int32); mask = np.zeros((b, t), bool); words = np.zeros((b, t), np.int32)
    for i, (v, vo, f, c, ch, wd, tg) in enumerate(items):
        n = len(tg)
        if oov_rate > 0:        # this token reads as an unseen word would: n-gram vector, no word id
            swap = rng.random(n) < oov_rate
            v = np.where(swap[:, None], vo, v)
            wd = np.where(swap, 1, wd)
        vec[i, :n], flags[i, :n], clus[i, :n], chars[i, :n], tags[i, :n], mask[i, :n] = v, f, c, ch, tg, True
        words[i, :n] = wd
    return vec, flags, clus, chars, words, mask, tags


def train_network(sentences, vectors: SubwordVectors, settings: NetSettings = NetSettings(), seed: int = 0,
                  log=print) -> tuple[dict, str, dict]:
    """Train; returns (numpy weights, alphabet, word vocabulary, report)."""
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    import jax
    import jax.numpy as jnp
    import optax

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    n_held = int(len(order) * settings.held_out)
    held = [sentences[i] for i in order[:n_held]]
    train = _chunks([sentences[i] for i in order[n_held:]])
    alphabet = _alphabet(train)
    from collections import Counter
    word_counts = Counter(token_key(t) for s in train for t in s.tokens)
    vocabulary = sorted(w for w, n in word_counts.items() if n >= 2) if settings.word_dim else []
    encoder = TokenEncoder(vectors, {c: i + 2 for i, c in enumerate(alphabet)},
                           {w: i + 2 for i, w in enumerate(vocabulary)})
    train_items = _encode_sentences(encoder, vectors, train)
    held_items = _encode_sentences(encoder, vectors, held)
    params = {k: jnp.asarray(v) for k, v in init_params(rng, settings, vectors.dim, len(alphabet) + 2,
                                                        1025, len(vocabulary) + 2 if vocabulary else 0).items()}
    emissions, crf_nll = _model_fns()

    def loss_fn(p, batch, key):
        vec, flags, clus, chars, words, mask, tags = batch
        scores = emissions(p, vec, flags, clus, chars, words, mask, key, settings.dropout)
        return crf_nll(p, scores, tags, mask) / mask.sum()

    @jax.jit
    def update(p, st, batch, key):
        loss, grads = jax.value_and_grad(loss_fn)(p, batch, key)
        upd, st = opt.update(grads, st, p)
        return optax.apply_updates(p, upd), st, loss

    @jax.jit
    def held_scores(p, vec, flags, clus, chars, words, mask):
        return emissions(p, vec, flags, clus, chars, words, mask, None, 0.0)

    from rasd.evaluate.ner import score_sequences
    from rasd.recognise.neural_ner import viterbi

    def held_f1(p) -> float:
        gold, pred = [], []
        np_p = {k: np.asarray(v) for k, v in p.items()}
        for i in range(0, len(held_items), 64):
            chunk = held_items[i:i + 64]
            vec, flags, clus, chars, words, mask, tags = _pad_batch(chunk, 0.0, rng, rows=64)
            sc = np.asarray(held_scores(p, vec, flags, clus, chars, words, mask))
            for r, it in enumerate(chunk):
                n = len(it[-1])
                path = viterbi(sc[r, :n], np_p["trans"], np_p["start"], np_p["end"])
                pred.append([TAGS[k] for k in path]); gold.append([TAGS[k] for k in it[-1]])
        return score_sequences(gold, pred).overall.f1

    key = jax.random.PRNGKey(seed)
    best, best_f1, best_epoch, history = None, -1.0, 0, []
    # batches of similar length: sort by length, cut into batches, shuffle the batches each epoch
    by_len = sorted(range(len(train_items)), key=lambda i: len(train_items[i][-1]))
    batches = [by_len[i:i + settings.batch] for i in range(0, len(by_len), settings.batch)]
    # cosine decay of the learning rate to a tenth over the whole run
    schedule = optax.cosine_decay_schedule(settings.learning_rate, settings.epochs * len(batches), alpha=0.1)
    opt = optax.chain(optax.clip_by_global_norm(5.0), optax.adam(schedule))
    state = opt.init(params)
    for epoch in range(1, settings.epochs + 1):
        t0 = time.perf_counter()
        rng.shuffle(batches)
        total = 0.0
        for idx in batches:
            key, sub = jax.random.split(key)
            batch = _pad_batch([train_items[i] for i in idx], settings.oov_rate, rng, rows=settings.batch)
            params, state, loss = update(params, state, batch, sub)
            total += float(loss)
        f1 = held_f1(params) if held_items else None        # nothing held out: the last epoch is kept
        history.append({"epoch": epoch, "loss": round(total / len(batches), 4),
                        "held_out_f1": None if f1 is None else round(f1, 4)})
        log(f"epoch {epoch}: loss {total / len(batches):.4f} held-out F1 "
            f"{'-' if f1 is None else f'{f1:.4f}'} ({time.perf_counter() - t0:.0f}s)")
        if f1 is None or f1 > best_f1:
            f1 = -1.0 if f1 is None else f1
            best_f1, best_epoch, best = f1, epoch, {k: np.asarray(v) for k, v in params.items()}
    report = {"held_out_sentences": len(held), "training_sentences": len(train), "best_epoch": best_epoch,
              "held_out_f1": round(best_f1, 4) if held_items else None, "history": history,
              "training_seconds": round(time.perf_counter() - started, 1)}
    report["vocabulary"] = len(vocabulary)
    return best, alphabet, vocabulary, report


def save_network(path: Path, weights: dict, alphabet: str, vocabulary: list[str] = (),
                 dtype=np.float16) -> None:
    arrays = {k: (v.astype(dtype) if v.dtype.kind == "f" and k not in ("trans", "start", "end") else v)
              for k, v in weights.items()}
    if vocabulary:
        arrays["words"] = "\n".join(vocabulary)
    np.savez_compressed(path, alphabet=alphabet, **arrays)
