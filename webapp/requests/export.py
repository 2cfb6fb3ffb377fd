"""The supervisors' request list as a file (CSV or XLSX), through the exports' writer: the
requester's phone masked unless the exporter may reveal numbers and asks for them in full."""

from __future__ import annotations

from io import BytesIO

from flask import abort, request, send_file
from flask_login import current_user

from ..audit import trail
from ..cases import clock
from ..cases.states import STATES
from ..cases.work import filters_from_query as _filters
from ..clock import now
from ..converters import file_name
from ..exports.files import write_sheet
from ..extensions import db
from ..models import Grid
from ..permissions import Can, requires
from ..sheets import Column
from . import bp
from .categories import CATEGORIES
from .queries import grids_by_id, listing

MOST_ROWS = 20_000
WORD = "居民诉求"
COLUMNS = (
    Column("code", "查询码", "Tracking code"),
    Column("created", "提交时间", "Sent"),
    Column("category", "类别", "Category", choices=CATEGORIES),
    Column("state", "状态", "State", choices=STATES),
    Column("grid_code", "微网格编码", "Micro-grid code"),
    Column("grid", "微网格", "Micro-grid"),
    Column("holder", "当前承办", "Held by"),
    Column("overdue", "超时", "Overdue"),
    Column("text", "内容", "Request"),
    Column("address", "地址", "Address"),
    Column("name", "联系人", "Name"),
    Column("phone", "联系电话", "Phone"),
    Column("rating", "评价", "Rating"),
)


@bp.get("/requests/export")
@requires(Can.EXPORT)
def export():
    """The list as filtered (?fmt=csv or xlsx), at most MOST_ROWS rows; on the audit trail."""
    fmt = request.args.get("fmt", "xlsx")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    full = request.args.get("full") == "1" and current_user.can(Can.REVEAL_IDENTITY)
    at = now()
    rows = db.session.execute(listing(_filters(), at).limit(MOST_ROWS)).all()
    positions = {case.id: clock.position(case, at) for case, _sent in rows}
    holders = grids_by_id(p.holder_id for p in positions.values())
    from ..cases.states import RATINGS

    values = [
        (
            case.code,
            case.created_at.strftime("%Y-%m-%d %H:%M"),
            case.category,
            case.state,
            case.grid.code,
            case.grid.name,
            holders[positions[case.id].holder_id].name,
            "是" if positions[case.id].overdue else None,
            case.text,
            sent.address,
            sent.name,
            sent.phone,
            str(RATINGS[case.rating]) if case.rating else None,
        )
        for case, sent in rows
    ]
    scope_node = db.session.get(Grid, current_user.scope_id)
    trail.record(
        "full_file_downloaded" if full else "export",
        current_user.id,
        None,
        scope_node.id,
        kind="requests",
        format=fmt,
        rows=len(values),
        full=full,
    )
    db.session.commit()
    out = BytesIO()
    write_sheet(COLUMNS, WORD, fmt, full, values, out)
    out.seek(0)
    mimetype = (
        "text/csv"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = file_name(f"{WORD}-{scope_node.name}-{at.date().isoformat()}.{fmt}")
    response = send_file(out, mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
