from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..forms import Form, text_field
from ..idempotency import key_field
from ..visits.forms import RecordedAtField, VisitForm


class ThroughForm(Form):
    """The one tap of 绿色通道放行: at which checkpoint, with a sending key (the outbox resends
    it as it was, so ten copies are one check)."""

    key = key_field()
    checkpoint = IntegerField(
        _l("Checkpoint"),
        validators=[
            InputRequired(_l("Choose your checkpoint.")),
            NumberRange(min=1, max=2**31 - 1, message=_l("Choose your checkpoint.")),
        ],
    )
    # When the phone recorded it: the outbox may send it later.
    visited_at = RecordedAtField(_l("Time of the check"), validators=[Optional()])
    validate_visited_at = VisitForm.validate_visited_at


class RevokeForm(Form):
    reason = text_field(_l("Reason"), 200, _l("Say why the pass is revoked."))


class FindForm(Form):
    """A pass code typed at the checkpoint (when the camera cannot read the QR)."""

    class Meta:
        csrf = False  # a GET that only goes to the pass's page

    code = text_field(_l("Pass code"), 30, _l("Type the code printed under the QR."))
