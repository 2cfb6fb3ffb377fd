from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from ..forms import Form, password_field


class PasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = password_field(_l("New password"), required=True)
    again = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
