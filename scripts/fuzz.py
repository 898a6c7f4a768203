#!/usr/bin/env python3
"""Fuzz rasd's text stages and readers with hypothesis for a fixed wall-clock time.

    .venv/bin/python scripts/fuzz.py --minutes 10 --report fuzz-report.json
    nice -n 19 .venv/bin/python scripts/fuzz.py --minutes 10 --targets extract,readers

Targets (round robin, a batch of examples each turn, until the time is up): the normaliser, the segmenter, the
number and date recognisers, the whole ``extract_article``, and the readers (random and mutated bytes behind
every magic number the readers sniff). The strategies and invariants are the ones the test suite runs briefly
(tests/reliability/hostile.py): no exception, every offset quotes the original text.

Each failure is shrunk by hypothesis and recorded once (target, exception, minimal input); the run goes on.
Exit status: 0 when nothing failed, 1 otherwise. The JSON report holds examples run per target and failures.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import HypothesisException  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reliability import hostile  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"
MAGIC_PREFIXES = [b"", b"\x1f\x8b", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", b"WARC/1.0\r\n", b"filedesc://",
                  b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b'{"id": "f", "text": "', b"<rss><channel><item>",
                  b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>', b"<!doctype html><html><body>",
                  b"<?xml version='1.0'?>",
                  # lone surrogates in every JSON field (they once reached the writers through id/url/source)
                  b'{"id": "\\ud800", "url": "http://e.org/\\udfff", "source": "\\udc00", "title": "\\ud800", '
                  b'"published": "2022-01-21\\ud800", "text": "']
NAMES = ["a.txt", "a.jsonl", "a.html", "a.rss", "a.xml", "a.warc", "a.txt.gz", "a.jsonl.gz", "a.warc.gz", "noext"]


def _seed_files() -> list[bytes]:
    seeds = []
    for folder in (FIXTURES / "bad", FIXTURES / "ingest"):
        if folder.is_dir():
            seeds += [p.read_bytes()[:20_000] for p in sorted(folder.iterdir()) if p.is_file()]
    return seeds or [b""]


def _mutate(data: bytes, flips: list[tuple[int, int]], cut: int) -> bytes:
    buf = bytearray(data)
    for pos, value in flips:
        if buf:
            buf[pos % len(buf)] = value
    return bytes(buf[: cut % (len(buf) + 1)]) if cut >= 0 else bytes(buf)


def reader_bytes() -> st.SearchStrategy[tuple[bytes, str]]:
    seeds = _seed_files()
    mutated = st.builds(_mutate, st.sampled_from(seeds),
                        st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=12),
                        st.integers(-1, 25_000))
    framed = st.builds(lambda p, body, text: p + body + text.encode("utf-8", "surrogatepass"),
                       st.sampled_from(MAGIC_PREFIXES), st.binary(max_size=400), hostile.hostile_text(20))
    return st.tuples(st.one_of(mutated, framed), st.sampled_from(NAMES))


def check_reader(data: bytes, name: str, workdir: Path) -> None:
    from rasd.io.readers import Skipped, read_articles
    from rasd.model import Article
    path = workdir / name
    path.write_bytes(data)
    for item in read_articles(path):
        assert isinstance(item, (Article, Skipped)), f"reader yielded {type(item).__name__}"
        for field in dataclasses.fields(item):     # every string writable (UTF-8) and storable
            value = getattr(item, field.name)
            if isinstance(value, str):
                value.encode("utf-8")
        if isinstance(item, Skipped):
            assert item.reason
        else:
            hostile.check_extract(item.text, item.published)


def _targets(workdir: Path) -> dict[str, tuple[st.SearchStrategy, Callable[..., None]]]:
    text = hostile.hostile_text()
    return {
        "normalise": (st.tuples(text), hostile.check_normalise),
        "segment": (st.tuples(text), hostile.check_segment),
        "numbers": (st.tuples(text), hostile.check_numbers),
        "dates": (st.tuples(text, hostile.published_dates()), hostile.check_dates),
        "extract": (st.tuples(hostile.hostile_text(60), hostile.published_dates()), hostile.check_extract),
        "readers": (reader_bytes(), lambda data, name: check_reader(data, name, workdir)),
    }


def _counted(name: str, check: Callable[..., None], examples: dict[str, int]) -> Callable[[tuple], None]:
    def counted(args: tuple) -> None:
        examples[name] += 1
        check(*args)
    return counted


def run(minutes: float, batch: int, chosen: list[str], report_path: Path | None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="rasd-fuzz-"))
    targets = {k: v for k, v in _targets(workdir).items() if k in chosen}
    examples = dict.fromkeys(targets, 0)
    failures: dict[tuple[str, str], dict[str, str]] = {}
    started = time.monotonic()
    deadline = started + minutes * 60
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        for name, (strategy, check) in targets.items():
            if time.monotonic() >= deadline:
                break

            test = settings(max_examples=batch, deadline=None, database=None, derandomize=False,
                            suppress_health_check=list(HealthCheck), print_blob=False)(given(strategy)(_counted(name, check, examples)))
            try:
                test()
            except HypothesisException:
                raise              # a mistake in this script, not a finding
            except Exception as exc:   # record, keep fuzzing the other targets (and this one with new seeds)
                tb = traceback.format_exception(exc)
                where = next((line.strip() for line in reversed(tb) if "/rasd/" in line), "")
                key = (name, f"{type(exc).__name__} {where}")
                if key not in failures:
                    failures[key] = {"target": name, "error": f"{type(exc).__name__}: {str(exc)[:500]}",
                                     "where": where, "traceback": "".join(tb)[-4000:]}
                    print(f"[fuzz] FAILURE in {name}: {type(exc).__name__}: {str(exc)[:200]} ({where})",
                          file=sys.stderr, flush=True)
        elapsed = time.monotonic() - started
        print(f"[fuzz] round {rounds}, {elapsed:.0f} s: " + ", ".join(f"{k} {v}" for k, v in examples.items())
              + f"; {len(failures)} distinct failure(s)", file=sys.stderr, flush=True)
    summary = {
        "minutes": round((time.monotonic() - started) / 60, 2),
        "examples": examples,
        "total_examples": sum(examples.values()),
        "failures": list(failures.values()),
        "python": sys.version.split()[0],
        "commit": os.popen(f"git -C {REPO} rev-parse --short HEAD 2>/dev/null").read().strip(),
    }
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    if report_path:
        report_path.write_text(text, encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "failures"} | {
        "failures": [f"{f['target']}: {f['error'][:160]} ({f['where']})" for f in summary["failures"]]},
        ensure_ascii=False, indent=2))
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="wall-clock duration (default 10)")
    parser.add_argument("--batch", type=int, default=200, help="examples per target per round")
    parser.add_argument("--targets", default="normalise,segment,numbers,dates,extract,readers",
                        help="comma-separated subset of targets")
    parser.add_argument("--report", type=Path, default=None, help="write the JSON report here")
    args = parser.parse_args()
    chosen = [t.strip() for t in args.targets.split(",") if t.strip()]
    return run(args.minutes, args.batch, chosen, args.report)


if __name__ == "__main__":
    sys.exit(main())
