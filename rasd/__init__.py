"""rasd — Arabic news to structured, geolocated, dated records of political violence."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["extract", "__version__"]


def extract(text: str, published=None, article_id: str | None = None, **kwargs):
    """Extract the conflict events an Arabic article asserts. See ``rasd.pipeline.extract``."""
    from rasd.pipeline import extract as _extract
    return _extract(text, published=published, article_id=article_id, **kwargs)
