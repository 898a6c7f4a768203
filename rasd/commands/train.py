"""`rasd train ner|events`: rebuild the shipped models from the shared corpora and the dev gold."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    train_app = typer.Typer(help="Train the models rasd ships (reproducibly: seed and data are recorded).",
                            no_args_is_help=True)

    @train_app.command("ner")
    def train_ner(output: Optional[Path] = typer.Option(None, "--output", help="Model file (default: shipped)."),
                  seed: int = typer.Option(0, "--seed")) -> None:
        """CRF NER tagger on ANERcorp without the CAMeL test split (needs ../shared/data/ner)."""
        from rasd.train.ner import train_command
        train_command(output, seed)

    @train_app.command("events")
    def train_events(output: Optional[Path] = typer.Option(None, "--output", help="Model folder."),
                     seed: int = typer.Option(0, "--seed")) -> None:
        """Event-sentence classifier on the dev tune split and the hand-labelled news sentences."""
        from rasd.train.events import train_command
        train_command(output, seed)

    app.add_typer(train_app, name="train")
