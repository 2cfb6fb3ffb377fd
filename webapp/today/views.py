"""Today (今日任务): the worker's home screen, and the supervisor's view of their subtree."""

from __future__ import annotations

from datetime import timedelta

from flask_login import current_user

from ..clock import day_start, now, today
from ..grids.queries import children_of
from ..htmx import render
from ..observations.queries import open_slots
from ..permissions import Can, requires
from . import bp
from .queries import (
    due_by_child,
    fever_alerts,
    flagged_visits,
    households_due,
    open_errands,
    raised_today,
)


@bp.get("/")
@requires(Can.FIELD_WORK)
def index():
    """Follow-ups due and overdue, errands, visits due by colour, colours raised today."""
    at, day = now(), today()
    tasks = open_slots(day, at)
    due_total, due = households_due(at)
    context = {
        "tasks": tasks[:50],
        "tasks_total": len(tasks),
        "overdue_total": sum(1 for t in tasks if t.state == "overdue"),
        "errands": open_errands(),
        "due": due,
        "due_total": due_total,
        "raised": raised_today(day_start(day)),
        "alerts": fever_alerts(day),
    }
    if current_user.can(Can.SUPERVISE):
        node = current_user.scope
        per_child = due_by_child(node, at)
        overdue_by_child: dict[str, int] = {}
        prefix_length = node.child_prefix_length()
        for task in tasks:
            if task.state == "overdue":
                prefix = task.observation.household.grid.path[:prefix_length]
                overdue_by_child[prefix] = overdue_by_child.get(prefix, 0) + 1
        context["children"] = [
            (child, per_child.get(child.path, {}), overdue_by_child.get(child.path, 0))
            for child in children_of(node)
        ]
        context["flagged"] = flagged_visits(day_start(day) - timedelta(days=7))
    return render("today/index.html", **context)
