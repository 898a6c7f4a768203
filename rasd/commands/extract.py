"""`rasd extract`: articles in, event records out."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

MIN_ARABIC_SHARE = 0.2     # of letters: below it the article is not Arabic and is skipped with a reason
FORMATS = ("table", "json", "jsonl", "csv", "ucdp-csv", "geojson", "parquet")


def register(app: typer.Typer) -> None:
    @app.command()
    def extract(
        sources: list[str] = typer.Argument(..., help="Files, directories, URLs or - for standard input."),
        published: Optional[str] = typer.Option(None, "--published", "-p",
                                                help="Publication date YYYY-MM-DD for inputs that carry none."),
        fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                          help=f"One of {', '.join(FORMATS)}; table on a terminal, else jsonl."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
        include_all: bool = typer.Option(False, "--all", help="Also show historical, hypothetical, negated, "
                                                              "planned and reported mentions, marked by modality."),
        workers: int = typer.Option(1, "--workers", help="Run on N local processes; --output is then a folder "
                                                         "of shards (parquet, or --format jsonl)."),
        dask: Optional[str] = typer.Option(None, "--dask", help="Run on the Dask scheduler at this address "
                                                                "(tcp://host:8786, or 'local'); --output is a folder."),
    ) -> None:
        """Extract the conflict events each article asserts, as ACLED/UCDP records.

        Example: rasd extract article.txt --published 2022-01-21
        """
        err = Console(stderr=True)
        if workers != 1 or dask:
            from rasd.scale import run_scaled_extract
            raise typer.Exit(run_scaled_extract(sources, out_dir=output, workers=workers, dask_address=dask, fmt=fmt,
                                                published=published, include_all=include_all, err=err))
        code = run_extract(sources, published, fmt, output, include_all, err)
        raise typer.Exit(code)


def run_extract(sources: list[str], published: str | None, fmt: str | None, output: Path | None,
                include_all: bool, err: Console) -> int:
    from rasd.io.readers import Skipped, arabic_share, read_articles
    from rasd.io.writers import write_events
    from rasd.pipeline import ExtractionError, extract_article, parse_published

    fmt = (fmt or ("table" if sys.stdout.isatty() and output is None else "jsonl")).lower()
    if fmt not in FORMATS:
        err.print(f"[red]rasd extract:[/] unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return 2
    if fmt == "parquet" and output is None:
        err.print("[red]rasd extract:[/] parquet needs --output FILE")
        return 2
    try:
        pub: date | None = parse_published(published)
    except ExtractionError as exc:
        err.print(f"[red]rasd extract:[/] {exc}")
        return 2

    stats = {"articles": 0, "undated": 0, "failed": 0, "events": 0}
    skipped: list[Skipped] = []

    def events_of_all():
        """Stream: one article read, extracted and written at a time (memory stays flat on big inputs)."""
        for source in sources:
            for item in read_articles(source, published=pub):
                if isinstance(item, Skipped):
                    skipped.append(item)
                    continue
                if arabic_share(item.text) < MIN_ARABIC_SHARE:
                    skipped.append(Skipped(item.id, "not Arabic text"))
                    continue
                stats["articles"] += 1
                if item.published is None:
                    stats["undated"] += 1
                try:
                    found = extract_article(item, include_all=include_all)
                except Exception as exc:  # one bad article must not stop a batch; it is counted and named
                    stats["failed"] += 1
                    err.print(f"[yellow]rasd extract:[/] article {item.id}: extraction failed "
                              f"({type(exc).__name__}: {exc})")
                    continue
                stats["events"] += len(found)
                yield from found

    if fmt == "table":
        _print_table(list(events_of_all()), output)
    elif fmt == "parquet":
        write_events(events_of_all(), fmt, str(output))
    elif output is not None:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            write_events(events_of_all(), fmt, fh)
    else:
        write_events(events_of_all(), fmt, sys.stdout)
        sys.stdout.flush()
    if stats["articles"] == 0:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in skipped[:5]) or "no input"
        err.print(f"[red]rasd extract:[/] no article to read ({reasons})")
        return 2
    if skipped:
        err.print(f"rasd extract: skipped {len(skipped)} input(s): "
                  + "; ".join(f"{s.source}: {s.reason}" for s in skipped[:5])
                  + (" …" if len(skipped) > 5 else ""))
    if stats["undated"]:
        err.print(f"rasd extract: {stats['undated']} article(s) have no publication date: relative dates "
                  "(أمس, الخميس …) are left unresolved (empty event_date, no time_precision); "
                  "pass --published YYYY-MM-DD")
    if stats["failed"]:
        err.print(f"rasd extract: {stats['failed']} article(s) failed (see above)")
    return 1 if stats["failed"] and stats["failed"] == stats["articles"] else 0


def _print_table(events, output: Path | None) -> None:
    from rich.table import Table
    console = Console(file=open(output, "w", encoding="utf-8") if output else None)
    table = Table(title=f"{len(events)} event(s)", show_lines=True)
    for col in ("date", "type", "where", "actors", "killed", "source", "evidence"):
        table.add_column(col, overflow="fold")
    for ev in events:
        table.add_row(
            f"{ev.event_date or '?'} (p{ev.time_precision or '-'})",
            f"{ev.event_type}\n{ev.sub_event_type}",
            f"{ev.location}, {ev.admin1 or ''} {ev.country_code}\n{ev.location_ar or ''}",
            f"{ev.actor1 or '-'}\n× {ev.actor2 or '-'}",
            "" if ev.fatalities is None else str(ev.fatalities),
            ev.attribution_en or ev.attribution or "",
            ev.evidence[0].text[:160] if ev.evidence else "",
        )
    console.print(table)
