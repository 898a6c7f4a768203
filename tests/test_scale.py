"""Scale-out: partition planning, and partitioned runs (local processes, a real Dask cluster) equal to one process.

The inputs are the example article, ~40 synthetic articles recombined from its sentences (other dates, other
orders), a few broken records, and — when ../shared is beside the checkout — the first 20 ANT-2018 articles.
"""
from __future__ import annotations

import gzip
import json
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from rasd.io.readers import Skipped, read_articles
from rasd.io.writers import event_record
from rasd.pipeline import extract_article
from rasd.scale import (ArticleEvents, ArticleFailure, Partition, PartitionTask, ScaleError, extract_partitioned,
                        iter_extracted, plan_partitions, read_shards, run_partition)
from rasd.text.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "diyala-ghwayran-2022-01-21.article.jsonl"
NEWS = ROOT.parent / "shared" / "data" / "news" / "ant-2018.jsonl.gz"


def _example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8").splitlines()[0])


def _synthetic(n: int) -> list[dict]:
    """Articles made of the example's sentences, rotated and cut, published on other days."""
    base = _example()
    text = base["text"]
    sentences = [text[s.start:s.end] for s in split_sentences(text)]
    published = date.fromisoformat(base["published"][:10])
    out = []
    for i in range(n):
        k = i % len(sentences)
        picked = sentences[k:] + sentences[:k]
        picked = picked[: max(2, len(picked) - i % 4)]
        out.append({"id": f"synthetic-{i:03d}", "source": "synthetic", "url": "",
                    "published": (published + timedelta(days=i % 9)).isoformat(),
                    "title": "", "text": "\n".join(picked)})
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("corpus")
    shard_a = folder / "a.jsonl"
    rows = [json.dumps(_example(), ensure_ascii=False)] + [json.dumps(r, ensure_ascii=False) for r in _synthetic(40)]
    rows.insert(7, "{not json")                      # a broken line: skipped, counted, in the same place
    rows.insert(15, json.dumps({"id": "empty", "text": "  "}))
    shard_a.write_text("\n".join(rows) + "\n", encoding="utf-8")
    sources = [str(shard_a)]
    if NEWS.is_file():
        shard_b = folder / "b.jsonl.gz"
        with gzip.open(NEWS, "rb") as src, gzip.open(shard_b, "wb") as dst:
            for i, line in enumerate(src):
                if i >= 20:
                    break
                dst.write(line)
        sources.append(str(shard_b))
    return sources


@pytest.fixture(scope="module")
def single_process(corpus) -> list[dict]:
    """The reference: every article through extract_article in this process, in input order."""
    records = []
    for source in corpus:
        for item in read_articles(source):
            if not isinstance(item, Skipped):
                records += [json.loads(json.dumps(event_record(e), ensure_ascii=False))
                            for e in extract_article(item)]
    return records


def test_plan_cuts_jsonl_into_record_runs(corpus):
    parts = plan_partitions(corpus[:1], partition_size=10)
    # 43 records (41 articles, 2 broken): 10 + 10 + 10 + 10 + 3
    assert [(p.first, p.count) for p in parts] == [(0, 10), (10, 10), (20, 10), (30, 10), (40, 3)]
    assert [p.index for p in parts] == list(range(5))
    assert parts[0].label.endswith("a.jsonl[0:10]")


def test_plan_keeps_other_files_whole_and_refuses_stdin(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>نص</p></body></html>", encoding="utf-8")
    missing = tmp_path / "missing.jsonl"
    parts = plan_partitions([tmp_path, missing], partition_size=10)
    assert [(Path(p.source).name, p.count) for p in parts] == [("page.html", None), ("missing.jsonl", None)]
    with pytest.raises(ValueError):
        plan_partitions(["-"])
    with pytest.raises(ValueError):
        plan_partitions([str(page)], partition_size=0)


def test_partition_counts_skips_and_writes_nothing_for_a_missing_file(tmp_path):
    result = run_partition(PartitionTask(Partition(0, str(tmp_path / "nope.jsonl")), str(tmp_path / "out")))
    assert (result.articles, result.skipped, result.events, result.error) == (0, 1, 0, None)
    assert "no such file" in result.skip_reasons[0]
    assert Path(result.output).read_text() == ""


def test_in_process_partitions_equal_single_process(corpus, single_process, tmp_path):
    run = extract_partitioned(corpus, out_dir=tmp_path / "out", workers=1, partition_size=7)
    assert run.skipped == 2 and run.failed == 0 and run.failed_partitions == 0
    assert run.articles == 41 + (20 if len(corpus) > 1 else 0)
    assert list(read_shards(tmp_path / "out")) == single_process
    assert len(single_process) > 0
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text(encoding="utf-8"))
    assert manifest["articles"] == run.articles and len(manifest["partitions"]) == len(run.results)


def test_refuses_a_folder_with_shards_and_bad_options(corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-00000.jsonl").write_text("")
    with pytest.raises(ScaleError):
        extract_partitioned(corpus, out_dir=out)
    with pytest.raises(ScaleError):
        extract_partitioned(corpus, out_dir=tmp_path / "x", fmt="csv")
    with pytest.raises(ScaleError):
        extract_partitioned(corpus, out_dir=tmp_path / "y", workers=0)


def _records_of(items) -> tuple[list[dict], int, int]:
    records, skipped, failed = [], 0, 0
    for item in items:
        if isinstance(item, ArticleEvents):
            records += [json.loads(json.dumps(event_record(e), ensure_ascii=False)) for e in item.events]
        elif isinstance(item, ArticleFailure):
            failed += 1
        else:
            skipped += 1
    return records, skipped, failed


def test_iter_extracted_in_process_yields_articles_in_input_order(corpus, single_process):
    items = list(iter_extracted(corpus, partition_size=9))
    ids = [i.article.id for i in items if isinstance(i, ArticleEvents)]
    assert ids[:3] == ["diyala-ghwayran-2022-01-21", "synthetic-000", "synthetic-001"]
    assert _records_of(items) == (single_process, 2, 0)


def test_in_order_keeps_input_order_and_reports_a_lost_partition():
    from concurrent.futures import ThreadPoolExecutor

    from rasd.scale.runner import _in_order

    def work(task):
        if task.partition.index == 2:
            raise MemoryError("worker lost")
        time.sleep(0.02 * (5 - task.partition.index))      # later partitions finish first
        return [task.partition.index]
    tasks = [PartitionTask(Partition(i, f"s{i}.jsonl", 0, 1), "") for i in range(5)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        items = list(_in_order(tasks, lambda t: pool.submit(work, t), width=3))
    assert items[:2] == [0, 1] and items[3:] == [3, 4]
    assert isinstance(items[2], ArticleFailure) and "worker lost" in items[2].message


def test_local_processes_equal_single_process(corpus, single_process, tmp_path):
    run = extract_partitioned(corpus, out_dir=tmp_path / "out", workers=2, partition_size=12)
    assert run.executor == "processes:2"
    assert run.failed_partitions == 0 and run.skipped == 2
    assert len({r.worker for r in run.results}) >= 1
    assert list(read_shards(tmp_path / "out")) == single_process


def test_dask_local_cluster_equals_single_process(corpus, single_process, tmp_path):
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run = extract_partitioned(corpus, out_dir=tmp_path / "out", dask_address=cluster.scheduler_address,
                                  partition_size=12, fmt="parquet")
        with Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
        streamed = _records_of(iter_extracted(corpus, dask_address=cluster.scheduler_address, partition_size=12))
    assert streamed == (single_process, 2, 0)
    assert run.executor.startswith("dask:tcp://")
    assert run.failed_partitions == 0 and run.failed == 0 and run.skipped == 2
    assert run.articles == 41 + (20 if len(corpus) > 1 else 0)
    shards = list(read_shards(tmp_path / "out"))
    # Parquet holds the flat record: compare the fields both carry, event for event, in the same order
    assert [r["event_id"] for r in shards] == [r["event_id"] for r in single_process]
    for got, want in zip(shards, single_process):
        for key in ("event_type", "sub_event_type", "event_date", "location", "fatalities", "actor1", "actor2",
                    "latitude", "longitude", "country_code"):
            assert got[key] == want[key], key


def test_unreachable_scheduler_is_a_clear_error(corpus, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("rasd.scale.runner.DASK_CONNECT_TIMEOUT_S", 2.0)
    with pytest.raises(ScaleError, match="cannot reach"):
        extract_partitioned(corpus, out_dir=tmp_path / "out", dask_address="tcp://127.0.0.1:1")


def test_run_scaled_extract_reports_and_returns_exit_codes(corpus, tmp_path):
    from io import StringIO

    from rich.console import Console

    from rasd.scale import run_scaled_extract
    log = StringIO()
    err = Console(file=log, width=200)
    code = run_scaled_extract(corpus[:1], out_dir=tmp_path / "out", fmt="jsonl", published="2022-01-21",
                              partition_size=20, err=err)
    assert code == 0
    assert "41 articles" in log.getvalue() and "skipped 2 input(s)" in log.getvalue()
    assert run_scaled_extract(corpus, out_dir=None, err=err) == 2
    assert run_scaled_extract(corpus, out_dir=tmp_path / "o2", fmt="csv", err=err) == 2
    assert run_scaled_extract(corpus, out_dir=tmp_path / "o3", published="21/01/2022", err=err) == 2


def test_cli_extract_workers_and_dask_options_refuse_bad_use(corpus, tmp_path):
    from typer.testing import CliRunner

    from rasd.cli import _register_subapps, app
    _register_subapps()
    runner = CliRunner()
    result = runner.invoke(app, ["extract", corpus[0], "--workers", "2"])
    assert result.exit_code == 2 and "--output FOLDER" in result.output
    result = runner.invoke(app, ["extract", corpus[0], "--workers", "0", "--output", str(tmp_path / "o")])
    assert result.exit_code == 2 and "at least 1" in result.output
