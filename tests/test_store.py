"""The event store on a real SQLite file and a real PostgreSQL server: schema, dedup, merging, queries."""
from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from databases import BACKENDS, database_url  # noqa: E402
from fake_extractor import fake_extract, synthetic_articles  # noqa: E402

from rasd.model import Article  # noqa: E402
from rasd.store.db import EventFilter, StoreError, open_store, resolve_db_url  # noqa: E402
from rasd.store.schema import metadata  # noqa: E402


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    yield from database_url(request.param, tmp_path)


def _article(record: dict) -> Article:
    return Article(id=record["id"], text=record["text"], published=date.fromisoformat(record["published"]),
                   source=record["source"], url=record["url"])


def spec(etype="Battles", sub="Armed clash", day="2022-01-21", cc="IQ", admin1="Diyala", town="Al Adhim",
         lat="34.05", lon="44.51", actor1="Islamic State", actor2="Military Forces of Iraq", deaths="",
         attribution="") -> str:
    return f"[[{etype}|{sub}|{day}|1|{cc}|{admin1}|{town}|{lat}|{lon}|{actor1}|{actor2}|{deaths}|{attribution}]]"


def add(store, article_id: str, text: str, outlet: str = "", url: str = ""):
    article = Article(id=article_id, text=text, published=date(2022, 1, 21), source=outlet, url=url)
    return store.add_article(article, fake_extract(article), canonical_url=url)


def test_migrated_schema_matches_the_metadata(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    store = open_store(db_url)
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        with store.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == "0001"
    finally:
        store.close()
    open_store(db_url).close()  # opening again migrates nothing and fails nothing


def test_default_path_is_created_on_first_use_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("RASD_DB", str(tmp_path / "deep" / "dir" / "events.db"))
    store = open_store()
    try:
        assert (tmp_path / "deep" / "dir" / "events.db").exists()
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
    finally:
        store.close()
    monkeypatch.delenv("RASD_DB")
    assert resolve_db_url().endswith(".local/share/rasd/rasd.db")
    assert resolve_db_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"


def test_unreachable_postgres_is_a_clear_error():
    with pytest.raises(StoreError, match="docs/store.md"):
        open_store("postgresql://nobody:x@127.0.0.1:1/none")


def test_article_stored_once_by_text_and_by_url(db_url):
    with open_store(db_url) as store:
        first = add(store, "a", "نص أول " + spec(deaths="3"), url="//x.example/1")
        assert first.stored and first.claims == 1 and first.events_created == 1
        assert add(store, "a-again", "نص أول " + spec(deaths="3")).reason == "already stored (same text)"
        assert add(store, "a-new", "نص معدل", url="//x.example/1").reason == "already stored (same URL)"
        assert store.counts().articles == 1 and store.counts().events == 1


def test_near_duplicate_wire_story_is_linked(db_url):
    wire = ("قالت وكالة الأنباء إن عشرة جنود قتلوا في هجوم شنه مسلحون على نقطة للجيش في ناحية العظيم بمحافظة "
            "ديالى فجر اليوم الجمعة، وأضافت أن المهاجمين انسحبوا إلى منطقة زراعية قريبة بعد اشتباك استمر "
            "ساعة، وأن تعزيزات عسكرية وصلت إلى المكان لملاحقتهم وتأمين الطرق المؤدية إلى القرى المجاورة. ") * 3
    with open_store(db_url) as store:
        add(store, "wire-a", wire + "المصدر: أ", outlet="A")
        second = add(store, "wire-b", wire + "المصدر: ب", outlet="B")
        third = add(store, "other", "خبر مختلف تماما عن الطقس والرياضة والاقتصاد في المنطقة " * 5, outlet="C")
        assert len(second.near_duplicate_of) == 1 and not third.near_duplicate_of
        assert store.counts().near_duplicate_articles == 1


def test_merge_across_articles_keeps_each_claim(db_url):
    with open_store(db_url) as store:
        add(store, "a", "أ " + spec(deaths="9", attribution="مصدر أمني"), outlet="A")
        result = add(store, "b", "ب " + spec(deaths="12", attribution="الشرطة"), outlet="B")
        assert result.events_superseded + result.events_updated + result.events_created >= 1
        [event] = list(store.events())
        assert event.fatalities == 9 and (event.low, event.best, event.high) == (9, 9, 12)
        assert event.extras["number_of_sources"] == 2
        assert sorted(c["attribution"]["ar"] for c in event.extras["claims"]) == ["الشرطة", "مصدر أمني"]
        assert len(store.claims_of(event.event_id)) == 2
        with store.engine.connect() as conn:
            actions = [r[0] for r in conn.execute(sa.text("SELECT action FROM revisions ORDER BY seq"))]
            mentions = conn.execute(sa.text("SELECT count(*) FROM mentions")).scalar_one()
            places = conn.execute(sa.text("SELECT count(*) FROM places")).scalar_one()
            actors = conn.execute(sa.text("SELECT name FROM actors ORDER BY name")).scalars().all()
        assert actions[0] == "created" and len(actions) >= 2
        assert mentions == 2 and places == 1 and actors == ["Islamic State", "Military Forces of Iraq"]


def test_different_events_stay_apart_in_the_store(db_url):
    strike = dict(etype="Explosions/Remote violence", sub="Air/drone strike", actor2="")
    with open_store(db_url) as store:
        add(store, "a", "أ " + spec(**strike), outlet="A")
        add(store, "b", "ب " + spec(**strike, town="Baqubah", lat="33.75", lon="44.64"), outlet="B")
        add(store, "c", "ج " + spec(day="2022-01-14"), outlet="C")
        add(store, "d", "د " + spec(day="2022-01-21"), outlet="D")
        assert store.counts().events == 4


def _ingest_in_order(url: str, records: list[dict]) -> str:
    with open_store(url) as store:
        for record in records:
            article = _article(record)
            store.add_article(article, fake_extract(article))
        return store.canonical_dump(include_revisions=False)


def test_same_result_whatever_the_ingest_order(db_url, tmp_path):
    records = synthetic_articles(n_events=6, seed=3)
    first = _ingest_in_order(db_url, records)
    assert first.count("\nevents\t") + first.startswith("events\t") < len(records)  # some merging happened
    for seed in (1, 2):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        other = str(tmp_path / f"order{seed}.db")
        assert _ingest_in_order(other, shuffled) == first


def test_filters(db_url):
    with open_store(db_url) as store:
        add(store, "a", "أ " + spec(deaths="10"), outlet="A")
        add(store, "b", "ب " + spec(cc="SY", admin1="Idlib", town="Saraqib", lat="35.86", lon="36.80",
                                    actor1="Syrian Army", actor2="HTS", day="2022-02-03",
                                    etype="Explosions/Remote violence", sub="Shelling/artillery/missile attack",
                                    attribution="مصدر عسكري"),
            outlet="B")

        def ids(**kw):
            return [e.location for e in store.events(EventFilter(**kw))]

        assert ids() == ["Al Adhim", "Saraqib"]
        assert ids(country="Syria") == ids(country="sy") == ["Saraqib"]
        assert ids(admin1="diyala") == ["Al Adhim"]
        assert ids(date_from="2022-02-01") == ["Saraqib"] and ids(date_to="2022-01-31") == ["Al Adhim"]
        assert ids(event_type="Battles") == ids(event_type="armed clash") == ["Al Adhim"]
        assert ids(actor="syrian army") == ["Saraqib"]
        assert ids(min_fatalities=1) == ["Al Adhim"]
        assert ids(text="saraqib") == ["Saraqib"]
        assert ids(text="مصدر عسكري") == ["Saraqib"]     # Arabic: the attribution
        assert ids(text="100%_") == []                    # LIKE wildcards are escaped
        assert ids(limit=1) == ["Al Adhim"]


def test_arabic_search_is_folded(db_url):
    with open_store(db_url) as store:
        add(store, "a", "اشتباكات في ديالى " + spec(), outlet="A")
        assert len(list(store.events(EventFilter(text="ديالي")))) == 0  # evidence is the bracketed span only
        add(store, "b", spec(town="الخالص", lat="33.8", lon="44.53"), outlet="B")
        assert [e.location for e in store.events(EventFilter(text="الخالص"))] == ["الخالص"]
        assert [e.location for e in store.events(EventFilter(text="الخالص".replace("ا", "أ", 1)))] == ["الخالص"]


def _versions_in_order(url: str, order: list[str]) -> str:
    texts = {
        "v1": ("نسخة أولى " + spec(deaths="3"), "A"),
        "v2": ("نسخة ثانية محدثة بعد ساعات مع حصيلة جديدة " + spec(deaths="5"), "A"),
        "b": ("خبر آخر " + spec(deaths="4", actor2=""), "B"),
        "near": ("خبر آخر " + spec(deaths="4", actor2="") + " تحديث", "C"),
    }
    with open_store(url) as store:
        for name in order:
            text, outlet = texts[name]
            result = add(store, name, text, outlet=outlet, url="//a.example/story" if name.startswith("v") else "")
            assert result.replaced == (name == "v2" and "v1" in order[:order.index(name)])
        events = list(store.events())
        assert len(events) == 1 and events[0].fatalities == 4 and events[0].extras["number_of_sources"] == 3
        assert [c["fatalities"] for c in events[0].extras["claims"] if c["outlet"] == "A"] == [5]
        return store.canonical_dump(include_revisions=False)


def test_a_newer_version_under_the_same_url_replaces_the_old_in_any_order(db_url, tmp_path):
    first = _versions_in_order(db_url, ["v1", "b", "near", "v2"])
    assert _versions_in_order(str(tmp_path / "b.db"), ["v2", "near", "b", "v1"]) == first
    assert _versions_in_order(str(tmp_path / "c.db"), ["b", "v1", "v2", "near"]) == first
