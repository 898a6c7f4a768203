"""`rasd evaluate`: score extraction against gold files (and `rasd evaluate ner`)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    evaluate_app = typer.Typer(help="Measure rasd against hand-made gold.", invoke_without_command=True)

    @evaluate_app.callback()
    def evaluate(
        ctx: typer.Context,
        gold: Optional[Path] = typer.Option(None, "--gold", help="Folder of gold JSON files (ANNOTATION.md)."),
        articles: Optional[Path] = typer.Option(None, "--articles", help="JSONL of the gold's articles."),
        split: Optional[str] = typer.Option(None, "--split", help="tune or test (reads splits.json beside --gold)."),
        errors: bool = typer.Option(False, "--errors", help="List missed and spurious events with evidence."),
        as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
        predictions: Optional[Path] = typer.Option(None, "--save-predictions", help="Write predictions (JSONL)."),
    ) -> None:
        """Event precision, recall and F1 plus field accuracies, by the rules of shared/eval/score.py.

        Example: rasd evaluate --gold eval/dev/gold --articles eval/dev/articles.jsonl --split test
        """
        if ctx.invoked_subcommand is not None:
            return
        if gold is None or articles is None:
            typer.echo("rasd evaluate: --gold DIR and --articles FILE are required", err=True)
            raise typer.Exit(2)
        if not gold.is_dir() or not articles.is_file():
            typer.echo(f"rasd evaluate: {gold if not gold.is_dir() else articles} not found", err=True)
            raise typer.Exit(2)
        from rasd.evaluate.events import evaluate as run
        from rasd.evaluate.events import format_errors
        scores, preds = run(gold, articles, split)
        if predictions:
            with open(predictions, "w", encoding="utf-8") as fh:
                for p in preds:
                    fh.write(json.dumps(p, ensure_ascii=False) + "\n")
        if as_json:
            typer.echo(json.dumps(scores.summary(), indent=1))
        else:
            typer.echo(scores.line())
        if errors:
            texts = {}
            for line in articles.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    a = json.loads(line)
                    texts[a["id"]] = a.get("text", "")
            typer.echo(format_errors(scores, texts))

    @evaluate_app.command("ner")
    def evaluate_ner(test: Optional[Path] = typer.Option(None, "--test",
                                                         help="CoNLL file (default: ANERcorp CAMeL test split)."),
                     model: Optional[Path] = typer.Option(None, "--model", help="Model file (default: shipped)."),
                     window: int = typer.Option(20, "--document-window",
                                                help="Also score with document consistency over N sentences."),
                     ) -> None:
        """Entity-level NER precision/recall/F1 per type (conlleval semantics)."""
        from rasd.evaluate import ner
        kwargs = {"model": model, "document_window": window}
        if test is not None:
            kwargs["test"] = test
        ner.ner_command(**kwargs)

    app.add_typer(evaluate_app, name="evaluate")
