"""The benchmark harness: stage clocks, floor and extraction passes, report and CLI on a tiny input (not timed)."""
from __future__ import annotations

import json
import sys
import time
import types
from pathlib import Path

import pytest

from rasd import bench
from rasd.bench import (MemoryTrace, Pass, StageClock, measure_extraction, measure_floor, report_markdown,
                        stage_shares, stage_timers, stream_articles, write_sample)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "diyala-ghwayran-2022-01-21.article.jsonl"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> str:
    record = json.loads(EXAMPLE.read_text(encoding="utf-8").splitlines()[0])
    path = tmp_path_factory.mktemp("bench") / "sample.jsonl"
    lines = []
    for i in range(6):
        lines.append(json.dumps({**record, "id": f"copy-{i}"}, ensure_ascii=False))
    lines.insert(3, "{broken")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_stage_clock_charges_nested_time_to_the_inner_stage():
    clock = StageClock()
    inner = clock.wrap("inner", lambda: _burn(0.03))

    def outer_body():
        _burn(0.02)
        inner()
    outer = clock.wrap("outer", outer_body)
    outer()
    assert clock.calls == {"outer": 1, "inner": 1}
    assert 0.025 <= clock.cpu["inner"] < 0.06
    assert 0.015 <= clock.cpu["outer"] < 0.035        # its own 20 ms, not the inner 30 ms


def test_stage_timers_restore_the_functions_and_name_missing_ones(monkeypatch):
    module = types.ModuleType("rasd_fake_stage_module")
    module.work = lambda x: x * 2
    monkeypatch.setitem(sys.modules, "rasd_fake_stage_module", module)
    original = module.work
    clock = StageClock()
    stages = (("rasd_fake_stage_module", "work", "work"), ("rasd_fake_stage_module", "gone", "gone"),
              ("rasd_no_such_module", "x", "x"))
    with stage_timers(clock, stages) as missing:
        assert module.work(21) == 42 and module.work is not original
    assert module.work is original
    assert missing == ["rasd_fake_stage_module.gone", "rasd_no_such_module.x"]
    assert clock.calls["work"] == 1


def test_stream_articles_limits_repeats_and_counts_skips(sample):
    counts = bench._Counts()
    ids = [a.id for a in stream_articles([sample], limit=None, repeat=2, counts=counts)]
    assert ids == [f"copy-{i}" for i in range(6)] * 2
    assert counts.skipped == 2
    assert len(list(stream_articles([sample], limit=4, repeat=3))) == 4


def test_stream_articles_skips_the_first_ones_without_counting_them(sample):
    ids = [a.id for a in stream_articles([sample], limit=3, skip=2)]
    assert ids == ["copy-2", "copy-3", "copy-4"]
    assert [a.id for a in stream_articles([sample], skip=5, repeat=2)][:2] == ["copy-5", "copy-0"]
    assert list(stream_articles([sample], skip=6)) == []


def test_stages_are_timed_in_their_own_pass_after_the_measured_articles(sample, monkeypatch):
    import rasd.pipeline
    seen: list[str] = []
    original = rasd.pipeline.extract_article

    def spy(article, *args, **kwargs):
        seen.append(article.id)
        return original(article, *args, **kwargs)

    monkeypatch.setattr(rasd.pipeline, "extract_article", spy)
    floor = measure_floor([sample])
    shares, missing = bench.measure_stages([sample], floor, after=4, sample=10, models=False)
    assert seen == ["copy-4", "copy-5"]                 # the articles after the measured four
    assert {s.articles for s in shares} == {2} and abs(sum(s.share for s in shares) - 1.0) < 0.05
    assert all(s.ms_per_article == pytest.approx(s.cpu_seconds / 2 * 1e3) for s in shares)
    assert rasd.pipeline.normalise.__name__ == "normalise" and not hasattr(rasd.pipeline.normalise,
                                                                          "__wrapped_stage__")  # unwrapped after
    seen.clear()
    shares, _ = bench.measure_stages([sample], floor, after=6, sample=3, models=False)
    assert seen == ["copy-0", "copy-1", "copy-2"]       # no more articles: the first ones again
    assert {s.articles for s in shares} == {3}


def test_floor_and_extraction_passes_on_the_same_articles(sample):
    floor = measure_floor([sample])
    assert 0 < floor.reading_cpu_seconds
    clock = StageClock()
    with stage_timers(clock) as missing:
        extraction, memory = measure_extraction([sample], memory_every=2)
    assert floor.articles == extraction.articles == 6
    assert floor.text_bytes == extraction.text_bytes > 0
    assert floor.skipped == extraction.skipped == 1
    assert extraction.failed == 0, extraction.failures
    assert 0 < extraction.latency_p50_ms <= extraction.latency_p95_ms <= extraction.latency_max_ms
    assert [n for n, _ in memory.samples] == [0, 2, 4, 6] and memory.peak_mb > 0
    assert len(missing) <= 3, f"most pipeline stages not found, update rasd.bench.STAGES: {missing}"
    shares = stage_shares(clock, extraction, floor)
    assert abs(sum(s.share for s in shares) - 1.0) < 0.05
    names = {s.name for s in shares}
    assert {"normalise", "recognise places", "recognise dates", "records"} <= names


def test_memory_growth_is_measured_after_the_first_tenth():
    trace = MemoryTrace(tuple((i * 1000, 100.0 + (5.0 if i else 0.0) + i * 0.1) for i in range(21)), 130.0)
    assert trace.growth_mb == pytest.approx(1.8)      # from sample 2 (2000 articles) to the end
    assert trace.growth_mb_per_10k == pytest.approx(1.0)


def test_report_and_verdicts_flag_missed_targets():
    x = Pass("extraction", 100, 0, 0, 10, 300_000, 2.0, 1.0, 8.0, 20.0, 40.0)
    f = Pass("floor", 100, 0, 0, 0, 300_000, 0.05, 0.02)
    report = bench.BenchReport(("news.jsonl",), "abc123", "test machine", "2026-01-01T00:00:00+00:00",
                               bench.Startup(0.5, 0.9, 0.01, 1.6, 150.0, None, 0.4, 0.7, 0.2), f, x, (), ("rasd.pipeline.gone",),
                               MemoryTrace(((0, 100.0), (100, 100.0)), 150.0))
    verdicts = {name: ok for name, _, _, ok in report.verdicts()}
    assert verdicts == {"throughput with the trained models (1 core)": True,
                        "start-up (import + KB, CPU)": False, "peak RSS": True, "memory while streaming": True}
    assert report.floor_ratio == pytest.approx(50.0)
    md = report_markdown(report)
    assert "commit abc123" in md and "| throughput with the trained models (1 core) | ≥ 40 articles/s | " \
                                     "100.0 articles/s | yes |" in md
    assert "rasd.pipeline.gone" in md


def test_rules_only_pass_is_judged_against_its_own_targets():
    x = Pass("extraction", 100, 0, 0, 10, 300_000, 2.0, 1.0, 8.0, 20.0, 40.0)
    rules = Pass("rules", 100, 0, 0, 12, 300_000, 0.6, 0.4, 3.0, 8.0, 10.0)
    f = Pass("floor", 100, 0, 0, 0, 300_000, 0.05, 0.02)
    report = bench.BenchReport(("news.jsonl",), "abc123", "test machine", "2026-01-01T00:00:00+00:00",
                               bench.Startup(0.1, 0.2, 0.01, 0.5, 150.0, None, 0.1, 0.2, 0.2), f, x, (), (),
                               MemoryTrace(((0, 100.0), (100, 100.0)), 150.0), rules_only=rules)
    verdicts = {name: (measured, ok) for name, _, measured, ok in report.verdicts()}
    assert verdicts["throughput, rules + KB (1 core)"] == ("250.0 articles/s", True)
    assert verdicts["cost over the floor, rules + KB"] == ("20.0×", True)
    assert verdicts["throughput with the trained models (1 core)"] == ("100.0 articles/s", True)
    md = report_markdown(report)
    assert "| extraction rules + KB only / floor | 20.0× |" in md and "12 events (rules + KB only)" in md
    only = bench.BenchReport(("news.jsonl",), "abc123", "test machine", "2026-01-01T00:00:00+00:00",
                             bench.Startup(0.1, 0.2, 0.01, 0.5, 150.0, None, 0.1, 0.2, 0.2), f, rules, (), (),
                             MemoryTrace(((0, 100.0), (100, 100.0)), 150.0), extraction_models=False)
    assert only.rules_pass is rules and only.models_pass is None
    assert "throughput with the trained models (1 core)" not in {v[0] for v in only.verdicts()}


def test_write_sample_copies_the_first_records(sample, tmp_path):
    out = tmp_path / "s.jsonl"
    assert write_sample([sample], 3, out) == 3
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_cli_bench_runs_and_records(sample, tmp_path):
    from typer.testing import CliRunner

    from rasd.cli import _register_subapps, app
    _register_subapps()
    record = tmp_path / "performance.md"
    result = CliRunner().invoke(app, ["bench", sample, "--limit", "3", "--profile", "2", "--startup-tries", "1",
                                        "--record", str(record)])
    assert result.exit_code == 0, result.output
    assert "extraction per core" in result.output and "Where the time goes" in result.output
    assert "rules + KB only" in result.output
    text = record.read_text(encoding="utf-8")
    assert "| extraction with the trained models / floor |" in text and "hot spot" in text
    assert "| extraction rules + KB only / floor |" in text


def test_cli_bench_refuses_missing_input_cleanly(tmp_path):
    from typer.testing import CliRunner

    from rasd.cli import _register_subapps, app
    _register_subapps()
    result = CliRunner().invoke(app, ["bench", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "no such file" in result.output
    result = CliRunner().invoke(app, ["bench", str(EXAMPLE), "--workers", "two"])
    assert result.exit_code == 2
    result = CliRunner().invoke(app, ["bench", str(EXAMPLE), "--models", "maybe"])
    assert result.exit_code == 2 and "--models" in result.output
