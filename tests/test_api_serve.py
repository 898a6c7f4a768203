"""`rasd serve --demo` as a real process: it opens the store, adds the demo events and answers on its port."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_demo_answers(tmp_path):
    port = _free_port()
    db = tmp_path / "serve.db"
    proc = subprocess.Popen([sys.executable, "-c", "from rasd.cli import main; main()", "serve", "--demo",
                             "--db", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "RASD_DB": str(tmp_path / "unused.db")})
    try:
        body = None
        deadline = time.time() + 30
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events", timeout=2) as response:
                    body = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, proc.stdout.read() if proc.poll() is not None else "no answer"
        assert body["total"] == 4
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert "رصد" in response.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert db.exists() and not Path(tmp_path / "unused.db").exists()


def test_serve_reports_a_bad_database(tmp_path):
    out = subprocess.run([sys.executable, "-c", "from rasd.cli import main; main()", "serve",
                          "--db", "postgresql://nobody@127.0.0.1:1/none"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2
    assert "cannot open" in out.stderr and "Traceback" not in out.stderr
