"""`rasd events`: query the merged events in the store and export them."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

FORMATS = ("table", "csv", "ucdp-csv", "json", "jsonl", "geojson", "parquet")


def register(app: typer.Typer) -> None:
    @app.command()
    def events(
        db: Optional[str] = typer.Option(None, "--db", help="SQLite file or postgresql://… URL "
                                                            "(default: $RASD_DB or ~/.local/share/rasd/rasd.db)."),
        country: Optional[str] = typer.Option(None, "--country", help="Country name or ISO code."),
        admin1: Optional[str] = typer.Option(None, "--admin1", help="First-level region (governorate, province)."),
        since: Optional[str] = typer.Option(None, "--since", help="First event date, YYYY-MM-DD."),
        until: Optional[str] = typer.Option(None, "--until", help="Last event date, YYYY-MM-DD."),
        event_type: Optional[str] = typer.Option(None, "--type", help="ACLED event or sub-event type."),
        actor: Optional[str] = typer.Option(None, "--actor", help="Actor name (English or Arabic), part of it."),
        min_fatalities: Optional[int] = typer.Option(None, "--min-fatalities", min=0),
        search: Optional[str] = typer.Option(None, "--search", "-s", help="Text in Arabic or English."),
        limit: Optional[int] = typer.Option(None, "--limit", min=1),
        fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                          help=f"One of {', '.join(FORMATS)}; table on a terminal, else jsonl. "
                                               "csv is ACLED-compatible."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    ) -> None:
        """List or export merged events.

        Example: rasd events --country Iraq --since 2022-01-01 --min-fatalities 1 -f csv -o iraq.csv
        """
        raise typer.Exit(run_events(db, country, admin1, since, until, event_type, actor, min_fatalities, search,
                                    limit, fmt, output, Console(stderr=True)))


def run_events(db: str | None, country: str | None, admin1: str | None, since: str | None, until: str | None,
               event_type: str | None, actor: str | None, min_fatalities: int | None, search: str | None,
               limit: int | None, fmt: str | None, output: Path | None, err: Console) -> int:
    from rich.markup import escape
    from sqlalchemy.exc import DatabaseError

    from rasd.commands.store_errors import EXIT_BAD_INPUT, database_failure
    from rasd.io.writers import write_events
    from rasd.store.db import EventFilter, StoreError, open_store

    fmt = (fmt or ("table" if sys.stdout.isatty() and output is None else "jsonl")).lower()
    if fmt not in FORMATS:
        err.print(f"[red]rasd events:[/] unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return 2
    if fmt == "parquet" and output is None:
        err.print("[red]rasd events:[/] parquet needs --output FILE")
        return 2
    for name, value in (("--since", since), ("--until", until)):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                err.print(f"[red]rasd events:[/] {name} must be YYYY-MM-DD, not {value!r}")
                return 2
    where = EventFilter(country=country, admin1=admin1, date_from=since, date_to=until, event_type=event_type,
                        actor=actor, min_fatalities=min_fatalities, text=search, limit=limit)
    try:
        store = open_store(db)
    except StoreError as error:
        err.print(f"[red]rasd events:[/] {error}")
        return EXIT_BAD_INPUT
    try:
        found = store.events(where)
        if fmt == "table":
            _print_table(list(found))
        elif fmt == "parquet":
            write_events(found, fmt, output)
        elif output is not None:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                write_events(found, fmt, stream)
        else:
            write_events(found, fmt, sys.stdout)
    except DatabaseError as error:     # a page damaged past those read at open (B8); records before it are out
        message, code = database_failure(error, store.engine.url)
        err.print(f"[red]rasd events:[/] {escape(message)}", soft_wrap=True)
        return code
    finally:
        store.close()
    return 0


def _print_table(events: list) -> None:
    from rich.table import Table
    table = Table(show_lines=False)
    for column in ("date", "type", "where", "actors", "deaths", "sources"):
        table.add_column(column)
    for e in events:
        table.add_row(e.event_date or "", e.sub_event_type, ", ".join(p for p in (e.location, e.admin1, e.country) if p),
                      " vs ".join(a for a in (e.actor1, e.actor2) if a),
                      "" if e.fatalities is None else str(e.fatalities), str(e.extras.get("number_of_sources", "")))
    Console().print(table)
