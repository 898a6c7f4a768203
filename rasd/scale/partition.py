"""Cutting the inputs into partitions: the unit of work a local process or a Dask worker runs.

A partition is one input file, or — for a JSONL file (plain or gzip) — a run of its records, so that one big
shard (``ant-2018.jsonl.gz``, 17K articles) still spreads over many workers. Partitions name their input by
path and record range only: they are small, picklable and cheap to ship to a cluster, and each worker reads its
own slice (the path must be readable by the workers: a shared file system or object-store mount on a cluster).
"""
from __future__ import annotations

import gzip
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Records per JSONL partition: large enough that scheduling and the per-partition output file cost little next
# to extraction (≈ 5 s of work at 200 articles/s), small enough to balance the load over a few dozen workers.
DEFAULT_PARTITION_SIZE = 1000

_JSONL_NAMES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: the records ``[first, first + count)`` of ``source``, or all of it when ``count`` is None.

    ``first`` and ``count`` count records as the reader yields them (one per non-blank JSONL line).
    """
    index: int
    source: str
    first: int = 0
    count: int | None = None

    @property
    def label(self) -> str:
        if self.count is None:
            return self.source
        return f"{self.source}[{self.first}:{self.first + self.count}]"


def is_jsonl(path: Path) -> bool:
    return path.name.lower().endswith(_JSONL_NAMES)


def count_records(path: Path) -> int:
    """Non-blank lines of a JSONL file (gzip or plain), read as raw bytes: one record each for the reader."""
    with open(path, "rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
    opener = gzip.open if compressed else open
    with opener(path, "rb") as stream:  # type: ignore[operator]
        return sum(1 for line in stream if line.strip())


def _input_files(sources: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files in a stable order: each source as given, directories walked sorted, hidden names left out."""
    for source in sources:
        path = Path(source)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith("."):
                        yield str(Path(dirpath) / name)
        else:
            # Missing files pass through: the reader turns them into a counted skip, not a traceback.
            yield os.fspath(source)


def plan_partitions(sources: Iterable[str | os.PathLike[str]],
                    partition_size: int = DEFAULT_PARTITION_SIZE) -> list[Partition]:
    """Partitions for ``sources`` (files and directories), in input order.

    JSONL files are cut into runs of ``partition_size`` records; any other file (WARC, HTML, text, feed) is
    one partition. URLs and ``-`` (standard input) cannot be shared with workers and are refused.
    """
    if partition_size < 1:
        raise ValueError(f"partition_size must be at least 1, not {partition_size}")
    partitions: list[Partition] = []
    for source in _input_files(sources):
        if source == "-" or source.startswith(("http://", "https://")):
            raise ValueError(f"{source}: partitioned extraction reads files only; save the input to a file first")
        path = Path(source)
        if path.is_file() and is_jsonl(path):
            try:
                total = count_records(path)
            except (OSError, EOFError):
                total = 0
            if total == 0:
                # Empty or unreadable: one whole-file partition, whose reader reports why it yields nothing.
                partitions.append(Partition(len(partitions), source))
                continue
            for first in range(0, total, partition_size):
                partitions.append(Partition(len(partitions), source, first, min(partition_size, total - first)))
        else:
            partitions.append(Partition(len(partitions), source))
    return partitions
