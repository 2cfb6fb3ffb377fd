"""The audit trail: every sensitive action is an entry (who, when, from where, what, where in
the tree), admins read all of it and supervisors their subtree's, it exports to CSV, and it is
never changed or deleted but by the retention command."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.clock import now, today
from webapp.extensions import db
from webapp.models import AuditEntry, Card, Household, Worker

from .conftest import PASSWORD


def entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        found = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return found


def test_sign_in_failure_and_sign_out_are_recorded(tree, client, app):
    """A failed sign-in (the phone masked), a sign-in and a sign-out, each with its address."""
    client.post("/login", data={"phone": tree.worker_a.phone, "password": "wrong-wrong"})
    client.post("/login", data={"phone": tree.worker_a.phone, "password": PASSWORD})
    client.post("/logout")
    failed, signed_in, signed_out = (
        entries(app, "sign_in_failed")[0],
        entries(app, "sign_in")[0],
        entries(app, "sign_out")[0],
    )
    assert failed.actor_id is None and failed.details["phone"] == "139****0003"
    assert signed_in.actor_id == signed_out.actor_id == tree.worker_a.id
    assert signed_in.address == "127.0.0.1" and signed_in.grid_id == tree.micro_a.id


def test_a_reveal_is_recorded_with_its_resident_and_area(tree, login_as, app):
    """Showing a full ID number leaves who, whose, and the household's micro-grid."""
    login_as(tree.supervisor_a).post(f"/residents/{tree.resident_a.id}/reveal")
    (entry,) = entries(app, "reveal")
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.grid_id) == (
        tree.supervisor_a.id,
        "resident",
        tree.resident_a.id,
        tree.micro_a.id,
    )


def test_reveals_stop_at_the_hourly_limit_and_show_on_the_supervisors_today(
    tree, login_as, app, monkeypatch
):
    """Past REVEALS_PER_HOUR a reveal is refused (429, recorded); the burst shows on today."""
    monkeypatch.setitem(app.config, "REVEALS_PER_HOUR", 3)
    monkeypatch.setitem(app.config, "REVEAL_BURST", 3)
    client = login_as(tree.supervisor_a)
    answers = [client.post(f"/residents/{tree.resident_a.id}/reveal").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.post(f"/residents/{tree.resident_a.id}/reveal").get_data(as_text=True)
    assert "本小时已查看较多完整号码" in refused
    assert len(entries(app, "reveal")) == 3 and len(entries(app, "reveal_refused")) == 2
    page = login_as(tree.admin).get("/today/").get_data(as_text=True)
    assert tree.supervisor_a.name in page and "3" in page


def test_worker_changes_are_recorded_without_the_password(tree, login_as, app):
    """Created, edited (what changed, never the password's value), deactivated, reactivated."""
    client = login_as(tree.admin)
    client.post(
        "/workers/new",
        data={
            "name": "新人",
            "phone": "13700000009",
            "password": "first-pass-1",
            "role": "worker",
            "area": "MA",
            "employment": "part_time",
        },
    )
    with app.app_context():
        new_id = db.session.scalar(select(Worker.id).where(Worker.phone == "13700000009"))
    client.post(
        f"/workers/{new_id}/edit",
        data={
            "name": "新人",
            "phone": "",
            "password": "another-pass-2",
            "role": "supervisor",
            "area": "GA",
            "employment": "part_time",
        },
    )
    client.post(f"/workers/{new_id}/deactivate")
    client.post(f"/workers/{new_id}/activate")
    actions = [e.action for e in entries(app) if e.object_type == "worker"]
    assert actions[-4:] == [
        "worker_created",
        "worker_edited",
        "worker_deactivated",
        "worker_activated",
    ]
    edited = entries(app, "worker_edited")[0]
    assert set(edited.details["changed"]) == {"password", "role", "scope"}
    assert edited.details["role"] == ["worker", "supervisor"]
    assert "another-pass-2" not in str([e.details for e in entries(app)])


def test_cards_issued_reissued_and_revoked_are_recorded_with_who_revoked(tree, login_as, app):
    """A reissue is not a first issue, and the card keeps who revoked it."""
    client = login_as(tree.supervisor_a)
    valid_until = (today() + timedelta(days=30)).isoformat()
    for _ in range(2):
        client.post(f"/cards/workers/{tree.worker_a.id}/issue", data={"valid_until": valid_until})
    with app.app_context():
        card_id = db.session.scalar(
            select(Card.id).where(Card.worker_id == tree.worker_a.id, Card.revoked_at.is_(None))
        )
    client.post(f"/cards/{card_id}/revoke", data={"reason": "丢失"})
    assert [e.action for e in entries(app) if e.object_type == "card"] == [
        "card_issued",
        "card_reissued",
        "card_revoked",
    ]
    with app.app_context():
        assert db.session.get(Card, card_id).revoked_by_id == tree.supervisor_a.id
    page = login_as(tree.admin).get("/audit/").get_data(as_text=True)
    assert "reason: 丢失" in page  # the reason as typed, not as JSON escapes


def test_a_lowered_colour_is_recorded_a_raised_one_is_not(tree, login_as, app):
    """Red → yellow is on the trail (a person took the household off the closer watch)."""
    client = login_as(tree.worker_a)
    for n, colour in enumerate(("red", "yellow")):
        with app.app_context():
            version = db.session.get(Household, tree.household_a.id).version
        client.post(
            f"/statuses/household/{tree.household_a.id}",
            data={
                "key": f"key-colour-{n:03d}",
                "status": colour,
                "reason": "复核",
                "version": version,
            },
        )
    (entry,) = entries(app, "colour_lowered")
    assert entry.details["from"] == "red" and entry.details["to"] == "yellow"


def test_an_early_release_is_recorded(tree, login_as, app):
    """Releasing someone from observation early is on the trail, with the reason."""
    login_as(tree.worker_b).post(
        f"/observations/{tree.observation_b.id}/release", data={"reason": "核酸阴性"}
    )
    (entry,) = entries(app, "observation_released")
    assert entry.details["reason"] == "核酸阴性" and entry.grid_id == tree.micro_b.id


def test_admins_read_everything_supervisors_their_subtree(tree, client, login_as, app):
    """A supervisor of grid A reads A's entries, not B's; an admin reads both."""
    login_as(tree.worker_a)
    login_as(tree.worker_b)
    supervisor = login_as(tree.supervisor_a).get("/audit/?action=sign_in").get_data(as_text=True)
    assert tree.worker_a.name in supervisor and tree.worker_b.name not in supervisor
    admin = login_as(tree.admin).get("/audit/?action=sign_in").get_data(as_text=True)
    assert tree.worker_a.name in admin and tree.worker_b.name in admin
    assert login_as(tree.worker_a).get("/audit/").status_code == 403


def test_the_trail_filters_by_who_what_where_and_when(tree, login_as, app):
    """Actor, action, node code and dates narrow the list; a bad date is a message."""
    login_as(tree.worker_a)
    login_as(tree.worker_b)
    client = login_as(tree.admin)
    by_node = client.get("/audit/?node=MB&action=sign_in").get_data(as_text=True)
    assert tree.worker_b.name in by_node and tree.worker_a.name not in by_node
    by_actor = client.get(f"/audit/?actor={tree.worker_a.phone}").get_data(as_text=True)
    assert tree.worker_a.name in by_actor and tree.worker_b.name not in by_actor
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert "0 条" in client.get(f"/audit/?from={tomorrow}").get_data(as_text=True)
    bad = client.get("/audit/?from=yesterday")
    assert bad.status_code == 422 and "不是有效日期" in bad.get_data(as_text=True)


def test_the_trail_exports_to_csv_with_phones_masked(tree, login_as, app):
    """The CSV opens in Excel (BOM), holds the filtered entries, and is itself recorded."""
    login_as(tree.worker_a)
    response = login_as(tree.admin).get("/audit/export.csv?action=sign_in")
    text = response.data.decode("utf-8")
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    assert tree.worker_a.name in text and tree.worker_a.phone not in text
    assert entries(app, "audit_exported")


def test_entries_are_never_changed_or_deleted(tree, client, app):
    """The app refuses to edit or delete an entry; only the retention command removes old ones."""
    client.post("/login", data={"phone": tree.worker_a.phone, "password": PASSWORD})
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        entry.action = "sign_out"
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEntry)))
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
        old = db.session.scalar(select(AuditEntry))
        db.session.execute(AuditEntry.__table__.update().values(at=now() - timedelta(days=5000)))
        db.session.commit()
        assert old is not None
    result = app.test_cli_runner().invoke(args=["audit", "prune"])
    assert result.exit_code == 0 and "Removed 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
