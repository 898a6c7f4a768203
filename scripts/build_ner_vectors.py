"""Train fastText skip-gram word vectors (with subwords) on the NER clusters' licence-clean text.

The text is exactly what ``scripts/build_ner_clusters.py`` reads: ANT corpus v2.1 news titles and texts
and the tokens (labels ignored) of ANERcorp's training part (the CAMeL test split cut off by
``split_anercorp``), NewsFANE and the Wojood sample minus every sentence repeating test-split text.
SaudiNewsNet (CC BY-NC-SA) is not read. Tokens are ``rasd.recognise.ner.token_key`` of the folded text.

Writes the gensim model (training-time artefact, not shipped) to OUT (default /tmp/ner_fasttext.model)
and the compact runtime table (``rasd.recognise.vectors`` format) when --table=PATH is given.
Needs the ``train`` extra (gensim). One core: PYTHONHASHSEED=0 OMP_NUM_THREADS=1.
Usage: .venv/bin/python scripts/build_ner_vectors.py [OUT] [--dim=100] [--table=rasd/models/ner.vectors.npz]
"""
from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rasd.recognise.ner import token_key  # noqa: E402
from rasd.text.normalise import fold  # noqa: E402

_spec = importlib.util.spec_from_file_location("build_ner_clusters", ROOT / "scripts/build_ner_clusters.py")
clusters_script = importlib.util.module_from_spec(_spec)
_argv, sys.argv = sys.argv, sys.argv[:1]     # the clusters script reads its own argv at import
_spec.loader.exec_module(clusters_script)
sys.argv = _argv

_ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
_OPTS = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
OUT = Path(_ARGS[0]) if _ARGS else Path("/tmp/ner_fasttext.model")
DIM = int(_OPTS.get("dim", 100))
BUCKETS = int(_OPTS.get("buckets", 200_000))
MIN_N, MAX_N = 2, 5
MIN_COUNT = int(_OPTS.get("min-count", 5))
WINDOW = int(_OPTS.get("window", 5))
EPOCHS = int(_OPTS.get("epochs", 5))
SEED = 13


def write_corpus(path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for text in clusters_script.documents():
            toks = [token_key(m.group()) for m in clusters_script.CONTEXT_TOKEN_RE.finditer(fold(text))]
            if toks:
                fh.write(" ".join(toks) + "\n"); n += len(toks)
        for tokens in clusters_script.ner_corpus_sentences():
            toks = [token_key(t) for t in tokens]
            if toks:
                fh.write(" ".join(toks) + "\n"); n += len(toks)
    return n


def main() -> None:
    from gensim.models import FastText

    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        n = write_corpus(corpus)
        print(f"{n} tokens written, {time.time() - t0:.0f}s", flush=True)
        model = FastText(corpus_file=str(corpus), sg=1, vector_size=DIM, window=WINDOW, min_count=MIN_COUNT,
                         min_n=MIN_N, max_n=MAX_N, bucket=BUCKETS, epochs=EPOCHS, workers=1, seed=SEED)
    model.save(str(OUT))
    print(f"{len(model.wv.index_to_key)} words, dim {DIM}, {BUCKETS} buckets → {OUT}, {time.time() - t0:.0f}s")
    table = _OPTS.get("table")
    if table:
        from rasd.recognise.vectors import export_fasttext
        export_fasttext(model, Path(table), MIN_N, MAX_N)
        print(f"table → {table} ({Path(table).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
