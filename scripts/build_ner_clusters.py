"""Build rasd/models/ner.clusters.tsv: distributional word clusters for the NER tagger's features.

Words that occur in the same contexts in unlabelled text share a cluster, so a person or place name
never seen in the NER training data still looks like the names that were. The text (version 2) is
only what licences allow rasd, an Apache-2.0 package, to ship statistics of:
  - ANT corpus v2.1 news, 2018 (../shared/data/news/ant-2018.jsonl.gz; Apache-2.0 badge);
  - the NER corpora's own tokens, labels ignored: ANERcorp (CC BY-SA 4.0) *minus the CAMeL test
    split*, cut exactly as the trainer cuts it (``rasd.train.corpora.split_anercorp``); NewsFANE
    (CC BY-SA 3.0) and the Wojood sample (MIT) minus every sentence that repeats test-split text
    (``exclude_text_of``, as the trainer does). No test-split text enters the clusters.
SaudiNewsNet (CC BY-NC-SA 4.0), used by version 1, is not read: nothing derived from it ships.
Method: counts of the words two and one before and after, over the 3,000 most frequent words,
positive PMI, truncated SVD to 100 dimensions, k-means into 1,024 and 128 clusters (seeded). Only
word → cluster ids are written: no text enters the repository.
Usage: .venv/bin/python scripts/build_ner_clusters.py [OUT] [--min-count=N]   (about 4 minutes on one core)
"""
from __future__ import annotations

import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import svds

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rasd.recognise.ner import token_key  # noqa: E402
from rasd.text.normalise import fold  # noqa: E402
from rasd.text.tokens import TOKEN_RE  # noqa: E402

# Version 1 of the clusters counted every punctuation mark as its own token (the tagger now reads a
# run of one mark as one token); kept so that this script rebuilds the committed file exactly.
CONTEXT_TOKEN_RE = re.compile(TOKEN_RE.pattern + r"|[^\w\s]", re.UNICODE)

NEWS = ROOT.parent / "shared/data/news"
NER = ROOT.parent / "shared/data/ner"
FILES = ("ant-2018.jsonl.gz",)
_ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
OUT = Path(_ARGS[0]) if _ARGS else ROOT / "rasd/models/ner.clusters.tsv"
MIN_COUNT = next((int(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--min-count=")), 8)
N_CONTEXT = 3000
DIMS = 100
SEED = 13
# the neighbours a word is counted with: two on each side, each position its own block of columns
# (version 3; version 2 counted ±1 only, which gave 1.2 points less entity F1 — docs/models.md)
CONTEXT_OFFSETS = (-2, -1, 1, 2)
VERSION = "3"


def ner_corpus_sentences() -> list[list[str]]:
    """The NER corpora's tokens (no labels), with every CAMeL test-split sentence left out exactly as
    the trainer leaves it out."""
    from rasd.train.corpora import exclude_text_of, read_newsfane, read_wojood, split_anercorp
    from rasd.train.ner import ANERCORP, CAMEL_TEST, NEWSFANE, WOJOOD

    split = split_anercorp(NER / ANERCORP, NER / CAMEL_TEST)
    out = [list(s.tokens) for s in split.train]
    others = read_newsfane(NER / NEWSFANE) + [s for name in WOJOOD for s in read_wojood(NER / name)]
    kept, dropped = exclude_text_of(others, [split.test_tail])
    out += [list(s.tokens) for s in kept]
    print(f"NER corpora: {len(split.train)} ANERcorp training sentences, {len(kept)} NewsFANE/Wojood"
          f" sentences ({dropped} repeating test-split text left out)", flush=True)
    return out


def documents():
    for name in FILES:
        with gzip.open(NEWS / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError:
                    continue
                for field in ("title", "text"):
                    if isinstance(doc.get(field), str):
                        yield doc[field]


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 25) -> np.ndarray:
    centres = x[rng.choice(len(x), k, replace=False)].copy()
    assign = np.zeros(len(x), dtype=np.int64)
    for _ in range(iterations):
        sims = np.empty((len(x), k), dtype=np.float32)
        for i in range(0, len(x), 20000):
            sims[i:i + 20000] = x[i:i + 20000] @ centres.T
        assign = sims.argmax(1)
        for c in range(k):
            members = x[assign == c]
            if len(members):
                v = members.sum(0)
                centres[c] = v / (np.linalg.norm(v) or 1.0)
            else:
                centres[c] = x[rng.integers(len(x))]
    return assign


def main() -> None:
    t0 = time.time()
    sequences: list[list[str]] = []
    counts: Counter[str] = Counter()
    for text in documents():
        toks = [token_key(m.group()) for m in CONTEXT_TOKEN_RE.finditer(fold(text))]
        counts.update(toks)
        sequences.append(toks)
    for tokens in ner_corpus_sentences():
        toks = [token_key(t) for t in tokens]
        counts.update(toks)
        sequences.append(toks)
    print(f"{len(sequences)} texts, {sum(counts.values())} tokens, {time.time() - t0:.0f}s", flush=True)
    vocab = [w for w, c in counts.most_common() if c >= MIN_COUNT]
    index = {w: i for i, w in enumerate(vocab)}
    n_ctx = min(N_CONTEXT, len(vocab))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for toks in sequences:
        ids = np.fromiter((index.get(w, -1) for w in toks), dtype=np.int64, count=len(toks))
        for block, offset in enumerate(CONTEXT_OFFSETS):
            if len(ids) <= abs(offset):
                continue
            word, ctx = (ids[-offset:], ids[:offset]) if offset < 0 else (ids[:-offset], ids[offset:])
            ok = (word >= 0) & (ctx >= 0) & (ctx < n_ctx)
            rows.append(word[ok]); cols.append(ctx[ok] + block * n_ctx)
    del sequences
    r = np.concatenate(rows); c = np.concatenate(cols)
    m = sparse.coo_matrix((np.ones(len(r), dtype=np.float32), (r, c)),
                          shape=(len(vocab), len(CONTEXT_OFFSETS) * n_ctx)).tocsr()
    m.sum_duplicates()
    total = m.sum()
    row_sum = np.asarray(m.sum(1)).ravel() + 1e-9
    col_sum = np.asarray(m.sum(0)).ravel() ** 0.75
    col_sum = col_sum / col_sum.sum() * total
    m = m.tocoo()
    pmi = np.log(m.data * total / (row_sum[m.row] * col_sum[m.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    print(f"vocab {len(vocab)}, matrix nnz {ppmi.nnz}, {time.time() - t0:.0f}s", flush=True)
    u, s, _ = svds(ppmi, k=DIMS, random_state=SEED)
    x = (u * np.sqrt(s)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    rng = np.random.default_rng(SEED)
    fine = kmeans(x, 1024, rng)
    coarse = kmeans(x, 128, rng)
    print(f"clustered, {time.time() - t0:.0f}s", flush=True)
    lines = [
        "# rasd NER word clusters: folded token (as rasd.recognise.ner.token_key) <TAB> fine cluster (of 1024)"
        " <TAB> coarse cluster (of 128)",
        f"# version: {VERSION}; built by scripts/build_ner_clusters.py (PPMI of neighbour counts at offsets"
        f" {CONTEXT_OFFSETS}, SVD {DIMS},"
        f" k-means, seed {SEED}, words seen >= {MIN_COUNT} times)",
        "# source: statistics over ANT corpus v2.1 (Chouigui et al., 2018 news; Apache-2.0) and the tokens of"
        " ANERcorp minus the CAMeL test split (CC BY-SA 4.0), NewsFANE Gold 2014 (CC BY-SA 3.0) and the"
        " Wojood sample (MIT) minus test-split text; no text is included",
        "# licence: CC BY-SA 4.0 (word statistics derived from ANERcorp/NewsFANE; credit in docs/ATTRIBUTION.md)",
    ]
    lines += [f"{w}\t{f}\t{k}" for w, f, k in sorted(zip(vocab, fine.tolist(), coarse.tolist()))]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(vocab)} words → {OUT} ({OUT.stat().st_size} bytes), {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
