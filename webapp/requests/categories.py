"""What a resident can send, and how long each category may wait (REQUEST_LIMIT_HOURS)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..cases.kinds import CaseKind, Limits
from ..cases.kinds import register as register_kind

KIND = "request"
CATEGORIES = {
    "need": _l("Help or an errand"),
    "complaint": _l("Complaint or suggestion"),
    "dispute": _l("Dispute"),
    "epidemic": _l("Epidemic lead"),
}
HINTS = {
    "need": _l("Something you need, or something to be done on your behalf."),
    "complaint": _l("Something that is wrong, or could be better."),
    "dispute": _l("A quarrel between neighbours or in a family."),
    "epidemic": _l("E.g. a family came back from a risk area."),
}
OUTCOMES = {
    "settled": _l("Settled"),
    "partial": _l("Partly agreed"),
    "failed": _l("Not agreed"),
}


def limits(category: str) -> Limits:
    accept, resolve = current_app.config["REQUEST_LIMIT_HOURS"][category]
    return Limits(round(accept * 60), round(resolve * 60))


def register() -> None:
    register_kind(
        CaseKind(
            KIND,
            lambda case_: limits(case_.category),
            lambda: current_app.config["REQUEST_AUTO_CLOSE_DAYS"],
        )
    )
