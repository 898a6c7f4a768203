"""The FastAPI app: thin HTTP shell over `rasd.api.repository.EventRepository`, plus the dashboard.

Reads are open unless `ApiSettings.read_requires_token`; writes always need a token made with
`rasd token create NAME` (header ``Authorization: Bearer TOKEN`` or ``X-API-Token: TOKEN``). Every error is
JSON ``{"error": "...", "status": N}``.
"""

import logging
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DatabaseError

from rasd.api import schemas as s
from rasd.api.corrections import EDITABLE_FIELDS, EventState
from rasd.api.repository import (EventFilter, EventRepository, Extractor, InvalidCorrection,
                                 NotFound, StoredArticle)
from rasd.api.tokens import DEFAULT_TOKEN_MAX_AGE, check_token
from rasd.model import Article
from rasd.store.db import EventStore

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "ucdp-csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "json": ("application/json", "json"),
    "jsonl": ("application/x-ndjson", "jsonl"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ApiSettings:
    """How `rasd serve` runs: which database, whether reads need a token, which extractor."""
    store: EventStore
    read_requires_token: bool = False
    extractor: Extractor | None = None     # default: rasd.pipeline.extract_article
    token_max_age: timedelta | None = DEFAULT_TOKEN_MAX_AGE   # older tokens are refused; None: never expire


def static_dir() -> Path:
    return Path(str(resources.files("rasd.web") / "static"))


def _event_out(state: EventState) -> s.EventOut:
    record = dict(state.record)
    record.pop("status", None)
    return s.EventOut(**{**record, "event_id": state.event_id, "status": state.status,
                         "merged_into": state.merged_into, "split_from": state.split_from,
                         "corrected_fields": list(state.corrected_fields)})


def _article_out(a: StoredArticle, with_text: bool) -> s.ArticleOut:
    return s.ArticleOut(article_id=a.article_id, article_key=a.article_key, title=a.title, url=a.url,
                        outlet=a.outlet, published=a.published, n_events=a.n_events,
                        text=a.text if with_text else None)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message, "status": status})


MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024      # the largest body any endpoint accepts, with headroom
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyGuard:
    """Refuse oversized or anonymous write bodies before they are read (pure ASGI, ahead of routing).

    FastAPI reads and parses a JSON body before the token dependency runs, so without this an anonymous
    client could make the server buffer any amount. A declared Content-Length over the limit is a 413 at
    once; a chunked body is counted as it streams and cut at the limit; a write with no token header at all
    is a 401 before its body is touched. Tokens themselves are still checked by the ``writer`` dependency.
    """

    def __init__(self, app, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _send_json(send, 413, f"request body over {self.max_body} bytes")
        if scope["path"].startswith("/api/") and not (headers.get("authorization") or headers.get("x-api-token")):
            return await _send_json(send, 401, "this endpoint needs an API token: send 'Authorization: Bearer "
                                               "TOKEN' (create one with `rasd token create NAME`)")
        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _BodyTooLarge()
            return message

        try:
            return await self.app(scope, counted_receive, send)
        except _BodyTooLarge:
            return await _send_json(send, 413, f"request body over {self.max_body} bytes")


class _BodyTooLarge(Exception):
    pass


async def _send_json(send, status: int, message: str) -> None:
    import json
    body = json.dumps({"error": message, "status": status}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app(settings: ApiSettings) -> FastAPI:
    repo = EventRepository(settings.store, extractor=settings.extractor)
    app = FastAPI(title="rasd API", version="1", description=(
        "Conflict events extracted from Arabic news (ACLED/UCDP fields): query, aggregate, export, submit "
        "articles, correct events. Writes need `Authorization: Bearer TOKEN` (`rasd token create NAME`)."))
    app.state.repository = repo
    app.add_middleware(BodyGuard)

    @app.exception_handler(HTTPException)
    async def _http_error(_: Request, exc: HTTPException) -> JSONResponse:
        response = _error(exc.status_code, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
            problems.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
        return _error(422, "invalid input: " + "; ".join(problems))

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _error(404, str(exc))

    @app.exception_handler(InvalidCorrection)
    async def _bad_correction(_: Request, exc: InvalidCorrection) -> JSONResponse:
        return _error(422, str(exc))

    @app.exception_handler(DatabaseError)
    async def _database_error(request: Request, exc: DatabaseError) -> JSONResponse:
        # a damaged page, a held lock, a lost PostgreSQL connection (B8): the client gets no SQL and no path,
        # the server's log gets the cause, and the server goes on serving
        logging.getLogger("rasd.api").error("database error on %s %s: %s", request.method, request.url.path,
                                            getattr(exc, "orig", exc))
        return _error(503, "the event store cannot be read or written just now (database error); "
                           "the server log has the details")

    # --- auth ------------------------------------------------------------------------------------------

    bearer = HTTPBearer(auto_error=False, description="A token from `rasd token create NAME`.")
    api_key = APIKeyHeader(name="X-API-Token", auto_error=False, description="The same token, another header.")

    def _token(credentials: HTTPAuthorizationCredentials | None, x_api_token: str | None) -> str | None:
        if x_api_token:
            return x_api_token.strip()
        if credentials is not None and credentials.scheme.lower() == "bearer":
            return credentials.credentials.strip()
        return None

    def writer(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
               x_api_token: Annotated[str | None, Depends(api_key)] = None) -> str:
        secret = _token(credentials, x_api_token)
        if not secret:
            raise HTTPException(401, "this endpoint needs an API token: send 'Authorization: Bearer TOKEN' "
                                     "(create one with `rasd token create NAME`)",
                                headers={"WWW-Authenticate": "Bearer"})
        owner, why = check_token(settings.store.engine, secret, settings.token_max_age)
        if owner is None:
            raise HTTPException(403, why, headers={"WWW-Authenticate": "Bearer"})
        return owner

    # Reads carry the token dependency (and its security entry in /openapi.json) only when configured to.
    read_guard = [Depends(writer)] if settings.read_requires_token else []
    Author = Annotated[str, Depends(writer)]

    def event_filter(
        country: Annotated[str | None, Query(max_length=128, description="Country name or ISO code")] = None,
        admin1: Annotated[str | None, Query(max_length=256)] = None,
        date_from: Annotated[date | None, Query(description="First day, YYYY-MM-DD")] = None,
        date_to: Annotated[date | None, Query(description="Last day, YYYY-MM-DD")] = None,
        event_type: Annotated[str | None, Query(max_length=64)] = None,
        sub_event_type: Annotated[str | None, Query(max_length=64)] = None,
        actor: Annotated[str | None, Query(max_length=256, description="Part of an actor's name, English or Arabic")] = None,
        min_fatalities: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
        q: Annotated[str | None, Query(max_length=500, description="Text search, Arabic or English")] = None,
        include_rejected: bool = False,
    ) -> EventFilter:
        return EventFilter(country=country, admin1=admin1, date_from=date_from, date_to=date_to,
                           event_type=event_type, sub_event_type=sub_event_type, actor=actor,
                           min_fatalities=min_fatalities, q=q, include_rejected=include_rejected)

    Filters = Annotated[EventFilter, Depends(event_filter)]
    errors: dict[int | str, dict[str, Any]] = {404: {"model": s.ErrorOut}, 422: {"model": s.ErrorOut}}
    auth_errors: dict[int | str, dict[str, Any]] = {**errors, 401: {"model": s.ErrorOut}, 403: {"model": s.ErrorOut}}

    # --- reads -----------------------------------------------------------------------------------------

    @app.get("/api/events", response_model=s.EventPage, dependencies=read_guard, responses=auth_errors,
             tags=["events"])
    def list_events(f: Filters, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> s.EventPage:
        """Events matching the filters, newest first, paginated."""
        page = repo.list_events(f, offset, limit)
        return s.EventPage(total=page.total, offset=page.offset, limit=page.limit,
                           items=[_event_out(x) for x in page.items])

    @app.get("/api/events/{event_id}", response_model=s.EventDetail, dependencies=read_guard,
             responses=auth_errors, tags=["events"])
    def get_event(event_id: str) -> s.EventDetail:
        """One event with each source's claim, the source articles' text and the revision log."""
        state = repo.get_event(event_id)
        articles = []
        for article_id in state.record.get("article_ids") or []:
            try:
                articles.append(_article_out(repo.get_article(article_id), with_text=True))
            except NotFound:
                continue     # a source the store no longer holds: the event still shows
        claims = state.record.get("claims") or [
            {"article_id": src.get("article_id"), "outlet": src.get("outlet"), "url": src.get("url"),
             "published": src.get("published"), "fatalities": state.record.get("fatalities"),
             "attribution": state.record.get("attribution"),
             "evidence": [e for e in state.record.get("evidence") or []
                          if e.get("article_id") == src.get("article_id")]}
            for src in state.record.get("sources") or []]
        return s.EventDetail(event=_event_out(state), claims=claims, articles=articles,
                             revisions=repo.revisions(event_id))

    @app.get("/api/events/{event_id}/revisions", dependencies=read_guard, responses=auth_errors, tags=["events"])
    def event_revisions(event_id: str) -> list[dict[str, Any]]:
        """The event's revision log: the store's entries and every correction, with who and when."""
        return repo.revisions(event_id)

    @app.get("/api/aggregates", response_model=s.AggregateOut, dependencies=read_guard, responses=auth_errors,
             tags=["events"])
    def aggregates(f: Filters, by: Literal["day", "week", "month", "admin1", "country", "type", "actor"] = "day"
                   ) -> s.AggregateOut:
        """Events and fatalities per day, week, month, admin1, country, type or actor."""
        return s.AggregateOut(by=by, buckets=[s.BucketOut(key=b.key, events=b.events, fatalities=b.fatalities)
                                              for b in repo.aggregate(f, by)])

    @app.get("/api/export", dependencies=read_guard, responses=auth_errors, tags=["events"],
             response_class=Response)
    def export(f: Filters, format: Literal["csv", "ucdp-csv", "geojson", "json", "jsonl", "parquet"] = "csv"
               ) -> Response:
        """The filtered events as ACLED CSV (`csv`), UCDP CSV, GeoJSON, JSON, JSONL or Parquet."""
        media_type, suffix = EXPORT_TYPES[format]
        return Response(repo.export(f, format), media_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="rasd-events.{suffix}"'})

    @app.get("/api/articles", response_model=s.ArticlePage, dependencies=read_guard, responses=auth_errors,
             tags=["articles"])
    def list_articles(offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                      q: Annotated[str | None, Query(max_length=500)] = None) -> s.ArticlePage:
        """Stored articles (without their text), newest first."""
        total, items = repo.list_articles(offset, limit, q)
        return s.ArticlePage(total=total, offset=offset, limit=limit,
                             items=[_article_out(a, with_text=False) for a in items])

    @app.get("/api/articles/{article_id}", response_model=s.ArticleOut, dependencies=read_guard,
             responses=auth_errors, tags=["articles"])
    def get_article(article_id: str) -> s.ArticleOut:
        """One article with its text (by the id it was given, or its text's SHA-256)."""
        return _article_out(repo.get_article(article_id), with_text=True)

    @app.get("/api/editable-fields", tags=["corrections"])
    def editable_fields() -> list[str]:
        """The event fields a correction may change."""
        return list(EDITABLE_FIELDS)

    # --- writes ----------------------------------------------------------------------------------------

    def _submit(articles: list[Article]) -> s.SubmitOut:
        try:
            result = repo.submit(articles)
        except RuntimeError as exc:
            raise HTTPException(503, str(exc)) from None
        return s.SubmitOut(stored=list(result.stored), duplicates=list(result.duplicates),
                           event_ids=list(result.event_ids),
                           skipped=[{"article": a, "reason": r} for a, r in result.skipped])

    @app.post("/api/articles", response_model=s.SubmitOut, status_code=201, responses=auth_errors,
              tags=["articles"])
    def submit_articles(body: s.ArticlesIn, author: Author) -> s.SubmitOut:
        """Store articles (JSON) and extract their events. An article already stored is reported, not redone."""
        import hashlib
        articles = [Article(id=a.id or "api-" + hashlib.sha256(a.text.encode()).hexdigest()[:16], text=a.text,
                            title=a.title, published=a.published, url=a.url, source=a.source)
                    for a in body.articles]
        return _submit(articles)

    @app.post("/api/articles/upload", response_model=s.SubmitOut, status_code=201, responses=auth_errors,
              tags=["articles"])
    async def upload_articles(author: Author, file: Annotated[UploadFile, File(description=(
            "A text, JSONL, HTML, RSS/Atom or WARC file (optionally .gz)"))],
            published: Annotated[date | None, Form(description="Publication date for files that carry none")] = None,
            ) -> s.SubmitOut:
        """Store the articles in an uploaded file and extract their events."""
        from rasd.io.readers import Skipped, read_articles
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"the upload is over {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; "
                                     "use `rasd ingest` for large inputs")
        suffix = "".join(Path(file.filename or "upload.txt").suffixes[-2:]) or ".txt"
        articles: list[Article] = []
        skipped: list[dict[str, str]] = []
        with tempfile.TemporaryDirectory(prefix="rasd-upload-") as tmp:
            path = Path(tmp) / ("upload" + "".join(ch for ch in suffix if ch.isalnum() or ch == ".")[:20])
            path.write_bytes(data)
            for item in read_articles(path, published=published):
                if isinstance(item, Skipped):
                    skipped.append({"article": file.filename or "upload", "reason": item.reason})
                else:
                    articles.append(item)
        if not articles:
            reason = skipped[0]["reason"] if skipped else "no article in the file"
            raise HTTPException(422, f"no article could be read from the upload: {reason}")
        out = _submit(articles)
        out.skipped.extend(skipped)
        return out

    @app.patch("/api/events/{event_id}", response_model=s.CorrectionOut, responses=auth_errors, tags=["corrections"])
    def edit_event(event_id: str, body: s.EditIn, author: Author) -> s.CorrectionOut:
        """Correct any field of an event; logged with who and when, replayed over re-extraction."""
        return s.CorrectionOut(event=_event_out(repo.edit(event_id, dict(body.changes), author, body.comment)))

    @app.post("/api/events/{event_id}/reject", response_model=s.CorrectionOut, responses=auth_errors,
              tags=["corrections"])
    def reject_event(event_id: str, body: s.RejectIn, author: Author) -> s.CorrectionOut:
        """Mark an event as wrong: it leaves lists and exports (unless include_rejected) but stays stored."""
        return s.CorrectionOut(event=_event_out(repo.reject(event_id, author, body.reason)))

    @app.post("/api/events/{event_id}/restore", response_model=s.CorrectionOut, responses=auth_errors,
              tags=["corrections"])
    def restore_event(event_id: str, author: Author) -> s.CorrectionOut:
        """Undo a rejection."""
        return s.CorrectionOut(event=_event_out(repo.restore(event_id, author)))

    @app.post("/api/events/merge", response_model=s.CorrectionOut, responses=auth_errors, tags=["corrections"])
    def merge_events(body: s.MergeIn, author: Author) -> s.CorrectionOut:
        """Merge events that are one real event: the others' sources and claims join the target."""
        return s.CorrectionOut(event=_event_out(repo.merge(body.target, body.others, author, body.comment)))

    @app.post("/api/events/{event_id}/split", response_model=s.SplitOut, responses=auth_errors,
              tags=["corrections"])
    def split_event(event_id: str, body: s.SplitIn, author: Author) -> s.SplitOut:
        """Move some source articles (and their claims and evidence) of an event to a new event."""
        original, new = repo.split(event_id, body.article_ids, author, body.comment)
        return s.SplitOut(original=_event_out(original), new=_event_out(new))

    # --- dashboard ---------------------------------------------------------------------------------------

    static = static_dir()
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> Response:
        index = static / "index.html"
        if not index.is_file():
            return _error(404, "the dashboard's files are missing: run web/build.sh")
        return FileResponse(index, media_type="text/html; charset=utf-8")

    return app
