"""The shell `rasd extract --workers N | --dask ADDRESS` (and `rasd ingest`) call: options in, summary out."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rasd.scale.partition import DEFAULT_PARTITION_SIZE
from rasd.scale.runner import SHARD_FORMATS, PartitionResult, ScaledRun, ScaleError, extract_partitioned


def run_scaled_extract(sources: list[str], *, out_dir: Path | str | None, workers: int = 1,
                       dask_address: str | None = None, fmt: str | None = None, published: date | str | None = None,
                       include_all: bool = False, partition_size: int = DEFAULT_PARTITION_SIZE,
                       err: Any = None) -> int:
    """Run a partitioned extraction and report it on ``err`` (a Rich console); returns the exit code.

    ``out_dir`` is the folder that receives one shard per partition (``fmt`` jsonl or parquet, default
    parquet) and ``_manifest.json``. ``published`` (a date or YYYY-MM-DD) dates the inputs that carry none.
    Exit code 0: done; 1: every article or partition failed; 2: bad options or no input.
    """
    from rich.console import Console

    from rasd.pipeline import ExtractionError, parse_published
    err = err or Console(stderr=True)
    try:
        published = parse_published(published)
    except ExtractionError as exc:
        err.print(f"[red]rasd:[/] {exc}")
        return 2
    fmt = (fmt or "parquet").lower()
    if out_dir is None:
        err.print("[red]rasd:[/] --workers/--dask write one shard per partition: give --output FOLDER")
        return 2
    if fmt not in SHARD_FORMATS:
        err.print(f"[red]rasd:[/] --workers/--dask write shards as {' or '.join(SHARD_FORMATS)}, not {fmt}")
        return 2
    done = [0]

    def progress(result: PartitionResult) -> None:
        done[0] += 1
        note = f" [red]failed: {result.error}[/]" if result.error else ""
        err.print(f"  partition {done[0]}: {result.partition.label}: {result.articles} articles, "
                  f"{result.events} events, {result.wall_seconds:.1f} s on {result.worker or '?'}{note}",
                  highlight=False)

    try:
        run = extract_partitioned(sources, out_dir=out_dir, workers=workers, dask_address=dask_address, fmt=fmt,
                                  published=published, include_all=include_all, partition_size=partition_size,
                                  on_result=progress)
    except ScaleError as exc:
        err.print(f"[red]rasd:[/] {exc}")
        return 2
    report_run(run, err)
    if run.articles == 0 and run.failed_partitions == 0:
        return 2
    if run.failed_partitions == len(run.results) or (run.articles and run.failed == run.articles):
        return 1
    return 0


def report_run(run: ScaledRun, err: Any) -> None:
    err.print(f"rasd: {run.articles} articles → {run.events} events in {len(run.results)} partitions "
              f"({run.executor}), {run.wall_seconds:.1f} s, {run.articles_per_second:.1f} articles/s; "
              f"shards and _manifest.json in {run.out_dir}", highlight=False)
    if run.skipped:
        reasons = [r for res in run.results for r in res.skip_reasons][:5]
        err.print(f"rasd: skipped {run.skipped} input(s): " + "; ".join(reasons), highlight=False)
    if run.failed:
        failures = [f for res in run.results for f in res.failures][:5]
        err.print(f"rasd: {run.failed} article(s) failed: " + "; ".join(failures), highlight=False)
    if run.failed_partitions:
        errors = [f"{r.partition.label}: {r.error}" for r in run.results if r.error][:5]
        err.print(f"[red]rasd:[/] {run.failed_partitions} partition(s) failed: " + "; ".join(errors),
                  highlight=False)
