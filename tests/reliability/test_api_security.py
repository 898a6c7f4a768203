"""API security: no write without a valid token, hostile parameters are harmless.

Endpoints are enumerated from the app's own OpenAPI schema, so a new endpoint is covered without editing
this file: every write operation is tried with no token, malformed tokens, a wrong token and a revoked token
(and must leave the store exactly as it was); every parameter of every operation gets SQL-injection and
path-traversal payloads (no server error, no leak, store unchanged). The API engineer's tests/test_api.py
covers the happy paths; tests/test_api_schemathesis.py the schema-driven fuzzing.
"""
from __future__ import annotations

import re
import shutil
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from rasd.api import ApiSettings, create_app  # noqa: E402
from rasd.api.db import open_api_store  # noqa: E402
from rasd.api.demo import demo_articles, fill_demo_store, recorded_extractor  # noqa: E402
from rasd.api.tokens import create_token, revoke_token  # noqa: E402

WRITE_METHODS = {"post", "put", "patch", "delete"}
SQL_INJECTIONS = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    "x'; DROP TABLE events; --",
    "\" OR \"\"=\"",
    "1) UNION SELECT token_hash, name, 1, 1 FROM api_tokens --",
    "%' OR 1=1 --",
    "'; UPDATE api_tokens SET revoked = 0; --",
    "بغداد' OR '1'='1",
    "1;SELECT pg_sleep(5)--",
    "\\' OR 1=1 #",
]
PATH_TRAVERSALS = [
    "../../../../../../etc/passwd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "....//....//....//etc/passwd",
    "/etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "file:///etc/passwd",
    "%00../../etc/passwd",
]
ODD_VALUES = ["\x00", "A" * 20_000, "{{7*7}}", "<script>alert(1)</script>", "\u202e\u200fقتل", "-1",
              "99999999999999999999999", "NaN", "2022-13-45", "[]", "{}"]
PAYLOADS = SQL_INJECTIONS + PATH_TRAVERSALS + ODD_VALUES
LEAK_MARKERS = ("root:x:0:0", "[extensions]", "token_hash", "Traceback", "sqlite3.", "psycopg", "SELECT ")


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sec-template") / "rasd.db"
    store = open_api_store(path)
    fill_demo_store(create_app(ApiSettings(store=store)).state.repository)
    store.close()
    return path


@pytest.fixture()
def api(tmp_path, template_db):
    shutil.copy(template_db, tmp_path / "rasd.db")
    store = open_api_store(tmp_path / "rasd.db")
    app = create_app(ApiSettings(store=store, extractor=recorded_extractor(demo_articles())))
    token = create_token(store.engine, "tester")
    client = TestClient(app, raise_server_exceptions=False)
    yield {"client": client, "store": store, "token": token, "app": app}
    store.close()


def _store_state(store) -> str:
    """Everything a write could change: the canonical dump plus the API's own tables (tokens, corrections)."""
    import sqlalchemy as sa
    parts = [store.canonical_dump()]
    with store.engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            if table.startswith(("api_", "correction", "event_state", "edit")):
                rows = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
                parts.append(f"{table}: {sorted(map(repr, rows))}")
    return "\n".join(parts)


def _secrets(api) -> tuple[str, ...]:
    import hashlib
    return api["token"], hashlib.sha256(api["token"].encode("utf-8")).hexdigest()


def _operations(app) -> list[tuple[str, str, dict]]:
    schema = app.openapi()
    return [(method, path, op) for path, item in schema["paths"].items()
            for method, op in item.items() if method in WRITE_METHODS | {"get"}]


def _any_event_id(client) -> str:
    return client.get("/api/events", params={"limit": 1}).json()["items"][0]["event_id"]


def _any_article_id(client) -> str:
    return client.get("/api/articles", params={"limit": 1}).json()["items"][0]["article_id"]


def _fill_path(path: str, client, value: str | None = None) -> str:
    def repl(m: re.Match) -> str:
        if value is not None:
            return value
        return _any_article_id(client) if "article" in m.group(1) else _any_event_id(client)
    return re.sub(r"\{([^}]+)\}", repl, path)


def _minimal_body(op: dict) -> dict | None:
    """A plausible body for a write operation, so that the only thing wrong with the request is its token."""
    content = (op.get("requestBody") or {}).get("content", {})
    if "application/json" not in content:
        return None
    return {"articles": [{"text": "قتل ثلاثة جنود في هجوم على بلدة في ديالى", "id": "sec-1"}],
            "changes": {"fatalities": 99}, "reason": "test", "comment": "test", "target": "x", "others": ["y"],
            "article_ids": ["x"]}


# --- authentication ----------------------------------------------------------------------------------------------

BAD_AUTH_HEADERS = [
    ({}, 401),
    ({"Authorization": ""}, 401),
    ({"Authorization": "Bearer"}, 401),
    ({"Authorization": "Bearer "}, 401),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, (401, 403)),
    ({"Authorization": "Bearer rasd_wrong"}, 403),
    ({"Authorization": "Bearer ' OR '1'='1"}, 403),
    ({"Authorization": "Bearer " + "x" * 10_000}, 403),
    ({"X-API-Token": "rasd_wrong"}, 403),
    ({"X-API-Token": "' OR 1=1 --"}, 403),
]


def test_every_write_operation_needs_a_valid_token(api):
    client, store = api["client"], api["store"]
    writes = [(m, p, op) for m, p, op in _operations(api["app"]) if m in WRITE_METHODS]
    assert len(writes) >= 5, "the schema lists fewer write operations than expected"
    before = _store_state(store)
    for method, path, op in writes:
        url = _fill_path(path, client)
        body = _minimal_body(op)
        for headers, expected in BAD_AUTH_HEADERS:
            kwargs = {"json": body} if body is not None else {}
            if path.endswith("/upload"):
                kwargs = {"files": {"file": ("a.txt", "قتل ثلاثة جنود".encode(), "text/plain")}}
            response = client.request(method.upper(), url, headers=headers, **kwargs)
            allowed = expected if isinstance(expected, tuple) else (expected,)
            assert response.status_code in allowed, (method, path, headers.keys(), response.status_code,
                                                     response.text[:300])
            assert response.json().get("status") == response.status_code
    assert _store_state(store) == before, "a rejected write changed the store"


def test_revoked_token_cannot_write(api):
    client, store = api["client"], api["store"]
    auth = {"Authorization": f"Bearer {api['token']}"}
    event_id = _any_event_id(client)
    ok = client.post(f"/api/events/{event_id}/reject", json={"reason": "check"}, headers=auth)
    assert ok.status_code == 200, ok.text
    client.post(f"/api/events/{event_id}/restore", headers=auth)
    revoke_token(store.engine, "tester")
    before = _store_state(store)
    for headers in (auth, {"X-API-Token": api["token"]}):
        refused = client.post(f"/api/events/{event_id}/reject", json={"reason": "after revoke"}, headers=headers)
        assert refused.status_code == 403
        refused = client.post("/api/articles", json={"articles": [{"text": "قتل جندي في بغداد"}]}, headers=headers)
        assert refused.status_code == 403
    assert _store_state(store) == before


def test_token_secret_is_not_stored_in_clear(api):
    import sqlalchemy as sa
    with api["store"].engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")).all():
                assert api["token"] not in " ".join(map(str, row)), f"the token secret is stored in {table}"


def test_expired_token_cannot_write(api):
    import sqlalchemy as sa
    from datetime import datetime, timedelta, timezone
    with api["store"].engine.begin() as conn:
        conn.execute(sa.text("UPDATE api_tokens SET created_at = :old"),
                     {"old": datetime.now(timezone.utc) - timedelta(days=3650)})
    event_id = _any_event_id(api["client"])
    response = api["client"].post(f"/api/events/{event_id}/reject", json={"reason": "old token"},
                                  headers={"Authorization": f"Bearer {api['token']}"})
    assert response.status_code in (401, 403)
    assert "expired" in response.json()["error"]


# --- hostile parameters ------------------------------------------------------------------------------------------

def _assert_harmless(response, what: str, payload: str = "", secrets: tuple[str, ...] = ()) -> None:
    assert response.status_code < 500, f"{what}: server error {response.status_code}: {response.text[:300]}"
    body = response.text
    for marker in LEAK_MARKERS:
        # an error message may quote the payload back; only a marker the payload did not bring counts as a leak
        if marker not in payload:
            assert marker not in body, f"{what}: response leaks {marker!r}: {body[:300]}"
    for secret in secrets:
        assert secret not in body, f"{what}: response leaks a token secret or its hash"


def test_injection_and_traversal_in_every_read_parameter(api):
    client, store = api["client"], api["store"]
    before = _store_state(store)
    tried = 0
    for method, path, op in _operations(api["app"]):
        if method != "get":
            continue
        params = op.get("parameters", [])
        for param in params:
            for payload in PAYLOADS:
                if param["in"] == "path":
                    if len(payload) > 4000:
                        continue      # over the URL length any client or proxy sends
                    url = _fill_path(path, client, value=quote(payload, safe=""))
                    response = client.get(url)
                elif param["in"] == "query":
                    response = client.get(_fill_path(path, client), params={param["name"]: payload})
                elif param["in"] == "header":
                    if not payload.isascii() or "\x00" in payload:
                        continue      # not representable in an HTTP header
                    response = client.get(_fill_path(path, client), headers={param["name"]: payload})
                else:
                    continue
                tried += 1
                _assert_harmless(response, f"GET {path} {param['in']} {param['name']}={payload[:40]!r}", payload,
                                 _secrets(api))
    assert tried > 100
    assert _store_state(store) == before, "a read request changed the store"
    # the token table still works and still refuses a made-up token
    assert client.post(f"/api/events/{_any_event_id(client)}/reject", json={},
                       headers={"Authorization": "Bearer ' OR '1'='1"}).status_code == 403


def test_injection_in_write_paths_and_bodies_with_a_valid_token(api):
    client, store = api["client"], api["store"]
    auth = {"Authorization": f"Bearer {api['token']}"}
    events_before = client.get("/api/events", params={"limit": 1}).json()["total"]
    for payload in SQL_INJECTIONS + PATH_TRAVERSALS:
        safe = quote(payload, safe="")
        for method, url, body in (
            ("POST", f"/api/events/{safe}/reject", {"reason": payload}),
            ("PATCH", f"/api/events/{safe}", {"changes": {"notes": payload}, "comment": payload}),
            ("POST", "/api/events/merge", {"target": payload, "others": [payload]}),
            ("POST", f"/api/events/{_any_event_id(client)}/split", {"article_ids": [payload]}),
            ("PATCH", f"/api/events/{_any_event_id(client)}", {"changes": {payload: 1}}),
        ):
            response = client.request(method, url, json=body, headers=auth)
            _assert_harmless(response, f"{method} {url} {payload[:40]!r}", payload, _secrets(api))
    # a stored payload is data, not code: it comes back verbatim and the tables are intact
    event_id = _any_event_id(client)
    note = "x'); DROP TABLE events; -- ../../etc/passwd"
    response = client.patch(f"/api/events/{event_id}", json={"changes": {"notes": note}}, headers=auth)
    assert response.status_code == 200, response.text
    assert client.get(f"/api/events/{event_id}").json()["event"]["notes"] == note
    assert client.get("/api/events", params={"limit": 1}).json()["total"] == events_before
    assert store.counts().events > 0


@pytest.mark.parametrize("path", [
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/....//....//etc/passwd",
    "/static/%252e%252e/%252e%252e/etc/passwd",
    "/static/..\\..\\..\\etc\\passwd",
    "/static//etc/passwd",
    "/static/%00index.html",
    "/../../../../etc/passwd",
    "/static/../../api/app.py",
    "/static/../../../store/db.py",
])
def test_static_files_do_not_escape_their_directory(api, path):
    response = api["client"].get(path)
    assert response.status_code in (400, 404, 405), (path, response.status_code, response.text[:200])
    assert "root:x:0:0" not in response.text and "import " not in response.text


def test_oversized_json_body_is_refused(api):
    # 1001 articles: over the schema's 1000-article limit, refused before any extraction
    auth = {"Authorization": f"Bearer {api['token']}"}
    body = {"articles": [{"text": "قتل جندي"} for _ in range(1001)]}
    response = api["client"].post("/api/articles", json=body, headers=auth)
    assert response.status_code in (413, 422), response.status_code
    # one article text over 5 MB
    body = {"articles": [{"text": "ق" * 5_000_001}]}
    response = api["client"].post("/api/articles", json=body, headers=auth)
    assert response.status_code in (413, 422), response.status_code
