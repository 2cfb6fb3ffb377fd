from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..forms import Form, choices, code_field, id_field, phone_field, strip, text_field
from ..idempotency import key_field
from ..identity import is_valid_id_number, normalize_id_number
from ..models import CHECK_KINDS, OUTCOMES, SHIFTS
from ..observations.forms import _temperature
from ..visits.forms import RecordedAtField, VisitForm


class CheckpointForm(Form):
    key = key_field()
    name = text_field(_l("Name"), 60, _l("Give the checkpoint a name."))
    place = text_field(_l("Road or place"), 120, _l("Say where the checkpoint is."))
    grid_code = code_field(_l("Grid node responsible (code)"), _l("Enter the node's code."))


class PostForm(Form):
    worker_phone = phone_field(_l("Worker's phone"), _l("Enter the worker's phone."))
    shift = SelectField(
        _l("Shift"),
        choices=choices({k: label for k, (label, _f, _a) in SHIFTS.items()}),
        validators=[InputRequired(_l("Choose a shift."))],
        validate_choice=True,
    )


class TakeOffForm(Form):
    post = id_field()


# One tap: what was checked and its outcome, as the button's value ("person.turned_back").
TAPS = {
    f"{kind}.{outcome}"
    for kind in CHECK_KINDS
    for outcome in OUTCOMES
    if outcome != "handed_over"  # through the handover form
}


def _optional_temperature(form, field) -> None:
    if field.data:
        _temperature(form, field)


class _Tap(Form):
    key = key_field()
    temperature = StringField(
        _l("Temperature (°C)"),
        filters=[strip],
        validators=[_optional_temperature],
        render_kw={"inputmode": "decimal", "placeholder": "36.5", "autocomplete": "off"},
    )
    # When the phone recorded it: the outbox may send it later.
    visited_at = RecordedAtField(_l("Time of the check"), validators=[Optional()])
    validate_visited_at = VisitForm.validate_visited_at

    @property
    def temperature_value(self) -> float | None:
        return float(self.temperature.data) if self.temperature.data else None


class CheckForm(_Tap):
    tap = HiddenField()

    def validate_tap(self, field) -> None:
        if field.data not in TAPS:
            raise ValidationError(_l("Choose what came of the check."))


class HandoverForm(_Tap):
    name = text_field(_l("Name"), 40, _l("Enter the name."))
    id_number = StringField(
        _l("ID number"),
        filters=[strip, lambda v: normalize_id_number(v) if v else v],
        validators=[InputRequired(_l("Enter the ID number."))],
        render_kw={"autocomplete": "off", "maxlength": 24},
    )
    phone = phone_field(_l("Phone"), _l("Enter the phone."))
    origin = text_field(_l("Coming from"), 80, _l("Say where they come from."))
    address = text_field(_l("Destination address"), 120, _l("Enter the destination address."))
    destination = text_field(
        _l("Destination micro-grid"),
        # A scanned poster's URL is longer than any name.
        200,
        _l("Type the community or micro-grid name, or its code."),
        render_kw={"placeholder": "湖海塘社区 1幢1单元", "autocomplete": "off"},
    )

    def validate_id_number(self, field) -> None:
        if field.data and not is_valid_id_number(field.data):
            raise ValidationError(_l("This is not a valid ID number."))


def _id(value) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return 0
    # An id the database can hold (a larger one is no record's).
    return number if 0 < number < 2**31 else 0


class ReceiveForm(Form):
    # Either a resident of the micro-grid (the arrival is registered already) or a household
    # to register them in (a returnee, light yellow).
    resident = SelectField(
        _l("Already registered as"), coerce=_id, choices=[], validate_choice=False
    )
    household = SelectField(_l("Or register in"), coerce=_id, choices=[], validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if bool(self.resident.data) == bool(self.household.data):
            self.form_errors.append(_l("Choose the resident, or the household to register in."))
            return False
        return valid
