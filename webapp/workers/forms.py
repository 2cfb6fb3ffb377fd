from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import CheckboxesField, choices, mobile_phone, strip
from ..models import EMPLOYMENT, POSITIONS, ROLES, WORKER_TAGS


class WorkerForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the name.")),
            Length(max=40, message=_l("At most %(max)d characters.")),
        ],
    )
    phone = StringField(
        _l("Phone (used to sign in)"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the phone number.")),
            Length(max=11, message=_l("At most %(max)d characters.")),
            mobile_phone,
        ],
        render_kw={"inputmode": "numeric"},
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters. Leave empty to keep the current password."),
        validators=[
            Optional(),
            Length(min=8, max=128, message=_l("Between %(min)d and %(max)d characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(_l("Role"), choices=choices(ROLES))
    scope_code = StringField(
        _l("Area (grid code)"),
        description=_l("The code of the grid node this worker looks after."),
        filters=[strip, lambda v: v.upper() if v else v],
        validators=[
            DataRequired(_l("Enter the code of a grid node.")),
            Length(max=16, message=_l("At most %(max)d characters.")),
        ],
    )
    employment = RadioField(_l("Employment"), choices=choices(EMPLOYMENT), default="part_time")
    tags = CheckboxesField(_l("Tags"), choices=choices(WORKER_TAGS))
    positions = CheckboxesField(_l("Positions"), choices=choices(POSITIONS))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Name or phone"), filters=[strip], validators=[Length(max=40)])
