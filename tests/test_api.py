"""The HTTP API, endpoint by endpoint: reads, filters, aggregates, exports, submission, corrections, tokens,
auth failures and bad input (all answered as JSON errors with the right status)."""
from __future__ import annotations

import io
import json
import shutil

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from rasd.api import ApiSettings, create_app  # noqa: E402
from rasd.api.db import open_api_store  # noqa: E402
from rasd.api.demo import demo_articles, fill_demo_store, recorded_extractor  # noqa: E402
from rasd.api.tokens import TokenError, create_token, list_tokens, revoke_token, token_owner  # noqa: E402


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    """A migrated store filled with the demo articles, built once; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "rasd.db"
    store = open_api_store(path)
    fill_demo_store(create_app(ApiSettings(store=store)).state.repository)
    store.close()          # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture()
def env(tmp_path, template_db):
    shutil.copy(template_db, tmp_path / "rasd.db")
    store = open_api_store(tmp_path / "rasd.db")
    app = create_app(ApiSettings(store=store, extractor=recorded_extractor(demo_articles())))
    token = create_token(store.engine, "tester")
    client = TestClient(app, raise_server_exceptions=True)
    yield {"client": client, "store": store, "token": token, "auth": {"Authorization": f"Bearer {token}"},
           "app": app}
    store.close()


def event_id_where(client, **params) -> str:
    items = client.get("/api/events", params=params).json()["items"]
    assert len(items) == 1, items
    return items[0]["event_id"]


# --- reads ----------------------------------------------------------------------------------------------------

def test_list_events_newest_first_with_pagination(env):
    c = env["client"]
    page = c.get("/api/events").json()
    # Two demo articles report one Muqdadiya attack: the store merged them, so 4 events.
    assert page["total"] == 4
    dates = [e["event_date"] for e in page["items"]]
    assert dates == sorted(dates, reverse=True)
    first = c.get("/api/events", params={"limit": 2, "offset": 0}).json()
    second = c.get("/api/events", params={"limit": 2, "offset": 2}).json()
    assert [e["event_id"] for e in first["items"] + second["items"]] == [e["event_id"] for e in page["items"]]
    assert first["total"] == 4 and first["limit"] == 2


@pytest.mark.parametrize("params, expected", [
    ({"country": "Iraq"}, {"IQ"}),
    ({"country": "sy"}, {"SY"}),
    ({"admin1": "diyala"}, {"IQ"}),
    ({"date_from": "2022-02-10", "date_to": "2022-02-12"}, {"SY", "YE"}),
    ({"event_type": "Protests"}, {"YE"}),
    ({"actor": "islamic state"}, {"IQ"}),
    ({"actor": "داعش"}, {"IQ"}),
    ({"min_fatalities": 4}, {"SY", "LY"}),
    ({"q": "المقدادية"}, {"IQ"}),
    ({"q": "معرة"}, {"SY"}),
    ({"q": "tripoli"}, {"LY"}),
    ({"q": "nothing-like-this"}, set()),
])
def test_filters(env, params, expected):
    items = env["client"].get("/api/events", params=params).json()["items"]
    assert {e["country_code"] for e in items} == expected


def test_event_detail_has_sources_claims_articles_and_log(env):
    c = env["client"]
    event_id = event_id_where(c, country="IQ")
    detail = c.get(f"/api/events/{event_id}").json()
    event = detail["event"]
    assert event["fatalities"] == 2                       # ACLED: the lowest credible count of the two claims
    assert event["number_of_sources"] == 2
    assert {cl["fatalities"] for cl in detail["claims"]} == {2, 3}
    assert {a["article_id"] for a in detail["articles"]} == {"demo-muqdadiya-a", "demo-muqdadiya-b"}
    texts = {a["article_id"]: a["text"] for a in detail["articles"]}
    for ev in event["evidence"]:
        assert texts[ev["article_id"]][ev["start"]:ev["end"]] == ev["text"]
    assert any(r["action"] == "created" for r in detail["revisions"])
    assert c.get(f"/api/events/{event_id}/revisions").json()


def test_aggregates(env):
    c = env["client"]
    by_type = {b["key"]: b for b in c.get("/api/aggregates", params={"by": "type"}).json()["buckets"]}
    assert by_type["Battles"]["events"] == 2 and by_type["Battles"]["fatalities"] == 6
    days = c.get("/api/aggregates", params={"by": "day"}).json()["buckets"]
    assert [b["key"] for b in days] == sorted(b["key"] for b in days)
    weeks = c.get("/api/aggregates", params={"by": "week", "country": "IQ"}).json()["buckets"]
    assert weeks == [{"key": "2022-01-31", "events": 1, "fatalities": 2}]
    admin1 = {b["key"] for b in c.get("/api/aggregates", params={"by": "admin1"}).json()["buckets"]}
    assert {"Diyala", "Idlib", "Taizz", "Tripoli"} == admin1
    actors = {b["key"] for b in c.get("/api/aggregates", params={"by": "actor"}).json()["buckets"]}
    assert "Islamic State" in actors


def test_exports(env):
    from rasd.model import ACLED_COLUMNS
    c = env["client"]
    csv_text = c.get("/api/export", params={"format": "csv", "country": "IQ"}).text
    header, *rows = csv_text.strip().splitlines()
    assert header.split(",")[:len(ACLED_COLUMNS)] == list(ACLED_COLUMNS)
    assert len(rows) == 1
    geo = c.get("/api/export", params={"format": "geojson"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert len(geo.json()["features"]) == 4
    parquet = c.get("/api/export", params={"format": "parquet", "min_fatalities": 4})
    import pyarrow.parquet as pq
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == 2
    assert "attachment" in parquet.headers["content-disposition"]


def test_articles(env):
    c = env["client"]
    page = c.get("/api/articles", params={"limit": 2}).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["items"][0]["text"] is None
    one = c.get("/api/articles/demo-taiz-protest").json()
    assert "تعز" in one["text"]
    by_key = c.get(f"/api/articles/{one['article_key']}").json()
    assert by_key["article_id"] == "demo-taiz-protest"


def test_dashboard_and_openapi_are_served(env):
    c = env["client"]
    assert "رصد" in c.get("/").text
    assert c.get("/static/app.js").status_code == 200
    assert c.get("/static/geo/countries.json").json()["features"]
    spec = c.get("/openapi.json").json()
    assert "/api/events" in spec["paths"] and "/api/events/merge" in spec["paths"]


# --- writes ---------------------------------------------------------------------------------------------------

def test_submit_json_articles(env):
    c = env["client"]
    muqdadiya = next(r for r in demo_articles() if r.article.id == "demo-muqdadiya-a")
    body = {"articles": [{"id": "new-1", "text": "نص لا يذكر أي حدث.", "published": "2022-03-01"},
                         {"text": muqdadiya.article.text}]}
    out = c.post("/api/articles", json=body, headers=env["auth"])
    assert out.status_code == 201, out.text
    data = out.json()
    assert data["stored"] == ["new-1"] and len(data["duplicates"]) == 1 and data["event_ids"] == []
    assert c.get("/api/articles/new-1").json()["published"] == "2022-03-01"


def test_submit_upload(env, tmp_path):
    c = env["client"]
    lines = [json.dumps({"id": "up-1", "text": "خبر أول لا حدث فيه."}, ensure_ascii=False),
             json.dumps({"id": "up-2", "text": "خبر ثان لا حدث فيه أيضا."}, ensure_ascii=False)]
    files = {"file": ("batch.jsonl", "\n".join(lines).encode("utf-8"), "application/x-ndjson")}
    out = c.post("/api/articles/upload", files=files, headers=env["auth"])
    assert out.status_code == 201, out.text
    assert sorted(out.json()["stored"]) == ["up-1", "up-2"]
    text = {"file": ("one.txt", "مقال نصي بسيط.".encode("utf-8"), "text/plain")}
    out = c.post("/api/articles/upload", files=text, data={"published": "2022-04-02"}, headers=env["auth"])
    assert out.status_code == 201 and len(out.json()["stored"]) == 1
    empty = {"file": ("empty.txt", b"", "text/plain")}
    out = c.post("/api/articles/upload", files=empty, headers=env["auth"])
    assert out.status_code == 422 and "no article" in out.json()["error"]


def test_edit_is_logged_and_survives_reextraction(env):
    import sqlalchemy as sa

    from rasd.store import schema
    c, store = env["client"], env["store"]
    event_id = event_id_where(c, country="YE")
    out = c.patch(f"/api/events/{event_id}", json={"changes": {"fatalities": 1, "location_ar": "مدينة تعز"},
                                                   "comment": "one death reported later"}, headers=env["auth"])
    assert out.status_code == 200, out.text
    event = out.json()["event"]
    assert event["fatalities"] == 1 and set(event["corrected_fields"]) == {"fatalities", "location_ar"}
    log = c.get(f"/api/events/{event_id}/revisions").json()
    edit = next(r for r in log if r["action"] == "edit")
    assert edit["author"] == "tester" and edit["at"] and edit["detail"]["before"]["fatalities"] == 0
    assert c.get("/api/events", params={"min_fatalities": 1, "country": "YE"}).json()["total"] == 1

    # Re-extraction: the article and its event leave the store and come back from the extractor.
    with store.engine.begin() as conn:
        conn.execute(sa.delete(schema.events).where(schema.events.c.event_id == event_id))
        conn.execute(sa.delete(schema.articles).where(schema.articles.c.external_id == "demo-taiz-protest"))
    assert c.get(f"/api/events/{event_id}").status_code == 404
    taiz = next(r for r in demo_articles() if r.article.id == "demo-taiz-protest")
    env["app"].state.repository.submit([taiz.article])
    again = c.get(f"/api/events/{event_id}").json()["event"]
    assert again["fatalities"] == 1 and again["location_ar"] == "مدينة تعز"


def test_reject_and_restore(env):
    c = env["client"]
    event_id = event_id_where(c, country="LY")
    out = c.post(f"/api/events/{event_id}/reject", json={"reason": "not political violence"}, headers=env["auth"])
    assert out.json()["event"]["status"] == "rejected"
    assert c.get("/api/events", params={"country": "LY"}).json()["total"] == 0
    assert c.get("/api/events", params={"country": "LY", "include_rejected": True}).json()["total"] == 1
    assert c.post(f"/api/events/{event_id}/restore", headers=env["auth"]).json()["event"]["status"] == "active"
    again = c.post(f"/api/events/{event_id}/restore", headers=env["auth"])
    assert again.status_code == 422 and "not rejected" in again.json()["error"]


def test_split_then_merge_back(env):
    c = env["client"]
    event_id = event_id_where(c, country="IQ")
    out = c.post(f"/api/events/{event_id}/split", json={"article_ids": ["demo-muqdadiya-a"]}, headers=env["auth"])
    assert out.status_code == 200, out.text
    original, new = out.json()["original"], out.json()["new"]
    assert original["article_ids"] == ["demo-muqdadiya-b"] and new["article_ids"] == ["demo-muqdadiya-a"]
    assert original["fatalities"] == 2 and new["fatalities"] == 3 and new["split_from"] == event_id
    assert c.get("/api/events", params={"country": "IQ"}).json()["total"] == 2

    merged = c.post("/api/events/merge", json={"target": event_id, "others": [new["event_id"]]}, headers=env["auth"])
    assert merged.status_code == 200, merged.text
    assert sorted(merged.json()["event"]["article_ids"]) == ["demo-muqdadiya-a", "demo-muqdadiya-b"]
    assert merged.json()["event"]["fatalities"] == 2
    assert c.get("/api/events", params={"country": "IQ"}).json()["total"] == 1
    gone = c.get(f"/api/events/{new['event_id']}").json()["event"]
    assert gone["status"] == "merged" and gone["merged_into"] == event_id


# --- errors: auth and bad input ------------------------------------------------------------------------------

WRITES = [
    ("post", "/api/articles", {"articles": [{"text": "نص"}]}),
    ("patch", "/api/events/EVENT", {"changes": {"fatalities": 1}}),
    ("post", "/api/events/EVENT/reject", {"reason": "x"}),
    ("post", "/api/events/EVENT/restore", None),
    ("post", "/api/events/merge", {"target": "EVENT", "others": ["x"]}),
    ("post", "/api/events/EVENT/split", {"article_ids": ["x"]}),
]


@pytest.mark.parametrize("method, path, body", WRITES)
def test_writes_need_a_valid_token(env, method, path, body):
    c = env["client"]
    path = path.replace("EVENT", event_id_where(c, country="LY"))
    kwargs = {"json": body} if body is not None else {}
    missing = getattr(c, method)(path, **kwargs)
    assert missing.status_code == 401 and "token" in missing.json()["error"]
    wrong = getattr(c, method)(path, headers={"Authorization": "Bearer rasd_nope"}, **kwargs)
    assert wrong.status_code == 403 and wrong.json()["status"] == 403 and "unknown" in wrong.json()["error"]
    revoke_token(env["store"].engine, "tester")
    revoked = getattr(c, method)(path, headers=env["auth"], **kwargs)
    assert revoked.status_code == 403


def test_upload_needs_a_token(env):
    out = env["client"].post("/api/articles/upload", files={"file": ("a.txt", "نص".encode(), "text/plain")})
    assert out.status_code == 401


def test_reads_can_require_a_token(tmp_path):
    store = open_api_store(tmp_path / "closed.db")
    client = TestClient(create_app(ApiSettings(store=store, read_requires_token=True)))
    token = create_token(store.engine, "reader")
    assert client.get("/api/events").status_code == 401
    assert client.get("/api/events", headers={"X-API-Token": token}).status_code == 200
    assert client.get("/api/aggregates", headers={"X-API-Token": "bad"}).status_code == 403
    store.close()


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 100000}, {"offset": -1}, {"min_fatalities": -3}, {"date_from": "yesterday"},
    {"date_to": "2022-13-45"},
])
def test_bad_query_parameters(env, params):
    out = env["client"].get("/api/events", params=params)
    assert out.status_code == 422
    assert out.json()["error"].startswith("invalid input:")


def test_bad_aggregate_and_export_formats(env):
    c = env["client"]
    assert c.get("/api/aggregates", params={"by": "planet"}).status_code == 422
    assert c.get("/api/export", params={"format": "xlsx"}).status_code == 422


def test_unknown_event_and_article(env):
    c = env["client"]
    out = c.get("/api/events/no-such-event")
    assert out.status_code == 404 and out.json() == {"error": "no event 'no-such-event'", "status": 404}
    assert c.get("/api/articles/no-such-article").status_code == 404
    assert c.patch("/api/events/no-such-event", json={"changes": {"fatalities": 1}},
                   headers=env["auth"]).status_code == 404


@pytest.mark.parametrize("changes, message", [
    ({"no_such_field": 1}, "cannot be corrected"),
    ({"fatalities": "many"}, "takes a whole number"),
    ({"fatalities": -1}, "negative"),
    ({"fatalities": 2.5}, "takes a whole number"),
    ({"latitude": 123}, "latitude"),
    ({"event_date": "21/01/2022"}, "YYYY-MM-DD"),
    ({"event_type": "Skirmish"}, "unknown event_type"),
    ({"sub_event_type": "Peaceful protest"}, "is not a kind of"),
    ({}, "invalid input"),
])
def test_bad_corrections(env, changes, message):
    c = env["client"]
    event_id = event_id_where(c, country="LY")
    out = c.patch(f"/api/events/{event_id}", json={"changes": changes}, headers=env["auth"])
    assert out.status_code == 422, out.text
    assert message in out.json()["error"]


def test_bad_bodies(env):
    c, auth = env["client"], env["auth"]
    event_id = event_id_where(c, country="LY")
    assert c.post("/api/articles", json={"articles": []}, headers=auth).status_code == 422
    assert c.post("/api/articles", json={"articles": [{"text": ""}]}, headers=auth).status_code == 422
    assert c.post("/api/articles", json={"articles": [{"text": "x", "colour": 1}]}, headers=auth).status_code == 422
    assert c.post("/api/articles", content=b"{not json", headers={**auth, "Content-Type": "application/json"}
                  ).status_code == 422
    out = c.post("/api/events/merge", json={"target": event_id, "others": [event_id]}, headers=auth)
    assert out.status_code == 422 and "at least one other" in out.json()["error"]
    out = c.post("/api/events/merge", json={"target": event_id, "others": ["ghost"]}, headers=auth)
    assert out.status_code == 404
    out = c.post(f"/api/events/{event_id}/split", json={"article_ids": ["demo-tripoli-clashes"]}, headers=auth)
    assert out.status_code == 422 and "some, not all" in out.json()["error"]
    out = c.post(f"/api/events/{event_id}/split", json={"article_ids": ["elsewhere"]}, headers=auth)
    assert out.status_code == 422 and "no source article" in out.json()["error"]


def test_submit_without_an_extractor_is_a_clear_503(tmp_path, monkeypatch):
    import rasd.ingest
    from rasd.ingest import ExtractorUnavailable

    def unavailable():
        raise ExtractorUnavailable("the event extractor is not available (test)")

    monkeypatch.setattr(rasd.ingest, "default_extractor", unavailable)
    store = open_api_store(tmp_path / "x.db")
    client = TestClient(create_app(ApiSettings(store=store)))
    token = create_token(store.engine, "t")
    out = client.post("/api/articles", json={"articles": [{"text": "نص"}]}, headers={"X-API-Token": token})
    assert out.status_code == 503 and "extractor" in out.json()["error"]
    store.close()


# --- tokens ---------------------------------------------------------------------------------------------------

def test_tokens(tmp_path):
    store = open_api_store(tmp_path / "t.db")
    secret = create_token(store.engine, "alice")
    assert secret.startswith("rasd_") and token_owner(store.engine, secret) == "alice"
    with pytest.raises(TokenError, match="exists"):
        create_token(store.engine, "alice")
    with pytest.raises(TokenError):
        create_token(store.engine, "  ")
    assert [t.name for t in list_tokens(store.engine)] == ["alice"]
    revoke_token(store.engine, "alice")
    assert token_owner(store.engine, secret) is None
    with pytest.raises(TokenError, match="no token"):
        revoke_token(store.engine, "bob")
    store.close()


def test_token_cli(tmp_path):
    from typer.testing import CliRunner

    from rasd.cli import _register_subapps, app
    _register_subapps()
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    created = runner.invoke(app, ["token", "create", "carol", "--db", db])
    assert created.exit_code == 0 and created.stdout.strip().startswith("rasd_")
    assert "carol" in runner.invoke(app, ["token", "list", "--db", db]).stdout
    again = runner.invoke(app, ["token", "create", "carol", "--db", db])
    assert again.exit_code == 2
    assert runner.invoke(app, ["token", "revoke", "carol", "--db", db]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["token", "list", "--db", db]).stdout


def test_submit_runs_the_real_extractor(tmp_path):
    """POST /api/articles with the default extractor (rasd.pipeline) on the example article."""
    from pathlib import Path
    example = Path(__file__).resolve().parents[2] / "shared" / "examples" / "diyala-ghwayran-2022-01-21.article.jsonl"
    if not example.exists():
        pytest.skip("the example article (../shared/examples) is not beside the checkout")
    raw = json.loads(example.read_text(encoding="utf-8").splitlines()[0])
    store = open_api_store(tmp_path / "real.db")
    client = TestClient(create_app(ApiSettings(store=store)))
    token = create_token(store.engine, "t")
    body = {"articles": [{"id": raw["id"], "text": raw["text"], "published": raw["published"][:10],
                          "url": raw.get("url", ""), "source": raw.get("source", "")}]}
    out = client.post("/api/articles", json=body, headers={"X-API-Token": token})
    assert out.status_code == 201, out.text
    assert out.json()["stored"] == [raw["id"]] and out.json()["event_ids"]
    for event_id in out.json()["event_ids"]:
        detail = client.get(f"/api/events/{event_id}").json()
        text = detail["articles"][0]["text"]
        assert text == raw["text"]
        for ev in detail["event"]["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]
    store.close()


def test_correction_follows_an_event_the_store_merges_into_a_new_one(tmp_path):
    """A later article merges the corrected event (the store may give the merged event a new id): the
    correction follows it through the store's 'superseded' log."""
    store = open_api_store(tmp_path / "follow.db")
    app = create_app(ApiSettings(store=store, extractor=recorded_extractor(demo_articles())))
    client = TestClient(app)
    token = create_token(store.engine, "editor")
    a, b = (next(r for r in demo_articles() if r.article.id == name)
            for name in ("demo-muqdadiya-a", "demo-muqdadiya-b"))
    renamed = []
    for order in ((b, a), (a, b)):
        with store.engine.begin() as conn:
            for table in ("api_corrections", "revisions", "events", "claims", "mentions", "article_bands", "articles"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
        first_ids = app.state.repository.submit([order[0].article]).event_ids
        assert len(first_ids) == 1
        out = client.patch(f"/api/events/{first_ids[0]}", json={"changes": {"admin2": "Al-Muqdadiyah district"}},
                           headers={"X-API-Token": token})
        assert out.status_code == 200
        merged_ids = app.state.repository.submit([order[1].article]).event_ids
        assert len(merged_ids) == 1
        event = client.get(f"/api/events/{merged_ids[0]}").json()["event"]
        assert event["number_of_sources"] == 2
        assert event["admin2"] == "Al-Muqdadiyah district", (order[0].article.id, first_ids, merged_ids)
        renamed.append(first_ids[0] != merged_ids[0])
    assert any(renamed), "one of the two orders makes the store give the merged event a new id"
    store.close()


def test_old_tokens_expire(tmp_path):
    import sqlalchemy as sa
    from datetime import datetime, timedelta, timezone

    from rasd.api.tokens import check_token
    store = open_api_store(tmp_path / "old.db")
    secret = create_token(store.engine, "old")
    assert check_token(store.engine, secret) == ("old", "")
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE api_tokens SET created_at = :t"),
                     {"t": datetime.now(timezone.utc) - timedelta(days=400)})
    owner, why = check_token(store.engine, secret)
    assert owner is None and "expired" in why
    assert check_token(store.engine, secret, max_age=None) == ("old", "")
    client = TestClient(create_app(ApiSettings(store=store)))
    out = client.post("/api/events/x/reject", json={}, headers={"X-API-Token": secret})
    assert out.status_code == 403 and "expired" in out.json()["error"]
    lenient = TestClient(create_app(ApiSettings(store=store, token_max_age=timedelta(days=1000))))
    assert lenient.post("/api/events/x/reject", json={}, headers={"X-API-Token": secret}).status_code == 404
    store.close()


def test_article_search_treats_wildcards_literally(env):
    c = env["client"]
    assert c.get("/api/articles", params={"q": "%"}).json()["total"] == 0
    assert c.get("/api/articles", params={"q": "_"}).json()["total"] == 0
    assert c.get("/api/articles", params={"q": "تعز"}).json()["total"] == 1
