"""Import figures: the zone's 200,000 households and 500,000 residents imported from XLSX into a
database that holds only the grid tree, checked and written as an office would (a households
import, then a residents import), each job in a process of its own as an RQ worker runs it.

The zone database is only read: its households and residents are exported to two workbooks
(openpyxl's write-only mode, in the layouts of webapp/sheets.py), and the imports go into a
database of their own (bench/out/imports.sqlite, or gridwork_bench_imports on PostgreSQL).

import.zone_households.s is the four jobs' time (two checks, two writes), start-up included;
import.zone_households.peak_mb the largest resident memory of any of them (sampled as
bench/cards.py does).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from .cards import run_job
from .common import OUT, ROOT, database_url, emit, flask

EXPORT_BATCH = 10_000


def export(zone_app, folder: Path) -> dict[str, Path]:
    """The zone's active households and residents as two workbooks, streamed."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import RESIDENT_TAGS, Grid, Household, Resident
    from webapp.rules import office_language
    from webapp.sheets import HOUSEHOLDS, RESIDENTS

    households = (
        select(Grid.code, Household.address, Household.phone)
        .join(Household.grid)
        .where(Household.active)
        .order_by(Household.id)
    )
    residents = (
        select(
            Grid.code,
            Household.address,
            Resident.name,
            Resident.id_number,
            Resident.phone,
            Resident.tags,
            Resident.origin,
            Resident.return_date,
        )
        .join(Resident.household)
        .join(Household.grid)
        .where(Resident.active, Household.active)
        .order_by(Resident.household_id, Resident.id)
    )
    paths = {}
    with zone_app.app_context(), office_language():
        tags = {key: str(label) for key, label in RESIDENT_TAGS.items()}
        for sheet, stmt in ((HOUSEHOLDS, households), (RESIDENTS, residents)):
            workbook = Workbook(write_only=True)
            out = workbook.create_sheet(str(sheet.title))
            out.append([column.zh for column in sheet.columns])
            rows = db.session.execute(stmt.execution_options(yield_per=EXPORT_BATCH))
            for row in rows:
                values = list(row)
                if sheet is RESIDENTS:
                    values[5] = "、".join(tags[t] for t in values[5] or [] if t in tags)
                out.append(values)
            paths[sheet.kind] = folder / f"{sheet.kind}.xlsx"
            workbook.save(paths[sheet.kind])
        db.session.remove()
    return paths


def empty_database(database: str) -> str:
    """A database of its own at the latest schema, holding the zone's tree and one admin."""
    if database == "postgres":
        from sqlalchemy import create_engine, text

        zone = database_url(database)
        url = zone.rsplit("/", 1)[0] + "/gridwork_bench_imports"
        admin = create_engine(zone.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "gridwork_bench_imports" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "gridwork_bench_imports"'))
        admin.dispose()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / "imports.sqlite") + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{OUT / 'imports.sqlite'}"
    flask(database, "db", "upgrade", url=url)
    return url


def copy_tree(zone_app, app) -> int:
    """The zone's grid tree, ids and paths as they are, and an admin at its root; the admin's
    id."""
    from sqlalchemy import insert, select, text

    from webapp.extensions import db
    from webapp.models import Grid, Worker

    columns = [c for c in Grid.__table__.columns]
    with zone_app.app_context():
        grids = [dict(row._mapping) for row in db.session.execute(select(*columns))]
        db.session.remove()
    with app.app_context():
        db.session.execute(insert(Grid.__table__), grids)
        root = db.session.scalar(select(Grid).where(Grid.level == 0))
        admin = Worker(name="导入", phone="13900009999", role="admin", scope=root)
        admin.set_password("bench-import-1")
        db.session.add(admin)
        db.session.flush()
        if db.session.get_bind().dialect.name == "postgresql":
            grid_ids = (
                "SELECT setval(pg_get_serial_sequence('grid', 'id'), (SELECT max(id) FROM grid))"
            )
            db.session.execute(text(grid_ids))
        db.session.commit()
        return admin.id


def queue(app, kind: str, workbook: Path, admin_id: int) -> int:
    """An import of `workbook` as an upload would leave it, with its check job queued."""
    from webapp import jobs
    from webapp.extensions import db
    from webapp.imports import files
    from webapp.models import Import

    with app.app_context():
        folder = files.imports_dir() / f"bench-{kind}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        shutil.copy(workbook, folder / "upload")
        imp = Import(
            kind=kind,
            file_name=workbook.name,
            stored_path=str(folder / "upload"),
            created_by_id=admin_id,
        )
        db.session.add(imp)
        db.session.commit()
        imp.check_job_id = jobs.create("import_check", {"import_id": imp.id}, admin_id, 0).id
        db.session.commit()
        return imp.id


def confirmed(app, import_id: int, admin_id: int) -> str:
    """Confirm a checked import without an error; its write job's id."""
    from webapp import jobs
    from webapp.extensions import db
    from webapp.models import Import

    with app.app_context():
        imp = db.session.get(Import, import_id)
        if not imp.can_confirm:
            raise RuntimeError(f"{imp.kind}: {imp.status} {imp.message} {imp.errors[:3]}")
        imp.status, imp.confirmed_by_id = "confirmed", admin_id
        params = {"import_id": imp.id, "by_id": admin_id}
        imp.write_job_id = jobs.create("import_write", params, admin_id, imp.rows).id
        db.session.commit()
        return imp.write_job_id


def check_job(app, import_id: int) -> str:
    from webapp.extensions import db
    from webapp.models import Import

    with app.app_context():
        return db.session.get(Import, import_id).check_job_id


def written(app, import_id: int) -> str:
    from webapp.extensions import db
    from webapp.models import Import

    with app.app_context():
        imp = db.session.get(Import, import_id)
        if imp.status != "done":
            raise RuntimeError(f"{imp.kind}: {imp.status} {imp.message} {imp.errors[:3]}")
        return f"{imp.kind}: {imp.created:,} created, {imp.rows:,} rows"


def run(zone_app, database: str) -> None:
    from webapp import create_app

    folder = OUT / "imports"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.monotonic()
    workbooks = export(zone_app, folder)
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f} MB" for p in workbooks.values())
    print(f"imports: exported in {time.monotonic() - started:.0f} s ({sizes})", file=sys.stderr)
    url = empty_database(database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    admin_id = copy_tree(zone_app, app)
    seconds = peak_mb = 0.0
    for kind in ("households", "residents"):
        import_id = queue(app, kind, workbooks[kind], admin_id)
        for step in ("check", "write"):
            job_id = (
                check_job(app, import_id)
                if step == "check"
                else confirmed(app, import_id, admin_id)
            )
            took, peak = run_job(app, job_id, label=f"imports ({kind} {step})")
            print(f"imports: {kind} {step} {took:.0f} s, {peak:.0f} MB", file=sys.stderr)
            seconds += took
            peak_mb = max(peak_mb, peak)
        print(f"imports: {written(app, import_id)}", file=sys.stderr)
    emit("import.zone_households.s", seconds, "s", 300)
    emit("import.zone_households.peak_mb", peak_mb, "MB", 500)


if __name__ == "__main__":
    # `python -m bench.imports --database sqlite|postgres` on the bench's zone database as it is.
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    database = parser.parse_args().database
    os.environ["GRIDWORK_INSTANCE"] = str(OUT)
    sys.path.insert(0, str(ROOT))
    from webapp import create_app

    # Only the zone's tree, households and residents are read: its schema may be older.
    run(create_app({"SQLALCHEMY_DATABASE_URI": database_url(database)}), database)
