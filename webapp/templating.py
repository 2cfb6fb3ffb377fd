"""What every template can use: masking filters, the domain's labels, the capability names."""

from __future__ import annotations

from flask import Flask

from . import jobs, places
from .catalogs import select_locale
from .clock import today
from .idempotency import form_key
from .identity import mask_id_number, mask_name, mask_phone
from .models import SLOTS, STATUSES, VISIT_METHODS
from .permissions import Can
from .undo import undoable


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        Can=Can,
        languages=app.config["LANGUAGES"],
        statuses=STATUSES,
        visit_methods=VISIT_METHODS,
        slot_labels=SLOTS,
        current_language=select_locale,
        form_key=form_key,
        job_titles=jobs.TITLES,
        address_below=places.address_below,
        today=today,
        undoable=undoable,
    )
    app.jinja_env.filters.update(mask_id=mask_id_number, mask_phone=mask_phone, mask_name=mask_name)
