"""Fixtures: an app on SQLite (or on PostgreSQL with GRIDWORK_TEST_DATABASE=postgres), an
emptied database per test, a small grid tree with one worker of every role, and login_as()."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import text

from webapp import create_app
from webapp.clock import day_start, today
from webapp.extensions import db, limiter
from webapp.models import (
    Card,
    Case,
    Errand,
    Grid,
    Household,
    IdNumberCheck,
    Import,
    Job,
    Notice,
    Observation,
    Resident,
    SelfReportLink,
    Sweep,
    Worker,
)

PASSWORD = "secret-pass-1"
# The registration form of a returnee (返乡人员), who starts light yellow.
RETURNEE = {
    "name": "返乡人",
    "id_number": "330702200503150021",
    "tags": "returnee",
    "origin": "温州",
    "return_date": "2026-11-20",
}


def database_url(tmp_path_factory) -> str:
    if os.environ.get("GRIDWORK_TEST_DATABASE") == "postgres":
        url = os.environ["TEST_DATABASE_URL"]
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    return database_url(tmp_path_factory)


def make_app(db_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": db_url,
        "WTF_CSRF_ENABLED": False,
        # The limiter stays on (Flask-Limiter binds to one app); tests that check it lower these.
        "RATELIMIT_LOGIN": "1000 per minute",
        "RATELIMIT_LOGIN_ACCOUNT": "1000 per minute",
        "RATELIMIT_REQUEST_ADDRESS": "1000 per minute",
        "RATELIMIT_REQUEST_GRID": "1000 per minute",
        # One limiter serves every app of the run, and the counters' table is emptied between
        # tests anyway; tests/test_throttle.py tries the database's storage on its own.
        "RATELIMIT_STORAGE_URI": "memory://",
        # scrypt is right for production and far too slow for a fixture run per test.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # A character missing from the PDF font fails the test instead of printing a box.
        "PDF_STRICT_GLYPHS": True,
        # Every test empties the database: the duplicates found in the last one are no help.
        "DUPLICATES_CACHE_SECONDS": 0,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def app(db_url, tmp_path_factory):
    app = make_app(db_url)
    # Files the app writes (job results, photos, cached images) go to a folder of the run's own.
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts from empty tables (only when it uses the database)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                # Workers and enterprises point at each other (an enterprise account, a liaison
                # officer): no order of deletes satisfies both keys, so one side lets go first.
                conn.execute(text("UPDATE worker SET enterprise_id = NULL"))
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))
        # In the app's context: the limiter keeps one storage for the process, which the last
        # app built chose (an app built with the defaults counts in the database).
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@dataclass
class Tree:
    """Two branches: A (the worker's own) and B (someone else's), under one root."""

    root: Grid
    township: Grid
    community: Grid
    grid_a: Grid
    micro_a: Grid
    grid_b: Grid
    micro_b: Grid
    household_a: Household
    household_b: Household
    resident_a: Resident
    resident_b: Resident
    admin: Worker
    supervisor_a: Worker
    worker_a: Worker
    worker_b: Worker
    observation_b: Observation
    errand_b: Errand
    card_b: Card
    job_b: Job
    check_b: IdNumberCheck
    import_b: Import
    sweep_b: Sweep
    link_b: SelfReportLink
    notice_b: Notice
    request_b: Case


def add_grid(parent: Grid | None, level: int, name: str, code: str, kind: str | None = None):
    grid = Grid(parent=parent, level=level, name=name, code=code, kind=kind)
    db.session.add(grid)
    db.session.flush()
    grid.path = grid.compute_path()
    return grid


def add_worker(name: str, phone: str, role: str, scope: Grid) -> Worker:
    worker = Worker(name=name, phone=phone, role=role, scope=scope)
    worker.set_password(PASSWORD)
    db.session.add(worker)
    return worker


def add_household(grid: Grid, address: str, id_number: str, name: str = "张三") -> Household:
    household = Household(grid=grid, address=address, phone="13811112222", member_count=1)
    resident = Resident(
        household=household,
        name=name,
        gender="M",
        birth_year=1990,
        id_number=id_number,
        phone="13912345678",
        tags=[],
    )
    db.session.add_all([household, resident])
    return household


@pytest.fixture
def tree(app) -> Tree:
    with app.app_context():
        root = add_grid(None, 0, "开发区", "Z")
        township = add_grid(root, 1, "江南街道", "T1")
        community = add_grid(township, 2, "湖海塘社区", "C1")
        grid_a = add_grid(community, 3, "第一网格", "GA")
        micro_a = add_grid(grid_a, 4, "1幢1单元", "MA", "stairwell")
        grid_b = add_grid(community, 3, "第二网格", "GB")
        micro_b = add_grid(grid_b, 4, "9幢2单元", "MB", "stairwell")
        household_a = add_household(micro_a, "1幢1单元101室", "330702199001011237", "张三")
        household_b = add_household(micro_b, "9幢2单元202室", "330702198502022247", "李四")
        admin = add_worker("管理员", "13900000001", "admin", root)
        supervisor_a = add_worker("王主任", "13900000002", "supervisor", grid_a)
        worker_a = add_worker("赵网格", "13900000003", "worker", micro_a)
        worker_b = add_worker("钱网格", "13900000004", "worker", micro_b)
        db.session.flush()
        observation_b = Observation(
            resident=household_b.residents[0],
            household=household_b,
            start_date=today(),
            planned_end=today() + timedelta(days=14),
            reason="外地返回",
            created_by_id=worker_b.id,
            # Entered first thing: it owes every slot of today (one entered in the afternoon
            # owes no morning follow-up), whatever the hour the tests freeze the clock at.
            created_at=day_start(today()),
        )
        errand_b = Errand(
            household=household_b, grid_id=micro_b.id, description="买菜", created_by_id=worker_b.id
        )
        # A work ID card and a background job of grid B, for the scope tests' URLs.
        card_b = Card(serial="B0B0B0B0B0B0", worker_id=worker_b.id, valid_until=today())
        job_b = Job(id="b" * 32, kind="cards", params={}, created_by_id=worker_b.id)
        # A registration in B that met A's resident's ID number, for a supervisor to check.
        check_b = IdNumberCheck(
            household=household_b,
            existing=household_a.residents[0],
            filed_by_id=worker_b.id,
            name="重号",
        )
        # An import someone of grid B made (imports are their creator's).
        import_b = Import(
            kind="households", file_name="b.xlsx", stored_path="", created_by_id=worker_b.id
        )
        # A notice posted to B's micro-grid.
        notice_b = Notice(
            grid_id=micro_b.id,
            title="停水通知",
            text="明天上午停水。",
            expires_at=day_start(today() + timedelta(days=7)),
            created_by_id=worker_b.id,
        )
        db.session.add_all([observation_b, errand_b, card_b, job_b, check_b, import_b, notice_b])
        # A resident's request sent to B's micro-grid.
        from webapp.clock import now
        from webapp.requests.rules import submit

        request_b = submit(micro_b, "need", "楼道灯坏了", now(), phone="13700001111").case
        # A sweep over grid B's micro-grid only.
        sweep_b = Sweep(
            name="B 排查",
            grid=micro_b,
            starts_on=today(),
            ends_on=today() + timedelta(days=6),
            checks=["fever"],
            created_by_id=admin.id,
        )
        # The self-report link of B's observation (its code is the page's only secret).
        link_b = SelfReportLink(
            observation=observation_b, code="S0S0S0S0S0S0", created_by_id=worker_b.id
        )
        db.session.add_all([sweep_b, link_b])
        objects = Tree(
            root,
            township,
            community,
            grid_a,
            micro_a,
            grid_b,
            micro_b,
            household_a,
            household_b,
            household_a.residents[0],
            household_b.residents[0],
            admin,
            supervisor_a,
            worker_a,
            worker_b,
            observation_b,
            errand_b,
            card_b,
            job_b,
            check_b,
            import_b,
            sweep_b,
            link_b,
            notice_b,
            request_b,
        )
        db.session.commit()
        # Tests read ids, names and paths after this session is gone: load them now.
        for obj in vars(objects).values():
            db.session.refresh(obj)
        db.session.expunge_all()
        return objects


@pytest.fixture
def login_as(client):
    """Sign the test client in as `worker`."""

    def login(worker: Worker, password: str = PASSWORD):
        client.post("/logout")  # switching users on one client: sign the previous one out
        response = client.post("/login", data={"phone": worker.phone, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login
