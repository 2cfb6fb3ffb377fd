"""What the benchmarks share: a zone-scale database of their own, a signed-in client, output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def emit(figure: str, value: float, unit: str, budget: float | None) -> None:
    """Print one figure as a JSON line."""
    line = {"figure": figure, "value": round(value, 4), "unit": unit, "budget": budget}
    print(json.dumps(line), flush=True)


def database_url(database: str) -> str:
    if database == "postgres":
        return os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/gridwork_bench"
        )
    return f"sqlite:///{OUT / 'zone.sqlite'}"


def reset_database(database: str) -> None:
    """An empty database for the benchmark's own zone data."""
    OUT.mkdir(parents=True, exist_ok=True)
    if database == "postgres":
        from sqlalchemy import create_engine, text

        url = database_url(database)
        name = url.rsplit("/", 1)[1]
        admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / "zone.sqlite") + suffix).unlink(missing_ok=True)


def flask(database: str, *args: str, url: str | None = None) -> float:
    """Run a `flask --app wsgi` command against the bench database (or `url`); its seconds."""
    env = dict(os.environ, DATABASE_URL=url or database_url(database), GRIDWORK_INSTANCE=str(OUT))
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def app_for(database: str):
    """The app bound to the bench database (imported late: DATABASE_URL must be set first)."""
    os.environ["DATABASE_URL"] = database_url(database)
    os.environ["GRIDWORK_INSTANCE"] = str(OUT)
    sys.path.insert(0, str(ROOT))
    from webapp import create_app

    return create_app({"RATELIMIT_ENABLED": False})


def signed_in_client(app, role: str = "admin"):
    """A test client signed in as the first active worker of `role` (session set directly)."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Worker

    with app.app_context():
        worker_id = db.session.scalar(
            select(Worker.id).where(Worker.role == role, Worker.active).order_by(Worker.id)
        )
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{worker_id}:0"
        session["_fresh"] = True
    return client
