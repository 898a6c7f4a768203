"""`rasd serve`: the HTTP API and the dashboard on the store."""
from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        db: Optional[str] = typer.Option(None, "--db", help="Database URL or SQLite file; default $RASD_DB, "
                                                            "else ~/.local/share/rasd/rasd.db."),
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535),
        read_token: bool = typer.Option(False, "--read-token", help="Also require an API token for reads."),
        token_days: int = typer.Option(365, "--token-days", min=0,
                                       help="Refuse tokens older than this many days (0: never expire)."),
        demo: bool = typer.Option(False, "--demo", help="First add the few demo articles (and their events) "
                                                        "that ship with rasd, so the dashboard has something "
                                                        "to show."),
    ) -> None:
        """Serve the API (/api, /openapi.json, /docs) and the dashboard (/) on the event store.

        Example: rasd serve --demo   then open http://127.0.0.1:8000/
        """
        err = Console(stderr=True)
        try:
            import uvicorn

            from rasd.api import ApiSettings, create_app
            from rasd.api.db import StoreError, open_api_store
            from rasd.api.demo import fill_demo_store
            store = open_api_store(db)
        except (ImportError, StoreError, OSError) as exc:
            err.print(f"[red]rasd serve:[/] cannot open the store: {exc}")
            raise typer.Exit(2)
        from datetime import timedelta
        app_ = create_app(ApiSettings(store=store, read_requires_token=read_token,
                                      token_max_age=timedelta(days=token_days) if token_days else None))
        if demo:
            from rich.markup import escape
            from sqlalchemy.exc import DatabaseError

            from rasd.commands.store_errors import database_failure
            try:
                added = fill_demo_store(app_.state.repository)
            except DatabaseError as exc:     # a page damaged past those read at open (B8)
                message, code = database_failure(exc, store.engine.url)
                err.print(f"[red]rasd serve:[/] {escape(message)}", soft_wrap=True)
                raise typer.Exit(code) from None
            err.print(f"demo: {len(added)} events added")
        err.print(f"rasd serve: store {store.engine.url.render_as_string(hide_password=True)}; "
                  f"dashboard on http://{host}:{port}/")
        uvicorn.run(app_, host=host, port=port, log_level="info")
