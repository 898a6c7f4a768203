"""The ingest service: read sources, store each article once, extract its events, merge them across articles.

`ingest(sources, store)` is what `rasd ingest` calls; the extractor is a parameter (the real pipeline by
default) so tests and other front ends can inject their own. Every input ends counted as stored, duplicate,
skipped (reason) or failed (stage, message); nothing raises for bad input.
"""
from __future__ import annotations

import time
import unicodedata
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rasd.io.readers import Skipped, read_articles
from rasd.model import Article, Event
from rasd.store.db import AddResult, EventStore, PendingArticle, article_key_for

Extractor = Callable[[Article], list[Event]]

# Query parameters that only track the reader; dropped from canonical URLs.
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "ref", "cmpid", "ocid", "xtor", "amp")


class ExtractorUnavailable(RuntimeError):
    """The default extractor (`rasd.pipeline.extract_article`) cannot be imported."""


@dataclass(frozen=True, slots=True)
class Failed:
    source: str
    stage: str
    message: str


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Running totals, passed to the progress callback after every input item."""
    articles_read: int
    articles_stored: int
    events_found: int
    seconds: float


@dataclass(frozen=True, slots=True)
class IngestSummary:
    articles_read: int = 0
    articles_stored: int = 0
    duplicates: int = 0                 # same text or same canonical URL as a stored article
    near_duplicates: int = 0            # stored, but linked to a near-identical article
    versions_replaced: int = 0          # stored in place of another version of the same article
    events_found: int = 0               # per-article events (claims) stored
    events_created: int = 0
    events_superseded: int = 0
    seconds: float = 0.0
    skipped: tuple[Skipped, ...] = ()
    failed: tuple[Failed, ...] = ()
    duplicate_reasons: tuple[tuple[str, int], ...] = field(default_factory=tuple)

    @property
    def articles_per_second(self) -> float:
        return self.articles_read / self.seconds if self.seconds > 0 else 0.0

    def skip_reasons(self) -> list[tuple[str, int]]:
        """Skip reasons with their counts, most frequent first."""
        return Counter(s.reason for s in self.skipped).most_common()


def default_extractor() -> Extractor:
    try:
        from rasd.pipeline import extract_article
    except ImportError as err:
        raise ExtractorUnavailable(f"the event extractor is not available ({err}); "
                                   "install rasd completely or pass an extractor") from err
    return extract_article


def canonical_url(url: str) -> str:
    """A URL reduced to what identifies the page: no scheme, ``www.``, fragment, trackers or trailing slash."""
    if not url or "://" not in url:
        return ""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if not host:
        return ""
    path = unicodedata.normalize("NFC", urllib.parse.unquote(parts.path)).rstrip("/") or "/"
    query = sorted((k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith(_TRACKING_PARAMS))
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return f"//{host}{port}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")


def ingest(sources: Sequence[str], store: EventStore, extractor: Extractor | None = None, *,
           published: date | None = None, commit_every: int = 50,
           on_progress: Callable[[IngestProgress], None] | None = None) -> IngestSummary:
    """Ingest every article in `sources` (paths, directories, URLs, ``-``) into `store`.

    Articles are committed `commit_every` at a time (a killed run loses at most that many, and re-adds them
    when run again).
    """
    extract = extractor or default_extractor()
    started = time.perf_counter()
    totals: Counter[str] = Counter()
    skipped: list[Skipped] = []
    failed: list[Failed] = []
    duplicate_reasons: Counter[str] = Counter()
    pending: list[PendingArticle] = []

    def record(result: AddResult, source: str) -> None:
        if result.stored:
            totals["stored"] += 1
            totals["found"] += result.claims
            totals["created"] += result.events_created
            totals["superseded"] += result.events_superseded
            totals["near"] += bool(result.near_duplicate_of)
            totals["replaced"] += result.replaced
        elif result.error:
            failed.append(Failed(source, "store", result.error))
        else:
            totals["duplicates"] += 1
            duplicate_reasons[result.reason] += 1

    def flush() -> None:
        # Extraction happens outside the transaction, so the database is locked only while writing.
        if pending:
            for item, result in zip(pending, store.add_articles(pending)):
                record(result, item.article.id)
            pending.clear()

    for item in _all_items(sources, published):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        totals["read"] += 1
        key, url = article_key_for(item.text), canonical_url(item.url)
        reason = store.already_stored(item, url)
        if reason:
            record(AddResult(key, stored=False, reason=reason), item.id)
        else:
            try:
                events = tuple(extract(item))
            except Exception as err:  # one article's extraction bug must not stop a batch: counted, reported
                failed.append(Failed(item.id, "extract", f"{type(err).__name__}: {err}"))
            else:
                pending.append(PendingArticle(item, events, url))
                totals["extracted"] += len(events)
                if len(pending) >= commit_every:
                    flush()
        if on_progress is not None:
            on_progress(IngestProgress(totals["read"], totals["stored"] + len(pending), totals["extracted"],
                                       time.perf_counter() - started))
    flush()
    return IngestSummary(articles_read=totals["read"], articles_stored=totals["stored"],
                         duplicates=totals["duplicates"], near_duplicates=totals["near"],
                         versions_replaced=totals["replaced"],
                         events_found=totals["found"], events_created=totals["created"],
                         events_superseded=totals["superseded"], seconds=time.perf_counter() - started,
                         skipped=tuple(skipped), failed=tuple(failed),
                         duplicate_reasons=tuple(duplicate_reasons.most_common()))


def _all_items(sources: Iterable[str], published: date | None) -> Iterable[Article | Skipped]:
    for source in sources:
        yield from read_articles(source, published=published)
