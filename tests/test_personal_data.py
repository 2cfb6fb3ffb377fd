"""No full ID number or phone leaves the app but through a logged reveal: every GET route, for
every demo role, as a page and as an htmx fragment, is scanned for any ID number or phone
stored in the demo data."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from webapp.demo import DEMO_PHONES
from webapp.extensions import db
from webapp.models import (
    Card,
    Case,
    Enterprise,
    Errand,
    FiledEmployee,
    GreenPass,
    Grid,
    Household,
    IdNumberCheck,
    IndustryDepartment,
    Job,
    Observation,
    Resident,
    ReturnFiling,
    Worker,
    in_subtree,
)

# An 18-character ID number, or an 11-digit mobile number, standing on its own.
NUMBERS = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dX]|1[3-9]\d{9})(?![0-9A-Za-z])")
TEXT = ("text/html", "text/csv", "text/plain", "application/json")


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "small"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = set(db.session.scalars(select(Resident.id_number)))
        # Filed employees' numbers too (the filings' demo).
        stored |= set(db.session.scalars(select(FiledEmployee.id_number)))
        for column in (
            Resident.phone,
            Household.phone,
            Worker.phone,
            FiledEmployee.phone,
            Enterprise.contact_phone,
        ):
            stored |= {p for p in db.session.scalars(select(column)) if p}
    return stored


def _first(stmt):
    return db.session.scalar(stmt.limit(1))


def _enterprise_of(worker: Worker, inside) -> int | None:
    if worker.enterprise_id is not None:
        return worker.enterprise_id
    if worker.department_id is not None:
        return _first(select(Enterprise.id).where(Enterprise.department_id == worker.department_id))
    return _first(select(Enterprise.id).join(Enterprise.grid).where(inside))


def objects_in_scope(worker: Worker) -> dict[str, object]:
    """An object of every kind a URL names, inside `worker`'s subtree."""
    path = worker.scope.path
    inside = in_subtree(Grid.path, path)
    household = _first(select(Household).join(Household.grid).where(inside))
    micro = _first(select(Grid.id).where(inside, Grid.level == 4))
    return {
        "grid_id": micro or worker.scope_id,
        "household_id": household.id,
        "resident_id": _first(select(Resident.id).where(Resident.household_id == household.id)),
        "worker_id": _first(
            select(Worker.id).join(Worker.scope).where(inside, Worker.id != worker.id)
        )
        or worker.id,
        "observation_id": _first(
            select(Observation.id).join(Observation.household).join(Household.grid).where(inside)
        ),
        "errand_id": _first(select(Errand.id).join(Grid, Grid.id == Errand.grid_id).where(inside)),
        "card_id": _first(select(Card.id)),
        "job_id": _first(select(Job.id)),
        "check_id": _first(select(IdNumberCheck.id)),
        "serial": _first(select(Card.serial)) or "NONEXISTENT0",
        # An enterprise problem of the subtree (the demo's, when it has enterprises).
        "problem_id": _first(
            select(Case.id)
            .join(Grid, Grid.id == Case.grid_id)
            .where(inside, Case.kind == "enterprise")
        ),
        "code": "zh",
        # An enterprise the worker acts for (an enterprise account its own, a reviewer its
        # department's), and the department of a reviewer (or any, for the admin).
        "enterprise_id": _enterprise_of(worker, inside),
        "department_id": worker.department_id or _first(select(IndustryDepartment.id)),
        # A return filing of the demo (its page masks the employees' numbers).
        "filing_id": _first(select(ReturnFiling.id).order_by(ReturnFiling.id)),
        # A green pass of the demo's filings.
        "pass_code": _first(select(GreenPass.code)),
        "pass_id": _first(select(GreenPass.id)),
    }


@pytest.mark.parametrize("phone", DEMO_PHONES)
def test_no_get_route_shows_a_full_id_number_or_phone(app, demo, phone):
    """Pages, fragments and exports hold masked numbers only, whoever asks."""
    with app.app_context():
        worker = db.session.scalar(select(Worker).where(Worker.phone == phone))
        ids = objects_in_scope(worker)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = f"{worker.id}:{worker.session_epoch}"
        leaks = []
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout"):
                continue
            if any(ids.get(name) is None for name in rule.arguments):
                continue
            url = rule.build({name: ids[name] for name in rule.arguments})[1]
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                assert response.status_code < 500, url
                if not response.mimetype.startswith(TEXT):
                    continue
                found = set(NUMBERS.findall(response.get_data(as_text=True))) & demo
                leaks += [(url, number) for number in found]
        assert not leaks
