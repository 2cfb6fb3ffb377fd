from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, SelectField
from wtforms.validators import Length, Optional

from ..forms import CheckboxesField, Form, choices, code_field, phone_field, text_field
from ..models import EMPLOYMENT, POSITIONS, ROLES, WORKER_TAGS


class WorkerForm(Form):
    name = text_field(_l("Name"), 40, _l("Enter the name."))
    phone = phone_field(_l("Phone (used to sign in)"), _l("Enter the phone number."))
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters. Leave empty to keep the current password."),
        validators=[
            Optional(),
            Length(min=8, max=128, message=_l("Between %(min)d and %(max)d characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(_l("Role"), choices=choices(ROLES), default="worker")
    scope_code = code_field(
        _l("Area (grid code)"),
        _l("Enter the code of a grid node."),
        description=_l("The code of the grid node this worker looks after."),
    )
    employment = RadioField(_l("Employment"), choices=choices(EMPLOYMENT), default="part_time")
    positions = CheckboxesField(_l("Positions"), choices=choices(POSITIONS))
    tags = CheckboxesField(_l("Tags"), choices=choices(WORKER_TAGS))


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    q = text_field(_l("Name or phone"), 40)
