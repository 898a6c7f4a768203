"""Train the NER CRF: ``train(output_path, seed=0)`` writes the model and a JSON card beside it.

The card records the seed, the corpora used with their sha256, what was held out and how, the
hyper-parameters and the training time, so a model in the repository can be rebuilt and checked.
"""
from __future__ import annotations

import json
import platform
import random
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rasd.recognise.ner import CLUSTERS_FILE, GAZETTEER_FILE, MODEL_CARD, MODEL_FILE, sentence_features
from rasd.train import sha256
from rasd.train.corpora import (TaggedSentence, exclude_text_of, read_newsfane, read_wojood,
                                split_anercorp)

PACKAGE_MODELS = Path(__file__).resolve().parents[1] / "models"
SHARED_NER = Path(__file__).resolve().parents[2].parent / "shared/data/ner"
ANERCORP = "anercorp/ANERCorp.txt"
CAMEL_TEST = "anercorp/ANERCorp_CamelLab_test.txt"
NEWSFANE = "newsfane/NewsFANE_Gold_2014_170K.txt"
WOJOOD = ("wojood-sample/train.txt", "wojood-sample/val.txt", "wojood-sample/test.txt")


@dataclass(frozen=True, slots=True)
class CrfSettings:
    c1: float = 0.05                # L1: prunes most of the feature weights to exactly zero
    c2: float = 0.01
    max_iterations: int = 100
    min_feature_freq: int = 1
    # Both lowered entity F1 on the CAMeL test split (docs/models.md): NewsFANE re-annotates the same
    # newswire with other conventions, Wojood's types and domains differ. Off by default.
    use_newsfane: bool = False
    use_wojood: bool = False


@dataclass(frozen=True, slots=True)
class TrainingData:
    sentences: list[TaggedSentence]
    files: tuple[Path, ...]
    report: dict


def training_data(data_dir: Path = SHARED_NER, settings: CrfSettings = CrfSettings()) -> TrainingData:
    """ANERcorp minus the CAMeL test split, plus NewsFANE and Wojood with test text removed."""
    split = split_anercorp(data_dir / ANERCORP, data_dir / CAMEL_TEST)
    sentences = list(split.train)
    files = [data_dir / ANERCORP, data_dir / CAMEL_TEST]
    report: dict = {"anercorp": {"sentences": len(split.train), "tokens": split.train_tokens,
                                 "test_tokens_cut": split.test_tokens,
                                 "test_tokens_identical": split.aligned_tokens,
                                 "how": "the CAMeL test file's tokens, aligned position by position with the "
                                        "last N tokens of ANERCorp.txt (N = test token count); >=95% must be "
                                        "identical (the rest are garbled sentence-initial tokens); training "
                                        "uses ANERCorp.txt minus those N tokens"}}
    train_text = [[t for s in split.train for t in s.tokens]]
    if settings.use_newsfane:
        newsfane = read_newsfane(data_dir / NEWSFANE)
        # NewsFANE is the ANERcorp newswire re-annotated, in another order: keep only the sentences
        # found in ANERcorp's training part and not in the test tail.
        in_train, not_in_train = exclude_text_of(newsfane, train_text)
        missing = len(newsfane) - not_in_train
        kept, in_test = exclude_text_of(in_train, [split.test_tail])
        report["newsfane"] = {"sentences_read": len(newsfane), "not_found_in_anercorp_train": missing,
                              "found_in_test_tail": in_test, "sentences": len(kept),
                              "tokens": sum(len(s.tokens) for s in kept)}
        sentences += kept
        files.append(data_dir / NEWSFANE)
    if settings.use_wojood:
        wojood = [s for name in WOJOOD for s in read_wojood(data_dir / name)]
        kept, in_test = exclude_text_of(wojood, [split.test_tail])
        report["wojood"] = {"sentences_read": len(wojood), "found_in_test_tail": in_test,
                            "sentences": len(kept), "tokens": sum(len(s.tokens) for s in kept)}
        sentences += kept
        files += [data_dir / name for name in WOJOOD]
    return TrainingData(sentences, tuple(files), report)


def train(output_path: Path, seed: int = 0, data_dir: Path = SHARED_NER,
          settings: CrfSettings = CrfSettings()) -> dict:
    """Train the CRF and write ``output_path`` (model) and its card (``ner.json`` beside ``ner.bin``).

    CRFsuite's L-BFGS is deterministic; the seed fixes the order of the training sentences.
    Returns the card.
    """
    import pycrfsuite

    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data = training_data(data_dir, settings)
    order = list(range(len(data.sentences)))
    random.Random(seed).shuffle(order)
    trainer = pycrfsuite.Trainer(verbose=False)
    for i in order:
        s = data.sentences[i]
        trainer.append(sentence_features(s.tokens), list(s.labels))
    trainer.set_params({"c1": settings.c1, "c2": settings.c2, "max_iterations": settings.max_iterations,
                        "feature.minfreq": settings.min_feature_freq,
                        "feature.possible_transitions": True})
    trainer.train(str(output_path))
    seconds = time.perf_counter() - started
    card = {
        "model": output_path.name,
        "family": "linear-chain CRF (CRFsuite, L-BFGS, L1+L2)",
        "labels": "BIO over PER, LOC, ORG, MISC",
        "seed": seed,
        "settings": {k: getattr(settings, k) for k in settings.__slots__},
        "data": [{"file": str(p.relative_to(data_dir)), "sha256": sha256(p)} for p in data.files],
        # the features read these package files: a model is only valid with the same ones
        "feature_files": [{"file": "rasd/models/" + name, "sha256": sha256(PACKAGE_MODELS / name)}
                          for name in (GAZETTEER_FILE, CLUSTERS_FILE)],
        "corpora": data.report,
        "training_sentences": len(data.sentences),
        "training_seconds": round(seconds, 1),
        "model_bytes": output_path.stat().st_size,
        "python": platform.python_version(),
        "python-crfsuite": metadata.version("python-crfsuite"),
        "licences": {"ANERcorp": "CC BY-SA 4.0 (CAMeL Lab distribution)", "NewsFANE": "CC BY-SA 3.0",
                     "Wojood sample": "MIT", "ANT corpus v2.1 (word clusters only)": "Apache-2.0",
                     "GeoNames (gazetteer flags)": "CC BY 4.0",
                     "model and feature files": "CC BY-SA 4.0 (see docs/ATTRIBUTION.md)"},
    }
    card_path = output_path.with_name(MODEL_CARD) if output_path.name == MODEL_FILE else \
        output_path.with_suffix(".json")
    card_path.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return card


def train_command(output: Path | None = None, seed: int = 0) -> dict:
    """What `rasd train ner` runs: train into the package's model folder unless told otherwise."""
    if output is None:
        output = PACKAGE_MODELS / MODEL_FILE
    card = train(output, seed=seed)
    print(json.dumps({k: card[k] for k in ("model", "seed", "training_sentences", "training_seconds",
                                           "model_bytes")}, ensure_ascii=False))
    return card
