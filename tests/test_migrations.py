"""Migrations build exactly the models' schema, and go back down to nothing."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from webapp.extensions import db

from .conftest import make_app


@pytest.fixture
def empty_database_url(tmp_path):
    """A database of its own: a new SQLite file, or a new PostgreSQL database."""
    if os.environ.get("GRIDWORK_TEST_DATABASE") != "postgres":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    base = os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"gridwork_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_gives_the_models_schema_and_downgrade_removes_it(empty_database_url):
    """`db upgrade` on an empty database leaves no drift; `downgrade base` leaves no table."""
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.session.remove()
        db.engine.dispose()


def test_upgrade_keeps_the_rows_of_a_database_already_in_use(empty_database_url):
    """An office's database from before the audit trail upgrades with its rows in place.

    SQLite rebuilds a table to alter it; the rows of other tables that point at it must survive.
    """
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="d1cf9797cd71")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO grid (id, level, name, code, path, active, created_at)"
                    " VALUES (1, 1, '江南街道', 'JN', '0001', true, '2026-01-05 08:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO worker (id, name, phone, password_hash, role, scope_id,"
                    " employment, tags, positions, active, created_at) VALUES (1, '张明',"
                    " '13800000001', 'x', 'admin', 1, 'full_time', '[]', '[]', true,"
                    " '2026-01-05 08:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO household (id, grid_id, address, status, member_count,"
                    " active, created_at, version) VALUES (1, 1, '1幢101', 'green', 0, true,"
                    " '2026-01-05 08:00', 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO visit (id, household_id, worker_id, grid_id, visited_at, method,"
                    " persons_seen, not_at_home, possible_duplicate, client_key) VALUES"
                    " (1, 1, 1, 1, '2026-01-05 09:00', 'door', 2, false, false, 'k-1')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            visit = conn.execute(text("SELECT worker_id, household_id FROM visit")).one()
            worker = conn.execute(text("SELECT name FROM worker")).scalar_one()
        assert tuple(visit) == (1, 1)
        assert worker == "张明"
        db.session.remove()
        db.engine.dispose()
