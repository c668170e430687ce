"""Load test: gunicorn (4 workers) on PostgreSQL with the demo province, driven by wrk on loopback.

    python -m matchmaker.bench load [--workers 100000] [--clients 50] [--duration 30] [--changes-per-s 0]
                                    [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker_load]

1. The scratch database is created if missing, migrated, seeded and given `flask demo --workers N`, unless it
   already holds a demo of that size (a demo of another size is dropped with the database: it is scratch).
2. gunicorn serves the app (rate limits raised for the run: every client logs in from 127.0.0.1) on a free port
   of 127.0.0.1 with the demo data; each worker warms its matching index before serving (gunicorn.conf.py).
3. The demo enterprise, seeker (and, when /api/v1 exists, an API token of the enterprise) sign in; one wrk process
   per route then runs for the same fixed time, all at once, the clients shared out between them, so every route
   is measured under the same mixed load. A bare static file served by the same gunicorn is the baseline.
4. Per route: requests, requests/s, p50/p95/max and the ratio to the static baseline; then the CPU the run took
   (cores busy, and milliseconds per page for gunicorn and for PostgreSQL: "cpu" in the JSON, Linux only). The
   LAST line printed is one JSON object. Exit status 1 when any route had an error (non-200 or a socket error).
5. Then the same routes again with people's pace (--think-ms, a pause of 1 s on average between pages by
   default; "users" in the JSON), driven by the small asyncio client below (see there why not wrk). The first
   run measures the server saturated (50 clients that never pause are far more than 50 people), the second
   50 people at work.
6. With --changes-per-s N, both runs have writes too: N changes a second noted in the change log (a worker and a
   vacancy in turn, as edits note them), which every gunicorn worker applies, forgetting what it remembered of
   them. Without it the run makes no writes, and remembered rankings stay valid all through it.

wrk is Debian's (`apt-get install wrk`); it runs closed-loop (each client sends its next request when the last
answer arrives), bounded by --duration and --timeout, on loopback only. gunicorn's sync workers close the
connection after every answer, so each request also pays a TCP connect, as a browser without keep-alive would.
"""
from __future__ import annotations

import asyncio
import http.cookiejar
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from matchmaker import ROOT

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker_load"
DEMO_SEED = 7


def _log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- the scratch database -----------------------------------------------------------------------------------

def _psycopg_url(url: str, database: str | None = None) -> str:
    parts = urllib.parse.urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    if database is not None:
        parts = parts._replace(path="/" + database)
    return urllib.parse.urlunsplit(parts)


def _database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def _analyze(url: str) -> None:
    """Fresh planner statistics: right after a bulk load PostgreSQL still believes the tables are nearly empty
    (35 open vacancies instead of 10,000) and picks plans for that, which a server does not see in steady state."""
    import psycopg
    with psycopg.connect(_psycopg_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _admin(url: str, sql: str) -> None:
    import psycopg
    from psycopg import sql as pgsql
    with psycopg.connect(_psycopg_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(pgsql.SQL(sql).format(pgsql.Identifier(_database_name(url))))


def _exists(url: str) -> bool:
    import psycopg
    with psycopg.connect(_psycopg_url(url, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (_database_name(url),)).fetchone() \
            is not None


def _demo_size(url: str) -> int | None:
    """Workers of the demo in the database, None when it has no demo (or no tables yet)."""
    import psycopg

    from matchmaker.models import User, Worker
    users, workers = User.__tablename__, Worker.__tablename__
    with psycopg.connect(_psycopg_url(url)) as conn:
        if None in conn.execute("SELECT to_regclass(%s), to_regclass(%s)", (users, workers)).fetchone():
            return None
        if conn.execute(f"SELECT 1 FROM {users} WHERE login = 'bureau'").fetchone() is None:
            return None
        return conn.execute(f"SELECT count(*) FROM {workers}").fetchone()[0]


def _flask(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    _log(f"flask {' '.join(args)}: {time.perf_counter() - started:.1f}s")


def prepare_database(url: str, n_workers: int) -> None:
    """Create, migrate, seed and fill the scratch database unless it already holds a demo of this size."""
    if not url.startswith("postgresql"):
        raise SystemExit("the load command measures PostgreSQL: give a postgresql+psycopg:// URL")
    name = _database_name(url)
    if _exists(url):
        size = _demo_size(url)
        if size == n_workers:
            _log(f"database {name} already holds the demo with {n_workers} workers")
            _flask(url, "db", "upgrade")  # a newer schema since the last run
            _analyze(url)
            return
        # Dropping is only for scratch databases, recognisable by name, so a mistyped URL cannot cost data.
        if not re.search(r"load|bench", name):
            raise SystemExit(f"database {name} exists without a demo of {n_workers} workers; give a scratch "
                             f"database whose name contains 'load' or 'bench'")
        _log(f"recreating database {name} (it held {'no demo' if size is None else f'a demo of {size} workers'})")
        _admin(url, "DROP DATABASE {} WITH (FORCE)")
    _admin(url, "CREATE DATABASE {}")
    _flask(url, "db", "upgrade")
    _flask(url, "seed")
    _flask(url, "demo", "--workers", str(n_workers), "--seed", str(DEMO_SEED))
    _analyze(url)


# --- writes during the run ----------------------------------------------------------------------------------

class ChangeNoter:
    """Notes ``per_second`` changes a second in the change log while it runs, a random worker and a random vacancy
    in turn, as a ledger edit or a vacancy edit would (the records themselves stay as they are). Every gunicorn
    worker then applies each change and forgets the remembered answers that depend on it, as on a platform
    where people are writing: the pages' cost under writes. Bounded by the run it is started for."""

    def __init__(self, url: str, per_second: float, targets: dict, seed: int = DEMO_SEED):
        self.url, self.per_second, self.targets = url, per_second, targets
        self.rng = random.Random(seed)
        self.noted = 0
        self.failure: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self):
        if self.per_second > 0:
            self._thread = threading.Thread(target=self._note, name="change-noter", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.failure is not None and exc[0] is None:  # a run whose writes failed says so, not fewer figures
            raise SystemExit(f"noting changes failed: {self.failure!r}")

    def _note(self) -> None:
        try:
            self._note_until_stopped()
        except Exception as e:  # noqa: BLE001 — reported by __exit__, on the run's thread
            self.failure = e

    def _note_until_stopped(self) -> None:
        import psycopg

        from matchmaker.models import MatchingChange
        interval = 1.0 / self.per_second
        with psycopg.connect(_psycopg_url(self.url), autocommit=True) as conn:
            next_at = time.monotonic() + interval
            while not self._stop.wait(max(0.0, next_at - time.monotonic())):
                kind = ("worker", "vacancy")[self.noted % 2]
                low, high = self.targets[f"{kind}_ids"]
                conn.execute(f"INSERT INTO {MatchingChange.__tablename__} (kind, object_id, at) "
                             "VALUES (%s, %s, now())", (kind, self.rng.randint(low, high)))
                self.noted += 1
                next_at += interval


# --- what to request ----------------------------------------------------------------------------------------

@dataclass
class Route:
    name: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)


def _targets(url: str, api: bool) -> dict:
    """Ids and an API token from the database: the demo enterprise's open vacancies, trades and counties to
    search by. Runs in a child process so this one never holds the app (nor its matching index)."""
    code = r"""
import json, sys
from sqlalchemy import func, select
from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Region, Trade, User, Vacancy, VacancyTrade
app = create_app()
with app.app_context():
    ent = db.session.scalar(select(User).where(User.login == "enterprise"))
    mine = db.session.scalars(select(Vacancy.id).where(Vacancy.enterprise_id == ent.enterprise_id,
                              Vacancy.status == "open").order_by(Vacancy.id).limit(20)).all()
    trades = db.session.scalars(select(Trade.name).join(VacancyTrade, VacancyTrade.trade_id == Trade.id)
        .join(Vacancy).where(Vacancy.status == "open").group_by(Trade.name)
        .order_by(func.count().desc()).limit(5)).all()
    counties = db.session.scalars(select(Region.code).join(Vacancy, Vacancy.site_county_id == Region.id)
        .where(Vacancy.status == "open").group_by(Region.code).order_by(func.count().desc()).limit(5)).all()
    token = None
    if sys.argv[1] == "1":
        from matchmaker.services import api_tokens
        # Tokens of earlier runs are revoked so the enterprise stays under its limit of live tokens.
        for t in api_tokens.tokens_of(ent):
            if t.name == "load-test" and api_tokens.is_live(t):
                api_tokens.revoke(ent, t.id)
        token = api_tokens.create(ent, "load-test")[1]
    from matchmaker.models import Worker
    ranges = {"worker_ids": list(db.session.execute(select(func.min(Worker.id), func.max(Worker.id))).one()),
              "vacancy_ids": list(db.session.execute(select(func.min(Vacancy.id), func.max(Vacancy.id))).one())}
    print(json.dumps({"vacancies": mine, "trades": trades, "counties": counties, "token": token, **ranges}))
"""
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.run([sys.executable, "-c", code, "1" if api else "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"could not read the demo's ids:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _has_api() -> bool:
    try:
        import matchmaker.api  # noqa: F401
        import matchmaker.services.api_tokens  # noqa: F401
    except ImportError:
        return False
    return True


# Every request of the run, the sign-in included, names the same browser. Flask-Login ties a session to its
# browser: a session cookie sent by another one is marked not fresh, so every page would write it out again (and
# the run would measure signing cookies), as a browser would not see it.
USER_AGENT = "matchmaker-load"


def routes_for(targets: dict, cookies: dict[str, str], api: bool) -> list[Route]:
    vacancies = targets["vacancies"]
    if not vacancies:
        raise SystemExit("the demo enterprise has no open vacancy to rank candidates for")
    search = ["/seeker/", "/seeker/?page=2"]
    search += ["/seeker/?" + urllib.parse.urlencode({"trade": t}) for t in targets["trades"]]
    search += ["/seeker/?" + urllib.parse.urlencode({"county": c}) for c in targets["counties"]]
    routes = [
        Route("enterprise.candidates", [f"/enterprise/vacancies/{v}/candidates" for v in vacancies],
              {"Cookie": cookies["enterprise"]}),
        Route("seeker.recommended", ["/seeker/recommended", "/seeker/recommended?page=2"],
              {"Cookie": cookies["seeker"]}),
        Route("seeker.home (vacancy search)", search, {"Cookie": cookies["seeker"]}),
    ]
    if api:
        routes.append(Route("api.vacancy_candidates", [f"/api/v1/vacancies/{v}/candidates" for v in vacancies],
                            {"Authorization": "Bearer " + targets["token"]}))
    routes.append(Route("static (baseline)", ["/static/favicon.svg"]))
    for route in routes:
        route.headers["User-Agent"] = USER_AGENT
    return routes


# --- gunicorn -----------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn in its own session, so that stopping it (TERM, then KILL of its group) takes its workers too."""

    def __init__(self, url: str, workers: int, log_path: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": url, "LOGIN_RATE_LIMIT": "100000/minute",
               "API_RATE_LIMIT": "1000000/minute"}
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", "matchmaker.bench.load_app:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5) as r:
                    if r.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout:.0f}s; see {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:  # workers left behind by a master that died
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.log.close()


def login(base: str, user: str, password: str) -> str:
    """Sign in through the login form (CSRF token included); returns the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/login", timeout=30).read().decode()
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not m:
        raise SystemExit("no CSRF token on the login page")
    data = urllib.parse.urlencode({"csrf_token": m.group(1), "login": user, "password": password}).encode()
    answer = opener.open(base + "/login", data=data, timeout=30)
    if answer.geturl().rstrip("/").endswith("/login"):
        raise SystemExit(f"could not sign in as {user}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def warm_up(base: str, routes: list[Route], seconds: float = 3.0) -> None:
    """Touch every path once (and keep going for a few seconds) so that first-use costs — templates,
    translations, connections, an index built late — are not measured; a path that fails stops the run."""
    deadline = time.monotonic() + seconds
    first = True
    while first or time.monotonic() < deadline:
        for route in routes:
            for path in route.paths:
                req = urllib.request.Request(base + path, headers=route.headers)
                try:
                    with urllib.request.urlopen(req, timeout=60) as r:
                        status, final, cookie = r.status, r.geturl(), r.headers.get("Set-Cookie")
                except urllib.error.HTTPError as e:
                    status, final, cookie = e.code, base + path, None
                if first and (status != 200 or final != base + path):
                    raise SystemExit(f"{route.name}: GET {path} answered {status} at {final}")
                if first and cookie:  # see USER_AGENT: reading a page must not write the session
                    raise SystemExit(f"{route.name}: GET {path} set a cookie: {cookie.split('=')[0]}")
        first = False


# --- wrk ----------------------------------------------------------------------------------------------------

_LUA = r"""
local paths = %(paths)s
local headers = %(headers)s
local threads = {}
local n = 0
non200 = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n = math.random(#paths)
end

function request()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n], headers)
end

function response(status, hdrs, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non200") end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, ' ..
    '"non200": %%d, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, bad, e.connect, e.read, e.write, e.timeout))
end
"""


def _lua_string(s: str) -> str:
    return json.dumps(s)  # a JSON string of ASCII is a valid Lua string literal


def _lua_script(route: Route) -> str:
    paths = "{" + ", ".join(_lua_string(p) for p in route.paths) + "}"
    headers = "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in route.headers.items()) + "}"
    return _LUA % {"paths": paths, "headers": headers}


def _share(clients: int, routes: list[Route]) -> list[int]:
    return [clients // len(routes) + (1 if i < clients % len(routes) else 0) for i in range(len(routes))]


def drive(base: str, routes: list[Route], clients: int, duration: float, timeout: float, workdir: Path) -> dict:
    """All routes at once, one wrk process each, the clients shared out between them."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    share = _share(clients, routes)
    procs = []
    try:
        for i, (route, conns) in enumerate(zip(routes, share)):
            script = workdir / f"route{i}.lua"
            script.write_text(_lua_script(route))
            procs.append(subprocess.Popen(
                [wrk, "-t1", f"-c{conns}", f"-d{max(1, round(duration))}s", f"--timeout={timeout:g}s",
                 "-s", str(script), base], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        outputs = [p.communicate(timeout=duration + timeout + 60)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    results = {}
    for route, conns, out in zip(routes, share, outputs):
        m = re.search(r"^WRK (\{.*\})$", out, re.M)
        if not m:
            raise SystemExit(f"wrk gave no figures for {route.name}:\n{out}")
        r = json.loads(m.group(1))
        seconds = r["duration_us"] / 1e6
        errors = r["non200"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
        results[route.name] = {
            "path": route.paths[0], "paths": len(route.paths), "clients": conns, "requests": r["requests"],
            "rps": round(r["requests"] / seconds, 1) if seconds else 0.0,
            "p50_ms": round(r["p50_us"] / 1000, 1), "p95_ms": round(r["p95_us"] / 1000, 1),
            "p99_ms": round(r["p99_us"] / 1000, 1), "max_ms": round(r["max_us"] / 1000, 1),
            "errors": errors, "non200": r["non200"], "socket_errors": errors - r["non200"]}
    return results


# --- people at work: a pause before each page ------------------------------------------------------------------
#
# wrk cannot model them against gunicorn's sync workers: its delay() pauses AFTER opening the next connection, and a
# sync worker that has accepted a connection waits for its request, so four idle connections stall the server. A
# browser connects when its user clicks. This driver does that: each user waits, connects, asks, reads the whole
# answer, closes, and waits again (half to one and a half times think_ms, so that users do not march in step).

async def _fetch(host: str, port: int, path: str, headers: dict[str, str]) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        writer.write(head.encode("latin-1"))
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        await reader.read()  # the whole page, to the server's close
        return status
    finally:
        writer.close()


async def _user(base: str, route: Route, first: int, think_s: float, until: float, timeout: float,
                rng: random.Random, out: list) -> None:
    parts = urllib.parse.urlsplit(base)
    await asyncio.sleep(rng.uniform(0, think_s))  # users arrive spread over one pause, not all at once
    n = first
    while time.perf_counter() < until:
        path, n = route.paths[n % len(route.paths)], n + 1
        started = time.perf_counter()
        try:
            status = await asyncio.wait_for(_fetch(parts.hostname, parts.port, path, route.headers), timeout)
            out.append((time.perf_counter() - started, status))
        except (OSError, ValueError, IndexError, asyncio.TimeoutError):
            out.append((None, 0))  # refused, reset, cut short or too slow
        await asyncio.sleep(min(rng.uniform(think_s / 2, think_s * 3 / 2), max(0.0, until - time.perf_counter())))


def _percentile(sorted_s: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    return sorted_s[max(0, math.ceil(q * len(sorted_s)) - 1)] if sorted_s else 0.0


def drive_users(base: str, routes: list[Route], clients: int, duration: float, timeout: float,
                think_ms: int, seed: int = 1) -> dict:
    """``clients`` people at once, shared out between the routes like the wrk clients, for ``duration`` s."""
    rng = random.Random(seed)
    outs = {route.name: [] for route in routes}

    async def main():
        until = time.perf_counter() + duration
        await asyncio.gather(*(
            _user(base, route, rng.randrange(len(route.paths)), think_ms / 1000, until, timeout,
                  random.Random(rng.random()), outs[route.name])
            for route, n in zip(routes, _share(clients, routes)) for _ in range(n)))

    started = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - started
    results = {}
    for route, conns in zip(routes, _share(clients, routes)):
        done = outs[route.name]
        times = sorted(t for t, status in done if t is not None)
        non200 = sum(1 for t, status in done if t is not None and status != 200)
        failed = sum(1 for t, _ in done if t is None)
        ms = lambda q: round(_percentile(times, q) * 1000, 1)  # noqa: E731
        results[route.name] = {
            "path": route.paths[0], "paths": len(route.paths), "clients": conns, "requests": len(done),
            "rps": round(len(done) / elapsed, 1), "p50_ms": ms(0.50), "p95_ms": ms(0.95), "p99_ms": ms(0.99),
            "max_ms": round(times[-1] * 1000, 1) if times else 0.0,
            "errors": non200 + failed, "non200": non200, "socket_errors": failed}
    return results


# --- where the CPU went ---------------------------------------------------------------------------------------
#
# On a shared machine the rate varies from run to run with the neighbours (±10 % seen here), and a closed loop only
# says the server is saturated. The CPU each page costs, split between gunicorn and PostgreSQL, varies far less
# and says where the limit is. Read from /proc: Linux only; elsewhere the figures are left out.

@dataclass
class CpuSample:
    at: float
    machine: tuple[int, int]  # /proc/stat jiffies: (busy, all)
    seconds: dict[int, tuple[str, float]]  # pid → (gunicorn | postgresql, user + system CPU seconds so far)


def _proc_cpu(pid: str, tick: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick  # utime, stime


def cpu_sample(gunicorn_group: int, database: str) -> CpuSample | None:
    """CPU seconds so far of gunicorn's processes (its process group) and of PostgreSQL's backends serving
    ``database``; None without /proc."""
    if not Path("/proc/stat").exists():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            if os.getpgid(int(pid)) == gunicorn_group:
                seconds[int(pid)] = ("gunicorn", _proc_cpu(pid, tick))
                continue
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            if cmdline.startswith("postgres:") and f" {database} " in cmdline:
                seconds[int(pid)] = ("postgresql", _proc_cpu(pid, tick))
        except (OSError, IndexError, ValueError):  # gone meanwhile, or not ours to read
            continue
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9])  # guest time is in user
    busy = user + nice + system + irq + softirq
    machine = (busy, busy + idle + iowait + steal)
    return CpuSample(time.perf_counter(), machine, seconds)


def cpu_used(before: CpuSample | None, after: CpuSample | None, pages: int) -> dict | None:
    """Cores busy over the run, and CPU milliseconds per page of the app's routes (the static file's small share
    counted in), for gunicorn and for PostgreSQL; a figure is None where its processes were not to be seen (a
    database server elsewhere)."""
    if before is None or after is None or after.at <= before.at:
        return None
    elapsed = after.at - before.at
    used: dict[str, float | None] = {"gunicorn": None, "postgresql": None}
    for pid, (who, seconds) in after.seconds.items():
        start = before.seconds.get(pid)
        begun = start[1] if start is not None and start[0] == who else 0.0  # started during the run: all of it
        used[who] = (used[who] or 0.0) + seconds - begun
    busy, total = (a - b for a, b in zip(after.machine, before.machine))
    out = {"cores": os.cpu_count(), "machine_busy_cores": round(busy / total * os.cpu_count(), 2) if total else None}
    for who, seconds in used.items():
        out[f"{who}_cores"] = round(seconds / elapsed, 2) if seconds is not None else None
        out[f"{who}_ms_per_page"] = round(seconds / pages * 1000, 2) if seconds is not None and pages else None
    return out


def _pages(results: dict) -> int:
    return sum(r["requests"] for name, r in results.items() if name != "static (baseline)")


def _log_cpu(cpu: dict | None) -> None:
    if cpu is not None:
        _log(f"CPU: {cpu['machine_busy_cores']} of {cpu['cores']} cores busy; gunicorn {cpu['gunicorn_cores']} "
             f"cores ({cpu['gunicorn_ms_per_page']} ms a page), PostgreSQL {cpu['postgresql_cores']} cores "
             f"({cpu['postgresql_ms_per_page']} ms a page)")


# --- the command --------------------------------------------------------------------------------------------

def _summarise(results: dict, heading: str) -> tuple[float, float]:
    """Ratios to the static baseline, one line per route on stderr; returns the worst p95 of the app's routes and
    the requests per second of all routes together (what the server served)."""
    base = results["static (baseline)"]
    _log(heading)
    for name, r in results.items():
        r["p95_vs_static"] = round(r["p95_ms"] / base["p95_ms"], 1) if base["p95_ms"] else None
        r["rps_vs_static"] = round(r["rps"] / base["rps"], 3) if base["rps"] else None
        _log(f"{name:30} {r['requests']:7d} req {r['rps']:8.1f}/s  p50 {r['p50_ms']:7.1f} ms  "
             f"p95 {r['p95_ms']:7.1f} ms  max {r['max_ms']:7.1f} ms  errors {r['errors']}  "
             f"p95 ×{r['p95_vs_static']} static")
    total = round(sum(r["rps"] for r in results.values()), 1)
    _log(f"{'all routes':30} {sum(r['requests'] for r in results.values()):7d} req {total:8.1f}/s")
    return max(r["p95_ms"] for r in results.values() if r is not base), total


def interpreter() -> dict:
    """The Python that serves (gunicorn runs on this one). Its build matters as much as a round of tuning: on this
    machine Debian's python3.11 (PGO, LTO, the interpreter linked into its executable) took about 15% less CPU a
    page than a plain source build linked to a shared libpython, so runs are compared only on the same one."""
    maps = Path("/proc/self/maps")
    shared = "libpython" in maps.read_text() if maps.exists() else None
    return {"version": platform.python_version(), "executable": os.path.realpath(sys.executable),
            "libpython_shared": shared}


def run(url: str, n_workers: int, clients: int, duration: float, gunicorn_workers: int = 4,
        timeout: float = 10.0, think_ms: int = 1000, changes_per_s: float = 0.0) -> dict:
    from matchmaker.services.demo import DEMO_PASSWORD

    started = time.perf_counter()
    python = interpreter()
    _log(f"Python {python['version']} ({python['executable']}"
         + {True: ", with a shared libpython)", False: ", libpython linked in)", None: ")"}[python["libpython_shared"]])
    prepare_database(url, n_workers)
    api = _has_api()
    targets = _targets(url, api)
    notes = [] if api else ["no /api/v1 in this build: the API route was skipped"]
    if not api:
        _log(notes[0])
    users = None
    with tempfile.TemporaryDirectory(prefix="matchmaker-load-") as tmp:
        workdir = Path(tmp)
        server = Gunicorn(url, gunicorn_workers, workdir / "gunicorn.log")
        # SIGTERM (a CI timeout, kill) unwinds like Ctrl-C, through the finally that stops gunicorn.
        previous = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        try:
            t = time.perf_counter()
            server.wait_ready()
            cookies = {"enterprise": login(server.base, "enterprise", DEMO_PASSWORD),
                       "seeker": login(server.base, "13800138000", DEMO_PASSWORD)}
            routes = routes_for(targets, cookies, api)
            warm_up(server.base, routes)
            _log(f"gunicorn ready and warm in {time.perf_counter() - t:.1f}s; driving {clients} clients "
                 f"for {duration:g}s over {len(routes)} routes"
                 + (f", {changes_per_s:g} changes noted a second" if changes_per_s > 0 else ""))
            database = _database_name(url)
            before = cpu_sample(server.proc.pid, database)
            with ChangeNoter(url, changes_per_s, targets) as noter:
                results = drive(server.base, routes, clients, duration, timeout, workdir)
            changes = noter.noted
            cpu = cpu_used(before, cpu_sample(server.proc.pid, database), _pages(results))
            if think_ms > 0:
                time.sleep(2)  # let gunicorn finish what wrk left queued, so the second run starts on a quiet server
                before = cpu_sample(server.proc.pid, database)
                with ChangeNoter(url, changes_per_s, targets, seed=DEMO_SEED + 1) as noter:
                    users = drive_users(server.base, routes, clients, duration, timeout, think_ms)
                users_changes = noter.noted
                users_cpu = cpu_used(before, cpu_sample(server.proc.pid, database), _pages(users))
        except BaseException:
            log = (workdir / "gunicorn.log")
            if log.exists():
                _log("gunicorn log (end):\n" + log.read_text()[-3000:])
            raise
        finally:
            server.stop()
            signal.signal(signal.SIGTERM, previous)
    p95_max, rps_total = _summarise(results, f"{clients} clients, each asking again as soon as it is answered:")
    out = {"bench": "load", "database": "postgresql", "workers": n_workers, "clients": clients,
           "duration_s": duration, "gunicorn_workers": gunicorn_workers, "client_tool": "wrk", "server": server.base,
           "python": python,
           "routes": results, "p95_max_ms": p95_max, "rps_total": rps_total,
           "errors": sum(r["errors"] for r in results.values()), "notes": notes, "cpu": cpu,
           "changes_per_s": changes_per_s, "changes_noted": changes}
    _log_cpu(cpu)
    if users is not None:
        p95_max, rps_total = _summarise(users, f"{clients} users, each reading a page for about {think_ms} ms "
                                               f"before the next:")
        out["users"] = {"think_ms": think_ms, "clients": clients, "routes": users, "p95_max_ms": p95_max,
                        "rps_total": rps_total, "cpu": users_cpu, "changes_noted": users_changes}
        _log_cpu(users_cpu)
        out["errors"] += sum(r["errors"] for r in users.values())
    out["total_s"] = round(time.perf_counter() - started, 1)
    return out


def add_parser(sub) -> None:
    p = sub.add_parser("load", help="gunicorn + PostgreSQL + demo data under 50 concurrent clients (wrk)")
    p.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL),
                   help="scratch PostgreSQL database (created, and recreated for another demo size; its name "
                        "must contain 'load' or 'bench')")
    p.add_argument("--workers", type=int, default=100_000, help="demo workers in the database")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients, shared out between the routes")
    p.add_argument("--duration", type=float, default=30.0, help="seconds of load (all routes at once)")
    p.add_argument("--gunicorn-workers", type=int, default=4)
    p.add_argument("--timeout", type=float, default=10.0, help="seconds before a request counts as an error")
    p.add_argument("--think-ms", type=int, default=1000,
                   help="a second run in which each client pauses this long (on average) between pages, as a "
                        "person reading them would; 0 skips it")
    p.add_argument("--changes-per-s", type=float, default=0.0,
                   help="changes noted a second during both runs, a worker and a vacancy in turn, as edits would; "
                        "each makes every gunicorn worker forget what depends on it (default 0: no writes)")


def main(args) -> dict:
    if not 0 <= args.changes_per_s <= 100:
        raise SystemExit("--changes-per-s: from 0 to 100")
    try:
        return run(args.database_url, args.workers, args.clients, args.duration, args.gunicorn_workers,
                   args.timeout, max(0, args.think_ms), args.changes_per_s)
    except KeyboardInterrupt:
        raise SystemExit("interrupted; gunicorn stopped") from None
