"""The demo's enterprises: the industry departments, a few hundred enterprises on the zone (a
few dozen on the small demo), most of them in micro-grids of kind enterprise, each with a
liaison officer (驻企指导员) who visited it a few times this month; an enterprise account and a
department reviewer among the demo sign-ins.

The departments, the enterprises and the two accounts are written through the app's rules
(webapp/enterprises/rules.py, and through them the workers' rules), so the demo holds what the
app would have written, audit trail included; the visits, the only bulk, are one insert.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from ..enterprises import rules
from ..extensions import db
from ..identity import uscc_check_char
from ..models import EnterpriseVisit, Grid, IndustryDepartment, Worker
from .people import DEMO_PHONES, PASSWORD

DEPARTMENTS = (
    "工信局",
    "商务局",
    "住建局",
    "交通运输局",
    "农业农村局",
    "市场监管局",
    "文广旅体局",
    "卫生健康局",
)
# Which department oversees a trade, and the trade's words in a firm's name.
TRADES = (
    ("工信局", ("精工机械", "新材料", "电子科技", "五金制品", "汽车配件", "塑业", "包装")),
    ("商务局", ("商贸", "进出口", "电子商务", "超市")),
    ("住建局", ("建筑工程", "建材", "装饰工程")),
    ("交通运输局", ("物流", "货运", "快递")),
    ("农业农村局", ("农业开发", "生态农场", "茶业")),
    ("市场监管局", ("食品", "餐饮管理")),
    ("文广旅体局", ("文化传媒", "旅游开发")),
    ("卫生健康局", ("医药", "医疗器械")),
)
PLACES = ("金华", "婺城", "金东", "江南", "湖海塘", "八一", "双龙", "东关", "秋滨", "三江")
FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "实业有限公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑"
TITLES = ("经理", "主任", "厂长", "总监")
# How many enterprises, and the share of those beyond one per micro-grid of kind enterprise
# that are placed in such micro-grids too (the rest: a community's or a village's streets).
ZONE_ENTERPRISES, SMALL_ENTERPRISES = 320, 36
IN_ENTERPRISE_GRIDS = 0.5
VISITS_PER_MONTH = (0, 1, 1, 2, 2, 3, 4)
VISIT_METHODS = (("in_person", 0.7), ("phone", 0.85), ("wechat", 0.95), ("meeting", 1.0))
NOTES = (
    "了解复工复产准备情况",
    "检查防疫物资储备",
    "宣传返岗员工报备流程",
    "企业反映员工宿舍紧张，已记录",
    "核对返岗员工名单",
    "指导做好员工体温登记",
    None,
    None,
)
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def load_enterprises(now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
    admin = db.session.scalar(select(Worker).where(Worker.phone == DEMO_PHONES[0]))
    departments = {name: rules.add_department(name, admin.id) for name in DEPARTMENTS}
    micro = db.session.scalars(select(Grid).where(Grid.level == 4, Grid.active)).all()
    kind_enterprise = [g for g in micro if g.kind == "enterprise"]
    elsewhere = db.session.scalars(select(Grid).where(Grid.level.in_((2, 3)), Grid.active)).all()
    # The workers of the tree by their area: a liaison officer works where the enterprise is
    # (its micro-grid first, else the grid or community above it).
    by_area: dict[int, list[int]] = {}
    for worker_id, scope_id in db.session.execute(
        select(Worker.id, Worker.scope_id).where(Worker.role == "worker", Worker.active)
    ):
        by_area.setdefault(scope_id, []).append(worker_id)
    total = ZONE_ENTERPRISES if len(micro) > 500 else SMALL_ENTERPRISES
    # Two shops of the demo worker's own micro-grid, with the demo worker as their liaison
    # officer, so that their today list shows 我联系的企业; then the firm each micro-grid of kind
    # enterprise is (named as it), then more firms in those micro-grids (an industrial park's
    # tenants) or in a community's or village's streets.
    demo_worker = db.session.scalar(select(Worker).where(Worker.phone == DEMO_PHONES[3]))
    placed: list[tuple[Grid, str | None]] = [(demo_worker.scope, None), (demo_worker.scope, None)]
    placed += [(grid, grid.name) for grid in kind_enterprise[: total - len(placed)]]
    while len(placed) < total:
        inside = kind_enterprise and rng.random() < IN_ENTERPRISE_GRIDS
        placed.append((rng.choice(kind_enterprise) if inside else rng.choice(elsewhere), None))
    codes: set[str] = set()
    names = {name for _grid, name in placed if name}
    made = []
    for n, (grid, name) in enumerate(placed):
        if name is not None:
            department_name = _department_of(name)
        else:
            department_name, trades = TRADES[0] if n == 0 else rng.choice(TRADES)
            name = _name(rng, trades, names)
        liaison_id = demo_worker.id if n < 2 else _liaison(grid, by_area, rng)
        details = rules.Details(
            name=name,
            uscc=_code(rng, codes),
            address=f"{rng.choice(PLACES)}路{rng.randint(1, 999)}号",
            grid=grid,
            department=departments[department_name],
            contact_name=rng.choice(SURNAMES) + rng.choice(TITLES),
            contact_phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            employee_count=rng.choice((8, 15, 30, 60, 120, 260, 600)),
            liaison=db.session.get(Worker, liaison_id) if liaison_id else None,
        )
        made.append(rules.register(details, f"demo-enterprise-{n}", admin.id))
    db.session.flush()
    _visits(made, now, rng)
    _accounts(made[0], departments["工信局"], admin)
    db.session.commit()
    echo(f"  {len(made)} enterprises in {len(DEPARTMENTS)} departments")


# The department of a firm named by the tree (webapp/demo/words.py ENTERPRISE_TRADES).
TRADE_DEPARTMENTS = {"食品": "市场监管局", "医药": "卫生健康局", "建材": "住建局"}


def _department_of(name: str) -> str:
    return next((d for trade, d in TRADE_DEPARTMENTS.items() if trade in name), "工信局")


def _name(rng: random.Random, trades: tuple[str, ...], taken: set[str]) -> str:
    """A firm's name ("金华精工机械有限公司"), none twice."""
    for _ in range(20):
        shop = rng.choice("鑫恒达宏盛泰隆华") if rng.random() < 0.5 else ""
        name = f"{rng.choice(PLACES)}{shop}{rng.choice(trades)}{rng.choice(FORMS)}"
        if name not in taken:
            break
    else:
        name = f"{name[:-4]}{len(taken)}{name[-4:]}"
    taken.add(name)
    return name


def _code(rng: random.Random, taken: set[str]) -> str:
    """A unified social credit code of the zone's region with its right check character."""
    while True:
        first17 = "91330701" + "".join(rng.choice(_ALPHABET) for _ in range(9))
        code = first17 + uscc_check_char(first17)
        if code not in taken:
            taken.add(code)
            return code


def _liaison(grid: Grid, by_area: dict[int, list[int]], rng: random.Random) -> int | None:
    for area in reversed(grid.ancestor_ids):
        if workers := by_area.get(area):
            return rng.choice(workers)
    return None


def _visits(enterprises, now: datetime, rng: random.Random) -> None:
    """A month of liaison visits, in working hours, by each enterprise's liaison officer."""
    rows = []
    for enterprise in enterprises:
        if enterprise.liaison_id is None:
            continue
        for _ in range(rng.choice(VISITS_PER_MONTH)):
            day = now - timedelta(days=rng.randint(1, 29))
            at = day.replace(hour=rng.randint(9, 16), minute=rng.randint(0, 59), second=0)
            draw = rng.random()
            method = next(m for m, share in VISIT_METHODS if draw < share)
            rows.append(
                {
                    "enterprise_id": enterprise.id,
                    "worker_id": enterprise.liaison_id,
                    "visited_at": at,
                    "recorded_at": at,
                    "method": method,
                    "note": rng.choice(NOTES),
                    "client_key": f"demo-ev-{len(rows)}",
                }
            )
    if rows:
        db.session.execute(insert(EnterpriseVisit.__table__), rows)


def _accounts(enterprise, department: IndustryDepartment, admin: Worker) -> None:
    """The enterprise account (13900000005) and the 工信局 reviewer (13900000006). Opened
    through the rules with a first password they would refuse to keep; then, like every demo
    sign-in, given the demo password and no demand to change it."""
    enterprise_account = rules.Account("企业联络人", DEMO_PHONES[4], secrets.token_urlsafe(12))
    reviewer = rules.Account("工信局审核员", DEMO_PHONES[5], secrets.token_urlsafe(12))
    for worker in (
        rules.open_enterprise_account(enterprise, enterprise_account, admin),
        rules.open_reviewer_account(department, reviewer, admin),
    ):
        worker.set_password(PASSWORD)
        worker.must_change_password = False
