from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, SelectField, StringField
from wtforms import Form as Subform
from wtforms.validators import InputRequired, ValidationError

from ..forms import Form, choices, parse_day, phone_field, strip, text_field
from ..idempotency import key_field
from ..identity import is_valid_id_number, normalize_id_number
from ..models import TRAVEL_MEANS
from .rules import MAX_EMPLOYEES

NOT_A_DATE = _l("Not a date: write it as 2026-11-20.")


def _id_number(form, field) -> None:
    if field.data and not is_valid_id_number(field.data):
        raise ValidationError(_l("This is not a valid ID number."))


def _day(form, field) -> None:
    if field.data and parse_day(field.data) is None:
        raise ValidationError(NOT_A_DATE)


class EmployeeForm(Subform):
    """One returning employee: a row of the filing form (and, field by field, a row of an
    imported sheet: webapp/filings/sheet.py runs these validators on its cells)."""

    name = text_field(_l("Name"), 40, _l("Enter the name."))
    id_number = StringField(
        _l("ID number"),
        filters=[strip, lambda v: normalize_id_number(v) if v else v],
        validators=[InputRequired(_l("Enter the ID number.")), _id_number],
        render_kw={"autocomplete": "off", "maxlength": 24},
    )
    phone = phone_field(_l("Phone"), _l("Enter the phone."))
    origin = text_field(_l("Coming from"), 80, _l("Say where they come from."))
    arrival_date = StringField(
        _l("Planned arrival"),
        filters=[strip],
        validators=[InputRequired(_l("Enter the planned arrival date.")), _day],
        render_kw={"type": "date"},
    )
    means = SelectField(
        _l("Travelling by"),
        choices=choices(TRAVEL_MEANS),
        validators=[InputRequired(_l("Choose how they travel."))],
        validate_choice=True,
    )
    stay_address = text_field(
        _l("Staying at (address in the zone)"), 120, _l("Say where they will stay in the zone.")
    )
    destination = text_field(
        _l("Destination micro-grid"),
        80,
        _l("Type the community or micro-grid name, or its code."),
        render_kw={"placeholder": "湖海塘社区 1幢1单元", "autocomplete": "off"},
    )

    @property
    def day(self):
        return parse_day(self.arrival_date.data or "")


class FilingForm(Form):
    key = key_field()
    rows = FieldList(FormField(EmployeeForm), min_entries=1, max_entries=MAX_EMPLOYEES)


class DecisionForm(Form):
    decision = SelectField(
        choices=choices({"approve": _l("Approve"), "refuse": _l("Refuse")}),
        validators=[InputRequired()],
        validate_choice=True,
    )
    reason = text_field(_l("Reason"), 200)


class RevokeForm(Form):
    reason = text_field(_l("Why it is revoked"), 200, _l("Say why the filing is revoked."))


class ImportForm(Form):
    key = key_field()
    file = FileField(_l("Excel file (.xlsx)"))
