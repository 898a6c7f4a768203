#!/usr/bin/env python3
"""Load-test the rasd API from a second local process: N concurrent clients for T seconds, loopback only.

    .venv/bin/python scripts/load_test.py --serve --clients 200 --seconds 60     # starts `rasd serve --demo`
    .venv/bin/python scripts/load_test.py --url http://127.0.0.1:8000 --clients 50 --seconds 20 --json

Each client loops over a mix of read requests (event lists with filters, one event's detail, aggregates,
articles, a GeoJSON export, the dashboard) and, with --token, a share of authenticated writes (reject and
restore of one event). Reported: requests, requests/s, errors (transport errors and HTTP status >= 500 or an
unexpected 4xx) and latency percentiles (p50, p95, p99, max, in ms). Exit status 0 when there were no errors.
Only loopback addresses are accepted: this tool must never be pointed at someone else's server.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
READ_PATHS = [
    "/api/events?limit=20",
    "/api/events?limit=50&country=IQ",
    "/api/events?limit=20&event_type=Battles&min_fatalities=1",
    "/api/events?q=%D8%AF%D9%8A%D8%A7%D9%84%D9%89",
    "/api/aggregates?by=month",
    "/api/aggregates?by=admin1",
    "/api/articles?limit=20",
    "/api/export?format=geojson",
    "/api/events/{event_id}",
    "/",
]


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    """`rasd serve --demo` on 127.0.0.1:PORT in its own process; returns once it answers."""
    rasd = Path(sys.executable).with_name("rasd")
    cmd = [str(rasd)] if rasd.exists() else [sys.executable, "-c", "from rasd.cli import main; main()"]
    proc = subprocess.Popen([*cmd, "serve", "--demo", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rasd serve exited: {proc.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events?limit=1", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError("rasd serve did not answer within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


async def _client(http, base: str, paths: list[str], until: float, token: str, write_share: float,
                  event_ids: list[str], rng: random.Random, latencies: list[float], errors: list[str],
                  statuses: dict[int, int], retried: list[str]) -> None:
    import httpx
    while time.monotonic() < until:
        if token and event_ids and rng.random() < write_share:
            event_id = rng.choice(event_ids)
            method, path, body = "POST", f"/api/events/{event_id}/reject", {"reason": "load test"}
            expected = {200, 409, 422}      # 422: already rejected / not rejected (another client was first)
            if rng.random() < 0.5:
                method, path, body = "POST", f"/api/events/{event_id}/restore", None
        else:
            method, body, expected = "GET", None, {200}
            path = rng.choice(paths)
            if "{event_id}" in path:
                path = path.replace("{event_id}", rng.choice(event_ids) if event_ids else "none")
                expected = {200, 404}
        headers = {"Authorization": f"Bearer {token}"} if method != "GET" else {}
        started = time.perf_counter()
        try:
            try:
                response = await http.request(method, base + path, json=body, headers=headers)
                await response.aread()
            except (httpx.ReadError, httpx.RemoteProtocolError):
                if method != "GET":
                    raise
                # a kept-alive connection the server closed as the request went out (uvicorn closes idle ones
                # after 5 s): browsers and urllib3 send an idempotent request again once; counted, not hidden
                retried.append(path)
                response = await http.request(method, base + path, json=body, headers=headers)
                await response.aread()
            elapsed = time.perf_counter() - started
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            latencies.append(elapsed)
            if response.status_code not in expected:
                errors.append(f"{method} {path}: HTTP {response.status_code} {response.text[:120]}")
        except httpx.HTTPError as exc:
            latencies.append(time.perf_counter() - started)
            errors.append(f"{method} {path}: {type(exc).__name__}: {exc}")


async def run_load(base: str, clients: int, seconds: float, token: str = "", write_share: float = 0.0,
                   seed: int = 1) -> dict:
    import httpx
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0)) as http:
        first = await http.get(base + "/api/events?limit=50")
        first.raise_for_status()
        event_ids = [e["event_id"] for e in first.json().get("items", [])]
        latencies: list[float] = []
        errors: list[str] = []
        statuses: dict[int, int] = {}
        retried: list[str] = []
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(_client(http, base, READ_PATHS, until, token, write_share, event_ids,
                                       random.Random(seed * 1000 + i), latencies, errors, statuses, retried)
                               for i in range(clients)))
        wall = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "url": base, "clients": clients, "seconds": round(wall, 1), "requests": len(latencies),
        "requests_per_second": round(len(latencies) / wall, 1) if wall else 0.0,
        "errors": len(errors), "error_examples": sorted(set(errors))[:10],
        "retried_reads": len(retried), "retried_examples": sorted(set(retried))[:10],
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latency_ms": {name: round(percentile(ordered, q) * 1000, 1)
                       for name, q in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="", help="base URL of a running rasd serve (loopback only)")
    parser.add_argument("--serve", action="store_true", help="start `rasd serve --demo` on a free local port")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--token", default="", help="API token: also send authenticated writes")
    parser.add_argument("--write-share", type=float, default=0.05, help="share of requests that write")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args()

    server = None
    tmp = None
    if args.serve:
        tmp = Path(tempfile.mkdtemp(prefix="rasd-load-"))
        port = _free_port()
        db = tmp / "load.db"
        server = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        if not args.token:
            made = subprocess.run([sys.executable, "-c", "from rasd.cli import main; main()", "token", "create",
                                   "load-test", "--db", str(db)], capture_output=True, text=True, cwd=REPO)
            args.token = made.stdout.strip() if made.returncode == 0 else ""
    else:
        base = args.url.rstrip("/")
    if not base or not _is_loopback(base):
        print("load_test: give --serve or a loopback --url (127.0.0.1, ::1, localhost)", file=sys.stderr)
        return 2
    try:
        result = asyncio.run(run_load(base, args.clients, args.seconds, args.token,
                                      args.write_share if args.token else 0.0))
        if server is not None:
            result["server_peak_rss_mib"] = _peak_rss_mib(server.pid)
    finally:
        if server is not None:
            stop_server(server)
    if not args.json:
        lat = result["latency_ms"]
        print(f"{result['requests']} requests in {result['seconds']} s from {result['clients']} clients "
              f"({result['requests_per_second']}/s): {result['errors']} errors; latency p50 {lat['p50']} ms, "
              f"p95 {lat['p95']} ms, p99 {lat['p99']} ms, max {lat['max']} ms", file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0 if result["errors"] == 0 else 1


def _peak_rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


if __name__ == "__main__":
    sys.exit(main())
