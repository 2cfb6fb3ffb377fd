from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import mobile_phone, strip


class HouseholdForm(FlaskForm):
    address = StringField(
        _l("Address"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the address.")),
            Length(max=120, message=_l("At most %(max)d characters.")),
        ],
    )
    phone = StringField(
        _l("Phone"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=11, message=_l("At most %(max)d characters.")),
            mobile_phone,
        ],
        render_kw={"inputmode": "numeric"},
    )
    grid_code = StringField(
        _l("Micro-grid code"),
        description=_l("To move the household, enter the code of its new micro-grid."),
        filters=[strip, lambda v: v.upper() if v else v],
        validators=[Optional(), Length(max=16, message=_l("At most %(max)d characters."))],
    )
    # The version the user saw: if someone saved in between, we say so instead of overwriting.
    version = HiddenField()
