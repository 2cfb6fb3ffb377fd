"""`python -m bench.instructions`: the instructions one visit write costs, counted by callgrind.

Timings on the shared 2-core bench machines drift by a fifth from one minute to the next, so a
change to the write path is judged by this count instead: the same code gives the same figure
to about 1 %. A small demo database, a worker signed in through /login with CSRF on (as in
production), 40 visits from micro-grid rows to warm up, then `--writes` visits counted with
callgrind's instrumentation switched on around them only. gc.freeze() after start-up, as
wsgi.py does. Not part of `make bench` (it needs valgrind, and takes about a minute); its line
has no budget.

Measured so: 16.2 M instructions a visit before the write path was lightened, 8.65 M after.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import time

from .common import OUT, ROOT, emit, flask

DATABASE = OUT / "instructions.sqlite"
WARM_UP = 40


def prepare() -> None:
    """A fresh small demo database (run outside valgrind: it is only the setting)."""
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        DATABASE.with_name(DATABASE.name + suffix).unlink(missing_ok=True)
    for args in (("db", "upgrade"), ("demo-data", "--scale", "small")):
        flask("sqlite", *args, url=f"sqlite:///{DATABASE}")


def count_inside(writes: int) -> None:
    """Post visits with the test client; instrumentation on only around the counted ones."""
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["GRIDWORK_INSTANCE"] = str(OUT)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select

    from webapp import create_app
    from webapp.demo import PASSWORD
    from webapp.extensions import db
    from webapp.models import Grid, Household, Worker
    from webapp.models.grid import MICRO_LEVEL

    app = create_app({"RATELIMIT_LOGIN": "100000 per minute"})
    gc.freeze()
    with app.app_context():
        phone, grid_id = db.session.execute(
            select(Worker.phone, Worker.scope_id)
            .join(Grid, Grid.id == Worker.scope_id)
            .where(Worker.role == "worker", Worker.active, Grid.level == MICRO_LEVEL)
            .order_by(Worker.id)
        ).first()
        households = db.session.scalars(
            select(Household.id).where(Household.grid_id == grid_id, Household.active)
        ).all()

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"phone": phone, "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/grids/{grid_id}").get_data(as_text=True)
    csrf = re.search(r'X-CSRFToken": ?"([^"]+)"', page).group(1)

    def visit(n: int) -> None:
        household = households[n % len(households)]
        reply = client.post(
            f"/visits/new/{household}",
            data={"key": f"ins{time.time_ns()}-{n}", "method": "door", "page": "row"},
            headers={"HX-Request": "true", "HX-Target": f"h{household}", "X-CSRFToken": csrf},
        )
        if reply.status_code != 200:
            raise RuntimeError(f"visit answered {reply.status_code}: {reply.data[:200]!r}")

    def instrumentation(state: str) -> None:
        subprocess.run(
            ["callgrind_control", "-i", state, str(os.getpid())],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    for n in range(WARM_UP):
        visit(n)
    instrumentation("on")
    for n in range(WARM_UP, WARM_UP + writes):
        visit(n)
    instrumentation("off")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=100)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        count_inside(args.writes)
        return

    prepare()
    completed = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={OUT / 'instructions.callgrind'}",
            sys.executable,
            "-m",
            "bench.instructions",
            "--inside",
            f"--writes={args.writes}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    collected = re.search(r"Collected : ([\d,]+)", completed.stderr)
    if collected is None:
        raise RuntimeError(f"callgrind said no count:\n{completed.stderr[-2000:]}")
    per_write = int(collected.group(1).replace(",", "")) / args.writes
    emit("action.visit.instructions_m", per_write / 1e6, "M instructions", None)


if __name__ == "__main__":
    main()
