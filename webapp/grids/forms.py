from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import choices, strip
from ..models import MICRO_KINDS


class GridForm(FlaskForm):
    name = StringField(
        _l("Node name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=80, message=_l("At most %(max)d characters.")),
        ],
    )
    code = StringField(
        _l("Code"),
        description=_l("Short and stable: it is printed in QR codes. Letters and digits."),
        filters=[strip, lambda v: v.upper() if v else v],
        validators=[
            DataRequired(_l("Enter a code.")),
            Length(max=16, message=_l("At most %(max)d characters.")),
            Regexp(r"^[A-Z0-9]+$", message=_l("Only letters and digits.")),
        ],
    )
    kind = SelectField(
        _l("Kind of micro-grid"),
        choices=choices(MICRO_KINDS, blank=True),
        validators=[Optional()],
    )
    parent_code = StringField(
        _l("Parent node code"),
        description=_l("To move this node, enter the code of its new parent."),
        filters=[strip, lambda v: v.upper() if v else v],
        validators=[Optional(), Length(max=16, message=_l("At most %(max)d characters."))],
    )
