"""The load command end to end, briefly: a tiny demo on PostgreSQL, gunicorn, wrk for two seconds (twice: clients
that never pause, then clients that pause between pages).

It needs PostgreSQL (TEST_DATABASE_URL names the server; the command gets its own scratch database beside the
test database, `<name>_load`, never the test database itself) and Debian's wrk."""
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import urllib.parse

import pytest

from matchmaker import ROOT

URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = [
    pytest.mark.skipif(not URL.startswith("postgresql"), reason="the load command measures PostgreSQL"),
    pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)"),
]


def _scratch_url() -> str:
    parts = urllib.parse.urlsplit(URL)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_load"))


def test_the_load_command_prints_figures_for_every_route_without_errors():
    proc = subprocess.run(
        [sys.executable, "-m", "matchmaker.bench", "load", "--database-url", _scratch_url(), "--workers", "300",
         "--clients", "10", "--duration", "2", "--think-ms", "200", "--changes-per-s", "5"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["bench"] == "load" and result["workers"] == 300 and result["errors"] == 0
    # which Python served, since its build moves the figures as much as the code does
    assert result["python"]["version"] == platform.python_version()
    assert result["python"]["executable"] == os.path.realpath(sys.executable)
    if sys.platform.startswith("linux"):
        assert isinstance(result["python"]["libpython_shared"], bool)
    # writes during both runs: 5 changes a second noted for as long as each runs (2 s, and what wrk takes to start
    # and to stop), each taken in by every gunicorn worker
    assert result["changes_per_s"] == 5 and 5 <= result["changes_noted"] <= 5 * (2 + 10)
    assert 5 <= result["users"]["changes_noted"] <= 5 * (2 + 10)
    routes = result["routes"]
    expected = {"enterprise.candidates", "seeker.recommended", "seeker.home (vacancy search)", "static (baseline)"}
    if not result["notes"]:  # the API route is measured whenever /api/v1 exists
        expected.add("api.vacancy_candidates")
    assert set(routes) == expected
    for name, r in routes.items():
        assert r["requests"] > 0 and r["rps"] > 0, name
        assert 0 < r["p50_ms"] <= r["p95_ms"] <= r["max_ms"], name
        assert r["errors"] == 0 and r["non200"] == 0, name
    assert routes["static (baseline)"]["p95_vs_static"] == 1.0
    # The second run: the same routes, each client pausing between pages as a person reading them would.
    users = result["users"]
    assert users["think_ms"] == 200 and set(users["routes"]) == expected
    for name, r in users["routes"].items():
        assert r["requests"] > 0 and r["errors"] == 0, name
        # 10 clients pausing 100-300 ms: each sends a few requests a second at most, not as fast as answered
        assert r["rps"] <= r["clients"] / 0.1, name
    assert users["p95_max_ms"] == max(r["p95_ms"] for n, r in users["routes"].items() if n != "static (baseline)")
    for phase in (result, users):  # what the server served in all, the figure to set against a target rate
        assert phase["rps_total"] == pytest.approx(sum(r["rps"] for r in phase["routes"].values()), abs=0.11)
    assert "all routes" in proc.stderr
    if sys.platform.startswith("linux"):  # where the CPU went, from /proc: some in gunicorn and in PostgreSQL
        for phase in (result, users):
            cpu = phase["cpu"]
            assert cpu["gunicorn_ms_per_page"] > 0, cpu
            if urllib.parse.urlsplit(URL).hostname in ("127.0.0.1", "localhost", None):  # its backends are seen
                assert cpu["postgresql_ms_per_page"] > 0, cpu
            assert 0 < cpu["gunicorn_cores"] <= cpu["cores"] + 0.1 and 0 < cpu["machine_busy_cores"], cpu
        assert "CPU:" in proc.stderr and "ms a page" in proc.stderr
    # The per-route lines are printed too, for people reading the CI log.
    assert "p95" in proc.stderr and "static (baseline)" in proc.stderr
    # gunicorn was stopped: nothing listens on its port any more.
    port = urllib.parse.urlsplit(result["server"]).port
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
