from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from ..converters import MAX_ID
from ..forms import Form, choices, text_field
from ..models import VISIT_OUTCOMES

_ID = [InputRequired(), NumberRange(min=1, max=MAX_ID)]


class PairForm(Form):
    """One candidate pair, from the list: the other record of the pair, and the list's page to
    go back to."""

    other = IntegerField(validators=_ID)
    page = IntegerField(default=1, validators=[NumberRange(min=1, max=MAX_ID)])


class MergeForm(PairForm):
    # Which of the two records stays: its id.
    keep = IntegerField(_l("Keep"), validators=_ID)


class ResolveForm(Form):
    outcome = RadioField(
        _l("Decision"),
        choices=choices(VISIT_OUTCOMES),
        validators=[DataRequired(_l("Choose whether the visit is kept or struck out."))],
    )
    reason = text_field(_l("Reason"), 200, required=_l("Say why."))
    back = HiddenField()
