from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ..forms import Form, id_field, password_field, phone_field, strip, text_field
from ..idempotency import key_field
from ..identity import is_valid_uscc, normalize_uscc
from ..visits.forms import RecordedAtField
from ..visits.forms import VisitForm as HouseholdVisitForm
from ..workers.forms import AREA_LENGTH, FIRST_PASSWORD


def _department_id(value) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


# WTForms' own message, in WTForms' catalog (a name, so that it is not extracted into ours).
_NOT_AN_INTEGER = "Not a valid integer value."


class CountField(IntegerField):
    """A whole number of at most nine digits: a longer one would overflow the range check
    (WTForms compares it as a float) and is nobody's head count anyway."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and len(valuelist[0].strip()) > 9:
            self.data = None
            raise ValueError(self.gettext(_NOT_AN_INTEGER))
        super().process_formdata(valuelist)


class DepartmentForm(Form):
    name = text_field(_l("Department name"), 40, _l("Enter the department's name."))


class EnterpriseForm(Form):
    key = key_field()
    name = text_field(_l("Enterprise name"), 80, _l("Enter the enterprise's name."))
    uscc = StringField(
        _l("Unified social credit code"),
        filters=[strip, lambda v: normalize_uscc(v) if v else v],
        validators=[InputRequired(_l("Enter the unified social credit code."))],
        description=_l("18 characters, on the business licence."),
        render_kw={"autocomplete": "off", "maxlength": 24, "autocapitalize": "characters"},
    )
    address = text_field(_l("Address"), 120, _l("Enter the address."))
    # Chosen by name from the nodes of the manager's subtree, as a worker's area is
    # (webapp/workers/areas.py); a node's code is understood too.
    area = text_field(
        _l("Grid node it belongs to"),
        AREA_LENGTH,
        _l("Choose the grid node the enterprise belongs to."),
        description=_l("Type a name (an enterprise micro-grid, a community …) and choose it."),
        render_kw={"list": "areas", "autocomplete": "off"},
    )
    department = SelectField(
        _l("Industry department"), coerce=_department_id, choices=[], validate_choice=False
    )
    contact_name = text_field(_l("Contact person"), 40, _l("Enter the contact person."))
    # Required for a new enterprise (the rules say so); on the edit page it is shown masked and
    # left empty keeps the stored number.
    phone = phone_field(_l("Contact phone"))
    employees = CountField(
        _l("Employees"),
        validators=[
            InputRequired(_l("Enter the number of employees.")),
            NumberRange(min=0, max=10**6, message=_l("Between %(min)d and %(max)d.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    # Not `liaison`: the form is filled from the Enterprise, whose `liaison` is a Worker.
    liaison_officer = text_field(
        _l("Liaison officer (驻企指导员)"),
        40,
        description=_l("A worker of the enterprise's area: their name or phone."),
        render_kw={"autocomplete": "off"},
    )

    def validate_uscc(self, field) -> None:
        if field.data and not is_valid_uscc(field.data):
            raise ValidationError(
                _l("This is not a valid unified social credit code (18 characters).")
            )

    def validate_department(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the industry department."))


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    q = text_field(_l("Name or credit code"), 80)
    department = SelectField(
        _l("Industry department"), coerce=_department_id, choices=[], validate_choice=False
    )


class LiaisonVisitForm(Form):
    key = key_field()
    method = SelectField(
        _l("Method"),
        choices=[],
        validators=[InputRequired(_l("Choose how you met the enterprise."))],
        validate_choice=True,
    )
    note = text_field(_l("Note"), 500)
    visited_at = RecordedAtField(_l("Time of the visit"), validators=[Optional()])
    validate_visited_at = HouseholdVisitForm.validate_visited_at


class UndoForm(Form):
    visit = id_field()


class AccountForm(Form):
    name = text_field(_l("Name"), 40, _l("Enter the name."))
    phone = phone_field(_l("Phone (used to sign in)"), _l("Enter the phone number."))
    password = password_field(
        _l("First password"),
        required=True,
        description=FIRST_PASSWORD,
    )
