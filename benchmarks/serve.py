"""Benchmark: the form service on loopback, requests per second and latency, 1 and 2 workers.

Usage: .venv/bin/python benchmarks/serve.py [--seconds 10] [--connections 50] [--workers 1 2]
                                            [--paced-ms 90]

Needs `wrk` (Debian: apt-get install wrk), a load generator in C, so that the
client costs little of the two cores. For each worker count:
- `GET /forms/hundesteuer`: the first page of a 3-page form (a new visitor:
  the page is cached, a CSRF token is made and set as a cookie);
- `POST /api/forms/hundesteuer/submissions`: a valid submission as JSON with
  its own Idempotency-Key, validated and stored in SQLite (WAL, synchronous=FULL),
  as fast as the connections can send (the server saturated: latency is mostly queueing)
  and paced (each connection waits `--paced-ms` between posts: 50 connections at 90 ms
  offer about 500 submissions/s, the goal's rate);
next to a baseline served the same way in the same run (`formlang.cli_serve.run_uvicorn`):
a bare Starlette app on uvicorn with the same worker count, answering a GET with a fixed page of the
same size, and a POST by parsing the JSON and answering 201. Reports requests/s,
p50 and p99 latency (wrk --latency), and the rows stored (warm-ups included; wrk cuts the
requests in flight at its end, so the count is not compared with the 201s: that every
acknowledged submission is stored exactly once is tests/service/test_load.py's check).
Goals (issue 8): 1,000 form pages/s and 500 stored submissions/s with two
workers, p99 under 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from answers import answers  # noqa: E402

BASELINE = """
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
import json, os
PAGE = "x" * int(os.environ["BASELINE_SIZE"])
async def page(request):
    return HTMLResponse(PAGE)
async def submit(request):
    data = json.loads(await request.body())
    return JSONResponse({"id": "x", "keys": len(data)}, status_code=201)
app = Starlette(routes=[Route("/page", page), Route("/submit", submit, methods=["POST"])])
"""

POST_LUA = """
counter = 0
local thread_id = 0
setup = function(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open(os.getenv("BENCH_BODY")):read("*a")
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = "bench-" .. os.getenv("BENCH_RUN") .. "-" .. tid .. "-" .. counter
  return wrk.format()
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def start(
    command: list[str], url: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    wait_up(url, process)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict[str, float]:
    """Two seconds to warm up (caches, connections), then the measured run."""
    warm = ["wrk", "-t2", f"-c{connections}", "-d2s", *(["-s", str(script)] if script else [])]
    subprocess.run([*warm, url], capture_output=True, check=True)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)

    def percentile(p: str) -> float:
        found = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        assert found, out
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {
        "rps": rate,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "total": total,
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--paced-ms",
        type=int,
        default=90,
        help="also post with each connection waiting this long between requests (0: not)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="formlang-bench-"))
    body = work / "submission.json"
    body.write_text(json.dumps(answers("hundesteuer", dt.date.today())), encoding="utf-8")
    (work / "post.lua").write_text(POST_LUA, encoding="utf-8")
    paced_lua = work / "paced.lua"
    paced_lua.write_text(f"{POST_LUA}\ndelay = function() return {args.paced_ms} end\n")
    paced_name = (
        f"JSON submission stored, paced: each connection waits {args.paced_ms} ms between posts"
    )
    (work / "baseline.py").write_text(BASELINE, encoding="utf-8")
    formlang = str(Path(sys.executable).parent / "formlang")
    rows = []
    for workers in args.workers:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        db = work / f"bench-{workers}.db"
        server = start(
            [
                formlang,
                "serve",
                str(ROOT / "library"),
                "--port",
                str(port),
                "--db",
                f"sqlite:///{db}",
                "--workers",
                str(workers),
            ],
            f"{url}/healthz",
        )
        size = len(urllib.request.urlopen(f"{url}/forms/hundesteuer").read())
        try:
            page = wrk(f"{url}/forms/hundesteuer", args.seconds, args.connections)
            env = {"BENCH_BODY": str(body), "BENCH_RUN": str(workers)}
            os.environ.update(env)
            post = wrk(
                f"{url}/api/forms/hundesteuer/submissions",
                args.seconds,
                args.connections,
                work / "post.lua",
            )
            paced = (
                wrk(
                    url + "/api/forms/hundesteuer/submissions",
                    args.seconds,
                    args.connections,
                    paced_lua,
                )
                if args.paced_ms
                else None
            )
        finally:
            stop(server)
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT count(*) FROM submissions").fetchone()[0]
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        baseline = start(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(work)!r}); from formlang.cli_serve import "
                f"run_uvicorn; run_uvicorn('baseline:app', '127.0.0.1', {port}, {workers})",
            ],
            f"{base_url}/page",
            {"BASELINE_SIZE": str(size)},
        )
        try:
            base_page = wrk(f"{base_url}/page", args.seconds, args.connections)
            base_post = wrk(f"{base_url}/submit", args.seconds, args.connections, work / "post.lua")
            base_paced = (
                wrk(f"{base_url}/submit", args.seconds, args.connections, paced_lua)
                if args.paced_ms
                else None
            )
        finally:
            stop(baseline)
        rows.append((workers, "form page (GET)", page, base_page, ""))
        rows.append(
            (
                workers,
                "JSON submission stored (POST)",
                post,
                base_post,
                f"{stored} stored, {post['bad']} non-2xx",
            )
        )
        if paced and base_paced:
            rows.append((workers, paced_name, paced, base_paced, f"{paced['bad']} non-2xx"))
    print(
        f"{dt.date.today()}, {os.cpu_count()} cores, load before: {os.getloadavg()[0]:.2f}; wrk -t2 -c{args.connections} -d{args.seconds}s"
    )
    print()
    print(
        "| workers | request | requests/s | p50 (ms) | p99 (ms) | baseline requests/s | baseline p99 (ms) | ratio | note |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for workers, name, got, base, note in rows:
        print(
            f"| {workers} | {name} | {got['rps']:.0f} | {got['p50']:.1f} | {got['p99']:.1f} | "
            f"{base['rps']:.0f} | {base['p99']:.1f} | {got['rps'] / base['rps']:.2f} | {note} {got['socket_errors']} |"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
