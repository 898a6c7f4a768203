"""rasd's command line: thin shells over the service layer."""
from __future__ import annotations

import typer

app = typer.Typer(help="rasd: Arabic news → ACLED/UCDP conflict event records.", no_args_is_help=True,
                  add_completion=False)


def _register_subapps() -> None:
    """Sub-commands that live beside their stage (kb, evaluate, train …) register here."""
    import importlib
    for module, name in (("rasd.commands.extract", None), ("rasd.commands.evaluate", None),
                         ("rasd.commands.ingest", None), ("rasd.commands.events", None),
                         ("rasd.commands.serve", None), ("rasd.commands.token", None),
                         ("rasd.commands.bench", None), ("rasd.kb.cli", "kb"),
                         ("rasd.commands.train", None)):
        mod = importlib.import_module(module)
        if name is None:
            mod.register(app)
        else:
            app.add_typer(mod.app, name=name)


def main() -> None:
    _register_subapps()
    app()
