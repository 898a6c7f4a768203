"""Partitioned extraction: the same per-partition function run in-process, on local processes or on Dask.

``run_partition`` is the one unit of work. It is a picklable top-level function of a small frozen task, so
``concurrent.futures`` and ``dask.distributed`` ship it the same way; it reads its slice of the input, calls
``rasd.pipeline.extract_article`` on each article and writes the events to its own shard
(``part-00042.jsonl`` or ``.parquet``) under ``out_dir``. Only a small `PartitionResult` travels back, so
the driver's memory stays flat however many articles stream through. The knowledge base is loaded once per
worker process (the pipeline caches it per process; `warm_up` loads it before the first partition).
"""
from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from rasd.scale.partition import DEFAULT_PARTITION_SIZE, Partition, plan_partitions

SHARD_FORMATS = ("jsonl", "parquet")
MANIFEST_NAME = "_manifest.json"
# How long to wait for a Dask scheduler before saying it cannot be reached.
DASK_CONNECT_TIMEOUT_S = 20.0
# Failures and skip reasons kept per partition (the counts are always complete).
_KEEP_REASONS = 5


class ScaleError(ValueError):
    """The partitioned run cannot start (bad option, unreachable scheduler …); the message says what to fix."""


@dataclass(frozen=True, slots=True)
class PartitionTask:
    """Everything a worker needs for one partition; small and picklable."""
    partition: Partition
    out_dir: str
    fmt: str = "jsonl"
    published: date | None = None
    include_all: bool = False


@dataclass(frozen=True, slots=True)
class PartitionResult:
    """What one partition did: counts, its shard, where and how long it ran."""
    partition: Partition
    output: str | None
    articles: int = 0
    events: int = 0
    skipped: int = 0
    failed: int = 0
    text_bytes: int = 0
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    worker: str = ""
    skip_reasons: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()
    error: str | None = None     # the partition as a whole failed (its shard is missing)


@dataclass(frozen=True, slots=True)
class ScaledRun:
    """A whole partitioned run: per-partition results in partition order, and how it was executed."""
    results: tuple[PartitionResult, ...]
    out_dir: str
    executor: str                # "in-process", "processes:N" or "dask:ADDRESS"
    wall_seconds: float
    startup_seconds: float = 0.0  # starting workers / connecting, before the first partition was sent

    @property
    def articles(self) -> int:
        return sum(r.articles for r in self.results)

    @property
    def events(self) -> int:
        return sum(r.events for r in self.results)

    @property
    def skipped(self) -> int:
        return sum(r.skipped for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.results)

    @property
    def failed_partitions(self) -> int:
        return sum(1 for r in self.results if r.error is not None)

    @property
    def text_bytes(self) -> int:
        return sum(r.text_bytes for r in self.results)

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def cpu_seconds(self) -> float:
        return sum(r.cpu_seconds for r in self.results)

    @property
    def outputs(self) -> list[str]:
        return [r.output for r in self.results if r.output]


# --- the unit of work ---------------------------------------------------------------------------------------

def warm_up() -> float:
    """Load the pipeline and its knowledge base in this process; returns the seconds it took (0 when warm)."""
    started = time.perf_counter()
    import rasd.pipeline as pipeline
    load = getattr(pipeline, "_kb", None)   # the pipeline's per-process cache of gazetteer and lexicons
    if callable(load):
        load()
    return time.perf_counter() - started


def shard_path(out_dir: str | os.PathLike[str], partition: Partition, fmt: str) -> Path:
    return Path(out_dir) / f"part-{partition.index:05d}.{fmt}"


def iter_partition_articles(partition: Partition, published: date | None = None) -> Iterator[Any]:
    """The partition's records as the reader yields them: `Article`s and `Skipped`s, streamed."""
    from rasd.io.readers import read_articles
    items = read_articles(partition.source, published=published)
    if partition.count is None:
        return items
    return islice(items, partition.first, partition.first + partition.count)


@dataclass(frozen=True, slots=True)
class ArticleEvents:
    """One article and the events extracted from it (what the store's ``add_article`` takes)."""
    article: Any                 # rasd.model.Article
    events: tuple[Any, ...]      # rasd.model.Event


@dataclass(frozen=True, slots=True)
class ArticleFailure:
    """An article whose extraction raised: named and counted, the batch goes on."""
    article_id: str
    source: str
    message: str


PartitionItem = Any  # ArticleEvents | ArticleFailure | rasd.io.readers.Skipped


def extract_items(partition: Partition, published: date | None = None,
                  include_all: bool = False) -> Iterator[PartitionItem]:
    """The core every executor runs: each record of the partition as events, a skip or a failure."""
    from rasd.io.readers import Skipped
    from rasd.pipeline import extract_article
    for item in iter_partition_articles(partition, published):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            events = extract_article(item, include_all=include_all)
        except Exception as exc:  # one bad article must not sink its partition: counted and named
            yield ArticleFailure(item.id, partition.source, f"{type(exc).__name__}: {exc}")
            continue
        yield ArticleEvents(item, tuple(events))


def run_partition(task: PartitionTask) -> PartitionResult:
    """Extract the events of one partition into its shard; never raises for bad articles (they are counted)."""
    from rasd.io.readers import Skipped
    from rasd.io.writers import write_events

    wall0, cpu0 = time.perf_counter(), time.process_time()
    partition = task.partition
    worker = f"{socket.gethostname()}:{os.getpid()}"
    target = shard_path(task.out_dir, partition, task.fmt)
    # Written under a temporary name and renamed when complete: a retried or killed task leaves no half shard.
    partial = target.with_name(target.name + f".{os.getpid()}.partial")
    articles = events_written = skipped = failed = text_bytes = 0
    skip_reasons: list[str] = []
    failures: list[str] = []
    held: list[Any] = []        # Parquet is written in one piece per partition; JSONL streams
    try:
        Path(task.out_dir).mkdir(parents=True, exist_ok=True)
        with (open(partial, "w", encoding="utf-8", newline="") if task.fmt == "jsonl" else _NoStream()) as stream:
            for item in extract_items(partition, task.published, task.include_all):
                if isinstance(item, Skipped):
                    skipped += 1
                    if len(skip_reasons) < _KEEP_REASONS:
                        skip_reasons.append(f"{item.source}: {item.reason}")
                    continue
                articles += 1
                if isinstance(item, ArticleFailure):
                    failed += 1
                    if len(failures) < _KEEP_REASONS:
                        failures.append(f"{item.article_id}: {item.message}")
                    continue
                text_bytes += len(item.article.text.encode("utf-8"))
                if task.fmt == "jsonl":
                    events_written += write_events(item.events, "jsonl", stream)
                else:
                    held.extend(item.events)
        if task.fmt == "parquet":
            events_written = write_events(held, "parquet", str(partial))
        os.replace(partial, target)
        error = None
        output: str | None = str(target)
    except OSError as exc:
        error, output = f"cannot write {target}: {exc}", None
        try:
            partial.unlink()
        except OSError:
            pass
    return PartitionResult(partition, output, articles, events_written, skipped, failed, text_bytes,
                           time.perf_counter() - wall0, time.process_time() - cpu0, worker,
                           tuple(skip_reasons), tuple(failures), error)


def collect_partition(task: PartitionTask) -> list[PartitionItem]:
    """One partition's items returned to the driver (for the store), instead of written to a shard."""
    return list(extract_items(task.partition, task.published, task.include_all))


class _NoStream:
    """Stands in for the JSONL stream when the shard is Parquet (written at the end)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


# --- executors ----------------------------------------------------------------------------------------------

def extract_partitioned(sources: Iterable[str | os.PathLike[str]], *, out_dir: str | os.PathLike[str],
                        workers: int = 1, dask_address: str | None = None, fmt: str = "jsonl",
                        published: date | None = None, include_all: bool = False,
                        partition_size: int = DEFAULT_PARTITION_SIZE,
                        on_result: Callable[[PartitionResult], None] | None = None) -> ScaledRun:
    """Extract events from ``sources`` partition by partition, writing one shard per partition to ``out_dir``.

    ``workers=1`` runs in this process; ``workers=N`` on N local processes; ``dask_address`` on an existing
    ``dask.distributed`` scheduler (``tcp://host:8786``), or on a new local cluster of ``workers`` processes
    when it is ``"local"``. Every path runs `run_partition`, so the shards are the same whichever runs them.
    ``on_result`` is called in the driver as each partition finishes (progress display).
    """
    fmt = fmt.lower()
    if fmt not in SHARD_FORMATS:
        raise ScaleError(f"shard format {fmt!r} unknown; choose one of {', '.join(SHARD_FORMATS)}")
    if workers < 1:
        raise ScaleError(f"--workers must be at least 1, not {workers}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ScaleError(f"{out} exists and is not a directory: partitioned output is a folder of shards")
    stale = sorted(out.glob("part-*.*")) if out.is_dir() else []
    if stale:
        raise ScaleError(f"{out} already holds shards ({stale[0].name} …): give an empty or new folder")
    out.mkdir(parents=True, exist_ok=True)
    try:
        partitions = plan_partitions(sources, partition_size)
    except ValueError as exc:
        raise ScaleError(str(exc)) from exc
    tasks = [PartitionTask(p, str(out), fmt, published, include_all) for p in partitions]

    started = time.perf_counter()
    if dask_address:
        results, executor, startup = _run_dask(tasks, dask_address, workers, on_result)
    elif workers > 1:
        results, executor, startup = _run_processes(tasks, workers, on_result)
    else:
        warm_up()
        results = []
        for task in tasks:
            results.append(run_partition(task))
            if on_result:
                on_result(results[-1])
        executor, startup = "in-process", 0.0
    run = ScaledRun(tuple(sorted(results, key=lambda r: r.partition.index)), str(out), executor,
                    time.perf_counter() - started, startup)
    write_manifest(run)
    return run


def _failed(task: PartitionTask, exc: BaseException) -> PartitionResult:
    return PartitionResult(task.partition, None, error=f"{type(exc).__name__}: {exc}")


def _run_processes(tasks: list[PartitionTask], workers: int,
                   on_result: Callable[[PartitionResult], None] | None) -> tuple[list[PartitionResult], str, float]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    t0 = time.perf_counter()
    # spawn, not fork: the same clean worker start as a Dask nanny, and safe when the driver holds threads.
    context = multiprocessing.get_context("spawn")
    results: list[PartitionResult] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_initialise_worker) as pool:
        futures = {pool.submit(run_partition, task): task for task in tasks}
        startup = time.perf_counter() - t0
        for future in as_completed(futures):
            task = futures.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # a worker died (killed, out of memory): the partition is reported failed
                result = _failed(task, exc)
            results.append(result)
            if on_result:
                on_result(result)
    return results, f"processes:{workers}", startup


def _initialise_worker() -> None:
    warm_up()


@contextmanager
def dask_client(address: str, workers: int = 1) -> Iterator[Any]:
    """A ``distributed.Client`` on the scheduler at ``address``, or on a new local cluster for ``"local[:N]"``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a declared dependency
        raise ScaleError("--dask needs dask.distributed: pip install 'distributed'") from exc
    cluster = None
    try:
        if address == "local" or address.startswith("local:"):
            n = int(address.split(":", 1)[1]) if ":" in address else workers
            # One thread per worker process: extraction is pure Python, threads would only share one core.
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(address, timeout=f"{DASK_CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
        if cluster is not None:
            cluster.close()
        hint = ("; a script that starts a local cluster must guard its code with "
                "`if __name__ == \"__main__\":`" if cluster is None and address.startswith("local") else "")
        raise ScaleError(f"cannot reach the Dask scheduler at {address}: {exc}{hint}") from exc
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_label(client: Any, address: str) -> str:
    if address == "local" or address.startswith("local:"):
        return f"dask:local:{len(client.scheduler_info().get('workers', {}))}"
    return f"dask:{address}"


def _run_dask(tasks: list[PartitionTask], address: str, workers: int,
              on_result: Callable[[PartitionResult], None] | None) -> tuple[list[PartitionResult], str, float]:
    from distributed import as_completed

    t0 = time.perf_counter()
    results: list[PartitionResult] = []
    with dask_client(address, workers) as client:
        client.run(warm_up)
        startup = time.perf_counter() - t0
        executor = _dask_label(client, address)
        futures = client.map(run_partition, tasks, pure=False)
        by_key = {f.key: t for f, t in zip(futures, tasks)}
        for future in as_completed(futures):
            task = by_key[future.key]
            try:
                result = future.result()
            except Exception as exc:  # the task raised or its worker was lost: reported, the run goes on
                result = _failed(task, exc)
            results.append(result)
            future.release()
            if on_result:
                on_result(result)
    return results, executor, startup


# --- for the store: items back to the driver, in input order -------------------------------------------

def iter_extracted(sources: Iterable[str | os.PathLike[str]], *, workers: int = 1, dask_address: str | None = None,
                   published: date | None = None, include_all: bool = False,
                   partition_size: int = DEFAULT_PARTITION_SIZE, window: int | None = None) -> Iterator[PartitionItem]:
    """Every record of ``sources`` as `ArticleEvents`, `ArticleFailure` or ``Skipped``, in input order.

    The same per-partition core as `extract_partitioned`, but the items come back to the caller (the store
    writes them one by one: its cross-article merge is sequential). At most ``window`` partitions (default
    twice the workers) are in flight, so memory stays bounded however long the input.
    """
    if workers < 1:
        raise ScaleError(f"--workers must be at least 1, not {workers}")
    try:
        tasks = [PartitionTask(p, "", "jsonl", published, include_all)
                 for p in plan_partitions(sources, partition_size)]
    except ValueError as exc:
        raise ScaleError(str(exc)) from exc
    if dask_address:
        with dask_client(dask_address, workers) as client:
            client.run(warm_up)
            width = window or 2 * max(1, sum(client.nthreads().values()))
            yield from _in_order(tasks, lambda t: client.submit(collect_partition, t, pure=False), width)
    elif workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_initialise_worker) as pool:
            yield from _in_order(tasks, lambda t: pool.submit(collect_partition, t), window or 2 * workers)
    else:
        for task in tasks:
            yield from extract_items(task.partition, published, include_all)


def _in_order(tasks: list[PartitionTask], submit: Callable[[PartitionTask], Any], width: int) -> Iterator[Any]:
    from collections import deque
    pending: deque[tuple[PartitionTask, Any]] = deque()
    upcoming = iter(tasks)
    for task in islice(upcoming, max(1, width)):
        pending.append((task, submit(task)))
    while pending:
        task, future = pending.popleft()
        try:
            items = future.result()
        except Exception as exc:  # a lost worker: the whole partition is reported as one failure
            items = [ArticleFailure("", task.partition.label, f"partition failed: {type(exc).__name__}: {exc}")]
        following = next(upcoming, None)
        if following is not None:
            pending.append((following, submit(following)))
        yield from items


# --- output ---------------------------------------------------------------------------------------------------

def write_manifest(run: ScaledRun) -> Path:
    """``_manifest.json`` beside the shards: per-partition counts, reasons and timings, for audit and resume."""
    path = Path(run.out_dir) / MANIFEST_NAME
    body = {
        "executor": run.executor, "wall_seconds": round(run.wall_seconds, 3),
        "articles": run.articles, "events": run.events, "skipped": run.skipped, "failed": run.failed,
        "failed_partitions": run.failed_partitions,
        "partitions": [{**asdict(r), "partition": asdict(r.partition)} for r in run.results],
    }
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path


def read_shards(out_dir: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The event records of a partitioned run, shard by shard in partition order (JSONL or Parquet shards)."""
    for shard in sorted(Path(out_dir).glob("part-*.*")):
        if shard.name.endswith(".partial"):
            continue
        if shard.suffix == ".jsonl":
            with open(shard, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield json.loads(line)
        elif shard.suffix == ".parquet":
            import pyarrow.parquet as pq
            yield from pq.read_table(shard).to_pylist()
