#!/usr/bin/env python3
"""Before/after speed of two source trees of rasd, measured in the same run on the same articles.

On a shared machine the CPU time of one article changes with the neighbours' load (by 1.5x within minutes
here), so two `rasd bench` runs minutes apart do not compare. This script starts one worker process per
tree; each reads the same articles and warms up, then the workers take turns, one round each, extracting
all of them: both see the same load, round by round. It prints CPU ms per article (median and best of the
rounds; the first round meets every word for the first time, the later ones find the per-word caches warm)
and the ratio, and checks that both found the same number of events.

A tree is a folder holding the ``rasd`` package, e.g. an older commit exported with
``git archive COMMIT rasd | tar -x -C /tmp/before``.

Usage: python3 scripts/bench_compare.py --before /tmp/before [--after .] [--models off|on]
                                        [--news ../shared/data/news/ant-2018.jsonl.gz] [--articles 300]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run inside each worker (PYTHONPATH = its tree). A tree from before `extract_article(..., models=)` existed
# runs without the models by switching off the two stages that use them.
WORKER = r"""
import inspect, sys, time
import rasd.pipeline as P
from rasd.io.readers import Skipped, read_articles
source, start, count, models = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "on"
if "models" in inspect.signature(P.extract_article).parameters:
    extract = lambda a: P.extract_article(a, models=models)
else:
    if not models:
        P._named_entities = lambda *args: []
        P._screen_with_classifier = lambda an, candidates: candidates
    extract = P.extract_article
articles = []
for item in read_articles(source):
    if not isinstance(item, Skipped):
        articles.append(item)
    if len(articles) >= start + count:
        break
articles = articles[start:]
for a in articles[:20]:
    extract(a)
print("ready", P.__file__, flush=True)
for _ in sys.stdin:
    t, events = time.process_time(), 0
    for a in articles:
        events += len(extract(a))
    print(time.process_time() - t, events, flush=True)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, type=Path, help="tree with the rasd package to compare against")
    ap.add_argument("--after", default=ROOT, type=Path, help="tree measured against it (default: this one)")
    ap.add_argument("--news", default=str(ROOT.parent / "shared" / "data" / "news" / "ant-2018.jsonl.gz"))
    ap.add_argument("--start", type=int, default=0, help="skip this many articles first")
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--models", choices=("on", "off"), default="off",
                    help="with the trained models, or rules + knowledge base only")
    args = ap.parse_args()
    trees = [args.before.resolve(), args.after.resolve()]
    for tree in trees:
        if not (tree / "rasd" / "pipeline.py").is_file():
            print(f"bench_compare: no rasd package in {tree}", file=sys.stderr)
            return 2
    workers = []
    for tree in trees:
        env = dict(os.environ, PYTHONPATH=str(tree))
        # -P: no current directory on sys.path, so the worker imports rasd from its tree (PYTHONPATH) only
        proc = subprocess.Popen([sys.executable, "-P", "-c", WORKER, args.news, str(args.start), str(args.articles),
                                 args.models], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        ready = proc.stdout.readline().split()
        if ready[:1] != ["ready"] or not Path(ready[1]).resolve().is_relative_to(tree):
            print(f"bench_compare: the worker for {tree} did not start on that tree ({' '.join(ready)})",
                  file=sys.stderr)
            return 2
        workers.append(proc)
    times: list[list[float]] = [[], []]
    events = [0, 0]
    for _ in range(args.rounds):
        for k, proc in enumerate(workers):
            proc.stdin.write("go\n")
            proc.stdin.flush()
            seconds, found = proc.stdout.readline().split()
            times[k].append(float(seconds) / args.articles * 1e3)
            events[k] = int(found)
    for proc in workers:
        proc.stdin.close()
        proc.wait()
    print(f"{args.articles} articles from {args.news} (from #{args.start}), models {args.models}, "
          f"{args.rounds} alternating rounds")
    for name, tree, ms, found in zip(("before", "after"), trees, times, events):
        print(f"  {name:6s} {tree}: CPU {statistics.median(ms):.2f} ms/article median, {min(ms):.2f} best "
              f"({1e3 / statistics.median(ms):.0f} articles/s); {found} events; rounds: "
              + " ".join(f"{x:.2f}" for x in ms))
    ratios = [b / a for b, a in zip(times[0], times[1])]
    print(f"  speed-up after/before: {statistics.median(ratios):.2f}x (median of the rounds' ratios)"
          + ("" if events[0] == events[1] else "  — the event counts differ"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
