"""Notices for the demo: what the office and the micro-grid leaders have posted lately, so that
the stairwell pages and the today lists have something true to show. Each township's and
community's supervisor posts one or two; one micro-grid leader in ten posts one to their own
micro-grid; some have run out and a few were withdrawn, as happens."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from ..clock import day_start
from ..extensions import db
from ..models import Grid, Notice, Worker
from . import bulk

ABOVE = (
    (
        "核酸检测通知",
        "本周六上午8点至11点在社区服务中心门口做核酸检测，请带好身份证，排队时保持一米间距。"
        "行动不便的老人请告诉微网格长，我们上门采样。",
    ),
    (
        "返乡人员请主动报备",
        "近期从外地返回的居民，请在到达当天告诉微网格长或扫楼道二维码报备，配合做好健康监测。",
    ),
    (
        "疫苗接种预约",
        "第二剂疫苗接种开始预约，18周岁以上居民可通过微网格长登记，社区统一安排时间。",
    ),
    (
        "防范电信诈骗",
        "近期冒充防疫人员索要验证码的诈骗电话增多，网格员不会向您索要验证码和银行卡号，"
        "请提高警惕。",
    ),
)
OWN = (
    ("楼道消杀", "明天上午9点楼道消杀，请关好门窗，消杀后半小时内不要在楼道停留。"),
    ("停水通知", "因管道维修，明天8点至12点停水，请提前储水。"),
    ("清理楼道杂物", "本周内请把楼道里的杂物搬回家，周日物业统一清理，保持消防通道畅通。"),
    ("代购登记", "居家观察的住户需要买菜买药的，请在群里或扫码登记，网格员每天下午统一代购。"),
)


def load_notices(now: datetime, rng: random.Random, echo: Callable[[str], None]) -> None:
    """Post the demo's notices, as the rules would have (webapp/notices/rules.py)."""
    supervisors = db.session.execute(
        select(Worker.id, Worker.scope_id)
        .join(Grid, Grid.id == Worker.scope_id)
        .where(Worker.role == "supervisor", Worker.active, Grid.level.in_((1, 2)))
    ).all()
    leaders = [
        (worker_id, scope_id)
        for worker_id, scope_id, positions in db.session.execute(
            select(Worker.id, Worker.scope_id, Worker.positions)
            .join(Grid, Grid.id == Worker.scope_id)
            .where(Worker.role == "worker", Worker.active, Grid.level == 4)
        )
        if "micro_leader" in (positions or [])
    ]
    posted = [(who, where, ABOVE) for who, where in supervisors for _ in range(rng.randint(1, 2))]
    posted += [(who, where, OWN) for who, where in leaders if rng.random() < 0.1]
    rows = []
    for who, where, texts in posted:
        title, text = rng.choice(texts)
        at = now - timedelta(days=rng.randint(0, 12), minutes=rng.randint(0, 600))
        last_day = at.date() + timedelta(days=rng.choice((3, 7, 14)))
        withdrawn = rng.random() < 0.05
        rows.append(
            {
                "grid_id": where,
                "title": title,
                "text": text,
                "created_at": at,
                "created_by_id": who,
                "expires_at": day_start(last_day + timedelta(days=1)),
                "withdrawn_at": at + timedelta(hours=2) if withdrawn else None,
                "withdrawn_by_id": who if withdrawn else None,
                "client_key": None,
            }
        )
    rows.sort(key=lambda row: row["created_at"])
    bulk.insert(Notice, rows)
    echo(f"notices: {len(rows)}")
