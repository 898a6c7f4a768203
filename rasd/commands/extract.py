"""`rasd extract` (filled in by the core pipeline)."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def extract(path: str) -> None:
        """Extract events from an article file."""
        raise typer.Exit(1)
