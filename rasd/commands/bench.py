"""`rasd bench`: throughput, latency, memory and start-up of extraction, measured against a floor."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table


def register(app: typer.Typer) -> None:
    @app.command()
    def bench(
        sources: Optional[list[Path]] = typer.Argument(
            None, help="JSONL news files (gzip or not); default ../shared/data/news/ant-2018.jsonl.gz."),
        limit: Optional[int] = typer.Option(None, "--limit", "-n", help="Measure at most this many articles."),
        repeat: int = typer.Option(1, "--repeat", help="Stream the input this many times (memory over 100K "
                                                        "articles from a 49K corpus: --repeat 3)."),
        profile: int = typer.Option(0, "--profile", help="Also cProfile this many articles and list the hot "
                                                         "functions by own time."),
        workers: Optional[str] = typer.Option(None, "--workers", help="Also measure scale-out with these local "
                                                                      "worker counts, e.g. 1,2."),
        dask: Optional[str] = typer.Option(None, "--dask", help="Also measure on Dask: a scheduler address, or "
                                                                "'local' for a local cluster per worker count."),
        scale_limit: int = typer.Option(2000, "--scale-limit", help="Articles for the scale-out runs."),
        record: Optional[Path] = typer.Option(None, "--record", help="Append the results, with the commit, as "
                                                                     "Markdown to this file "
                                                                     "(docs/performance.md)."),
        startup_tries: int = typer.Option(3, "--startup-tries", help="Fresh interpreters started to time "
                                                                     "start-up; the best counts."),
        models: str = typer.Option("both", "--models", help="Extract with the trained models (on), with the "
                                                            "rules and knowledge base alone (off), or both, one "
                                                            "after the other on the same articles (both)."),
        stage_articles: int = typer.Option(1000, "--stage-articles", help="Articles of the separate pass that "
                                                                          "times each stage (those after the "
                                                                          "measured ones)."),
    ) -> None:
        """Benchmark extraction on real news and print a table.

        Example: rasd bench ../shared/data/news/ant-2018.jsonl.gz --limit 5000 --profile 500 --workers 1,2
        """
        raise typer.Exit(run_bench_command(sources, limit, repeat, profile, workers, dask, scale_limit, record,
                                           startup_tries, models, stage_articles))


def run_bench_command(sources: list[Path] | None, limit: int | None, repeat: int, profile: int,
                      workers: str | None, dask: str | None, scale_limit: int, record: Path | None,
                      startup_tries: int = 3, models: str = "both", stage_articles: int = 1000) -> int:
    from rasd.bench import DEFAULT_NEWS, MODEL_SETTINGS, report_markdown, run_bench
    err = Console(stderr=True)
    paths = [str(p) for p in sources] if sources else [DEFAULT_NEWS]
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        err.print(f"[red]rasd bench:[/] no such file: {', '.join(missing)} (give JSONL news files, e.g. "
                  f"{DEFAULT_NEWS})")
        return 2
    if (limit is not None and limit < 1) or repeat < 1 or profile < 0 or scale_limit < 1 or startup_tries < 1 \
            or stage_articles < 1:
        err.print("[red]rasd bench:[/] --limit, --repeat, --scale-limit, --startup-tries and --stage-articles must "
                  "be positive, --profile ≥ 0")
        return 2
    if models not in MODEL_SETTINGS:
        err.print(f"[red]rasd bench:[/] --models takes one of {', '.join(MODEL_SETTINGS)}, not {models!r}")
        return 2
    try:
        counts = tuple(int(n) for n in workers.split(",")) if workers else ()
    except ValueError:
        err.print(f"[red]rasd bench:[/] --workers takes counts separated by commas (1,2,4), not {workers!r}")
        return 2
    if any(n < 1 for n in counts):
        err.print("[red]rasd bench:[/] worker counts must be at least 1")
        return 2
    if dask and not counts:
        counts = (1, 2) if dask == "local" else (1,)
    from rasd.scale.runner import ScaleError
    try:
        report = run_bench(paths, limit, repeat, profile, counts, dask, scale_limit, startup_tries=startup_tries,
                           progress=lambda msg: err.print(f"[dim]{msg}[/]"), models=models,
                           stage_sample=stage_articles)
    except ScaleError as exc:
        err.print(f"[red]rasd bench:[/] {exc}")
        return 2
    print_report(report, Console())
    if record is not None:
        record.parent.mkdir(parents=True, exist_ok=True)
        with open(record, "a", encoding="utf-8") as fh:
            fh.write("\n" + report_markdown(report))
        err.print(f"rasd bench: results appended to {record}")
    if report.extraction.articles == 0:
        err.print("[red]rasd bench:[/] no article could be read")
        return 2
    return 0


def print_report(r, console: Console) -> None:
    from rasd.bench import configuration_name
    x, f, s = r.extraction, r.floor, r.startup
    label = configuration_name(r.extraction_models)
    console.print(f"[bold]rasd bench[/] — commit {r.commit} — {r.machine}", highlight=False)
    console.print(f"{x.articles} articles ({x.text_bytes / 1e6:.1f} MB, {x.mean_article_kb:.1f} KB each) from "
                  f"{', '.join(r.sources)}; {x.skipped} skipped, {x.events} events", highlight=False)
    if x.failed:
        console.print(f"[red]{x.failed} article(s) failed:[/] " + "; ".join(x.failures), highlight=False)
    if s.error:
        console.print(f"[red]start-up failed:[/] {s.error}", highlight=False)

    main = Table(title="Throughput, latency, memory (per core = CPU time of one process)")
    main.add_column("measure")
    main.add_column("value", justify="right")
    main.add_row(f"extraction per core, {label}",
                 f"{x.articles_per_cpu_second:.1f} articles/s · {x.mb_per_cpu_second:.2f} MB/s")
    main.add_row("extraction, wall clock", f"{x.articles_per_wall_second:.1f} articles/s")
    main.add_row("latency per article (CPU)", f"p50 {x.latency_p50_ms:.1f} ms · p95 {x.latency_p95_ms:.1f} ms · "
                                              f"max {x.latency_max_ms:.0f} ms")
    main.add_row("latency per article (wall)", f"p50 {x.wall_p50_ms:.1f} ms · p95 {x.wall_p95_ms:.1f} ms")
    if r.rules_only is not None:
        o = r.rules_only
        main.add_row("extraction per core, rules + KB only",
                     f"{o.articles_per_cpu_second:.1f} articles/s · {o.mb_per_cpu_second:.2f} MB/s")
        main.add_row("latency per article, rules + KB only (CPU)",
                     f"p50 {o.latency_p50_ms:.1f} ms · p95 {o.latency_p95_ms:.1f} ms · max {o.latency_max_ms:.0f} ms")
    main.add_row("floor: read + decode + normalise", f"{f.articles_per_cpu_second:.0f} articles/s · "
                                                     f"{f.mb_per_cpu_second:.2f} MB/s")
    main.add_row(f"extraction / floor, {label}", f"{r.floor_ratio:.1f}×")
    if r.rules_only is not None:
        main.add_row("extraction / floor, rules + KB only", f"{r.ratio_to_floor(r.rules_only):.1f}×")
    main.add_row("start-up: import + KB load (CPU)", f"{s.cpu_seconds:.2f} s ({s.import_cpu:.2f} + "
                                                     f"{s.knowledge_cpu:.2f})")
    main.add_row("first article, cold (CPU)", f"{s.first_article_cpu:.2f} s (lexicons loaded lazily)")
    main.add_row("start-up, wall clock", f"{s.seconds:.2f} s; whole interpreter {s.interpreter_seconds:.2f} s")
    main.add_row("peak RSS", f"{r.memory.peak_mb:.0f} MB")
    main.add_row("RSS growth while streaming", f"{r.memory.growth_mb:+.1f} MB "
                                               f"({r.memory.growth_mb_per_10k:+.2f} MB / 10K articles)")
    from rasd.bench import _spread
    main.add_row("RSS (MB) by articles streamed",
                 " · ".join(f"{n}: {mb:.0f}" for n, mb in _spread(r.memory.samples, 6)))
    console.print(main)

    targets = Table(title="Targets (issue 8)")
    for col in ("target", "goal", "measured", "met"):
        targets.add_column(col)
    for name, goal, measured, ok in r.verdicts():
        targets.add_row(name, goal, measured, "[green]yes[/]" if ok else "[red]no[/]")
    console.print(targets)

    for title, rows in ((label, r.stages), ("rules + KB only", r.rules_only_stages)):
        if not rows:
            continue
        stages = Table(title=f"Where the time goes, {title} (exclusive CPU time per stage, timed in a "
                             f"separate pass over {rows[0].articles} further articles)")
        for col, just in (("stage", "left"), ("calls", "right"), ("CPU s", "right"), ("share", "right"),
                          ("ms / article", "right")):
            stages.add_column(col, justify=just)
        for st in rows:
            stages.add_row(st.name, str(st.calls), f"{st.cpu_seconds:.2f}", f"{st.share:.1%}",
                           f"{st.ms_per_article:.2f}")
        console.print(stages)
    if r.missing_stages:
        console.print("stages not timed (not found): " + ", ".join(r.missing_stages), highlight=False)

    if r.hot_spots:
        hot = Table(title=f"Hot functions (cProfile, own time, {configuration_name(r.hot_spots_models)})")
        for col, just in (("function", "left"), ("calls", "right"), ("own s", "right"), ("cum s", "right"),
                          ("share", "right")):
            hot.add_column(col, justify=just)
        for h in r.hot_spots:
            hot.add_row(h.function, str(h.calls), f"{h.own_seconds:.2f}", f"{h.cumulative_seconds:.2f}",
                        f"{h.share:.1%}")
        console.print(hot)

    if r.scale:
        scale = Table(title="Scale-out (rasd.scale.extract_partitioned, wall clock)")
        for col, just in (("executor", "left"), ("articles", "right"), ("wall s", "right"),
                          ("start-up s", "right"), ("articles/s", "right"), ("speed-up", "right")):
            scale.add_column(col, justify=just)
        base = r.scale[0].articles_per_second or 1.0
        for m in r.scale:
            scale.add_row(m.executor, str(m.articles), f"{m.wall_seconds:.1f}", f"{m.startup_seconds:.1f}",
                          f"{m.articles_per_second:.1f}", f"{m.articles_per_second / base:.2f}×")
        console.print(scale)
