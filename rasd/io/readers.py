"""Readers: every input shape rasd accepts, turned into `Article`s (or a `Skipped` with the reason).

`read_articles(path_or_url)` accepts a plain-text file, a JSONL file (one ``{id, text, title?, published?,
url?, source?}`` a line), an HTML page, an RSS/Atom feed, a WARC/ARC archive, a directory of any of these,
``-`` for standard input, and an ``http(s)://`` URL (fetched only because the user gave it). Any of them may be
gzip-compressed. Bad input never raises: it yields ``Skipped(source, reason)`` and reading goes on.

Text encodings: UTF-8 (with or without BOM), UTF-16 with BOM, else the best guess of charset-normalizer,
with cp1256 (Arabic Windows) as the last resort.
"""
from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
import sys
import unicodedata
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from rasd.model import Article

# One document (a text file, a page, a JSONL line) larger than this is skipped, not read.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# A page counts as Arabic when at least this share of its letters are Arabic script.
ARABIC_LETTER_SHARE = 0.5
FETCH_TIMEOUT_S = 30
USER_AGENT = "rasd/0.1 (+https://github.com/rasd)"

_GZIP_MAGIC = b"\x1f\x8b"
_JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_FEED_SUFFIXES = {".rss", ".atom", ".xml"}
_WARC_SUFFIXES = {".warc", ".arc"}
# Inside a directory only these (optionally .gz) are read; anything else is a skip. A file named on the
# command line is always read.
_DIRECTORY_SUFFIXES = ({".txt", ".text", ".md", ""} | _JSONL_SUFFIXES | _HTML_SUFFIXES | _FEED_SUFFIXES
                       | _WARC_SUFFIXES)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input (or one record inside it) that produced no article, and why."""
    source: str
    reason: str


ArticleOrSkip = Article | Skipped


def read_articles(path_or_url: str | os.PathLike[str], published: date | None = None,
                  *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[ArticleOrSkip]:
    """Yield the articles found in a file, directory, URL or ``-`` (stdin), in a stable order.

    ``published`` is the publication date given to articles whose input carries none. Every string of every
    article and skip is encodable as UTF-8 (lone surrogates become U+FFFD).
    """
    for item in _read_any(path_or_url, published, max_bytes):
        yield _encodable(item)


def _read_any(path_or_url: str | os.PathLike[str], published: date | None, max_bytes: int) -> Iterator[ArticleOrSkip]:
    source = os.fspath(path_or_url)
    if source == "-":
        data = sys.stdin.buffer.read()
        yield from _read_bytes(data, "<stdin>", "", published, max_bytes)
        return
    if source.startswith(("http://", "https://")):
        yield from _read_url(source, published, max_bytes)
        return
    path = Path(source)
    if path.is_dir():
        yield from _read_directory(path, published, max_bytes)
    elif path.is_file():
        yield from _read_file(path, published, max_bytes)
    elif path.exists():
        yield Skipped(source, "not a regular file")
    else:
        yield Skipped(source, "no such file or directory")


# --- dispatch -------------------------------------------------------------------------------------------------

def _read_directory(root: Path, published: date | None, max_bytes: int) -> Iterator[ArticleOrSkip]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            inner = name[:-3] if name.endswith(".gz") else name
            if Path(inner).suffix.lower() not in _DIRECTORY_SUFFIXES:
                yield Skipped(str(Path(dirpath) / name), "not an article file type")
                continue
            yield from _read_file(Path(dirpath) / name, published, max_bytes)


def _read_file(path: Path, published: date | None, max_bytes: int) -> Iterator[ArticleOrSkip]:
    source = str(path)
    try:
        with open(path, "rb") as raw:
            head = raw.read(2)
    except OSError as err:
        yield Skipped(source, f"cannot read: {err.strerror or err}")
        return
    compressed = head == _GZIP_MAGIC
    inner_name = path.name[:-3] if compressed and path.name.endswith(".gz") else path.name
    suffix = Path(inner_name).suffix.lower()
    try:
        if suffix in _WARC_SUFFIXES or inner_name.lower().endswith((".warc", ".arc")):
            with open(path, "rb") as raw:
                yield from _read_warc(raw, source, max_bytes)
            return
        if suffix in _JSONL_SUFFIXES:
            with _open_binary(path, compressed) as stream:
                yield from _read_jsonl(stream, source, published, max_bytes)
            return
        with _open_binary(path, compressed) as stream:
            data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            yield Skipped(source, f"larger than {max_bytes} bytes")
            return
        yield from _read_bytes(data, source, inner_name, published, max_bytes)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as err:   # zlib.error: a corrupt deflate stream
        yield Skipped(source, f"cannot read: {err}")


def _open_binary(path: Path, compressed: bool) -> BinaryIO:
    return gzip.open(path, "rb") if compressed else open(path, "rb")  # type: ignore[return-value]


def _read_bytes(data: bytes, source: str, name: str, published: date | None,
                max_bytes: int, url: str = "") -> Iterator[ArticleOrSkip]:
    """Sniff a whole document already in memory and read it with the matching reader."""
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            yield Skipped(source, f"corrupt gzip: {err}")
            return
        if len(data) > max_bytes:
            yield Skipped(source, f"larger than {max_bytes} bytes once decompressed")
            return
    if not data.strip():
        yield Skipped(source, "empty")
        return
    if data.startswith((b"WARC/", b"filedesc://")):
        yield from _read_warc(io.BytesIO(data), source, max_bytes)
        return
    suffix = Path(name).suffix.lower()
    if suffix in _JSONL_SUFFIXES or (not suffix and data.lstrip()[:1] == b"{"):
        yield from _read_jsonl(io.BytesIO(data), source, published, max_bytes)
        return
    text = decode_bytes(data)
    if text is None:
        yield Skipped(source, "binary or undecodable content")
        return
    kind = _sniff_markup(text, suffix)
    if kind == "feed":
        yield from _read_feed(data, source, published)
    elif kind == "html":
        yield _html_article(text, source, url, published, require_arabic=False)
    else:
        yield _text_article(text, source, url, published)


def _sniff_markup(text: str, suffix: str) -> str:
    head = text.lstrip()[:2048].lower()
    if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
        return "feed"
    if suffix in _HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")) or "<html" in head:
        return "html"
    if suffix in _FEED_SUFFIXES and head.startswith("<?xml"):
        return "feed"
    return "text"


# --- decoding -------------------------------------------------------------------------------------------------

def decode_bytes(data: bytes) -> str | None:
    """Decode a document, or None when it looks binary. Returns NFC text without a BOM."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return unicodedata.normalize("NFC", data[len(bom):].decode(encoding))
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:8192]:
        return None  # NUL bytes without a UTF-16 BOM: an image, an archive, a binary
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken bytes (a truncated download, a bad copy) is still UTF-8: keep it, marking the
    # broken bytes with U+FFFD, rather than letting a charset guess turn the whole text into mojibake.
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= max(1, len(lenient) // 200):
        return unicodedata.normalize("NFC", lenient)
    text = _guess_decode(data)
    if text is None:
        return None
    return unicodedata.normalize("NFC", text)


def _guess_decode(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data[:200_000]).best()
    except Exception:  # the detector is a heuristic; any failure just means "no guess"
        best = None
    candidates = ([best.encoding] if best is not None else []) + ["cp1256"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_textual(text):
            return text
    return None


def _looks_textual(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text[:20000] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return controls / min(len(text), 20000) < 0.01


def arabic_share(text: str) -> float:
    """The share of letters in `text` that are Arabic script (a cheap language id for Arabic)."""
    letters = arabic = 0
    for ch in text[:20000]:
        if ch.isalpha():
            letters += 1
            if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\u08a0" <= ch <= "\u08ff":
                arabic += 1
    return arabic / letters if letters else 0.0


# --- article builders -----------------------------------------------------------------------------------------

def parse_published(value: object) -> date | None:
    """An ISO date or datetime string (or a date) → date; anything else → None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def _stable_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def _clean_text(text: str) -> str:
    text = _without_surrogates(text)
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _without_surrogates(text: str) -> str:
    """Lone surrogates → U+FFFD. A JSON "\\ud800" escape decodes to one, and so does an undecodable byte in a
    file name (Python's surrogateescape); no UTF-8 writer or database accepts them, so one such character in
    an id or URL used to lose the whole batch's output."""
    if not _has_surrogate(text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


_ARTICLE_STRINGS = ("id", "text", "title", "url", "source")


def _encodable(item: ArticleOrSkip) -> ArticleOrSkip:
    """The item with every string field free of lone surrogates (the same object when it already is)."""
    names = _ARTICLE_STRINGS if isinstance(item, Article) else ("source", "reason")
    changed = {}
    for name in names:
        value = getattr(item, name)
        if isinstance(value, str) and _has_surrogate(value):
            changed[name] = _without_surrogates(value)
    return replace(item, **changed) if changed else item


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _text_article(text: str, source: str, url: str, published: date | None) -> ArticleOrSkip:
    body = _clean_text(text)
    if not body:
        return Skipped(source, "empty")
    return Article(id=_document_id(source, url), text=body, published=published, url=url)


def _document_id(source: str, url: str) -> str:
    if url:
        return _stable_id("url", url)
    if source.startswith("<"):
        return _stable_id("doc", source)
    name = Path(source).name
    for suffix in (".gz", ".txt", ".html", ".htm", ".xhtml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name or _stable_id("doc", source)


def _html_article(html: str, source: str, url: str, published: date | None,
                  require_arabic: bool) -> ArticleOrSkip:
    import trafilatura
    try:
        extracted = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False)
        doc = extracted.as_dict() if hasattr(extracted, "as_dict") else extracted
    except Exception as err:  # trafilatura raises assorted lxml errors on broken markup
        return Skipped(source, f"HTML extraction failed: {type(err).__name__}")
    if not doc or not doc.get("text"):
        return Skipped(source, "no main text found in HTML")
    text = _clean_text(doc["text"])
    if require_arabic and arabic_share(text) < ARABIC_LETTER_SHARE:
        return Skipped(source, "not Arabic")
    page_url = url or (doc.get("url") or "")
    return Article(id=_document_id(source, page_url), text=text, title=_clean_text(doc.get("title") or ""),
                   published=parse_published(doc.get("date")) or published, url=page_url,
                   source=doc.get("sitename") or doc.get("hostname") or "")


def _read_jsonl(stream: BinaryIO, source: str, published: date | None, max_bytes: int) -> Iterator[ArticleOrSkip]:
    lineno = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        where = f"{source}:{lineno}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            # A huge line: skip its remainder without holding it in memory.
            while line and not line.endswith(b"\n"):
                line = stream.readline(max_bytes + 1)
            yield Skipped(where, f"line larger than {max_bytes} bytes")
            continue
        if not line.strip():
            continue
        text = decode_bytes(line)
        if text is None:
            yield Skipped(where, "undecodable line")
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            yield Skipped(where, f"invalid JSON: {err.msg}")
            continue
        yield _json_article(obj, where, published)


def _json_article(obj: object, where: str, published: date | None) -> ArticleOrSkip:
    if not isinstance(obj, dict):
        return Skipped(where, "JSON line is not an object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return Skipped(where, "no text")
    url = obj.get("url") if isinstance(obj.get("url"), str) else ""
    raw_id = obj.get("id")
    article_id = str(raw_id) if isinstance(raw_id, (str, int)) and str(raw_id) else _stable_id("doc", url or text)
    title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    outlet = obj.get("source") if isinstance(obj.get("source"), str) else ""
    return Article(id=article_id, text=_clean_text(text), title=_clean_text(title),
                   published=parse_published(obj.get("published")) or published, url=url, source=outlet)


def _read_feed(data: bytes, source: str, published: date | None) -> Iterator[ArticleOrSkip]:
    """RSS/Atom: one article per entry, from the entry's content (or summary) — linked pages are not fetched."""
    import feedparser
    try:
        feed = feedparser.parse(data)
    except (UnicodeError, LookupError, ValueError) as err:   # e.g. a non-UTF-8 byte in the XML encoding name
        yield Skipped(source, f"unparseable feed: {type(err).__name__}")
        return
    if not feed.entries:
        yield Skipped(source, "feed without entries" if not feed.bozo else "unparseable feed")
        return
    outlet = _feed_str(feed.feed, "title") if hasattr(feed, "feed") else ""
    for index, entry in enumerate(feed.entries):
        where = f"{source}#{index}"
        body = ""
        if entry.get("content"):
            body = _feed_str(entry["content"][0], "value")
        body = body or _feed_str(entry, "summary")
        text = _html_to_text(body)
        if not text:
            yield Skipped(where, "feed entry without text")
            continue
        when = None
        for key in ("published_parsed", "updated_parsed"):
            parsed = entry.get(key)
            if parsed:
                when = date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
                break
        link = _feed_str(entry, "link")
        key = _feed_str(entry, "id") or link or text
        yield Article(id=_stable_id("feed", key), text=text, title=_clean_text(_feed_str(entry, "title")),
                      published=when or published, url=link, source=outlet)


def _feed_str(mapping: object, key: str) -> str:
    """A feedparser field as a string: on broken markup feedparser keeps the key with None as its value
    (found by scripts/fuzz.py: an Atom entry whose title tag is cut → TypeError in _html_to_text)."""
    value = mapping.get(key) if hasattr(mapping, "get") else None
    return value if isinstance(value, str) else ""


def _html_to_text(fragment: str) -> str:
    if "<" not in fragment:
        return _clean_text(fragment)
    import lxml.html
    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except Exception:  # lxml raises ParserError or ValueError on odd fragments
        return ""
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for p in root.iter("p"):
        p.tail = "\n" + (p.tail or "")
    return _clean_text(root.text_content())


def _read_warc(stream: BinaryIO, source: str, max_bytes: int) -> Iterator[ArticleOrSkip]:
    """WARC/ARC: Arabic HTML responses become articles; other records are counted as skipped by kind."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed
    produced = 0
    try:
        for index, record in enumerate(ArchiveIterator(stream, arc2warc=True)):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            where = f"{source}#{url or index}"
            http = record.http_headers
            if http is not None:
                status = http.get_statuscode()
                if status and not status.startswith("2"):
                    produced += 1
                    yield Skipped(where, f"HTTP status {status}")
                    continue
                ctype = (http.get_header("Content-Type") or "").lower()
                if ctype and "html" not in ctype and "text/plain" not in ctype:
                    continue  # images, scripts, styles: not articles, not worth a skip line each
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield Skipped(where, f"larger than {max_bytes} bytes")
                continue
            text = decode_bytes(body)
            if text is None:
                yield Skipped(where, "undecodable page")
                continue
            day = parse_published(record.rec_headers.get_header("WARC-Date"))
            produced += 1
            yield _html_article(text, where, url, day, require_arabic=True)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, AttributeError, TypeError, KeyError, IndexError,
            zlib.error) as err:   # warcio fails on malformed records with assorted errors (no target URI: AttributeError)
        produced += 1
        yield Skipped(source, f"broken archive: {err}")
    if not produced:
        yield Skipped(source, "archive holds no HTML or text pages")


def _read_url(url: str, published: date | None, max_bytes: int) -> Iterator[ArticleOrSkip]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
            data = response.read(max_bytes + 1)
            ctype = (response.headers.get("Content-Type") or "").lower()
            final_url = response.geturl() or url
    except (urllib.error.URLError, OSError, ValueError) as err:
        yield Skipped(url, f"fetch failed: {getattr(err, 'reason', err)}")
        return
    if len(data) > max_bytes:
        yield Skipped(url, f"larger than {max_bytes} bytes")
        return
    name = Path(urllib.request.url2pathname(final_url.split("?")[0])).name
    if "json" in ctype and not Path(name).suffix:
        name += ".jsonl"
    if ("rss" in ctype or "atom" in ctype) and not Path(name).suffix:
        name += ".xml"
    for item in _read_bytes(data, url, name, published, max_bytes, url=final_url):
        if isinstance(item, Article) and not item.url:
            item = Article(id=item.id, text=item.text, title=item.title, published=item.published,
                           url=final_url, source=item.source)
        yield item
