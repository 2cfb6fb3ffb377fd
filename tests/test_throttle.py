"""Sign-in throttling: limits shared by every process of a server, a limit per phone number
besides the one per address, and the same work for an unknown phone as for a wrong password."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEntry

from .conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "13000000000"

# One gunicorn process: its own app, engine and pool, posting `n` wrong sign-ins from one
# address. It prints the status codes it got.
PROCESS = """
import json, sys
from webapp import create_app
app = create_app({
    "TESTING": True,
    "SQLALCHEMY_DATABASE_URI": sys.argv[1],
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "RATELIMIT_LOGIN": "10 per hour",
    "RATELIMIT_LOGIN_ACCOUNT": "1000 per hour",
})
sys.stdin.readline()  # start together
client = app.test_client()
data = {"phone": "13000000000", "password": "wrong-password"}
print(json.dumps([client.post("/login", data=data).status_code for _ in range(int(sys.argv[2]))]))
"""


def wrong(client, phone: str, address: str = "127.0.0.1"):
    return client.post(
        "/login",
        data={"phone": phone, "password": "wrong-password"},
        environ_overrides={"REMOTE_ADDR": address},
    )


def entries(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        found = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        db.session.expunge_all()
        return found


@pytest.mark.slow
def test_the_sign_in_limit_is_shared_by_the_processes_of_a_server(app, db_url, tmp_path):
    """Two processes without Redis, posting at once from one address, let the limit's 10
    guesses through between them, not 10 each."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(SECRET_KEY="test-secret", GRIDWORK_INSTANCE=str(tmp_path))
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS, db_url, "10"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    codes = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        codes += json.loads(out.strip().splitlines()[-1])
    assert sorted(codes) == [422] * 10 + [429] * 10


def test_without_redis_the_limits_are_kept_in_the_database(monkeypatch, tmp_path):
    """No REDIS_URL: the limiter's storage is the app's database (shared by every process);
    with REDIS_URL, Redis."""
    from limits.storage import storage_from_string

    from webapp.config import Config
    from webapp.limits_storage import DatabaseStorage

    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("GRIDWORK_INSTANCE", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    uri = Config().RATELIMIT_STORAGE_URI
    assert isinstance(storage_from_string(uri), DatabaseStorage)
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    assert Config().RATELIMIT_STORAGE_URI == "redis://cache.internal:6379/0"


def test_the_database_storage_counts_in_fixed_windows(app, monkeypatch):
    """A counter adds up within its window, starts again after it, and is cleared on demand;
    expired counters are pruned."""
    from webapp import limits_storage
    from webapp.models.ratelimits import RateLimitCounter

    clock = [1_000_000.0]
    monkeypatch.setattr(limits_storage, "_now", lambda: clock[0])
    storage = limits_storage.DatabaseStorage("gridwork-db://")
    with app.app_context():
        assert storage.check()
        assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
        assert storage.incr("k", 60, amount=2) == 5
        assert storage.get("k") == 5 and storage.get_expiry("k") == 1_000_060.0
        assert storage.get("other") == 0
        clock[0] += 61
        assert storage.get("k") == 0
        assert storage.incr("k", 60) == 1 and storage.get_expiry("k") == 1_000_121.0
        storage.incr("gone", 10)
        clock[0] += 3600
        storage.incr("fresh", 60)  # an hour on, a hit prunes what expired
        keys = set(db.session.scalars(select(RateLimitCounter.key)))
        assert keys == {"fresh"}
        storage.clear("fresh")
        assert storage.get("fresh") == 0
        storage.incr("a", 60)
        assert storage.reset() == 1


def test_a_long_key_is_stored_by_its_digest(app):
    """A key longer than the column (an odd forwarded address) still counts."""
    from webapp.limits_storage import DatabaseStorage

    storage = DatabaseStorage("gridwork-db://")
    key = "LIMITER/" + "x" * 500
    with app.app_context():
        assert storage.incr(key, 60) == 1 and storage.incr(key, 60) == 2
        assert storage.get(key) == 2


def test_guesses_at_one_phone_from_many_addresses_stop(tree, client, app, monkeypatch):
    """Past RATELIMIT_LOGIN_ACCOUNT attempts at one phone, from whatever addresses, even the
    right password is refused with a sentence that says until when."""
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "3 per 15 minutes")
    phone = tree.worker_a.phone
    assert [wrong(client, phone, f"10.0.0.{i}").status_code for i in range(3)] == [422] * 3
    response = client.post(
        "/login",
        data={"phone": phone, "password": PASSWORD},
        environ_overrides={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "该手机号登录尝试次数过多" in page and "之后再试" in page
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert client.get("/").status_code == 302  # not signed in


def test_an_unknown_phone_is_limited_like_a_registered_one(tree, client, app, monkeypatch):
    """The per-phone limit counts phones nobody signs in with too: it tells nobody which
    phones are registered."""
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "2 per 15 minutes")
    codes = [wrong(client, UNKNOWN, f"10.0.1.{i}").status_code for i in range(3)]
    assert codes == [422, 422, 429]


def test_one_phones_limit_leaves_the_others_alone(tree, client, app, monkeypatch):
    """Another worker still signs in while one phone is refused."""
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "2 per 15 minutes")
    for _ in range(3):
        wrong(client, tree.worker_a.phone)
    response = client.post("/login", data={"phone": tree.worker_b.phone, "password": PASSWORD})
    assert response.status_code == 302


def test_refusals_are_on_the_audit_trail_once_a_window(tree, client, app, monkeypatch):
    """A refused attempt is recorded (which limit, the phone masked, the worker it aimed at),
    once per limit and window: a flood of refusals cannot fill the trail."""
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "2 per 15 minutes")
    for i in range(5):
        wrong(client, tree.worker_a.phone, f"10.0.2.{i}")
    (account,) = entries(app, "sign_in_refused")
    assert account.details == {"phone": "139****0003", "limit": "account"}
    assert (account.object_type, account.object_id) == ("worker", tree.worker_a.id)
    assert account.grid_id == tree.micro_a.id and account.actor_id is None
    assert len(entries(app, "sign_in_failed")) == 2

    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN", "2 per minute")
    for _ in range(4):
        wrong(client, UNKNOWN, "10.0.3.1")
    by_address = [e for e in entries(app, "sign_in_refused") if e.details["limit"] == "address"]
    assert len(by_address) == 1 and by_address[0].address == "10.0.3.1"


def test_an_unknown_phone_costs_the_same_hash_as_a_wrong_password(tree, client, monkeypatch):
    """An unknown phone, a wrong password and the right one each derive one key from what was
    typed: the time of the answer does not tell registered phones apart."""
    derived = []
    real = hashlib.pbkdf2_hmac

    def counting(*args, **kwargs):
        derived.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)
    wrong(client, UNKNOWN)  # the first one may also make the stand-in hash, once
    counts = []
    for phone, password in [
        (UNKNOWN, "wrong-password"),
        (tree.worker_a.phone, "wrong-password"),
        (tree.worker_a.phone, PASSWORD),
    ]:
        derived.clear()
        client.post("/login", data={"phone": phone, "password": password})
        counts.append(len(derived))
    assert counts == [1, 1, 1]
