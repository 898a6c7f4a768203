"""Benchmarks: throughput, latency, memory and start-up of the extraction pipeline, against a floor.

Everything `rasd bench` prints comes from here, measured in one run on the same articles:

* **start-up** — a fresh interpreter imports ``rasd.pipeline``, loads the knowledge base and extracts one
  article (cold caches), timed from inside that process;
* **floor** — reading, decoding and normalising the same articles with no extraction: the cost of the
  unavoidable part, so the pipeline's cost is a ratio to it;
* **extraction** — ``extract_article`` on every article, after ``rasd.pipeline.warm_up`` (the lexicons the
  pipeline loads lazily, a one-off cost the start-up row reports): articles/s and MB/s per core (CPU time of this one
  process; wall time is reported too, but on a shared machine it measures the neighbours as well), latency
  per article (p50/p95) and the resident memory sampled while streaming; by default twice, with the trained
  models (NER tagger, event-sentence classifier) and with the rules and knowledge base alone
  (``extract_article(..., models=False)``), as issue 8 sets a target for each;
* **stages** — each pipeline stage's exclusive CPU time, measured by timers wrapped around the stage
  functions the pipeline calls (``normalise``, ``find_places`` …) in a separate pass over the articles that
  follow the measured ones: a timer reads the CPU clock twice a call (a system call here), 2.5–7.7 % of the
  extraction time in A/B runs, so the passes that measure throughput and the floor run with no timer inside;
* **hot spots** (optional) — cProfile's top functions by own time over a sample;
* **scale** (optional) — `rasd.scale.extract_partitioned` with 1, 2 … local processes or on Dask.
"""
from __future__ import annotations

import cProfile
import functools
import gzip
import importlib
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

DEFAULT_NEWS = "../shared/data/news/ant-2018.jsonl.gz"
# Targets from issue 8 (one core): rules + knowledge base ≥ 200 articles/s and within 25× of the floor; with
# the trained models ≥ 40 articles/s.
TARGET_ARTICLES_PER_S = 200.0
TARGET_FLOOR_RATIO = 25.0
TARGET_MODELS_ARTICLES_PER_S = 40.0
MODEL_SETTINGS = ("both", "on", "off")
TARGET_STARTUP_S = 1.0
TARGET_PEAK_RSS_MB = 400.0

# The stage functions timed, as (module, attribute the caller looks up, stage name). The pipeline calls them
# through these module attributes, so wrapping the attribute times every call the pipeline makes. A stage
# whose attribute is gone (the pipeline was refactored) is left out and named in the report.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("rasd.pipeline", "normalise", "normalise"),
    ("rasd.pipeline", "tokenize", "tokenise"),
    ("rasd.pipeline", "split_clauses", "segment sentences"),
    ("rasd.pipeline", "_lexicon_mentions", "recognise victims/sources"),
    ("rasd.pipeline", "_actor_mentions", "recognise actors"),
    ("rasd.pipeline", "_named_entities", "recognise entities (NER, CRF)"),
    ("rasd.pipeline", "_reconcile_with_ner", "recognise places: NER reconcile"),
    ("rasd.pipeline", "find_places", "recognise places"),
    ("rasd.recognise.numbers", "find_numbers", "recognise numbers"),
    ("rasd.recognise.dates", "find_dates", "recognise dates"),
    ("rasd.pipeline", "find_triggers", "recognise triggers"),
    ("rasd.pipeline", "find_casualty_words", "recognise triggers"),
    ("rasd.pipeline", "find_cues", "recognise triggers"),
    ("rasd.pipeline", "_analyse", "analyse (glue)"),
    ("rasd.pipeline", "build_candidates", "assemble: candidates"),
    ("rasd.pipeline", "_screen_with_classifier", "assemble: event-sentence classifier"),
    ("rasd.pipeline", "_event_sentences", "recognise entities (NER, CRF)"),
    ("rasd.pipeline", "merge_candidates", "assemble: merge"),
    ("rasd.pipeline", "choose_type", "assemble: type"),
    ("rasd.pipeline", "assign_roles", "assemble: roles"),
    ("rasd.pipeline", "article_context", "resolve: place context"),
    ("rasd.pipeline", "resolve_mentions", "resolve: places"),
    ("rasd.pipeline", "resolve_draft_date", "resolve: dates"),
    ("rasd.pipeline", "_build_event", "records"),
)
OTHER_STAGE = "other (extract_article glue)"


# --- results --------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Startup:
    """A cold start in a fresh interpreter: wall and CPU seconds from inside it (``interpreter``: from outside)."""
    import_seconds: float
    knowledge_seconds: float
    first_article_seconds: float
    interpreter_seconds: float
    rss_mb: float
    error: str | None = None
    import_cpu: float = 0.0
    knowledge_cpu: float = 0.0
    first_article_cpu: float = 0.0

    @property
    def seconds(self) -> float:
        """Start-up as the issue defines it, wall clock: import + knowledge-base load."""
        return self.import_seconds + self.knowledge_seconds

    @property
    def cpu_seconds(self) -> float:
        """The same in CPU time: what it takes on an idle core (the wall clock adds the neighbours' load)."""
        return self.import_cpu + self.knowledge_cpu

    @property
    def cold_cpu_seconds(self) -> float:
        """Import, knowledge base and the first article (which loads the lexicons the pipeline loads lazily)."""
        return self.import_cpu + self.knowledge_cpu + self.first_article_cpu


@dataclass(frozen=True, slots=True)
class Pass:
    """One pass over the articles: the floor or the extraction."""
    name: str
    articles: int
    skipped: int
    failed: int
    events: int
    text_bytes: int
    wall_seconds: float
    cpu_seconds: float
    latency_p50_ms: float = 0.0       # CPU time per article
    latency_p95_ms: float = 0.0
    latency_max_ms: float = 0.0
    wall_p50_ms: float = 0.0
    wall_p95_ms: float = 0.0
    failures: tuple[str, ...] = ()
    reading_cpu_seconds: float = 0.0   # floor only: a second pass that reads and decodes, not normalising

    @property
    def articles_per_cpu_second(self) -> float:
        return self.articles / self.cpu_seconds if self.cpu_seconds > 0 else 0.0

    @property
    def articles_per_wall_second(self) -> float:
        return self.articles / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def mb_per_cpu_second(self) -> float:
        return self.text_bytes / 1e6 / self.cpu_seconds if self.cpu_seconds > 0 else 0.0

    @property
    def mean_article_kb(self) -> float:
        return self.text_bytes / 1e3 / self.articles if self.articles else 0.0


@dataclass(frozen=True, slots=True)
class StageTime:
    name: str
    calls: int
    cpu_seconds: float
    share: float                      # of the CPU time of the pass the stages were timed in
    articles: int = 0                 # the articles of that pass

    @property
    def ms_per_article(self) -> float:
        return self.cpu_seconds / self.articles * 1e3 if self.articles else 0.0


@dataclass(frozen=True, slots=True)
class MemoryTrace:
    """Resident memory sampled while streaming: (articles done, MB) pairs and the peak of the process."""
    samples: tuple[tuple[int, float], ...]
    peak_mb: float

    @property
    def growth_mb(self) -> float:
        """RSS at the end minus RSS once the first tenth had streamed (caches warm)."""
        if len(self.samples) < 2:
            return 0.0
        settled = self.samples[max(1, len(self.samples) // 10)]
        return self.samples[-1][1] - settled[1]

    @property
    def growth_mb_per_10k(self) -> float:
        if len(self.samples) < 2:
            return 0.0
        settled = self.samples[max(1, len(self.samples) // 10)]
        span = self.samples[-1][0] - settled[0]
        return self.growth_mb / span * 10_000 if span > 0 else 0.0


@dataclass(frozen=True, slots=True)
class HotSpot:
    function: str
    calls: int
    own_seconds: float
    cumulative_seconds: float
    share: float                      # own time as a share of the profiled total


@dataclass(frozen=True, slots=True)
class ScaleMeasure:
    executor: str
    workers: int
    articles: int
    wall_seconds: float
    startup_seconds: float
    cpu_seconds: float
    events: int

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.wall_seconds if self.wall_seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class BenchReport:
    sources: tuple[str, ...]
    commit: str
    machine: str
    started: str
    startup: Startup
    floor: Pass
    extraction: Pass
    stages: tuple[StageTime, ...]
    missing_stages: tuple[str, ...]
    memory: MemoryTrace
    hot_spots: tuple[HotSpot, ...] = ()
    scale: tuple[ScaleMeasure, ...] = ()
    extraction_models: bool = True          # ``extraction`` ran with the trained models
    rules_only: Pass | None = None          # the same articles again, rules + knowledge base only
    rules_only_stages: tuple[StageTime, ...] = ()
    hot_spots_models: bool = True           # the profile ran with the trained models

    @property
    def floor_ratio(self) -> float:
        """Extraction CPU per article over the floor's."""
        return self.ratio_to_floor(self.extraction)

    def ratio_to_floor(self, p: Pass) -> float:
        f = self.floor.cpu_seconds / self.floor.articles if self.floor.articles else 0.0
        e = p.cpu_seconds / p.articles if p.articles else 0.0
        return e / f if f > 0 else 0.0

    @property
    def rules_pass(self) -> Pass | None:
        """The pass without the trained models, if one ran."""
        return self.rules_only if self.rules_only is not None else (
            None if self.extraction_models else self.extraction)

    @property
    def models_pass(self) -> Pass | None:
        return self.extraction if self.extraction_models else None

    def verdicts(self) -> list[tuple[str, str, str, bool]]:
        """(target, goal, measured, met) for each target of issue 8 that the run measured."""
        out = []
        rules, models = self.rules_pass, self.models_pass
        if rules is not None:
            ratio = self.ratio_to_floor(rules)
            out += [
                ("throughput, rules + KB (1 core)", f"≥ {TARGET_ARTICLES_PER_S:.0f} articles/s",
                 f"{rules.articles_per_cpu_second:.1f} articles/s",
                 rules.articles_per_cpu_second >= TARGET_ARTICLES_PER_S),
                ("cost over the floor, rules + KB", f"≤ {TARGET_FLOOR_RATIO:.0f}×", f"{ratio:.1f}×",
                 0 < ratio <= TARGET_FLOOR_RATIO),
            ]
        if models is not None:
            out.append(("throughput with the trained models (1 core)",
                        f"≥ {TARGET_MODELS_ARTICLES_PER_S:.0f} articles/s",
                        f"{models.articles_per_cpu_second:.1f} articles/s",
                        models.articles_per_cpu_second >= TARGET_MODELS_ARTICLES_PER_S))
        return out + [
            ("start-up (import + KB, CPU)", f"< {TARGET_STARTUP_S:.0f} s", f"{self.startup.cpu_seconds:.2f} s "
             f"(+ {self.startup.first_article_cpu:.2f} s lazy loads in the first article)",
             self.startup.error is None and self.startup.cpu_seconds < TARGET_STARTUP_S),
            ("peak RSS", f"< {TARGET_PEAK_RSS_MB:.0f} MB", f"{self.memory.peak_mb:.0f} MB",
             self.memory.peak_mb < TARGET_PEAK_RSS_MB),
            ("memory while streaming", "flat", f"{self.memory.growth_mb:+.1f} MB "
             f"({self.memory.growth_mb_per_10k:+.2f} MB / 10K articles)", self.memory.growth_mb_per_10k < 5.0),
        ]


# --- reading ----------------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Counts:
    skipped: int = 0


def stream_articles(sources: Iterable[str], limit: int | None = None, repeat: int = 1,
                    counts: _Counts | None = None, skip: int = 0) -> Iterator[Any]:
    """Articles from ``sources`` streamed (never held), ``repeat`` times over, at most ``limit`` in all, after
    the first ``skip`` (which are read but neither yielded nor counted)."""
    from rasd.io.readers import Skipped, read_articles
    produced = 0
    for _ in range(max(1, repeat)):
        for source in sources:
            for item in read_articles(source):
                if isinstance(item, Skipped):
                    if counts is not None:
                        counts.skipped += 1
                    continue
                if skip > 0:
                    skip -= 1
                    continue
                if limit is not None and produced >= limit:
                    return
                produced += 1
                yield item


def current_rss_mb() -> float:
    """Resident set size now (Linux /proc; the peak where /proc is missing)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss_mb()


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


# --- start-up --------------------------------------------------------------------------------------------

_STARTUP_CODE = r"""
import json, resource, sys, time
clock, cpu = time.perf_counter, time.process_time
t0, c0 = clock(), cpu()
import rasd.pipeline
t1, c1 = clock(), cpu()
from rasd.scale.runner import warm_up
warm_up()
t2, c2 = clock(), cpu()
first = first_cpu = 0.0
if len(sys.argv) > 1:
    from rasd.io.readers import Article, read_articles
    for item in read_articles(sys.argv[1]):
        if isinstance(item, Article):
            t, c = clock(), cpu()
            rasd.pipeline.extract_article(item)
            first, first_cpu = clock() - t, cpu() - c
            break
print(json.dumps({"import": t1 - t0, "kb": t2 - t1, "first": first, "import_cpu": c1 - c0, "kb_cpu": c2 - c1,
                  "first_cpu": first_cpu, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure_startup(first_article_source: str | None = None, tries: int = 3) -> Startup:
    """Cold start in fresh interpreters (best of ``tries``, as neighbours on a shared machine only add time)."""
    best: Startup | None = None
    for _ in range(max(1, tries)):
        args = [sys.executable, "-c", _STARTUP_CODE] + ([first_article_source] if first_article_source else [])
        t = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
        outer = time.perf_counter() - t
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return Startup(0.0, 0.0, 0.0, outer, 0.0, error=tail)
        m = json.loads(proc.stdout.strip().splitlines()[-1])
        s = Startup(m["import"], m["kb"], m["first"], outer, m["rss"], None, m["import_cpu"], m["kb_cpu"],
                    m["first_cpu"])
        if best is None or s.cpu_seconds < best.cpu_seconds:
            best = s
    assert best is not None
    return best


# --- floor and extraction --------------------------------------------------------------------------------

def measure_floor(sources: Iterable[str], limit: int | None = None, repeat: int = 1) -> Pass:
    """Read, decode and normalise every article: the part of the work extraction cannot avoid."""
    from rasd.text.normalise import normalise
    counts = _Counts()
    articles = text_bytes = 0
    cpu = time.process_time
    wall0, cpu0 = time.perf_counter(), cpu()
    for article in stream_articles(sources, limit, repeat, counts):
        normalise(article.text)
        articles += 1
        text_bytes += len(article.text.encode("utf-8"))
    wall, total = time.perf_counter() - wall0, cpu() - cpu0
    # reading and decoding alone, for the stage table's "read + decode" row (a clock around each normalise
    # call would have slowed the floor itself)
    cpu0 = cpu()
    for article in stream_articles(sources, limit, repeat):
        len(article.text.encode("utf-8"))
    return Pass("floor: read + decode + normalise", articles, counts.skipped, 0, 0, text_bytes, wall, total,
                reading_cpu_seconds=cpu() - cpu0)


class StageClock:
    """Exclusive CPU time per stage: time spent in nested timed stages is charged to them, not the caller."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list[float]] = []

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        clock, stack, cpu, calls = time.process_time, self._stack, self.cpu, self.calls

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            children = [0.0]
            stack.append(children)
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = clock() - start
                stack.pop()
                cpu[stage] += elapsed - children[0]
                calls[stage] += 1
                if stack:
                    stack[-1][0] += elapsed
        timed.__wrapped_stage__ = stage  # type: ignore[attr-defined]
        return timed


@contextmanager
def stage_timers(clock: StageClock, stages: tuple[tuple[str, str, str], ...] = STAGES) -> Iterator[list[str]]:
    """Wrap the stage functions while the block runs; yields the stages that could not be found."""
    patched: list[tuple[Any, str, Any]] = []
    missing: list[str] = []
    try:
        for module_name, attr, stage in stages:
            try:
                module = importlib.import_module(module_name)
            except (ImportError, SyntaxError):   # a module being rewritten: its stage is reported missing
                missing.append(f"{module_name}.{attr}")
                continue
            original = getattr(module, attr, None)
            if not callable(original):
                missing.append(f"{module_name}.{attr}")
                continue
            patched.append((module, attr, original))
            setattr(module, attr, clock.wrap(stage, original))
        yield missing
    finally:
        for module, attr, original in reversed(patched):
            setattr(module, attr, original)


def measure_extraction(sources: Iterable[str], limit: int | None = None, repeat: int = 1,
                       memory_every: int = 500, models: bool = True, skip: int = 0) -> tuple[Pass, MemoryTrace]:
    """``extract_article`` on every article (after the first ``skip``), with per-article latency and RSS
    sampled while streaming (``models=False``: rules and knowledge base only). Stage timers, if any, are the
    caller's (``stage_timers``)."""
    from rasd.pipeline import extract_article
    counts = _Counts()
    articles = events = failed = text_bytes = 0
    cpu_lat: list[float] = []
    wall_lat: list[float] = []
    failures: list[str] = []
    samples: list[tuple[int, float]] = [(0, current_rss_mb())]
    perf, cpu = time.perf_counter, time.process_time
    wall0, cpu0 = perf(), cpu()
    for article in stream_articles(sources, limit, repeat, counts, skip):
        w, c = perf(), cpu()
        try:
            events += len(extract_article(article, models=models))
        except Exception as exc:  # counted and named, never a traceback: the bench goes on
            failed += 1
            if len(failures) < 5:
                failures.append(f"{article.id}: {type(exc).__name__}: {exc}")
        cpu_lat.append(cpu() - c)
        wall_lat.append(perf() - w)
        articles += 1
        text_bytes += len(article.text.encode("utf-8"))
        if articles % memory_every == 0:
            samples.append((articles, current_rss_mb()))
    wall, cpu_total = perf() - wall0, cpu() - cpu0
    if not samples or samples[-1][0] != articles:
        samples.append((articles, current_rss_mb()))
    cpu_lat.sort()
    wall_lat.sort()
    name = "extraction: read + extract_article" + ("" if models else " (rules + KB only)")
    result = Pass(name, articles, counts.skipped, failed, events, text_bytes,
                  wall, cpu_total, _percentile(cpu_lat, 0.5) * 1e3, _percentile(cpu_lat, 0.95) * 1e3,
                  (cpu_lat[-1] if cpu_lat else 0.0) * 1e3, _percentile(wall_lat, 0.5) * 1e3,
                  _percentile(wall_lat, 0.95) * 1e3, tuple(failures))
    return result, MemoryTrace(tuple(samples), peak_rss_mb())


def stage_shares(clock: StageClock, extraction: Pass, floor: Pass | None = None) -> tuple[StageTime, ...]:
    """Stages by exclusive CPU time, plus reading (from the floor pass) and the glue left over, as shares of
    ``extraction``, the pass the stages were timed in."""
    total = extraction.cpu_seconds
    n = extraction.articles
    rows: list[StageTime] = []
    timed = sum(clock.cpu.values())
    reading = 0.0
    if floor is not None and floor.articles:
        # Reading and decoding are not timed inside the extraction pass (normalising is, as a stage): the
        # floor's reading pass per article (else the floor's time less the normalising stage's), scaled to
        # the extraction's articles.
        if floor.reading_cpu_seconds:
            per_article = floor.reading_cpu_seconds / floor.articles
        else:
            normalising = clock.cpu.get("normalise", 0.0) / clock.calls["normalise"] \
                if clock.calls.get("normalise") else 0.0
            per_article = max(0.0, floor.cpu_seconds / floor.articles - normalising)
        reading = min(per_article * n, max(0.0, total - timed))
    for name, seconds in clock.cpu.items():
        rows.append(StageTime(name, clock.calls[name], seconds, seconds / total if total else 0.0, n))
    if floor is not None:
        rows.append(StageTime("read + decode (from the floor)", n, reading, reading / total if total else 0.0, n))
    other = max(0.0, total - timed - reading)
    rows.append(StageTime(OTHER_STAGE, n, other, other / total if total else 0.0, n))
    return tuple(sorted(rows, key=lambda r: -r.cpu_seconds))


STAGE_SAMPLE = 1000     # articles of the stage-timing pass


def measure_stages(sources: Iterable[str], floor: Pass | None, after: int, sample: int = STAGE_SAMPLE,
                   repeat: int = 1, models: bool = True) -> tuple[tuple[StageTime, ...], tuple[str, ...]]:
    """Each stage's share of the extraction time, and the stages not found, from a pass with a timer around
    every stage function over the ``sample`` articles after the first ``after`` (new to the process, as the
    measured ones were to it), or over the first ones again when the input holds no more."""
    clock = StageClock()
    with stage_timers(clock) as missing:
        staged, _ = measure_extraction(sources, sample, repeat, models=models, skip=after)
        if staged.articles == 0:
            staged, _ = measure_extraction(sources, sample, repeat, models=models)
    return stage_shares(clock, staged, floor), tuple(missing)


def profile_hot_spots(sources: Iterable[str], sample: int = 500, top: int = 15,
                      models: bool = True) -> tuple[HotSpot, ...]:
    """cProfile over the first ``sample`` articles: the functions with the most own time."""
    from rasd.pipeline import extract_article
    articles = list(stream_articles(sources, sample))   # a bounded sample, held only for the profile
    profiler = cProfile.Profile()
    profiler.enable()
    for article in articles:
        try:
            extract_article(article, models=models)
        except Exception:  # failures are counted by the extraction pass; the profile only needs the time
            continue
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values()) or 1.0   # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_, ncalls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(HotSpot(_short_function(filename, line, name), ncalls, own, cumulative, own / total))
    rows.sort(key=lambda h: -h.own_seconds)
    return tuple(rows[:top])


def _short_function(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name                      # a builtin: "<method 'finditer' …>"
    path = Path(filename)
    parts = path.parts
    if "rasd" in parts:
        module = ".".join(parts[parts.index("rasd"):]).removesuffix(".py")
    else:
        module = path.stem
    return f"{module}:{line}({name})"


# --- scale ------------------------------------------------------------------------------------------------

def write_sample(sources: Iterable[str], limit: int | None, path: Path) -> int:
    """Copy the first ``limit`` JSONL records of ``sources`` to ``path`` (a local scratch file for scale runs)."""
    written = 0
    with open(path, "wb") as out:
        for source in sources:
            with open(source, "rb") as raw:
                compressed = raw.read(2) == b"\x1f\x8b"
            with (gzip.open(source, "rb") if compressed else open(source, "rb")) as stream:
                for line in stream:
                    if not line.strip():
                        continue
                    if limit is not None and written >= limit:
                        return written
                    out.write(line if line.endswith(b"\n") else line + b"\n")
                    written += 1
    return written


def measure_scale(sources: Iterable[str], worker_counts: Iterable[int], limit: int | None = 2000,
                  dask: str | None = None, partition_size: int = 250) -> tuple[ScaleMeasure, ...]:
    """Throughput of `extract_partitioned` on the same sample with each worker count (and on Dask)."""
    from rasd.scale.runner import extract_partitioned
    scratch = Path(tempfile.mkdtemp(prefix="rasd-bench-"))
    try:
        sample = scratch / "sample.jsonl"
        write_sample(sources, limit, sample)
        measures = []
        runs = [(n, None) for n in worker_counts]
        if dask:
            runs += [(n, dask) for n in worker_counts] if dask == "local" else [(1, dask)]
        for i, (n, address) in enumerate(runs):
            run = extract_partitioned([str(sample)], out_dir=scratch / f"out-{i}", workers=n, dask_address=address,
                                      partition_size=partition_size)
            measures.append(ScaleMeasure(run.executor, n, run.articles, run.wall_seconds, run.startup_seconds,
                                         run.cpu_seconds, run.events))
        return tuple(measures)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --- the whole benchmark ----------------------------------------------------------------------------------

def run_bench(sources: list[str], limit: int | None = None, repeat: int = 1, profile_sample: int = 0,
              worker_counts: tuple[int, ...] = (), dask: str | None = None, scale_limit: int | None = 2000,
              memory_every: int = 500, startup_tries: int = 3,
              progress: Callable[[str], None] | None = None, models: str = "both",
              stage_sample: int = STAGE_SAMPLE) -> BenchReport:
    """Measure everything on ``sources`` (JSONL, gzip or not) and return the report.

    ``models``: "on" extracts with the trained models, "off" with the rules and knowledge base alone, "both"
    does the first (memory traced) and then the second on the same articles; the profile, if asked for,
    runs without the models when that configuration is measured (its 200 articles/s target is the hard one).
    """
    if models not in MODEL_SETTINGS:
        raise ValueError(f"models must be one of {', '.join(MODEL_SETTINGS)}, not {models!r}")
    say = progress or (lambda _msg: None)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    say("start-up in a fresh interpreter …")
    startup = measure_startup(sources[0] if sources else None, startup_tries)
    from rasd.scale.runner import warm_up
    warm_up()
    say("floor: reading, decoding and normalising …")
    floor = measure_floor(sources, limit, repeat)
    with_models = models != "off"
    say(f"extraction of {floor.articles} articles" + (" with the trained models" if with_models else
                                                      ", rules + knowledge base only") + " …")
    # the lexicons loaded lazily and the collector settled before the clock starts: a one-off cost that the
    # start-up row reports ("first article"), not a share of the streaming throughput
    from rasd.pipeline import warm_up as warm_up_pipeline
    warm_up_pipeline(models=with_models)
    extraction, memory = measure_extraction(sources, limit, repeat, memory_every, models=with_models)
    say(f"stage shares: {stage_sample} further articles with a timer around each stage …")
    stages, missing = measure_stages(sources, floor, extraction.articles, stage_sample, repeat, with_models)
    rules_only: Pass | None = None
    rules_stages: tuple[StageTime, ...] = ()
    if models == "both":
        say(f"extraction of the same {floor.articles} articles, rules + knowledge base only …")
        warm_up_pipeline(models=False)
        rules_only, _ = measure_extraction(sources, limit, repeat, memory_every, models=False)
        say(f"stage shares, rules + knowledge base only: {stage_sample} further articles …")
        rules_stages, _ = measure_stages(sources, floor, extraction.articles, stage_sample, repeat, models=False)
    hot: tuple[HotSpot, ...] = ()
    if profile_sample:
        say(f"cProfile over {profile_sample} articles …")
        hot = profile_hot_spots(sources, profile_sample, models=models == "on")
    scale: tuple[ScaleMeasure, ...] = ()
    if worker_counts:
        say(f"scale-out on {scale_limit or 'all'} articles with {', '.join(map(str, worker_counts))} worker(s)"
            + (f" and Dask {dask}" if dask else "") + " …")
        scale = measure_scale(sources, worker_counts, scale_limit, dask)
    return BenchReport(tuple(sources), git_commit(), machine_description(), started, startup, floor, extraction,
                       stages, tuple(missing), memory, hot, scale, with_models, rules_only, rules_stages,
                       hot_spots_models=models == "on")


def git_commit() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "rasd"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" (+ uncommitted changes in rasd/)" if dirty else "")


def machine_description() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = " , load average %.1f" % os.getloadavg()[0]
    except OSError:
        load = ""
    return f"{model}, {os.cpu_count()} CPU(s){load}, Python {platform.python_version()}"


# --- markdown for docs/performance.md ---------------------------------------------------------------------

def _spread(samples: tuple[tuple[int, float], ...], k: int) -> list[tuple[int, float]]:
    """About ``k`` samples evenly spread, first and last included."""
    if len(samples) <= k:
        return list(samples)
    step = (len(samples) - 1) / (k - 1)
    return [samples[round(i * step)] for i in range(k)]


def configuration_name(models: bool) -> str:
    return "with the trained models" if models else "rules + KB only"


def report_markdown(r: BenchReport) -> str:
    x, f, s = r.extraction, r.floor, r.startup
    label = configuration_name(r.extraction_models)
    lines = [
        f"### {r.started} — commit {r.commit}",
        "",
        f"Input: {', '.join(r.sources)} — {x.articles} articles ({x.text_bytes / 1e6:.1f} MB of text, "
        f"{x.mean_article_kb:.1f} KB each), {x.skipped} skipped, {x.failed} failed, {x.events} events "
        f"({label})" + (f", {r.rules_only.events} events (rules + KB only)" if r.rules_only else "")
        + f". Machine: {r.machine}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| extraction {label}, per core (CPU time) | {x.articles_per_cpu_second:.1f} articles/s, "
        f"{x.mb_per_cpu_second:.2f} MB/s |",
        f"| extraction {label}, wall clock | {x.articles_per_wall_second:.1f} articles/s |",
        f"| latency per article {label} (CPU) | p50 {x.latency_p50_ms:.1f} ms, p95 {x.latency_p95_ms:.1f} ms, "
        f"max {x.latency_max_ms:.0f} ms |",
    ]
    if r.rules_only is not None:
        o = r.rules_only
        lines += [
            f"| extraction rules + KB only, per core (CPU time) | {o.articles_per_cpu_second:.1f} articles/s, "
            f"{o.mb_per_cpu_second:.2f} MB/s |",
            f"| latency per article rules + KB only (CPU) | p50 {o.latency_p50_ms:.1f} ms, "
            f"p95 {o.latency_p95_ms:.1f} ms, max {o.latency_max_ms:.0f} ms |",
        ]
    lines += [
        f"| floor (read + decode + normalise), per core | {f.articles_per_cpu_second:.0f} articles/s, "
        f"{f.mb_per_cpu_second:.2f} MB/s |",
        f"| extraction {label} / floor | {r.floor_ratio:.1f}× |",
    ]
    if r.rules_only is not None:
        lines.append(f"| extraction rules + KB only / floor | {r.ratio_to_floor(r.rules_only):.1f}× |")
    lines += [
        f"| start-up: import + KB load, CPU | {s.cpu_seconds:.2f} s ({s.import_cpu:.2f} + {s.knowledge_cpu:.2f}); "
        f"first article (lazy loads) {s.first_article_cpu:.2f} s; cold start to first events {s.cold_cpu_seconds:.2f} s"
        + (f" — failed: {s.error}" if s.error else "") + " |",
        f"| start-up, wall clock | {s.seconds:.2f} s ({s.import_seconds:.2f} + {s.knowledge_seconds:.2f}); first "
        f"article {s.first_article_seconds:.2f} s; whole interpreter {s.interpreter_seconds:.2f} s |",
        f"| peak RSS | {r.memory.peak_mb:.0f} MB |",
        f"| RSS growth while streaming | {r.memory.growth_mb:+.1f} MB ({r.memory.growth_mb_per_10k:+.2f} MB per "
        f"10K articles) |",
        "",
        "RSS (MB) by articles streamed: " + ", ".join(f"{n}: {mb:.0f}" for n, mb in _spread(r.memory.samples, 11)),
        "",
        "| target | goal | measured | met |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {t} | {g} | {m} | {'yes' if ok else '**no**'} |" for t, g, m, ok in r.verdicts()]
    for title, rows in ((label, r.stages), ("rules + KB only", r.rules_only_stages)):
        if rows:
            lines += ["", f"| stage ({title}; timed pass over {rows[0].articles} further articles) | calls | CPU s "
                          "| share | ms / article |", "| --- | ---: | ---: | ---: | ---: |"]
            lines += [f"| {st.name} | {st.calls} | {st.cpu_seconds:.2f} | {st.share:.1%} | {st.ms_per_article:.2f} |"
                      for st in rows]
    if r.missing_stages:
        lines += ["", "Stages not found (pipeline refactored?): " + ", ".join(r.missing_stages)]
    if r.hot_spots:
        lines += ["", f"| hot spot (own time, {configuration_name(r.hot_spots_models)}) | calls | own s | cum s "
                      "| share |", "| --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| `{h.function}` | {h.calls} | {h.own_seconds:.2f} | {h.cumulative_seconds:.2f} | {h.share:.1%} |"
                  for h in r.hot_spots]
    if r.scale:
        lines += ["", "| executor | articles | wall s | start-up s | articles/s | CPU s |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        lines += [f"| {m.executor} | {m.articles} | {m.wall_seconds:.1f} | {m.startup_seconds:.1f} | "
                  f"{m.articles_per_second:.1f} | {m.cpu_seconds:.1f} |" for m in r.scale]
    return "\n".join(lines) + "\n"
