"""No route leaks: the scope matrix is built from app.url_map, so a route added later is
covered without anyone remembering to add it here."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from webapp import create_app
from webapp.clock import now
from webapp.extensions import db
from webapp.models import (
    Checkpoint,
    CheckpointCheck,
    CheckpointPost,
    Enterprise,
    FiledEmployee,
    Handover,
    IndustryDepartment,
    ReturnFiling,
    Visit,
    Worker,
)
from webapp.permissions import required_capability, role_can
from webapp.problems.rules import log as log_problem

from .conftest import PASSWORD

# Routes anyone may open without signing in (public contracts and the sign-in itself).
PUBLIC = {
    "auth.login",
    "main.set_language",
    "main.healthz",
    "static",
    "cards.verify",
    # A resident's own report page: its code is the secret (and dies with the observation).
    "selfreports.page",
    # The service worker's script: no data in it, and the sign-in page registers it.
    "offline.service_worker",
    # A micro-grid's public request page and a request's tracking page (printed contracts).
    "requests.form",
    "requests.find",
    "requests.track",
    "requests.message",
    "requests.rate",
}
# Routes only an administrator may use.
# The roles of the grid tree; enterprise accounts and department reviewers have pages of their own.
TREE_ROLES = ("admin", "supervisor", "worker")

ADMIN_ONLY = {
    "grids.new",
    "grids.edit",
    "grids.deactivate",
    "grids.activate",
    # Setting up checkpoints and putting workers on them.
    "checkpoints.index",
    "checkpoints.staff",
    "checkpoints.take_off",
    # The list of industry departments, and their reviewers' accounts.
    "departments.index",
    "departments.rename",
    "departments.reviewer",
    "departments.deactivate",
    "departments.activate",
    # A department reviewer's desk (Can.REVIEW_FILINGS: reviewers and admins): the filings of
    # the reviewer's department, its decision, revoking, reveals, its whitelist.
    "filings.waiting",
    "filings.review",
    "filings.decide",
    "filings.review_revoke",
    "filings.review_reveal",
    "filings.review_whitelist",
}
# Routes for admins and supervisors; a field worker gets 403.
MANAGER_ONLY = {
    "households.edit",
    "households.deactivate",
    "households.activate",
    "households.move",
    "residents.edit",
    "residents.move",
    "residents.deactivate",
    "residents.reveal",
    "workers.index",
    "workers.show",
    "workers.new",
    "workers.edit",
    "workers.deactivate",
    "workers.activate",
    "cards.show",
    "cards.issue_card",
    "cards.revoke_card",
    "cards.pdf",
    "cards.photo",
    "cards.photo_file",
    "cards.batch",
    "workers.reveal",
    "workers.area_options",
    "residents.checks",
    "residents.resolve",
    "audit.index",
    "audit.export",
    "imports.index",
    "imports.new",
    "imports.show",
    "imports.confirm",
    "imports.template",
    "sweeps.new",
    # Duplicates: the list of pairs in the subtree, merging and "not duplicates"; deciding on
    # a flagged visit (both records of a pair, and the visit, must be in the subtree).
    "duplicates.index",
    "duplicates.merge_residents",
    "duplicates.dismiss_residents",
    "duplicates.merge_households",
    "duplicates.dismiss_households",
    "duplicates.resolve_visit",
    # A supervisor's work on requests: dispatch (派单), urge (督办), merge, the list as a file.
    "requests.dispatch",
    "requests.urge",
    "requests.merge",
    "requests.export",
    # A supervisor's work on enterprise problems: dispatch (派单), urge (督办), merge.
    "problems.dispatch",
    "problems.urge",
    "problems.merge",
    # The enterprise registry of the subtree, and an enterprise's own account.
    "enterprises.new",
    "enterprises.edit",
    "enterprises.area_options",
    "enterprises.deactivate",
    "enterprises.activate",
    "enterprises.account",
    # Return filings: a supervisor of the enterprise's subtree revokes one; the destination
    # community (a supervisor whose subtree holds the employee's micro-grid) decides on its
    # employees, one by one or all of a filing's at once, and lists those waiting.
    "filings.revoke",
    "filings.arrival",
    "filings.arrivals",
    "filings.incoming",
    # The handovers of one's subtree, open, late or received (a supervisor's desk).
    "checkpoints.handovers",
}

# Routes for everybody signed in, whatever their role (the tree's, an enterprise account, a
# department reviewer): the start page sends each to their own home; one's own account.
SIGNED_IN = {
    "main.index",
    "auth.logout",
    "account.show",
    "account.password",
    "account.sign_out_everywhere",
    # The outbox's fresh CSRF token, for a write queued on a page from the phone's copy.
    "offline.token",
}


# Routes for every signed-in worker, inside their own subtree.
FIELD_WORK = {
    "grids.index",
    "grids.show",
    "households.show",
    # A worker adds a household to a micro-grid of their own (editing it is a manager's).
    "households.new",
    "visits.new",
    "statuses.household",
    "statuses.resident",
    "today.index",
    "search.index",
    "residents.new",
    "observations.new",
    "observations.show",
    "observations.follow_up",
    "observations.extend",
    "observations.release",
    "errands.done",
    "errands.undo",
    "visits.undo",
    # Reports hold counts only (no personal data) for a node of the worker's own subtree, and a
    # grid leader who is not a supervisor reports their grid's figures too.
    "reports.index",
    "reports.show",
    "reports.pdf",
    "reports.period",
    "reports.period_pdf",
    # A job is its creator's: anyone who can start one sees its bar; others get 404.
    "progress.show",
    "progress.download",
    "progress.retry",
    # The export page: managers export anything of their subtree, field workers only their
    # today lists (the form offers each the kinds of its capabilities: Can.EXPORT for the rest).
    "exports.index",
    "exports.new",
    # Sweeps over the worker's area (or over an area that holds it), and screening its doors.
    "sweeps.index",
    "sweeps.overview",
    "sweeps.show",
    "sweeps.screen",
    "sweeps.found",
    "sweeps.missed_pdf",
    # Handing a resident under observation their self-report link, and revoking it.
    "selfreports.issue",
    "selfreports.revoke",
    # Notices: the node must be in scope; who may post there (supervisors, micro-grid and grid
    # leaders) is the rule's (notices/rules.may_post), so a plain worker gets 403 in their own.
    "notices.new",
    "notices.withdraw",
    # QR posters hold only what the public page shows (name, place, masked phone, the link).
    "posters.pdf",
    "posters.batch",
    # Resident requests in one's subtree: the list, one request and the work on it, requests
    # entered for a resident, and one's own consent to show one's phone on the public page. The
    # requester's phone is revealed to the holder and supervisors only (a 403 for the others).
    "requests.index",
    "requests.show",
    "requests.photo",
    "requests.reveal",
    "requests.accept",
    "requests.progress",
    "requests.resolve",
    "requests.return_up",
    "requests.mediation",
    "requests.link",
    "requests.raise_colour",
    "requests.new_for_grid",
    "requests.new_for_household",
    "requests.phone_consent",
    # A checkpoint's screen, its taps and its handovers: its own staff only (404 for the rest,
    # as outside one's scope); receiving a handover: a micro-grid of one's subtree.
    "checkpoints.screen",
    "checkpoints.check",
    "checkpoints.handover",
    "checkpoints.receive",
    # Enterprise problems of the enterprises one acts for (scope.problems: the subtree's for
    # the tree, a department's for its reviewer, its own for an enterprise's account): the
    # list, a problem and a comment on it; logging one (the enterprise's account, its liaison
    # officer, a supervisor: a 403 for another worker); the work on it (field work); the
    # rating (the enterprise's own account only: a 403 for the others).
    "problems.index",
    "problems.show",
    "problems.comment",
    "problems.new",
    "problems.accept",
    "problems.progress",
    "problems.resolve",
    "problems.return_up",
    "problems.rate",
    # The enterprises of one's subtree (scope.enterprises: an enterprise account its own, a
    # reviewer its department's), the logged reveal of the contact's phone (the liaison
    # officer and managers: 403 for the others), liaison visits (the liaison officer and
    # supervisors: 403 for the others). A department's page: its reviewers and whoever keeps
    # the list (404 for the rest, as outside one's scope).
    "enterprises.index",
    "enterprises.show",
    "enterprises.reveal",
    "enterprises.visit",
    "enterprises.undo_visit",
    "departments.show",
    # Return filings (Can.ENTERPRISE_WORK, which enterprise accounts have too): the filings of
    # the enterprises one files for (an enterprise account its own, a liaison officer theirs,
    # a supervisor the subtree's; 404 for the others), the form, the sheet and its template,
    # one filing's page and its reveals, the whitelist.
    "filings.index",
    "filings.new",
    "filings.upload",
    "filings.template",
    "filings.show",
    "filings.reveal",
    "filings.whitelist",
    # A handover's full ID number and phone, on the audit trail: its micro-grid in one's subtree.
    "checkpoints.reveal",
    # A checkpoint's shift summary (page and PDF): its staff, whoever manages checkpoints, and
    # the supervisors of the node responsible (404 for the others).
    "checkpoints.summary",
    "checkpoints.summary_pdf",
}
# The roles outside the tree, walked over every route below.
BOUND_ROLES = ("enterprise", "reviewer")


def _rules():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(rule, method, id=f"{method} {rule.rule}")


RULES = list(_rules())


def url_for_other_grid(rule, tree) -> str:
    """Fill every URL argument with the id of an object that lives in grid B."""
    objects_in_b = {
        "grid_id": tree.micro_b.id,
        "household_id": tree.household_b.id,
        "resident_id": tree.resident_b.id,
        "worker_id": tree.worker_b.id,
        "observation_id": tree.observation_b.id,
        "errand_id": tree.errand_b.id,
        "card_id": tree.card_b.id,
        "serial": tree.card_b.serial,
        "job_id": tree.job_b.id,
        "check_id": tree.check_b.id,
        "import_id": tree.import_b.id,
        "sweep_id": tree.sweep_b.id,
        # Made by the fixture below for this module's tests; elsewhere (the CSRF and header
        # tests) an id of no visit, which answers 404 all the same.
        "visit_id": getattr(tree, "visit_b_id", 2**31 - 1),
        "notice_id": tree.notice_b.id,
        "code": "en",
        "grid_code": tree.micro_b.code,
        "tracking_code": tree.request_b.code,
        "case_id": tree.request_b.id,
        # Made by the fixture below (elsewhere an id of nothing, which answers 404 all the same).
        "checkpoint_id": getattr(tree, "checkpoint_b_id", 2**31 - 1),
        "handover_id": getattr(tree, "handover_b_id", 2**31 - 1),
        # An enterprise of B's micro-grid, in a department of its own, and a problem it has
        # (made by the fixture).
        "enterprise_id": getattr(tree, "enterprise_b_id", 2**31 - 1),
        "department_id": getattr(tree, "department_b_id", 2**31 - 1),
        # B's enterprise's filing of one employee coming to B (made by the fixture).
        "filing_id": getattr(tree, "filing_b_id", 2**31 - 1),
        "employee_id": getattr(tree, "employee_b_id", 2**31 - 1),
        "problem_id": getattr(tree, "problem_b_id", 2**31 - 1),
    }
    missing = rule.arguments - objects_in_b.keys()
    assert not missing, f"add an object of grid B for {missing} in tests/test_scope.py"
    url = rule.rule
    for name in rule.arguments:
        url = url.replace(f"<int:{name}>", str(objects_in_b[name])).replace(
            f"<{name}>", str(objects_in_b[name])
        )
    return url


@pytest.fixture(autouse=True)
def _flagged_visit_of_b(request):
    """A visit of B flagged as a possible duplicate, for the route that decides on one (kept
    out of the shared tree: other tests count the tree's visits)."""
    if "tree" not in request.fixturenames:
        return
    app, tree = request.getfixturevalue("app"), request.getfixturevalue("tree")
    with app.app_context():
        visit = Visit(
            household_id=tree.household_b.id,
            worker_id=tree.worker_b.id,
            grid_id=tree.micro_b.id,
            method="door",
            possible_duplicate=True,
            client_key="visit-of-grid-b",
        )
        db.session.add(visit)
        # A checkpoint staffed by B's worker, and an arrival it handed to B's micro-grid.
        checkpoint = Checkpoint(name="B 卡口", place="B 路口", grid_id=tree.micro_b.id)
        db.session.add(checkpoint)
        db.session.add(
            CheckpointPost(checkpoint=checkpoint, worker_id=tree.worker_b.id, shift="day")
        )
        check = CheckpointCheck(
            checkpoint=checkpoint,
            worker_id=tree.worker_b.id,
            shift="day",
            kind="person",
            outcome="handed_over",
            client_key="check-of-grid-b",
        )
        handover = Handover(
            check=check,
            checkpoint=checkpoint,
            grid_id=tree.micro_b.id,
            name="孙到达",
            id_number="330702199001011237",
            origin="武汉",
            address="9幢2单元303室",
            created_by_id=tree.worker_b.id,
        )
        db.session.add_all([check, handover])
        # Two departments and an enterprise of each branch; A's enterprise account and A's
        # department reviewer, who must reach neither B's enterprise nor B's department.
        department_a = IndustryDepartment(name="工信局")
        department_b = IndustryDepartment(name="商务局")
        enterprise_a = Enterprise(
            name="A 企业",
            uscc="91330701MA28K0000X",
            address="A 路 1 号",
            grid_id=tree.micro_a.id,
            department=department_a,
            contact_name="甲",
            contact_phone="13500000001",
        )
        enterprise_b = Enterprise(
            name="B 企业",
            uscc="91330702MA2HQ1234C",
            address="B 路 1 号",
            grid_id=tree.micro_b.id,
            department=department_b,
            contact_name="乙",
            contact_phone="13500000002",
            liaison_id=tree.worker_b.id,
        )
        db.session.add_all([department_a, department_b, enterprise_a, enterprise_b])
        # B's enterprise files one employee coming to B's micro-grid.
        filing = ReturnFiling(enterprise=enterprise_b, created_by_id=tree.worker_b.id)
        employee = FiledEmployee(
            filing=filing,
            name="孙返岗",
            id_number="330702199001011237",
            phone="13800138000",
            origin="武汉",
            arrival_date=tree.sweep_b.starts_on,
            means="car",
            stay_address="9幢2单元303室",
            grid_id=tree.micro_b.id,
        )
        db.session.add_all([filing, employee])
        db.session.flush()
        for role, phone, scope_id, bound in (
            ("enterprise", "13900000011", tree.micro_a.id, {"enterprise_id": enterprise_a.id}),
            ("reviewer", "13900000012", tree.root.id, {"department_id": department_a.id}),
        ):
            account = Worker(name=role, phone=phone, role=role, scope_id=scope_id, **bound)
            account.set_password(PASSWORD)
            db.session.add(account)
        # A problem of B's enterprise, logged by its liaison officer.
        problem = log_problem(
            enterprise_b,
            "staffing",
            "缺工",
            "normal",
            db.session.get(Worker, tree.worker_b.id),
            now(),
        )
        db.session.commit()
        tree.problem_b_id = problem.case_id
        tree.visit_b_id = visit.id
        tree.checkpoint_b_id = checkpoint.id
        tree.handover_b_id = handover.id
        tree.enterprise_a_id = enterprise_a.id
        tree.enterprise_b_id = enterprise_b.id
        tree.department_a_id = department_a.id
        tree.department_b_id = department_b.id
        tree.filing_b_id = filing.id
        tree.employee_b_id = employee.id
        tree.accounts = {
            "enterprise": SimpleNamespace(phone="13900000011"),
            "reviewer": SimpleNamespace(phone="13900000012"),
        }


def _call(client, method: str, url: str):
    return client.open(url, method=method, data={})


def test_every_route_is_classified():
    """A new route must be declared public, admin-only, manager-only or for every worker."""
    endpoints = {rule.values[0].endpoint for rule in RULES}
    known = PUBLIC | ADMIN_ONLY | MANAGER_ONLY | FIELD_WORK | SIGNED_IN
    assert endpoints <= known, f"classify {endpoints - known} in tests/test_scope.py"


@pytest.mark.parametrize("rule, method", RULES)
def test_anonymous_is_sent_to_sign_in(rule, method, tree, client):
    """Anonymous users are redirected to /login everywhere except on the public routes."""
    response = _call(client, method, url_for_other_grid(rule, tree))
    if rule.endpoint in PUBLIC:
        assert response.status_code != 302 or "/login" not in response.headers.get("Location", "")
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("rule, method", RULES)
def test_supervisor_of_a_gets_404_for_objects_of_b(rule, method, tree, login_as):
    """A supervisor of grid A (who passes every role check but the admin's) gets 404 for B."""
    if rule.endpoint in PUBLIC or not rule.arguments - {"code"}:
        pytest.skip("no object in the URL")
    client = login_as(tree.supervisor_a)
    response = _call(client, method, url_for_other_grid(rule, tree))
    expected = 403 if rule.endpoint in ADMIN_ONLY else 404
    assert response.status_code == expected


@pytest.mark.parametrize("rule, method", RULES)
def test_worker_of_a_never_reaches_b_or_admin_pages(rule, method, tree, login_as):
    """A field worker of grid A gets 404 for B's objects and 403 for admin and manager pages."""
    if rule.endpoint in PUBLIC or rule.endpoint == "auth.logout":
        pytest.skip("public or harmless")
    client = login_as(tree.worker_a)
    response = _call(client, method, url_for_other_grid(rule, tree))
    if rule.endpoint in ADMIN_ONLY | MANAGER_ONLY:
        assert response.status_code == 403
    elif rule.arguments:
        assert response.status_code == 404
    else:
        # Reached: a page, a redirect, or a form asking for what was left out.
        assert response.status_code in (200, 302, 303, 422)


@pytest.mark.parametrize("role", BOUND_ROLES)
@pytest.mark.parametrize("rule, method", RULES)
def test_roles_outside_the_tree_reach_only_their_own(role, rule, method, app, tree, login_as):
    """An enterprise account of A's enterprise and a reviewer of A's department: every route
    they lack the capability for is 403 (the whole tree), every other one 404 for B's objects
    (B's enterprise, B's department), and a route without an object answers."""
    if rule.endpoint in PUBLIC or rule.endpoint == "auth.logout":
        pytest.skip("public or harmless")
    client = login_as(tree.accounts[role])
    response = _call(client, method, url_for_other_grid(rule, tree))
    capability = required_capability(app.view_functions[rule.endpoint])
    if not role_can(role, capability):
        assert response.status_code == 403
    elif rule.arguments:
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 302, 303, 422)


def test_the_enterprise_account_opens_its_own_enterprise_only(tree, login_as):
    """Its own enterprise: 200; B's: 404; / leads to its own page."""
    client = login_as(tree.accounts["enterprise"])
    assert client.get(f"/enterprises/{tree.enterprise_a_id}").status_code == 200
    assert client.get(f"/enterprises/{tree.enterprise_b_id}").status_code == 404
    assert client.get("/").headers["Location"].endswith(f"/enterprises/{tree.enterprise_a_id}")


def test_the_reviewer_opens_its_own_department_only(tree, login_as):
    """Its department and its enterprises: 200; B's department and enterprise: 404."""
    client = login_as(tree.accounts["reviewer"])
    assert client.get(f"/departments/{tree.department_a_id}").status_code == 200
    assert client.get(f"/enterprises/{tree.enterprise_a_id}").status_code == 200
    assert client.get(f"/departments/{tree.department_b_id}").status_code == 404
    assert client.get(f"/enterprises/{tree.enterprise_b_id}").status_code == 404
    assert client.get("/").headers["Location"].endswith(f"/departments/{tree.department_a_id}")


def test_worker_sees_only_own_branch_in_lists(tree, login_as):
    """The supervisor's worker list holds grid A's workers, not grid B's."""
    client = login_as(tree.supervisor_a)
    page = client.get("/workers/").get_data(as_text=True)
    assert tree.worker_a.name in page
    assert tree.worker_b.name not in page
    assert tree.admin.name not in page


def test_supervisor_cannot_place_a_worker_outside_the_subtree(tree, login_as):
    """A grid code of another branch is unknown to a supervisor: a message, nothing saved."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        "/workers/new",
        data={
            "name": "新人",
            "phone": "13700000009",
            "password": "long-enough",
            "role": "worker",
            "area": "MB",
            "employment": "part_time",
        },
    )
    assert response.status_code == 422
    assert "MB" in response.get_data(as_text=True)
    assert "共 0 名" in client.get("/workers/?q=13700000009").get_data(as_text=True)


def test_supervisor_cannot_make_an_admin(tree, login_as):
    """Only admins make admins."""
    client = login_as(tree.supervisor_a)
    response = client.post(
        "/workers/new",
        data={
            "name": "新人",
            "phone": "13700000009",
            "password": "long-enough",
            "role": "admin",
            "area": "GA",
            "employment": "part_time",
        },
    )
    assert response.status_code == 422


def test_every_view_declares_a_capability_or_is_public(app):
    """Every view is public or names the capability it needs (the guard refuses the others)."""
    from webapp.permissions import required_capability

    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static"
        and not getattr(view, "is_public", False)
        and required_capability(view) is None
    ]
    assert not undeclared


def test_route_classes_follow_the_capability_table(app):
    """Admin-only routes need what a supervisor lacks, manager-only ones what a field worker
        lacks, field work what every role of the tree has (enterprise accounts and department
    reviewers stand outside it): the lists above and the table agree."""
    from webapp.permissions import ROLE_CAPABILITIES

    for endpoint, view in app.view_functions.items():
        capability = required_capability(view)
        if endpoint in ADMIN_ONLY:
            assert role_can("admin", capability) and not role_can("supervisor", capability)
        elif endpoint in MANAGER_ONLY:
            assert role_can("supervisor", capability) and not role_can("worker", capability)
        elif endpoint in FIELD_WORK:
            assert all(role_can(role, capability) for role in TREE_ROLES), endpoint
        elif endpoint in SIGNED_IN:
            assert all(role_can(role, capability) for role in ROLE_CAPABILITIES), endpoint


def test_a_view_that_declares_nothing_is_refused(db_url, tree):
    """Forgetting the declaration closes a view rather than opening it."""
    from .conftest import PASSWORD, make_app

    app = make_app(db_url)
    app.add_url_rule("/undeclared", "undeclared", lambda: "open to all")
    client = app.test_client()
    client.post("/login", data={"phone": tree.admin.phone, "password": PASSWORD})
    assert client.get("/undeclared").status_code == 403
