"""Property-based run of schemathesis against /openapi.json: no input makes the API fail with a server error.

Bounded (a few examples per operation, well under two minutes); requests carry a valid token so the write
endpoints are exercised past authentication.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from rasd.api import ApiSettings, create_app  # noqa: E402
from rasd.api.db import open_api_store  # noqa: E402
from rasd.api.demo import demo_articles, fill_demo_store, recorded_extractor  # noqa: E402
from rasd.api.tokens import create_token  # noqa: E402

_tmp = Path(tempfile.mkdtemp(prefix="rasd-schemathesis-"))
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
_store = open_api_store(_tmp / "rasd.db")
_app = create_app(ApiSettings(store=_store, extractor=recorded_extractor(demo_articles())))
fill_demo_store(_app.state.repository)
TOKEN = create_token(_store.engine, "schemathesis")

schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_server_errors(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error])
