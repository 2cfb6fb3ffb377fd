from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired

from ..forms import Form, choices, text_field
from ..idempotency import key_field
from ..models import STATUSES


class StatusForm(Form):
    key = key_field()
    status = RadioField(
        _l("Colour"),
        choices=choices(STATUSES),
        validators=[InputRequired(_l("Choose a colour."))],
    )
    reason = text_field(_l("Reason"), 200, _l("Give a reason for the change."))
    # The household version the worker saw: a change made in between is shown, not overwritten.
    version = HiddenField()
    # Which page the change was made from: its answer is shaped for it (households/answers.py).
    page = HiddenField()
