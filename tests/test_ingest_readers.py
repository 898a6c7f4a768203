"""Readers and writers: every input shape, every encoding, bad input as a counted skip, every export format."""
from __future__ import annotations

import csv
import gzip
import http.server
import io
import json
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest

from rasd.io.readers import Skipped, decode_bytes, read_articles
from rasd.io.writers import UCDP_COLUMNS, UnknownFormat, write_events
from rasd.model import ACLED_COLUMNS, Article, Event, Evidence, SourceRef

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ARABIC = "قتل شخصان في انفجار سيارة مفخخة في بغداد يوم الاثنين."


def _articles(items):
    return [i for i in items if isinstance(i, Article)]


def _skips(items):
    return [i for i in items if isinstance(i, Skipped)]


def test_plain_text_file_uses_the_given_publication_date():
    items = list(read_articles(FIXTURES / "article.txt", published=date(2020, 5, 1)))
    assert len(items) == 1 and isinstance(items[0], Article)
    assert items[0].text == ARABIC and items[0].published == date(2020, 5, 1) and items[0].id == "article"


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                          ("utf-16-be", b"\xfe\xff"), ("cp1256", b"")])
def test_encodings(tmp_path, encoding, bom):
    path = tmp_path / "x.txt"
    path.write_bytes(bom + ARABIC.encode(encoding))
    [article] = list(read_articles(path))
    assert article.text == ARABIC


def test_cp1256_longer_text_is_detected():
    data = (ARABIC + " " + "وأعلنت وزارة الداخلية أن التحقيقات جارية لمعرفة ملابسات الحادث.") .encode("cp1256")
    assert decode_bytes(data).startswith("قتل شخصان")


def test_mostly_valid_utf8_keeps_its_text(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(ARABIC.encode("utf-8") + b"\xff" + ARABIC.encode("utf-8"))
    [article] = list(read_articles(path))
    assert article.text == ARABIC + "\ufffd" + ARABIC


def test_bad_inputs_are_skipped_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 3)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "huge.txt").write_bytes(b"a" * 2000)
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    items = list(read_articles(tmp_path, max_bytes=1000))
    reasons = {Path(s.source).name: s.reason for s in _skips(items)}
    assert set(reasons) == {"empty.txt", "binary.txt", "huge.txt", "bad.gz", "image.png"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert reasons["image.png"] == "not an article file type"
    assert "larger" in reasons["huge.txt"]
    assert not _articles(items)
    assert "no such file" in list(read_articles(tmp_path / "missing.txt"))[0].reason


def test_jsonl_streams_and_skips_bad_lines():
    items = list(read_articles(FIXTURES / "articles.jsonl"))
    articles = _articles(items)
    assert [a.id for a in articles] == ["a1", "7"]
    assert articles[0].published == date(2018, 3, 1) and articles[0].source == "outlet-a"
    reasons = sorted(s.reason for s in _skips(items))
    assert reasons == ["JSON line is not an object", "invalid JSON: Expecting value", "no text"]


def test_jsonl_huge_line_is_skipped_and_reading_goes_on(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"id": "big", "text": "ا" * 5000}) + "\n" + json.dumps({"id": "ok", "text": ARABIC})
                    + "\n", encoding="utf-8")
    items = list(read_articles(path, max_bytes=2000))
    assert [a.id for a in _articles(items)] == ["ok"]
    assert "larger" in _skips(items)[0].reason


def test_gzip_jsonl_and_gzip_text(tmp_path):
    shutil.copy(FIXTURES / "articles.jsonl", tmp_path / "a.jsonl")
    with open(tmp_path / "a.jsonl", "rb") as src, gzip.open(tmp_path / "b.jsonl.gz", "wb") as dst:
        dst.write(src.read())
    (tmp_path / "a.jsonl").unlink()
    with gzip.open(tmp_path / "c.txt.gz", "wb") as dst:
        dst.write(ARABIC.encode("utf-8"))
    articles = _articles(read_articles(tmp_path))
    assert [a.id for a in articles] == ["a1", "7", "c"]


def test_html_main_text_title_and_date():
    [article] = list(read_articles(FIXTURES / "page.html"))
    assert isinstance(article, Article)
    assert "قتل عشرة جنود عراقيين" in article.text and "جميع الحقوق" not in article.text
    assert article.title == "هجوم على نقطة للجيش في ديالى"
    assert article.published == date(2022, 1, 21)


def test_rss_and_atom_feeds():
    items = list(read_articles(FIXTURES / "feed.rss"))
    [article] = _articles(items)
    assert article.text == "أصيب ثلاثة مدنيين بانفجار عبوة ناسفة في الموصل صباح اليوم."
    assert article.published == date(2018, 2, 20) and article.url == "http://example.org/a/1"
    assert article.source == "وكالة المثال"
    assert _skips(items)[0].reason == "feed entry without text"
    [atom] = _articles(read_articles(FIXTURES / "feed.atom"))
    assert atom.title == "اشتباكات في درعا" and atom.published == date(2018, 3, 1)


def _write_warc(path: Path, pages: list[tuple[str, str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for url, ctype, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.0")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body.encode("utf-8")),
                                               http_headers=headers)
            writer.write_record(record)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_keeps_arabic_pages_only(tmp_path, name):
    html = (FIXTURES / "page.html").read_text(encoding="utf-8")
    english = "<html><body><article><p>" + "The quick brown fox jumps over the lazy dog. " * 20 + \
              "</p></article></body></html>"
    _write_warc(tmp_path / name, [("http://news.example/ar/1", "text/html; charset=utf-8", html),
                                  ("http://news.example/en/1", "text/html", english),
                                  ("http://news.example/logo.png", "image/png", "PNG")])
    items = list(read_articles(tmp_path / name))
    [article] = _articles(items)
    assert article.url == "http://news.example/ar/1" and "ديالى" in article.text
    assert [s.reason for s in _skips(items)] == ["not Arabic"]


def test_broken_warc_is_a_skip(tmp_path):
    (tmp_path / "broken.warc").write_bytes(b"WARC/1.0\r\nnonsense\r\n\r\n")
    items = list(read_articles(tmp_path / "broken.warc"))
    assert items and all(isinstance(i, Skipped) for i in items)


def test_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ARABIC.encode("utf-8"))))
    [article] = list(read_articles("-"))
    assert article.text == ARABIC


def test_url_fetch_from_local_server():
    directory = str(FIXTURES)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        [page] = list(read_articles(base + "/page.html"))
        assert page.url == base + "/page.html" and "ديالى" in page.text
        feed = _articles(read_articles(base + "/feed.rss"))
        assert len(feed) == 1
        [missing] = list(read_articles(base + "/nope.html"))
        assert isinstance(missing, Skipped) and "fetch failed" in missing.reason
    finally:
        server.shutdown()


# --- writers --------------------------------------------------------------------------------------------------

def _event(**kw) -> Event:
    base = dict(event_id="e1", article_ids=["a1"], sources=[SourceRef("a1", "http://a/1", "outlet-a", "2022-01-21")],
                evidence=[Evidence("a1", 0, 3, "قتل")], event_type="Battles", sub_event_type="Armed clash",
                event_date="2022-01-21", time_precision=1, actor1="Islamic State (Iraq)", inter1=2,
                actor2="Military Forces of Iraq (2020-)", inter2=1, country="Iraq", admin1="Diyala",
                location="Al Adhim", latitude=34.05, longitude=44.51, fatalities=10, best=11, low=10, high=11,
                attribution="مصدر أمني", attribution_en="security source")
    base.update(kw)
    return Event(**base)


def test_acled_csv_has_exact_columns_first():
    out = io.StringIO()
    assert write_events([_event(), _event(event_id="e2", latitude=None, longitude=None)], "csv", out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0][:len(ACLED_COLUMNS)]) == ACLED_COLUMNS
    record = dict(zip(rows[0], rows[1]))
    assert record["fatalities"] == "10" and record["source"] == "outlet-a" and record["latitude"] == "34.05"
    assert record["attribution"] == "مصدر أمني" and record["evidence_offsets"] == "a1:0-3"
    assert dict(zip(rows[0], rows[2]))["latitude"] == ""


def test_empty_csv_still_has_header():
    out = io.StringIO()
    write_events([], "csv", out)
    assert tuple(out.getvalue().splitlines()[0].split(",")[:len(ACLED_COLUMNS)]) == ACLED_COLUMNS


def test_ucdp_csv():
    out = io.StringIO()
    write_events([_event(), _event(event_id="e3", event_type="Violence against civilians", actor2=None)],
                 "ucdp-csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(UCDP_COLUMNS)
    assert rows[0]["type_of_violence"] == "1" and rows[0]["best"] == "11" and rows[0]["year"] == "2022"
    assert rows[1]["type_of_violence"] == "3" and rows[1]["side_b"] == "Civilians"


def test_json_jsonl_geojson():
    events = [_event(extras={"number_of_sources": 2, "claims": [{"article_id": "a1"}]}),
              _event(event_id="e2", latitude=None, longitude=None)]
    out = io.StringIO()
    write_events(events, "json", out)
    records = json.loads(out.getvalue())
    assert records[0]["number_of_sources"] == 2 and records[0]["event_id"] == "e1"
    out = io.StringIO()
    write_events(events, "jsonl", out)
    assert [json.loads(line)["event_id"] for line in out.getvalue().splitlines()] == ["e1", "e2"]
    out = io.StringIO()
    write_events(events, "geojson", out)
    geo = json.loads(out.getvalue())
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [44.51, 34.05]}
    assert geo["features"][1]["geometry"] is None
    out = io.StringIO()
    write_events([], "json", out)
    assert json.loads(out.getvalue()) == []


def test_parquet(tmp_path):
    import pyarrow.parquet as pq
    path = tmp_path / "e.parquet"
    write_events([_event(), _event(event_id="e2", fatalities=None)], "parquet", path)
    table = pq.read_table(path)
    assert tuple(table.column_names[:len(ACLED_COLUMNS)]) == ACLED_COLUMNS
    assert table.column("fatalities").to_pylist() == [10, None]
    with pytest.raises(ValueError, match="Parquet is binary"):
        write_events([_event()], "parquet", io.StringIO())


def test_unknown_format():
    with pytest.raises(UnknownFormat, match="choose one of"):
        write_events([], "xlsx", io.StringIO())


def test_arc_archive(tmp_path):
    html = (FIXTURES / "page.html").read_bytes()
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(html)
    http += html
    header = b"1 0 rasd-test\nURL IP-address Archive-date Content-type Archive-length\n"
    data = b"filedesc://test.arc 0.0.0.0 20220121000000 text/plain %d\n" % len(header) + header + b"\n"
    data += b"http://news.example/ar/2 127.0.0.1 20220121080000 text/html %d\n" % len(http) + http + b"\n"
    (tmp_path / "old.arc").write_bytes(data)
    [article] = list(read_articles(tmp_path / "old.arc"))
    assert article.url == "http://news.example/ar/2" and "ديالى" in article.text
