from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional, Regexp

from ..forms import Form, choices, code_field, text_field
from ..models import MICRO_KINDS


class GridForm(Form):
    name = text_field(_l("Node name"), 80, _l("Enter a name."))
    code = code_field(
        _l("Code"),
        _l("Enter a code."),
        description=_l("Short and stable: it is printed in QR codes. Letters and digits."),
        validators=[Regexp(r"^[A-Z0-9]+$", message=_l("Only letters and digits."))],
    )
    kind = SelectField(
        _l("Kind of micro-grid"),
        choices=choices(MICRO_KINDS, blank=True),
        validators=[Optional()],
    )
    parent_code = code_field(
        _l("Parent node code"),
        description=_l("To move this node, enter the code of its new parent."),
    )
