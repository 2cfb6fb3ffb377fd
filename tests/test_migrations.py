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
