"""A small demonstration store: a few short articles written for rasd (not news) with hand-made events.

`rasd serve --demo` and the API/browser tests fill a store from these, through the same submission path as
`POST /api/articles`, with `recorded_extractor` standing in for the pipeline so the events are exactly the
hand-made ones (the tests then do not move when the extractor improves).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from rasd.model import Article, Event, Evidence, SourceRef


class DemoDataError(ValueError):
    """The demo data file is inconsistent (an evidence phrase missing from its article)."""


@dataclass(frozen=True, slots=True)
class RecordedArticle:
    article: Article
    events: tuple[Event, ...]


def recorded_article(article: Article, specs: Iterable[dict[str, Any]]) -> RecordedArticle:
    """An article with events from specs: Event fields, plus `evidence` as phrases found in the text."""
    events = []
    for index, spec in enumerate(specs):
        spec = dict(spec)
        evidence = []
        for phrase in spec.pop("evidence", []):
            start = article.text.find(phrase)
            if start < 0:
                raise DemoDataError(f"{article.id}: evidence {phrase[:30]!r}… is not in the text")
            evidence.append(Evidence(article_id=article.id, start=start, end=start + len(phrase), text=phrase))
        for offsets in spec.pop("evidence_offsets", []):
            start, end = offsets
            evidence.append(Evidence(article_id=article.id, start=start, end=end, text=article.text[start:end]))
        source = SourceRef(article_id=article.id, url=article.url, outlet=article.source,
                           published=article.published.isoformat() if article.published else None)
        events.append(Event(event_id=spec.pop("event_id", f"{article.id}-{index + 1}"), article_ids=[article.id],
                            sources=[source], evidence=evidence, **spec))
    return RecordedArticle(article=article, events=tuple(events))


@cache
def demo_articles() -> tuple[RecordedArticle, ...]:
    raw = json.loads((resources.files("rasd.api.data") / "demo_articles.json").read_text(encoding="utf-8"))
    out = []
    for item in raw["articles"]:
        a = item["article"]
        article = Article(id=a["id"], text=a["text"], title=a.get("title", ""), url=a.get("url", ""),
                          source=a.get("source", ""),
                          published=date.fromisoformat(a["published"]) if a.get("published") else None)
        out.append(recorded_article(article, item["events"]))
    return tuple(out)


def recorded_extractor(recorded: Iterable[RecordedArticle]) -> Callable[[Article], list[Event]]:
    """An extractor that answers the recorded events for known texts and nothing for other texts."""
    by_text = {r.article.text: r.events for r in recorded}

    def extract(article: Article) -> list[Event]:
        return [Event(**{**{f: getattr(e, f) for f in e.__slots__}}) for e in by_text.get(article.text, ())]

    return extract


def fill_demo_store(repository: Any, extra: Iterable[RecordedArticle] = ()) -> list[str]:
    """Submit the demo articles (and `extra`) into `repository`; returns the event ids stored."""
    recorded = [*demo_articles(), *extra]
    result = repository.submit([r.article for r in recorded], extractor=recorded_extractor(recorded))
    return list(result.event_ids)
