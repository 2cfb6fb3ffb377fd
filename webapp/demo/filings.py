"""Return filings for the demo: some of the demo enterprises have filed their returning staff
over the last three weeks, and each filing stands where such lists stand after a while:
waiting for the department, waiting for the communities, approved with green passes, refused
by the department or by a community, a few revoked. Written through the filings' own rules
(webapp/filings/rules.py), so the decisions, the passes and the audit trail are what the app
writes. Reads the enterprises from the database: with none (the registry not loaded), nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..filings import rules
from ..identity import id_check_char
from ..models import MICRO_LEVEL, TRAVEL_MEANS, Enterprise, Grid, Worker
from ..models.grid import SEGMENT
from . import words

# One enterprise in this many files a list (at least a few on the small demo).
ONE_IN, AT_LEAST = 3, 12
DAYS = 21
# Where a filing stands, by the share of filings.
STAGE_MIX = (
    ("department", 0.20),
    ("community", 0.38),
    ("approved", 0.80),
    ("refused", 0.90),
    ("revoked", 1.0),
)
ORIGINS = (
    "湖北省武汉市",
    "安徽省阜阳市",
    "江西省上饶市",
    "河南省信阳市",
    "四川省广安市",
    "贵州省毕节市",
    "云南省昭通市",
    "湖南省邵阳市",
)
REFUSALS = ("目的地住址核实不到", "近14天有中高风险地区旅居史", "企业尚未复工")
REVOCATIONS = ("企业停工整改", "名单信息有误，重新报备")


def _pick(rng: random.Random, mix: tuple[tuple[str, float], ...]) -> str:
    draw = rng.random()
    return next(value for value, upto in mix if draw < upto)


def _person(rng: random.Random) -> tuple[str, str, str]:
    male = rng.random() < 0.6
    year = rng.randint(1968, 2003)
    given = words.MALE_YOUNG if male else words.FEMALE_YOUNG
    name = rng.choice(words.SURNAMES[:60]) + "".join(rng.choices(given, k=rng.choice((1, 2))))
    born = datetime(year, 1, 1) + timedelta(days=rng.randint(0, 364))
    sequence = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{rng.choice(words.MIGRANT_REGIONS)}{born:%Y%m%d}{sequence:03d}"
    phone = f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
    return name, first17 + id_check_char(first17), phone


def load_filings(now: datetime, rng: random.Random, echo: Callable[[str], None] = print) -> int:
    """The demo's filings; how many (0 without enterprises)."""
    enterprises = list(
        db.session.scalars(select(Enterprise).where(Enterprise.active).order_by(Enterprise.id))
    )
    if not enterprises:
        return 0
    micro = list(
        db.session.scalars(
            select(Grid).where(Grid.level == MICRO_LEVEL, Grid.active).order_by(Grid.id)
        )
    )
    supervisors = {
        w.scope_id: w
        for w in db.session.scalars(
            select(Worker).where(Worker.role == "supervisor", Worker.active).order_by(Worker.id)
        )
    }
    reviewers = {
        w.department_id: w
        for w in db.session.scalars(
            select(Worker).where(Worker.role == "reviewer", Worker.active).order_by(Worker.id)
        )
    }
    admin = db.session.scalar(select(Worker).where(Worker.role == "admin").order_by(Worker.id))
    accounts = {
        w.enterprise_id: w
        for w in db.session.scalars(select(Worker).where(Worker.enterprise_id.is_not(None)))
    }
    count = max(AT_LEAST, len(enterprises) // ONE_IN)
    chosen = rng.sample(enterprises, min(count, len(enterprises)))
    made = 0
    for number, enterprise in enumerate(chosen):
        at = now - timedelta(days=rng.randint(0, DAYS), hours=rng.randint(0, 8))
        # Most move to a micro-grid near the enterprise (its own community), some anywhere.
        near = [g for g in micro if g.path.startswith(enterprise.grid.path[: 3 * SEGMENT])] or micro
        employees = []
        for _ in range(rng.randint(2, 8)):
            name, id_number, phone = _person(rng)
            destination = rng.choice(near if rng.random() < 0.8 else micro)
            employees.append(
                rules.Employee(
                    name=name,
                    id_number=id_number,
                    phone=phone,
                    origin=rng.choice(ORIGINS),
                    arrival_date=(at + timedelta(days=rng.randint(1, 10))).date(),
                    means=rng.choice(list(TRAVEL_MEANS)),
                    stay_address=f"{destination.name}{rng.randint(1, 6)}0{rng.randint(1, 4)}室",
                    destination=destination,
                )
            )
        filer = accounts.get(enterprise.id) or enterprise.liaison or admin
        filing = rules.file(
            enterprise, filer.id, employees, at, source=rng.choice(("form", "import"))
        )
        # Every stage at least once, however few the enterprises; then by the mix.
        stage = STAGE_MIX[number][0] if number < len(STAGE_MIX) else _pick(rng, STAGE_MIX)
        reviewer = reviewers.get(enterprise.department_id) or admin
        decided = at + timedelta(hours=rng.randint(2, 30))

        def community(employee, approve: bool = True, when: datetime = decided) -> None:
            by = next(
                (supervisors[i] for i in reversed(employee.grid.ancestor_ids) if i in supervisors),
                admin,
            )
            reason = None if approve else rng.choice(REFUSALS)
            rules.decide_arrival(employee, by.id, approve, reason, min(when, now))

        if stage == "department":
            if rng.random() < 0.5:
                community(filing.employees[0])
        elif stage == "refused" and rng.random() < 0.5:
            rules.decide_department(
                filing, reviewer.id, False, rng.choice(REFUSALS), min(decided, now)
            )
        else:
            rules.decide_department(filing, reviewer.id, True, None, min(decided, now))
            for n, employee in enumerate(filing.employees):
                if stage == "community" and n % 2:
                    continue
                refused = stage == "refused" and n == 0
                community(employee, not refused, decided + timedelta(hours=n))
            if stage == "revoked":
                later = min(decided + timedelta(days=rng.randint(1, 3)), now)
                rules.revoke(filing, reviewer.id, rng.choice(REVOCATIONS), later)
        db.session.flush()
        made += 1
    db.session.commit()
    echo(f"  {made} return filings")
    return made
