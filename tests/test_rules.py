"""The rule functions on their own, as an import, a merge or a dispatch calls them: no request,
no signed-in worker, the same invariants as the pages."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from webapp import clock
from webapp.clock import today
from webapp.extensions import db
from webapp.households import rules as households
from webapp.models import Grid, Household, Observation, Resident, StatusChange, Visit, Worker
from webapp.models.core import insert_columns, values_of
from webapp.observations import rules as observations
from webapp.residents import rules as residents
from webapp.rules import RuleError
from webapp.visits.rules import log_visit
from webapp.workers import rules as workers

RETURNEE = residents.Details(
    name="返乡人",
    id_number="330702200503150021",
    tags=["returnee"],
    origin="温州",
    return_date=date(2026, 11, 20),
)


def test_a_returnee_registered_outside_a_request_raises_the_household(app, tree):
    """Registering counts a member and starts a returnee light yellow, reason in Chinese."""
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        resident = residents.register(household, RETURNEE)
        db.session.commit()
        assert resident.status == "light_yellow" and household.status == "light_yellow"
        assert household.member_count == 2
        change = db.session.scalar(select(StatusChange).where(StatusChange.worker_id.is_(None)))
        assert change.reason == "返乡人 从温州返回"


def test_an_id_number_is_registered_once(app, tree):
    """The same ID number in another household is refused, by its field."""
    with app.app_context():
        household = db.session.get(Household, tree.household_b.id)
        details = residents.Details(name="重复", id_number="330702199001011237")
        with pytest.raises(RuleError) as refused:
            residents.register(household, details)
        assert refused.value.field == "id_number"


def test_removing_a_resident_twice_counts_once(app, tree):
    """Removing and restoring keep the household's member count right, however often."""
    with app.app_context():
        resident = db.session.get(Resident, tree.resident_a.id)
        residents.remove(resident)
        residents.remove(resident)
        assert resident.household.member_count == 0
        residents.restore(resident)
        assert resident.household.member_count == 1


def test_households_live_only_in_active_micro_grids(app, tree):
    """A household is neither created in nor moved to a grid that is not a micro-grid."""
    with app.app_context():
        grid = db.session.get(Grid, tree.grid_a.id)
        with pytest.raises(RuleError):
            households.create(grid, "无处可住")
        household = db.session.get(Household, tree.household_a.id)
        with pytest.raises(RuleError):
            households.move(household, grid, tree.admin.id)
        households.move(household, db.session.get(Grid, tree.micro_b.id), tree.admin.id)
        db.session.commit()
        assert household.grid_id == tree.micro_b.id


def test_a_move_keeps_the_history_where_it_was_made(app, tree):
    """A visit before a move stays counted in the old micro-grid."""
    with app.app_context():
        household = db.session.get(Household, tree.household_a.id)
        log_visit(household, tree.worker_a.id, clock.now(), "door", key="import-0001")
        households.move(household, db.session.get(Grid, tree.micro_b.id), tree.admin.id)
        db.session.commit()
        assert db.session.scalar(select(Visit.grid_id)) == tree.micro_a.id


def test_an_observation_runs_once_at_a_time(app, tree):
    """A second observation while one is current is refused; the first raised the household."""
    with app.app_context():
        resident = db.session.get(Resident, tree.resident_a.id)
        end = today() + timedelta(days=14)
        observations.start(resident, today(), end, "外地返回", tree.worker_a.id)
        db.session.commit()
        assert resident.household.status == "yellow"
        with pytest.raises(RuleError):
            observations.start(resident, today(), end, "再次", tree.worker_a.id)
        assert db.session.scalar(select(Observation.id).where(Observation.reason == "再次")) is None


def test_nobody_gives_a_role_above_their_own(app, tree):
    """A supervisor's appointment of an administrator is refused, by its field."""
    with app.app_context():
        appointment = workers.Appointment(
            name="新人",
            phone="13700000009",
            role="admin",
            scope=db.session.get(Grid, tree.grid_a.id),
            employment="part_time",
            password="long-enough",
        )
        with pytest.raises(RuleError) as refused:
            supervisor = db.session.get(Worker, tree.supervisor_a.id)
            workers.appoint(Worker(), appointment, by=supervisor)
        assert refused.value.field == "role"


def test_core_inserts_write_every_column(app):
    """The busiest writes insert every column but the id and what their statement works out,
    and a value left unset takes the column's default, as the ORM would give it."""
    visit = Visit.__table__
    assert set(insert_columns(visit, computed=("possible_duplicate",))) == {
        c.key for c in visit.columns
    } - {"id", "possible_duplicate"}
    with app.app_context():
        change = StatusChange(household_id=1, grid_id=1, from_status="green", to_status="red")
        values = values_of(change, insert_columns(StatusChange.__table__))
        assert values["changed_at"] is not None and values["reason"] is None
