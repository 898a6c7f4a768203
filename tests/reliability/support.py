"""Shared settings and helpers for the reliability tests.

The default suite runs every reliability item at a small scale (a few hundred examples, a few kill runs, a
short load test); ``RASD_LONG_TESTS=1`` runs the full-size versions the issue asks for.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

LONG = os.environ.get("RASD_LONG_TESTS", "") not in ("", "0")
REPO = Path(__file__).resolve().parents[2]
BAD_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bad"

# A database-free profile: CI runs must not depend on a previous run's example database. The default suite is
# derandomized (the same examples every run, so CI is stable); long runs and scripts/fuzz.py explore new ones.
settings.register_profile("reliability", deadline=None, database=None, derandomize=not LONG, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much])


def examples(short: int, long: int) -> int:
    return long if LONG else short


long_only = pytest.mark.skipif(not LONG, reason="full-size run: set RASD_LONG_TESTS=1")


def rasd_command() -> list[str]:
    """The installed ``rasd`` console script of this interpreter's environment, else ``python -m``-style."""
    script = Path(sys.executable).with_name("rasd")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from rasd.cli import main; main()"]


def run_rasd(*args: str, timeout: float = 300, env: dict[str, str] | None = None,
             cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.setdefault("PYTHONUTF8", "1")
    full_env["COLUMNS"] = "200"        # rich wraps stderr at the terminal width: keep messages on one line
    if env:
        full_env.update(env)
    return subprocess.run([*rasd_command(), *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env, cwd=cwd or REPO, encoding="utf-8", errors="replace")


def assert_no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, f"traceback on stderr:\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stdout, f"traceback on stdout:\n{proc.stdout[-3000:]}"


_MEASURE = ("import resource, subprocess, sys\n"
            "code = subprocess.call(sys.argv[2:])\n"
            "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
            "sys.exit(code)\n")


def run_rasd_measured(*args: str, timeout: float = 600,
                      env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``rasd ARGS`` in a fresh wrapper process and return it with the peak resident memory in MiB.

    The wrapper exists so that RUSAGE_CHILDREN counts only this one rasd process, not pytest's other children.
    """
    import tempfile
    with tempfile.NamedTemporaryFile("r", suffix=".rss", delete=False) as fh:
        rss_path = fh.name
    full_env = dict(os.environ)
    full_env.setdefault("PYTHONUTF8", "1")
    full_env["COLUMNS"] = "200"
    if env:
        full_env.update(env)
    try:
        proc = subprocess.run([sys.executable, "-c", _MEASURE, rss_path, *rasd_command(), *args],
                              capture_output=True, text=True, timeout=timeout, env=full_env, cwd=REPO,
                              encoding="utf-8", errors="replace")
        peak_kib = int(Path(rss_path).read_text() or 0)
    finally:
        os.unlink(rss_path)
    return proc, peak_kib / 1024
