from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import choices, strip
from ..idempotency import key_field
from ..models import STATUSES


class StatusForm(FlaskForm):
    key = key_field()
    status = RadioField(
        _l("Colour"),
        choices=choices(STATUSES),
        validators=[InputRequired(_l("Choose a colour."))],
    )
    reason = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[
            DataRequired(_l("Give a reason for the change.")),
            Length(max=200, message=_l("At most %(max)d characters.")),
        ],
    )
    # The household version the worker saw: a change made in between is shown, not overwritten.
    version = HiddenField()
