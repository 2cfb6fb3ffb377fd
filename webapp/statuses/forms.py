from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired

from ..forms import Form, choices, text_field
from ..idempotency import key_field
from ..models import STATUSES

REASON_NEEDED = _l("Give a reason for the change.")


class StatusForm(Form):
    key = key_field()
    status = RadioField(
        _l("Colour"),
        choices=choices(STATUSES),
        validators=[InputRequired(_l("Choose a colour."))],
    )
    # A reason chip (config COLOUR_REASONS) is a submit button that says its colour and its
    # reason ("yellow:外地返回"): one tap saves both, whatever radio is checked. Without one,
    # the reason is the one typed.
    chip = text_field(_l("Reason"), 220)
    reason = text_field(_l("Reason"), 200)
    # The household version the worker saw: a change made in between is shown, not overwritten.
    version = HiddenField()
    # Which page the change was made from: its answer is shaped for it (households/answers.py).
    page = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        colour, _sep, reason = (self.chip.data or "").partition(":")
        if colour in STATUSES and reason.strip():
            # The chip decides: its colour is the one chosen, its reason the one given.
            self.status.data, self.status.raw_data = colour, [colour]
            self.reason.data = reason.strip()
        valid = super().validate(extra_validators)
        if not self.reason.data and not self.reason.errors:
            self.reason.errors.append(REASON_NEEDED)
            valid = False
        return valid
