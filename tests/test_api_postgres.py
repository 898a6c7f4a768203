"""The API on PostgreSQL (RASD_TEST_PG, set by scripts/test.sh): the same read/correct cycle as on SQLite,
in a schema of its own so it never meets other tests' tables. Skips only when RASD_TEST_PG is unset."""
from __future__ import annotations

import os
import uuid

import pytest

PG = os.environ.get("RASD_TEST_PG")
pytestmark = pytest.mark.skipif(not PG, reason="RASD_TEST_PG is unset (scripts/test.sh sets it)")


@pytest.fixture()
def pg_client():
    import sqlalchemy as sa
    from fastapi.testclient import TestClient

    from rasd.api import ApiSettings, create_app
    from rasd.api.db import open_api_store
    from rasd.api.demo import demo_articles, fill_demo_store, recorded_extractor
    from rasd.api.tokens import create_token
    schema = f"api_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG else "?"
    store = open_api_store(f"{PG}{separator}options=-csearch_path%3D{schema}")
    app = create_app(ApiSettings(store=store, extractor=recorded_extractor(demo_articles())))
    fill_demo_store(app.state.repository)
    token = create_token(store.engine, "pg-tester")
    try:
        yield TestClient(app), {"Authorization": f"Bearer {token}"}
    finally:
        store.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_api_cycle_on_postgres(pg_client):
    client, auth = pg_client
    assert client.get("/api/events").json()["total"] == 4
    iraq = client.get("/api/events", params={"country": "IQ", "q": "المقدادية"}).json()["items"]
    assert len(iraq) == 1 and iraq[0]["number_of_sources"] == 2
    event_id = iraq[0]["event_id"]
    out = client.patch(f"/api/events/{event_id}", json={"changes": {"fatalities": 3}}, headers=auth)
    assert out.status_code == 200 and out.json()["event"]["fatalities"] == 3
    log = client.get(f"/api/events/{event_id}/revisions").json()
    assert [r["author"] for r in log if r["kind"] == "correction"] == ["pg-tester"]
    split = client.post(f"/api/events/{event_id}/split", json={"article_ids": ["demo-muqdadiya-a"]}, headers=auth)
    assert split.status_code == 200
    assert client.get("/api/events", params={"country": "IQ"}).json()["total"] == 2
    by_week = client.get("/api/aggregates", params={"by": "week"}).json()["buckets"]
    assert sum(b["events"] for b in by_week) == 5
    assert client.get("/api/export", params={"format": "geojson"}).json()["features"]
    assert client.get("/api/articles/demo-taiz-protest").json()["title"]
