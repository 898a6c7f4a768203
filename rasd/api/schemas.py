"""Pydantic models: what the API accepts and answers (validated input, documented in /openapi.json)."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorOut(BaseModel):
    error: str = Field(description="What went wrong and how to fix it.")
    status: int


class SourceOut(BaseModel):
    article_id: str
    url: str = ""
    outlet: str = ""
    published: str | None = None


class EvidenceOut(BaseModel):
    article_id: str
    start: int
    end: int
    text: str


class EventOut(BaseModel):
    """An event record (the documented JSONL fields) with its review status."""
    model_config = ConfigDict(extra="allow")
    event_id: str
    status: Literal["active", "rejected", "merged"] = "active"
    merged_into: str | None = None
    split_from: str | None = None
    corrected_fields: list[str] = []
    event_type: str | None = None
    sub_event_type: str | None = None
    event_date: str | None = None
    country: str | None = None
    admin1: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int | None = None
    article_ids: list[str] = []
    sources: list[SourceOut] = []
    evidence: list[EvidenceOut] = []


class EventPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[EventOut]


class ArticleOut(BaseModel):
    article_id: str
    article_key: str
    title: str
    url: str
    outlet: str
    published: str | None
    n_events: int
    text: str | None = None


class ArticlePage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[ArticleOut]


class EventDetail(BaseModel):
    event: EventOut
    claims: list[dict[str, Any]] = Field(default_factory=list, description="Each source article's own claim.")
    articles: list[ArticleOut] = Field(default_factory=list, description="The source articles, with their text.")
    revisions: list[dict[str, Any]] = Field(default_factory=list)


class BucketOut(BaseModel):
    key: str
    events: int
    fatalities: int


class AggregateOut(BaseModel):
    by: str
    buckets: list[BucketOut]


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, max_length=512, description="Your id; default: a hash of the text.")
    text: str = Field(min_length=1, max_length=5_000_000)
    title: str = Field(default="", max_length=10_000)
    published: date | None = None
    url: str = Field(default="", max_length=2048)
    source: str = Field(default="", max_length=256)


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(min_length=1, max_length=1000)


class SubmitOut(BaseModel):
    stored: list[str]
    duplicates: list[str]
    event_ids: list[str]
    skipped: list[dict[str, str]]


class EditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    changes: dict[str, str | int | float | None] = Field(
        min_length=1, description="Field name → new value, e.g. {\"fatalities\": 12}.")
    comment: str = Field(default="", max_length=2000)


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=2000)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: str = Field(min_length=1, max_length=128, description="The event that stays.")
    others: list[str] = Field(min_length=1, max_length=100, description="Events merged into the target.")
    comment: str = Field(default="", max_length=2000)


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    article_ids: list[str] = Field(min_length=1, max_length=1000,
                                   description="Source articles that move to a new event.")
    comment: str = Field(default="", max_length=2000)


class SplitOut(BaseModel):
    original: EventOut
    new: EventOut


class CorrectionOut(BaseModel):
    event: EventOut
