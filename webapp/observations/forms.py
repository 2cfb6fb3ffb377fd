from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..forms import CheckboxesField, Form, choices, strip, text_field
from ..idempotency import key_field
from ..models import SLOTS, SYMPTOMS


def reason_field():
    return text_field(_l("Reason"), 200, _l("Give a reason."))


class ObservationForm(Form):
    key = key_field()
    start_date = DateField(_l("Start"), validators=[InputRequired(_l("Enter a date."))])
    planned_end = DateField(_l("Planned end"), validators=[InputRequired(_l("Enter a date."))])
    reason = reason_field()

    def validate_planned_end(self, field) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end cannot be before the start."))


class ExtendForm(Form):
    planned_end = DateField(_l("New planned end"), validators=[InputRequired(_l("Enter a date."))])
    reason = reason_field()


class ReleaseForm(Form):
    reason = reason_field()


def _temperature(form, field) -> None:
    try:
        value = float((field.data or "").replace("，", ".").replace(",", "."))
    except ValueError:
        raise ValidationError(_l("Enter the temperature as a number, such as 36.5.")) from None
    if not 34.0 <= value <= 43.0:
        raise ValidationError(_l("A temperature must lie between 34.0 and 43.0 °C."))
    field.data = f"{value:.1f}"


class FollowUpForm(Form):
    key = key_field()
    slot_date = DateField(_l("Day"), validators=[Optional()])
    slot = RadioField(_l("Slot"), choices=choices(SLOTS), validators=[Optional()])
    temperature = StringField(
        _l("Temperature (°C)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the temperature.")), _temperature],
        render_kw={"inputmode": "decimal", "placeholder": "36.5", "autocomplete": "off"},
    )
    symptoms = CheckboxesField(_l("Symptoms"), choices=choices(SYMPTOMS))
    supplies = text_field(
        _l("Supplies needed"),
        200,
        description=_l("Creates an errand: buying daily necessities for the household."),
    )
    visited_at = HiddenField()  # sent by the outbox; a follow-up keeps its slot, not this time
