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

# A node named by its path below the manager's node: five levels of names of 80 characters.
AREA_LENGTH = 5 * 83
# The scope column of the workers' sheet (webapp/imports): a node's code, as the office's
# spreadsheets have it.
SCOPE_CODE = code_field(_l("Area (grid code)"), _l("Enter the code of a grid node."))
FIRST_PASSWORD = _l(
    "At least %(min)d characters, not a common one, not the phone number. The worker chooses "
    "their own at the first sign-in.",
    min=passwords.MIN_LENGTH,
)


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
    # Chosen by name from the nodes of the manager's subtree (a list the browser offers as
    # one types, webapp/workers/areas.py); a node's code is understood too.
    area = text_field(
        _l("Area"),
        AREA_LENGTH,
        _l("Choose the area this worker looks after."),
        description=_l(
            "Type a name (a community, a grid, a stairwell …) and choose it from the list."
        ),
        render_kw={"list": "areas", "autocomplete": "off"},
    )
    employment = RadioField(_l("Employment"), choices=choices(EMPLOYMENT), default="part_time")
    positions = CheckboxesField(_l("Positions"), choices=choices(POSITIONS))
    tags = CheckboxesField(_l("Tags"), choices=choices(WORKER_TAGS))


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    q = text_field(_l("Name or phone"), 40)
