from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField

from .. import passwords
from ..forms import (
    CheckboxesField,
    Form,
    choices,
    code_field,
    password_field,
    phone_field,
    text_field,
)
from ..models import EMPLOYMENT, POSITIONS, ROLES, WORKER_TAGS


class WorkerForm(Form):
    name = text_field(_l("Name"), 40, _l("Enter the name."))
    # Required for a new worker (the rules say so); on the edit page it is shown masked and
    # left empty keeps the stored number: a full number is shown only through a logged reveal.
    phone = phone_field(_l("Phone (used to sign in)"))
    password = password_field(
        _l("Password"),
        description=_l(
            "At least %(min)d characters, not a common one, not the phone number. Leave empty "
            "to keep the current password. The worker chooses their own at the next sign-in.",
            min=passwords.MIN_LENGTH,
        ),
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
