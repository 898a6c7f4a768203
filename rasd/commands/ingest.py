"""`rasd ingest`: store articles and their events, merged across articles, in the event store."""
from __future__ import annotations

from datetime import date
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        sources: list[str] = typer.Argument(..., help="Files, directories, JSONL, HTML, RSS/Atom, WARC, URLs "
                                                      "or - for standard input (gzip accepted)."),
        db: Optional[str] = typer.Option(None, "--db", help="SQLite file or postgresql://… URL "
                                                            "(default: $RASD_DB or ~/.local/share/rasd/rasd.db)."),
        published: Optional[str] = typer.Option(None, "--published", "-p",
                                                help="Publication date YYYY-MM-DD for inputs that carry none."),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress line."),
    ) -> None:
        """Store each article once, extract its events and merge them with the events already stored.

        Example: rasd ingest news/ feed.xml crawl.warc.gz --db events.db
        """
        raise typer.Exit(run_ingest(sources, db, published, progress, Console(stderr=True)))


def run_ingest(sources: list[str], db: str | None, published: str | None, show_progress: bool,
               err: Console, extractor=None) -> int:
    from rasd.ingest import ExtractorUnavailable, IngestProgress, ingest
    from rich.markup import escape
    from sqlalchemy.exc import DatabaseError

    from rasd.commands.store_errors import EXIT_BAD_INPUT, database_failure
    from rasd.store.db import StoreError, open_store

    try:
        day = date.fromisoformat(published) if published else None
    except ValueError:
        err.print(f"[red]rasd ingest:[/] --published must be YYYY-MM-DD, not {published!r}")
        return 2
    try:
        store = open_store(db)
    except StoreError as error:
        err.print(f"[red]rasd ingest:[/] {error}")
        return EXIT_BAD_INPUT
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=None),
                      TextColumn("{task.fields[stats]}"), TimeElapsedColumn(), console=err,
                      disable=not show_progress, transient=False) as bar:
            task = bar.add_task("ingesting", total=None, stats="")

            def on_progress(p: IngestProgress) -> None:
                rate = p.articles_read / p.seconds if p.seconds > 0 else 0.0
                bar.update(task, stats=f"{p.articles_read} articles ({rate:.1f}/s), {p.articles_stored} new, "
                                       f"{p.events_found} events found")

            summary = ingest(sources, store, extractor, published=day, on_progress=on_progress)
        counts = store.counts()
    except ExtractorUnavailable as error:
        err.print(f"[red]rasd ingest:[/] {error}")
        return 1
    except DatabaseError as error:  # the write lock held too long, or a page damaged past those read at open
        message, code = database_failure(error, store.engine.url)
        err.print(f"[red]rasd ingest:[/] {escape(message)}", soft_wrap=True)
        return code
    finally:
        store.close()

    err.print(f"{summary.articles_read} articles read in {summary.seconds:.1f} s "
              f"({summary.articles_per_second:.1f}/s): {summary.articles_stored} stored "
              f"({summary.near_duplicates} near-duplicates of stored ones, {summary.versions_replaced} replacing "
              f"another version), {summary.duplicates} already stored, "
              f"{summary.events_found} events found; the store now holds {counts.events} events "
              f"from {counts.articles} articles.")
    if summary.skipped or summary.failed or summary.duplicates:
        table = Table(title="not stored", show_lines=False)
        table.add_column("why")
        table.add_column("count", justify="right")
        table.add_column("first example")
        for reason, count in summary.duplicate_reasons:
            table.add_row(reason, str(count), "")
        for reason, count in summary.skip_reasons():
            example = next(s.source for s in summary.skipped if s.reason == reason)
            table.add_row(f"skipped: {reason}", str(count), example)
        for stage in sorted({f.stage for f in summary.failed}):
            failures = [f for f in summary.failed if f.stage == stage]
            table.add_row(f"failed in {stage}", str(len(failures)), f"{failures[0].source}: {failures[0].message}")
        err.print(table)
    return 0
