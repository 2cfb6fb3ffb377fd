from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..forms import CheckboxesField, Form, choices, strip, text_field
from ..idempotency import key_field
from ..identity import is_valid_id_number, normalize_id_number
from ..models import SWEEP_CHECKS
from ..observations.forms import _temperature
from ..visits.forms import RecordedAtField, VisitForm


class SweepForm(Form):
    key = key_field()
    name = text_field(_l("Name"), 60, _l("Give the sweep a name."))
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter a date."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter a date."))])
    checks = CheckboxesField(_l("Questions at each door"), choices=choices(SWEEP_CHECKS))


class _AtTheDoor(Form):
    key = key_field()
    # Which page it was sent from (the sweep's list or the household page): its answer fits it.
    page = HiddenField()
    # When the phone recorded it: the outbox may send it later (as a visit's).
    visited_at = RecordedAtField(_l("Time of the visit"), validators=[Optional()])
    validate_visited_at = VisitForm.validate_visited_at


class ScreenForm(_AtTheDoor):
    """A one-tap screening (无异常, 无人在家): the outcome and the keys only."""

    outcome = HiddenField()  # "clear" or "absent"; what was found comes with FindingsForm

    def validate_outcome(self, field) -> None:
        if field.data not in ("clear", "absent"):
            raise ValidationError(_l("Choose what you found."))


class FindingsForm(_AtTheDoor):
    """What was found at a door."""

    returnee = BooleanField(SWEEP_CHECKS["returnee"])
    origin = text_field(_l("Back from"), 80)
    returnee_name = text_field(_l("Returnee's name"), 40)
    returnee_id_number = StringField(
        _l("Returnee's ID number"),
        filters=[strip, lambda v: normalize_id_number(v) if v else v],
        render_kw={"autocomplete": "off", "maxlength": 24},
    )
    return_date = DateField(_l("Back on"), validators=[Optional()])
    fever = BooleanField(SWEEP_CHECKS["fever"])
    temperature = StringField(
        _l("Temperature (°C)"),
        filters=[strip],
        render_kw={"inputmode": "decimal", "placeholder": "37.8", "autocomplete": "off"},
    )
    key_person = CheckboxesField(SWEEP_CHECKS["key_person"], coerce=int, choices=[])
    elderly_alone = CheckboxesField(SWEEP_CHECKS["elderly_alone"], coerce=int, choices=[])
    note = text_field(_l("Note"), 200)

    def validate_returnee_id_number(self, field) -> None:
        if field.data and not is_valid_id_number(field.data):
            raise ValidationError(_l("This is not a valid ID number."))
        if field.data and not self.returnee_name.data:
            raise ValidationError(_l("Give the returnee's name with the ID number."))

    def validate_temperature(self, field) -> None:
        if field.data:
            _temperature(self, field)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        found = (
            self.returnee.data or self.fever.data or self.key_person.data or self.elderly_alone.data
        )
        if not found and not self.note.data:
            # On the form, not a field: it is about all of them (and the note is optional).
            self.form_errors.append(_l("Tick what you found, or write a note."))
            return False
        return valid
