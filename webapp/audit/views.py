"""The audit trail's pages: the entries a reader may see, filtered, and their CSV export."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import scope
from ..extensions import db
from ..forms import parse_day
from ..htmx import render
from ..identity import mask_phone
from ..models import ACTIONS
from ..permissions import Can, requires
from . import bp, trail
from .queries import Filters, entries, sees_all

EXPORT_AT_MOST = 100_000


def _filters() -> Filters:
    """The page's filters from the query string; a word for what is wrong, never a 500."""
    args = request.args
    filters = Filters(actor=(args.get("actor") or "").strip()[:40])
    action = args.get("action") or ""
    filters.action = action if action in ACTIONS else ""
    code = (args.get("node") or "").strip()
    if code:
        filters.node = scope.grid_by_code(code)
        if filters.node is None:
            filters.errors.append(_("No node with the code %(code)s in your area.", code=code[:16]))
    for name in ("from", "to"):
        typed = (args.get(name) or "").strip()
        day = parse_day(typed) if typed else None
        if typed and day is None:
            filters.errors.append(_("“%(typed)s” is not a date.", typed=typed[:20]))
        setattr(filters, "first" if name == "from" else "last", day)
    return filters


def _query() -> dict[str, str]:
    """The filters as typed, for the links of the pager and of the export."""
    kept = ("actor", "action", "node", "from", "to")
    return {k: v[:40] for k, v in request.args.items() if k in kept}


@bp.get("/")
@requires(Can.READ_AUDIT)
def index():
    """Who did what sensitive thing, newest first (an admin all of it, a supervisor their
    subtree's)."""
    filters = _filters()
    page = db.paginate(
        entries(filters, sees_all(current_user)),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    response = render(
        "audit/index.html",
        "audit/_list.html",
        filters=filters,
        page=page,
        actions=ACTIONS,
        query=_query(),
        status=422 if filters.errors else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.csv")
@requires(Can.READ_AUDIT)
def export():
    """The filtered entries as CSV (UTF-8 with BOM, so that Excel reads the Chinese)."""
    filters = _filters()
    rows = db.session.scalars(entries(filters, sees_all(current_user)).limit(EXPORT_AT_MOST))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Time"),
            _("Who"),
            _("Phone"),
            _("Address"),
            _("Action"),
            _("Object"),
            _("Area"),
            _("Details"),
        ]
    )
    for entry in rows:
        writer.writerow(
            [
                entry.at.isoformat(sep=" "),
                entry.actor.name if entry.actor else "",
                mask_phone(entry.actor.phone) if entry.actor else "",
                entry.address or "",
                entry.action_label,
                entry.object_label,
                entry.grid.name if entry.grid else "",
                json.dumps(entry.details, ensure_ascii=False) if entry.details else "",
            ]
        )
    trail.record("audit_exported", current_user.id, None, current_user.scope_id, **_query())
    db.session.commit()
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=audit.csv"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.cli.command("prune")
def prune() -> None:
    """Remove the audit entries older than AUDIT_RETENTION_DAYS."""
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    removed = trail.prune(days)
    print(f"Removed {removed} audit entries older than {days} days.")
