"""The numpy pieces of the experimental neural NER tagger: fastText hashing, the LSTM, batched Viterbi."""
from __future__ import annotations

import numpy as np

from rasd.recognise.neural_ner import _lstm, viterbi, viterbi_batch
from rasd.recognise.vectors import SubwordVectors, _quantise, char_ngrams, ngram_hash


def test_ngram_hash_matches_fasttext():
    # reference values from gensim.models.fasttext_inner.ft_hash_bytes (fastText's signed-char FNV-1a)
    assert ngram_hash("<بغ") == 166161025
    assert ngram_hash("داد>") == 1068046450
    assert ngram_hash("abc") == 440920331
    assert ngram_hash("<رامس") == 3982232374


def test_char_ngrams_as_fasttext_orders_them():
    assert char_ngrams("ab", 2, 3) == ["<a", "<ab", "ab", "ab>", "b>"]


def test_unseen_word_gets_the_mean_of_its_ngram_vectors(tmp_path):
    rng = np.random.default_rng(0)
    wq, ws = _quantise(rng.normal(size=(2, 8)).astype(np.float32))
    nq, ns = _quantise(rng.normal(size=(97, 8)).astype(np.float32))
    path = tmp_path / "v.npz"
    np.savez_compressed(path, words="في\nمن", word_q=wq, word_scale=ws, ngram_q=nq, ngram_scale=ns,
                        ngram_range=np.array([2, 3]))
    vectors = SubwordVectors(path)
    assert vectors.known("في") and not vectors.known("رامسفيلد")
    assert np.allclose(vectors.vector("في"), wq[0] * ws[0])
    ngrams = [ngram_hash(g) % 97 for g in char_ngrams("رامسفيلد", 2, 3)]
    assert np.allclose(vectors.vector("رامسفيلد"), (nq[ngrams] * ns[ngrams, None]).mean(0))


def test_lstm_over_sorted_batch_equals_one_sentence_at_a_time():
    rng = np.random.default_rng(1)
    xw = rng.normal(size=(3, 5, 16)).astype(np.float32)
    wh = rng.normal(size=(4, 16)).astype(np.float32) * 0.3
    lengths = np.array([5, 3, 2])
    for reverse in (False, True):
        batch = _lstm(xw, lengths, wh, reverse)
        for i, n in enumerate(lengths):
            alone = _lstm(xw[i:i + 1, :n], lengths[i:i + 1], wh, reverse)
            assert np.allclose(batch[i, :n], alone[0], atol=1e-6)


def test_batched_viterbi_equals_one_sentence_at_a_time():
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(3, 6, 4))
    trans, start, end = rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=4)
    mask = np.array([[True] * 6, [True] * 4 + [False] * 2, [True] + [False] * 5])
    paths = viterbi_batch(scores, mask, trans, start, end)
    for i, n in enumerate(mask.sum(1)):
        assert paths[i] == viterbi(scores[i, :n], trans, start, end)
        # brute force over all tag sequences
        best = max(np.ndindex(*([4] * n)), key=lambda p: start[p[0]] + scores[i, 0, p[0]] + end[p[-1]] + sum(
            trans[p[j - 1], p[j]] + scores[i, j, p[j]] for j in range(1, n)))
        assert paths[i] == list(best)
