"""/p/<code>: the public answer to a green pass's QR code, a printed contract.

Anyone sees the state (valid, not yet valid, expired, revoked), the masked name, the
enterprise and the validity window; nothing else (no destination, no ID number, no phone). An
unknown code gets one page, the same for every code. Signed-in checkpoint staff also get the
let-through button; whoever may revoke or print the pass gets that too.
"""

from __future__ import annotations

from flask_login import current_user

from .. import codes
from ..auth.guard import public
from ..cards.queries import names_of_grids
from ..clock import now
from ..htmx import render
from ..identity import mask_id_number, mask_name
from ..models import Grid
from . import bp, queries, rules
from .forms import RevokeForm, ThroughForm


def destination_name(grid: Grid) -> str:
    """'湖海塘社区 1幢1单元': the community and the micro-grid, as staff tell the arrival."""
    ids = grid.ancestor_ids
    community = names_of_grids({ids[2]}).get(ids[2]) if len(ids) > 3 else None
    return f"{community} {grid.name}" if community else grid.name


def staff_context(green_pass, state: str, through_form=None, done: str | None = None) -> dict:
    """What the signed-in checkpoint staff see below the public facts."""
    stations = queries.stations(current_user.id, now()) if queries.may_let_through() else []
    employee = green_pass.employee
    return {
        "green_pass": green_pass,
        "stations": stations,
        "through_form": through_form or ThroughForm(formdata=None),
        "done": done,
        "refusal": rules.refusal(state) if state != rules.VALID else None,
        "masked_id": mask_id_number(employee.id_number),
        "destination": destination_name(employee.grid),
        "arrived_at": employee.arrived_at,
        "show_facts": True,
    }


def page(text: str, revoke_form=None, through_form=None, status: int = 200):
    """The pass's page for whoever asks; the signed-in parts by what they may do."""
    answer = queries.public_check(text, now().date())
    context: dict = {"state": answer.state, "shown": answer.shown, "signed_in": False}
    green_pass = answer.record
    if green_pass is not None:
        context.update(
            name=mask_name(green_pass.employee.name),
            enterprise=queries.enterprise_of(green_pass).name,
            valid_from=green_pass.valid_from,
            valid_until=green_pass.valid_until,
        )
        if current_user.is_authenticated:
            context.update(staff_context(green_pass, answer.state, through_form))
            revoker = queries.may_revoke(green_pass)
            printer = queries.may_print(green_pass)
            context.update(
                signed_in=True,
                # Where the employee goes and the masked ID number: for the staff who check
                # them and the offices that answer for the pass, not for any signed-in user.
                show_facts=bool(context["stations"]) or revoker or printer,
                may_revoke=answer.state != rules.REVOKED and revoker,
                may_print=answer.state in (rules.VALID, rules.NOT_YET) and printer,
                revoke_form=revoke_form or RevokeForm(formdata=None),
                # Typed by the office, for the office: whoever may revoke the pass.
                revoke_reason=green_pass.revoke_reason if revoker else None,
            )
    response = render("passes/show.html", status=status, **context)
    # A revocation must show at once: no cache may keep the page; nor should search engines.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/p/<pass_code>")
@codes.rate_limited
@public
def show(pass_code: str):
    """The public check of a green pass: big state word and colour, readable at arm's length."""
    return page(pass_code)
