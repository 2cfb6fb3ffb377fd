"""Action figures: a visit or a colour change from a micro-grid row, served by gunicorn.

- `action.*.response_bytes` / `action.*.round_trips`: one htmx write from a list row
  (HX-Target h<id>): the fragment's bytes, and how many requests it took (1: no redirect).
- `action.*.p95_ms`: 100 requests/s offered at a steady rate for 30 s (open loop, latency from
  each request's due time), the database holding 1,000,000 visits.
- `action.visit.max_rps`: visit writes per second with wrk, 8 connections, ~20 s; non-2xx
  answers count as failures.

Gunicorn configuration: `-w 3 -k gthread --threads 2`. After the write path was lightened
(16.2 M -> 8.3 M instructions a visit in-process, callgrind), three alternating runs each of
max_rps on SQLite (wrk, 15 s, load average 1-2) gave, in visits/s: `-w 2 -k gthread --threads 1`
210, 229, 217; `-w 2 --threads 2` 218, 214, 198; `-w 3 --threads 2` 199, 209, 202. The p95 at
100/s was alike on SQLite (20-25 ms for visits), but on PostgreSQL, whose server shares the
two cores, three processes did better: visits 35 ms against 65 ms with `-w 2 --threads 2`, colour
changes 54 ms against 210 ms (one run each). So the bench keeps three processes of two threads;
two processes of one thread each would give about 5 % more writes on SQLite alone. One worker
of one thread does 141/s at 7.2 ms of CPU a visit; with two or three the CPU per visit rises to
8.2-9.5 ms (this virtual machine's second core runs a spinning loop about 25 % slower while the
first is busy, and a bare Flask hello does ~2,700/s here against 4,800/s on the machine the
budgets were set on).
`BENCH_GUNICORN` overrides it (e.g. "-w 3"); `BENCH_ACTIONS_SWEEP=1` tries every configuration
in SWEEP for max_rps first and prints the results on stderr.

Reading the figures: each timed line in the log says how much CPU time the hypervisor gave to
other machines meanwhile. On one machine, within an hour, the same code gave max_rps from 246
to 353 and server CPU from 5.3 to 7.7 ms a visit; alternate runs of two versions (A B A B ...)
are the least a comparison needs, and `python -m bench.instructions` settles small ones.
"""

from __future__ import annotations

import os
import random
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

from . import loadgen
from .common import OUT, ROOT, database_url, emit
from .loadgen import Request

TARGET_VISITS = 1_000_000
RATE = 100  # requests per second offered
SECONDS = 30
SIGN_INS = 64  # field workers, each on a micro-grid of their own
WRK = "/usr/bin/wrk"
WRK_SECONDS = 20
WRK_CONNECTIONS = 8
# The chosen configuration (see the module docstring); SWEEP: what was tried against it.
GUNICORN = os.environ.get("BENCH_GUNICORN", "-w 3 -k gthread --threads 2")
SWEEP = (
    "-w 2",
    "-w 3",
    "-w 4",
    "-w 2 -k gthread --threads 4",
    "-w 3 -k gthread --threads 2",
    "-w 3 -k gthread --threads 4",
    "-w 2 -k gthread --threads 8",
)
SEED = 2021


def log(message: str) -> None:
    print(f"[actions] {message}", file=sys.stderr, flush=True)


# --- a million visits ------------------------------------------------------------------------


def fill_visits(app, target: int = TARGET_VISITS, batch: int = 20_000) -> int:
    """Add synthetic visits (Core inserts, committed per batch) until the table holds `target`.

    Each visit: a random active household, a worker of its micro-grid, its grid, a time in the
    last 30 days, a unique client key. Returns how many were added.
    """
    from webapp.clock import now
    from webapp.extensions import db
    from webapp.models import Household, Visit, Worker

    with app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Visit))
        if have >= target:
            return 0
        sqlite = db.engine.dialect.name == "sqlite"
        households = db.session.execute(
            select(Household.id, Household.grid_id, Household.member_count).where(Household.active)
        ).all()
        by_grid: dict[int, list[int]] = {}
        for worker_id, scope_id in db.session.execute(
            select(Worker.id, Worker.scope_id).where(Worker.role == "worker", Worker.active)
        ):
            by_grid.setdefault(scope_id, []).append(worker_id)
        anyone = db.session.scalars(select(Worker.id).where(Worker.role == "admin")).all()
        rng = random.Random(SEED)
        random_ = rng.random
        # 60 % at the door, 20 % by phone, 15 % on WeChat, 5 % through a neighbour.
        methods = ["door"] * 12 + ["phone"] * 4 + ["wechat"] * 3 + ["neighbour"]
        month = int(timedelta(days=30).total_seconds())
        latest = now()
        # insertmanyvalues: 4,000 rows x 11 columns a statement stays under PostgreSQL's
        # 65,535 parameters; SQLite runs a plain executemany.
        statement = insert(Visit.__table__).execution_options(insertmanyvalues_page_size=4000)
        rows: list[dict] = []
        added = 0
        if sqlite:  # 256 MB of page cache while the four indexes grow, reset below
            db.session.execute(text("PRAGMA cache_size=-262144"))
        try:
            for n in range(have, target):
                household_id, grid_id, members = households[int(random_() * len(households))]
                workers = by_grid.get(grid_id) or anyone
                away = random_() < 0.12
                rows.append(
                    {
                        "household_id": household_id,
                        "worker_id": workers[int(random_() * len(workers))],
                        "grid_id": grid_id,
                        "visited_at": latest - timedelta(seconds=int(random_() * month)),
                        "method": methods[int(random_() * 20)],
                        "persons_seen": 0 if away else max(1, members - (random_() < 0.3)),
                        "not_at_home": away,
                        "note": None,
                        "temperatures": None,
                        "possible_duplicate": False,
                        "client_key": f"syn-{n:08d}",
                    }
                )
                if len(rows) == batch or n == target - 1:
                    db.session.execute(statement, rows)
                    db.session.commit()
                    added += len(rows)
                    rows.clear()
        finally:
            if sqlite:
                db.session.execute(text("PRAGMA cache_size=-2000"))  # SQLite's default
                db.session.commit()
        if not sqlite:
            # Autovacuum would analyze the table a minute later on a live server.
            db.session.execute(text("ANALYZE visit"))
            db.session.commit()
        return added


# --- gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process `root` and its children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == root or ppid == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy() -> str:
    """The load average, to read a figure measured on a shared machine by."""
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def stolen_ticks() -> int:
    """Ticks of CPU time the hypervisor gave to other machines so far (all cores)."""
    return int(Path("/proc/stat").read_text().split("\n", 1)[0].split()[8])


@contextmanager
def stolen() -> Iterator[dict]:
    """The share of this machine's CPU time taken by other virtual machines meanwhile.

    On the shared bench machines it was 0 to 8 %; the p95 figures move with it (one change
    measured at 16-45 ms before and 13-29 ms after, in alternate runs, as steal came and went).
    """
    ticks, started = stolen_ticks(), time.monotonic()
    reading: dict = {}
    yield reading
    available = (time.monotonic() - started) * os.sysconf("SC_CLK_TCK") * (os.cpu_count() or 1)
    reading["percent"] = round(100 * (stolen_ticks() - ticks) / max(available, 1), 1)


@dataclass
class Server:
    port: int
    pid: int

    def cpu(self) -> float:
        return process_tree_cpu(self.pid)


@contextmanager
def gunicorn(database: str, options: str = GUNICORN):
    """Serve the app on a free local port; always stops the server it started."""
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url(database),
        GRIDWORK_INSTANCE=str(OUT),
        RATELIMIT_LOGIN="100000 per minute",
    )
    command = [
        str(Path(sys.executable).parent / "gunicorn"),  # the venv running the bench
        *shlex.split(options),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "wsgi:app",
    ]
    logfile = open(OUT / "gunicorn.log", "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=logfile, stderr=logfile, start_new_session=True
    )
    try:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}); see {logfile.name}")
            try:
                if loadgen.once(port, Request("GET", "/login", {}), timeout=5).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() - started > 60:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield Server(port, process.pid)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the group of the server started above
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        logfile.close()


# --- who sends what --------------------------------------------------------------------------


@dataclass
class Target:
    """A household a signed-in field worker may write to."""

    household_id: int
    status: str
    session: loadgen.Session

    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.session.cookie_header(),
            "X-CSRFToken": self.session.csrf,
            "HX-Request": "true",
            "HX-Target": f"h{self.household_id}",
            "HX-Current-URL": f"http://127.0.0.1/grids/{self.session.grid_id}",
        }


def field_workers(app, count: int) -> list[tuple[str, int, list[tuple[int, str]]]]:
    """`count` micro-grid workers on distinct micro-grids across the zone, with the active
    households (id, status) of their micro-grid: (phone, micro-grid id, households)."""
    from webapp.extensions import db
    from webapp.models import Grid, Household, Worker
    from webapp.models.grid import MICRO_LEVEL

    with app.app_context():
        rows = db.session.execute(
            select(Worker.phone, Worker.scope_id)
            .join(Grid, Grid.id == Worker.scope_id)
            .where(Worker.role == "worker", Worker.active, Grid.level == MICRO_LEVEL, Grid.active)
            .order_by(Worker.id)
        ).all()
        first_per_grid: dict[int, str] = {}
        for phone, grid_id in rows:
            first_per_grid.setdefault(grid_id, phone)
        sizes = dict(
            db.session.execute(
                select(Household.grid_id, func.count())
                .where(Household.active)
                .group_by(Household.grid_id)
            ).all()
        )
        candidates = sorted(g for g in first_per_grid if sizes.get(g, 0) >= 40)
        chosen = random.Random(SEED).sample(candidates, min(count, len(candidates)))
        result = []
        for grid_id in chosen:
            households = db.session.execute(
                select(Household.id, Household.status)
                .where(Household.grid_id == grid_id, Household.active)
                .order_by(Household.id)
            ).all()
            result.append((first_per_grid[grid_id], grid_id, [tuple(h) for h in households]))
        return result


def sign_in_all(port: int, app, count: int = SIGN_INS) -> list[Target]:
    """Sign the field workers in through /login; their households interleaved, one per turn."""
    from webapp.demo import PASSWORD

    per_worker = []
    for phone, grid_id, households in field_workers(app, count):
        session = loadgen.sign_in(port, phone, PASSWORD, f"/grids/{grid_id}")
        session.grid_id = grid_id
        per_worker.append([Target(h, status, session) for h, status in households])
    targets = []
    for turn in range(max(len(t) for t in per_worker)):
        targets += [t[turn] for t in per_worker if turn < len(t)]
    return targets


_run = secrets.token_hex(3)
_counter = 0


def key(prefix: str) -> str:
    """A fresh idempotency key (8-40 characters of [A-Za-z0-9_-])."""
    global _counter
    _counter += 1
    return f"{prefix}{_run}-{_counter}"


def visit_request(target: Target) -> Request:
    """What a phone's outbox sends for a one-tap visit from a micro-grid row: the row form's
    fields (CSRF token, key, page, method) and the time the tap was recorded, in UTC."""
    tapped = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body = loadgen.form(
        {
            "csrf_token": target.session.csrf,
            "key": key("v"),
            "page": "row",
            "method": "door",
            "visited_at": tapped,
        }
    )
    return Request("POST", f"/visits/new/{target.household_id}", target.headers(), body)


NEXT_STATUS = {
    "green": "light_yellow",
    "light_yellow": "yellow",
    "yellow": "green",
    "orange": "yellow",
    "red": "orange",
}


def status_request(target: Target) -> Request:
    """A colour change that really changes the colour (a same-colour post writes nothing)."""
    target.status = NEXT_STATUS[target.status]
    body = loadgen.form(
        {"key": key("s"), "status": target.status, "reason": "基准测试 bench", "page": "row"}
    )
    return Request("POST", f"/statuses/household/{target.household_id}", target.headers(), body)


# --- the figures -----------------------------------------------------------------------------


def one_action(port: int, request: Request, household_id: int) -> tuple[int, int]:
    """(fragment bytes, round trips) of one htmx write; follows whatever the answer asks for."""
    reply = loadgen.once(port, request)
    if reply.status != 200 or f'id="h{household_id}"'.encode() not in reply.body:
        raise RuntimeError(f"{request.path} answered {reply.status}: {reply.body[:300]!r}")
    size, trips = len(reply.body), 1
    headers = {"Cookie": request.headers["Cookie"], "HX-Request": "true"}
    while trips < 5:
        follow = None
        if 300 <= reply.status < 400:
            follow = reply.headers.get("location")
        follow = follow or reply.headers.get("hx-location") or reply.headers.get("hx-redirect")
        if not follow:
            break
        if follow.startswith("{"):  # HX-Location may be JSON
            import json

            follow = json.loads(follow)["path"]
        reply = loadgen.once(port, Request("GET", follow, headers))
        trips += 1
    return size, trips


def offered(server: Server, requests: list[Request], name: str) -> float:
    """p95 in ms of `requests` offered at RATE; failures count as the generator's timeout."""
    timeout = 10.0
    busy, cpu = machine_busy(), server.cpu()
    with stolen() as steal:
        results = loadgen.open_loop(server.port, requests, RATE, connections=16, timeout=timeout)
    cpu = server.cpu() - cpu
    latencies, failed, statuses = [], 0, {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
        if r.latency is not None and 200 <= r.status < 300:
            latencies.append(r.latency)
        else:
            failed += 1
            latencies.append(timeout)
    ms = sorted(x * 1000 for x in latencies)
    log(
        f"{name}: {len(results)} offered at {RATE}/s ({busy} before), statuses {statuses}, "
        f"p50 {loadgen.percentile(ms, 0.5):.1f} ms, p95 {loadgen.percentile(ms, 0.95):.1f} ms, "
        f"p99 {loadgen.percentile(ms, 0.99):.1f} ms, max {ms[-1]:.1f} ms; "
        f"server CPU {cpu * 1000 / max(1, len(results) - failed):.1f} ms a 2xx answer, "
        f"{steal['percent']} % of the machine's CPU time stolen meanwhile"
    )
    if failed:
        log(f"{name}: {failed} requests failed or were not 2xx (counted as {timeout:.0f} s)")
    return loadgen.percentile(ms, 0.95)


WRK_SCRIPT = r"""
-- Visits from micro-grid rows: each request a fresh key (run, thread, counter).
local targets = {}
for line in io.lines("%(targets)s") do
  local path, target, cookie, csrf = line:match(
    "^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
  targets[#targets + 1] = {path, target, cookie, csrf}
end
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  counter = 0
  bad = 0
  good = 0
end
function request()
  counter = counter + 1
  local t = targets[((counter * 7 + tid * 1009) %% #targets) + 1]
  -- As the outbox sends it: the row form's fields and the tap's time in UTC.
  local body = "csrf_token=" .. t[4] .. "&key=w%(run)s-" .. tid .. "-" .. counter
    .. "&page=row&method=door&visited_at="
    .. os.date("!%%Y-%%m-%%dT%%H%%%%3A%%M%%%%3A%%S.000Z")
  return wrk.format("POST", t[1], {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = t[3], ["X-CSRFToken"] = t[4],
    ["HX-Request"] = "true", ["HX-Target"] = t[2],
  }, body)
end
function response(status, headers, body)
  if status >= 200 and status < 300 then good = good + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local g, b = 0, 0
  for _, thread in ipairs(threads) do
    g = g + thread:get("good")
    b = b + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "WRK %%d %%d %%d %%d %%d %%d %%d %%d %%d\n", summary.duration, summary.requests, g, b,
    e.connect, e.read, e.write, e.timeout, latency:percentile(50)))
end
"""


def wrk_visits(server: Server, targets: list[Target], seconds: int, app) -> dict:
    """Run wrk against the visit endpoint; returns its counts and the rows actually written."""
    run = secrets.token_hex(3)
    data = OUT / "wrk_targets.tsv"
    with data.open("w") as f:
        for t in targets:
            headers = t.headers()
            f.write(
                f"/visits/new/{t.household_id}\th{t.household_id}\t"
                f"{headers['Cookie']}\t{headers['X-CSRFToken']}\n"
            )
    script = OUT / "wrk_visits.lua"
    script.write_text(WRK_SCRIPT % {"targets": data, "run": run})
    busy, cpu = machine_busy(), server.cpu()
    try:
        with stolen() as steal:
            completed = subprocess.run(
                [
                    WRK,
                    "-t2",
                    f"-c{WRK_CONNECTIONS}",
                    f"-d{seconds}s",
                    "-s",
                    str(script),
                    f"http://127.0.0.1:{server.port}/",
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
                check=True,
            )
    finally:
        data.unlink(missing_ok=True)  # it holds session cookies
    cpu = server.cpu() - cpu
    line = next(x for x in completed.stdout.splitlines() if x.startswith("WRK "))
    duration_us, requests, good, bad, *errors, p50_us = (int(v) for v in line.split()[1:])
    return {
        "rps": good / (duration_us / 1e6),
        "requests": requests,
        "non2xx": bad,
        "socket_errors": sum(errors),
        "written": visits_with_prefix(app, f"w{run}-"),
        "p50_ms": p50_us / 1000,
        "server_cpu_ms_per_request": round(cpu * 1000 / max(requests, 1), 2),
        "before": busy,
        "stolen_percent": steal["percent"],
    }


def visits_with_prefix(app, prefix: str) -> int:
    from webapp.extensions import db
    from webapp.models import Visit

    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.client_key.startswith(prefix))
        )


def closed_loop_visits(server: Server, targets: list[Target], seconds: int) -> dict:
    """The fallback without wrk: Python threads, 8 connections (the client competes for CPU)."""

    def make(index: int, n: int) -> Request:
        return visit_request(targets[(n * WRK_CONNECTIONS + index) % len(targets)])

    cpu = server.cpu()
    good, bad, elapsed = loadgen.closed_loop(server.port, make, WRK_CONNECTIONS, seconds)
    cpu = server.cpu() - cpu
    return {
        "rps": good / elapsed,
        "requests": good + bad,
        "non2xx": bad,
        "server_cpu_ms_per_request": round(cpu * 1000 / max(good + bad, 1), 2),
    }


def max_rps(server: Server, targets: list[Target], seconds: int, app) -> dict:
    if Path(WRK).exists():
        return wrk_visits(server, targets, seconds, app)
    log("wrk not found: closed loop in Python instead (the client takes CPU from the server)")
    return closed_loop_visits(server, targets, seconds)


def warm(server: Server, targets: list[Target]) -> None:
    """Let every worker process load its templates and open its connections."""
    loadgen.open_loop(server.port, [visit_request(t) for t in targets], RATE / 2)


def sweep(database: str, app) -> None:
    """max_rps under each gunicorn configuration in SWEEP (BENCH_ACTIONS_SWEEP=1)."""
    for options in SWEEP:
        with gunicorn(database, options) as server:
            targets = sign_in_all(server.port, app, 16)
            warm(server, targets[-40:])
            result = max_rps(server, targets, 10, app)
            log(f"sweep {options!r}: {result}")


HELLO = """from flask import Flask
app = Flask(__name__)
@app.get("/")
def hello():
    return "hello"
"""


def calibrate() -> None:
    """A bare Flask hello under gunicorn -w 2, wrk -c8: 4,800/s on the machine the budgets were
    set on."""
    if not Path(WRK).exists():
        return
    (OUT / "bench_hello.py").write_text(HELLO)
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),  # the venv running the bench
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(OUT),
            "bench_hello:app",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                loadgen.once(port, Request("GET", "/", {}), timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        busy = machine_busy()
        out = subprocess.run(
            [WRK, "-t2", "-c8", "-d5s", f"http://127.0.0.1:{port}/"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        rate = next(x for x in out.splitlines() if x.startswith("Requests/sec"))
        log(
            f"calibration: bare Flask hello, gunicorn -w 2, wrk -c8: {rate.split()[1]}/s "
            f"(4,800/s on the machine the budgets were set on; {busy})"
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the group of the server started above
        process.wait(15)


def count_queries(app, household_id: int, worker_id: int, colour: str) -> None:
    """List the SQL statements of one visit and one colour change (to `colour`, which the
    household must not hold already) from a list row (stderr)."""
    from sqlalchemy import event

    from webapp.extensions import db

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:150])

    csrf = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = f"{worker_id}:0"
            session["_fresh"] = True
        headers = {"HX-Request": "true", "HX-Target": f"h{household_id}"}
        for name, path, data in (
            (
                "visit",
                f"/visits/new/{household_id}",
                {"key": key("q"), "method": "door", "page": "row"},
            ),
            (
                "colour change",
                f"/statuses/household/{household_id}",
                {"key": key("q"), "status": colour, "reason": "bench", "page": "row"},
            ),
        ):
            client.get("/")  # the session's first request is not a write's
            statements.clear()
            reply = client.post(path, data=data, headers=headers)
            listing = "".join(f"\n    {i}. {s}" for i, s in enumerate(statements, 1))
            log(f"{name} ({reply.status_code}): {len(statements)} SQL statements{listing}")
    finally:
        event.remove(engine, "before_cursor_execute", record)
        app.config["WTF_CSRF_ENABLED"] = csrf


def worker_of(app, phone: str) -> int:
    from webapp.extensions import db
    from webapp.models import Worker

    with app.app_context():
        return db.session.scalar(select(Worker.id).where(Worker.phone == phone))


def run(app, database: str) -> None:
    started = time.monotonic()
    added = fill_visits(app)
    log(f"added {added:,} visits in {time.monotonic() - started:.0f} s")
    calibrate()
    if os.environ.get("BENCH_ACTIONS_SWEEP") == "1":
        sweep(database, app)

    with gunicorn(database) as server:
        log(f"gunicorn {GUNICORN} on port {server.port}")
        targets = sign_in_all(server.port, app)
        log(
            f"{len({t.session.phone for t in targets})} workers signed in, "
            f"{len(targets)} households"
        )

        # One write each from a list row, before any load.
        status_target, visit_target = targets[0], targets[1]
        size, trips = one_action(
            server.port, status_request(status_target), status_target.household_id
        )
        emit("action.status.response_bytes", size, "bytes", 1536)
        emit("action.status.round_trips", trips, "requests", 1)
        size, trips = one_action(
            server.port, visit_request(visit_target), visit_target.household_id
        )
        emit("action.visit.response_bytes", size, "bytes", 1536)
        emit("action.visit.round_trips", trips, "requests", 1)
        last = targets[-1]
        last.status = NEXT_STATUS[last.status]
        count_queries(app, last.household_id, worker_of(app, last.session.phone), last.status)

        # The steady load: each request to a household of its own where there are enough, so
        # that colour changes never meet on one household version.
        pool = targets[2:-1]
        count = RATE * SECONDS
        if len(pool) < count:
            log(f"only {len(pool)} households for {count} requests: some get two")
        warm(server, pool[-100:])
        before = visits_with_prefix(app, f"v{_run}-")
        visits = [visit_request(pool[i % len(pool)]) for i in range(count)]
        emit("action.visit.p95_ms", offered(server, visits, "visits"), "ms", 50)
        written = visits_with_prefix(app, f"v{_run}-") - before
        if written != count:
            log(f"visits: {written} rows written for {count} requests")
        statuses = [status_request(pool[i % len(pool)]) for i in range(count)]
        emit("action.status.p95_ms", offered(server, statuses, "colour changes"), "ms", 50)

        result = max_rps(server, targets, WRK_SECONDS, app)
        log(f"max_rps (gunicorn {GUNICORN}, {WRK_CONNECTIONS} connections): {result}")
        emit("action.visit.max_rps", result["rps"], "requests/s", 250)
